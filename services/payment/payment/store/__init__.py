"""The payment service's persistence, one module per area: queries, rows and
the answers built from them. No rules here: a decision is a pure function of
payment.domain that the service calls. Every function takes the worker's
session ``db`` first."""
from payment.store import credits, fees, items, receipts, refunds, submissions  # noqa: F401
