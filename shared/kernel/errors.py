"""One family of typed errors that crosses RPC intact.

A ``DomainError`` carries a stable ``code`` (what clients switch on), a human
``message`` in the user's terms, the ``field`` it concerns, the domain ``rule``
ID (R2, V2, ...) and free ``details``. nameko serialises an exception as its
class path plus ``exc_args``; every subclass registers itself with nameko's
deserialisation registry, so the caller gets the same type back with the same
attributes, not a ``RemoteError``. On the wire (for clients not written with
nameko) ``exc_args`` is ``[code, message, field, rule, details_json]``, with
"" for a missing field or rule.
"""
import json

from nameko.exceptions import registry, get_module_path


class DomainError(Exception):
    status = "unprocessable"   # coarse class; the gateway maps it to HTTP

    def __init__(self, code, message, field=None, rule=None, details=None):
        if isinstance(details, str):          # arriving from the wire
            details = json.loads(details) if details else {}
        self.code = code
        self.message = message
        self.field = field or None
        self.rule = rule or None
        self.details = details or {}
        # nameko turns every arg into a string (None -> "None", 3 -> "3"), so
        # the args on the wire are five strings: details travel as JSON text.
        super().__init__(code, message, self.field or "", self.rule or "",
                         json.dumps(self.details, ensure_ascii=False, default=str))

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        registry[get_module_path(cls)] = cls

    def __str__(self):
        where = f" [{self.field}]" if self.field else ""
        rule = f" ({self.rule})" if self.rule else ""
        return f"{self.code}{where}: {self.message}{rule}"

    def to_dict(self):
        return {"code": self.code, "message": self.message, "field": self.field,
                "rule": self.rule, "details": self.details}


registry[get_module_path(DomainError)] = DomainError


class ValidationFailed(DomainError):
    """Input does not have the right shape; ``details['errors']`` lists every field."""
    status = "invalid"

    @classmethod
    def from_marshmallow(cls, errors, rule=None):
        # the path to the first message: "person.id_number", "documents.1"
        path, first = [], errors
        while isinstance(first, (list, dict)) and first:
            if isinstance(first, list):
                first = first[0]
            else:
                key = next(iter(first))
                first = first[key]
                if key != "_schema":          # a schema-level error is about its parent
                    path.append(str(key))
        field = ".".join(path) or None
        message = f"{field}: {first}" if field else str(first)
        return cls("VALIDATION_FAILED", message, field=field, rule=rule,
                   details={"errors": errors})


class NotFound(DomainError):
    status = "not_found"


class Conflict(DomainError):
    status = "conflict"


class Forbidden(DomainError):
    status = "forbidden"


class RuleViolation(DomainError):
    """A business rule says no (window closed, duplicate application, ...)."""
    status = "unprocessable"


class RpcTimeout(DomainError):
    status = "timeout"

    def __init__(self, code="RPC_TIMEOUT", message="the service did not answer in time",
                 field=None, rule=None, details=None):
        super().__init__(code, message, field, rule, details)


class Unavailable(DomainError):
    status = "unavailable"


class CalendarUnavailable(Unavailable):
    status = "unavailable"


class DatabaseBusy(Unavailable):
    """DATABASE_BUSY: locked, a serialization failure or a deadlock; worth another try."""
    status = "unavailable"


class DatabaseUnavailable(Unavailable):
    """DATABASE_UNAVAILABLE: the database cannot be reached (or refused the work)."""
    status = "unavailable"


class RequestRefused(ValidationFailed):
    """An RPC request refused before any work (no reply address, not JSON, unknown
    method, too large, malformed); it is dead-lettered to ``rpc-<service>.dlq``."""
    status = "invalid"


DATABASE_ERROR_CODES = ("DATABASE_BUSY", "DATABASE_UNAVAILABLE")


def is_database_error(exc):
    return isinstance(exc, DomainError) and exc.code in DATABASE_ERROR_CODES
