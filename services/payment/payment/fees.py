"""The entrypoints of the fee schedule (F1) and the payee (P3). A mixin of
PaymentService:

- ``payee``, ``load_fee_schedule``, ``list_fees``, ``set_fees`` (RPC);
- ``_center()``: the payee every receipt must show (P3), from the settings;
- ``_slip_office()``: where a 2024 individual gets the 三联单 (P2);
- ``_fees_due(items, batch)``: {application_id: fee in fen} (F1).

The rules are payment.domain.fee_schedule; the rows payment.store.fees."""
from kernel import settings
from kernel.commands import command
from kernel.entrypoints import rpc

from payment import store
from payment.domain import fee_schedule
from payment.schemas import SetFeesSchema


class FeeEntrypoints:

    def _center(self):
        """The payee every receipt must show (P3): PAYMENT_PAYEE_NAME and
        PAYMENT_PAYEE_ACCOUNTS (comma-separated) in config or environment,
        else payment/data/center.json."""
        base = fee_schedule.default_center()
        accounts = settings.get(self.config, "PAYMENT_PAYEE_ACCOUNTS", base["payee_accounts"])
        if isinstance(accounts, str):
            accounts = [a.strip() for a in accounts.split(",") if a.strip()]
        return {"payee_name": settings.get(self.config, "PAYMENT_PAYEE_NAME", base["payee_name"]),
                "payee_accounts": list(accounts)}

    def _slip_office(self):
        """Where a 2024 individual gets the 三联单 (P2, 000 五): PAYMENT_SLIP_OFFICE,
        else the notice's words in payment/data/center.json."""
        return settings.get(self.config, "PAYMENT_SLIP_OFFICE",
                            fee_schedule.default_center()["slip_office"])

    def _fees_due(self, items, batch):
        return store.fees.fees_due(self.db, items, batch)

    @rpc
    def payee(self):
        """Where to transfer: the center's name and account(s)."""
        return self._center()

    @rpc
    def load_fee_schedule(self):
        """Load payment/data/fees.json for projects that have no fee yet (a
        project whose fees were set at run time keeps them)."""
        schedule = fee_schedule.default_fee_schedule()
        added = store.fees.load_default(self.db, schedule)
        return {"projects": len(schedule["projects"]), "fees_added": added}

    @rpc
    def list_fees(self, project_code=None):
        return store.fees.listed(self.db, project_code)

    @rpc
    @command(SetFeesSchema, rule="F1")
    def set_fees(self, data):
        """Add or change fee entries; with ``replace`` the projects named get
        exactly the entries given (their other entries are removed)."""
        fee_schedule.check_fee_entries(data["fees"], store.fees.project_codes(self.db))
        codes = store.fees.set_entries(self.db, data["fees"], data["replace"], data["actor"])
        return [f for code in codes for f in store.fees.listed(self.db, code)]
