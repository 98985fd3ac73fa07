"""The candidate portal's weight and first paint, measured on the real gateway.

    .venv/bin/python benchmarks/bench_web.py [--runs 7] [--dist web/dist]

A benchmark run on demand, not a test. It builds nothing: it needs web/dist
(``cd web && npm run build``) and says so in one line when it is missing.

1. Initial JavaScript of the landing page (/), gzip: the files index.html
   loads (its module script, its modulepreload links and their static
   imports, read from index.html, .vite/manifest.json when the build wrote
   one, and the chunks themselves), plus the chunks the landing route
   imports, as headless Chromium really fetches them. Against the goal of
   <= 500 KB gzip (docs/web.md). The heaviest chunks of the build are listed.
2. Time to first contentful paint of the landing page in headless Chromium
   (Debian's /usr/bin/chromium driven by Playwright from web/node_modules, a
   fresh profile, so a cold cache, every run), the median of several runs,
   beside a baseline measured in the same runs, interleaved: a static one-line
   HTML page served by the same gateway. The figure is printed also as a
   ratio to the baseline, which takes out most of the machine's speed.

The gateway is the real one: ``python -m deploy.launch --only gateway
--no-reference-data`` on a RabbitMQ vhost, data dir, port and metrics ports of
its own (as web/e2e/global-setup.ts does), serving a copy of the build (the
same files, plus the baseline page) from the benchmark's own folder under var/.
"""
import argparse
import gzip
import html.parser
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks import harness  # noqa: E402

WEB = ROOT / "web"
GOAL_KB = 500
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
BASELINE_NAME = "bench-baseline.html"
BASELINE_HTML = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>基线</title>'
                 '</head><body><p>技能人才服务大厅 基线页面</p></body></html>\n')
IMPORT = re.compile(r"""(?:\bimport\s*|\bfrom\s*)["'](\./[^"']+\.js)["']""")


# --- 1. what the landing page loads ----------------------------------------------

