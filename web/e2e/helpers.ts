// What every browser test shares: the suite's address, an API client for the
// staff steps (the center's work done over the gateway, as `make demo` does),
// the rehearsal clock, valid resident ID numbers, and checkPage(): a screenshot
// kept under var/web-e2e/screenshots/ plus an axe-core check (no serious or
// critical violation).
import { test as base, expect, request as pwRequest, type APIRequestContext, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { appendFileSync, mkdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const SCREENSHOTS = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'var', 'web-e2e', 'screenshots')

/** A JSON API client over the gateway (/api), signed in or not. */
export class Api {
  constructor(
    public ctx: APIRequestContext,
    public token: string | null = null,
  ) {}
  headers(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {}
  }
  async call(method: string, path: string, body?: unknown, params?: Record<string, string>) {
    const r = await this.ctx.fetch('/api' + path, { method, data: body, params, headers: this.headers() })
    const text = await r.text()
    let json: any = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = text
    }
    return { status: r.status(), json }
  }
  async ok(method: string, path: string, body?: unknown, params?: Record<string, string>) {
    const r = await this.call(method, path, body, params)
    if (r.status >= 300) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.json)}`)
    return r.json
  }
  get(path: string, params?: Record<string, string>) {
    return this.ok('GET', path, undefined, params)
  }
  post(path: string, body?: unknown) {
    return this.ok('POST', path, body ?? {})
  }
  put(path: string, body?: unknown) {
    return this.ok('PUT', path, body ?? {})
  }
  async login(username: string, password: string) {
    const out = await this.post('/auth/token', { username, password })
    return new Api(this.ctx, out.access_token)
  }
}

/** ISO 7064 MOD 11-2 check character of a resident ID number (R2). */
export function idCheck(first17: string) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0)
  return '10X98765432'[sum % 11]
}

// Sichuan county codes: with the three-digit sequence, 16,000 numbers per birth date
const REGIONS = ['510104', '510105', '510106', '510107', '510108', '510112', '510113', '510114',
  '510115', '510116', '510117', '510118', '510121', '510129', '510131', '510181']
/** The next number of this suite's run: a counter in a file of the run's data
 * dir, so numbers stay unique across test files and across the fresh worker
 * process Playwright starts after a failed test (a module-level counter would
 * start again and hand out a number an earlier test already registered). */
function nextSerial() {
  const dir = process.env.SKILLCERT_E2E_DATA_DIR ?? tmpdir()
  const file = join(dir, 'e2e-id-serial')
  appendFileSync(file, '.')
  return statSync(file).size - 1 + (process.env.SKILLCERT_E2E_DATA_DIR ? 0 : Math.floor(Math.random() * 8000))
}
/** A valid resident ID number born on `birth` (YYYYMMDD), never handed out before in this run. */
export function newIdNumber(birth = '19900101', region?: string) {
  const n = nextSerial()
  const first = `${region ?? REGIONS[Math.floor(n / 1000) % REGIONS.length]}${birth}${String(n % 1000).padStart(3, '0')}`
  return remember(first + idCheck(first))
}

/** The personal data this run handed to the suite (ID numbers, names), one per
 * line in the run's data dir: e2e/zz-log-audit.spec.ts then checks that no log
 * of the suite holds any of them. */
export const PERSONAL_DATA_FILE = 'e2e-personal-data'
function remember(value: string) {
  const dir = process.env.SKILLCERT_E2E_DATA_DIR
  if (dir) appendFileSync(join(dir, PERSONAL_DATA_FILE), value + '\n')
  return value
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂'
export function newName() {
  const pick = (s: string) => s[Math.floor(Math.random() * s.length)]
  return remember(pick(SURNAMES) + pick(GIVEN) + pick(GIVEN))
}

/** Screenshot (kept as an artifact) and an accessibility check of the page as it is. */
export async function checkPage(page: Page, name: string, { axe = true } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // a page still in a transition (a toast fading in, a dialog opening) is half transparent:
  // axe would measure its colours mid-way. Wait for the finite animations to end.
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
    undefined,
    { timeout: 5_000 },
  ).catch(() => undefined)
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
  if (!axe) return
  const results = await new AxeBuilder({ page }).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`),
    `axe-core on ${name}`,
  ).toEqual([])
}

export const PASSWORD = 'Sc-e2e-pass-2026'
let accountSeq = 0
function uniq(prefix: string) {
  accountSeq += 1
  return `${prefix}-${Date.now().toString(36)}-${accountSeq}-${Math.floor(Math.random() * 1e4)}`
}

/** A staff or institution account made by the provincial administrator, signed in. */
export async function staffAccount(admin: Api, role: string, extra: Record<string, unknown> = {}) {
  const username = uniq(role.slice(0, 10))
  await admin.post('/admin/accounts', { username, password: PASSWORD, name: `测试${role}`, role, ...extra })
  return admin.login(username, PASSWORD)
}

/** A candidate who signed up over the API (not in the browser), signed in. */
export async function candidateAccount(api: Api, person: { name?: string; id_number?: string } = {}) {
  const name = person.name ?? newName()
  const id_number = person.id_number ?? newIdNumber()
  const username = uniq('cand')
  const made = await api.post('/accounts', { username, password: PASSWORD, name, id_number, phone: '13800138000' })
  const client = new Api(api.ctx, made.access_token)       // sign-up signs in
  return Object.assign(client, { username, name, id_number })
}

type Fixtures = { api: Api; admin: Api; setClock: (day: string) => Promise<void> }

export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => {
    await use(process.env.SKILLCERT_E2E_URL)
  },
  api: async ({ baseURL }, use) => {
    const ctx = await pwRequest.newContext({ baseURL, extraHTTPHeaders: { Accept: 'application/json' } })
    await use(new Api(ctx))
    await ctx.dispose()
  },
  admin: async ({ api }, use) => {
    const password = process.env.SKILLCERT_E2E_ADMIN_PASSWORD
    if (!password) throw new Error('SKILLCERT_E2E_ADMIN_PASSWORD is not set (the admin password of the suite)')
    await use(await api.login('admin', password))
  },
  setClock: async ({ admin }, use) => {
    await use(async (day: string) => {
      await admin.put('/admin/clock', { today: day })
    })
  },
})

export { expect }
