"""The payment service's business metrics."""
from kernel import metrics

PAYMENTS = metrics.counter("skillcert_payment_items_total",
                           "Payable applications by what happened to them", ["event"])
CREDITS = metrics.counter("skillcert_payment_credits_total",
                          "Bank statement credits by reconciliation outcome", ["outcome"])
AWAITING = metrics.gauge("skillcert_payment_awaiting_confirmation",
                         "Payment submissions waiting for finance to confirm", ["batch_code"])
