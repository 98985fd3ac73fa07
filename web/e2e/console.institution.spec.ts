// 报名机构's console in the browser: an institution takes 52 rows of one
// 考核人员花名册 (downloaded from its page, filled, zipped with photos and scans
// named by ID number) to a row-level preview (2 rows refused with their cell and
// rule), then submits the 50 valid ones with its 初审 and 报名质量责任承诺; the
// 报名名单 pages them on the server and exports the roster; another
// institution's page is refused; the menu is exactly the institution's. Then the
// same 50 go on to printed tickets: the center approves them (复审, over the API),
// the institution pays for all 50 on 缴费 with one bank receipt, finance confirms,
// the exam office seats them, and the institution prints their 50 tickets as one PDF.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { test, expect, checkPage, newIdNumber, newName, staffAccount, PASSWORD } from './helpers'
import { DAYS, PROJECT_NAME, approveInQueue, connect, newBatch, receiptImage, until } from './flows'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const ROOT = resolve(HERE, '..', '..')
const INSTITUTION = 'inst-01'

async function signIn(page: Page, username: string) {
  await page.goto('/login')
  await page.getByLabel('用户名', { exact: true }).fill(username)
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page.getByRole('link', { name: '批量报名' }).first()).toBeVisible()
}

function person(n: number) {
  return {
    序号: n, 姓名: newName(), 身份证号: newIdNumber('19920101'), 考核项目: PROJECT_NAME, 文化程度: '本科',
    所学专业: '统计学', 工作单位: '成都数据科技有限公司', 联系电话: '13900139000', 符合的条件: '学历条件',
    具有计算机操作能力: '是', 本年度应届毕业生: '否', 学历或学籍证明类型: '学历证书',
  } as Record<string, unknown>
}

