"""The institution operator's console after registration (缴费 P1, 准考证 T1,
成绩与证书 C4, 考评员推荐 A1/A6/A7) and the municipal center's console (A1, A7),
#16. The handlers are gateway.handlers.instops; the dispatcher holds an
institution operator to the path's ``institution_code``, the handlers hold a
municipal center to its region. Writes (the payment, the receipt, a handover, a
review) are the routes of gateway.routes."""
from marshmallow import fields, validate

from kernel.schemas import StrictSchema

from gateway.domain import INSTITUTION, MUNICIPAL, PROVINCIAL
from gateway.handlers import instops
from gateway.route import PDF, XLSX, Route

INSTITUTION_CONSOLE = (INSTITUTION, PROVINCIAL)
MUNICIPAL_CONSOLE = (MUNICIPAL, PROVINCIAL)


def _text(required=False, max_length=40):
    kwargs = {"required": True} if required else {"load_default": None}
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def _sort(keys, default):
    return fields.String(load_default=default, validate=validate.OneOf(
        keys + tuple("-" + k for k in keys)))


class PageQuery(StrictSchema):
    """One page of a console table: page from 1, size 1-100, q a search text."""
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    q = _text(max_length=50)


class PaymentItemsQuery(PageQuery):
    batch_code = _text(required=True, max_length=20)
    status = _text()
    sort = _sort(instops.PAYMENT_SORTS, "name")


class PaymentSubmissionsQuery(PageQuery):
    batch_code = _text(max_length=20)
    status = _text()
    sort = _sort(("submitted_at", "amount_fen", "status", "decided_at"), "-submitted_at")


class BatchOnlyQuery(StrictSchema):
    batch_code = _text(required=True, max_length=20)


class ResultsQuery(PageQuery):
    batch_code = _text(required=True, max_length=20)
    status = fields.String(load_default=None, validate=validate.OneOf(instops.RESULT_STATUSES))
    sort = _sort(instops.RESULT_SORTS, "name")


class CertificateListQuery(PageQuery):
    batch_code = _text(required=True, max_length=20)
    status = fields.String(load_default=None, validate=validate.OneOf(("valid", "revoked")))
    paper_status = fields.String(load_default=None, validate=validate.OneOf(
        ("none", "printed", "with_institution", "with_holder")))
    sort = _sort(instops.CERTIFICATE_SORTS, "number")


class LedgerQuery(StrictSchema):
    batch_code = _text(max_length=20)
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)


class AssessorListQuery(PageQuery):
    period_code = _text(required=True, max_length=20)
    status = _text()
    sort = _sort(instops.APPLICATION_SORTS, "submitted_at")


class MunicipalListQuery(AssessorListQuery):
    region = _text(max_length=12)


class PeriodQuery(StrictSchema):
    period_code = _text(required=True, max_length=20)


class SummaryQuery(PeriodQuery):
    scope = fields.String(load_default="recommended",
                          validate=validate.OneOf(("recommended", "certified")))


class MunicipalStandingQuery(PeriodQuery):
    region = _text(max_length=12)


PAGE = ("{items, total, page, size}: filtered, sorted ('-' first: descending) and paged on "
        "the server.")

REGISTRATION_FORM = """\
001 九: 考核结束30个工作日后，报名机构派专人凭负责人签字并加盖公章的《四川核发专项职业能力证书登记表》\
原件到省职鉴中心办理证书. The notice gives no columns; the form drawn (docs/certificate.md, \
"《四川核发专项职业能力证书登记表》"): the title; 报名机构 (name and code), 考核批次, 考核日期, 合格人数, 考核项目; \
one row per valid certificate of the institution's candidates in the batch (each one who \
passed, C1; a revoked one is left out), by certificate number: 序号, 姓名, 性别, 身份证号码 (in \
full: the center matches it to the certificate), 考核项目, 考核结果 (合格 and the score), 证书编号, \
领取人签字 (blank, signed by the candidate on receiving it); at the foot 负责人（签字）, （单位公章）, \
经办人, 联系电话 and 日期 left blank, and the notice's sentence. 20 rows a page, each page with \
the heading, the foot on the last. Offered from the collection day (the batch's working days \
after the exam, C4): before it 422 REGISTRATION_FORM_NOT_YET (details.collectable_from, \
collectable_from_zh, collection_working_days); a collection day in a year whose calendar is \
not loaded 422 COLLECTION_PENDING_CALENDAR (details.year); no certificate yet 422 \
REGISTRATION_FORM_EMPTY. An operator only of its own institution (403 OTHER_INSTITUTION); the \
provincial center of any."""

