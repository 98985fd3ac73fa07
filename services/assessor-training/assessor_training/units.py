"""The entrypoints of the recommending units (推荐单位, A2) and the track record
of units and municipal centers (A7, the notice's 八(一)(二)). A mixin of
AssessorTrainingService:

    class AssessorTrainingService(UnitEntrypoints, ..., ServiceBase): ...

- ``save_unit``, ``get_unit``, ``list_units`` (RPC); ``record_finding``,
  ``name_unit`` (通报), ``municipal_records``, ``set_municipal_places`` (RPC);
- ``_record(code)``, ``_places(period_row)``, ``_policy()``, ``_track_review(...)``:
  what the review chain's entrypoints check and record.

The rules are assessor_training.domain.track_record (and applications for A2);
the rows assessor_training.store.units and .track."""
from sqlalchemy.exc import IntegrityError

from kernel import settings
from kernel.commands import command
from kernel.db import utcnow
from kernel.entrypoints import rpc
from kernel.errors import Conflict
from kernel.schemas import load

from assessor_training import store
from assessor_training.domain import applications, reference, review_chain, track_record
from assessor_training.models import Unit
from assessor_training.schemas import (FindingSchema, MunicipalPlacesSchema, UnitNoticeSchema,
                                       UnitSchema)

# config key -> (Policy field, type): the figures the notice leaves to the center
POLICY_CONFIG = {"EXAM_PASS_SCORE": ("pass_score", int), "UNIT_PLACES": ("unit_places", int),
                 "A7_RETURNS_FOR_NOTICE": ("returns_for_notice", int),
                 "A7_FINDINGS_FOR_NOTICE": ("findings_for_notice", int),
                 "A7_INELIGIBLE_BATCH": ("ineligible_batch", int),
                 "EXAM_SITTING_CAPACITY": ("sitting_capacity", int),
                 "EXAM_SITTING_BREAK_MINUTES": ("sitting_break_minutes", int),
                 "EXAM_FIRST_SITTING_AT": ("first_sitting_at", str),
                 "ASSESSOR_PHOTO_MAX_KB": ("photo_max_kb", int),
                 "ASSESSOR_SCAN_MAX_KB": ("scan_max_kb", int),
                 "RENEWAL_WINDOW_DAYS": ("renewal_window_days", int)}


