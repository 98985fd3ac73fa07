// 网上办事, 专项职业能力考核报名, 报名历史, 退回修改 and 撤回报名 at 375 px on the
// rehearsal clock (batch 2026-12: registration 10-26..11-02, review
// 11-02..11-13, payment 11-16..11-18).
import type { Page } from '@playwright/test'
import { test, expect, checkPage, candidateAccount } from './helpers'
import {
  BATCH, DAY, SCANS, applyOverApi, bigPhoto, browserDay, decide, fakeJpeg, noHorizontalScroll, payAndConfirm,
  reviewer, sampleScan, samplePhoto, signIn, waitStatus,
} from './flows-apply'

async function choose(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

function item(page: Page, label: string) {
  return page.locator('.el-form-item').filter({ has: page.locator('.el-form-item__label', { hasText: label }) })
}

async function upload(page: Page, id: string, name: string, buffer: Buffer, mimeType = 'image/png') {
  await page.setInputFiles(`#${id}`, { name, mimeType, buffer })
}

/** Everything of the form but the submit: project E1, 高中/中专, computer skills, the pre-check, files. */
async function fillForm(page: Page) {
  await expect(page.locator(`[data-batch="${BATCH}"] input`)).toBeChecked()
  await choose(page, '考核项目', '大数据分析')
  await choose(page, '文化程度', '高中/中专')
  await page.getByRole('textbox', { name: '工作单位' }).fill('成都某数据公司')
  await page.getByText('具有计算机操作能力', { exact: true }).click()
  await page.getByRole('button', { name: '检查是否符合申报条件' }).click()
  await expect(page.getByTestId('outcome')).toHaveText('需人工审核')
  await upload(page, 'file-photo', 'photo.png', samplePhoto())
  await expect(page.getByTestId('materials.photo-ok')).toBeVisible()
  await page.getByText('③ 学历证书', { exact: false }).click()
  for (const s of SCANS) {
    await upload(page, `file-${s}`, `${s}.png`, sampleScan())
    await expect(page.getByTestId(`materials.${s}-ok`)).toBeVisible()
  }
  await page.getByText('本人承诺所填信息和提交的材料真实有效', { exact: false }).click()
}

test('网上办事 lists the online services (public)', async ({ page }) => {
  await page.goto('/services')
  await expect(page.getByRole('heading', { name: '网上办事' })).toBeVisible()
  await expect(page.getByRole('link', { name: /专项职业能力考核报名/ })).toHaveAttribute('href', '/services/apply')
  await expect(page.getByRole('link', { name: /考评员督导员培训取证报名/ })).toHaveAttribute('href', '/services/assessor')
  await noHorizontalScroll(page)
  await checkPage(page, 'apply-services-phone')
})

test('R1 V1 M1 M2: 专项职业能力考核报名 shows the windows, the pre-check before submitting, refuses bad files in the browser and on the server, and submits', async ({ page, api, setClock }) => {
  await setClock(DAY.registration)
  const cand = await candidateAccount(api)
  await signIn(page, cand)
  await browserDay(page, DAY.registration)
  const uploads: string[] = []
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/materials')) uploads.push(r.url())
  })
  await page.goto('/services/apply')
  await expect(page.getByRole('heading', { name: '专项职业能力考核报名' })).toBeVisible()

  // the open batch with its four windows; a closed one greyed with the reason (R1)
  const open = page.locator(`[data-batch="${BATCH}"]`)
  await expect(open).toContainText('报名：2026-10-26 至 2026-11-02')
  await expect(open).toContainText('审核：2026-11-02 至 2026-11-13')
  await expect(open).toContainText('缴费：2026-11-16 至 2026-11-18')
  await expect(open).toContainText('准考证打印：2026-11-30 至 2026-12-04')
  const closed = page.locator('[data-batch="2026-11"]')
  await expect(closed).toHaveClass(/closed/)
  await expect(closed.getByTestId('batch-reason')).toHaveText(/报名时间为 2026-09-14 至 2026-09-21，已截止\s*R1/)
  await expect(closed.locator('input')).toBeDisabled()

  // the project and its 申报条件 in the notice's words
  await choose(page, '考核项目', '大数据分析')
  await expect(page.getByTestId('condition')).toContainText('具有计算机操作能力的人员')
  await choose(page, '文化程度', '高中/中专')
  await expect(page.getByRole('textbox', { name: '姓名' })).toHaveValue(cand.name)
  await expect(page.getByRole('textbox', { name: '身份证号' })).toHaveValue(cand.id_number)

  // the pre-check: without computer skills 不符合, with them 需人工审核 (declared)
  await expect(page.getByRole('button', { name: '提交报名' })).toBeDisabled()
  await page.getByRole('button', { name: '检查是否符合申报条件' }).click()
  await expect(page.getByTestId('outcome')).toHaveText('不符合')
  await expect(page.getByTestId('verdict')).toContainText('计算机操作能力：不符合')
  await page.getByText('具有计算机操作能力', { exact: true }).click()
  await expect(page.getByTestId('verdict')).toHaveCount(0)
  await page.getByRole('button', { name: '检查是否符合申报条件' }).click()
  await expect(page.getByTestId('outcome')).toHaveText('需人工审核')
  await expect(page.getByTestId('verdict')).toContainText('文化程度：符合')

  // M1 in the browser: a photo over 50 KB is refused before any upload
  const photo = item(page, '本人照片')
  await upload(page, 'file-photo', 'big.png', bigPhoto())
  await expect(photo.locator('.field-error')).toContainText('照片须小于 50KB')
  await expect(photo.locator('.rule-id')).toHaveText('M1')
  expect(uploads).toHaveLength(0)
  // M1 on the server: starts like a JPEG but does not open
  await upload(page, 'file-photo', 'photo.jpg', fakeJpeg(), 'image/jpeg')
  await expect(photo.locator('.field-error')).toContainText('文件已损坏')
  await expect(photo.locator('.rule-id')).toHaveText('M1')
  expect(uploads).toHaveLength(1)
  await checkPage(page, 'apply-refused-photo-phone')
  // M2 in the browser: a scan under 200 KB
  await upload(page, 'file-application_form', 'form.png', samplePhoto())
  await expect(item(page, '个人申报表').locator('.field-error')).toContainText('扫描件大小须为 200KB 至 300KB')
  expect(uploads).toHaveLength(1)

  await upload(page, 'file-photo', 'photo.png', samplePhoto())
  await expect(page.getByTestId('materials.photo-ok')).toBeVisible()
  await expect(photo.locator('.field-error')).toHaveCount(0)
  await page.getByText('③ 学历证书', { exact: false }).click()
  for (const s of SCANS) {
    await upload(page, `file-${s}`, `${s}.png`, sampleScan())
    await expect(page.getByTestId(`materials.${s}-ok`)).toBeVisible()
  }
  await page.getByText('本人承诺所填信息和提交的材料真实有效', { exact: false }).click()
  await noHorizontalScroll(page)
  await checkPage(page, 'apply-form-phone')

  await page.getByRole('button', { name: '提交报名' }).click()
  await expect(page).toHaveURL(/\/me\/applications\/[^/]+$/)
  await expect(page.getByTestId('status').first()).toHaveText('审核中')
  await expect(page.getByText('大数据分析')).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'apply-detail-phone')
})