ROUTES = (
    # --- 缴费 (P1) -------------------------------------------------------------------------
    Route("GET", "/institutions/{institution_code}/payment-items", "institution_payment_items",
          INSTITUTION_CONSOLE, instops.payment_items,
          "The institution's payable candidates of a batch and each one's payment status "
          "(P1)", "institution console", query=PaymentItemsQuery, services=("payment",),
          description=PAGE),
    Route("GET", "/institutions/{institution_code}/payment-submissions",
          "institution_payment_submissions", INSTITUTION_CONSOLE, instops.payment_submissions,
          "The institution's payment submissions: confirmed (确认收费) or refused with the "
          "reason (P1)", "institution console", query=PaymentSubmissionsQuery,
          services=("payment",), description=PAGE),
    # --- 准考证 (T1) -----------------------------------------------------------------------
    Route("GET", "/institutions/{institution_code}/ticket-status", "institution_ticket_status",
          INSTITUTION_CONSOLE, instops.ticket_status,
          "Before printing: the ticket window, the last day to hand tickets out (2 working "
          "days before the exam, T1), the candidates with a ticket, the prints so far",
          "institution console", query=BatchOnlyQuery, services=("exam",)),
    # --- 成绩 and 证书 (C4) ------------------------------------------------------------------
    Route("GET", "/institutions/{institution_code}/results", "institution_results",
          INSTITUTION_CONSOLE, instops.results,
          "The institution's candidates of a batch with a result (合格, 不合格, 证书已发)",
          "institution console", query=ResultsQuery, services=("registration",),
          description=PAGE),
    Route("GET", "/institutions/{institution_code}/certificates", "institution_certificates",
          INSTITUTION_CONSOLE, instops.certificates,
          "The institution's certificates of a batch: the paper certificate's state and "
          "the day it may be collected (30 working days after the exam, C4)",
          "institution console", query=CertificateListQuery, services=("certificate",),
          description=PAGE),
    Route("GET", "/institutions/{institution_code}/certificates/{certificate_number}/ledger",
          "institution_certificate_trail", INSTITUTION_CONSOLE, instops.certificate_trail,
          "Every handover of one of the institution's paper certificates (C4)",
          "institution console", services=("certificate",)),
    Route("GET", "/institutions/{institution_code}/certificate-ledger",
          "institution_certificate_ledger", INSTITUTION_CONSOLE, instops.certificate_ledger,
          "The institution's 证书台账 as .xlsx (C4; ID numbers masked, no cell a formula)",
          "institution console", query=LedgerQuery, produces=XLSX, services=("certificate",)),
    Route("GET", "/institutions/{institution_code}/certificate-registration-form",
          "institution_certificate_registration_form", INSTITUTION_CONSOLE,
          instops.registration_form_pdf,
          "《四川核发专项职业能力证书登记表》 of the institution's candidates who passed in a "
          "batch, an A4 PDF to sign and stamp (C4: from the collection day)",
          "institution console", query=BatchOnlyQuery, produces=PDF,
          services=("certificate", "registration"), description=REGISTRATION_FORM),
    Route("GET", "/institutions/{institution_code}/certificate-registration-form/xlsx",
          "institution_certificate_registration_form_xlsx", INSTITUTION_CONSOLE,
          instops.registration_form_xlsx,
          "The same 登记表 as .xlsx (no cell a formula; C4: from the collection day)",
          "institution console", query=BatchOnlyQuery, produces=XLSX,
          services=("certificate", "registration"), description=REGISTRATION_FORM),
    # --- 考评员推荐 (A1, A6, A7) -------------------------------------------------------------
    Route("GET", "/institutions/{institution_code}/assessor-applications",
          "unit_assessor_applications", INSTITUTION_CONSOLE, instops.unit_applications,
          "The unit's assessor applicants of a period with their review chain (A1)",
          "institution console", query=AssessorListQuery, services=("assessor_training",),
          description=PAGE),
    Route("GET", "/institutions/{institution_code}/assessor-summary", "unit_assessor_summary",
          INSTITUTION_CONSOLE, instops.unit_summary,
          "《考评员资格培训（复核）汇总表》 (附件2) of the unit's people, .xlsx (A6)",
          "institution console", query=SummaryQuery, produces=XLSX,
          services=("assessor_training",)),
    Route("GET", "/institutions/{institution_code}/assessor-standing", "unit_assessor_standing",
          INSTITUTION_CONSOLE, instops.unit_standing,
          "The unit's places in a period and its standing: returned recommendations, "
          "findings, a 通报 (A7)", "institution console", query=PeriodQuery,
          services=("assessor_training",)),
    # --- the municipal center (A1, A7) ---------------------------------------------------
    Route("GET", "/municipal/assessor-applications", "municipal_assessor_applications",
          MUNICIPAL_CONSOLE, instops.municipal_applications,
          "The region's assessor applications of a period (the municipal step, A1); the "
          "provincial center names the region", "municipal console",
          query=MunicipalListQuery, services=("assessor_training",), description=PAGE),
    Route("GET", "/municipal/standing", "municipal_standing", MUNICIPAL_CONSOLE,
          instops.municipal_standing,
          "The center's places in a period, the approvals using them and the findings that "
          "lowered them (A7), with the period's review deadlines (A1)", "municipal console",
          query=MunicipalStandingQuery, services=("assessor_training",)),
)
