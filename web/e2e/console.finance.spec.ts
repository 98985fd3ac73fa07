// 财务, the center's finance console, at 1366 px (#17). Payments are set up over
// the API (three candidates of a batch of this run approved; two pay what is
// due, one 1 yuan less), then finance works in the browser: the menus of the
// role; 收费确认 paged, sorted and filtered on the server with the difference
// marked; one receipt beside its P3 fields and the amount due, the differing
// amount marked; 退回 with the missing reason told beside its field in
// Chinese, then with a reason; 确认收费; a 2,500-line CSV bank statement
// imported in parts with its progress and a broken line reported by the
// file's line number; an .xlsx statement; 手工匹配 of the credit nobody could
// match; the batch cancelled (B1: fewer than 10) and 登记退费 on its refund
// list; the payment report of the batch.
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, expect, checkPage, candidateAccount } from './helpers'
import { DAYS, approve, connect, newBatch, payOverApi, receiptImage, register, until, type Person, type Suite } from './flows'
import { signIn } from './flows-apply'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')
let s: Suite
let code: string
let people: Person[]
let subs: Record<string, any>

async function payLess(p: Person, lessFen: number) {
  await s.at(DAYS.payment)
  const due = await until(async () => {
    const r = await p.call('GET', `/applications/${p.application_id}/payment`)
    return r.status === 200 && r.json
  }, 'the payable item')
  const payee = await p.get('/payments/payee')
  const file = (await p.post('/receipts', { content_base64: receiptImage().toString('base64'), filename: '回单.jpg' })).hash
  return p.post(`/applications/${p.application_id}/payment`, {
    receipt: { file, payee_name: payee.payee_name, payee_account: payee.payee_accounts[0], payer_name: p.name, amount_fen: due.amount_due_fen - lessFen, transfer_date: DAYS.payment },
    note: '考试费',
  })
}

/** An .xlsx statement written by openpyxl (the bank's online service exports these). */
function workbook(rows: (string | number)[][]): Buffer {
  const script = [
    'import io, json, sys', 'from openpyxl import Workbook', 'book = Workbook(); sheet = book.active',
    'sheet.append(["交易流水号", "交易日期", "贷方金额", "借贷标志", "对方户名", "对方账号", "附言"])',
    'for row in json.loads(sys.argv[1]): sheet.append(row)', 'out = io.BytesIO(); book.save(out)', 'sys.stdout.buffer.write(out.getvalue())',
  ].join('\n')
  return execFileSync(process.env.PYTHON ?? resolve(ROOT, '.venv', 'bin', 'python'), ['-c', script, JSON.stringify(rows)])
}

test.beforeAll(async () => {
  test.setTimeout(300_000)
  s = await connect()
  code = await newBatch(s)
  people = [await register(s, code), await register(s, code), await register(s, code)]
  await approve(s, code, people)
  subs = {
    ok: await payOverApi(s, people[0]),
    less: await payLess(people[1], 100),
    ref: await payOverApi(s, people[2]),
  }
})
test.afterAll(async () => {
  await s?.ctx.dispose()
})

test('a candidate has no 财务 menu and cannot open the console', async ({ page, api }) => {
  const candidate = await candidateAccount(api)
  await signIn(page, candidate)
  await page.goto('/')
  await expect(page.getByRole('link', { name: '报名历史' }).first()).toBeVisible()
  await expect(page.getByRole('link', { name: '收费确认' })).toHaveCount(0)
  await page.goto('/finance')
  await expect(page).toHaveURL(/\/$/)
})

