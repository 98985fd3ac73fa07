"""The entrypoints of the bank reconciliation (K1). A mixin of PaymentService:

- ``import_statement``, ``reconcile``, ``match_credit``, ``list_credits``,
  ``reconciliation_report`` (RPC).

The rules are payment.domain.statements/matching/reconciliation; the rows
payment.store.credits."""
import hashlib

from kernel.commands import command
from kernel.uploads import decode_base64
from kernel.entrypoints import rpc

from payment import store
from payment.counters import CREDITS
from payment.domain import matching, reconciliation, statements
from payment.schemas import ManualMatchSchema, StatementSchema


class BankEntrypoints:

    @rpc
    @command(StatementSchema, rule="K1")
    def import_statement(self, data):
        """Import the center's bank statement (CSV or .xlsx, docs/payment.md)
        and match the new credits. Broken rows are reported with their line
        numbers while the good rows are imported; a bank serial already
        imported is ignored. A long CSV may come in parts, each with the header
        and ``line_offset`` (the lines before the part's first row less one)."""
        raw = decode_base64(data["content_base64"], "content_base64", "K1")
        statements.check_statement_size(len(raw))
        parsed = statements.parse_file(raw, data["line_offset"])
        fresh, duplicates, broken = store.credits.new_credits(self.db, parsed)
        statement = store.credits.add_statement(self.db, data["filename"],
                                                hashlib.sha256(raw).hexdigest(),
                                                data["actor"], fresh)
        summary = {"lines": parsed["lines"], "imported": len(fresh),
                   "duplicates": duplicates, "debits": parsed["debits"],
                   "broken": [{"line": b["line"], "error": b["error"]} for b in broken]}
        statement.summary = summary
        CREDITS.labels("imported").inc(len(fresh))
        return dict(summary, statement_id=statement.id, filename=statement.filename,
                    reconciliation=self._reconcile())

    @rpc
    def reconcile(self):
        """Match again every credit and submission that has no partner yet."""
        return self._reconcile()

    def _reconcile(self):
        result = store.credits.reconcile(self.db)
        for outcome in ("matched", "ambiguous", "unmatched"):
            CREDITS.labels(outcome).inc(len(result[outcome]))
        return {k: len(v) for k, v in result.items()}

    @rpc
    @command(ManualMatchSchema, rule="K1")
    def match_credit(self, data):
        """A person settles a credit matching left open (a tie, a typo)."""
        credit = store.credits.by_serial(self.db, data["bank_serial"])
        subs = [store.submissions.get(self.db, s) for s in dict.fromkeys(data["submission_ids"])]
        matching.check_manual_match(
            {"status": credit.status, "bank_serial": credit.bank_serial},
            [{"id": s.id, "status": s.status, "credit_id": s.credit_id} for s in subs])
        store.credits.match_by_hand(self.db, credit, subs, data["actor"])
        return store.credits.view(self.db, credit)

    @rpc
    def list_credits(self, status=None, limit=500):
        limit = max(1, min(int(limit), 10000)) if str(limit).isdigit() else 500
        return store.credits.listed(self.db, status, limit)

    @rpc
    def credits_page(self, page=1, size=20, sort="value_date", status=None,
                     statement_id=None, q=None):
        """One page of bank credits, filtered and sorted in the database."""
        return store.credits.page(self.db, page, size, sort, status, statement_id, q)

    @rpc
    def reconciliation_report(self, batch_code):
        """Per batch: matched credits, unmatched credits, submissions without
        a credit, under- and over-payments (K1)."""
        batch = self._get_batch(batch_code)
        subs, credits = store.credits.report_rows(self.db, batch)
        return reconciliation.reconciliation_report(batch, subs, credits)

    @rpc
    def batch_payment_report(self, batch_code):
        """The payment report of a batch: its applications by project, channel
        and status with the money confirmed, and its reconciliation (K1)."""
        batch = self._get_batch(batch_code)
        subs, credits = store.credits.report_rows(self.db, batch)
        return {"batch_code": batch_code, "items": store.items.counts(self.db, batch_code),
                "reconciliation": reconciliation.reconciliation_report(batch, subs, credits)}
