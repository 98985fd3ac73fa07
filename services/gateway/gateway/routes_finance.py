"""Finance's console (财务: 确认收费, bank reconciliation, refunds, the payment
report of a batch): the lists paged, sorted and filtered on the server. The
decisions themselves (confirm, reject, import, match, refund) are gateway.routes'
payment operations."""
from marshmallow import fields, validate

from kernel.schemas import StrictSchema

from gateway.handlers import finance
from gateway.route import FINANCE_STAFF, Route

SUBMISSION_SORTS = ("submitted_at", "amount_fen", "expected_fen", "payer_name", "batch_code",
                    "status", "difference_fen", "decided_at")
CREDIT_SORTS = ("value_date", "amount_fen", "payer_name", "bank_serial", "line", "status")
REFUND_SORTS = ("listed_at", "amount_fen", "name", "status", "refunded_at", "payer_name")


def _sort(keys, default):
    choices = tuple(keys) + tuple("-" + k for k in keys)
    return fields.String(load_default=default, validate=validate.OneOf(choices))


def _text(max_length=40):
    return fields.String(load_default=None, validate=validate.Length(min=1, max=max_length))


class PageQuery(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000_000))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    q = _text(100)


class SubmissionsPageQuery(PageQuery):
    sort = _sort(SUBMISSION_SORTS, "-submitted_at")
    batch_code = _text(20)
    status = fields.String(load_default=None, validate=validate.OneOf(
        ("submitted", "confirmed", "rejected", "lapsed")))
    institution_code = _text()
    channel = fields.String(load_default=None, validate=validate.OneOf(
        ("individual", "institution")))
    credit = fields.String(load_default=None, validate=validate.OneOf(("none", "matched")))
    mismatch = fields.Boolean(load_default=None)


class CreditsPageQuery(PageQuery):
    sort = _sort(CREDIT_SORTS, "value_date")
    status = fields.String(load_default=None, validate=validate.OneOf(
        ("unmatched", "ambiguous", "matched")))
    statement_id = fields.Integer(load_default=None, validate=validate.Range(min=1))


class RefundsPageQuery(PageQuery):
    sort = _sort(REFUND_SORTS, "listed_at")
    batch_code = _text(20)
    project_code = _text(80)
    status = fields.String(load_default=None, validate=validate.OneOf(("due", "refunded")))


class BatchReportQuery(StrictSchema):
    batch_code = fields.String(required=True, validate=validate.Length(min=1, max=20))


class SubmissionRowSchema(StrictSchema):
    id = fields.String(required=True)
    reference = fields.String(required=True)
    channel = fields.String(required=True)
    payer_kind = fields.String(required=True)
    institution_code = fields.String(allow_none=True)
    batch_code = fields.String(required=True)
    payer_name = fields.String(required=True)
    payer_account = fields.String(required=True)
    payee_name = fields.String(required=True)
    payee_account = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    expected_fen = fields.Integer(required=True)
    difference_fen = fields.Integer(required=True)
    note = fields.String(required=True)
    receipt_hash = fields.String(required=True)
    status = fields.String(required=True)
    submitted_by = fields.String(required=True)
    submitted_at = fields.String(required=True)
    transfer_date = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    credit = fields.Dict(allow_none=True)
    headcount = fields.Integer(required=True)


class CreditRowSchema(StrictSchema):
    bank_serial = fields.String(required=True)
    value_date = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    payer_name = fields.String(required=True)
    payer_account = fields.String(required=True)
    note = fields.String(required=True)
    status = fields.String(required=True)
    method = fields.String(allow_none=True)
    candidates = fields.Dict(allow_none=True)
    submissions = fields.List(fields.String(), required=True)
    statement_id = fields.Integer(required=True)
    line = fields.Integer(required=True)
    matched_by = fields.String(allow_none=True)
    matched_at = fields.String(allow_none=True)


class RefundRowSchema(StrictSchema):
    application_id = fields.String(required=True)
    batch_code = fields.String(required=True)
    project_code = fields.String(required=True)
    name = fields.String(required=True)
    id_number = fields.String(required=True)
    institution_code = fields.String(allow_none=True)
    amount_fen = fields.Integer(required=True)
    submission_id = fields.String(allow_none=True)
    payer_name = fields.String(allow_none=True)
    payer_account = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    status = fields.String(required=True)
    listed_at = fields.String(required=True)
    refunded_by = fields.String(allow_none=True)
    refunded_at = fields.String(allow_none=True)
    refund_note = fields.String(allow_none=True)


def _page(name, row):
    return type(name, (StrictSchema,), {
        "__doc__": "One page of a list sorted and filtered on the server.",
        "items": fields.List(fields.Nested(row), required=True),
        "total": fields.Integer(required=True), "page": fields.Integer(required=True),
        "size": fields.Integer(required=True)})


SubmissionsPage = _page("SubmissionsPage", SubmissionRowSchema)
CreditsPage = _page("CreditsPage", CreditRowSchema)
RefundsPage = _page("RefundsPage", RefundRowSchema)

ROUTES = (
    Route("GET", "/finance/submissions", "finance_submissions", FINANCE_STAFF,
          finance.submissions,
          "Payment submissions, one page (sorted and filtered on the server)", "finance",
          query=SubmissionsPageQuery, response=SubmissionsPage, services=("payment",)),
    Route("GET", "/finance/credits", "finance_credits", FINANCE_STAFF, finance.credits,
          "Bank statement credits, one page (sorted and filtered on the server, K1)",
          "finance", query=CreditsPageQuery, response=CreditsPage, services=("payment",)),
    Route("GET", "/finance/refunds", "finance_refunds", FINANCE_STAFF, finance.refunds,
          "The refund list of cancelled batches, one page (B1)", "finance",
          query=RefundsPageQuery, response=RefundsPage, services=("payment",)),
    Route("GET", "/finance/report", "finance_batch_report", FINANCE_STAFF,
          finance.batch_report,
          "The payment report of a batch: applications by project, channel and status, "
          "the money confirmed, the reconciliation (K1)", "finance",
          query=BatchReportQuery, services=("payment",)),
)
