"""The assessor training service's events: one contract each (kernel.events),
importable without its rules or database. Emitted on the exchange
``assessor_training.events``."""
from marshmallow import fields

from kernel.events import Event, Payload, text


class CardPayload(Payload):
    card_number = text(40, required=True)
    id_number = text(18, required=True)
    name = text(50, required=True)
    unit = text(200, required=True)          # the recommending unit's name
    projects = fields.List(fields.String(), required=True)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(required=True)
    reason = fields.String(load_default=None, allow_none=True)     # card_revoked only


CARD_PAYLOAD = CardPayload()      # the producer's dump: dates as ISO text


CARD_ISSUED = Event("assessor_training", "card_issued", CardPayload, doc="""
    A6: a pass issues a card; also re-emitted on renewal with the new `valid_until`
    (same card number: consumers upsert by `card_number`).""")
CARD_EXPIRED = Event("assessor_training", "card_expired", CardPayload, doc="""
    `expire_cards` / the hourly timer, once per card.""")
CARD_REVOKED = Event("assessor_training", "card_revoked", CardPayload, doc="""
    `revoke_card`; `reason` says why.""")
