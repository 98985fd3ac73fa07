"""Small helpers of the store modules."""
import base64
import binascii

from kernel.errors import ValidationFailed

CHUNK = 500                        # ids per IN (...) query


def iso(value):
    return value.isoformat() if value is not None else None


def chunks(values, size=CHUNK):
    values = list(values)
    for n in range(0, len(values), size):
        yield values[n:n + size]


def decode_base64(text, field, rule):
    """The bytes of a base64 upload, or VALIDATION_FAILED on ``field``."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("VALIDATION_FAILED", "the file is not valid base64", field=field,
                               rule=rule)
