// 账号 journeys at 375 px: 自然人用户注册 (R2 checked as it is typed, the
// server's refusals beside their fields, then signed in to 个人中心), 登录 with
// ?next=, a wrong password and too many attempts, 退出登录 on the server,
// 个人中心 (the ID number masked), 修改密码 (every token revoked).
import type { Page } from '@playwright/test'
import { test, expect, checkPage, newIdNumber, newName, candidateAccount, idCheck, PASSWORD } from './helpers'

async function noHorizontalScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width, 'no horizontal scroll at 375 px').toBeLessThanOrEqual(375)
}

/** The form item of a label, and the error shown in it. */
function item(page: Page, label: string) {
  return page.locator('.el-form-item').filter({ has: page.locator('label.el-form-item__label', { hasText: new RegExp(`^${label}$`) }) })
}
function errorOf(page: Page, label: string) {
  return item(page, label).locator('.field-error')
}
const CHINESE = /[\u4e00-\u9fa5]/

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel('用户名', { exact: true }).fill(username)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
}

function uniqueName() {
  return `u${Date.now().toString(36)}${Math.floor(Math.random() * 1e5)}`
}

test('R2: 自然人用户注册 tells which part of the ID number is wrong as it is typed, beside the field', async ({ page }) => {
  await page.goto('/signup')
  await expect(page.getByRole('heading', { level: 1, name: '自然人用户注册' })).toBeVisible()
  // the password policy of the gateway (domain.py check_password) is shown
  await expect(page.getByText('8–128 位')).toBeVisible()
  await expect(page.getByText('同时包含字母和数字')).toBeVisible()
  await expect(page.getByText('不能与用户名相同')).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'account-signup-phone')

  const id = page.getByLabel('身份证号码')
  const good = newIdNumber('19900101')
  // length, while typing
  await id.pressSequentially(good.slice(0, 10))
  await expect(errorOf(page, '身份证号码')).toContainText('身份证号码应为 18 位，已输入 10 位')
  await expect(errorOf(page, '身份证号码').locator('.rule-id')).toHaveText('R2')
  // a wrong check character
  const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  await id.fill(wrong)
  await expect(errorOf(page, '身份证号码')).toContainText(`校验码不符（最后一位应为 ${good[17]}）`)
  // a birth date that is no date (the check character made right, so only the date is wrong)
  const first = `51010419900230${good.slice(14, 17)}`
  await id.fill(first + idCheck(first))
  await expect(errorOf(page, '身份证号码')).toContainText('出生日期 1990-02-30 不是真实的日期')
  // a birth date in the future
  const future = `51010420991231${good.slice(14, 17)}`
  await id.fill(future + idCheck(future))
  await expect(errorOf(page, '身份证号码')).toContainText('晚于今天')
  await noHorizontalScroll(page)
  await checkPage(page, 'account-signup-id-error-phone')
  // a lower-case x is accepted
  const withX = (() => {
    for (let s = 0; s < 1000; s++) {
      const f = `51010419900101${String(s).padStart(3, '0')}`
      if (idCheck(f) === 'X') return f + 'x'
    }
    throw new Error('no X')
  })()
  await id.fill(withX)
  await expect(errorOf(page, '身份证号码')).toHaveCount(0)
  await expect(page.getByText('号码格式正确（出生日期 1990-01-01）')).toBeVisible()
  // submitting with a wrong number sends nothing and keeps the message beside the field
  await id.fill(wrong)
  await page.getByRole('button', { name: '注册并登录' }).click()
  await expect(errorOf(page, '身份证号码')).toContainText('校验码不符')
})

