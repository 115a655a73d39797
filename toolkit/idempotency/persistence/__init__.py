"""Persistence layers of the idempotency utility: the store contract and DynamoDB."""