test('I1/R2/M1/P1/T1: an institution takes 50 candidates from one uploaded workbook to submitted applications, pays for them and prints their tickets', async ({ page }) => {
  test.setTimeout(600_000)
  const s = await connect()
  const batch = await newBatch(s)
  await s.at(DAYS.registration)
  const operator = await staffAccount(s.admin, 'institution_operator', { institution_code: INSTITUTION })
  const username = (await operator.get('/accounts/me')).username

  await signIn(page, username)
  // the role's menu: 首页, then this console's items first; no candidate's or other staff's items
  const menu = await page.locator('nav.wide a').allInnerTexts()
  expect(menu.slice(0, 3)).toEqual(['首页', '批量报名', '报名名单'])
  for (const other of ['报名历史', '我的证书', '网上办事']) expect(menu).not.toContain(other)

  await page.getByRole('link', { name: '批量报名' }).first().click()
  await expect(page).toHaveURL(new RegExp(`/institution/${INSTITUTION}/import$`))
  await page.getByTestId('batch').click()
  await page.getByRole('option', { name: batch, exact: true }).click()
  const [templateDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template').click()])
  const dir = mkdtempSync(join(tmpdir(), 'sc-roster-'))
  const template = join(dir, 'template.xlsx')
  await templateDownload.saveAs(template)
  expect(readFileSync(template).subarray(0, 2).toString()).toBe('PK')

  const rows = Array.from({ length: 50 }, (_, i) => person(i + 1))
  const wrongId = person(51)
  wrongId.身份证号 = String(wrongId.身份证号).slice(0, 17) + (String(wrongId.身份证号).endsWith('1') ? '2' : '1')
  const noFiles = { ...person(52), _no_files: true }
  rows.push(wrongId, noFiles)
  writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows))
  const python = process.env.PYTHON ?? join(ROOT, '.venv', 'bin', 'python')
  execFileSync(python, [join(HERE, 'roster-fixture.py'), template, join(dir, 'rows.json'), join(dir, 'roster.xlsx'), join(dir, 'materials.zip')], {
    env: { ...process.env, PYTHONPATH: join(ROOT, 'shared') },
  })

  await page.getByTestId('workbook').setInputFiles(join(dir, 'roster.xlsx'))
  await page.getByTestId('materials').setInputFiles(join(dir, 'materials.zip'))
  await page.getByTestId('preview').click()
  await expect(page.getByTestId('summary')).toContainText('共 52 行：可提交 50 行，有问题 2 行', { timeout: 60_000 })
  // the faulty rows come first, each fault with its cell and rule ID
  const faults = page.getByTestId('fault')
  await expect(faults.filter({ hasText: '身份证号无效' })).toContainText('C52')
  await expect(faults.filter({ hasText: '身份证号无效' })).toContainText('R2')
  await expect(faults.filter({ hasText: '压缩包中没有本人照片' })).toContainText('M1')
  await checkPage(page, 'institution-import-preview')
  // nothing was written by the preview
  expect((await operator.get(`/institutions/${INSTITUTION}/candidates`, { batch_code: batch })).total).toBe(0)

  // submitting without the pledge is refused beside the form
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('form-error')).toHaveText('请勾选报名质量责任承诺')
  await page.getByTestId('pledge').click()
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('progress')).toBeVisible()
  await expect(page.getByTestId('summary')).toContainText('已提交 50 名考生的报名', { timeout: 120_000 })
  await page.getByTestId('result').getByText(/^全部（/).click()
  await expect(page.getByTestId('row-state').filter({ hasText: '已提交' })).toHaveCount(20)
  await checkPage(page, 'institution-import-submitted')
  const listed = await operator.get(`/institutions/${INSTITUTION}/candidates`, { batch_code: batch, size: '200' })
  expect(listed.total).toBe(50)
  const one = await operator.get(`/applications/${listed.items[0].id}`)
  expect(one.first_review.pledge).toBe(true)
  expect(one.first_review.opinion).toBe('pass')

  // 报名名单: paged on the server, the batch's 50, filtered by a name
  await page.getByRole('link', { name: '查看报名名单' }).click()
  await expect(page).toHaveURL(new RegExp(`/institution/${INSTITUTION}/candidates$`))
  await page.getByTestId('batch').click()
  await page.getByRole('option', { name: batch, exact: true }).click()
  await expect(page.getByTestId('total')).toHaveText('共 50 人')
  await expect(page.getByTestId('candidates').locator('tbody tr')).toHaveCount(20)
  await expect(page.getByTestId('status').first()).toHaveText('审核中')
  await page.getByTestId('search').fill(String(rows[3].姓名))
  await expect(page.getByTestId('total')).toHaveText(/共 [1-9] 人/)
  await expect(page.getByTestId('candidates').locator('tbody tr').first()).toContainText(String(rows[3].身份证号))
  await page.getByTestId('search').fill('')
  await expect(page.getByTestId('total')).toHaveText('共 50 人')
  await checkPage(page, 'institution-candidates')
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()])
  const exported = join(dir, 'export.xlsx')
  await xlsx.saveAs(exported)
  expect(readFileSync(exported).subarray(0, 2).toString()).toBe('PK')

  // another institution's page is refused in the browser too
  await page.goto('/institution/inst-02/candidates')
  await expect(page.getByTestId('refused')).toContainText('只能查看和办理本机构的考生')
  await checkPage(page, 'institution-refused')

  // the provincial center reads any institution's 报名名单 (its menu has it too)
  const center = await page.context().browser()!.newPage({ viewport: { width: 1366, height: 900 }, baseURL: process.env.SKILLCERT_E2E_URL })
  await center.goto('/login')
  await center.getByLabel('用户名', { exact: true }).fill('admin')
  await center.getByLabel('密码', { exact: true }).fill(process.env.SKILLCERT_E2E_ADMIN_PASSWORD!)
  await center.getByRole('button', { name: '登录', exact: true }).click()
  await center.getByRole('link', { name: '机构报名名单' }).first().click()
  await expect(center.getByTestId('institution')).toBeVisible()
  await center.goto(`/institution/${INSTITUTION}/candidates`)
  await center.getByTestId('batch').click()
  await center.getByRole('option', { name: batch, exact: true }).click()
  await expect(center.getByTestId('total')).toHaveText('共 50 人')
  await center.close()

  // --- the same 50 to printed tickets ---
  // the center's 复审 approves them (its console has its own spec)
  await approveInQueue(s, batch, listed.items.map((i: any) => i.id as string))
  const order = await until(async () => {
    const o = await operator.get(`/institutions/${INSTITUTION}/payment-order`, { batch_code: batch })
    return o.headcount === 50 && o
  }, 'the payment order')
  // 缴费: one transfer for the 50 (P1)
  await s.at(DAYS.payment)
  await page.goto(`/institution/payment?batch=${batch}`)
  await expect(page.getByTestId('headcount')).toHaveText('50')
  await page.getByTestId('receipt').setInputFiles({ name: '银行回单.jpg', mimeType: 'image/jpeg', buffer: receiptImage() })
  await expect(page.getByText('✓ 银行回单.jpg')).toBeVisible()
  await page.getByTestId('payer').fill('四川省大数据职业技能培训中心')
  await page.getByTestId('note').fill(order.note)
  await page.getByTestId('marked').click()
  await page.getByRole('button', { name: '标记已缴费并提交' }).click()
  await expect(page.getByText('已提交 50 名考生的缴费')).toBeVisible()
  await checkPage(page, 'institution-payment-50')
  const subs = await operator.get(`/institutions/${INSTITUTION}/payment-submissions`, { batch_code: batch })
  await s.staff.finance.post(`/payments/submissions/${subs.items[0].id}/confirm`, {})
  await until(async () => (await operator.get(`/institutions/${INSTITUTION}/payment-items`, { batch_code: batch, status: 'paid' })).total === 50 && true, 'paid')
  // the exam office: rosters, a room of 60 workstations, the arrangement (tickets numbered)
  await s.at(DAYS.rosters)
  const exam = s.staff.exam_admin
  await exam.post('/exam/rosters/close')
  const room = `B${s.run}`.slice(0, 20)
  await exam.post('/exam/rooms', { code: room, name: `批量考场${s.run}`, location: '成都市青羊区鉴定考点3楼', seats: Array.from({ length: 60 }, (_, n) => String(n + 1).padStart(3, '0')), spacing: { rule: 'all' } })
  // exam learns of each payment by its event: arrange again until all 50 are in
  await until(async () => (await exam.post(`/exam/batches/${batch}/arrangement`, { rooms: [room] })).seated === 50, 'the 50 seated')
  // 准考证: the 50 tickets in one PDF, the hand-out day above it (T1)
  await s.at(DAYS.tickets)
  await page.goto(`/institution/tickets?batch=${batch}`)
  await expect(page.getByTestId('ticket-count')).toHaveText('50')
  await expect(page.getByTestId('hand-out-by')).toHaveText('2026年12月3日')
  await checkPage(page, 'institution-tickets-50')
  const [tickets] = await Promise.all([page.waitForEvent('download'), page.getByTestId('print').click()])
  const pdf = readFileSync((await tickets.path())!)
  expect(pdf.subarray(0, 4).toString()).toBe('%PDF')
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(50)
  await s.ctx.dispose()
})
