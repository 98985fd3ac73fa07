// 市州职鉴中心's console in the browser (#16, A1, A7): the assessor applications
// of its region that its recommending units approved, with its step's deadline
// (5/15) and what lapses after it; 同意 and 不同意 with the reason; its places in
// the period; another region's data refused.
import { test, expect, checkPage, staffAccount } from './helpers'
import { PERIOD, REGION, signIn } from './flows-assessor'
import { unitWithApplicants } from './flows-instops'

test('A1/A7: a municipal center decides its region\'s assessor applications by its deadline', async ({ page, admin, api }) => {
  const { operator, applicants } = await unitWithApplicants(admin, api, 2)
  for (const a of applicants)
    await operator.post(`/assessor/applications/${a.id}/reviews`, { step: 'unit', decision: 'approve', reason: '同意推荐' })
  const center = await staffAccount(admin, 'municipal_center', { region: REGION })
  await signIn(page, center)
  await page.goto('/')
  expect(await page.locator('nav.wide a').allInnerTexts()).toContain('考评员审核')
  await page.goto(`/municipal/assessors?period=${PERIOD}`)
  await expect(page.getByRole('heading', { name: '德阳市职业技能鉴定指导中心' })).toBeVisible()
  await expect(page.getByTestId('municipal-standing')).toContainText('参培名额')
  await expect(page.getByTestId('deadline')).toContainText('市州审核截止日期：5/15')
  await expect(page.getByTestId('deadline')).toContainText('逾期未审核的申报不再受理')
  const table = page.getByTestId('assessor-applications')
  // the server filters: the search box asks the gateway for one person
  await page.getByPlaceholder('姓名、身份证号或工作单位').fill(applicants[0].name)
  await page.getByPlaceholder('姓名、身份证号或工作单位').press('Enter')
  await expect(table.locator('tbody tr')).toHaveCount(1)
  await expect(table).toContainText('推荐单位初审：同意（同意推荐）')
  await checkPage(page, 'municipal-applications')
  await table.locator('tbody tr').first().getByRole('button', { name: '同意', exact: true }).click()
  await page.getByTestId('review-submit').click()
  await expect(table.locator('tbody tr').filter({ hasText: applicants[0].name })).toHaveCount(0)

  await page.getByPlaceholder('姓名、身份证号或工作单位').fill(applicants[1].name)
  await page.getByPlaceholder('姓名、身份证号或工作单位').press('Enter')
  await table.locator('tbody tr').first().getByRole('button', { name: '不同意' }).click()
  await page.getByTestId('review-reason').fill('不符合申报条件：相关工作年限不足10年')
  await page.getByTestId('review-submit').click()
  await expect(table.locator('tbody tr').filter({ hasText: applicants[1].name })).toHaveCount(0)

  const decided = await center.get('/municipal/assessor-applications', { period_code: PERIOD, q: applicants[1].name, status: 'rejected' })
  expect(decided.total).toBe(1)
  expect(decided.items[0].reviews.map((r: any) => [r.step, r.decision, r.reason])).toEqual([
    ['unit', 'approve', '同意推荐'], ['municipal', 'reject', '不符合申报条件：相关工作年限不足10年']])
  await checkPage(page, 'municipal-decided')

  // another region's applications and places are refused
  const other = await center.call('GET', '/municipal/standing', undefined, { period_code: PERIOD, region: '510100' })
  expect([other.status, other.json.code]).toEqual([403, 'OTHER_REGION'])
})
