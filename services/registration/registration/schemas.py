"""RPC input/output of the registration service (its events: registration.events)."""
from marshmallow import fields, validate, validates_schema, ValidationError

from kernel.names import NameField
from kernel.schemas import StrictSchema
from kernel.uploads import SHA256

from registration.vocabulary import EDUCATION_LEVELS, EDUCATION_PROOF_KINDS, PRECHECK_STATES

Key = fields.String(validate=validate.Length(min=8, max=100))


class PersonSchema(StrictSchema):
    name = NameField(required=True, validate=validate.Length(min=1, max=50))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=30))
    education = fields.String(required=True, validate=validate.OneOf(EDUCATION_LEVELS))
    major = fields.String(load_default="", validate=validate.Length(max=100))
    occupation = fields.String(load_default="", validate=validate.Length(max=100))
    phone = fields.String(required=True, validate=validate.Regexp(
        r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$", error="a mainland mobile (11 digits) or landline"))
    work_unit = fields.String(load_default="", validate=validate.Length(max=200))


class ClaimSchema(StrictSchema):
    alternative = fields.String(required=True, validate=validate.OneOf(
        ["education", "education_major", "occupation", "skills"]))
    computer_skills = fields.Boolean(load_default=False)
    current_graduate = fields.Boolean(load_default=False)
    skills = fields.List(fields.String(validate=validate.Length(max=50)), load_default=list,
                         validate=validate.Length(max=10))


class EligibilitySchema(StrictSchema):
    """The eligibility pre-check before submitting: what the person says of themselves."""
    project_code = fields.String(required=True, validate=validate.Length(max=80))
    person = fields.Nested(PersonSchema(partial=("name", "id_number", "phone")), required=True)
    claim = fields.Nested(ClaimSchema, required=True)


class MaterialsSchema(StrictSchema):
    photo = fields.String(required=True, validate=SHA256)
    education_proof_kind = fields.String(required=True,
                                         validate=validate.OneOf(EDUCATION_PROOF_KINDS))
    application_form = fields.String(required=True, validate=SHA256)
    integrity_pledge = fields.String(required=True, validate=SHA256)
    education_proof = fields.String(required=True, validate=SHA256)
    id_card_front = fields.String(required=True, validate=SHA256)
    id_card_back = fields.String(required=True, validate=SHA256)


class FirstReviewSchema(StrictSchema):
    reviewer = fields.String(required=True, validate=validate.Length(min=1, max=100))
    reviewed_on = fields.Date(required=True)
    opinion = fields.String(required=True, validate=validate.OneOf(["pass"]))
    pledge = fields.Boolean(required=True, validate=validate.Equal(
        True, error="the institution's quality pledge (报名质量责任承诺) is required"))


class SubmitSchema(StrictSchema):
    idempotency_key = Key
    batch_code = fields.String(required=True, validate=validate.Length(max=20))
    project_code = fields.String(required=True, validate=validate.Length(max=80))
    channel = fields.String(required=True, validate=validate.OneOf(["institution",
                                                                    "individual"]))
    institution_code = fields.String(load_default=None)
    first_review = fields.Nested(FirstReviewSchema, load_default=None)
    person = fields.Nested(PersonSchema, required=True)
    claim = fields.Nested(ClaimSchema, required=True)
    materials = fields.Nested(MaterialsSchema, required=True)
    candidate_pledge = fields.Boolean(required=True, validate=validate.Equal(
        True, error="the candidate's integrity pledge (诚信承诺) is required"))

    @validates_schema
    def _channel_fields(self, data, **kwargs):
        if data.get("channel") == "institution" and not data.get("institution_code"):
            raise ValidationError("required for the institution channel", "institution_code")


class ResubmitSchema(StrictSchema):
    idempotency_key = Key
    application_id = fields.String(required=True)
    person = fields.Nested(PersonSchema(partial=True, exclude=("id_number",)))
    claim = fields.Nested(ClaimSchema)
    materials = fields.Nested(MaterialsSchema(partial=True))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class WithdrawSchema(StrictSchema):
    idempotency_key = Key
    application_id = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    actor = fields.String(load_default="candidate", validate=validate.Length(max=100))


class InstitutionSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{2,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    address = fields.String(load_default="", validate=validate.Length(max=300))
    active = fields.Boolean(load_default=True)
    # I1: the projects it may register for, by year: {"2026": ["carbon-emission-accounting", ...]}
    authorisations = fields.Dict(keys=fields.String(validate=validate.Regexp(
        r"^20\d\d$", error="a year such as 2026")), values=fields.List(
        fields.String(validate=validate.Length(max=80)), validate=validate.Length(max=100)),
        load_default=dict, validate=validate.Length(max=20))


class TimelineSchema(StrictSchema):
    at = fields.DateTime()
    status = fields.String()
    actor = fields.String()
    note = fields.String(allow_none=True)
    details = fields.Raw(allow_none=True)


class PrecheckCheckSchema(StrictSchema):
    check = fields.String()
    state = fields.String(validate=validate.OneOf(PRECHECK_STATES))   # needs_review: 需人工审核
    ok = fields.Boolean()               # state != not_met (older readers)
    detail = fields.String()


class PrecheckSchema(StrictSchema):
    """The eligibility pre-check's answer (E1-E10): met, not met or needs a
    reviewer's judgement, with each check in the same three states."""
    condition = fields.String()
    alternative = fields.String()
    outcome = fields.String(validate=validate.OneOf(PRECHECK_STATES))
    checks = fields.List(fields.Nested(PrecheckCheckSchema))


class RegistrantCountSchema(StrictSchema):
    registrants = fields.Integer()
    reaches_minimum = fields.Boolean()


class RegistrantCountsSchema(StrictSchema):
    """B1: 报名人数 per project of a batch (submitted and still live)."""
    batch_code = fields.String()
    minimum = fields.Integer()
    projects = fields.Dict(keys=fields.String(), values=fields.Nested(RegistrantCountSchema))


class ApplicationSchema(StrictSchema):
    id = fields.String()
    batch_code = fields.String()
    project_code = fields.String()
    channel = fields.String()
    institution_code = fields.String(allow_none=True)
    id_number = fields.String()
    name = fields.String()
    sex = fields.String()
    birth_date = fields.Date()
    person = fields.Raw()
    claim = fields.Raw()
    precheck = fields.Raw()
    first_review = fields.Raw(allow_none=True)
    photo = fields.String()
    materials = fields.Raw()
    status = fields.String()
    locked = fields.Boolean()
    submitted_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer()
    timeline = fields.List(fields.Nested(TimelineSchema))
    warnings = fields.List(fields.String())


application_schema = ApplicationSchema()


# events consumed: validated with their producers' contracts (review.events,
# payment.events, exam.events, certificate.events; kernel.events)