class _Head(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.preloads = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("type") == "module" and a.get("src"):
            self.scripts.append(a["src"])
        if tag == "link" and a.get("rel") == "modulepreload" and a.get("href"):
            self.preloads.append(a["href"])


def gz(data):
    """gzip size as the gateway serves it (level 9)."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def static_initial(dist):
    """The JS files index.html makes the browser load before any route runs:
    its module scripts, modulepreload links, and their static imports."""
    head = _Head()
    head.feed((dist / "index.html").read_text(encoding="utf-8"))
    todo = [u.lstrip("/") for u in head.scripts + head.preloads]
    manifest = dist / ".vite" / "manifest.json"
    if manifest.is_file():
        chunks = json.loads(manifest.read_text(encoding="utf-8"))
        by_file = {c["file"]: c for c in chunks.values()}
        for c in chunks.values():
            if c.get("isEntry"):
                todo.append(c["file"])
                todo.extend(chunks[i]["file"] for i in c.get("imports", []) if i in chunks)
    seen = []
    while todo:
        rel = todo.pop()
        if rel in seen or not (dist / rel).is_file():
            continue
        seen.append(rel)
        text = (dist / rel).read_text(encoding="utf-8", errors="replace")
        base = Path(rel).parent
        todo.extend(str((base / m).as_posix()).replace("/./", "/") for m in IMPORT.findall(text))
        if manifest.is_file() and rel in by_file:
            todo.extend(chunks[i]["file"] for i in by_file[rel].get("imports", []) if i in chunks)
    return sorted(set(os.path.normpath(s) for s in seen))


# --- the gateway ---------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gateway(dist, workdir):
    """The real gateway on its own vhost, port and data dir, serving a copy of ``dist``
    with the baseline page beside it. Returns (url, process, vhost name)."""
    served = workdir / "dist"
    shutil.copytree(dist, served)
    (served / BASELINE_NAME).write_text(BASELINE_HTML, encoding="utf-8")
    amqp, vhost = harness.vhost()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = workdir / "launch.log"
    env = dict(os.environ, AMQP_URI=amqp, SKILLCERT_DATA_DIR=str(workdir / "data"),
               WEB_SERVER_ADDRESS=f"127.0.0.1:{port}", SKILLCERT_WEB_DIR=str(served),
               GATEWAY_ADMIN_PASSWORD="bench-" + secrets.token_hex(8),
               CERTIFICATE_VERIFY_URL=f"{url}certificates/verify", PYTHONUNBUFFERED="1")
    base_port = 61000 + random.randrange(40) * 100
    out = open(log, "ab")
    proc = subprocess.Popen([sys.executable, "-m", "deploy.launch", "--only", "gateway",
                             "--no-reference-data", "--base-port", str(base_port)],
                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            stop_gateway(proc, vhost)
            raise SystemExit(f"the gateway stopped (exit {proc.returncode}); see {log}")
        try:
            with urllib.request.urlopen(url + "api/health", timeout=2) as r:
                if r.status == 200 and "SkillCert is running" in log.read_text(errors="replace"):
                    return url, proc, vhost
        except OSError:
            pass
        time.sleep(0.3)
    stop_gateway(proc, vhost)
    raise SystemExit(f"the gateway did not come up in 120 s; see {log}")


def stop_gateway(proc, vhost):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)          # the launcher stops its replicas
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if vhost:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True)


# --- 2. first contentful paint in headless Chromium ----------------------------------

NODE_SCRIPT = r"""
const { createRequire } = require('node:module')
const { mkdtempSync, rmSync } = require('node:fs')
const { join } = require('node:path')
const { tmpdir } = require('node:os')
const cfg = JSON.parse(process.argv[2])
const { chromium } = createRequire(cfg.web + '/package.json')('@playwright/test')

async function once(url) {
  const dir = mkdtempSync(join(cfg.tmp, 'profile-'))
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: cfg.chromium, args: cfg.args, headless: true,
    viewport: { width: 375, height: 812 }, locale: 'zh-CN',
  })
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage())
    const scripts = []
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') scripts.push(new URL(r.url()).pathname)
    })
    await page.goto(url, { waitUntil: 'load', timeout: 60000 })
    const fcp = await page.waitForFunction(() => {
      const e = performance.getEntriesByName('first-contentful-paint')[0]
      return e ? e.startTime : null
    }, null, { timeout: 30000 }).then((h) => h.jsonValue())
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0]
      return n ? { ttfb: n.responseStart, load: n.loadEventEnd } : {}
    })
    await page.waitForLoadState('networkidle', { timeout: 30000 }).catch(() => {})
    return { fcp, ...nav, scripts: [...new Set(scripts)] }
  } finally {
    await ctx.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

;(async () => {
  const out = { landing: [], baseline: [], scripts: [] }
  await once(cfg.baseline)                  // warm-up: the first launch of Chromium is slower
  for (let i = 0; i < cfg.runs; i++) {
    const b = await once(cfg.baseline)
    const l = await once(cfg.landing)
    out.baseline.push(b)
    out.landing.push(l)
    out.scripts = [...new Set([...out.scripts, ...l.scripts])]
  }
  process.stdout.write(JSON.stringify(out))
})().catch((e) => { console.error(e); process.exit(1) })
"""


def measure(url, runs, workdir):
    script = workdir / "fcp.cjs"
    script.write_text(NODE_SCRIPT, encoding="utf-8")
    cfg = {"web": str(WEB), "chromium": CHROMIUM, "args": CHROMIUM_ARGS, "tmp": str(workdir),
           "runs": runs, "landing": url, "baseline": url + BASELINE_NAME}
    done = subprocess.run(["node", str(script), json.dumps(cfg)], cwd=WEB, capture_output=True,
                          text=True, timeout=120 + 60 * runs)
    if done.returncode:
        raise SystemExit("the Chromium measurement failed:\n" + done.stderr[-3000:])
    return json.loads(done.stdout)


# --- the report ----------------------------------------------------------------------

def kb(n):
    return f"{n / 1024:7.1f} KB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per page (median), default 7")
    parser.add_argument("--dist", default=str(WEB / "dist"), help="the build, default web/dist")
    parser.add_argument("--no-browser", action="store_true", help="sizes only, no Chromium")
    args = parser.parse_args()
    dist = Path(args.dist).resolve()
    if not (dist / "index.html").is_file():
        print(f"{dist} has no build (index.html missing): run `cd web && npm run build` first")
        return 2

    assets = {str(p.relative_to(dist)): p.read_bytes() for p in (dist / "assets").glob("*.js")}
    sizes = {rel: (len(b), gz(b)) for rel, b in assets.items()}
    initial = static_initial(dist)

    loaded, timing = set(initial), None
    if not args.no_browser:
        workdir = ROOT / "var" / "bench-web" / f"run-{secrets.token_hex(4)}"
        workdir.mkdir(parents=True)
        url, proc, vhost = start_gateway(dist, workdir)
        try:
            timing = measure(url, args.runs, workdir)
        finally:
            stop_gateway(proc, vhost)
            shutil.rmtree(workdir, ignore_errors=True)
        loaded |= {s.lstrip("/") for s in timing["scripts"] if (dist / s.lstrip("/")).is_file()}
    loaded = sorted(loaded)

    print(f"SkillCert candidate portal: {dist.relative_to(ROOT) if dist.is_relative_to(ROOT) else dist}")
    print()
    print("Initial JavaScript of the landing page / (gzip -9, as the gateway serves it)")
    total_raw = sum(sizes.get(f, (len((dist / f).read_bytes()),))[0] for f in loaded)
    total_gz = sum(sizes[f][1] if f in sizes else gz((dist / f).read_bytes()) for f in loaded)
    for f in sorted(loaded, key=lambda f: -sizes.get(f, (0, 0))[1]):
        raw, z = sizes.get(f) or (len((dist / f).read_bytes()), gz((dist / f).read_bytes()))
        how = "index.html" if f in initial else "landing route"
        print(f"  {kb(z)} gzip {kb(raw)} raw  {f}  ({how})")
    verdict = "within" if total_gz <= GOAL_KB * 1024 else "OVER"
    print(f"  total {kb(total_gz).strip()} gzip ({kb(total_raw).strip()} raw) in {len(loaded)} files: "
          f"{verdict} the goal of <= {GOAL_KB} KB gzip ({100 * total_gz / (GOAL_KB * 1024):.0f} %)")
    if args.no_browser:
        print("  (index.html only: run without --no-browser to add the chunks the landing route loads)")
    print()
    print("Heaviest chunks of the build (gzip)")
    for f, (raw, z) in sorted(sizes.items(), key=lambda kv: -kv[1][1])[:10]:
        mark = "initial" if f in loaded else "lazy"
        print(f"  {kb(z)} gzip {kb(raw)} raw  {f}  ({mark})")
    print(f"  {len(sizes)} JS chunks, {kb(sum(z for _, z in sizes.values())).strip()} gzip in all")

    if timing:
        land = [r["fcp"] for r in timing["landing"]]
        base = [r["fcp"] for r in timing["baseline"]]
        lm, bm = statistics.median(land), statistics.median(base)
        print()
        print(f"First contentful paint, headless Chromium 375x812, cold profile, median of {args.runs} runs")
        print(f"  landing page /              {lm:7.1f} ms   (min {min(land):.1f}, max {max(land):.1f})")
        print(f"  baseline one-line page      {bm:7.1f} ms   (min {min(base):.1f}, max {max(base):.1f})")
        print(f"  ratio landing / baseline    {lm / bm:7.2f}")
        lt = statistics.median(r.get("load") or 0 for r in timing["landing"])
        bt = statistics.median(r.get("load") or 0 for r in timing["baseline"])
        print(f"  load event: landing {lt:.1f} ms, baseline {bt:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
