"""The API's marshmallow schemas, one module per area; the OpenAPI document is built from them."""
