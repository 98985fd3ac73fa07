// 考务 (role exam_admin) at 1366 px on the rehearsal clock: a batch of this
// run with two paid candidates (registration, review and payment over the API,
// e2e/flows.ts), then in the browser: 考务工作台 shows the B1 decision of the
// project (2 报名人数, 不足10人) and 仍组织考核 is granted before 确定考核名单
// holds it; 考场管理 adds a room whose spacing rule leaves every other seat
// empty (T3) and draws its seat map; 考场编排 runs with its progress and the
// seat plan prints per room; 考评员派遣 puts three assessors with valid cards in
// the room (T4); on the exam day 考生签到 refuses another person's ID number
// beside its field and checks the candidate in by the typed ticket number (T2);
// the computer scores are imported from a CSV and show in the server-paged table.
import type { Page } from '@playwright/test'
import { test, expect, checkPage, staffAccount } from './helpers'
import { approve, assessors, confirmPayment, connect, newBatch, payOverApi, register, DAYS, PROJECT_NAME, type Person } from './flows'

async function signIn(page: Page, token: string) {
  await page.addInitScript((t) => sessionStorage.setItem('skillcert.token', t), token)
}
async function choose(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click()
  await page.getByRole('option', { name: option, exact: true }).click()
}
async function pick(page: Page, role: 'radio' | 'checkbox', name: string) {
  const input = page.getByRole(role, { name, exact: true })
  await page.locator('label').filter({ has: input }).click()
}

