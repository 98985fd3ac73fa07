"""RPC input and event payloads of the payment service. Money is integer fen:
``fields.Integer(strict=True)`` refuses 300.5 and "300"."""
from marshmallow import ValidationError, fields, validate, validates_schema

from kernel.names import NameField
from kernel.schemas import StrictSchema

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="a receipt reference is the hash returned "
                                                  "by upload_receipt")
Key = fields.String(validate=validate.Length(min=8, max=100))
Actor = fields.String(required=True, validate=validate.Length(min=1, max=100))
Name = validate.Length(min=1, max=200)
POSITIVE = validate.Range(min=1, error="the amount must be more than zero (in fen)")


def Fen(**kwargs):
    return fields.Integer(strict=True, validate=POSITIVE, **kwargs)


class UploadReceiptSchema(StrictSchema):
    content_base64 = fields.String(required=True)
    filename = fields.String(load_default=None)   # kept for the user's sake; never trusted


class ReceiptSchema(StrictSchema):
    """P3: what the bank receipt shows."""
    file = fields.String(required=True, validate=SHA256)
    payee_name = fields.String(required=True, validate=Name)
    payee_account = fields.String(required=True, validate=validate.Length(min=1, max=64))
    payer_name = NameField(required=True, validate=Name)
    payer_account = fields.String(load_default="", validate=validate.Length(max=64))
    amount_fen = Fen(required=True)
    transfer_date = fields.Date(load_default=None)


class InstitutionPaymentSchema(StrictSchema):
    idempotency_key = Key
    institution_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    batch_code = fields.String(required=True, validate=validate.Length(max=20))
    application_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)),
                                  required=True, validate=validate.Length(min=1, max=5000))
    receipt = fields.Nested(ReceiptSchema, required=True)
    note = fields.String(required=True, validate=validate.Length(min=1, max=500))
    actor = fields.String(load_default=None, validate=validate.Length(max=100))

    @validates_schema
    def _unique(self, data, **kwargs):
        ids = data.get("application_ids") or []
        if len(set(ids)) != len(ids):
            raise ValidationError("an application is listed twice", "application_ids")


class IndividualPaymentSchema(StrictSchema):
    idempotency_key = Key
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    candidate_id_number = fields.String(required=True, validate=validate.Length(min=1, max=30))
    receipt = fields.Nested(ReceiptSchema, required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))
    actor = fields.String(load_default=None, validate=validate.Length(max=100))


class ConfirmSchema(StrictSchema):
    idempotency_key = Key
    submission_id = fields.String(required=True)
    actor = Actor
    received_fen = Fen(load_default=None)


class RejectSchema(StrictSchema):
    idempotency_key = Key
    submission_id = fields.String(required=True)
    actor = Actor
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class FeeEntrySchema(StrictSchema):
    project_code = fields.String(required=True, validate=validate.Length(min=1, max=80))
    project_name = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    effective_from = fields.Date(required=True)
    amount_fen = Fen(required=True)


class SetFeesSchema(StrictSchema):
    idempotency_key = Key
    fees = fields.List(fields.Nested(FeeEntrySchema), required=True,
                       validate=validate.Length(min=1, max=1000))
    replace = fields.Boolean(load_default=False)
    actor = Actor


class StatementSchema(StrictSchema):
    idempotency_key = Key
    content_base64 = fields.String(required=True)
    filename = fields.String(load_default="", validate=validate.Length(max=200))
    line_offset = fields.Integer(strict=True, load_default=0,
                                 validate=validate.Range(min=0, max=10_000_000))
    actor = Actor


class ManualMatchSchema(StrictSchema):
    idempotency_key = Key
    bank_serial = fields.String(required=True, validate=validate.Length(min=1, max=64))
    submission_ids = fields.List(fields.String(), required=True,
                                 validate=validate.Length(min=1, max=100))
    actor = Actor


class PaymentSlipSchema(StrictSchema):
    """P2 (2024): the center's office issued a 三联单 to an individual candidate."""
    idempotency_key = Key
    application_id = fields.String(required=True)
    slip_number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    actor = Actor


class RefundSchema(StrictSchema):
    idempotency_key = Key
    application_id = fields.String(required=True)
    actor = Actor
    note = fields.String(load_default="", validate=validate.Length(max=500))


# events consumed: validated with their producers' contracts (review.events,
# registration.events, exam.events; kernel.events)
