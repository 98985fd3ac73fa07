"""A rehearsal clock: one date for every service of a suite on one machine,
moved while the suite runs (demos, rehearsals of a batch's weeks in minutes).

SKILLCERT_TODAY pins a date for the life of a process; a rehearsal needs the
date to move without restarting anything. When SKILLCERT_REHEARSAL is on (1,
true, yes, on), the date in ``<data dir>/rehearsal-today`` (an ISO date, one
line) is "today" for every process that shares the data dir, read again at
each call; without that file, or with the flag off, nothing changes. The
gateway moves it (PUT /admin/clock, provincial center only) and so does
``python -m kernel.clock 2026-11-16``.

Precedence in ``kernel.settings.today``: SKILLCERT_TODAY, then this clock,
then the real date in Asia/Shanghai.
"""
import os
import sys
from datetime import date

from kernel import settings

FILE = "rehearsal-today"


def enabled(config=None):
    return str(settings.get(config, "SKILLCERT_REHEARSAL", "")).strip().lower() in \
        ("1", "true", "yes", "on")


def path(config=None):
    return settings.data_dir(config) / FILE


def read(config=None):
    """The rehearsal date, or None (flag off, no file, or not a date)."""
    if not enabled(config):
        return None
    try:
        return date.fromisoformat(path(config).read_text().strip())
    except (OSError, ValueError):
        return None


def write(day, config=None):
    """Move the rehearsal clock to ``day`` (atomically: readers see the old or the new date)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    target = path(config)
    tmp = target.with_name(f".{FILE}.{os.getpid()}")
    tmp.write_text(day.isoformat() + "\n")
    os.replace(tmp, target)
    return day


def clear(config=None):
    try:
        path(config).unlink()
    except FileNotFoundError:
        pass


if __name__ == "__main__":      # python -m kernel.clock [YYYY-MM-DD | off]
    if len(sys.argv) > 1 and sys.argv[1] == "off":
        clear()
    elif len(sys.argv) > 1:
        write(sys.argv[1])
    print(read() or "no rehearsal date (the real date, or SKILLCERT_TODAY)")
