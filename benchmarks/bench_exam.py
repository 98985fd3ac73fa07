"""Benchmark: the seat arrangement (T3) of 10,000 candidates, against sorting the
same candidates alone, in the same run.

    .venv/bin/python benchmarks/bench_exam.py [--candidates 10000] [--runs 7]

The arrangement is the pure function exam.domain.arrangement.arrange (what the
`arrange` RPC runs between reading the roster and writing the seats): 10,000 candidates
of 22 projects and 40 institutions (a fifth individual), 160 rooms of 80 seats
with every other seat usable (the spacing rule), a morning and an afternoon
session. The baseline sorts the candidates by (project, institution,
application id), the least any arrangement must do. Prints the median of
``--runs`` runs of each and their ratio; the goal is under one second.
"""
import argparse
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")

from exam.domain import arrangement as arranging, rooms as room_rules  # noqa: E402
from exam.testing import synthetic_candidates  # noqa: E402


def rooms(count=160, seats=80):
    out = []
    for n in range(1, count + 1):
        room = room_rules.check_room({"code": f"R{n:03d}", "name": f"第{n}考场", "location": "考点",
                                  "seats": [f"{s:02d}" for s in range(1, seats + 1)],
                                  "spacing": {"rule": "alternate"}})
        out.append({"code": room["code"], "usable": room["usable"]})
    return out


def timed(fn, runs):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cands = synthetic_candidates(args.candidates)
    hall = rooms()
    sessions = ["AM", "PM"]

    baseline, _ = timed(lambda: sorted(cands, key=lambda c: (
        c["project_code"], c["institution_code"] or "", c["application_id"])), args.runs)
    arrangement, placed = timed(lambda: arranging.arrange(cands, hall, sessions), args.runs)

    assert len(placed) == len(cands)
    assert max(Counter((p["session"], p["room"], p["seat"]) for p in placed).values()) == 1
    usable = sum(len(r["usable"]) for r in hall) * len(sessions)
    print(f"candidates                {len(cands):>9,}")
    print(f"seat-sessions             {usable:>9,}  ({len(hall)} rooms x "
          f"{len(hall[0]['usable'])} usable seats x {len(sessions)} sessions)")
    print(f"baseline: sort only       {baseline * 1000:>9.1f} ms  (median of {args.runs})")
    print(f"arrange (exam.domain)     {arrangement * 1000:>9.1f} ms  (median of {args.runs})")
    print(f"ratio arrange / sort      {arrangement / baseline:>9.1f} x")
    print(f"goal: under 1 s           {'met' if arrangement < 1 else 'NOT met':>9}")


if __name__ == "__main__":
    main()
