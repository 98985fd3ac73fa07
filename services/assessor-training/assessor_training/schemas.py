"""RPC input/output and event payloads of the assessor-training service."""
from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from kernel.names import NameField
from kernel.schemas import StrictSchema
from kernel.uploads import SHA256

from assessor_training.vocabulary import (EDUCATION_LEVELS, QUALIFICATION_KINDS,
                                         QUALIFICATION_LEVELS, TITLE_LEVELS, UNIT_KINDS, STEPS)

Key = fields.String(validate=validate.Length(min=8, max=100))


def text(max_len, required=True, **kwargs):
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=max_len),
                             **kwargs)
    return fields.String(load_default="", validate=validate.Length(max=max_len), **kwargs)


# --- periods and units ----------------------------------------------------------

class WindowSchema(StrictSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @post_load
    def _pair(self, data, **kwargs):
        return (data["start"], data["end"])


class DeadlinesSchema(StrictSchema):
    unit = fields.Date(required=True)
    municipal = fields.Date(required=True)
    provincial = fields.Date(required=True)


class PeriodSchema(StrictSchema):
    idempotency_key = Key
    year = fields.Integer(required=True, validate=validate.Range(2000, 9999))
    seq = fields.Integer(required=True, validate=validate.Range(1, 99))
    name = text(200)
    application = fields.Nested(WindowSchema, required=True)
    review_deadlines = fields.Nested(DeadlinesSchema, required=True)
    study = fields.Nested(WindowSchema, required=True)
    required_study_hours = fields.Integer(required=True, validate=validate.Range(1, 1000))
    exam_date = fields.Date(required=True)
    exam_location = text(300, required=False)
    expected_trainees = fields.Integer(required=True, validate=validate.Range(1, 100000))
    places_per_unit = fields.Integer(load_default=None, allow_none=True,
                                     validate=validate.Range(0, 100000))
    # A5 "考核合格": the period's pass mark on 100 (None: the configured EXAM_PASS_SCORE)
    pass_score = fields.Integer(load_default=None, allow_none=True,
                                validate=validate.Range(0, 100))
    # A1 "分批组织考试": trainees per sitting (None: the configured EXAM_SITTING_CAPACITY)
    sitting_capacity = fields.Integer(load_default=None, allow_none=True,
                                      validate=validate.Range(1, 10000))


class UnitSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{2,40}$"))
    name = text(200)
    kind = fields.String(required=True, validate=validate.OneOf(UNIT_KINDS))
    region = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))
    filing_accepted_on = fields.Date(load_default=None, allow_none=True)
    address = text(300, required=False)
    contact = text(100, required=False)
    active = fields.Boolean(load_default=True)


# --- the declaration form (申报表) ----------------------------------------------------

class TitleSchema(StrictSchema):
    """专业技术职称级别及专业."""
    level = fields.String(required=True, validate=validate.OneOf(TITLE_LEVELS))
    specialty = text(100)
    certificate = fields.String(required=True, validate=SHA256)


class QualificationSchema(StrictSchema):
    """职业资格证书（职业技能等级证书）: its level and occupation (工种)."""
    kind = fields.String(required=True, validate=validate.OneOf(QUALIFICATION_KINDS))
    level = fields.String(required=True, validate=validate.OneOf(QUALIFICATION_LEVELS))
    occupation = text(100)
    certificate_number = text(60, required=False)
    certificate = fields.String(required=True, validate=SHA256)


class PersonSchema(StrictSchema):
    name = NameField(required=True, validate=validate.Length(min=1, max=50))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=30))
    phone = fields.String(required=True, validate=validate.Regexp(
        r"^1\d{10}$", error="联系手机: a mainland mobile number (11 digits)"))
    education = fields.String(required=True, validate=validate.OneOf(EDUCATION_LEVELS))
    work_unit = text(200)
    professional_years = fields.Integer(required=True, validate=validate.Range(0, 70))
    address = text(300)
    region = text(100)                        # 所在地区, as the applicant writes it
    title = fields.Nested(TitleSchema, load_default=None, allow_none=True)
    qualifications = fields.List(fields.Nested(QualificationSchema), load_default=list,
                                 validate=validate.Length(max=10))
    external_hire = fields.Boolean(load_default=False)       # 外聘人员


