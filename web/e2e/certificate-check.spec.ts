// 专项职业能力证书查询与核验 (C2, C3) and the page the QR code of every
// certificate opens: one certificate issued over the API (e2e/flows.ts, the staff
// steps of deploy/demo.py), then verified in the browser at 375 px by its QR
// link, its number, its QR text and its PDF; a tampered payload; the same link
// as JSON for an API client; and after revocation 已撤销 with date and reason.
import { test, expect, checkPage } from './helpers'
import { connect, issuedCertificate, DAYS, type Suite } from './flows'

test.describe.configure({ mode: 'serial' })

let s: Suite
let cert: Awaited<ReturnType<typeof issuedCertificate>>

test.beforeAll(async () => {
  test.setTimeout(900_000)
  s = await connect()
  cert = await issuedCertificate(s)
})
test.afterAll(async () => {
  await s?.ctx.dispose()
})

async function noHorizontalScroll(page: import('@playwright/test').Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
}

test('C2: the QR link of an issued certificate opens the verdict 有效 at once', async ({ page }) => {
  await page.goto(`/certificates/verify?p=${encodeURIComponent(cert.payload)}`)
  const verdict = page.getByTestId('verdict')
  await expect(verdict).toContainText('有效')
  await expect(page.getByText(cert.number, { exact: true })).toBeVisible()
  await expect(page.getByText('大数据分析', { exact: true })).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'after-verify-phone')
})

test('C2: the same QR link still answers JSON to an API client', async () => {
  const r = await s.ctx.get(`/certificates/verify?p=${encodeURIComponent(cert.payload)}`, { headers: { Accept: 'application/json' } })
  expect(r.status()).toBe(200)
  const body = await r.json()
  expect(body.result).toBe('valid')
  expect(body.certificate.number).toBe(cert.number)
})

test('C2: a tampered QR payload is 非本中心签发', async ({ page }) => {
  const last = cert.payload.slice(-1)
  const tampered = cert.payload.slice(0, -1) + (last === 'A' ? 'B' : 'A')
  await page.goto(`/certificates/verify?p=${encodeURIComponent(tampered)}`)
  await expect(page.getByTestId('verdict')).toContainText('非本中心签发')
  await noHorizontalScroll(page)
  await checkPage(page, 'after-verify-tampered-phone')
})

test('C2, C3: 证书查询与核验 by number, by the pasted QR text and by the PDF says 有效', async ({ page }) => {
  await page.goto('/certificates/check')
  await expect(page.getByRole('heading', { level: 1, name: '专项职业能力证书查询与核验' })).toBeVisible()
  // the camera button only where the browser has BarcodeDetector
  const hasDetector = await page.evaluate(() => 'BarcodeDetector' in window)
  await expect(page.getByRole('tab', { name: '扫码' })).toHaveCount(hasDetector ? 1 : 0)

  await page.getByRole('textbox', { name: '证书编号' }).fill(cert.number)
  await page.getByRole('button', { name: '核验' }).first().click()
  await expect(page.getByTestId('verdict')).toContainText('有效')
  await noHorizontalScroll(page)
  await checkPage(page, 'after-check-phone')

  // a number that is not ours
  await page.getByRole('textbox', { name: '证书编号' }).fill('51202699999990')
  await page.getByRole('button', { name: '核验' }).first().click()
  await expect(page.getByTestId('verdict').or(page.getByRole('alert').first())).toBeVisible()

  await page.getByRole('tab', { name: '二维码内容' }).click()
  await page.getByRole('textbox', { name: '二维码内容（链接或文本）' }).fill(`${process.env.SKILLCERT_E2E_URL}certificates/verify?p=${cert.payload}`)
  await page.getByRole('tabpanel').getByRole('button', { name: '核验' }).click()
  await expect(page.getByTestId('verdict')).toContainText('有效')

  await page.getByRole('tab', { name: '上传PDF' }).click()
  await page.locator('#after-pdf').setInputFiles({ name: 'certificate.pdf', mimeType: 'application/pdf', buffer: cert.pdf })
  await page.getByRole('tabpanel').getByRole('button', { name: '核验' }).click()
  await expect(page.getByTestId('verdict')).toContainText('有效')
  await checkPage(page, 'after-check-pdf-phone')

  // one byte changed: not the PDF we issued
  const altered = Buffer.from(cert.pdf)
  altered[altered.length - 20] = altered[altered.length - 20] ^ 1
  await page.locator('#after-pdf').setInputFiles({ name: 'altered.pdf', mimeType: 'application/pdf', buffer: altered })
  await page.getByRole('tabpanel').getByRole('button', { name: '核验' }).click()
  await expect(page.getByTestId('verdict')).toContainText('非本中心签发')
})

test('C2: after the certificate officer revokes it, the QR link says 已撤销 with the date and the reason', async ({ page }) => {
  await s.staff.certificate_officer.post(`/admin/certificates/${cert.number}/revoke`, { reason_code: 'falsified_material', reason: '学历证明与学信网记录不符' })
  await page.goto(`/certificates/verify?p=${encodeURIComponent(cert.payload)}`)
  const verdict = page.getByTestId('verdict')
  await expect(verdict).toContainText('已撤销')
  await expect(verdict).toContainText(DAYS.certificates)
  await expect(verdict).toContainText('弄虚作假')
  await noHorizontalScroll(page)
  await checkPage(page, 'after-verify-revoked-phone')
  await page.goto(`/certificates/check?number=${cert.number}`)
  await expect(page.getByTestId('verdict')).toContainText('已撤销')
})
