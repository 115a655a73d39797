"""Kinesis Data Streams and Kinesis Data Firehose envelopes: the records' base64 ``data``,
decoded, validated against the model."""

from __future__ import annotations

from typing import Any

from toolkit.parser.envelopes.base import BaseEnvelope
from toolkit.parser.models.kinesis import KinesisDataStreamModel
from toolkit.parser.models.kinesis_firehose import KinesisFirehoseModel
from toolkit.parser.parsing import validator_for

__all__ = ["KinesisDataStreamEnvelope", "KinesisFirehoseEnvelope"]


class KinesisDataStreamEnvelope(BaseEnvelope):
    """Each record's ``kinesis.data`` (base64 of JSON) validated: a list, in record order."""

    def parse(self, data: Any, model: Any) -> list[Any]:
        event = validator_for(KinesisDataStreamModel)(data)
        return self._each(
            model,
            (
                (("Records", i, "kinesis", "data"), r.kinesis.data)
                for i, r in enumerate(event.records)
            ),
        )


class KinesisFirehoseEnvelope(BaseEnvelope):
    """Each record's ``data`` (base64 of JSON) validated: a list, in record order."""

    def parse(self, data: Any, model: Any) -> list[Any]:
        event = validator_for(KinesisFirehoseModel)(data)
        return self._each(
            model, ((("records", i, "data"), r.data) for i, r in enumerate(event.records))
        )
