// A candidate's way after the review, in the browser at 375 px on the rehearsal
// clock: 缴费 with the bank receipt (P3) paid by someone else (P2, the notice's
// wording), 确认收费 by finance; 准考证下载 outside and inside the ticket window
// (T1); 成绩查询 with the public list, one's own result and a 成绩异议 inside and
// outside the publication period (T5); 我的证书 with the PDF and the QR link (C3).
// The staff steps are e2e/flows.ts (deploy/demo.py's, over the API).
import { readFileSync } from 'node:fs'
import { test, expect, checkPage, newName, type Api } from './helpers'
import {
  approve, arrange, assessors, connect, confirmPayment, examDay, finalizeAndIssue, newBatch, publish, receiptImage, register,
  until, DAYS, PROJECT_NAME, type Person, type Suite,
} from './flows'
import type { Page } from '@playwright/test'

test.describe.configure({ mode: 'serial' })

let s: Suite
let code: string
let person: Person
let plan: Awaited<ReturnType<typeof arrange>>

test.beforeAll(async () => {
  test.setTimeout(600_000)
  s = await connect()
  code = await newBatch(s)
  await assessors(s)
  person = await register(s, code)
  await approve(s, code, [person])
})
test.afterAll(async () => {
  await s?.ctx.dispose()
})

/** The candidate's session in this tab (signed in over the API). */
async function signIn(page: Page, who: Api) {
  await page.addInitScript((token) => sessionStorage.setItem('skillcert.token', token), who.token!)
}
async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
}

test('P2, P3: 缴费 shows the account and amount, refuses a wrong payee account beside the field, composes the proxy note, and turns 确认收费', async ({ page }) => {
  test.setTimeout(240_000)
  await s.at(DAYS.payment)
  await signIn(page, person)
  await page.goto(`/me/applications/${person.application_id}/payment`)
  const payee = await s.staff.finance.get('/payments/payee')
  await expect(page.getByTestId('payee-name')).toHaveText(payee.payee_name)
  await expect(page.getByTestId('payee-account')).toContainText(payee.payee_accounts[0])
  await expect(page.getByTestId('amount-due')).toContainText('200.00')
  await expect(page.getByTestId('payment-status')).toHaveText('待缴费')

  await page.locator('#after-receipt').setInputFiles({ name: '回单.jpg', mimeType: 'image/jpeg', buffer: receiptImage() })
  await expect(page.getByText(/回单已上传/)).toBeVisible()
  const payer = newName()
  await page.getByLabel('缴款人姓名').fill(payer)
  const note = `该笔费用由${payer}代${person.name}缴纳2026年12月5日考试日期${PROJECT_NAME}考试项目的费用，金额为200元`
  await expect(page.getByTestId('proxy-note')).toContainText(note)
  await expect(page.getByRole('button', { name: '复制' })).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'after-payment-phone')

  // P3: the payee account must be the center's
  await page.getByLabel('收款账号').fill('6222 0000 1111 2222')
  await page.getByRole('button', { name: '提交缴费' }).click()
  const accountItem = page.locator('.el-form-item').filter({ has: page.getByLabel('收款账号') })
  await expect(accountItem.getByRole('alert')).toContainText('收款')
  await expect(accountItem.getByRole('alert')).toContainText('P3')
  await checkPage(page, 'after-payment-error-phone')

  await page.getByLabel('收款账号').fill(payee.payee_accounts[0])
  await page.getByRole('button', { name: '复制' }).click()
  await page.getByRole('button', { name: '提交缴费' }).click()
  await expect(page.getByTestId('payment-status')).toHaveText('已提交，待确认收费')
  const due = await person.get(`/applications/${person.application_id}/payment`)
  expect(due.status).toBe('submitted')

  await confirmPayment(s, person)
  await expect(page.getByTestId('payment-status')).toHaveText('确认收费', { timeout: 30_000 })
  await checkPage(page, 'after-payment-paid-phone')
})

