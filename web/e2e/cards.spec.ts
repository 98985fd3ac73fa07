// 考评员证卡查询 (public) at 375 px: a number that is no card number (the
// browser's format check, then the server's check character, A6), a card
// number that does not exist (未查到), and a real card issued through the API
// (e2e/flows-cards.ts, as deploy/demo.py's assessors stage) shown as 有效.
import type { Page } from '@playwright/test'
import { test, expect, checkPage } from './helpers'
import { issueCard } from './flows-cards'

async function noHorizontalScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width, 'no horizontal scroll at 375 px').toBeLessThanOrEqual(375)
}
const error = (page: Page) => page.locator('.el-form-item').filter({ hasText: '证卡编号' }).locator('.field-error')

/** ISO 7064 MOD 11-2 over 13 digits (as the card numbers carry it). */
function mod112(body: string) {
  let check = 0
  for (const d of body) check = ((check + Number(d)) * 2) % 11
  const c = (12 - check) % 11
  return c === 10 ? 'X' : String(c)
}

async function check(page: Page, number: string) {
  await page.getByLabel('证卡编号').fill(number)
  await page.getByRole('button', { name: '查询', exact: true }).click()
}

test('A6: 考评员证卡查询 refuses a malformed number beside the field (browser format, then the check character)', async ({ page }) => {
  await page.goto('/assessor-cards/check')
  await expect(page.getByRole('heading', { level: 1, name: '考评员证卡查询' })).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'cards-check-phone')
  await check(page, '5120250')
  await expect(error(page)).toContainText('证卡编号为 14 位')
  // 14 characters, the check character wrong: the server says so (A6)
  const body = '5120250200001'
  const wrong = body + (mod112(body) === '0' ? '1' : '0')
  await check(page, wrong)
  await expect(error(page)).toContainText('证卡编号有误')
  await expect(error(page).locator('.rule-id')).toHaveText('A6')
  await noHorizontalScroll(page)
  await checkPage(page, 'cards-check-malformed-phone')
})

test('A6: 考评员证卡查询 says clearly 未查到 for a card number that does not exist', async ({ page }) => {
  await page.goto('/assessor-cards/check')
  const body = '5119990199999'
  await check(page, body + mod112(body))
  await expect(error(page)).toContainText('未查到该证卡')
  await expect(page.getByTestId('card-state')).toHaveCount(0)
  await noHorizontalScroll(page)
  await checkPage(page, 'cards-check-not-found-phone')
})

test('A6: 考评员证卡查询 shows a real card as 有效 with the holder masked as the API gives it, and 已过期 after its three years', async ({ page, api, admin, setClock }) => {
  await page.goto('/assessor-cards/check')
  const card = await issueCard(page, api, admin, '2026-11-16')
  await check(page, card.cardNumber.slice(0, 7) + ' ' + card.cardNumber.slice(7).toLowerCase())
  await expect(page.getByTestId('card-state')).toHaveText('有效')
  await expect(page.getByText('该证卡在 2026-11-16 有效。')).toBeVisible()
  const masked = card.idNumber.slice(0, 3) + '*'.repeat(13) + card.idNumber.slice(-2)   // kernel.privacy.mask_id
  await expect(page.getByText(masked, { exact: true })).toBeVisible()
  await expect(page.locator('main')).not.toContainText(card.idNumber)
  await expect(page.getByText(card.name, { exact: true })).toBeVisible()
  await expect(page.getByText('2025-06-06 至 2028-06-06')).toBeVisible()
  await expect(page).toHaveURL(new RegExp(`n=${card.cardNumber}$`))
  await noHorizontalScroll(page)
  await checkPage(page, 'cards-check-valid-phone')
  // three years on (the last valid day is 2028-06-06): 已过期
  try {
    await setClock('2028-06-07')
    await page.getByRole('button', { name: '查询', exact: true }).click()
    await expect(page.getByText('该证卡已超过有效期')).toBeVisible()
    await expect(page.getByTestId('card-state')).toHaveText('已过期')
    await checkPage(page, 'cards-check-expired-phone')
  } finally {
    await setClock('2026-11-16')
  }
})

test('A6: 考评员证卡查询 shows a revoked card as 已注销', async ({ page, api, admin }) => {
  await page.goto('/assessor-cards/check')
  const card = await issueCard(page, api, admin, '2026-11-16')
  await admin.post(`/assessor/cards/${card.cardNumber}/revoke`, { reason: '测试：违规开展考评工作' })
  await check(page, card.cardNumber)
  await expect(page.getByTestId('card-state')).toHaveText('已注销')
  await expect(page.getByText('该证卡已被注销')).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'cards-check-revoked-phone')
})
