"""Model configs whose alias generator maps snake_case fields to the event's own names.

An alias generator (rather than ``Field(alias=...)`` on each field) is what lets a subclass
override a field with a bare annotation, ``new_image: Item | None = None``, and still read
``NewImage`` from the event: the generator applies to the subclass's fields too.
"""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.alias_generators import to_camel, to_pascal


def camel_case(**irregular: str) -> ConfigDict:
    """``message_id`` -> ``messageId``; ``irregular`` names the exceptions (``eventSourceARN``)."""
    return ConfigDict(
        populate_by_name=True, alias_generator=lambda name: irregular.get(name) or to_camel(name)
    )


def pascal_case(**irregular: str) -> ConfigDict:
    """``sent_timestamp`` -> ``SentTimestamp``."""
    return ConfigDict(
        populate_by_name=True, alias_generator=lambda name: irregular.get(name) or to_pascal(name)
    )


def kebab_case(**irregular: str) -> ConfigDict:
    """``detail_type`` -> ``detail-type`` (EventBridge's envelope and S3's detail)."""
    return ConfigDict(
        populate_by_name=True,
        alias_generator=lambda name: irregular.get(name) or name.replace("_", "-"),
    )