test('T1: 准考证下载 refuses outside the ticket window, says not found for a wrong name, and downloads the A4 PDF inside it', async ({ page }) => {
  test.setTimeout(240_000)
  plan = await arrange(s, code)
  await page.goto('/tickets')
  await expect(page.getByRole('heading', { level: 1, name: '准考证下载' })).toBeVisible()
  await page.getByLabel('身份证号').fill(person.id_number)
  await page.getByLabel('姓名').fill(person.name)
  await page.getByRole('button', { name: '下载准考证' }).click()
  const banner = page.locator('.error-banner')
  await expect(banner).toContainText('不在准考证打印时间内')
  await expect(banner.locator('.rule-id')).toHaveText('T1')
  await expect(page.getByText('打印准考证时间：2026-11-30 至 2026-12-04')).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'after-tickets-closed-phone')

  await s.at(DAYS.tickets)
  await page.getByLabel('姓名').fill(person.name + '某')
  await page.getByRole('button', { name: '下载准考证' }).click()
  await expect(page.getByText(/没有找到准考证/)).toBeVisible()

  await page.getByLabel('姓名').fill(person.name)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载准考证' }).click()])
  const bytes = readFileSync((await download.path())!)
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF')
  expect(bytes.toString('latin1')).toMatch(/\/MediaBox\s*\[\s*0\s+0\s+595(\.\d+)?\s+84[12](\.\d+)?\s*\]/)
  await expect(page.getByText('准考证已下载')).toBeVisible()
  await checkPage(page, 'after-tickets-phone')
})

test('T5: 成绩查询 shows the published list with masked IDs, my own result, takes an objection inside the period and refuses it after', async ({ page }) => {
  test.setTimeout(300_000)
  await examDay(s, code, plan)
  await publish(s, code)
  await page.goto(`/results?batch=${code}`)
  await page.getByRole('button', { name: '查询公示' }).click()
  const list = page.getByTestId('results-list')
  const row = (await s.api.get(`/public/results/${code}`)).rows.find((r: any) => r.name === person.name)
  expect(row.id_number).toContain('*')
  await expect(list).toContainText(row.id_number)
  await expect(list).not.toContainText(person.id_number)
  await page.getByLabel('身份证号').fill(person.id_number)
  await page.getByLabel('姓名').fill(person.name)
  await page.getByRole('button', { name: '查询', exact: true }).click()
  await expect(page.getByTestId('my-result')).toContainText('合格')
  await page.getByLabel('异议理由').fill('实操成绩与本人预估差距较大，申请复核')
  await page.getByRole('button', { name: '提交异议' }).click()
  await expect(page.getByText('成绩异议已提交，中心将复核后答复')).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'after-results-phone')

  // staff dismiss it (the result stays), then the period ends
  const objections = await until(async () => {
    const list = await s.staff.exam_admin.get(`/exam/batches/${code}/objections`)
    return list.filter((o: any) => o.status === 'open').length > 0 && list
  }, 'the objection')
  for (const o of objections.filter((o: any) => o.status === 'open'))
    await s.staff.exam_admin.post(`/exam/objections/${o.id}/resolution`, { decision: 'dismissed', note: '复核无误' })
  await s.at(DAYS.final)
  await page.getByLabel('异议理由').fill('再次申请复核')
  await page.getByRole('button', { name: '提交异议' }).click()
  const banner = page.locator('.error-banner')
  await expect(banner).toContainText('不在成绩公示期内')
  await expect(banner.locator('.rule-id')).toHaveText('T5')
  await checkPage(page, 'after-results-closed-phone')
})

test('C3: 我的证书 lists the e-certificate with number, project and date, downloads its PDF and opens its QR link: 有效', async ({ page }) => {
  test.setTimeout(300_000)
  await finalizeAndIssue(s, code, [person])
  await signIn(page, person)
  await page.goto('/me/certificates')
  const card = page.locator('article.cert').first()
  await expect(card).toContainText(PROJECT_NAME)
  const number = (await card.getAttribute('data-number'))!
  expect(number).toMatch(/^\d{13}[\dX]$/)
  await expect(card).toContainText(number)
  await expect(card).toContainText(DAYS.exam)
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: '下载电子证书' }).click()])
  const bytes = readFileSync((await download.path())!)
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF')
  await expect(card.getByRole('link', { name: '二维码核验链接' })).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'after-certificates-phone')
  await card.getByRole('link', { name: '二维码核验链接' }).click()
  await expect(page).toHaveURL(/\/certificates\/verify\?p=/)
  await expect(page.getByTestId('verdict')).toContainText('有效')
})
