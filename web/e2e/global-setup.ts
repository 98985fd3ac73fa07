// Launch a whole SkillCert suite for the browser tests, or use a running one.
//
//   SKILLCERT_E2E_URL=http://127.0.0.1:8080 SKILLCERT_E2E_ADMIN_PASSWORD=… npx playwright test
// uses a suite that is already running (it must run with SKILLCERT_REHEARSAL=1).
// Otherwise: a fresh RabbitMQ vhost (rabbitmqctl), a fresh data dir under
// var/web-e2e/, a free port, `python -m deploy.launch` with the rehearsal clock
// on, and the portal from web/dist (build it first: npm run build). Stopped
// again at the end (SIGTERM to the launcher, which stops every replica).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, openSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => ok(port))
    })
    srv.on('error', fail)
  })
}

function rabbitmqctl(...args: string[]) {
  execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'ignore', timeout: 60_000 })
}

async function waitFor(url: string, log: string, child: ChildProcess, seconds = 120) {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the suite stopped (exit ${child.exitCode}); see ${log}:\n${tail(log)}`)
    try {
      const r = await fetch(url + 'api/health')
      if (r.ok && readFileSync(log, 'utf8').includes('SkillCert is running')) return
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`the suite did not come up in ${seconds} s; see ${log}:\n${tail(log)}`)
}

function tail(path: string) {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-40).join('\n')
  } catch {
    return ''
  }
}

export default async function globalSetup() {
  if (process.env.SKILLCERT_E2E_URL) {
    process.env.SKILLCERT_E2E_URL = process.env.SKILLCERT_E2E_URL.replace(/\/?$/, '/')
    return
  }
  const run = randomBytes(4).toString('hex')
  const vhost = `skillcert-web-e2e-${run}`
  const dataDir = join(ROOT, 'var', 'web-e2e', `suite-${run}`)
  mkdirSync(dataDir, { recursive: true })
  rabbitmqctl('add_vhost', vhost)
  rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*')
  const port = await freePort()
  const basePort = 20000 + Math.floor(Math.random() * 400) * 100
  const adminPassword = `e2e-admin-${run}`
  const url = `http://127.0.0.1:${port}/`
  const log = join(dataDir, 'launch.log')
  const out = openSync(log, 'a')
  const python = process.env.PYTHON ?? join(ROOT, '.venv', 'bin', 'python')
  const child = spawn(python, ['-m', 'deploy.launch', '--base-port', String(basePort)], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      AMQP_URI: `pyamqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`,
      SKILLCERT_DATA_DIR: dataDir,
      SKILLCERT_REHEARSAL: '1',
      WEB_SERVER_ADDRESS: `127.0.0.1:${port}`,
      GATEWAY_ADMIN_PASSWORD: adminPassword,
      CERTIFICATE_VERIFY_URL: `${url}certificates/verify`,
      SKILLCERT_WEB_DIR: process.env.SKILLCERT_WEB_DIR ?? join(ROOT, 'web', 'dist'),
      // every browser test comes from 127.0.0.1: a larger bucket than a
      // real client gets (10/60), small enough that a test can still meet 429
      GATEWAY_RATE_LIMIT: process.env.SKILLCERT_E2E_RATE_LIMIT ?? '60/60',
      GATEWAY_TARGET_RATE_LIMIT: '300/3600',
      PYTHONUNBUFFERED: '1',
    },
  })
  try {
    await waitFor(url, log, child)
  } catch (exc) {
    stop(child)
    throw exc
  }
  process.env.SKILLCERT_E2E_URL = url
  process.env.SKILLCERT_E2E_ADMIN_PASSWORD = adminPassword
  process.env.SKILLCERT_E2E_DATA_DIR = dataDir
  return async () => {
    await stop(child)
    try {
      rabbitmqctl('delete_vhost', vhost)
    } catch {
      /* gone already */
    }
    if (!process.env.SKILLCERT_E2E_KEEP) rmSync(join(dataDir, 'uploads'), { recursive: true, force: true })
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null) return ok()
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        /* gone */
      }
      ok()
    }, 20_000)
    child.on('exit', () => {
      clearTimeout(timer)
      ok()
    })
    try {
      process.kill(child.pid!, 'SIGTERM')
    } catch {
      ok()
    }
  })
}
