// 考评员督导员培训取证报名 (role candidate) at 375 px on the rehearsal clock
// (period 2025-2: applications 05-07..05-13): the 申报表 filled and submitted in
// the browser, with refusals beside their fields (A4: no 4th project, no
// mixing of types, 工作简介 under 300 characters; AT2: a photo too big; A2: the
// server's refusal of an unknown recommending unit), then the staff steps over
// the API (e2e/flows-assessor.ts) and 我的考评员报名 showing the progress
// 单位审核 → 市州审核 → 省级审核, the 学时, the exam result and the card.
import type { Page } from '@playwright/test'
import { test, expect, checkPage, candidateAccount, newIdNumber } from './helpers'
import {
  ASSESSOR_DAYS, noHorizontalScroll, photoFile, recommendingUnit, review, scanFile, signIn, studyAndExam,
} from './flows-assessor'

const BACK = '2026-11-16'

function item(page: Page, label: string) {
  return page.locator('.el-form-item').filter({ has: page.locator('> .el-form-item__label', { hasText: new RegExp(`^${label}$`) }) })
}
async function upload(page: Page, id: string, buffer: Buffer, name = 'file.jpg', mimeType = 'image/jpeg') {
  await page.setInputFiles(`#${id}`, { name, mimeType, buffer })
}
async function choose(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click()
  await page.getByRole('option', { name: option, exact: true }).click()
}
/** Element Plus hides the native checkbox: click its label. */
async function tick(page: Page, name: string | RegExp) {
  const box = page.getByRole('checkbox', typeof name === 'string' ? { name, exact: true } : { name })
  await page.locator('label').filter({ has: box }).click()
}
const SENTENCE = '本人长期从事大数据分析与数据治理工作，负责项目实施与人员培训考核。'

