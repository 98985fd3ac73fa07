// 管理员 (the provincial administrator) and 数据看板 at 1366 px (#17). The
// administrator's menus; 账号与角色: an account opened in the dialog (a weak
// password told beside its field, in Chinese), found by the server-side filter
// and disabled; 批次日历: the batch's windows on the month calendar; 工作日历:
// the rehearsal clock (rehearsal is on in these tests) and the coming year's
// holiday notice loaded (a make-up day on a weekday named, then the notice as
// published). 数据看板: a batch of this run with three candidates set up over the
// API (two approved, both paid, one confirmed) shows 3 / 2 / 1 at its stages
// and one payment awaiting confirmation; a fourth registration appears without
// a reload (the 30 s refresh); finance sees its slice (no overdue reviews).
import { test, expect, checkPage, candidateAccount, newName } from './helpers'
import { approve, confirmPayment, connect, newBatch, payOverApi, register, DAYS, type Suite } from './flows'
import { browserDay, signIn } from './flows-apply'

let s: Suite
let code: string

test.beforeAll(async () => {
  test.setTimeout(300_000)
  s = await connect()
  code = await newBatch(s)
  const people = [await register(s, code), await register(s, code), await register(s, code)]
  await approve(s, code, people.slice(0, 2))
  await payOverApi(s, people[0])
  await payOverApi(s, people[1])
  await confirmPayment(s, people[0])
})
test.afterAll(async () => {
  await s?.ctx.dispose()
})

test('管理员: the menus of the role; 账号与角色 opens, finds and disables an account', async ({ page, admin }) => {
  await browserDay(page, DAYS.payment)
  await signIn(page, admin)
  await page.goto('/')
  const nav = page.locator('header nav.wide')
  for (const name of ['账号与角色', '批次日历', '工作日历', '数据看板', '证书管理'])
    await expect(nav.getByRole('link', { name, exact: true })).toBeVisible()
  await nav.getByRole('link', { name: '账号与角色' }).click()
  await expect(page.getByRole('heading', { level: 1, name: '账号与角色' })).toBeVisible()
  // the first page of every account (earlier specs opened many): roles in the notices' words
  await expect(page.getByTestId('account-total')).toHaveText(/^共 \d+ 个账号$/)
  await expect(page.getByTestId('accounts')).toContainText(/人员|经办人|管理员/)

  // 开设账号: a weak password is refused beside its field, in Chinese
  const username = `e2e-rev-${s.run}`
  await page.getByTestId('create').click()
  const dialog = page.locator('.el-dialog', { hasText: '开设账号' })
  await dialog.getByTestId('new-username').fill(username)
  await dialog.getByTestId('new-name').fill('复审测试员')
  await dialog.getByTestId('new-password').fill('short')
  await dialog.getByTestId('create-submit').click()
  const fieldError = dialog.locator('.field-error')
  await expect(fieldError.first()).toBeVisible()
  await expect(fieldError.first()).toContainText(/[\u4e00-\u9fff]/)
  await checkPage(page, 'console-admin-account-error')
  await dialog.getByTestId('new-password').fill('Review-pass-2026')
  await dialog.getByTestId('create-submit').click()
  await expect(dialog).toBeHidden()

  // the server's filter finds it; 停用
  await page.getByTestId('f-q').fill(username)
  await page.getByTestId('search').click()
  await expect(page).toHaveURL(new RegExp(`q=${username}`))
  await expect(page.getByTestId('account-total')).toHaveText('共 1 个账号')
  const row = page.getByTestId('accounts').locator('tr', { hasText: username })
  await expect(row).toContainText('复审人员')
  await checkPage(page, 'console-admin-accounts')
  await page.getByTestId(`disable-${username}`).click()
  await page.getByRole('dialog').getByRole('button', { name: '停用' }).click()
  await expect(row).toContainText('已停用')
  const refused = await s.api.call('POST', '/auth/token', { username, password: 'Review-pass-2026' })
  expect(refused.status).toBeGreaterThanOrEqual(400)
})

