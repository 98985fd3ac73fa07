"""The gateway's own HTTP schemas: accounts, tokens, errors, queries, wrappers.

Request bodies that go to a service as they are use that service's own schema
(imported in gateway.routes), so the OpenAPI document shows exactly what the
service checks.
"""
from marshmallow import fields, validate

from kernel.names import NameField
from kernel.schemas import StrictSchema
from registration.schemas import ResubmitSchema, SubmitSchema, WithdrawSchema
from review.schemas import QueueSchema

from gateway import domain

Key = fields.String(validate=validate.Length(min=8, max=100))
IdNumber = fields.String(validate=validate.Length(min=15, max=30))
Username = fields.String(required=True, validate=validate.Regexp(
    domain.USERNAME, error="3-64 letters, digits or _.@-"))
Password = fields.String(required=True, validate=validate.Length(min=1, max=128),
                         load_only=True)


class ErrorSchema(StrictSchema):
    code = fields.String(required=True, metadata={"example": "VALIDATION_FAILED"})
    message = fields.String(required=True)
    field = fields.String(required=True, allow_none=True)
    rule = fields.String(required=True, allow_none=True)
    details = fields.Dict(required=True)


# --- accounts -------------------------------------------------------------------------

class SignupSchema(StrictSchema):
    """A candidate's own account, bound to their resident ID number (R2)."""
    username = Username
    password = Password
    name = NameField(required=True, validate=validate.Length(min=1, max=50))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=30))
    phone = fields.String(load_default=None, validate=validate.Regexp(
        r"^1\d{10}$", error="a mainland mobile number (11 digits)"))


class NewAccountSchema(StrictSchema):
    """An account made by the provincial center: staff or an institution operator."""
    username = Username
    password = Password
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(required=True, validate=validate.OneOf(
        [r for r in domain.ACCOUNT_ROLES if r != domain.CANDIDATE]))
    institution_code = fields.String(load_default=None, allow_none=True,
                                     validate=validate.Length(min=1, max=40))
    region = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(min=1, max=40))


class LoginSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = Password


class PasswordChangeSchema(StrictSchema):
    old_password = Password
    new_password = Password


class AccountSchema(StrictSchema):
    username = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(domain.ACCOUNT_ROLES))
    name = fields.String(required=True)
    institution_code = fields.String(required=True, allow_none=True)
    region = fields.String(required=True, allow_none=True)
    id_number = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    active = fields.Boolean(required=True)
    verified = fields.Boolean(required=True, metadata={
        "description": "a candidate whose person is verified (a code sent to the phone on "
                       "file): reaches what institutions registered for them"})
    created_at = fields.DateTime(required=True)


class SignedUpSchema(AccountSchema):
    """The new account, signed in: the token as /auth/token gives it."""
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})


class TokenSchema(StrictSchema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})
    username = fields.String(required=True)
    role = fields.String(required=True)
    institution_code = fields.String(required=True, allow_none=True)


# --- verification of the person (身份核验) ---------------------------------------------

class VerificationRequest(StrictSchema):
    """Send a code to the phone on file: the latest number an institution entered,
    or the one at ``phone_index`` in GET /auth/verification's ``phones``."""
    phone_index = fields.Integer(load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=20))


class VerificationConfirm(StrictSchema):
    code = fields.String(required=True, validate=validate.Regexp(
        r"^\d{6}$", error="6 digits"), load_only=True)


class VerificationSentSchema(StrictSchema):
    phone = fields.String(required=True, metadata={"example": "138****5678"})
    expires_in_s = fields.Integer(required=True)
    resend_after_s = fields.Integer(required=True)
    tries_left = fields.Integer(required=True)


class VerifiedSchema(StrictSchema):
    verified = fields.Boolean(required=True)
    verified_at = fields.DateTime(required=True, allow_none=True)
    verified_phone = fields.String(required=True, allow_none=True,
                                   metadata={"example": "138****5678"})


class VerificationStatusSchema(VerifiedSchema):
    phones = fields.List(fields.String(), required=True, metadata={
        "description": "the phones on file, masked (none once verified)"})
    pending = fields.Nested(VerificationSentSchema, required=True, allow_none=True)


class AccountQuery(StrictSchema):
    role = fields.String(load_default=None, validate=validate.OneOf(domain.ACCOUNT_ROLES))


# --- queries ---------------------------------------------------------------------------

class YearQuery(StrictSchema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


class BatchQuery(StrictSchema):
    batch_code = fields.String(required=True, validate=validate.Length(min=1, max=20))


class InstitutionTicketsQuery(BatchQuery):
    part = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000),
                          metadata={"description": "which PDF of the institution's tickets "
                                                   "(at most per_pdf each; ticket-status "
                                                   "says how many parts)"})


class InstitutionApplicationsQuery(BatchQuery):
    status = fields.String(load_default=None, validate=validate.Length(min=1, max=30))


class PersonLookup(StrictSchema):
    """What a person knows about themselves, both to match; sent in a POST body
    so that it is never in a URL (access logs, browser history, proxies)."""
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=30))
    name = NameField(required=True, validate=validate.Length(min=1, max=50))