test('A4 A2 AT2: 考评员督导员培训取证报名 refuses a 4th project, mixed types and a short 工作简介 in the browser, the server refuses an unknown unit and 4 projects beside the field; after the reviews, 学时 and exam 我的考评员报名 shows the progress and the card', async ({ page, api, admin, setClock }) => {
  test.setTimeout(240_000)
  try {
    await setClock(ASSESSOR_DAYS.apply)
    const unit = await recommendingUnit(admin)
    const person = await candidateAccount(api, { id_number: newIdNumber('19780101', '510603') })
    await signIn(page, person)

    await page.goto('/services/assessor')
    await expect(page.getByRole('heading', { level: 1, name: '考评员督导员培训取证报名' })).toBeVisible()
    await expect(page.getByRole('radio', { name: /2025年第二期/ })).toBeChecked()
    await expect(page.getByTestId('period')).toContainText('2025-05-07 至 2025-05-13')
    await noHorizontalScroll(page)
    await checkPage(page, 'assessor-apply-phone')

    // 个人信息
    await page.getByRole('textbox', { name: '姓名' }).fill(person.name)
    await page.getByRole('textbox', { name: '身份证号码' }).fill(person.id_number)
    await expect(page.getByTestId('derived')).toContainText('出生年月：1978年01月')
    // AT2 in the browser: the assessors' own limit (2 MB), not the candidates' 50 KB
    await upload(page, 'up-photo', Buffer.concat([scanFile(), Buffer.alloc(2048 * 1024)]))
    await expect(item(page, '照片').locator('.field-error')).toContainText('文件大小不符合要求')
    await expect(item(page, '照片').locator('.rule-id')).toHaveText('AT2')
    await upload(page, 'up-photo', photoFile())
    await expect(page.getByTestId('up-photo-ok')).toBeVisible()
    await page.getByRole('textbox', { name: '联系手机' }).fill('13900139000')
    await choose(page, '文化程度', '本科')
    await page.getByRole('textbox', { name: '工作单位' }).fill('德阳数据科技有限公司')
    await page.getByRole('spinbutton', { name: '专业工龄（年）' }).fill('12')
    await page.getByRole('textbox', { name: '联系地址' }).fill('德阳市旌阳区')
    await page.getByRole('textbox', { name: '所在地区' }).fill('德阳市')
    // 推荐单位: first a code no unit has (the server refuses it, A2)
    await page.getByRole('textbox', { name: '推荐单位编码' }).fill('no-such-unit')
    // 职业资格证书
    await page.getByRole('button', { name: '添加证书' }).click()
    await choose(page, '证书 1 级别', '三级/高级工')
    await page.getByRole('textbox', { name: '证书 1 职业（工种）' }).fill('大数据工程技术人员')
    await page.getByRole('textbox', { name: '证书 1 证书编号' }).fill('S0001')
    await upload(page, 'up-qual-0', scanFile())
    await expect(page.getByTestId('up-qual-0-ok')).toBeVisible()

    // 申报考评项目 (A4): three of one type, then no 4th and no other type
    for (const p of ['大数据分析', '大数据清洗', '大数据采集']) await tick(page, p)
    await expect(page.getByTestId('project-count')).toContainText('已选 3/3')
    await expect(page.getByRole('checkbox', { name: '大数据运行平台搭建', exact: true })).toBeDisabled()
    await tick(page, '大数据采集')
    await expect(page.getByRole('checkbox', { name: '大数据运行平台搭建', exact: true })).toBeEnabled()
    await expect(page.getByRole('checkbox', { name: '人工智能图像识别', exact: true })).toBeDisabled()
    await expect(page.getByTestId('project-count')).toContainText('已选 2/3，类型：大数据类')

    // 申报条件 (1) and (4) with evidence
    await tick(page, /^（1）具备相关专项/)
    await upload(page, 'up-cond-1', scanFile())
    await expect(page.getByTestId('up-cond-1-ok')).toBeVisible()
    await tick(page, /^（4）具有丰富的从业经验/)
    await upload(page, 'up-cond-4', scanFile())
    await expect(page.getByTestId('up-cond-4-ok')).toBeVisible()

    // 工作简介: 200 characters are refused in the browser (at least 300)
    const summary = page.getByRole('textbox', { name: '工作简介' })
    await summary.fill(SENTENCE.repeat(10).slice(0, 200))
    await expect(page.getByTestId('summary-count')).toContainText('200 / 300')

    // uploads, pledge
    for (const id of ['up-form', 'up-id', 'up-insurance']) {
      await upload(page, id, scanFile())
      await expect(page.getByTestId(`${id}-ok`)).toBeVisible()
    }
    await tick(page, /本人已阅读并承诺/)

    const submitted: string[] = []
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/assessor/applications')) submitted.push(r.url()) })
    await page.getByRole('button', { name: '提交报名' }).click()
    await expect(item(page, '工作简介').locator('.field-error')).toContainText('工作简介少于 300 字（目前 200 字）')
    expect(submitted, 'the browser sends nothing with a short 工作简介').toEqual([])
    await noHorizontalScroll(page)
    await checkPage(page, 'assessor-apply-refused-phone')

    // 300 counted characters (spaces and line breaks do not count) pass the browser; the server refuses the unit
    await summary.fill(SENTENCE.repeat(10).slice(0, 150) + ' \n' + SENTENCE.repeat(10).slice(150, 300))
    await expect(page.getByTestId('summary-count')).toContainText('300 / 300')
    await page.getByRole('button', { name: '提交报名' }).click()
    const unitError = item(page, '推荐单位编码').locator('.field-error')
    await expect(unitError).toContainText('没有这个推荐单位')
    await expect(unitError.locator('.rule-id')).toHaveText('A2')
    expect(submitted.length).toBe(1)
    await checkPage(page, 'assessor-apply-server-refused-phone')

    await page.getByRole('textbox', { name: '推荐单位编码' }).fill(unit.code)
    // the server's own A4 check: a request that slips past the browser with 4 projects is refused beside 申报考评项目
    await page.route('**/api/assessor/applications', async (route) => {
      const body = route.request().postDataJSON()
      body.projects = ['bigdata-analysis', 'bigdata-cleaning', 'bigdata-collection', 'bigdata-platform-setup']
      await route.continue({ postData: JSON.stringify(body) })
    }, { times: 1 })
    await page.getByRole('button', { name: '提交报名' }).click()
    const projectsError = item(page, '申报考评项目').locator('.field-error')
    await expect(projectsError).toContainText('最多申报 3 个项目，您选择了 4 个')
    await expect(projectsError.locator('.rule-id')).toHaveText('A4')
    await expect(page).toHaveURL(/\/services\/assessor$/)
    await checkPage(page, 'assessor-apply-server-a4-phone')
    await page.getByRole('button', { name: '提交报名' }).click()
    await expect(page).toHaveURL(/\/me\/assessor\?id=/)
    const id = new URL(page.url()).searchParams.get('id')!
    const status = page.getByTestId('assessor-status')
    await expect(status).toHaveText('待单位审核')
    await expect(page.getByTestId('no-cards')).toBeVisible()
    await noHorizontalScroll(page)
    await checkPage(page, 'assessor-mine-phone')

    // the review chain over the API; the page follows after a reload
    await review(unit.operator, id, 'unit', '同意推荐')
    await page.reload()
    await expect(status).toHaveText('待市州审核')
    await expect(page.getByTestId('assessor-application')).toContainText('审核通过 · 2025-05-12：同意推荐')
    await review(unit.municipal, id, 'municipal')
    await page.reload()
    await expect(status).toHaveText('待省级审核')
    await review(admin, id, 'provincial')
    await page.reload()
    await expect(status).toHaveText('审核通过（参加培训）')
    await expect(page.getByTestId('study-hours')).toContainText('0 学时（须达到 20 学时）')
    await checkPage(page, 'assessor-mine-admitted-phone')

    const done = await studyAndExam(admin, id, 85)
    expect(done.card_number).toBeTruthy()
    await page.reload()
    await expect(status).toHaveText('考核合格（已发证卡）')
    await expect(page.getByTestId('study-hours')).toContainText('24 学时')
    await expect(page.getByTestId('exam-result')).toContainText('85 分，合格')
    const card = page.getByTestId('assessor-card')
    await expect(card).toContainText(done.card_number)
    await expect(card).toContainText('大数据分析、大数据清洗')
    await expect(card.getByTestId('card-valid')).toHaveText('2025-06-06 至 2028-06-06')
    await noHorizontalScroll(page)
    await checkPage(page, 'assessor-mine-card-phone')
  } finally {
    await setClock(BACK)
  }
})

test('我的考评员报名 without an application says so and links to 报名; an anonymous visitor is sent to sign in', async ({ page, api }) => {
  await page.goto('/services/assessor')
  await expect(page).toHaveURL(/\/login\?next=/)
  const person = await candidateAccount(api)
  await signIn(page, person)
  await page.goto('/me/assessor')
  await expect(page.getByTestId('no-application')).toContainText('本机没有考评员报名记录')
  await expect(page.getByTestId('no-cards')).toContainText('暂无证卡')
  // a 报名编号 that does not exist is refused beside the field
  await page.getByRole('textbox', { name: '报名编号' }).fill('00000000-0000-0000-0000-000000000000')
  await page.getByRole('button', { name: '查询' }).click()
  await expect(page.locator('.lookup .field-error')).toBeVisible()
  await noHorizontalScroll(page)
  await checkPage(page, 'assessor-mine-empty-phone')
})
