"""The certificate service's events: one contract each (kernel.events),
importable without certificate's rules or database. Emitted on the exchange
``certificate.events``."""
from marshmallow import fields, validate

from kernel.events import Event, Payload


class IssuedPayload(Payload):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    certificate_number = fields.String(required=True)
    batch_code = fields.String(required=True)
    project_code = fields.String(required=True)
    channel = fields.String(required=True)
    institution_code = fields.String(load_default=None, allow_none=True)
    id_number = fields.String(required=True)
    name = fields.String(required=True)
    issued_on = fields.Date(required=True)
    issued_at = fields.AwareDateTime(required=True)
    kid = fields.String(required=True)


class RevokedPayload(Payload):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    certificate_number = fields.String(required=True)
    reason = fields.String(load_default=None, allow_none=True)
    reason_code = fields.String(required=True)
    revoked_at = fields.AwareDateTime(required=True)
    actor = fields.String(load_default=None, allow_none=True)


CERTIFICATE_ISSUED = Event("certificate", "certificate_issued", IssuedPayload, doc="""
    C1: a certificate was issued for a passed result (once per application).""")
CERTIFICATE_REVOKED = Event("certificate", "certificate_revoked", RevokedPayload, doc="""
    R4: a certificate was revoked.""")
