"""The institution operator's console (报名机构): bulk registration from the
考核人员花名册 workbook and the batch's candidates (gateway.handlers.roster)."""
from marshmallow import fields, validate

from kernel.schemas import StrictSchema

from gateway.domain import INSTITUTION, PROVINCIAL, REVIEWER
from gateway.handlers import roster
from gateway.route import XLSX, Route

STATUSES = ("submitted", "returned", "approved", "rejected", "withdrawn", "not_accepted",
            "paid", "abandoned", "cancelled", "passed", "failed", "certified",
            "certificate_revoked")


def _text(max_length=40):
    return fields.String(load_default=None, validate=validate.Length(min=1, max=max_length))


class TemplateQuery(StrictSchema):
    batch_code = fields.String(required=True, validate=validate.Length(min=1, max=20))


class CandidatesFilter(StrictSchema):
    batch_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    project_code = _text(80)
    q = _text(50)           # a name or (part of) an ID number


class CandidatesQuery(CandidatesFilter):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100000))
    size = fields.Integer(load_default=20, validate=validate.Range(1, 200))
    sort = fields.String(load_default="submitted_at", validate=validate.OneOf(
        [s for f in ("submitted_at", "name", "project", "status") for s in (f, "-" + f)]))




class ImportFaultSchema(StrictSchema):
    code = fields.String()
    rule = fields.String(allow_none=True)
    cell = fields.String(allow_none=True)       # A1 style: D5
    column = fields.String(allow_none=True)     # the column's header: 身份证号
    field = fields.String(allow_none=True)      # the request field: person.id_number
    message = fields.String()                   # in Chinese


class ImportItemSchema(StrictSchema):
    row = fields.Integer()
    name = fields.String()
    id_number = fields.String()
    project = fields.String()
    ok = fields.Boolean()
    registered = fields.Boolean()
    faults = fields.List(fields.Nested(ImportFaultSchema))
    application_id = fields.String()
    status = fields.String()


class ImportProblemSchema(StrictSchema):
    code = fields.String()
    rule = fields.String(allow_none=True)
    message = fields.String()


class ImportSchema(StrictSchema):
    import_key = fields.String()
    batch_code = fields.String()
    institution = fields.String()
    submitted = fields.Boolean()
    rows = fields.Integer()
    valid = fields.Integer()
    invalid = fields.Integer()
    registered = fields.Integer()
    ok = fields.Integer()
    failed = fields.Integer()
    problems = fields.List(fields.Nested(ImportProblemSchema))
    ignored_files = fields.List(fields.String())
    ignored_count = fields.Integer()
    items = fields.List(fields.Nested(ImportItemSchema))


class CandidateRowSchema(StrictSchema):
    id = fields.String()
    name = fields.String()
    id_number = fields.String()
    sex = fields.String()
    project_code = fields.String()
    project = fields.String()
    education = fields.String()
    major = fields.String()
    occupation = fields.String()
    work_unit = fields.String()
    phone = fields.String()
    alternative = fields.String()
    status = fields.String()
    status_zh = fields.String()
    submitted_at = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)


class CandidatePageSchema(StrictSchema):
    total = fields.Integer()
    page = fields.Integer()
    size = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    items = fields.List(fields.Nested(CandidateRowSchema))


IMPORT_DOC = (
    "multipart/form-data: `batch_code`, `workbook` (the filled 考核人员花名册 .xlsx), "
    "`materials` (a .zip: `<身份证号>.jpg` the photo, `<身份证号>-个人申报表|个人诚信承诺书|"
    "学历或学籍证明|身份证正面|身份证反面.<jpg|png|pdf>` the scans), `submit` (`true`: submit "
    "the valid rows; else a preview that writes nothing) and, with `submit`, the institution's "
    "初审: `reviewer`, `reviewed_on`, `pledge=true` (报名质量责任承诺). Each row answers its "
    "faults (Chinese message, rule ID, cell); the valid rows are submitted in one bulk call "
    "with idempotency keys from the files' hash, so importing the same files twice creates "
    "nothing twice. Body limit: GATEWAY_MAX_IMPORT_BODY (1 GiB).")

ROUTES = (
    Route("GET", "/institutions/{institution_code}/roster-template", "roster_template",
          (INSTITUTION,), roster.template,
          "The roster template (考核人员花名册, .xlsx) with the institution's authorised "
          "projects of the batch's year (I1)", "institutions", query=TemplateQuery,
          produces=XLSX, services=("registration", "exam")),
    Route("POST", "/institutions/{institution_code}/roster-imports", "import_roster",
          (INSTITUTION,), roster.import_roster,
          "Bulk registration from the filled roster and a zip of photos and scans: a "
          "row-level preview, or the valid rows submitted in one call (I1, R1-R3, M1, M2, V1)",
          "institutions", response=ImportSchema, services=("registration", "exam"),
          description=IMPORT_DOC),
    Route("GET", "/institutions/{institution_code}/candidates", "institution_candidates",
          (INSTITUTION, REVIEWER, PROVINCIAL), roster.applications,
          "An institution's candidates of a batch with their review status: paged, sorted "
          "and filtered (status, project, name or ID number)", "institutions",
          query=CandidatesQuery, response=CandidatePageSchema, services=("registration",)),
    Route("GET", "/institutions/{institution_code}/roster-export", "roster_export",
          (INSTITUTION, REVIEWER, PROVINCIAL), roster.export,
          "The batch's 考核人员花名册 with review status, .xlsx (codes in Chinese; no "
          "formula from user data)", "institutions", query=CandidatesFilter, produces=XLSX,
          services=("registration",)),
    Route("GET", "/institutions/{institution_code}/roster-export/csv", "roster_export_csv",
          (INSTITUTION, REVIEWER, PROVINCIAL), roster.export_csv,
          "The same roster as CSV (UTF-8 with a byte order mark; no cell a formula)",
          "institutions", query=CandidatesFilter, produces="text/csv",
          services=("registration",)),
)
