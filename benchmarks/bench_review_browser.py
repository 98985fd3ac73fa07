"""Benchmark: how fast a reviewer decides applications in the browser, keyboard only (#17).

    .venv/bin/python benchmarks/bench_review_browser.py [--count 200] [--dist web/dist]
    .venv/bin/python benchmarks/bench_review_browser.py --url http://127.0.0.1:8080 --admin-password …

A benchmark run on demand, not a test. It runs benchmarks/bench_review_browser.mts
with Playwright Test (web/node_modules, Debian's /usr/bin/chromium, 1366 px):
without --url it launches a whole suite on its own RabbitMQ vhost, data dir and
port on the rehearsal clock, as the browser tests do (web/e2e/global-setup.ts),
serving the portal from --dist (build it first: cd web && npx vite build);
with --url it uses a suite already running with SKILLCERT_REHEARSAL=1.

Set up over the API: N first-reviewed candidates of one institution in a batch
of this run. Measured: from the reviewer's first key press on the first
application to the last decision shown, each decision one key (A, 审核通过), the
console opening the next application by itself (it prefetched it). Prints the
decisions per minute, the median, 95th percentile and slowest key-to-next time.
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks import browser_bench  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="applications to decide")
    parser.add_argument("--dist", default=str(browser_bench.WEB / "dist"),
                        help="the built portal to serve")
    parser.add_argument("--url", help="a running suite (SKILLCERT_REHEARSAL=1) instead of a new one")
    parser.add_argument("--admin-password", help="its admin password (with --url)")
    args = parser.parse_args()
    browser_bench.check("bench_review_browser", args.dist, args.url)
    r = browser_bench.run("bench_review_browser", {"BENCH_REVIEW_COUNT": str(args.count)},
                          args.dist, args.url, args.admin_password)
    print(f"reviewer console, keyboard only (A = 审核通过, the next opens by itself), "
          f"1366 px headless Chromium")
    print(f"  set-up over the API: {r['count']} institution candidates in "
          f"{r['setup_seconds']} s")
    print(f"  {r['count']} decisions in {r['seconds']} s: {r['per_minute']} decisions per minute")
    print(f"  key to the next application: median {r['median_ms']} ms, "
          f"95th percentile {r['p95_ms']} ms, slowest {r['max_ms']} ms")


if __name__ == "__main__":
    main()
