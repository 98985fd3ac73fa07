// One candidate from 注册 to a downloaded e-certificate, every candidate step
// in the browser at 375 px (the staff steps over the API, as `make demo` does
// them), and the QR link printed in that certificate opening the check page
// with 有效: the issue's "done when", end to end through every service.
import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { test, expect, checkPage, newIdNumber, newName, PASSWORD } from './helpers'
import {
  approve, arrange, assessors, confirmPayment, connect, examDay, finalizeAndIssue, newBatch, publish,
  qrPayloadOf, receiptImage, DAYS, type Person,
} from './flows'
import { SCANS, sampleScan, samplePhoto } from './flows-apply'

async function choose(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click()
  await page.getByRole('option', { name: option, exact: true }).click()
}
async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
}

test('R1 V1 P3 T1 C2: 注册, 报名, 缴费, 准考证下载 and 我的证书 in the browser; the certificate\'s QR link says 有效', async ({ page }) => {
  test.setTimeout(900_000)
  const s = await connect()
  try {
    const code = await newBatch(s)
    await assessors(s)
    await s.at(DAYS.registration)

    // 自然人用户注册 (R2 is checked as they type), then signed in at 个人中心
    const name = newName()
    const idNumber = newIdNumber('19920315')
    const username = `journey-${s.run}`
    await page.goto('/signup')
    await page.getByLabel('姓名').fill(name)
    await page.getByLabel('身份证号码').fill(idNumber)
    await page.getByLabel('手机号码').fill('13800138000')
    await page.getByLabel('用户名').fill(username)
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
    await page.getByLabel('确认密码').fill(PASSWORD)
    await page.getByRole('button', { name: '注册并登录' }).click()
    await expect(page).toHaveURL(/\/me$/)
    await checkPage(page, 'journey-1-me-phone')

    // 专项职业能力考核报名: this run's batch, the project, the pre-check, the files, the pledge
    await page.goto('/services/apply')
    await expect(page.locator('[data-batch="2026-12"] input')).toBeChecked()   // loaded
    await page.locator(`[data-batch="${code}"] strong`).click()
    await expect(page.locator(`[data-batch="${code}"] input`)).toBeChecked()
    await choose(page, '考核项目', '大数据分析')
    await choose(page, '文化程度', '高中/中专')
    await page.getByRole('textbox', { name: '工作单位' }).fill('成都某数据公司')
    await page.getByText('具有计算机操作能力', { exact: true }).click()
    await page.getByRole('button', { name: '检查是否符合申报条件' }).click()
    await expect(page.getByTestId('outcome')).toHaveText('需人工审核')
    await page.setInputFiles('#file-photo', { name: 'photo.png', mimeType: 'image/png', buffer: samplePhoto() })
    await expect(page.getByTestId('materials.photo-ok')).toBeVisible()
    await page.getByText('③ 学历证书', { exact: false }).click()
    for (const kind of SCANS) {
      await page.setInputFiles(`#file-${kind}`, { name: `${kind}.png`, mimeType: 'image/png', buffer: sampleScan() })
      await expect(page.getByTestId(`materials.${kind}-ok`)).toBeVisible()
    }
    await page.getByText('本人承诺所填信息和提交的材料真实有效', { exact: false }).click()
    await noHorizontalScroll(page)
    await page.getByRole('button', { name: '提交报名' }).click()
    await expect(page).toHaveURL(/\/me\/applications\/[^/]+$/)
    await expect(page.getByTestId('status').first()).toHaveText('审核中')
    const applicationId = page.url().split('/').pop()!

    // the center approves (over the API); 报名历史 shows 审核通过
    const me = Object.assign(await s.api.login(username, PASSWORD), {
      username, name, id_number: idNumber, application_id: applicationId,
    }) as Person
    await approve(s, code, [me])
    await page.goto('/me/applications')
    await expect(page.getByText('审核通过').first()).toBeVisible()
    await checkPage(page, 'journey-2-history-phone')

    // 缴费 with the bank receipt, paid by the candidate (P3); finance confirms: 确认收费
    await s.at(DAYS.payment)
    const payee = await me.get('/payments/payee')
    await page.goto(`/me/applications/${applicationId}/payment`)
    await expect(page.getByTestId('payment-status')).toHaveText('待缴费')
    await page.locator('#after-receipt').setInputFiles({ name: '回单.jpg', mimeType: 'image/jpeg', buffer: receiptImage() })
    await expect(page.getByText(/回单已上传/)).toBeVisible()
    await page.getByLabel('缴款人姓名').fill(name)
    await page.getByLabel('收款账号').fill(payee.payee_accounts[0])
    await page.getByRole('button', { name: '提交缴费' }).click()
    await expect(page.getByTestId('payment-status')).toHaveText('已提交，待确认收费')
    await confirmPayment(s, me)
    await page.reload()
    await expect(page.getByTestId('payment-status')).toHaveText('确认收费', { timeout: 30_000 })
    await checkPage(page, 'journey-3-paid-phone')

    // seats, then 准考证下载 inside the ticket window (T1): an A4 PDF
    const plan = await arrange(s, code)
    await s.at(DAYS.tickets)
    await page.goto('/tickets')
    await page.getByLabel('身份证号').fill(idNumber)
    await page.getByLabel('姓名').fill(name)
    const [ticket] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载准考证' }).click()])
    const ticketPdf = readFileSync((await ticket.path())!)
    expect(ticketPdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(ticketPdf.toString('latin1')).toMatch(/\/MediaBox\s*\[\s*0\s+0\s+595(\.\d+)?\s+84[12](\.\d+)?\s*\]/)   // A4

    // the exam, the scores, publication, the certificate (over the API)
    await examDay(s, code, plan)
    await publish(s, code)
    await finalizeAndIssue(s, code, [me])

    // 我的证书: the e-certificate downloads; its QR link opens the check page: 有效
    await page.goto('/me/certificates')
    const card = page.locator('article.cert').first()
    await expect(card).toContainText('大数据分析')
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: '下载电子证书' }).click()])
    const pdf = readFileSync((await download.path())!)
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    await checkPage(page, 'journey-4-certificates-phone')
    const payload = qrPayloadOf(pdf)
    await page.goto(`/certificates/verify?p=${encodeURIComponent(payload)}`)
    await expect(page.getByTestId('verdict')).toContainText('有效')
    await noHorizontalScroll(page)
    await checkPage(page, 'journey-5-qr-link-phone')
  } finally {
    await s.ctx.dispose()
  }
})