# --- answers and wrappers ----------------------------------------------------------------

class HealthSchema(StrictSchema):
    service = fields.String(required=True)
    ok = fields.Boolean(required=True)


class UploadedSchema(StrictSchema):
    hash = fields.String(required=True)
    purpose = fields.String(required=True)
    media_type = fields.String(required=True)
    size = fields.Integer(required=True)


class ApplicationStatusSchema(StrictSchema):
    """What the public lookup shows: no personal data beyond what was asked with,
    and no internal id."""
    batch_code = fields.String(required=True)
    project_code = fields.String(required=True)
    channel = fields.String(required=True)
    status = fields.String(required=True)
    updated_at = fields.DateTime(required=True)


class ItemResultSchema(StrictSchema):
    """One item of a bulk request: its own outcome (review.bulk's shape)."""
    index = fields.Integer(required=True)
    ok = fields.Boolean(required=True)
    application_id = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    error = fields.Nested(ErrorSchema, allow_none=True)


class BulkResultSchema(StrictSchema):
    ok = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    results = fields.List(fields.Nested(ItemResultSchema), required=True)


class AnyObject(StrictSchema):
    """A service's answer passed through as it is (see docs/<service>.md)."""
    class Meta:
        unknown = "include"


# --- bodies built on the services' own schemas ------------------------------------------

class IndividualApplicationSchema(SubmitSchema):
    """registration.submit_application, individual channel: the gateway sets the
    channel, and the person must be the signed-in candidate."""
    class Meta(SubmitSchema.Meta):
        exclude = ("channel", "institution_code", "first_review")


class InstitutionApplicationSchema(SubmitSchema):
    """registration.submit_application, institution channel: the gateway sets the
    channel and the institution (the operator's own)."""
    class Meta(SubmitSchema.Meta):
        exclude = ("channel", "institution_code")


class BulkApplicationsSchema(StrictSchema):
    idempotency_key = Key
    applications = fields.List(fields.Nested(InstitutionApplicationSchema), required=True,
                               validate=validate.Length(min=1, max=500))


class BulkApplicationsShape(StrictSchema):
    """What the gateway itself checks of a bulk request: each item is then
    checked by the registration service and gets its own outcome."""
    idempotency_key = Key
    applications = fields.List(fields.Dict(), required=True,
                               validate=validate.Length(min=1, max=500))


class WithdrawBody(WithdrawSchema):
    """registration.withdraw_application; the application is in the path and
    the actor is the signed-in account."""
    class Meta(WithdrawSchema.Meta):
        exclude = ("application_id", "actor")


class ResubmitBody(ResubmitSchema):
    class Meta(ResubmitSchema.Meta):
        exclude = ("application_id",)


# --- queries of the other services' lists ----------------------------------------------------

def _text(required=False, max_length=40):
    kwargs = {"required": True} if required else {"load_default": None}
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class OptionalBatchQuery(StrictSchema):
    batch_code = _text()


class ProjectQuery(StrictSchema):
    project_code = _text(max_length=80)


class ItemsQuery(StrictSchema):
    batch_code = _text(required=True)
    status = _text()
    institution_code = _text()


class SubmissionsQuery(StrictSchema):
    batch_code = _text()
    status = _text()
    institution_code = _text()


class RefundsQuery(StrictSchema):
    batch_code = _text()
    project_code = _text(max_length=80)
    status = _text()


class CreditsQuery(StrictSchema):
    status = _text()
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))


class PlaceQuery(StrictSchema):
    session_code = _text()
    room_code = _text()


class CertificatesQuery(StrictSchema):
    batch_code = _text(required=True)
    institution_code = _text()
    status = _text()


class StandingQuery(StrictSchema):
    standing = _text()


class AssessorApplicationsQuery(StrictSchema):
    period_code = _text(required=True)
    unit_code = _text()
    region = _text()
    status = _text()


class OnDateQuery(StrictSchema):
    on_date = fields.Date(load_default=None)


class ValidAssessorsQuery(OnDateQuery):
    project_code = _text(required=True, max_length=80)


class IdNumberQuery(StrictSchema):
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=30))


class QrBody(StrictSchema):
    payload = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class QrQuery(StrictSchema):
    p = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                      metadata={"description": "the signed payload in the QR code"})


class PdfBody(StrictSchema):
    content_base64 = fields.String(required=True, validate=validate.Length(min=1))


class KeyOnlyBody(StrictSchema):
    idempotency_key = Key



class ReviewQueueQuery(QueueSchema):
    """review.list_pending's filters, with a bounded offset (the service's own
    schema takes any integer, and a huge one overflows the database driver)."""
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class ClockBody(StrictSchema):
    today = fields.Date(required=True)


class TodaySchema(StrictSchema):
    today = fields.Date(required=True)


class ClockSchema(StrictSchema):
    today = fields.Date(required=True)
    rehearsal = fields.Boolean(required=True)
    rehearsal_date = fields.Date(required=True, allow_none=True)


class LogoutSchema(StrictSchema):
    signed_out = fields.Boolean(required=True)
    username = fields.String(required=True)
