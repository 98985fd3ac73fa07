"""The payment service's events: one contract each (kernel.events), importable
without payment's rules or database. Emitted on the exchange ``payment.events``."""
from marshmallow import fields, validate

from kernel.events import Event, Payload, text


class _Application(Payload):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    batch_code = text(20, required=True)
    project_code = text(80, required=True)


class PaymentConfirmedPayload(_Application):
    institution_code = text(40, load_default=None, allow_none=True)
    id_number = text(18, required=True)
    name = text(50, required=True)
    amount_fen = fields.Integer()
    submission_id = fields.String()
    confirmed_at = fields.AwareDateTime()
    actor = fields.String(load_default=None, allow_none=True)


class AbandonedPayload(_Application):
    reason = fields.String(load_default=None, allow_none=True)


PAYMENT_CONFIRMED = Event("payment", "payment_confirmed", PaymentConfirmedPayload, doc="""
    one per application of a confirmed submission.""")
APPLICATION_ABANDONED = Event("payment", "application_abandoned", AbandonedPayload, doc="""
    P4: no confirmed payment by the end of the payment window; once per application.""")
