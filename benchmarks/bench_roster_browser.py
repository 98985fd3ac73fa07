"""Benchmark: a large 考核人员花名册 imported in the browser (批量报名) against the
same number of submissions over the JSON API, in one run (#16).

    .venv/bin/python benchmarks/bench_roster_browser.py [--rows 2000] [--dist web/dist]

A benchmark run on demand, not a test (`make bench` runs it with the default).
It runs benchmarks/bench_roster_browser.mts with Playwright Test (web/node_modules,
Debian's /usr/bin/chromium, 1366 px; benchmarks/browser_bench.py): a whole suite
of its own on the rehearsal clock, as the browser tests launch it
(web/e2e/global-setup.ts), serving the portal from --dist (build it first: cd
web && npx vite build), its rate limit out of the way (100000/1, as
bench_roster_import's suite).

The workbook + zip (N rows, each person's photo and five scans real JPEGs of
their own) and the JSON API's baseline (each file POST /materials, then the
bulk route in 500s, 8 clients) are benchmarks/bench_roster_import.py's, on its
batch (2026-12 on its registration day) and institution (inst-01). In headless
Chromium an institution operator signs in, chooses the two files on the
批量报名 page, previews (timed until the summary shows every row valid),
submits (timed until 已提交 N 名考生的报名), the page's progress bar sampled
every second meanwhile (printed at each change of its words) and shot when it
shows half the applications and at the end (var/bench/roster-browser-*.png);
the applications are counted over the API. Then N other people of the same
batch over the JSON API. Prints the times, rows per second and browser/JSON as
a ratio (the ratio takes out most of the machine's speed).

(--make-files DIR and --json-api are the .mts's calls back into this file.)
"""
import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "shared"))
sys.path.insert(0, str(ROOT / "services" / "gateway"))
sys.path.insert(0, str(ROOT / "services" / "registration"))
from benchmarks import bench_roster_import as http, browser_bench  # noqa: E402


def numbers(rows):
    """The browser's N ID numbers and the JSON API's N others (no file shared)."""
    both = http.people(rows * 2, 0)
    assert len(set(both)) == len(both), "ID numbers collide"
    return both[:rows], both[rows:]


def make_files(rows, out):
    book, archive = http.workbook_and_zip(numbers(rows)[0])
    Path(out, "roster.xlsx").write_bytes(book)
    Path(out, "materials.zip").write_bytes(archive)
    print(json.dumps({"bytes": len(book) + len(archive)}))


def json_api(rows):
    url, token = os.environ["BENCH_ROSTER_URL"], os.environ["BENCH_ROSTER_TOKEN"]
    print(json.dumps({"seconds": http.json_api(url, token, numbers(rows)[1])}))


def sampled(samples, every=15):
    """What the page showed while it submitted: a line when its words change,
    numbers aside, and at most one every ``every`` s while only numbers do."""
    lines, last, at = [], None, -every
    for x in samples:
        words = x["bar"] if x["bar"] is not None else "(no progress bar)"
        kind = re.sub(r"\d+", "#", words)
        if kind != last or (words != lines[-1][1] and x["s"] - at >= every):
            lines.append((x["s"], words))
            last, at = kind, x["s"]
    slowest = max((x["ms"] for x in samples), default=0)
    return [f"    {s:5d} s  {words}" for s, words in lines] + [
        f"    the page answered every probe ({len(samples)}, one a second) within {slowest} ms"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--dist", default=str(browser_bench.WEB / "dist"),
                        help="the built portal to serve")
    parser.add_argument("--make-files", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--json-api", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_files:
        return make_files(args.rows, args.make_files)
    if args.json_api:
        return json_api(args.rows)
    browser_bench.check("bench_roster_browser", args.dist)
    started = time.monotonic()
    r = browser_bench.run("bench_roster_browser", {
        "BENCH_ROSTER_ROWS": str(args.rows), "SKILLCERT_E2E_RATE_LIMIT": "100000/1",
        "PYTHON": sys.executable}, args.dist, minutes=120)
    n, preview, submit, baseline = (r["rows"], r["preview_seconds"], r["submit_seconds"],
                                    r["json_seconds"])
    imported = preview + submit
    print(f"roster import in the browser (批量报名, 1366 px headless Chromium): {n} rows, "
          f"workbook + zip {r['bytes'] / 1e6:.1f} MB")
    print(f"  preview (upload + the server's check)           {preview:8.1f} s  "
          f"{n / preview:7.1f} rows/s")
    print(f"  submit (upload, check, files, applications)     {submit:8.1f} s  "
          f"{n / submit:7.1f} rows/s")
    print(f"  browser import, preview + submit                {imported:8.1f} s  "
          f"{n / imported:7.1f} rows/s")
    print(f"  JSON API (POST /materials + bulk applications)  {baseline:8.1f} s  "
          f"{n / baseline:7.1f} rows/s")
    print(f"  browser import / JSON API: {imported / baseline:.2f} "
          f"(submit alone / JSON API: {submit / baseline:.2f})")
    print(f"  the progress bar while submitting:")
    print("\n".join(sampled(r["samples"])))
    print(f"  screenshots: var/bench/roster-browser-{{preview,progress,end}}.png; "
          f"the whole run {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
