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
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

CONFIG = """import {{ defineConfig }} from '@playwright/test'
export default defineConfig({{
  testDir: {bench!r},
  testMatch: /bench_review_browser\\.mts$/,
  outputDir: {out!r},
  globalSetup: {setup!r},
  workers: 1,
  retries: 0,
  reporter: 'line',
  timeout: 30 * 60_000,
  use: {{
    baseURL: process.env.SKILLCERT_E2E_URL,
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    viewport: {{ width: 1366, height: 900 }},
    browserName: 'chromium',
    launchOptions: {{ executablePath: {chromium!r}, args: ['--headless', '--no-sandbox', '--disable-gpu',
      '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-dev-shm-usage'] }},
  }},
}})
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="applications to decide")
    parser.add_argument("--dist", default=str(WEB / "dist"), help="the built portal to serve")
    parser.add_argument("--url", help="a running suite (SKILLCERT_REHEARSAL=1) instead of a new one")
    parser.add_argument("--admin-password", help="its admin password (with --url)")
    args = parser.parse_args()
    if not (WEB / "node_modules" / "@playwright" / "test").is_dir():
        sys.exit("bench_review_browser: web/node_modules is missing: cd web && npm ci")
    if not args.url and not (Path(args.dist) / "index.html").is_file():
        sys.exit(f"bench_review_browser: {args.dist} has no built portal: cd web && npx vite build")
    work = ROOT / "var" / "bench-review-browser"
    work.mkdir(parents=True, exist_ok=True)
    config = work / "playwright.config.ts"
    config.write_text(CONFIG.format(bench=str(ROOT / "benchmarks"), out=str(work / "results"),
                                    setup=str(WEB / "e2e" / "global-setup.ts"),
                                    chromium=CHROMIUM), encoding="utf-8")
    env = dict(os.environ, NODE_PATH=str(WEB / "node_modules"), BENCH_REVIEW_COUNT=str(args.count),
               SKILLCERT_WEB_DIR=str(Path(args.dist).resolve()),
               # the suite's rate limits as the browser tests set them, and no smaller
               SKILLCERT_E2E_RATE_LIMIT=os.environ.get("SKILLCERT_E2E_RATE_LIMIT", "600/60"))
    if args.url:
        env["SKILLCERT_E2E_URL"] = args.url.rstrip("/") + "/"
        env["SKILLCERT_E2E_ADMIN_PASSWORD"] = args.admin_password or ""
        # the ID numbers' counter file (web/e2e/helpers.ts newIdNumber): one sequence,
        # never a random guess that could hand out a number twice in one batch (R3)
        data = work / "data"
        data.mkdir(exist_ok=True)
        env["SKILLCERT_E2E_DATA_DIR"] = str(data)
    done = subprocess.run(["npx", "playwright", "test", "-c", str(config)], cwd=WEB, env=env,
                          capture_output=True, text=True)
    lines = (done.stdout + done.stderr).splitlines()
    found = [json.loads(line.split("BENCH ", 1)[1]) for line in lines if "BENCH {" in line]
    if done.returncode or not found:
        print("\n".join(lines[-60:]))
        sys.exit(f"bench_review_browser: the run failed (exit {done.returncode})")
    r = found[-1]
    print(f"reviewer console, keyboard only (A = 审核通过, the next opens by itself), "
          f"1366 px headless Chromium")
    print(f"  set-up over the API: {r['count']} institution candidates in "
          f"{r['setup_seconds']} s")
    print(f"  {r['count']} decisions in {r['seconds']} s: {r['per_minute']} decisions per minute")
    print(f"  key to the next application: median {r['median_ms']} ms, "
          f"95th percentile {r['p95_ms']} ms, slowest {r['max_ms']} ms")


if __name__ == "__main__":
    main()