class DeclaredUnitSchema(StrictSchema):
    """推荐单位类型 and 名称 as declared; 已提交备案的, the acceptance date (A2)."""
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    kind = fields.String(required=True, validate=validate.OneOf(UNIT_KINDS))
    filing_accepted_on = fields.Date(load_default=None, allow_none=True)


class ConditionSchema(StrictSchema):
    condition = fields.Integer(required=True, validate=validate.Range(1, 5))
    detail = text(500, required=False)
    teaching_years = fields.Integer(load_default=None, allow_none=True,
                                    validate=validate.Range(0, 60))
    evidence = fields.List(fields.String(validate=SHA256), required=True,
                           validate=validate.Length(min=1, max=10))


class MaterialsSchema(StrictSchema):
    photo = fields.String(required=True, validate=SHA256)                   # 个人证件照
    declaration_form = fields.String(required=True, validate=SHA256)        # 盖章的申报表
    id_card_copy = fields.String(required=True, validate=SHA256)            # 身份证复印件
    social_insurance_proof = fields.String(required=True, validate=SHA256)  # 单位参保证明
    employment_contract = fields.String(load_default=None, allow_none=True,  # 聘用协议
                                        validate=SHA256)


class PledgeSchema(StrictSchema):
    signed = fields.Boolean(required=True, validate=validate.Equal(
        True, error="the applicant's pledge (承诺声明) must be signed"))
    signed_on = fields.Date(required=True)


class ApplicationSchema(StrictSchema):
    idempotency_key = Key
    period_code = fields.String(required=True, validate=validate.Length(max=10))
    filled_on = fields.Date(load_default=None, allow_none=True)             # 填表日期
    person = fields.Nested(PersonSchema, required=True)
    unit = fields.Nested(DeclaredUnitSchema, required=True)
    projects = fields.List(fields.String(validate=validate.Length(max=80)), required=True,
                           validate=validate.Length(min=1))
    conditions = fields.List(fields.Nested(ConditionSchema), required=True,
                             validate=validate.Length(min=1, max=5))
    work_summary = fields.String(required=True, validate=validate.Length(max=5000))
    materials = fields.Nested(MaterialsSchema, required=True)
    pledge = fields.Nested(PledgeSchema, required=True)

    @validates_schema
    def _contract(self, data, **kwargs):
        if data.get("person", {}).get("external_hire") and \
                not data.get("materials", {}).get("employment_contract"):
            raise ValidationError({"materials": {"employment_contract": [
                "an external hire (外聘人员) uploads the employment contract (聘用协议)"]}})


# --- review, study, exam, cards ---------------------------------------------------

class ReviewSchema(StrictSchema):
    idempotency_key = Key
    application_id = fields.String(required=True, validate=validate.Length(max=36))
    step = fields.String(required=True, validate=validate.OneOf(STEPS))
    authority = fields.String(required=True, validate=validate.Length(min=1, max=40))
    reviewer = text(100)
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = text(500)


class StudySchema(StrictSchema):
    idempotency_key = Key
    application_id = fields.String(required=True, validate=validate.Length(max=36))
    studied_on = fields.Date(required=True)
    hours = fields.Float(required=True, validate=validate.Range(0, 24, min_inclusive=False))
    course = text(200, required=False)


class ExamScoreSchema(StrictSchema):
    idempotency_key = Key
    application_id = fields.String(required=True, validate=validate.Length(max=36))
    score = fields.Integer(required=True, validate=validate.Range(0, 100))