test('自然人用户注册: the server refusals (ID number already has an account, user name taken) beside their fields in Chinese; then signed in at 个人中心 with the ID number masked', async ({ page, api }) => {
  const existing = await candidateAccount(api)
  await page.goto('/signup')
  const name = newName()
  await page.getByLabel('姓名').fill(name)
  await page.getByLabel('身份证号码').fill(existing.id_number)
  await page.getByLabel('手机号码').fill('1380013800') // 10 digits
  await page.getByLabel('用户名').fill(existing.username)
  await page.getByLabel('密码', { exact: true }).fill('abcdefgh')
  await page.getByLabel('确认密码').fill('abcdefgh')
  await page.getByRole('button', { name: '注册并登录' }).click()
  // the form's own checks first: phone and password policy
  await expect(errorOf(page, '手机号码')).toContainText('11 位手机号码')
  await expect(errorOf(page, '密码')).toContainText('密码需同时包含字母和数字')
  await page.getByLabel('手机号码').fill('13800138000')
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  await page.getByLabel('确认密码').fill(PASSWORD + 'x')
  await page.getByRole('button', { name: '注册并登录' }).click()
  await expect(errorOf(page, '确认密码')).toContainText('两次输入的密码不一致')
  await page.getByLabel('确认密码').fill(PASSWORD)
  await page.getByRole('button', { name: '注册并登录' }).click()
  // the user name is checked first by the server
  await expect(errorOf(page, '用户名')).toContainText(CHINESE)
  await expect(errorOf(page, '用户名')).not.toContainText(/taken/i)
  const username = uniqueName()
  await page.getByLabel('用户名').fill(username)
  await page.getByRole('button', { name: '注册并登录' }).click()
  await expect(errorOf(page, '身份证号码')).toContainText(CHINESE)
  await expect(errorOf(page, '身份证号码')).not.toContainText(/account/i)
  await noHorizontalScroll(page)
  await checkPage(page, 'account-signup-server-errors-phone')

  const idNumber = newIdNumber('19850615')
  await page.getByLabel('身份证号码').fill(idNumber)
  await page.getByRole('button', { name: '注册并登录' }).click()
  await expect(page).toHaveURL(/\/me$/)
  await expect(page.getByRole('heading', { level: 1, name: '个人中心' })).toBeVisible()
  await expect(page.locator('main').getByText(name, { exact: true })).toBeVisible()
  // first 3 and last 2 only: neither the whole number nor the birth date is on screen
  await expect(page.getByTestId('me-id-number')).toHaveText(idNumber.slice(0, 3) + '*'.repeat(13) + idNumber.slice(-2))
  const text = await page.locator('body').innerText()
  expect(text).not.toContain(idNumber)
  expect(text).not.toContain('19850615')
  await expect(page.getByText('自然人用户')).toBeVisible()
  await expect(page.getByText('138****8000')).toBeVisible()
  for (const [label, to] of [['报名历史', '/me/applications'], ['我的证书', '/me/certificates'], ['考评员培训', '/me/assessor'], ['修改密码', '/me/password']])
    await expect(page.getByRole('link', { name: new RegExp(label) })).toHaveAttribute('href', to)
  await noHorizontalScroll(page)
  await checkPage(page, 'account-me-phone')
  // the account exists on the server, bound to the number
  const me = await (await api.login(username, PASSWORD)).get('/accounts/me')
  expect(me).toMatchObject({ username, name, id_number: idNumber, role: 'candidate', phone: '13800138000' })
})

test('登录 with ?next=: a protected page sends an anonymous visitor to 登录, a wrong password is told beside the password field, then back to the page', async ({ page, api }) => {
  const person = await candidateAccount(api)
  await page.goto('/me/password')
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)me(%2F|\/)password$/)
  await expect(page.getByText('请先登录')).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'account-login-phone')
  await signIn(page, person.username, 'Wrong-pass-123')
  await expect(errorOf(page, '密码')).toHaveText('用户名或密码错误')
  await expect(page).toHaveURL(/\/login/)
  await checkPage(page, 'account-login-wrong-password-phone')
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page).toHaveURL(/\/me\/password$/)
  await expect(page.getByRole('heading', { level: 1, name: '修改密码' })).toBeVisible()
})

test('登录: a ?next= to another site is not followed', async ({ page, api }) => {
  const person = await candidateAccount(api)
  await page.goto('/login?next=//evil.example/x')
  await signIn(page, person.username, PASSWORD)
  await expect(page).toHaveURL(/\/me$/)
})

