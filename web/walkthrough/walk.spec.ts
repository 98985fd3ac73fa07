// One batch registered by `deploy.demo --until registered`, carried by the staff
// in the browser from review to certificates (#17); run by
// benchmarks/walk_batch_browser.py (its docstring says what each stage does).
// Every decision is a click or a key in a console; the API only reads counts for
// the checks, and the seat list (the candidates' ID cards at the door and the
// exam system's score file stand outside the portal). Each stage's seconds go
// to <WALK_OUT>/stages.json; each role's main page and the dashboard to
// <WALK_OUT>/walk-*.png.
import { test, expect, request, type Browser, type Page, type APIRequestContext } from '@playwright/test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { receiptImage, PROJECT_NAME } from '../e2e/flows'
import { idCheck } from '../e2e/helpers'

const OUT = process.env.WALK_OUT ?? '../var/walk'
const URL = process.env.SKILLCERT_E2E_URL!
const ADMIN_PASSWORD = process.env.SKILLCERT_E2E_ADMIN_PASSWORD!
type Accounts = {
  batch_code: string; password: string; admin: string; run: string
  staff: Record<'reviewer' | 'finance' | 'exam_admin' | 'certificate_officer', string>
  institutions: Record<string, string>
  candidates: { username: string; application_id: string }[]
  institution_candidates: number
}
const A: Accounts = JSON.parse(readFileSync(process.env.WALK_ACCOUNTS!, 'utf8'))
const CODE = A.batch_code
const DAYS = { review: '2026-11-04', payment: '2026-11-16', rosters: '2026-11-19', tickets: '2026-11-30',
  exam: '2026-12-05', afterExam: '2026-12-07', publication: '2026-12-11', final: '2026-12-18', certificates: '2026-12-21' }
const SCAN = receiptImage()

// WALK_FROM=<n>: skip the first n stages (a batch an earlier walk carried that far)
const FROM = Number(process.env.WALK_FROM ?? 0)
const stages: { stage: string; seconds: number; note?: string }[] = []
function record() {
  mkdirSync(OUT, { recursive: true })
  writeFileSync(join(OUT, 'stages.json'), JSON.stringify(stages, null, 1))
}
async function stage(name: string, fn: () => Promise<string | void>) {
  if (stages.length < FROM) {
    stages.push({ stage: name, seconds: 0, note: 'skipped (WALK_FROM)' })
    return
  }
  const t0 = Date.now()
  try {
    const note = await test.step(name, fn)
    stages.push({ stage: name, seconds: (Date.now() - t0) / 1000, note: note ?? '' })
  } catch (exc) {
    stages.push({ stage: name, seconds: (Date.now() - t0) / 1000, note: `STOPPED: ${String(exc).split('\n')[0].slice(0, 300)}` })
    throw exc
  } finally {
    record()
  }
}
async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle').catch(() => {})
  await page.screenshot({ path: join(OUT, `walk-${name}.png`), fullPage: true })
}

/** Reading over the API (counts for the checks), never deciding. */
class Reader {
  constructor(public ctx: APIRequestContext, public token = '') {}
  async get(path: string, params?: Record<string, string>) {
    const r = await this.ctx.get('/api' + path, { params, headers: this.token ? { Authorization: `Bearer ${this.token}` } : {} })
    if (!r.ok()) throw new Error(`GET ${path}: ${r.status()} ${(await r.text()).slice(0, 200)}`)
    return r.json()
  }
  async as(username: string, password: string) {
    const r = await this.ctx.post('/api/auth/token', { data: { username, password } })
    if (!r.ok()) throw new Error(`sign-in of ${username.slice(0, 12)}…: ${r.status()}`)
    return new Reader(this.ctx, (await r.json()).access_token)
  }
}
async function until<T>(what: string, fn: () => Promise<T | false | null | undefined>, seconds = 180): Promise<T> {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    const v = await fn().catch(() => null)
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/** A browser context of its own, signed in on 登录 like a person. */
async function signIn(browser: Browser, username: string, password = A.password) {
  const ctx = await browser.newContext({ baseURL: URL, viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true })
  const page = await ctx.newPage()
  await page.goto('/login')
  await page.getByLabel('用户名', { exact: true }).fill(username)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page).not.toHaveURL(/\/login/)
  return page
}
async function choose(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click()
  await page.getByRole('option', { name: option, exact: true }).click()
}
function idNumber(n: number) {
  const first = `510104197${n % 10}0101${String(700 + n).padStart(3, '0')}`
  return first + idCheck(first)
}

