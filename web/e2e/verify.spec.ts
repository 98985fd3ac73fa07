// 身份核验 at 375 px (docs/verification.md): an institution registers a person
// (over the API, as its operator would in bulk); the person's own account meets
// PERSON_NOT_VERIFIED on that application, follows the link to 身份核验, sees
// the phone the institution entered (masked), asks for a code (the button
// counts down), types a wrong one (told beside the field, in Chinese), reads
// the right one where the suite's file sender leaves it (<data dir>/sms-outbox,
// as the operator of a single-machine deployment would) and is verified: the
// application is then in 报名历史.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, checkPage, candidateAccount, newIdNumber, newName, staffAccount } from './helpers'
import { BATCH, DAY, SCANS, browserDay, noHorizontalScroll, samplePhoto, sampleScan, signIn } from './flows-apply'

const b64 = (b: Buffer) => b.toString('base64')

/** The codes the suite's file sender wrote for `phone`, oldest first. */
function codesSentTo(phone: string): string[] {
  const dir = join(process.env.SKILLCERT_E2E_DATA_DIR ?? '', 'sms-outbox')
  let names: string[] = []
  try {
    names = readdirSync(dir).sort()
  } catch {
    return []
  }
  return names
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as { to: string; code: string })
    .filter((m) => m.to === phone)
    .map((m) => m.code)
}

test('身份核验: a code to the phone the institution entered, then the institution\'s registration is the candidate\'s', async ({ page, api, admin, setClock }) => {
  test.skip(!process.env.SKILLCERT_E2E_DATA_DIR, 'needs the suite this run launched (its data dir holds the SMS outbox)')
  await setClock(DAY.registration)
  await browserDay(page, DAY.registration)
  // the institution registers the person, with the mobile number it has on file
  const operator = await staffAccount(admin, 'institution_operator', { institution_code: 'inst-01' })
  const up = async (purpose: string, data: Buffer) => (await operator.post('/materials', { purpose, content_base64: b64(data) })).hash as string
  const materials: Record<string, string> = { photo: await up('photo', samplePhoto()), education_proof_kind: 'diploma' }
  for (const s of SCANS) materials[s] = await up('scan', sampleScan())
  const name = newName()
  const id_number = newIdNumber('19900101')
  const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
  const masked = `${phone.slice(0, 3)}****${phone.slice(7)}`
  const bulk = await operator.post('/institutions/inst-01/applications', {
    applications: [{
      batch_code: BATCH, project_code: 'bigdata-platform-setup',
      first_review: { reviewer: '王老师', reviewed_on: '2026-10-30', opinion: 'pass', pledge: true },
      person: { name, id_number, education: 'high_school', phone },
      claim: { alternative: 'education', computer_skills: true }, materials, candidate_pledge: true,
    }],
  })
  expect(bulk.ok, JSON.stringify(bulk)).toBe(1)
  const appId = bulk.results[0].application_id as string

  // the person opens their own account (another phone typed: never where a code goes)
  const me = await candidateAccount(api, { name, id_number })
  await signIn(page, me)
  await page.goto(`/me/applications/${appId}`)
  const banner = page.locator('.error-banner')
  await expect(banner).toContainText('完成身份核验')
  await banner.getByRole('link', { name: '去身份核验' }).click()

  await expect(page).toHaveURL(/\/me\/verify$/)
  await expect(page.getByRole('heading', { level: 1, name: '身份核验' })).toBeVisible()
  await expect(page.getByTestId('phone-on-file')).toHaveText(masked)
  await noHorizontalScroll(page)
  await checkPage(page, 'account-verify-phone')

  const send = page.getByRole('button', { name: '获取验证码' })
  await send.click()
  await expect(page.getByRole('status')).toContainText(`验证码已发送至 ${masked}`)
  const countdown = page.getByRole('button', { name: /秒后重新获取/ })
  await expect(countdown).toBeDisabled()
  await expect.poll(() => codesSentTo(phone).length).toBe(1)
  const [code] = codesSentTo(phone)

  // a wrong code: told beside the field, with the tries left
  const field = page.getByRole('textbox', { name: '验证码' })
  await field.fill(code === '000000' ? '111111' : '000000')
  await page.getByRole('button', { name: '确认核验' }).click()
  const fieldError = page.locator('.el-form-item').filter({ has: field }).locator('.field-error')
  await expect(fieldError).toHaveText('验证码不正确，还可以再试 4 次')
  await checkPage(page, 'account-verify-wrong-code-phone')

  await field.fill(code)
  await page.getByRole('button', { name: '确认核验' }).click()
  await expect(page.getByTestId('verified')).toContainText('已完成身份核验')
  await expect(page.getByTestId('verified')).toContainText(masked)
  await checkPage(page, 'account-verify-done-phone')

  await page.getByRole('link', { name: '查看报名历史' }).click()
  await expect(page.locator(`[data-application="${appId}"]`)).toBeVisible()
  await expect(page.getByTestId('verify-hint')).toHaveCount(0)
  await page.goto(`/me/applications/${appId}`)
  await expect(page.locator('.error-banner')).toHaveCount(0)
})
