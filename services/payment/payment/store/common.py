"""Small helpers of the store modules."""
CHUNK = 500                        # ids per IN (...) query


def iso(value):
    return value.isoformat() if value is not None else None


def chunks(values, size=CHUNK):
    values = list(values)
    for n in range(0, len(values), size):
        yield values[n:n + size]