test('a batch from review to certificates, in the staff consoles', async ({ browser }) => {
  const api = new Reader(await request.newContext({ baseURL: URL }))
  const reviewerApi = await api.as(A.staff.reviewer, A.password)
  const examApi = await api.as(A.staff.exam_admin, A.password)
  const officerApi = await api.as(A.staff.certificate_officer, A.password)
  const individuals = A.candidates.length
  const total = individuals + A.institution_candidates
  const institutions = Object.keys(A.institutions)
  const perInstitution: Record<string, number> = {}
  for (const inst of institutions)
    perInstitution[inst] = (await reviewerApi.get(`/institutions/${inst}/applications`, { batch_code: CODE })).length

  const admin = await signIn(browser, A.admin, ADMIN_PASSWORD)
  async function clock(day: string) {
    await admin.goto('/admin/calendar')
    const input = admin.getByTestId('clock').locator('.el-date-editor input')
    await input.fill(day)
    await input.press('Enter')
    await admin.getByTestId('clock-set').click()
    await expect(admin.getByTestId('clock-today')).toHaveText(day)
  }
  const reviewer = await signIn(browser, A.staff.reviewer)
  const finance = await signIn(browser, A.staff.finance)
  const exam = await signIn(browser, A.staff.exam_admin)
  const officer = await signIn(browser, A.staff.certificate_officer)
  const operators: Record<string, Page> = {}
  for (const code of institutions) operators[code] = await signIn(browser, A.institutions[code])

  // --- 复审 -----------------------------------------------------------------------
  await stage('复审 (批量复审 + one by one)', async () => {
    await clock(DAYS.review)
    await until('the review queue', async () => (await reviewerApi.get('/review/console/queue', { batch_code: CODE, limit: '1000' })).total === total)
    await reviewer.goto(`/review?batch_code=${CODE}`)
    await expect(reviewer.getByTestId('queue-total')).toHaveText(`共 ${total} 条待审`)
    await shot(reviewer, 'reviewer-queue')
    // the individuals one by one: 开始审核, then A (审核通过) and the next opens by itself
    await reviewer.goto(`/review?batch_code=${CODE}&channel=individual&sort=name`)
    await expect(reviewer.getByTestId('queue-total')).toHaveText(`共 ${individuals} 条待审`)
    await reviewer.getByTestId('start').click()
    for (let n = 0; n < individuals; n++) {
      await expect(reviewer.getByTestId('app-name')).toBeVisible()
      const at = reviewer.url()
      const name = (await reviewer.getByTestId('app-name').textContent())!.trim()
      await reviewer.keyboard.press('a')
      await expect(reviewer.getByTestId('done')).toHaveText(`已审核通过：${name}`)
      if (n < individuals - 1) await expect(reviewer).not.toHaveURL(at)
    }
    // each institution's first-reviewed candidates together
    for (const inst of institutions) {
      await reviewer.goto(`/review/bulk?batch_code=${CODE}&institution_code=${inst}`)
      const found = reviewer.getByTestId('bulk-found')
      await expect(found).toContainText('名初审合格、待复审的考生')
      await expect(found).toContainText(`有 ${perInstitution[inst]} 名`)
      await reviewer.getByTestId('bulk-approve').click()
      await reviewer.getByRole('dialog').getByRole('button', { name: /确定|OK/ }).click()
      await expect(reviewer.getByTestId('bulk-status')).toHaveText(`完成：${perInstitution[inst]} 条通过，0 条未成功。`, { timeout: 120_000 })
    }
    await shot(reviewer, 'reviewer-bulk')
    expect(Object.values(perInstitution).reduce((a, b) => a + b, 0)).toBe(A.institution_candidates)
    await reviewer.goto(`/review?batch_code=${CODE}`)
    await expect(reviewer.getByTestId('queue-total')).toHaveText('共 0 条待审')
    return `${individuals} one by one (key A), ${A.institution_candidates} in ${institutions.length} bulk approvals`
  })

  // --- 缴费 ------------------------------------------------------------------------
  await stage('缴费 (institutions in 缴费, individuals as candidates)', async () => {
    await clock(DAYS.payment)
    for (const inst of institutions) {
      const op = operators[inst]
      const opApi = await api.as(A.institutions[inst], A.password)
      await until('the payment order', async () => (await opApi.get(`/institutions/${inst}/payment-order`, { batch_code: CODE })).headcount === perInstitution[inst])
      await op.goto(`/institution/payment?batch=${CODE}`)
      await expect(op.getByTestId('headcount')).toHaveText(String(perInstitution[inst]))
      await op.getByTestId('receipt').setInputFiles({ name: '银行回单.jpg', mimeType: 'image/jpeg', buffer: SCAN })
      await expect(op.getByText('✓ 银行回单.jpg')).toBeVisible()
      await op.getByTestId('payer').fill(`${inst}培训部`)
      await op.getByTestId('marked').click()
      await op.getByRole('button', { name: '标记已缴费并提交' }).click()
      await expect(op.getByText(`已提交 ${perInstitution[inst]} 名考生的缴费`)).toBeVisible()
    }
    await shot(operators[institutions[0]], 'institution-payment')
    for (const [n, c] of A.candidates.entries()) {
      const page = await signIn(browser, c.username)
      await page.goto(`/me/applications/${c.application_id}/payment`)
      await until('the payable item', async () => {
        if ((await page.getByTestId('payment-status').textContent())?.includes('待缴费')) return true
        await page.reload()
        return false
      }, 60)
      await page.locator('#after-receipt').setInputFiles({ name: '回单.jpg', mimeType: 'image/jpeg', buffer: SCAN })
      await expect(page.getByText(/回单已上传/)).toBeVisible()
      await page.getByRole('button', { name: '提交缴费' }).click()
      await expect(page.getByTestId('payment-status')).toHaveText('已提交，待确认收费')
      if (n === 0) await shot(page, 'candidate-payment')
      await page.context().close()
    }
    return `${institutions.length} institution transfers, ${individuals} candidates' receipts`
  })

  // --- 收费确认 ---------------------------------------------------------------------
  await stage('财务 收费确认', async () => {
    const submissions = institutions.length + individuals
    await finance.goto(`/finance?batch_code=${CODE}`)
    await expect(finance.getByTestId('total')).toHaveText(`共 ${submissions} 条`)
    await shot(finance, 'finance')
    const panel = finance.getByTestId('submission-panel')
    for (let left = submissions; left > 0; left--) {
      await expect(finance.getByTestId('total')).toHaveText(`共 ${left} 条`)
      await finance.locator('.el-table__row').first().getByRole('button', { name: '审核' }).click()
      await expect(panel.getByTestId('check-amount')).toContainText('一致')
      await panel.getByTestId('confirm').click()
      await finance.locator('.el-message-box').getByRole('button', { name: '确认收费' }).click()
      await expect(panel.getByTestId('detail-status')).toHaveText('已确认收费')
      await finance.keyboard.press('Escape')
    }
    await expect(finance.getByTestId('total')).toHaveText('共 0 条')
    // payment tells registration: every application paid
    await until('every application paid', async () => {
      let paid = 0
      for (const inst of institutions)
        paid += (await reviewerApi.get(`/institutions/${inst}/applications`, { batch_code: CODE, status: 'paid' })).length
      return paid === A.institution_candidates
    })
    return `${submissions} submissions confirmed one by one beside their receipts`
  })

  // --- 考务 ------------------------------------------------------------------------
  let seats: { ticket_number: string; id_number: string; name: string; session: string; room: string }[] = []
  let room = ''
  await stage('考务 确定考核名单 (B1)', async () => {
    await clock(DAYS.rosters)
    await exam.goto('/exam')
    const radio = exam.getByRole('radio', { name: CODE, exact: true })
    await exam.locator('label').filter({ has: radio }).click()
    const rosters = exam.getByTestId('rosters')
    const row = rosters.locator('tr', { hasText: PROJECT_NAME })
    await expect(row).toContainText(String(total))
    await rosters.getByRole('button', { name: '确定考核名单' }).click()
    await expect(row.locator('[data-status]')).toHaveText('组织考核')
    await shot(exam, 'exam-home')
    return `${total} registrants of ${PROJECT_NAME}: 组织考核`
  })
  await stage('考务 考场 + 考场编排', async () => {
    room = `W${A.run}`.slice(0, 20)
    await exam.goto('/exam/rooms')
    await exam.getByRole('button', { name: '新增考场' }).click()
    const form = exam.getByRole('dialog')
    await form.getByRole('textbox', { name: '考场编号' }).fill(room)
    await form.getByRole('textbox', { name: '考场名称' }).fill('演示机考考场')
    await form.getByRole('textbox', { name: '考点地址' }).fill('成都市青羊区鉴定考点2楼')
    const size = Math.max(total, 30)
    await form.getByRole('spinbutton', { name: '工位数' }).fill(String(size))
    await form.getByRole('button', { name: '生成工位' }).click()
    await expect(form).toContainText(`可用 ${size} / ${size} 个工位`)
    await form.getByRole('button', { name: '保存考场' }).click()
    await expect(exam.getByTestId('room-detail')).toContainText(room)
    await exam.goto(`/exam/batches/${CODE}?tab=arrangement`)
    await expect(exam.locator(`.rooms .el-checkbox[data-room="${room}"] input`)).toBeChecked()
    for (const box of await exam.locator('.rooms .el-checkbox[data-room]').all())
      if ((await box.getAttribute('data-room')) !== room && (await box.locator('input').isChecked())) {
        await box.click()
        await expect(box.locator('input')).not.toBeChecked()
      }
    await exam.getByTestId('arrange').click()
    await expect(exam.getByTestId('session-rooms')).toContainText(room)
    await expect(exam.getByTestId('seat-total')).toHaveText(`共 ${total} 人`)
    seats = (await examApi.get(`/exam/batches/${CODE}/arrangement`)).seats
    expect(seats.length).toBe(total)
    return `one room of ${size} workstations, ${total} seated`
  })
  await stage('考务 考评员派遣', async () => {
    await exam.getByRole('tab', { name: '考评员派遣' }).click()
    await exam.getByTestId('dispatch').click()
    const table = exam.getByTestId('dispatch-table')
    await expect(table).toContainText(room)
    const slots = await table.locator('tbody tr').count()
    await expect(table.getByText('证卡有效')).toHaveCount(3 * slots)
    return `${slots} session-room(s), 3 assessors each, cards valid`
  })
  await stage('准考证 (institutions print theirs)', async () => {
    await clock(DAYS.tickets)
    for (const inst of institutions) {
      const op = operators[inst]
      await op.goto(`/institution/tickets?batch=${CODE}`)
      await expect(op.getByTestId('ticket-count')).toHaveText(String(perInstitution[inst]))
      const [download] = await Promise.all([op.waitForEvent('download'), op.getByTestId('print').click()])
      expect(readFileSync((await download.path())!).subarray(0, 4).toString()).toBe('%PDF')
    }
    return `${institutions.length} PDFs`
  })
  async function seated() {
    if (!seats.length) seats = (await examApi.get(`/exam/batches/${CODE}/arrangement`)).seats
    room = seats[0].room
  }
  await stage('考生签到 (exam day)', async () => {
    await seated()
    await clock(DAYS.exam)
    await exam.goto('/exam/check-in')
    await choose(exam, '考核批次', `${CODE}（${DAYS.exam}）`)
    for (const s of seats) {
      await exam.getByRole('textbox', { name: '准考证号', exact: true }).fill(s.ticket_number)
      await exam.getByRole('textbox', { name: '证件号码' }).fill(s.id_number)
      await exam.getByTestId('check-in').click()
      await expect(exam.getByTestId('checked-in')).toContainText(`${s.name} 签到成功`)
    }
    await shot(exam, 'exam-check-in')
    return `${seats.length} checked in by the typed ticket number`
  })
  await stage('机考成绩, 成绩汇总, 核分, 督导', async () => {
    await seated()
    const sessions: { code: string; label: string }[] = await examApi.get(`/exam/batches/${CODE}/sessions`)
    const used = sessions.filter((x) => seats.some((s) => s.session === x.code))
    await exam.goto(`/exam/batches/${CODE}?tab=scores`)
    for (const ses of used) {
      const lines = ['ticket_number,id_number,name,score',
        ...seats.filter((s) => s.session === ses.code).map((s, i) => `${s.ticket_number},${s.id_number},${s.name},${60 + (i * 7) % 39}`)]
      const form = exam.locator('form.import')
      await form.locator('.el-select__wrapper').click()
      await exam.getByRole('option', { name: ses.label, exact: true }).click()
      await exam.getByTestId('score-csv').setInputFiles({ name: `${CODE}-${ses.code}.csv`, mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') })
      await exam.getByRole('button', { name: '导入机考成绩' }).click()
      await expect(exam.locator('.el-message--success').last()).toContainText('已导入')
    }
    await exam.locator('#overseer').fill('监督人员王某')
    const rows = exam.getByTestId('summaries').locator('tbody tr')
    const count = await rows.count()
    for (let i = 0; i < count; i++) {
      const row = rows.nth(i)
      await row.getByRole('button', { name: /^成绩汇总\s/ }).click()
      await expect(row.getByRole('button', { name: /^核分/ })).toBeEnabled()
      await row.getByRole('button', { name: /^核分/ }).click()
      const dialog = exam.getByRole('dialog')
      await dialog.getByRole('textbox', { name: '核分员身份证号' }).fill(idNumber(i))
      await dialog.locator('input[type=file]').setInputFiles({ name: '成绩汇总表.jpg', mimeType: 'image/jpeg', buffer: SCAN })
      await dialog.getByRole('button', { name: '提交' }).click()
      await expect(dialog).toBeHidden()
    }
    await shot(exam, 'exam-scores')
    // the center's quality supervisor of each session and the signed record
    await exam.getByRole('tab', { name: '考评员派遣' }).click()
    for (const [i, ses] of used.entries()) {
      const form = exam.locator('form.supervisor', { hasText: ses.label })
      await form.getByRole('textbox', { name: '督导员姓名' }).fill('质量督导员')
      await form.getByRole('textbox', { name: '督导员身份证号' }).fill(idNumber(50 + i))
      await form.getByRole('textbox', { name: '工作单位' }).fill('四川省职业技能鉴定指导中心')
      await form.getByRole('textbox', { name: /督导记录/ }).fill('考核全过程现场督导，未见违规')
      await form.getByRole('button', { name: /派遣督导员/ }).click()
      await expect(form).toContainText('质量督导员')
    }
    return `${used.length} session score file(s), ${count} room sheet(s) totalled and checked, ${used.length} supervisor(s)`
  })
  await stage('公示 and 终审', async () => {
    await clock(DAYS.afterExam)
    await clock(DAYS.publication)
    await exam.goto(`/exam/batches/${CODE}?tab=publication`)
    await exam.getByRole('button', { name: '发布成绩公示' }).click()
    await expect(exam.locator('.el-message--success').last()).toBeVisible()
    const published = await until('the published results', async () => {
      const r = await api.get(`/public/results/${CODE}`)
      const rows = r.results ?? r.rows ?? []
      return rows.length === total && rows
    }, 120)
    await clock(DAYS.final)
    await exam.goto(`/exam/batches/${CODE}?tab=publication`)
    await exam.getByRole('button', { name: '发布成绩公示' }).click()
    await expect(exam.locator('.el-message--success').last()).toBeVisible()
    return `${published.length} published, ${published.filter((r: any) => r.result === '合格').length} 合格`
  })

  // --- 证书管理 --------------------------------------------------------------------
  await stage('证书管理 (issued, print batch)', async () => {
    await clock(DAYS.certificates)
    await until('the certificates', async () => {
      const got = await officerApi.get('/admin/certificates', { batch_code: CODE })
      return Array.isArray(got) && got.length === total
    }, 300)
    await officer.goto('/certoffice')
    await officer.getByTestId('f-batch').click()
    await officer.getByRole('option', { name: CODE, exact: true }).click()
    await expect(officer.getByTestId('cert-total')).toHaveText(`共 ${total} 本证书`)
    await shot(officer, 'certoffice')
    await officer.getByRole('tab', { name: '打印批次' }).click()
    await officer.getByTestId('print-batch').click()
    await officer.getByRole('option', { name: CODE, exact: true }).click()
    await officer.getByTestId('print-create').click()
    await expect(officer.getByTestId('print-batches').locator('tbody tr')).toHaveCount(1)
    await expect(officer.getByTestId('print-batches').locator('tbody tr')).toContainText(String(total))
    await shot(officer, 'certoffice-print')
    return `${total} certificates, one print batch of ${total}`
  })

  // --- the main pages at the end ----------------------------------------------------
  await stage('main pages and the dashboard', async () => {
    await admin.goto('/dashboard')
    await expect(admin.getByRole('heading', { level: 1 })).toBeVisible()
    await shot(admin, 'dashboard')
    await admin.goto('/admin/calendar')
    await shot(admin, 'admin-calendar')
    await admin.goto('/admin/accounts')
    await shot(admin, 'admin-accounts')
    await finance.goto(`/finance/report?batch_code=${CODE}`)
    await shot(finance, 'finance-report')
    await exam.goto(`/exam/batches/${CODE}?tab=arrangement`)
    await seated()
    // the arranged batch shows its own room chosen, not every room of the center
    await expect(exam.locator(`.rooms .el-checkbox[data-room="${room}"] input`)).toBeChecked()
    await expect(exam.locator('.rooms .el-checkbox.is-checked')).toHaveCount(1)
    await shot(exam, 'exam-batch')
    await operators[institutions[0]].goto(`/institution/certificates?batch=${CODE}`)
    await shot(operators[institutions[0]], 'institution-certificates')
    const c = await signIn(browser, A.candidates[0].username)
    await c.goto('/me/certificates')
    await shot(c, 'candidate-certificates')
  })
  const issued = await officerApi.get('/admin/certificates', { batch_code: CODE })
  expect(issued.length, 'every candidate holds a certificate').toBe(total)
})