test('B1 T3 T2 T4: 考务 in the browser: 仍组织考核 and 确定考核名单, a room with its seat map and spacing, 考场编排 with progress and the printable seat plan, 考评员派遣, 考生签到 by the typed ticket number, 机考成绩 imported', async ({ page }) => {
  test.setTimeout(900_000)
  const s = await connect()
  try {
    const code = await newBatch(s)
    await assessors(s)
    const people: Person[] = [await register(s, code), await register(s, code)]
    await approve(s, code, people)
    for (const p of people) {
      await payOverApi(s, p)
      await confirmPayment(s, p)
    }
    await s.at(DAYS.rosters)
    await signIn(page, s.staff.exam_admin.token!)

    // 考务工作台: the menus of the role, the batch, the B1 decision with the override
    await page.goto('/exam')
    await expect(page.getByRole('heading', { level: 1, name: '考务工作台' })).toBeVisible()
    const nav = page.locator('nav.wide')
    for (const item of ['考务工作台', '考场管理', '考生签到']) await expect(nav.getByRole('link', { name: item })).toBeVisible()
    await pick(page, 'radio', code)
    const rosters = page.getByTestId('rosters')
    await expect(rosters.getByRole('heading', { name: `${code} 考核名单（B1）` })).toBeVisible()
    const row = rosters.locator('tr', { hasText: PROJECT_NAME })
    await expect(row).toContainText('不足10人')
    await expect(row.locator('[data-status]')).toHaveText('待确定')
    await row.getByRole('button', { name: /仍组织考核/ }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('button', { name: '仍组织考核' }).click()
    await expect(dialog.locator('.field-error')).toBeVisible()          // a reason is required
    await dialog.getByRole('textbox').fill('经中心同意，人数不足10人仍组织考核')
    await dialog.getByRole('button', { name: '仍组织考核' }).click()
    await expect(row).toContainText('已批准仍组织')
    await rosters.getByRole('button', { name: '确定考核名单' }).click()
    await expect(row.locator('[data-status]')).toHaveText('组织考核')
    await checkPage(page, 'exam-home')

    // 考场管理: a room of 12 workstations, every other one used (T3)
    const room = `X${s.run}`.slice(0, 20)
    await nav.getByRole('link', { name: '考场管理' }).click()
    await page.getByRole('button', { name: '新增考场' }).click()
    const form = page.getByRole('dialog')
    await form.getByRole('textbox', { name: '考场编号' }).fill(room)
    await form.getByRole('textbox', { name: '考场名称' }).fill('第三考场')
    await form.getByRole('textbox', { name: '考点地址' }).fill('成都市青羊区鉴定考点3楼')
    await form.getByRole('spinbutton', { name: '工位数' }).fill('12')
    await form.getByRole('button', { name: '生成工位' }).click()
    await pick(page, 'radio', '隔位就座（每隔一个工位）')
    await expect(form).toContainText('可用 6 / 12 个工位')
    await form.getByRole('button', { name: '保存考场' }).click()
    const detail = page.getByTestId('room-detail')
    await expect(detail).toContainText('隔位就座（每隔一个工位），可用 6 / 12 个工位')
    await expect(detail.locator('.seat')).toHaveCount(12)
    await expect(detail.locator('.seat.usable')).toHaveCount(6)
    await checkPage(page, 'exam-rooms')

    // 考场编排: only this room; the progress shows, then the seats
    await page.goto(`/exam/batches/${code}?tab=arrangement`)
    await expect(page.getByRole('heading', { level: 1, name: `${code} 批次考务` })).toBeVisible()
    // the rooms load after the heading: wait for this run's room, then leave only it chosen
    // (earlier specs' rooms are in the same suite)
    await expect(page.locator(`.rooms .el-checkbox[data-room="${room}"] input`)).toBeChecked()
    for (const box of await page.locator('.rooms .el-checkbox[data-room]').all())
      if ((await box.getAttribute('data-room')) !== room && (await box.locator('input').isChecked())) {
        await box.click()
        await expect(box.locator('input')).not.toBeChecked()
      }
    await page.getByTestId('arrange').click()
    await expect(page.getByTestId('arrange-progress')).toBeVisible()
    await expect(page.getByTestId('session-rooms')).toContainText(room)
    await expect(page.getByTestId('seat-total')).toHaveText('共 2 人')
    await expect(page.getByTestId('arrange-progress')).toContainText('已用时')
    for (const p of people) await expect(page.locator('.seat-table')).toContainText(p.name)
    await checkPage(page, 'exam-arrangement')
    // the printable seat plan of the room (the same tab: the token is this tab's)
    await page.getByTestId('session-rooms').getByRole('link', { name: /打印座位表/ }).first().click()
    const plan = page.getByTestId('seat-plan')
    await expect(plan.locator('tbody tr')).toHaveCount(2)
    for (const p of people) await expect(plan).toContainText(p.name)
    await expect(page.locator('.seat.taken')).toHaveCount(2)
    await checkPage(page, 'exam-seat-plan')
    await page.getByRole('link', { name: '返回批次考务' }).click()

    // 考评员派遣: three assessors with cards valid for the project (T4)
    await page.getByRole('tab', { name: '考评员派遣' }).click()
    await page.getByTestId('dispatch').click()
    const dispatch = page.getByTestId('dispatch-table')
    await expect(dispatch).toContainText(room)
    await expect(dispatch.getByText('证卡有效')).toHaveCount(3)
    await checkPage(page, 'exam-dispatch')

    // 考生签到 on the exam day: the ticket number typed (the camera's path is the same field)
    const seats = (await s.staff.exam_admin.get(`/exam/batches/${code}/seats`)).items as { ticket_number: string; id_number: string; name: string; session: string }[]
    const first = seats.find((x) => x.name === people[0].name)!
    await s.at(DAYS.exam)
    await page.goto('/exam/check-in')
    await choose(page, '考核批次', `${code}（${DAYS.exam}）`)
    await expect(page.getByText('本批次可用证件：第二代居民身份证')).toBeVisible()
    await page.getByRole('textbox', { name: '准考证号', exact: true }).fill(first.ticket_number)
    await page.getByRole('textbox', { name: '证件号码' }).fill(people[1].id_number)
    await page.getByTestId('check-in').click()
    const numberItem = page.locator('.el-form-item').filter({ has: page.getByRole('textbox', { name: '证件号码' }) })
    await expect(numberItem.locator('.field-error')).toContainText('T2')
    await page.getByRole('textbox', { name: '证件号码' }).fill(first.id_number)
    await page.getByTestId('check-in').click()
    await expect(page.getByTestId('checked-in')).toContainText(`${first.name} 签到成功`)
    await expect(page.locator('.seat-table tr', { hasText: first.name })).toContainText('已签到')
    await checkPage(page, 'exam-check-in')

    // 机考成绩: the exam system's CSV (the checked-in candidate: an absent one has no score, T4),
    // then the score on the server's page
    await page.goto(`/exam/batches/${code}?tab=scores`)
    const csv = ['ticket_number,id_number,name,score', `${first.ticket_number},${first.id_number},${first.name},86`].join('\n') + '\n'
    await page.getByTestId('score-csv').setInputFiles({ name: `${code}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByRole('button', { name: '导入机考成绩' }).click()
    await expect(page.locator('.el-message--success')).toContainText('已导入')
    await page.locator('.seat-table').getByRole('button', { name: '查询' }).click()
    await expect(page.locator('.seat-table tr', { hasText: first.name })).toContainText('86')
    await checkPage(page, 'exam-scores')

    // another role does not get the console: a reviewer is sent home, without the menu
    const reviewer = await staffAccount(s.admin, 'reviewer')
    const other = await page.context().browser()!.newContext({ viewport: { width: 1366, height: 900 } })
    const rp = await other.newPage()
    await signIn(rp, reviewer.token!)
    await rp.goto(new URL('/exam', process.env.SKILLCERT_E2E_URL).toString())
    await expect(rp).toHaveURL(/\/$/)
    await expect(rp.locator('nav.wide')).not.toContainText('考务工作台')
    await other.close()
  } finally {
    await s.ctx.dispose()
  }
})
