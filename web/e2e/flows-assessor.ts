// The staff side of 考评员督导员培训取证报名 over the API, as deploy/demo.py's
// `assessors` stage does it (A1-A6): the provincial center registers a
// recommending unit (德阳, region 510600) and accounts for its operator and
// the municipal center; after the person applies in the browser, the unit,
// municipal and provincial reviews, 24 study hours, the exam score (a pass
// issues the card). The rehearsal clock moves to the 2025-2 period's days.
import { expect, type Page } from '@playwright/test'
import { Api, staffAccount } from './helpers'
import { photo, scan } from './flows'

export const ASSESSOR_DAYS = { apply: '2025-05-12', study: '2025-05-20', exam: '2025-06-06' }
export const PERIOD = '2025-2'
export const REGION = '510600'

export const photoFile = () => Buffer.from(photo(), 'base64')
export const scanFile = () => Buffer.from(scan(), 'base64')

/** The browser signed in as `client` (the portal keeps the token in sessionStorage). */
export async function signIn(page: Page, client: Api) {
  await page.addInitScript((token) => sessionStorage.setItem('skillcert.token', token), client.token!)
}

export async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no horizontal scroll at 375 px').toBeLessThanOrEqual(375)
}

/** A filed recommending unit with its operator account and the municipal center of its region. */
export async function recommendingUnit(admin: Api) {
  const run = Date.now().toString(36) + Math.floor(Math.random() * 1e4)
  const code = `e2e-a-${run}`
  await admin.post('/assessor/units', {
    code, name: `测试考评推荐单位${run}`, kind: 'filed', region: REGION, address: '德阳市旌阳区', contact: '0838-1234567',
  })
  const operator = await staffAccount(admin, 'institution_operator', { institution_code: code })
  const municipal = await staffAccount(admin, 'municipal_center', { region: REGION })
  return { code, operator, municipal }
}

/** One review step: unit (the unit's operator), municipal (the center of 510600) or provincial (admin). */
export async function review(who: Api, applicationId: string, step: 'unit' | 'municipal' | 'provincial', reason = '同意') {
  return who.post(`/assessor/applications/${applicationId}/reviews`, { step, decision: 'approve', reason })
}

/** Study hours then the exam score, on the exam day (A5, A6); answers the application with its card number. */
export async function studyAndExam(admin: Api, applicationId: string, score = 85) {
  await admin.put('/admin/clock', { today: ASSESSOR_DAYS.exam })
  await admin.post(`/assessor/applications/${applicationId}/study`, { studied_on: ASSESSOR_DAYS.study, hours: 24, course: '考评员工作流程' })
  return admin.post(`/assessor/applications/${applicationId}/exam-score`, { score })
}
