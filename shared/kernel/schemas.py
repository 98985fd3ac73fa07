"""marshmallow helpers shared by every service's schemas.py."""
from marshmallow import Schema, ValidationError, RAISE

from kernel.errors import ValidationFailed


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped."""
    class Meta:
        unknown = RAISE


def load(schema, data, rule=None):
    """Validate ``data``; a ValidationFailed naming every bad field otherwise."""
    if not isinstance(data, dict):
        raise ValidationFailed("VALIDATION_FAILED", "the request must be an object", rule=rule,
                               details={"errors": {"_schema": ["not an object"]}})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed.from_marshmallow(exc.messages, rule=rule)
