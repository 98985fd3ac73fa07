"""RPC input/output of the review service (its events: review.events)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kernel.schemas import StrictSchema

from review.vocabulary import CHANNELS, DECISIONS, QUEUE_ORDERS, ROLES, STAGES

MAX_BULK = 1000          # decisions in one decide_many call
MAX_PAGE = 1000          # rows in one page of a work queue
Key = fields.String(validate=validate.Length(min=8, max=100))


# --- events heard: validated with their producers' contracts (registration.events,
# exam.events; kernel.events) ---------------------------------------------------


# --- RPC input ------------------------------------------------------------

class ReviewerSchema(StrictSchema):
    """Who decides: a center re-reviewer, or a reviewer acting for an institution."""
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(load_default="center", validate=validate.OneOf(ROLES))
    institution_code = fields.String(load_default=None, allow_none=True,
                                     validate=validate.Length(max=40))

    @validates_schema
    def _institution(self, data, **kwargs):
        if data.get("role") == "institution" and not data.get("institution_code"):
            raise ValidationError("required for a reviewer acting for an institution",
                                  "institution_code")


class DecisionSchema(StrictSchema):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    decision = fields.String(required=True, validate=validate.OneOf(list(DECISIONS)))
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=500))
    fields_to_fix = fields.List(fields.String(validate=validate.Length(max=60)),
                                load_default=list, validate=validate.Length(max=30))


class DecideSchema(DecisionSchema):
    idempotency_key = Key
    reviewer = fields.Nested(ReviewerSchema, required=True)


class DecideManySchema(StrictSchema):
    idempotency_key = Key
    reviewer = fields.Nested(ReviewerSchema, required=True)
    # each item is checked on its own (DecisionSchema): a bad one fails alone
    decisions = fields.List(fields.Raw(), required=True,
                            validate=validate.Length(min=1, max=MAX_BULK))


class DishonestySchema(StrictSchema):
    """R4: falsified material found in an application (what, which materials)."""
    idempotency_key = Key
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    finding = fields.String(required=True, validate=validate.Length(min=2, max=1000))
    materials = fields.List(fields.String(validate=validate.Length(max=60)),
                            load_default=list, validate=validate.Length(max=30))
    reviewer = fields.Nested(ReviewerSchema, required=True)


class QueueSchema(StrictSchema):
    batch_code = fields.String(load_default=None, allow_none=True)
    project_code = fields.String(load_default=None, allow_none=True)
    institution_code = fields.String(load_default=None, allow_none=True)
    stage = fields.String(load_default=None, allow_none=True,
                          validate=validate.OneOf(STAGES))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=MAX_PAGE))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class SortedQueueSchema(QueueSchema):
    """list_pending's whole query: QueueSchema's filters (what GET /api/review/queue
    takes) plus the channel, being overdue and the order (the reviewer console's
    table sorts and filters on the server)."""
    channel = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(CHANNELS))
    # True: only the tasks past their due date (V1); False: only those not past it
    overdue = fields.Boolean(load_default=None, allow_none=True)
    # due_on (the default), received_on, project_code, institution_code, name; "-": descending
    sort = fields.String(load_default=None, allow_none=True,
                         validate=validate.OneOf(QUEUE_ORDERS))


class DaySchema(StrictSchema):
    today = fields.Date(load_default=None, allow_none=True)
    batch_code = fields.String(load_default=None, allow_none=True)


# --- RPC output -----------------------------------------------------------

class TaskSchema(Schema):
    round = fields.Integer()
    stage = fields.String()
    state = fields.String()
    received_on = fields.Date()
    due_on = fields.Date(allow_none=True)
    opened_at = fields.DateTime()
    outcome = fields.String(allow_none=True)
    reviewer = fields.Raw(allow_none=True)
    reason = fields.String(allow_none=True)
    fields_to_fix = fields.Raw(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    closed_reason = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class _ApplicationHead(Schema):
    application_id = fields.String()
    batch_code = fields.String()
    project_code = fields.String()
    channel = fields.String()
    institution_code = fields.String(allow_none=True)
    id_number = fields.String()
    name = fields.String()


class DishonestyRecordSchema(Schema):
    """R4: one record of falsified material against the person: who found it,
    when, what, in which application (the person's ID number is not in it)."""
    id = fields.Integer()
    application_id = fields.String()
    batch_code = fields.String()
    project_code = fields.String()
    year = fields.Integer()
    kind = fields.String()          # dishonest_conduct (2024: 不诚信行为) | falsified_material
    finding = fields.String()
    materials = fields.List(fields.String())
    recorded_by = fields.Raw()
    recorded_at = fields.DateTime()


class QueueItemSchema(_ApplicationHead):
    """A row of a work queue."""
    stage = fields.String()
    round = fields.Integer()
    received_on = fields.Date()
    due_on = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    overdue_workdays = fields.Integer(allow_none=True)
    due_in_workdays = fields.Integer(allow_none=True)   # the countdown: 0 = due today
    precheck_outcome = fields.String(allow_none=True)
    dishonesty_records = fields.Integer()    # R4: records against this person


class HistorySchema(Schema):
    at = fields.DateTime()
    what = fields.String()
    actor = fields.String()
    note = fields.String(allow_none=True)
    details = fields.Raw(allow_none=True)


class ReviewSchema(_ApplicationHead):
    """Everything the reviewer sees about one application."""
    status = fields.String()
    round = fields.Integer()
    submission = fields.Raw()
    submitted_at = fields.DateTime()
    updated_at = fields.DateTime()
    task = fields.Nested(TaskSchema, allow_none=True)
    tasks = fields.List(fields.Nested(TaskSchema))
    history = fields.List(fields.Nested(HistorySchema))
    # R4: every record against this person, from any application (this one too)
    dishonesty = fields.List(fields.Nested(DishonestyRecordSchema))


dishonesty_record_schema = DishonestyRecordSchema()
queue_item_schema = QueueItemSchema()
review_schema = ReviewSchema()
