"""Finance's console: the paged lists and the payment report of a batch,
relayed to the payment service with the query as it was validated."""
from gateway.handlers.common import relay

submissions = relay("payment", "submissions_page", query=(
    "page", "size", "sort", "q", "batch_code", "status", "institution_code", "channel",
    "credit", "mismatch"))
credits = relay("payment", "credits_page", query=(
    "page", "size", "sort", "q", "status", "statement_id"))
refunds = relay("payment", "refunds_page", query=(
    "page", "size", "sort", "q", "batch_code", "project_code", "status"))
batch_report = relay("payment", "batch_payment_report", query=("batch_code",))
