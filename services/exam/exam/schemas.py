"""RPC input/output of the exam service (its events: exam.events)."""
from marshmallow import fields, validate

from kernel.calendar import SetCalendarYearSchema  # noqa: F401  (W1, the gateway's body)
from kernel.schemas import StrictSchema


class WindowSchema(StrictSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class BatchSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}[a-z]?$",
                         error="a batch code looks like 2026-03 (year-month, a letter for a "
                               "second batch in a month)"))
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    seq = fields.Integer(required=True, validate=validate.Range(1, 99))
    registration = fields.Nested(WindowSchema, required=True)
    review = fields.Nested(WindowSchema, required=True)
    payment = fields.Nested(WindowSchema, required=True)
    ticket = fields.Nested(WindowSchema, required=True)
    exam_date = fields.Date(required=True)
    re_review_working_days = fields.Integer(required=True, validate=validate.Range(1, 60))
    accepted_id_documents = fields.List(fields.String(), required=True)
    status = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)


class BatchUpdateSchema(BatchSchema):
    class Meta:
        partial = True


batch_schema = BatchSchema()


# --- the exam ------------------------------------------------------------------------

class _Idempotent(StrictSchema):
    idempotency_key = fields.String(load_default=None, validate=validate.Length(max=100))


CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$",
                       error="a code is 1-20 letters, digits, '-' or '_'")
HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="a time is HH:MM")


class SpacingSchema(StrictSchema):
    rule = fields.String(required=True, validate=validate.OneOf(("all", "alternate", "listed")))
    seats = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                        load_default=None)


class RoomSchema(StrictSchema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    location = fields.String(required=True, validate=validate.Length(min=1, max=300))
    seats = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True)
    spacing = fields.Nested(SpacingSchema, load_default=lambda: {"rule": "all"})
    active = fields.Boolean(load_default=True)


class SessionSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9]{1,8}$", error="a session code is 1-8 letters or digits"))
    label = fields.String(required=True, validate=validate.Length(min=1, max=20))
    starts = fields.String(required=True, validate=HHMM)
    ends = fields.String(required=True, validate=HHMM)


class SessionsSchema(StrictSchema):
    sessions = fields.List(fields.Nested(SessionSchema), required=True)


class OverrideSchema(_Idempotent):
    batch_code = fields.String(required=True, validate=validate.Length(max=20))
    project_code = fields.String(required=True, validate=validate.Length(min=1, max=80))
    actor = fields.String(required=True, validate=validate.Length(min=1, max=50))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class BatchRequestSchema(_Idempotent):
    batch_code = fields.String(required=True)


class ArrangeSchema(BatchRequestSchema):
    rooms = fields.List(fields.String(validate=CODE), load_default=None)


SEAT_SORTS = ("ticket_number", "seat", "name", "attendance")


class SeatListSchema(StrictSchema):
    """One page of a batch's seat list (the console's table: filtered, sorted and
    paged here, not in the browser). ``sort`` is a column, ``-column`` descending;
    ``ticket`` a ticket number's beginning; ``attendance`` pending is not yet
    checked in."""
    batch_code = fields.String(required=True)
    session_code = fields.String(load_default=None)
    room_code = fields.String(load_default=None)
    project_code = fields.String(load_default=None)
    attendance = fields.String(load_default=None, validate=validate.OneOf(
        ("present", "absent", "pending")))
    ticket = fields.String(load_default=None, validate=validate.Regexp(
        r"^\d{1,13}$", error="a ticket number is digits"))
    sort = fields.String(load_default="ticket_number", validate=validate.OneOf(
        SEAT_SORTS + tuple("-" + s for s in SEAT_SORTS)))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class InstitutionTicketsSchema(StrictSchema):
    institution_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    batch_code = fields.String(required=True)
    part = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000),
                          metadata={"description": "which PDF of at most TICKETS_PER_PDF "
                                                   "tickets (1-based)"})


class DocumentSchema(StrictSchema):
    type = fields.String(required=True, validate=validate.Length(min=1, max=40))
    number = fields.String(required=True, validate=validate.Length(min=1, max=30))
    expires_on = fields.Date(load_default=None)