test('财务: 收费确认 beside the receipt, 退回, bank statements, 手工匹配, 退费, the report', async ({ page }) => {
  test.setTimeout(300_000)
  await s.at(DAYS.payment)
  await signIn(page, s.staff.finance)
  await page.goto('/')
  // finance's menus, from the account's role
  const nav = page.locator('header nav.wide')
  for (const name of ['收费确认', '银行对账', '退费名单', '缴费报表']) await expect(nav.getByRole('link', { name })).toBeVisible()
  await expect(nav.getByRole('link', { name: '复审工作台' })).toHaveCount(0)
  await expect(nav.getByRole('link', { name: '报名历史' })).toHaveCount(0)
  await nav.getByRole('link', { name: '收费确认' }).click()
  await expect(page.getByRole('heading', { level: 1, name: '收费确认' })).toBeVisible()

  // the batch's three payments waiting; the one 1 yuan short is marked
  await page.goto(`/finance?batch_code=${code}`)
  await expect(page.getByTestId('total')).toHaveText('共 3 条')
  const rowOf = (id: string) => page.locator('.el-table__row', { has: page.locator(`[data-submission="${id}"]`) })
  await expect(rowOf(subs.less.id)).toHaveClass(/is-mismatch/)
  await expect(rowOf(subs.less.id)).toContainText('-1.00')
  await expect(rowOf(subs.ok.id)).not.toHaveClass(/is-mismatch/)
  // sorted on the server: by amount, descending, as the API orders them
  const head = page.locator('th', { hasText: '转账金额' }).locator('.cell')
  await head.click({ position: { x: 8, y: 8 } })
  await expect(page).toHaveURL(/sort=amount_fen/)
  await head.click({ position: { x: 8, y: 8 } })
  await expect(page).toHaveURL(/sort=-amount_fen/)
  const byApi = await s.staff.finance.get('/finance/submissions', { batch_code: code, status: 'submitted', sort: '-amount_fen' })
  await expect(page.locator('.el-table__row a.open')).toHaveText(byApi.items.map((x: any) => x.payer_name))
  expect(byApi.items[byApi.items.length - 1].id).toBe(subs.less.id)
  // filtered on the server
  await page.getByTestId('mismatch-only').click()
  await expect(page.getByTestId('total')).toHaveText('共 1 条')
  await page.getByTestId('mismatch-only').click()
  await expect(page.getByTestId('total')).toHaveText('共 3 条')

  // the short one: the receipt beside its fields, the amount marked
  await rowOf(subs.less.id).getByRole('button', { name: '审核' }).click()
  const panel = page.getByTestId('submission-panel')
  await expect(panel.getByTestId('receipt-image')).toBeVisible()
  expect(await panel.getByTestId('receipt-image').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
  await expect(panel.getByTestId('check-amount')).toHaveClass(/bad/)
  await expect(panel.getByTestId('check-amount')).toContainText('不一致')
  await expect(panel.getByTestId('check-payee-name')).toContainText('一致')
  await expect(panel.getByTestId('check-payer-name')).toContainText(people[1].name)
  await expect(panel.getByTestId('amount-warning')).toContainText('相差 -1.00 元')
  await expect(panel.getByTestId('detail-applications')).toContainText(people[1].name)
  // 退回 without a reason: told beside the field, in Chinese; then with one
  await panel.getByTestId('reject').click()
  const dialog = page.getByRole('dialog', { name: '退回缴费' })
  await dialog.getByTestId('reject-submit').click()
  await expect(dialog.locator('.field-error')).toBeVisible()
  await expect(dialog.locator('.field-error')).toHaveText(/[\u4e00-\u9fa5]/)
  await dialog.getByTestId('reject-reason').fill('回单金额与应缴金额不符，请重新转账并上传回单')
  await dialog.getByTestId('reject-submit').click()
  await expect(panel.getByTestId('detail-status')).toHaveText('已退回')
  await expect(panel.getByTestId('decided')).toContainText('回单金额与应缴金额不符')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('total')).toHaveText('共 2 条')

  // the right one: 确认收费 (the main page of the note's screenshot)
  await rowOf(subs.ok.id).getByRole('button', { name: '审核' }).click()
  await expect(panel.getByTestId('receipt-image')).toBeVisible()
  await expect(panel.getByTestId('check-amount')).toContainText('一致')
  await expect(panel.getByTestId('check-amount')).not.toHaveClass(/bad/)
  await checkPage(page, 'console-finance')
  await panel.getByTestId('confirm').click()
  await page.locator('.el-message-box').getByRole('button', { name: '确认收费' }).click()
  await expect(panel.getByTestId('detail-status')).toHaveText('已确认收费')
  await until(async () => (await people[0].get(`/applications/${people[0].application_id}`)).status === 'paid', 'paid')

  // a 2,500-line bank statement: imported in parts, progress shown, the
  // reference-matched credit found, the broken line told by its file line
  await page.goto('/finance/statements')
  const due = (await people[2].get(`/applications/${people[2].application_id}/payment`))
  const lines = ['交易流水号,交易日期,金额,借贷标志,付款人名称,付款人账号,附言']
  for (let n = 0; n < 2500; n++) {
    if (n === 1500) lines.push(`F${s.run}-${n},2026-10-01,abc,C,某人,,`)
    else if (n === 2100) lines.push(`R${s.run},2026-11-16,${(due.amount_due_fen / 100).toFixed(2)},C,${people[2].name},,考试费 ${due.reference}`)
    else lines.push(`F${s.run}-${n},2026-10-01,${(1 + (n % 97)).toFixed(2)},C,往来单位${n},6222${n},货款`)
  }
  await page.getByTestId('statement-file').setInputFiles({ name: '2026-11对账单.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') })
  await page.getByTestId('import').click()
  await expect(page.getByTestId('import-progress')).toBeVisible()
  await expect(page.getByTestId('import-progress')).toContainText('/ 2500 行')
  const result = page.getByTestId('import-result')
  await expect(result).toBeVisible({ timeout: 120_000 })
  await expect(result.getByTestId('result-lines')).toHaveText('2500')
  await expect(result.getByTestId('result-imported')).toHaveText('2499')
  await expect(result.getByTestId('result-broken')).toHaveText('1')
  await expect(result.getByTestId('broken-lines')).toContainText('第 1502 行')
  expect(Number(await result.getByTestId('result-matched').textContent())).toBeGreaterThanOrEqual(1)
  await until(async () => (await s.staff.finance.get(`/payments/submissions/${subs.ref.id}`)).credit?.bank_serial === `R${s.run}`, 'the credit matched by reference')
  // the credits paged on the server
  const credits = await s.staff.finance.get('/finance/credits', {})
  await expect(page.getByTestId('credits-total')).toHaveText(`共 ${credits.total} 条`)
  expect((await page.locator('[data-testid="credits"] .el-table__row').count())).toBeLessThanOrEqual(20)

  // an .xlsx statement: one credit from someone nobody paid as, matched by hand
  const serial = `X${s.run}`
  await page.getByTestId('statement-file').setInputFiles({
    name: '网银流水.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: workbook([[serial, '2026-11-17', due.amount_due_fen / 100, '贷', '成都某代缴服务公司', '', '代缴考试费']]),
  })
  await page.getByTestId('import').click()
  await expect(result.getByTestId('result-imported')).toHaveText('1', { timeout: 60_000 })
  await page.goto(`/finance/statements?status=unmatched&q=${serial}`)
  await expect(page.getByTestId('credits-total')).toHaveText('共 1 条')
  await page.locator(`[data-serial="${serial}"]`).click()
  const match = page.getByTestId('match-dialog')
  await match.getByTestId('match-search').fill(people[0].name)
  await match.getByRole('button', { name: '搜索' }).click()
  await match.locator(`[data-submission="${subs.ok.id}"]`).click()
  await expect(match.getByTestId('match-sum')).toContainText('已选 1 笔')
  await expect(match.getByTestId('match-sum')).not.toContainText('相差')
  await match.getByTestId('match-submit').click()
  await expect(page.getByTestId('credits-total')).toHaveText('共 0 条')
  const credit = (await s.staff.finance.get('/finance/credits', { q: serial })).items[0]
  expect([credit.status, credit.method, credit.submissions]).toEqual(['matched', 'manual', [subs.ok.id]])
  await checkPage(page, 'console-finance-statements')

  // the payment report of the batch
  await page.goto(`/finance/report?batch_code=${code}`)
  await expect(page.getByTestId('report-items')).toContainText('已确认收费')
  await expect(page.getByTestId('report-paid')).toContainText(`${(due.amount_due_fen / 100).toFixed(2)} 元`)
  await checkPage(page, 'console-finance-report')

  // the batch is cancelled (B1: 3 registrants, fewer than 10): the paid one is refunded
  await s.staff.finance.post(`/payments/submissions/${subs.ref.id}/confirm`, {})
  await s.at(DAYS.rosters)
  await s.staff.exam_admin.post('/exam/rosters/close')
  await until(async () => (await s.staff.finance.get('/finance/refunds', { batch_code: code })).total === 2, 'the refund list')
  await page.goto(`/finance/refunds?batch_code=${code}`)
  await expect(page.getByTestId('refunds-total')).toHaveText('共 2 条')
  await page.locator(`[data-application="${people[0].application_id}"]`).click()
  const refund = page.getByRole('dialog', { name: '登记退费' })
  await refund.getByTestId('refund-note').fill('退款凭证 TK001')
  await refund.getByTestId('refund-submit').click()
  await expect(page.locator('.el-table__row', { hasText: people[0].name })).toContainText('已退费')
  await checkPage(page, 'console-finance-refunds')
})
