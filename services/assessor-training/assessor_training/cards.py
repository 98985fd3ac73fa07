"""The entrypoints of the assessor cards (考评员资格证卡, A6) and the summary table
(汇总表, 附件2). A mixin of AssessorTrainingService:

    class AssessorTrainingService(CardEntrypoints, ..., ServiceBase): ...

- ``get_card``, ``find_cards``, ``verify_card``, ``renew_card``, ``revoke_card``,
  ``expire_cards``, ``valid_assessors``, ``summary_table`` (RPC); card_issued,
  card_expired, card_revoked emitted;
- ``_issue_card(app, period_row, today)``: the card of a pass;
- ``_expire(today)``: the hourly timer's half that expires cards.

The rules are assessor_training.domain.cards and .summary; the rows
assessor_training.store.cards."""
import base64
import io

from sqlalchemy import select

from kernel import exports, settings
from kernel.commands import command
from kernel.db import utcnow
from kernel.entrypoints import rpc
from kernel.errors import ValidationFailed

from assessor_training import events, store
from assessor_training.counters import CARDS
from assessor_training.domain import cards, reference, summary
from assessor_training.domain.review_chain import ApplicationStatus as Status
from assessor_training.models import Application, Card, Review
from assessor_training.schemas import RenewSchema, RevokeSchema


class CardEntrypoints:

    def _issue_card(self, app, period, today):
        serial = store.cards.next_serial(self.db, period.code)
        valid_from, valid_until = cards.card_validity(today)
        card = Card(card_number=cards.card_number(period.year, period.seq, serial),
                    application_id=app.id, period_code=period.code, id_number=app.id_number,
                    name=app.name, unit_code=app.unit_code, project_type=app.project_type,
                    valid_from=valid_from, valid_until=valid_until, status="valid",
                    issued_at=utcnow())
        store.cards.add(self.db, card, app.projects)
        store.cards.add_history(self.db, card, "issued", "provincial",
                                f"exam score {app.exam_score}")
        events.CARD_ISSUED.emit(self.db, **store.cards.event(self.db, card))
        CARDS.labels("issued").inc()
        return card

    @rpc
    def get_card(self, card_number):
        return store.cards.wire(self.db, store.cards.get(self.db, card_number), history=True)

    @rpc
    def find_cards(self, id_number):
        return [store.cards.wire(self.db, c) for c in store.cards.of_person(self.db, id_number)]

    @rpc
    def verify_card(self, card_number, on_date=None):
        """Public check of a card by its number: is it valid on ``on_date`` (today)?"""
        day = settings.day(self.config, on_date, "on_date")
        card = store.cards.get(self.db, card_number)
        state = cards.card_state(store.cards.state(card), day)
        return store.cards.verification(self.db, card, day, state)

    @rpc
    @command(RenewSchema)
    def renew_card(self, data):
        """Renewal review (复核): a valid card gets three more years."""
        card = store.cards.get(self.db, data["card_number"])
        card.valid_until = cards.check_renewal(store.cards.state(card),
                                               settings.today(self.config), self._policy())
        store.cards.add_history(self.db, card, "renewed", data["reviewer"], data["reason"])
        events.CARD_ISSUED.emit(self.db, **store.cards.event(self.db, card))
        CARDS.labels("renewed").inc()
        return store.cards.wire(self.db, card, history=True)

    @rpc
    @command(RevokeSchema)
    def revoke_card(self, data):
        card = store.cards.get(self.db, data["card_number"])
        cards.check_revocable(store.cards.state(card))
        card.status, card.revoked_at, card.revoke_reason = "revoked", utcnow(), data["reason"]
        store.cards.add_history(self.db, card, "revoked", data["actor"], data["reason"])
        events.CARD_REVOKED.emit(self.db, **store.cards.event(self.db, card,
                                                              reason=data["reason"]))
        CARDS.labels("revoked").inc()
        return store.cards.wire(self.db, card, history=True)

    @rpc
    def expire_cards(self, today=None):
        """Cards past their last valid day become expired (card_expired). Safe to run
        twice: an expired card is not expired again."""
        return self._expire(settings.day(self.config, today, "today"))

    def _expire(self, today):
        expired = []
        for card in store.cards.due(self.db, today):
            if not cards.due_to_expire(store.cards.state(card), today):
                continue
            card.status = "expired"
            store.cards.add_history(self.db, card, "expired", "system",
                                    f"validity ended {card.valid_until}")
            events.CARD_EXPIRED.emit(self.db, **store.cards.event(self.db, card))
            expired.append(card.card_number)
        CARDS.labels("expired").inc(len(expired))
        return {"today": today.isoformat(), "expired": expired}

    @rpc
    def valid_assessors(self, project_code, on_date=None):
        """Assessors whose card covers ``project_code`` and is valid on ``on_date``
        (not revoked, on_date inside the validity), with their unit: the exam
        service's dispatch list."""
        day = settings.day(self.config, on_date, "on_date")
        reference.project(project_code)
        return store.cards.valid_for(self.db, project_code, day)

    @rpc
    def summary_table(self, period_code, unit_code, scope="certified"):
        """附件2 for one unit and period as CSV. scope "certified": the unit's people
        who passed and hold a card (to collect the cards); "recommended": everyone
        the unit recommended (approved at its step)."""
        period, unit, rows = self._summary_rows(period_code, unit_code, scope)
        out = io.StringIO()
        writer = exports.writer(out)
        writer.writerow(summary.SUMMARY_COLUMNS)
        writer.writerows(rows)
        return {"title": summary.SUMMARY_TITLE, "unit": unit.name, "unit_code": unit.code,
                "period_code": period.code, "scope": scope, "count": len(rows),
                "filename": f"summary-{unit.code}-{period.code}-{scope}.csv",
                "csv": out.getvalue()}

    @rpc
    def summary_workbook(self, period_code, unit_code, scope="recommended"):
        """附件2 (《考评员资格培训（复核）汇总表》) as an .xlsx file, the same rows as
        ``summary_table``, under the title and the unit's name; no cell a formula
        (kernel.exports.workbook)."""
        period, unit, rows = self._summary_rows(period_code, unit_code, scope)
        content = exports.workbook(f"{summary.SUMMARY_TITLE}（推荐单位：{unit.name}）",
                                   summary.SUMMARY_COLUMNS, rows, sheet="汇总表")
        return {"title": summary.SUMMARY_TITLE, "unit": unit.name, "unit_code": unit.code,
                "period_code": period.code, "scope": scope, "count": len(rows),
                "filename": f"summary-{unit.code}-{period.code}-{scope}.xlsx",
                "media_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "content_base64": base64.b64encode(content).decode()}

    def _summary_rows(self, period_code, unit_code, scope):
        if scope not in ("certified", "recommended"):
            raise ValidationFailed("VALIDATION_FAILED", "scope is certified or recommended",
                                   field="scope")
        period = store.periods.get(self.db, period_code)
        unit = store.units.get(self.db, unit_code)
        query = select(Application).where(Application.period_code == period.code,
                                          Application.unit_code == unit.code)
        if scope == "certified":
            query = query.where(Application.status == Status.PASSED)
        else:
            query = query.where(Application.id.in_(select(Review.application_id).where(
                Review.step == "unit", Review.decision == "approve")))
        found = self.db.scalars(query.order_by(Application.submitted_at)).all()
        names = {code: p["name_zh"] for code, p in reference.projects().items()}
        rows = [summary.summary_row(n, store.applications.person_state(app),
                                    [names[p] for p in app.projects])
                for n, app in enumerate(found, 1)]
        return period, unit, rows
