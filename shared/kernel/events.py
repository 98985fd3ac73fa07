"""Event contracts: one definition per event, owned by its producer.

Each producing service has a module ``<pkg>/events.py`` that imports only
marshmallow and this module (never its domain, models, service or database),
so any consumer, and the gateway, may import it. For each event it declares

    RESULT_FINALIZED = Event("exam", "result_finalized", ResultFinalizedPayload,
                             version=1, doc="when it is sent")

- ``NAME`` (``result_finalized``, the routing key and the outbox's event type),
  ``SOURCE`` (the producing service: the exchange ``<source>.events``) and
  ``VERSION``: an int carried in the envelope's ``schema_version`` field
  (kernel.outbox.envelope). A change a consumer must know about (a field
  removed, its meaning changed) bumps it; adding a field does not.
- the payload schema (a ``Payload`` subclass). One unknown-field policy
  everywhere: consumers ignore fields they do not know (EXCLUDE), so a
  producer may add fields without breaking an older consumer; the producer's
  own ``build`` refuses a field its contract does not declare (RAISE), so the
  contract lists every field that is sent.

Every contract is version 1 today and consumers do not look at the version.
Before a producer emits version 2 of an event, its consumers learn to handle
both (the envelope's ``schema_version`` tells them apart), and the docs' table
says which is sent.

Producers: ``emit(session, CONTRACT.NAME, CONTRACT.build(**fields),
CONTRACT.VERSION)`` or ``CONTRACT.emit(session, **fields)``; ``build``
validates the payload and answers it unchanged (a ValueError on a producer's
bug: nothing is written). Consumers: ``CONTRACT.load(event["payload"])``, or
``CONTRACT.load(payload, only=(fields it reads))`` for a consumer that reads a
few fields only (they keep the producer's definition); a ValidationFailed for a
payload that does not fit (the retrying handler dead-letters it at once,
kernel.entrypoints).

``python -m kernel.events docs`` rewrites the event tables of docs/*.md between
``<!-- events:<service> -->`` and ``<!-- /events -->`` from the contracts;
``python -m kernel.events check`` (and the contracts' test) fails when they differ.
"""
import functools
import importlib
import pathlib
import sys

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

# the producers, the module holding each one's contracts, and the page that
# documents them
PRODUCERS = {
    "registration": ("registration.events", "docs/registration.md"),
    "review": ("review.events", "docs/review.md"),
    "payment": ("payment.events", "docs/payment.md"),
    "exam": ("exam.events", "docs/exam.md"),
    "certificate": ("certificate.events", "docs/certificate.md"),
    "assessor_training": ("assessor_training.events", "docs/assessor-training.md"),
}


class Payload(Schema):
    """Base of every event payload schema: unknown fields ignored on load."""
    class Meta:
        unknown = EXCLUDE


def text(max_length=None, **kwargs):
    """A text field of at most ``max_length`` characters (the consumers' columns)."""
    return fields.String(validate=validate.Length(max=max_length) if max_length else None,
                         **kwargs)


class Event:
    """One event's contract: name, source, version, payload schema, doc."""

    def __init__(self, source, name, schema, version=1, doc=""):
        self.SOURCE, self.NAME, self.VERSION = source, name, version
        self.schema, self.doc = schema, " ".join(doc.split())

    @property
    def TYPE(self):
        return f"{self.SOURCE}.{self.NAME}"

    @functools.cached_property
    def fields(self):
        """The payload's field names (made once: a schema instance per look-up
        cost registration 14 % of its busy time in bench-batch, docs/performance.md)."""
        return tuple(self.schema().fields)

    def build(self, **fields):
        """The payload to emit: validated against the contract, returned as given."""
        try:
            self._reader(None).load(fields, unknown=RAISE)
        except ValidationError as exc:
            raise ValueError(f"{self.TYPE} v{self.VERSION} does not fit its contract: "
                             f"{exc.messages}") from None
        return dict(fields)

    def emit(self, session, **fields):
        """Write this event into the outbox of ``session``'s transaction."""
        from kernel.outbox import emit           # sqlalchemy: only when emitting
        return emit(session, self.NAME, self.build(**fields), schema_version=self.VERSION)

    def emit_many(self, session, many):
        """Write one event per mapping of ``many`` (each validated as ``emit``
        does) into the outbox in a few statements (kernel.outbox.emit_many)."""
        from kernel.outbox import emit_many
        return emit_many(session, self.NAME, [self.build(**fields) for fields in many],
                         schema_version=self.VERSION)

    def load(self, payload, only=None, rule=None):
        """A consumer's view of ``payload``: validated, unknown fields dropped.
        ``only``: the fields this consumer reads (each must be declared); the
        others are not its business and are dropped unchecked."""
        from kernel.schemas import load
        return load(self._reader(tuple(only) if only else None), payload, rule=rule)

    def _reader(self, only):
        """One schema instance per ``only``, made once: marshmallow copies every
        field when it makes one, and a load does not change it."""
        readers = self.__dict__.setdefault("_readers", {})
        if only not in readers:
            readers[only] = self.schema(only=only) if only else self.schema()
        return readers[only]

    def __repr__(self):
        return f"<Event {self.TYPE} v{self.VERSION}>"


