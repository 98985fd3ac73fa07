"""Small helpers of the store modules."""
CHUNK = 500                        # ids per IN (...) query


def iso(value):
    return value.isoformat() if value is not None else None


def chunks(values, size=CHUNK):
    values = list(values)
    for n in range(0, len(values), size):
        yield values[n:n + size]



MAX_PAGE_SIZE = 100


def paged(db, query, sorts, sort, page, size, tiebreak):
    """One page of ``query`` sorted on the server: ``sort`` is a key of
    ``sorts`` (a column), '-' before it for descending; ``tiebreak`` keeps the
    order stable between pages. -> (rows, total). An unknown sort key, a page
    below 1 or a size outside 1..100 is VALIDATION_FAILED on its field."""
    from sqlalchemy import func, select
    from kernel.errors import ValidationFailed
    key = (sort or "").lstrip("-")
    if key not in sorts:
        raise ValidationFailed("VALIDATION_FAILED", f"sort by one of {', '.join(sorts)}",
                               field="sort", details={"errors": {"sort": [
                                   f"one of {', '.join(sorts)}, '-' before it to reverse"]}})
    for name, value, top in (("page", page, 10_000_000), ("size", size, MAX_PAGE_SIZE)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
            raise ValidationFailed("VALIDATION_FAILED", f"{name} is a whole number from 1 "
                                   f"to {top}", field=name,
                                   details={"errors": {name: [f"1 to {top}"]}})
    column = sorts[key]
    order = column.desc() if sort.startswith("-") else column.asc()
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.scalars(query.order_by(order, tiebreak).offset((page - 1) * size)
                      .limit(size)).all()
    return rows, total


def like(text):
    """A LIKE pattern for a person's search text (its wildcards taken literally)."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
