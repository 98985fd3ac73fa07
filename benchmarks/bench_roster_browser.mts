// Bulk registration in the browser (#16, large rosters): an institution operator
// imports an N-row 考核人员花名册 (default 2000) and its zip of photos and scans on
// the 批量报名 page, against the same number of submissions over the JSON API in
// the same run. Driven by benchmarks/bench_roster_browser.py (which runs this
// file with Playwright Test; .mts: an ES module, as web/e2e is); a benchmark,
// not a test: it prints its figures on a line "BENCH {json}".
//
// The workbook, the zip and the JSON API's submissions are
// benchmarks/bench_roster_import.py's (built and timed by
// bench_roster_browser.py --make-files / --json-api, called from here): batch
// 2026-12 of this run's own suite on its registration day, inst-01, 大数据分析,
// each person's photo and five scans real JPEGs of their own. In headless
// Chromium at 1366 px the operator signs in on the login page, chooses the
// files, previews (timed: the upload and the server's check of every row and
// file, until the summary shows), then submits with the 初审 and the
// 报名质量责任承诺 (timed: until 已提交 N 名考生的报名). Meanwhile the page
// is sampled every second (the progress bar's words: it counts the
// applications as they appear) and shot when the bar shows half of them and at
// the end (var/bench/); the applications are counted over the API. Then a
// second operator of the institution submits N other people over the JSON API.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { test, expect, PASSWORD, staffAccount, type Api } from '../web/e2e/helpers.ts' // (resolves @playwright/test from web/)
import { DAYS, TEMPLATE as BATCH, connect } from '../web/e2e/flows.ts'

const ROWS = Number(process.env.BENCH_ROSTER_ROWS ?? 2000)
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..')
const SHOTS = join(ROOT, 'var', 'bench')
const INSTITUTION = 'inst-01' // bench_roster_import's institution, authorised for 大数据分析 in 2026
const PYTHON = process.env.PYTHON ?? join(ROOT, '.venv', 'bin', 'python')
const run = promisify(execFile)

/** bench_roster_browser.py with `args`: its last line, JSON. */
async function bench(args: string[], env: Record<string, string> = {}) {
  const { stdout } = await run(PYTHON, [join(ROOT, 'benchmarks', 'bench_roster_browser.py'), ...args, '--rows', String(ROWS)], {
    env: { ...process.env, ...env }, maxBuffer: 1 << 24,
  })
  return JSON.parse(stdout.trim().split('\n').pop()!)
}

const submitted = async (operator: Api) =>
  (await operator.get(`/institutions/${INSTITUTION}/candidates`, { batch_code: BATCH, size: '1' })).total as number

test('a large roster imported in the browser against the JSON API', async ({ page }) => {
  test.setTimeout(120 * 60_000)
  const s = await connect()
  await s.at(DAYS.registration)
  const operator = await staffAccount(s.admin, 'institution_operator', { institution_code: INSTITUTION })
  expect(await submitted(operator)).toBe(0) // this run's own suite: the batch is empty
  const dir = mkdtempSync(join(tmpdir(), 'sc-roster-bench-'))
  const files = await bench(['--make-files', dir])
  mkdirSync(SHOTS, { recursive: true })

  await page.goto('/login')
  await page.getByLabel('用户名', { exact: true }).fill((await operator.get('/accounts/me')).username)
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.getByRole('link', { name: '批量报名' }).first().click()
  await expect(page).toHaveURL(new RegExp(`/institution/${INSTITUTION}/import$`))
  await page.getByTestId('batch').click()
  await page.getByRole('option', { name: BATCH, exact: true }).click()
  await page.getByTestId('workbook').setInputFiles(join(dir, 'roster.xlsx'))
  await page.getByTestId('materials').setInputFiles(join(dir, 'materials.zip'))

  // the preview: the upload and the server's check, nothing written
  let t0 = Date.now()
  await page.getByTestId('preview').click()
  await expect(page.getByTestId('summary')).toContainText(`共 ${ROWS} 行：可提交 ${ROWS} 行，有问题 0 行`, { timeout: 60 * 60_000 })
  const previewSeconds = (Date.now() - t0) / 1000
  await page.screenshot({ path: join(SHOTS, 'roster-browser-preview.png'), fullPage: true })
  expect(await submitted(operator)).toBe(0)

  // the submit, watched: the progress bar's words and the applications listed so far
  await page.getByTestId('pledge').click()
  t0 = Date.now()
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('progress')).toBeVisible()
  const summary = page.getByTestId('summary').filter({ hasText: '已提交' })
  let end = 0
  const finished = expect(summary).toContainText(`已提交 ${ROWS} 名考生的报名`, { timeout: 60 * 60_000 }).then(() => (end = Date.now()))
  const samples: { s: number; bar: string | null; ms: number }[] = []
  let halfShot = false
  while (!end) {
    const probe = Date.now()
    // the page's own words (not the API: more requests would slow the import);
    // how long it takes to answer says whether it froze
    const bar = await page.evaluate(() => document.querySelector('[data-testid=progress]')?.textContent?.replace(/\s+/g, ' ').trim() ?? null)
    const ms = Date.now() - probe
    samples.push({ s: Math.round((probe - t0) / 1000), bar, ms })
    const counted = /(\d+) \/ (\d+)/.exec(bar ?? '')
    if (!halfShot && counted && Number(counted[1]) >= Number(counted[2]) / 2) {
      await page.screenshot({ path: join(SHOTS, 'roster-browser-progress.png'), fullPage: true })
      halfShot = true
    }
    await Promise.race([finished, page.waitForTimeout(1_000)])
  }
  await finished
  const submitSeconds = (end - t0) / 1000
  await page.screenshot({ path: join(SHOTS, 'roster-browser-end.png'), fullPage: true })
  expect(await submitted(operator)).toBe(ROWS)
  rmSync(dir, { recursive: true, force: true })

  // the baseline: N other people over the JSON API, another operator of the institution
  const other = await staffAccount(s.admin, 'institution_operator', { institution_code: INSTITUTION })
  const json = await bench(['--json-api'], { BENCH_ROSTER_URL: process.env.SKILLCERT_E2E_URL + 'api', BENCH_ROSTER_TOKEN: other.token! })
  expect(await submitted(operator)).toBe(2 * ROWS)

  const out = {
    rows: ROWS, bytes: files.bytes, preview_seconds: previewSeconds, submit_seconds: submitSeconds,
    json_seconds: json.seconds, half_shot: halfShot, samples,
  }
  console.log('BENCH ' + JSON.stringify(out))
  await s.ctx.dispose()
})
