"""RPC input/output and event payloads of the exam service."""
from marshmallow import fields, validate

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
