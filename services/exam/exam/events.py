"""The exam service's events: one contract each (kernel.events), importable
without exam's rules or database. Emitted on the exchange ``exam.events``."""
from marshmallow import fields, validate

from kernel.events import Event, Payload, text


class Window(Payload):
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class Batch(Payload):
    """A batch as exam publishes it (get_batch's answer)."""
    code = text(20, required=True)
    year = fields.Integer(required=True)
    seq = fields.Integer()
    registration = fields.Nested(Window, required=True)
    review = fields.Nested(Window, required=True)
    payment = fields.Nested(Window, required=True)
    ticket = fields.Nested(Window, required=True)
    exam_date = fields.Date(required=True)
    re_review_working_days = fields.Integer(required=True)
    accepted_id_documents = fields.List(fields.String(), required=True)
    status = fields.String()
    version = fields.Integer()


class BatchScheduledPayload(Payload):
    batch = fields.Nested(Batch, required=True)


class BatchUpdatedPayload(Payload):
    batch = fields.Nested(Batch, required=True)
    changed = fields.List(fields.String(), required=True)


class BatchCancelledPayload(Payload):
    batch_code = text(20, required=True)
    project_code = text(80, required=True)
    reason = fields.String(load_default=None, allow_none=True)


class ResultsPublishedPayload(Payload):
    batch_code = text(20, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    candidates = fields.Integer(required=True)


class Supervision(Payload):
    """The session's quality supervision record, signed (002 二(九)): who, when."""
    name = text(50, required=True)
    at = fields.AwareDateTime(required=True)


class ResultFinalizedPayload(Payload):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    batch_code = text(20, required=True)
    project_code = text(80, required=True)
    id_number = text(18, required=True)
    name = text(50, required=True)
    passed = fields.Boolean(required=True)
    score = fields.Raw(load_default=None, allow_none=True)
    exam_date = fields.Date(required=True)
    # what the certificate needs, so that it asks no one (#14); optional: an event
    # queued before these fields lacks them and certificate notes it, issues nothing
    roster_status = text(12, load_default=None, allow_none=True)
    sex = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("M", "F")))
    channel = text(12, load_default=None, allow_none=True)
    institution_code = text(40, load_default=None, allow_none=True)
    project_name = text(100, load_default=None, allow_none=True)
    photo = text(64, load_default=None, allow_none=True)
    photo_base64 = fields.String(load_default=None, allow_none=True)
    supervision = fields.Nested(Supervision, load_default=None, allow_none=True)


class CalendarYearLoadedPayload(Payload):
    """W1: a working-day year as the provincial administrator loaded it."""
    year = fields.Integer(required=True)
    holidays = fields.List(fields.Date(), required=True)
    workdays = fields.List(fields.Date(), required=True)
    source = text(200, required=True)
    loaded_by = text(100, required=True)
    version = fields.Integer(required=True)
    loaded_at = fields.AwareDateTime(required=True)


BATCH_SCHEDULED = Event("exam", "batch_scheduled", BatchScheduledPayload, doc="""
    a new batch (`schedule_batch`, `load_calendar`).""")
BATCH_UPDATED = Event("exam", "batch_updated", BatchUpdatedPayload, doc="""
    a batch changed (`update_batch`, `load_calendar`); `changed` names the fields, `batch.version` grows by one with
    each change and consumers keep only newer versions.""")
BATCH_CANCELLED = Event("exam", "batch_cancelled", BatchCancelledPayload, doc="""
    B1: once when a batch/project is cancelled, and again for a confirmation that
    arrives after the cancellation (so registration and payment cancel that
    candidate too; both apply it idempotently).""")
RESULTS_PUBLISHED = Event("exam", "results_published", ResultsPublishedPayload, doc="""
    T5: a batch's results are published (`candidates`: how many).""")
RESULT_FINALIZED = Event("exam", "result_finalized", ResultFinalizedPayload, doc="""
    T5: exactly once per candidate, the day after publication ends; `score` 0-100
    with one decimal, null for a no-show. For the certificate (#14): the roster
    status (`confirmed`), the application's `sex`, `channel`, `institution_code`
    and photo (`photo` hash, `photo_base64` its bytes), the `project_name`, and
    the session's signed `supervision` (T4; null: none was recorded).""")
CALENDAR_YEAR_LOADED = Event("exam", "calendar_year_loaded", CalendarYearLoadedPayload, doc="""
    W1: the provincial administrator loaded (or corrected: `version` grows) a
    year's holidays and make-up working days (`set_calendar_year`); every
    service that counts working days keeps it in its kernel table `calendar_year`
    and computes what waited for it (kernel.calendar).""")
