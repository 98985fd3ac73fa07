"""RPC input of the certificate service (its events: certificate.events)."""
from marshmallow import ValidationError, fields, validate, validates_schema

from kernel.names import NameField
from kernel.schemas import StrictSchema

from certificate.vocabulary import ID_DOCUMENTS, REVOCATION_REASONS

Key = fields.String(validate=validate.Length(min=8, max=100))
Actor = fields.String(required=True, validate=validate.Length(min=1, max=100))
Code = fields.String(required=True, validate=validate.Length(min=1, max=40))


# exam.result_finalized: validated with its producer's contract (exam.events)


class PersonSchema(StrictSchema):
    name = NameField(required=True, validate=validate.Length(min=1, max=50))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=30))


class IdDocumentSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(ID_DOCUMENTS))
    valid_until = fields.Date(load_default=None)
    long_term = fields.Boolean(load_default=False)        # 长期

    @validates_schema
    def _until(self, data, **kwargs):
        if not data.get("long_term") and data.get("valid_until") is None:
            raise ValidationError("required unless the document is long-term (长期)",
                                  "valid_until")


class RevokeSchema(StrictSchema):
    idempotency_key = Key
    certificate_number = fields.String(required=True)
    reason_code = fields.String(required=True, validate=validate.OneOf(list(REVOCATION_REASONS)))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    actor = Actor


class RotateSchema(StrictSchema):
    idempotency_key = Key
    actor = Actor


class PrintBatchSchema(StrictSchema):
    idempotency_key = Key
    batch_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    actor = Actor


class InstitutionCollectionSchema(StrictSchema):
    idempotency_key = Key
    institution_code = Code
    batch_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    certificate_numbers = fields.List(fields.String(), load_default=None,
                                      validate=validate.Length(min=1, max=2000))
    collector = fields.Nested(PersonSchema, required=True)
    registration_form = fields.String(required=True, validate=validate.Length(min=1, max=100))
    form_signed_and_stamped = fields.Boolean(required=True, validate=validate.Equal(
        True, error="the registration form (四川核发专项职业能力证书登记表) must be signed by the "
                    "institution's head and stamped"))
    actor = Actor


class IndividualCollectionSchema(StrictSchema):
    idempotency_key = Key
    certificate_number = fields.String(required=True)
    holder = fields.Nested(PersonSchema, required=True)
    id_document = fields.Nested(IdDocumentSchema, required=True)
    actor = Actor


class InstitutionHandoverSchema(StrictSchema):
    idempotency_key = Key
    institution_code = Code
    certificate_number = fields.String(required=True)
    receiver = fields.Nested(PersonSchema, required=True)
    actor = Actor


class LedgerQuerySchema(StrictSchema):
    batch_code = fields.String(load_default=None)
    institution_code = fields.String(load_default=None)
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)
