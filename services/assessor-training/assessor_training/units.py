"""The entrypoints of the recommending units (推荐单位, A2) and their track record
(A7). A mixin of AssessorTrainingService:

    class AssessorTrainingService(UnitEntrypoints, ..., ServiceBase): ...

- ``save_unit``, ``get_unit``, ``list_units`` (RPC);
- ``_record(code)``, ``_places(period, standing)``, ``_policy()``: what the
  review chain's entrypoints check a unit's approvals against.

The rules are assessor_training.domain.track_record (and applications for A2);
the rows assessor_training.store.units."""
from sqlalchemy.exc import IntegrityError

from kernel import settings
from kernel.db import utcnow
from kernel.entrypoints import rpc
from kernel.errors import Conflict
from kernel.schemas import load

from assessor_training import store
from assessor_training.domain import applications, reference, track_record
from assessor_training.models import Unit
from assessor_training.schemas import UnitSchema

# config key -> (Policy field, type): the figures the notice leaves to the center
POLICY_CONFIG = {"EXAM_PASS_SCORE": ("pass_score", int), "UNIT_PLACES": ("unit_places", int),
                 "A7_FLAG_SHARE": ("flag_share", float), "A7_BAR_SHARE": ("bar_share", float),
                 "A7_MIN_DECIDED": ("min_decided", int),
                 "A7_FLAGGED_PLACES_SHARE": ("flagged_places_share", float),
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
        """The unit with its track record (A7) and, for a period, its places."""
        row = store.units.get(self.db, code)
        out = self._unit_wire(row)
        if period_code:
            period = store.periods.get(self.db, period_code)
            allowed = self._places(period, out["record"]["standing"])
            out["places"] = {"period_code": period.code, "places": allowed,
                             "used": store.units.places_used(self.db, row.code, period.code)}
        return out

    @rpc
    def list_units(self, standing=None):
        units = [self._unit_wire(u) for u in store.units.all_rows(self.db)]
        return [u for u in units if standing in (None, u["record"]["standing"])]

    def _unit_wire(self, row):
        return store.units.wire(row, self._record(row.code))

    def _record(self, unit_code):
        """A7: of the unit's recommendations the centers decided, how many they rejected."""
        rejected, decided = store.units.decided_counts(self.db, unit_code)
        return track_record.standing(rejected, decided, self._policy())

    def _places(self, period, verdict):
        base = period.places_per_unit
        policy = self._policy()
        return track_record.places(policy.unit_places if base is None else base, verdict, policy)

    def _policy(self):
        values = {field: cast(self.config[key]) for key, (field, cast) in POLICY_CONFIG.items()
                  if self.config.get(key) not in (None, "")}
        return reference.Policy(**values)