test('R1: a submission after the registration window closed is refused beside the batch', async ({ page, api, setClock }) => {
  await setClock(DAY.registration)
  const cand = await candidateAccount(api)
  await signIn(page, cand)
  await browserDay(page, DAY.registration)
  await page.goto('/services/apply')
  await fillForm(page)
  await setClock(DAY.afterRegistration) // the window closes while the form is open
  await page.getByRole('button', { name: '提交报名' }).click()
  const batch = page.locator('.el-form-item').filter({ has: page.locator('[data-batch]') })
  await expect(batch.locator('.field-error')).toContainText('不在该批次的报名时间内')
  await expect(batch.locator('.rule-id').last()).toHaveText('R1')
  await expect(page).toHaveURL(/\/services\/apply$/)
  await checkPage(page, 'apply-r1-refused-phone')
  // the next day the batch is greyed with the reason
  await browserDay(page, DAY.afterRegistration)
  await page.reload()
  await expect(page.locator(`[data-batch="${BATCH}"] [data-testid="batch-reason"]`)).toHaveText(/报名时间为 2026-10-26 至 2026-11-02，已截止/)
  await expect(page.locator(`[data-batch="${BATCH}"] input`)).toBeDisabled()
})

test('V2: 报名历史 shows 退回修改; the named fields are highlighted, corrected and resubmitted in the review window, refused after it', async ({ page, api, admin, setClock }) => {
  await setClock(DAY.registration)
  const cand = await candidateAccount(api)
  const late = await candidateAccount(api)
  const app = await applyOverApi(cand)
  const lateApp = await applyOverApi(late)
  const rev = await reviewer(admin)
  const body = { decision: 'return', reason: '联系电话有误，照片不清晰', fields_to_fix: ['person.phone', 'materials.photo'] }
  await decide(rev, app.id, body)
  await decide(rev, lateApp.id, body)
  await waitStatus(cand, app.id, 'returned')
  await waitStatus(late, lateApp.id, 'returned')

  await signIn(page, cand)
  await browserDay(page, DAY.registration)
  await page.goto('/me/applications')
  await expect(page.getByRole('heading', { name: '报名历史' })).toBeVisible()
  const row = page.locator(`[data-application="${app.id}"]`)
  await expect(row.getByTestId('status')).toHaveText('退回修改')
  await expect(row).toContainText('大数据分析')
  await noHorizontalScroll(page)
  await checkPage(page, 'apply-history-phone')

  await row.getByRole('link', { name: /查看/ }).click()
  await expect(page.getByTestId('return-reason')).toHaveText('联系电话有误，照片不清晰')
  await expect(page.getByTestId('return')).toContainText('联系电话')
  await expect(page.getByTestId('return')).toContainText('本人照片')
  await page.getByRole('button', { name: '修改后重新提交' }).click()
  await expect(page.locator('.to-fix')).toHaveCount(2)
  await page.getByRole('textbox', { name: '联系电话' }).fill('13900139000')
  await upload(page, 'fix-photo', 'photo.png', samplePhoto())
  await expect(page.getByTestId('materials.photo-ok')).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'apply-return-phone')
  await page.getByRole('button', { name: '修改后重新提交' }).click()
  await expect(page.getByTestId('status').first()).toHaveText('审核中')
  await expect(page.getByTestId('phone')).toHaveText('13900139000')
  await expect(page.getByTestId('timeline-entry').filter({ hasText: '退回修改' })).toContainText('联系电话')

  // after the review window: the correction is refused (V2)
  await setClock(DAY.payment)
  const other = await page.context().newPage()
  await signIn(other, late)
  await browserDay(other, DAY.payment)
  await other.goto(`/me/applications/${lateApp.id}`)
  await other.getByRole('button', { name: '修改后重新提交' }).click()
  await other.getByRole('textbox', { name: '联系电话' }).fill('13900139001')
  await upload(other, 'fix-photo', 'photo.png', samplePhoto())
  await expect(other.getByTestId('materials.photo-ok')).toBeVisible()
  await other.getByRole('button', { name: '修改后重新提交' }).click()
  const banner = other.locator('.error-banner')
  await expect(banner).toContainText('审核时间已过')
  await expect(banner.locator('.rule-id')).toHaveText('V2')
  await checkPage(other, 'apply-return-late-phone')
})

