"""What the browser benchmarks share (bench_review_browser, bench_roster_browser):
running one benchmarks/<name>.mts with Playwright Test (web/node_modules) and
Debian's /usr/bin/chromium with the flags of web/playwright.config.ts, 1366 px.
Without a URL it launches a whole suite on its own RabbitMQ vhost, data dir and
port on the rehearsal clock, as the browser tests do (web/e2e/global-setup.ts),
serving the portal from ``dist``; with one it uses a suite already running with
SKILLCERT_REHEARSAL=1. The .mts prints its figures on a line "BENCH {json}"."""
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
  testMatch: /{name}\\.mts$/,
  outputDir: {out!r},
  globalSetup: {setup!r},
  workers: 1,
  retries: 0,
  reporter: 'line',
  timeout: {minutes} * 60_000,
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


def check(name, dist, url=None):
    """Exit with what to do when web/node_modules or the built portal is missing."""
    if not (WEB / "node_modules" / "@playwright" / "test").is_dir():
        sys.exit(f"{name}: web/node_modules is missing: cd web && npm ci")
    if not url and not (Path(dist) / "index.html").is_file():
        sys.exit(f"{name}: {dist} has no built portal: cd web && npx vite build")


def run(name, env, dist, url=None, admin_password=None, minutes=30):
    """Run benchmarks/<name>.mts; its last "BENCH {json}" line as a dict.
    ``env``: what the .mts reads besides the suite's address. The rate limits
    are the browser tests' (SKILLCERT_E2E_RATE_LIMIT, 600/60 unless ``env``
    or the environment says otherwise). On a failure the run's last lines
    are printed and the process exits."""
    work = ROOT / "var" / name.replace("_", "-")
    work.mkdir(parents=True, exist_ok=True)
    config = work / "playwright.config.ts"
    config.write_text(CONFIG.format(bench=str(ROOT / "benchmarks"), name=name,
                                    out=str(work / "results"),
                                    setup=str(WEB / "e2e" / "global-setup.ts"),
                                    minutes=minutes, chromium=CHROMIUM), encoding="utf-8")
    env = {**os.environ, "NODE_PATH": str(WEB / "node_modules"),
           "SKILLCERT_WEB_DIR": str(Path(dist).resolve()),
           "SKILLCERT_E2E_RATE_LIMIT": os.environ.get("SKILLCERT_E2E_RATE_LIMIT", "600/60"),
           **env}
    if url:
        env["SKILLCERT_E2E_URL"] = url.rstrip("/") + "/"
        env["SKILLCERT_E2E_ADMIN_PASSWORD"] = admin_password or ""
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
        sys.exit(f"{name}: the run failed (exit {done.returncode})")
    return found[-1]
