"""What every area's store uses: a lookup that may find nothing, a flush that
turns a concurrent change into CONCURRENT_UPDATE."""
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from kernel.errors import Conflict, NotFound


def found(row, code, message, field, rule=None):
    """``row``, or NotFound with ``code`` when the lookup found nothing."""
    if row is None:
        raise NotFound(code, message, field=field, rule=rule)
    return row


def flush(db):
    """Flush; a row another worker changed meanwhile (its version moved on) is
    a CONCURRENT_UPDATE, and nothing of this call is kept."""
    try:
        db.flush()
    except (StaleDataError, IntegrityError) as exc:
        db.rollback()
        raise Conflict("CONCURRENT_UPDATE", "this record was changed by someone else "
                       "meanwhile: reload it and try again",
                       details={"error": type(exc).__name__})