class CheckInSchema(_Idempotent):
    ticket_number = fields.String(required=True, validate=validate.Regexp(
        r"^\d{13}$", error="a ticket number has 13 digits"))
    document = fields.Nested(DocumentSchema, required=True)
    staff = fields.String(load_default="check-in desk", validate=validate.Length(max=50))


class ComputerScoresSchema(_Idempotent):
    batch_code = fields.String(required=True)
    session_code = fields.String(required=True)
    csv = fields.String(required=True)
    filename = fields.String(load_default=None, validate=validate.Length(max=200))
    recorded_by = fields.String(required=True, validate=validate.Length(min=1, max=50))


class PracticalRowSchema(StrictSchema):
    ticket_number = fields.String(required=True)
    score = fields.Raw(required=True)


class PracticalScoresSchema(_Idempotent):
    batch_code = fields.String(required=True)
    session_code = fields.String(required=True)
    room_code = fields.String(required=True)
    assessor_id_number = fields.String(required=True)
    scores = fields.List(fields.Nested(PracticalRowSchema), required=True,
                         validate=validate.Length(min=1))


class _SessionRoom(_Idempotent):
    batch_code = fields.String(required=True)
    session_code = fields.String(required=True)
    room_code = fields.String(required=True)


class TotalSchema(_SessionRoom):
    """The recorder (记录员) totals a session-room under the overseer's (监督人员) eye."""
    recorder = fields.String(required=True, validate=validate.Length(min=1, max=50))
    overseer = fields.String(required=True, validate=validate.Length(min=1, max=50))


class VerifySchema(_SessionRoom):
    """The score checker (核分员) checks the summary; approving names its scan."""
    checker = fields.String(required=True, validate=validate.Length(min=1, max=50))
    checker_id_number = fields.String(required=True, validate=validate.Length(min=1, max=18))
    approve = fields.Boolean(required=True)
    note = fields.String(load_default=None, validate=validate.Length(max=500))
    scan = fields.String(load_default=None, validate=validate.Regexp(
        r"^[0-9a-f]{64}$", error="a file reference is the hash returned by the upload"))


class ArchiveSchema(_SessionRoom):
    archived_by = fields.String(required=True, validate=validate.Length(min=1, max=50))
    location = fields.String(load_default=None, validate=validate.Length(max=200))


class SummaryScanSchema(StrictSchema):
    content_base64 = fields.String(required=True)
    filename = fields.String(load_default=None, validate=validate.Length(max=200))


class PersonSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=18))
    unit = fields.String(load_default=None, validate=validate.Length(max=200))
    role = fields.String(load_default=None, validate=validate.Length(max=50))


class _Session(_Idempotent):
    batch_code = fields.String(required=True)
    session_code = fields.String(required=True)


class SupervisorSchema(_Session):
    """The center dispatches a quality supervisor (质量督导员) to a session."""
    supervisor = fields.Nested(PersonSchema, required=True)
    assigned_by = fields.String(required=True, validate=validate.Length(min=1, max=50))


class SupervisionSchema(_Session):
    """The supervisor's record of the session, signed."""
    record = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    signed_by = fields.Nested(PersonSchema, required=True)


class MeetingSchema(_Session):
    """The assessors' meeting (考评工作会) before the session."""
    held_at = fields.AwareDateTime(required=True)
    attendees = fields.List(fields.Nested(PersonSchema), required=True,
                            validate=validate.Length(min=1, max=50))
    standard = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    roles = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    process = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    told_to_candidates = fields.String(required=True, validate=validate.Length(min=1, max=500))
    recorded_by = fields.String(required=True, validate=validate.Length(min=1, max=50))


class ObjectionSchema(_Idempotent):
    batch_code = fields.String(required=True)
    id_number = fields.String(required=True)
    name = fields.String(required=True)
    project_code = fields.String(load_default=None)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class ResolveSchema(_Idempotent):
    objection_id = fields.String(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(("dismissed", "corrected")))
    final_score = fields.Raw(load_default=None)
    actor = fields.String(required=True, validate=validate.Length(min=1, max=50))
    note = fields.String(required=True, validate=validate.Length(min=1, max=500))


# events consumed: validated with their producers' contracts (payment.events,
# registration.events, assessor_training.events; kernel.events)