def contracts(module):
    """The Event objects of a contracts module, in declaration order."""
    return [v for v in vars(module).values() if isinstance(v, Event)]


def all_contracts():
    return {source: contracts(importlib.import_module(mod))
            for source, (mod, _) in PRODUCERS.items()}


# --- the docs' tables ---------------------------------------------------------------

def _field_text(name, field):
    kind = type(field).__name__.replace("AwareDateTime", "datetime").lower()
    kind = {"string": "str", "integer": "int", "boolean": "bool", "raw": "any",
            "nested": "object"}.get(kind, kind)
    if kind == "object":
        kind = "{" + ", ".join(field.schema.fields) + "}"
    opt = "" if field.required else "?"
    return f"`{name}`{opt} {kind}" + (" or null" if field.allow_none else "")


def table(events):
    lines = ["| event | version | payload (`?` optional) | sent when |", "|---|---|---|---|"]
    for ev in events:
        payload = ", ".join(_field_text(n, f) for n, f in ev.schema().fields.items())
        lines.append(f"| `{ev.NAME}` | {ev.VERSION} | {payload} | {ev.doc} |")
    return "\n".join(lines)


def _markers(source):
    return f"<!-- events:{source} -->", "<!-- /events -->"


def render(text, source, events):
    start, end = _markers(source)
    head, sep, rest = text.partition(start)
    if not sep:
        raise LookupError(f"no {start} marker")
    _, sep2, tail = rest.partition(end)
    if not sep2:
        raise LookupError(f"no {end} after {start}")
    return (f"{head}{start}\n<!-- generated by `python -m kernel.events docs` from "
            f"{PRODUCERS[source][0]}; do not edit by hand -->\n{table(events)}\n{end}{tail}")


def differences(root):
    """[(page, source)] whose table differs from the contracts."""
    out = []
    for source, events in all_contracts().items():
        page = pathlib.Path(root) / PRODUCERS[source][1]
        text = page.read_text(encoding="utf-8")
        if render(text, source, events) != text:
            out.append((str(page), source))
    return out


def write_docs(root):
    for source, events in all_contracts().items():
        page = pathlib.Path(root) / PRODUCERS[source][1]
        text = page.read_text(encoding="utf-8")
        new = render(text, source, events)
        if new != text:
            page.write_text(new, encoding="utf-8")
            print(f"{page}: events of {source} rewritten")


def main(argv):
    root = pathlib.Path(__file__).resolve().parents[2]
    if argv[:1] == ["docs"]:
        write_docs(root)
        return 0
    if argv[:1] == ["check"]:
        diff = differences(root)
        for page, source in diff:
            print(f"{page}: the events table of {source} differs from its contracts "
                  "(python -m kernel.events docs)")
        return 1 if diff else 0
    print("usage: python -m kernel.events docs|check")
    return 2


if __name__ == "__main__":
    # run as a script this module is __main__: use the importable one, whose
    # Event class the contracts are made of
    from kernel import events as _events
    sys.exit(_events.main(sys.argv[1:]))
