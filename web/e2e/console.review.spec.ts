// 复审, the center's reviewer console, at 1366 px (#17). Applications are set up
// over the API (an institution's first-reviewed candidates, one of them
// received long enough ago to be overdue, and individuals), then the reviewer
// works in the browser: the menus of the role, the queue by batch, project and
// institution with the working-day countdown and the overdue one marked,
// sorting and filtering on the server, one application beside its photo and
// scans (zoom, rotate), the pre-check and the first review; 审核通过 by key A and
// the next application opens by itself; 退回修改 with the fields and a reason
// (the missing reason told beside its field, in Chinese); 审核不通过; the bulk
// approval of the institution's candidates with one outcome per item.
import { test, expect, checkPage, candidateAccount } from './helpers'
import { connect, newBatch, register, type Suite } from './flows'
import { browserDay, signIn } from './flows-apply'
import { INSTITUTION, inQueue, operatorOf, registerByInstitution, type Registered } from './flows-review'

const REVIEW_DAY = '2026-11-10' // inside the review window (11-02..11-13)
const AFTER_WINDOW = '2026-11-16' // the Monday after it: the individuals' tasks are overdue
let s: Suite
let code: string
let institution: Registered[]
let individuals: { application_id: string; name: string }[]

test.beforeAll(async () => {
  test.setTimeout(300_000)
  s = await connect()
  code = await newBatch(s)
  const operator = await operatorOf(s)
  institution = await registerByInstitution(s, operator, code, 5, '2026-11-02')
  individuals = [await register(s, code), await register(s, code)]
  await s.at(REVIEW_DAY)
  await inQueue(s.staff.reviewer, code, [...institution, ...individuals].map((x) => x.application_id))
})
test.afterAll(async () => {
  await s?.ctx.dispose()
})

test('a candidate has no 复审 menu and cannot open the console', async ({ page, api }) => {
  const candidate = await candidateAccount(api)
  await signIn(page, candidate)
  await page.goto('/')
  await expect(page.getByRole('link', { name: '报名历史' }).first()).toBeVisible()
  await expect(page.getByRole('link', { name: '复审工作台' })).toHaveCount(0)
  await page.goto('/review')
  await expect(page).toHaveURL(/\/$/)
})

test('the provincial center has the 复审 menus too', async ({ page }) => {
  await signIn(page, s.admin)
  await page.goto('/')
  const nav = page.locator('header nav.wide')
  await expect(nav.getByRole('link', { name: '复审工作台' })).toBeVisible()
  await nav.getByRole('link', { name: '批量复审' }).click()
  await expect(page.getByRole('heading', { level: 1, name: '批量复审' })).toBeVisible()
})