test('管理员: 批次日历 shows the windows; 工作日历 loads the coming year and moves the rehearsal clock', async ({ page, admin }) => {
  await s.at(DAYS.payment)
  await browserDay(page, DAYS.payment)
  await signIn(page, admin)
  await page.goto('/admin/batches')
  await expect(page.getByRole('heading', { level: 1, name: '批次日历' })).toBeVisible()
  // 2026-11-16 is inside the payment window of this run's batch (a copy of 2026-12's)
  const today = page.getByTestId('batch-calendar').locator('.cell.today')
  // three marks a day, the rest in '另 N 项' (its title): earlier specs' batches share the window
  await expect(today).toContainText('缴费')
  const more = today.locator('.more')
  const rest = (await more.count()) ? (await more.getAttribute('title')) ?? '' : ''
  expect(`${await today.innerText()} ${rest}`).toContain(`${code} 缴费`)
  await expect(page.getByTestId('batch-table')).toContainText(code)
  await checkPage(page, 'console-admin-batches')

  await page.goto('/admin/calendar')
  await expect(page.getByRole('heading', { level: 1, name: '工作日历' })).toBeVisible()
  // the rehearsal clock is shown (rehearsal is on) with the suite's date
  await expect(page.getByTestId('clock-today')).toHaveText(DAYS.payment)
  const years = page.getByTestId('calendar-years')
  await expect(years).toContainText('内置日历')
  // 2027 is not covered by chinesecalendar yet: load the notice; a make-up day on a Monday first
  await page.getByTestId('cal-year').locator('input').fill('2027')
  await page.getByTestId('cal-source').fill('国务院办公厅关于2027年部分节假日安排的通知（测试）')
  await page.getByTestId('cal-holidays').fill('2027-01-01\n2027-02-05~2027-02-11\n2027-04-05')
  await page.getByTestId('cal-workdays').fill('2027-02-15')
  await page.getByTestId('cal-submit').click()
  await expect(page.getByTestId('bad-dates')).toContainText('调休上班日期 第 1 项（2027-02-15）：调休上班日应为周六或周日')
  await checkPage(page, 'console-admin-calendar-error')
  await page.getByTestId('cal-workdays').fill('2027-02-14\n2027-02-20')
  await page.getByTestId('cal-submit').click()
  await expect(page.getByTestId('bad-dates')).toHaveCount(0)
  const loaded = years.locator('tr', { hasText: '2027' })
  await expect(loaded).toContainText('已录入通知')
  await expect(loaded).toContainText('9')        // 1 + 7 + 1 days off
  await checkPage(page, 'console-admin-calendar')

  // the clock moves for the whole suite, and back
  const dayInput = page.getByTestId('clock').locator('.el-date-editor input')
  await dayInput.fill(DAYS.review)
  await dayInput.press('Enter')
  await page.getByTestId('clock-set').click()
  await expect(page.getByTestId('clock-today')).toHaveText(DAYS.review)
  expect((await s.api.get('/today')).today).toBe(DAYS.review)
  await s.at(DAYS.payment)
})

test('数据看板: the stages of a batch, payments awaiting, refreshed without a reload; each role its slice', async ({ page, admin }) => {
  await s.at(DAYS.payment)
  await browserDay(page, DAYS.payment)
  await signIn(page, admin)
  await page.goto(`/dashboard?batch_code=${code}`)
  await expect(page.getByRole('heading', { level: 1, name: '数据看板' })).toBeVisible()
  const table = page.getByTestId('stage-table')
  const row = table.locator('tbody tr').first()
  // 报名 审核通过 已缴费 已编排考场 到考 合格 已发证
  await expect(row).toContainText(code)
  await expect(row.locator('td').nth(2)).toHaveText('3')
  await expect(row.locator('td').nth(3)).toHaveText('2')
  await expect(row.locator('td').nth(4)).toHaveText('1')
  await expect(page.getByTestId('tile-awaiting').locator('strong')).toHaveText('1')
  await expect(page.getByTestId('tile-expiring')).toBeVisible()
  await expect(page.getByTestId('stage-chart').locator('canvas')).toBeVisible()
  await expect(page.getByTestId('pass-rates')).toContainText('尚无成绩')
  await checkPage(page, 'console-dashboard')

  // a fourth registration appears by itself (the page refreshes every 30 s)
  await register(s, code)
  await s.at(DAYS.payment)
  await expect(row.locator('td').nth(2)).toHaveText('4', { timeout: 45_000 })

  // finance's slice: the stages and the payments awaiting, no overdue reviews
  await signIn(page, s.staff.finance)
  await page.goto(`/dashboard?batch_code=${code}`)
  await expect(page.getByTestId('tile-awaiting').locator('strong')).toHaveText('1')
  await expect(page.getByTestId('tile-overdue')).toHaveCount(0)
  await expect(page.getByTestId('tile-expiring')).toHaveCount(0)
  await checkPage(page, 'console-dashboard-finance')
})

test('a candidate has neither the 管理员 pages nor the 数据看板', async ({ page, api }) => {
  const candidate = await candidateAccount(api, { name: newName() })
  await signIn(page, candidate)
  await page.goto('/')
  await expect(page.getByRole('link', { name: '数据看板' })).toHaveCount(0)
  for (const path of ['/admin/accounts', '/admin/calendar', '/dashboard']) {
    await page.goto(path)
    await expect(page).toHaveURL(/\/$/)
  }
})