test('B2: 撤回报名 with a confirmation before payment; 缴费 link when approved; not offered after 确认收费', async ({ page, api, admin, setClock }) => {
  await setClock(DAY.registration)
  const cand = await candidateAccount(api)
  const first = await applyOverApi(cand)
  await waitStatus(cand, first.id, 'submitted')
  await signIn(page, cand)
  await browserDay(page, DAY.registration)
  await page.goto(`/me/applications/${first.id}`)
  await expect(page.getByTestId('status').first()).toHaveText('审核中')
  await page.getByRole('button', { name: '撤回报名' }).click()
  const dialog = page.getByRole('dialog', { name: '撤回报名' })
  await expect(dialog).toContainText('确认收费前可以撤回')
  await checkPage(page, 'apply-withdraw-dialog-phone')
  await dialog.getByRole('button', { name: '撤回报名' }).click()
  await expect(page.getByTestId('status').first()).toHaveText('已撤回')
  await expect(page.getByRole('button', { name: '撤回报名' })).toHaveCount(0)

  // a second candidate, approved: 缴费 is linked, withdrawal still offered
  const payer = await candidateAccount(api)
  const app = await applyOverApi(payer)
  const rev = await reviewer(admin)
  await decide(rev, app.id, { decision: 'approve', reason: '材料齐全' })
  await waitStatus(payer, app.id, 'approved')
  const page2 = await page.context().newPage()
  await signIn(page2, payer)
  await browserDay(page2, DAY.registration)
  await page2.goto(`/me/applications/${app.id}`)
  await expect(page2.getByTestId('status').first()).toHaveText('审核通过')
  await expect(page2.getByRole('link', { name: '缴费' })).toHaveAttribute('href', `/me/applications/${app.id}/payment`)
  await expect(page2.getByRole('button', { name: '撤回报名' })).toBeVisible()
  await noHorizontalScroll(page2)
  await checkPage(page2, 'apply-approved-phone')

  await setClock(DAY.payment)
  await payAndConfirm(admin, payer, app.id)
  await waitStatus(payer, app.id, 'paid')
  await page2.reload()
  await expect(page2.getByTestId('status').first()).toHaveText('确认收费')
  await expect(page2.getByRole('button', { name: '撤回报名' })).toHaveCount(0)
  await expect(page2.getByRole('link', { name: '缴费' })).toHaveCount(0)
  await expect(page2.getByTestId('locked')).toContainText('已确认收费')
  await noHorizontalScroll(page2)
  await checkPage(page2, 'apply-paid-phone')
  await page2.close()
})
