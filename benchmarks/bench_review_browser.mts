// The reviewer console in the browser (#17): a reviewer decides N applications
// (default 200) without touching the mouse for the next one. Driven by
// benchmarks/bench_review_browser.py (which runs this file with Playwright Test; .mts: an ES module, as web/e2e is);
// a benchmark, not a test: it prints its figures on a line "BENCH {json}".
//
// Set up over the API: a batch of this run, N first-reviewed candidates of one
// institution registered in bulk (institution channel), all in review's queue.
// Then, in headless Chromium at 1366 px, signed in as a reviewer: the console
// opens the first application of the institution's queue; for each one the
// reviewer presses A (审核通过) and the console records the decision and opens
// the next application by itself; the clock runs from the first key press to
// the last decision shown, and every decision is checked over the API after.
import { test, expect } from '../web/e2e/helpers.ts' // (resolves @playwright/test from web/)
import { connect, newBatch } from '../web/e2e/flows.ts'
import { signIn, browserDay } from '../web/e2e/flows-apply.ts'
import { INSTITUTION, inQueue, operatorOf, registerByInstitution } from '../web/e2e/flows-review.ts'

const COUNT = Number(process.env.BENCH_REVIEW_COUNT ?? 200)
const DAY = '2026-11-10'

test('reviewer decisions per minute, keyboard only', async ({ page }) => {
  test.setTimeout(30 * 60_000)
  const s = await connect()
  const code = await newBatch(s)
  const operator = await operatorOf(s)
  const setupStart = Date.now()
  const people = await registerByInstitution(s, operator, code, COUNT, '2026-11-02')
  await s.at(DAY)
  await inQueue(s.staff.reviewer, code, people.map((p) => p.application_id), 600)
  const setupSeconds = (Date.now() - setupStart) / 1000

  await browserDay(page, DAY)
  await signIn(page, s.staff.reviewer)
  const query = `batch_code=${code}&institution_code=${INSTITUTION}&stage=re_review`
  const first = (await s.staff.reviewer.get('/review/console/queue', { batch_code: code, institution_code: INSTITUTION, stage: 're_review', limit: '1' })).items[0]
  await page.goto(`/review/applications/${first.application_id}?${query}`)
  await expect(page.getByTestId('approve')).toBeVisible()

  const times: number[] = []
  const decided: string[] = []
  const start = Date.now()
  for (let n = 0; n < COUNT; n++) {
    const id = new URL(page.url()).pathname.split('/').pop()!
    await expect(page.getByTestId('approve')).toBeVisible()
    const t0 = Date.now()
    await page.keyboard.press('a')
    if (n < COUNT - 1) await page.waitForURL((u) => !u.pathname.endsWith(id), { timeout: 30_000 })
    else await expect(page.getByTestId('last')).toBeVisible({ timeout: 30_000 })
    times.push(Date.now() - t0)
    decided.push(id)
  }
  const seconds = (Date.now() - start) / 1000

  // every one decided, each once (over the API)
  const left = await s.staff.reviewer.get('/review/console/queue', { batch_code: code, institution_code: INSTITUTION, limit: '1' })
  expect(left.total).toBe(0)
  expect(new Set(decided).size).toBe(COUNT)
  const sample = await s.staff.reviewer.get(`/review/applications/${decided[COUNT - 1]}`)
  expect(sample.status).toBe('approved')

  const sorted = [...times].sort((a, b) => a - b)
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
  const out = {
    count: COUNT, seconds: Math.round(seconds * 10) / 10, per_minute: Math.round((COUNT / seconds) * 60 * 10) / 10,
    median_ms: pct(50), p95_ms: pct(95), max_ms: sorted[sorted.length - 1], setup_seconds: Math.round(setupSeconds),
  }
  console.log('BENCH ' + JSON.stringify(out))
  await s.ctx.dispose()
})
