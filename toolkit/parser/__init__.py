"""Parsing Lambda events: pydantic models of event sources (``toolkit.parser.models``) and the
pure-Python DynamoDB attribute value deserialiser they and the batch records share.

Importing this package imports nothing: pydantic is loaded by the model modules only, when a
model is first used.
"""
