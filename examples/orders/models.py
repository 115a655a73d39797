"""The order API's request body and the events the queue carries, as pydantic models: the
API answers 400 naming each failing field, the consumer fails only the record that is not one."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Item(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=100)
    unit_cents: int = Field(ge=0)


class Order(BaseModel):
    order_id: str = Field(pattern=r"^o-[0-9]+$")
    customer: str = Field(min_length=1)
    items: list[Item] = Field(min_length=1)

    @property
    def total_cents(self) -> int:
        return sum(item.quantity * item.unit_cents for item in self.items)


class OrderPlaced(BaseModel):
    """What the order pipeline puts on the queue once an order is stored."""

    type: Literal["OrderPlaced"]
    order_id: str = Field(pattern=r"^o-[0-9]+$")