class UnitEntrypoints:

    @rpc
    def save_unit(self, unit):
        data = load(UnitSchema(), unit)
        applications.check_unit_record(data, settings.today(self.config))
        row = self.db.get(Unit, data["code"]) or Unit(code=data["code"])
        for key, value in data.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        self.db.add(row)
        try:
            self.db.flush()
        except IntegrityError:
            self.db.rollback()
            raise Conflict("UNIT_NAME_TAKEN", f"another unit is named {data['name']}",
                           field="name")
        return self._unit_wire(row)

    @rpc
    def get_unit(self, code, period_code=None):
        """The unit with its track record (A7: its events too) and, for a period,
        its places."""
        row = store.units.get(self.db, code)
        out = self._unit_wire(row)
        out["events"] = store.track.events(self.db, "unit", row.code)
        if period_code:
            period = store.periods.get(self.db, period_code)
            out["places"] = {"period_code": period.code, "places": self._places(period),
                             "used": store.units.places_used(self.db, row.code, period.code)}
        return out

    @rpc
    def list_units(self, standing=None):
        units = [self._unit_wire(u) for u in store.units.all_rows(self.db)]
        return [u for u in units if standing in (None, u["record"]["standing"])]

    @rpc
    @command(FindingSchema)
    def record_finding(self, data):
        """A7: a center records a finding against a unit (审核把关不严: lax_review,
        个人信息填报不准确: inaccurate_information) or a municipal center (an
        application it let through found ineligible: ineligible_passed)."""
        track_record.check_finding(data["subject"], data["kind"])
        period = store.periods.get(self.db, data["period_code"])
        if data["application_id"]:
            store.applications.get(self.db, data["application_id"])
        if data["subject"] == "unit":
            store.units.get(self.db, data["code"])
        elif data["code"] not in reference.regions():
            raise store.found(None, "REGION_UNKNOWN", f"no region {data['code']}", "code", "A7")
        store.track.add_event(self.db, data["subject"], data["code"], data["kind"], period.code,
                              data["note"], data["recorded_by"], data["application_id"])
        self.db.flush()
        if data["subject"] == "unit":
            return self.get_unit(data["code"])
        return self._municipal(period.code, data["code"])

    @rpc
    @command(UnitNoticeSchema)
    def name_unit(self, data):
        """A7 (二) 通报: the provincial center names a unit (why, by whom, today);
        from then on the unit's recommendations are not accepted."""
        row = store.units.get(self.db, data["unit_code"])
        track_record.check_not_named(store.units.as_dict(row), self._record(row.code))
        store.track.add_notice(self.db, row.code, data["reason"], data["named_by"],
                               settings.today(self.config))
        return self.get_unit(row.code)

    @rpc
    def municipal_records(self, period_code):
        """A7 (一): the municipal centers of a period with applications they let
        through that were found ineligible, or with places cut."""
        period = store.periods.get(self.db, period_code)
        return [self._municipal(period.code, region)
                for region in store.track.municipal_regions(self.db, period.code)]

    @rpc
    def municipal_standing(self, period_code, region):
        """A7 (一) for one municipal center's console: its places in a period, the
        approvals at its step that use them, the findings that lowered them."""
        period = store.periods.get(self.db, period_code)
        if region not in reference.regions() or reference.regions()[region].get("provincial"):
            raise store.found(None, "REGION_UNKNOWN", f"no municipal center {region}",
                              "region", "A7")
        return self._municipal(period.code, region)

    @rpc
    @command(MunicipalPlacesSchema)
    def set_municipal_places(self, data):
        """A7 (一) 减少参培人员名额: the provincial center's decision on a municipal
        center's places in a period (the approvals at its step)."""
        period = store.periods.get(self.db, data["period_code"])
        if data["region"] not in reference.regions() or \
                reference.regions()[data["region"]].get("provincial"):
            raise store.found(None, "REGION_UNKNOWN", f"no municipal center {data['region']}",
                              "region", "A7")
        store.track.set_places(self.db, period.code, data["region"], data["places"],
                               data["reason"], data["decided_by"])
        return self._municipal(period.code, data["region"])

    def _municipal(self, period_code, region):
        counts = store.track.counts(self.db, "municipal", region, period_code)
        out = track_record.municipal_standing(
            region, counts.get("ineligible_passed", 0),
            store.track.places_of(self.db, period_code, region),
            store.track.municipal_used(self.db, period_code, region), self._policy())
        out.update(period_code=period_code, center_zh=reference.regions()[region]["center_zh"],
                   events=store.track.events(self.db, "municipal", region, period_code))
        return out

    def _unit_wire(self, row):
        return store.units.wire(row, self._record(row.code))

    def _record(self, unit_code):
        """A7 (二): the unit's returned recommendations, findings and notices."""
        return track_record.unit_standing(store.track.counts(self.db, "unit", unit_code),
                                          store.track.notices(self.db, unit_code),
                                          self._policy())

    def _places(self, period):
        base = period.places_per_unit
        return self._policy().unit_places if base is None else base

    def _track_review(self, app, period, data, unit, today):
        """A7: before a review decision is stored, the checks of the track record
        (a named unit approves no one; places); after, the events it records."""
        if data["decision"] == "approve" and data["step"] == "unit":
            record = self._record(unit.code)
            track_record.check_not_barred(store.units.as_dict(unit), record)
            track_record.check_places(
                store.units.as_dict(unit),
                store.units.places_used(self.db, unit.code, period.code),
                self._places(period), record)
        if data["decision"] == "approve" and data["step"] == "municipal":
            places = store.track.places_of(self.db, period.code, app.region, lock=True)
            track_record.check_municipal_places(
                app.region, store.track.municipal_used(self.db, period.code, app.region), places)
        for subject, kind in track_record.returned_against(
                data["step"], data["decision"], review_chain.chain(app.region)):
            store.track.add_event(self.db, subject, unit.code if subject == "unit"
                                  else app.region, kind, period.code, data["reason"],
                                  f"{data['step']}:{data['authority']}", app.id)

    def _policy(self):
        values = {field: cast(self.config[key]) for key, (field, cast) in POLICY_CONFIG.items()
                  if self.config.get(key) not in (None, "")}
        return reference.Policy(**values)
