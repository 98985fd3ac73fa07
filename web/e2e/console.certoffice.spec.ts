// 证书管理, the certificate office's console, at 1366 px (#17). A certificate of
// this run is issued over the API (deploy/demo.py's steps: flows.issuedCertificate),
// then the certificate officer works in the browser: the role's menus; 已发证书
// filtered on the server to the batch; its ledger (not handed over yet); 打印批次
// made for the batch, and the certificate shown printed; 吊销 refused without a
// reason (told beside the fields, in Chinese), then with one: the certificate is
// revoked for the public check too; 签名密钥与状态列表: the keys, rotation said to
// be an ops action, and the revoked number on the signed status list.
import { test, expect, checkPage, candidateAccount, newName } from './helpers'
import { connect, issuedCertificate, type Suite } from './flows'
import { signIn } from './flows-apply'

let s: Suite
let code: string
let number: string

test.beforeAll(async () => {
  test.setTimeout(600_000)
  s = await connect()
  const issued = await issuedCertificate(s)
  code = issued.code
  number = issued.number
})
test.afterAll(async () => {
  await s?.ctx.dispose()
})

test('证书管理: what was issued, its ledger, a print batch, a revocation with its reason, the keys and the status list', async ({ page }) => {
  const officer = s.staff.certificate_officer
  await signIn(page, officer)
  await page.goto('/')
  const nav = page.locator('header nav.wide')
  await expect(nav.getByRole('link', { name: '证书管理' })).toBeVisible()
  await expect(nav.getByRole('link', { name: '数据看板' })).toBeVisible()
  await expect(nav.getByRole('link', { name: '账号与角色' })).toHaveCount(0)
  await expect(nav.getByRole('link', { name: '复审工作台' })).toHaveCount(0)
  await nav.getByRole('link', { name: '证书管理' }).click()
  await expect(page.getByRole('heading', { level: 1, name: '证书管理' })).toBeVisible()

  // 已发证书, filtered on the server to this run's batch
  await page.getByTestId('f-batch').click()
  await page.getByRole('option', { name: code, exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`batch_code=${code}`))
  await expect(page.getByTestId('cert-total')).toHaveText('共 1 本证书')
  const row = page.getByTestId('certificates').locator('tbody tr', { hasText: number })
  await expect(row).toContainText('有效')
  await expect(row).toContainText('未打印')
  await expect(row).not.toContainText(/\d{17}[\dX]/)          // the ID number masked
  await checkPage(page, 'console-certoffice-issued')

  // its ledger: nothing handed over yet
  await row.getByRole('button', { name: '证书台账' }).click()
  await expect(page.getByTestId('ledger')).toContainText('这本纸质证书尚未交接')
  await page.locator('.el-drawer').getByRole('button', { name: /关闭|Close/ }).click()

  // 打印批次 for the batch
  await page.getByRole('tab', { name: '打印批次' }).click()
  await page.getByTestId('print-batch').click()
  await page.getByRole('option', { name: code, exact: true }).click()
  await expect(page.getByTestId('print-batches')).toContainText('该考核批次还没有打印批次')
  await page.getByTestId('print-create').click()
  await expect(page.getByTestId('print-batches').locator('tbody tr')).toHaveCount(1)
  await expect(page.getByTestId('print-batches').locator('tbody tr')).toContainText('1')
  await checkPage(page, 'console-certoffice-print')

  // back to the table: printed; 吊销 without a reason first
  await page.getByRole('tab', { name: '已发证书' }).click()
  // a prefix of 12 (issuer, year, six of the seven random serial digits): one of 8 was
  // issuer and year and two digits, and another test's certificate shared it now and then
  await page.getByTestId('f-number').fill(number.slice(0, 12))
  await page.getByRole('button', { name: '证书编号', exact: true }).click()
  await expect(page.getByTestId('cert-total')).toHaveText('共 1 本证书')
  await expect(row).toContainText('已打印待领取')
  await page.getByTestId(`revoke-${number}`).click()
  const dialog = page.locator('.el-dialog', { hasText: `吊销证书 ${number}` })
  await dialog.getByTestId('revoke-confirm').click()
  await expect(dialog.locator('.field-error').first()).toBeVisible()
  await expect(dialog.locator('.field-error').first()).toContainText(/[\u4e00-\u9fff]/)
  await checkPage(page, 'console-certoffice-revoke-error')
  await dialog.getByText('弄虚作假（发证后查实提供虚假材料）').click()
  await dialog.getByTestId('reason').fill('发证后查实报名时提交的学历证明系伪造（测试）')
  await dialog.getByTestId('revoke-confirm').click()
  await expect(dialog).toBeHidden()
  await expect(row).toContainText('已吊销')
  const verdict = await s.api.call('GET', `/public/certificates/${number}`)
  expect(JSON.stringify(verdict.json)).toContain('revoked')

  // the keys, rotation an ops action, and the status list with the revoked number
  await page.getByRole('tab', { name: '签名密钥与状态列表' }).click()
  await expect(page.getByTestId('keys')).toContainText('正在使用')
  await expect(page.getByTestId('rotation-note')).toContainText('python -m deploy.ops rotate-signing-key')
  await expect(page.getByTestId('status-list')).toContainText(number)
  await expect(page.getByTestId('status-list')).toContainText('弄虚作假')
  await checkPage(page, 'console-certoffice-keys')
})

test('a candidate has no 证书管理 and cannot open it', async ({ page, api }) => {
  const candidate = await candidateAccount(api, { name: newName() })
  await signIn(page, candidate)
  await page.goto('/certoffice')
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByRole('link', { name: '证书管理' })).toHaveCount(0)
})