test('复审: the queue, one application by the keyboard, the return and the rejection', async ({ page }) => {
  await browserDay(page, REVIEW_DAY)
  await signIn(page, s.staff.reviewer)
  await page.goto('/')
  // the reviewer's menus, from the account's role
  const nav = page.locator('header nav.wide')
  await expect(nav.getByRole('link', { name: '复审工作台' })).toBeVisible()
  await expect(nav.getByRole('link', { name: '批量复审' })).toBeVisible()
  await expect(nav.getByRole('link', { name: '报名历史' })).toHaveCount(0)
  await nav.getByRole('link', { name: '复审工作台' }).click()
  await expect(page.getByRole('heading', { level: 1, name: '复审工作台' })).toBeVisible()

  // the batch of this run: 7 pending, each with its working-day countdown (V1):
  // an individual's task is due by the review window's last day (11-13)
  await page.goto(`/review?batch_code=${code}`)
  await expect(page.getByTestId('queue-total')).toHaveText('共 7 条待审')
  const rowOf = (id: string) => page.locator('.el-table__row', { has: page.locator(`[data-application="${id}"]`) })
  await expect(rowOf(individuals[0].application_id).locator('.due')).toHaveText('剩 3 个工作日')
  // an institution's: 10 working days from the day it reached the center, as review counts it
  const inst = (await s.staff.reviewer.get('/review/console/queue', { batch_code: code, channel: 'institution' })).items[0]
  await expect(rowOf(inst.application_id).locator('.due')).toHaveText(
    inst.due_in_workdays == null ? (inst.due_on ? inst.due_on : '截止日期待定') : inst.due_in_workdays === 0 ? '今天截止' : `剩 ${inst.due_in_workdays} 个工作日`)
  await expect(page.locator('.due[data-overdue="true"]')).toHaveCount(0)
  await expect(page.getByTestId('summary')).toContainText('四川省科教兴川促进会')
  // sorted on the server: by name, descending, as the API orders them
  await page.locator('th', { hasText: '姓名' }).locator('.cell').click({ position: { x: 8, y: 8 } })
  await expect(page).toHaveURL(/sort=name/)
  await page.locator('th', { hasText: '姓名' }).locator('.cell').click({ position: { x: 8, y: 8 } })
  await expect(page).toHaveURL(/sort=-name/)
  const api = await s.staff.reviewer.get('/review/console/queue', { batch_code: code, sort: '-name', limit: '20' })
  await expect(page.locator('.el-table__row a.open')).toHaveText(api.items.map((i: any) => i.name))
  // filtered on the server: only the individual applications
  await page.goto(`/review?batch_code=${code}&channel=individual`)
  await expect(page.getByTestId('queue-total')).toHaveText('共 2 条待审')

  // after the window: the individuals' tasks are overdue, marked and filtered
  await s.at(AFTER_WINDOW)
  await page.goto(`/review?batch_code=${code}`)
  for (const p of individuals) {
    await expect(rowOf(p.application_id).locator('.due')).toHaveText('已逾期 1 个工作日')
    await expect(rowOf(p.application_id)).toHaveClass(/is-overdue/)
  }
  await expect(page.getByTestId('overdue-total')).not.toHaveText('0')
  await checkPage(page, 'console-review-queue')
  await page.getByTestId('overdue-only').click()
  await expect(page).toHaveURL(/overdue=true/)
  const overdue = await s.staff.reviewer.get('/review/console/queue', { batch_code: code, overdue: 'true' })
  expect(overdue.total).toBeGreaterThanOrEqual(2)
  await expect(page.getByTestId('queue-total')).toHaveText(`共 ${overdue.total} 条待审`)
  await page.getByRole('button', { name: '清除筛选' }).click()
  await expect(page).toHaveURL(/\/review$/)

  await s.at(REVIEW_DAY)
  await page.goto(`/review?batch_code=${code}&channel=individual&sort=name`)
  await expect(page.getByTestId('queue-total')).toHaveText('共 2 条待审')
  const order = (await s.staff.reviewer.get('/review/console/queue', { batch_code: code, channel: 'individual', sort: 'name' })).items.map((i: any) => i.name)

  // 开始审核: the first of this queue, its photo and scans beside the data
  await page.getByTestId('start').click()
  await expect(page.getByTestId('app-name')).toHaveText(order[0])
  await expect(page.getByTestId('material-image')).toBeVisible()
  expect(await page.getByTestId('material-image').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
  await expect(page.getByTestId('verdict')).toBeVisible()
  await page.keyboard.press('2')
  await expect(page.locator('[data-material="application_form"]')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('+')
  await expect(page.getByTestId('zoom')).toHaveText('125%')
  await page.keyboard.press('o')
  await expect(page.getByTestId('material-image')).toHaveAttribute('style', /rotate\(90deg\) scale\(1\.25\)/)
  await checkPage(page, 'console-review-application')

  // 退回修改 by the keyboard: without a reason, told beside the field
  await page.keyboard.press('r')
  await expect(page.getByTestId('reason')).toBeFocused()
  await page.keyboard.press('Control+Enter')
  const reasonItem = page.locator('.el-form-item', { has: page.getByTestId('reason') })
  await expect(reasonItem.locator('.field-error')).toContainText('请填写审核意见')
  await page.keyboard.type('身份证反面不清晰，请重新上传')
  await page.keyboard.press('Control+Enter')
  const fieldsItem = page.locator('.el-form-item', { has: page.getByTestId('fields-to-fix') })
  await expect(fieldsItem.locator('.field-error')).toContainText('请勾选考生需要修改的项目')
  await page.getByTestId('fields-to-fix').getByText('身份证反面').click()
  await page.getByTestId('reason').focus()
  await page.keyboard.press('Control+Enter')
  // the next one opens by itself
  await expect(page.getByTestId('done')).toHaveText(`已退回修改：${order[0]}`)
  await expect(page.getByTestId('app-name')).toHaveText(order[1])

  // 审核不通过 of the second individual, and the queue is done
  await page.keyboard.press('x')
  await page.keyboard.type('不符合申报条件')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('done')).toHaveText(`审核不通过：${order[1]}`)
  await expect(page.getByTestId('last')).toBeVisible()
  const returned = await s.staff.reviewer.get(`/review/applications/${individuals.find((i) => i.name === order[0])!.application_id}`)
  expect(returned.status).toBe('returned')
  expect(returned.tasks.at(-1).fields_to_fix).toEqual(['materials.id_card_back'])

  // an institution's candidate: the first review beside it; 审核通过 by A alone,
  // and the next of the institution's queue opens by itself
  // the first of that queue in its order (the five are due on one day, so their order is
  // by id: institution[0] was the last one about one run in five, with no next to open)
  const queue = (await s.staff.reviewer.get('/review/console/queue', { batch_code: code, channel: 'institution' })).items
  const first = institution.find((p) => p.application_id === queue[0].application_id)!
  await page.goto(`/review/applications/${first.application_id}?batch_code=${code}&channel=institution`)
  await expect(page.getByTestId('first-review')).toContainText('初审合格')
  await page.keyboard.press('a')
  await expect(page.getByTestId('done')).toHaveText(`已审核通过：${first.name}`)
  await expect(page).toHaveURL(new RegExp(`/review/applications/${queue[1].application_id}`))
  await expect(page.getByTestId('app-name')).toHaveText(queue[1].name)
  expect((await s.staff.reviewer.get(`/review/applications/${first.application_id}`)).status).toBe('approved')
})

test('批量复审: an institution\'s first-reviewed candidates approved together, one outcome each', async ({ page }) => {
  await browserDay(page, REVIEW_DAY)
  await signIn(page, s.staff.reviewer)
  await page.goto(`/review/bulk?batch_code=${code}&institution_code=${INSTITUTION}`)
  const waiting = await s.staff.reviewer.get('/review/console/queue', { batch_code: code, institution_code: INSTITUTION, stage: 're_review' })
  await expect(page.getByTestId('bulk-found')).toContainText(`有 ${waiting.total} 名初审合格、待复审的考生`)
  // meanwhile another reviewer decides one of them: that item fails alone
  const other = waiting.items[0]
  await s.staff.reviewer.post(`/review/applications/${other.application_id}/decision`, { decision: 'reject', reason: '材料不实' })
  await page.getByTestId('bulk-approve').click()
  await page.getByRole('dialog').getByRole('button', { name: /确定|OK/ }).click()
  await expect(page.getByTestId('bulk-status')).toHaveText(`完成：${waiting.total - 1} 条通过，1 条未成功。`)
  await expect(page.locator('[data-outcome="ok"]')).toHaveCount(waiting.total - 1)
  await expect(page.locator('[data-outcome="failed"]')).toHaveText(/该报名已有审核结果，不能重复审核/)
  await checkPage(page, 'console-review-bulk')
  for (const item of waiting.items.slice(1))
    expect((await s.staff.reviewer.get(`/review/applications/${item.application_id}`)).status).toBe('approved')
})