class RenewSchema(StrictSchema):
    idempotency_key = Key
    card_number = fields.String(required=True, validate=validate.Length(max=30))
    reviewer = text(100)
    reason = text(500)


class RevokeSchema(StrictSchema):
    idempotency_key = Key
    card_number = fields.String(required=True, validate=validate.Length(max=30))
    reason = text(500)
    actor = fields.String(load_default="provincial",
                          validate=validate.Length(min=1, max=100))


# --- track record (A7) and sittings (A1) ------------------------------------------

class FindingSchema(StrictSchema):
    """A finding a center records against a unit (lax_review, inaccurate_information)
    or a municipal center (ineligible_passed: an application it let through found
    ineligible afterwards)."""
    idempotency_key = Key
    subject = fields.String(required=True, validate=validate.OneOf(["unit", "municipal"]))
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    kind = fields.String(required=True, validate=validate.Length(min=1, max=30))
    period_code = fields.String(required=True, validate=validate.Length(max=10))
    application_id = fields.String(load_default=None, allow_none=True,
                                   validate=validate.Length(max=36))
    note = text(500)
    recorded_by = fields.String(load_default="provincial",
                                validate=validate.Length(min=1, max=100))


class UnitNoticeSchema(StrictSchema):
    """通报 of a unit (A7): why, by whom; the date is today."""
    idempotency_key = Key
    unit_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    reason = text(500)
    named_by = fields.String(load_default="provincial", validate=validate.Length(min=1, max=100))


class MunicipalPlacesSchema(StrictSchema):
    """减少参培人员名额 (A7): the places left to a municipal center in a period."""
    idempotency_key = Key
    period_code = fields.String(required=True, validate=validate.Length(max=10))
    region = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))
    places = fields.Integer(required=True, validate=validate.Range(0, 100000))
    reason = text(500)
    decided_by = fields.String(load_default="provincial",
                               validate=validate.Length(min=1, max=100))


class SittingPlanSchema(StrictSchema):
    """Seat the period's eligible trainees in sittings (A1 分批组织考试)."""
    idempotency_key = Key
    period_code = fields.String(required=True, validate=validate.Length(max=10))


# --- output ---------------------------------------------------------------------

class ReviewOut(StrictSchema):
    step = fields.String()
    authority = fields.String()
    reviewer = fields.String()
    decision = fields.String()
    reason = fields.String()
    decided_on = fields.Date()
    at = fields.DateTime()


class ApplicationOut(StrictSchema):
    id = fields.String()
    period_code = fields.String()
    unit_code = fields.String()
    region = fields.String()
    id_number = fields.String()
    name = fields.String()
    sex = fields.String()
    birth_date = fields.Date()
    person = fields.Raw()
    declared_unit = fields.Raw()
    projects = fields.List(fields.String())
    project_type = fields.String()
    conditions = fields.Raw()
    work_summary = fields.String()
    work_summary_chars = fields.Integer()
    pledge = fields.Raw()
    materials = fields.Raw()
    status = fields.String()
    closed_step = fields.String(allow_none=True)
    study_hours = fields.Float()
    exam_score = fields.Integer(allow_none=True)
    card_number = fields.String(allow_none=True)
    submitted_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer()
    chain = fields.List(fields.String())
    reviews = fields.List(fields.Nested(ReviewOut))
    warnings = fields.List(fields.String())


class CardOut(StrictSchema):
    card_number = fields.String()
    application_id = fields.String()
    period_code = fields.String()
    id_number = fields.String()
    name = fields.String()
    unit = fields.Raw()
    projects = fields.List(fields.String())
    project_type = fields.String()
    valid_from = fields.Date()
    valid_until = fields.Date()
    status = fields.String()
    issued_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    revoke_reason = fields.String(allow_none=True)
    collect_at = fields.String()
    history = fields.Raw()


application_out = ApplicationOut()
card_out = CardOut()
