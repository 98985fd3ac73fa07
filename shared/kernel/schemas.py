"""marshmallow helpers shared by every service's schemas.py."""
from marshmallow import Schema, ValidationError, RAISE

from kernel.errors import ValidationFailed


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped."""
    class Meta:
        unknown = RAISE


def _nul_at(value, path=""):
    """The path of the first text holding a NUL character (PostgreSQL refuses
    them; no field has a use for one), or None."""
    if isinstance(value, str):
        return path or "_schema" if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _nul_at(key, path) if isinstance(key, str) and "\x00" in key else \
            _nul_at(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


def load(schema, data, rule=None):
    """Validate ``data``; a ValidationFailed naming every bad field otherwise."""
    if not isinstance(data, dict):
        raise ValidationFailed("VALIDATION_FAILED", "the request must be an object", rule=rule,
                               details={"errors": {"_schema": ["not an object"]}})
    nul = _nul_at(data)
    if nul:
        raise ValidationFailed("VALIDATION_FAILED", f"{nul}: text may not contain a NUL "
                               "character", field=nul, rule=rule,
                               details={"errors": {nul: ["NUL character"]}})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed.from_marshmallow(exc.messages, rule=rule)