test('登录: too many attempts (429, per address and user name) are told in Chinese', async ({ page, api }) => {
  const person = await candidateAccount(api)
  // spend the bucket of this user name over the API, from the same address (the suite allows 60 at once)
  let status = 0
  for (let i = 0; i < 100 && status !== 429; i++)
    status = (await api.call('POST', '/auth/token', { username: person.username, password: 'Wrong-pass-123' })).status
  expect(status).toBe(429)
  // the bucket refills (one a second here): the browser's own request is sent
  // again until the gateway answers it 429 too, and that answer is what the page gets
  await page.route('**/api/auth/token', async (route) => {
    let response = await route.fetch()
    for (let i = 0; i < 100 && response.status() !== 429; i++) response = await route.fetch()
    await route.fulfill({ response })
  })
  await page.goto('/login')
  await signIn(page, person.username, PASSWORD)
  await expect(page.getByRole('alert').filter({ hasText: '登录尝试次数过多' })).toBeVisible()
  await expect(page).toHaveURL(/\/login/)
  await noHorizontalScroll(page)
  await checkPage(page, 'account-login-rate-limited-phone')
})

test('退出登录 on the server: the old token no longer works (GET /api/accounts/me -> 401)', async ({ page, api }) => {
  const person = await candidateAccount(api)
  await page.goto('/login')
  await signIn(page, person.username, PASSWORD)
  await expect(page).toHaveURL(/\/me$/)
  const token = await page.evaluate(() => sessionStorage.getItem('skillcert.token'))
  expect(token).toBeTruthy()
  expect((await api.ctx.get('/api/accounts/me', { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(200)
  await page.locator('main').getByRole('button', { name: '退出登录' }).click()
  await expect(page).toHaveURL(/\/login\?out=1$/)
  await expect(page.getByText('您已退出登录')).toBeVisible()
  expect(await page.evaluate(() => sessionStorage.getItem('skillcert.token'))).toBeNull()
  const after = await api.ctx.get('/api/accounts/me', { headers: { Authorization: `Bearer ${token}` } })
  expect(after.status()).toBe(401)
  // and the portal treats the visitor as anonymous again
  await page.goto('/me')
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)me$/)
})

test('修改密码: errors beside their fields (wrong old password, policy, confirmation); after the change every token is revoked and the person signs in again', async ({ page, api }) => {
  const person = await candidateAccount(api)
  await page.goto('/login?next=/me/password')
  await signIn(page, person.username, PASSWORD)
  await expect(page.getByRole('heading', { level: 1, name: '修改密码' })).toBeVisible()
  await expect(page.getByText('同时包含字母和数字')).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'account-password-phone')
  const token = await page.evaluate(() => sessionStorage.getItem('skillcert.token'))

  const submit = () => page.getByRole('button', { name: '确认修改' }).click()
  await page.getByLabel('原密码').fill(PASSWORD)
  await page.getByLabel('新密码', { exact: true }).fill('onlyletters')
  await page.getByLabel('确认新密码').fill('onlyletters')
  await submit()
  await expect(errorOf(page, '新密码')).toContainText('密码需同时包含字母和数字')
  await page.getByLabel('新密码', { exact: true }).fill(person.username)
  await expect(errorOf(page, '新密码')).toContainText(/密码(不能与用户名相同|需同时包含字母和数字)/)
  const fresh = 'New-pass-2027'
  await page.getByLabel('新密码', { exact: true }).fill(fresh)
  await page.getByLabel('确认新密码').fill('New-pass-2028')
  await submit()
  await expect(errorOf(page, '确认新密码')).toContainText('两次输入的密码不一致')
  await page.getByLabel('确认新密码').fill(fresh)
  await page.getByLabel('原密码').fill('Not-my-pass-1')
  await submit()
  await expect(errorOf(page, '原密码')).toHaveText('原密码不正确')
  await checkPage(page, 'account-password-errors-phone')
  await page.getByLabel('原密码').fill(PASSWORD)
  await submit()
  await expect(page).toHaveURL(/\/login\?changed=1$/)
  await expect(page.getByText('密码已修改，请用新密码重新登录')).toBeVisible()
  expect((await api.ctx.get('/api/accounts/me', { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(401)
  await signIn(page, person.username, PASSWORD)
  await expect(errorOf(page, '密码')).toHaveText('用户名或密码错误')
  await page.getByLabel('密码', { exact: true }).fill(fresh)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page).toHaveURL(/\/me$/)
})
