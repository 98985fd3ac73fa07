// An assessor card issued over the API, as deploy/demo.py's `assessors` stage
// does it (A1-A6): a recommending unit, its operator and the municipal
// center, the person's account, photo and scan, the 申报表, the review chain
// (unit, municipal, provincial), 24 study hours, the exam score, the card.
// The rehearsal clock goes to the period's dates (2025) and back.
import type { Page } from '@playwright/test'
import { Api, candidateAccount, newIdNumber, newName, staffAccount } from './helpers'

const DAYS = { apply: '2025-05-12', study: '2025-05-20', exam: '2025-06-06' }
const PERIOD = '2025-2'
const PROJECTS = ['bigdata-analysis', 'bigdata-cleaning']

/** A real JPEG made by the browser's canvas (random dots: each one differs), padded to `size` bytes. */
async function jpeg(page: Page, width: number, height: number, size?: number): Promise<string> {
  const b64 = await page.evaluate(([w, h]) => {
    const c = document.createElement('canvas')
    c.width = w
    c.height = h
    const g = c.getContext('2d')!
    g.fillStyle = `rgb(${Math.floor(Math.random() * 256)},${Math.floor(Math.random() * 256)},200)`
    g.fillRect(0, 0, w, h)
    for (let i = 0; i < 60; i++) {
      g.fillStyle = `rgb(${Math.floor(Math.random() * 256)},0,0)`
      g.fillRect(Math.random() * w, Math.random() * h, 2, 2)
    }
    return c.toDataURL('image/jpeg', 0.85).split(',')[1]
  }, [width, height])
  let data = Buffer.from(b64, 'base64')
  if (size !== undefined) {
    if (size < data.length) throw new Error(`a ${width}x${height} JPEG is already ${data.length} bytes`)
    data = Buffer.concat([data, Buffer.alloc(size - data.length)])
  }
  return data.toString('base64')
}

function form(name: string, idNumber: string, unit: string, photo: string, scan: string) {
  const summary = '本人长期从事大数据分析与数据治理工作，负责项目实施与人员培训考核。'.repeat(10).slice(0, 300)
  return {
    period_code: PERIOD,
    filled_on: '2025-05-08',
    person: {
      name, id_number: idNumber, phone: '13900139000', education: 'bachelor', work_unit: '德阳数据科技有限公司',
      professional_years: 12, address: '德阳市旌阳区', region: '德阳市',
      title: { level: 'intermediate', specialty: '计算机应用', certificate: scan },
      qualifications: [{ kind: 'skill_level', level: 'senior', occupation: '大数据工程技术人员', certificate_number: 'S0001', certificate: scan }],
    },
    unit: { code: unit, kind: 'filed', filing_accepted_on: null },
    projects: PROJECTS,
    conditions: [{ condition: 1, evidence: [scan] }, { condition: 4, evidence: [scan] }],
    work_summary: summary,
    materials: { photo, declaration_form: scan, id_card_copy: scan, social_insurance_proof: scan },
    pledge: { signed: true, signed_on: '2025-05-08' },
  }
}

/**
 * Issue one assessor card (valid 2025-06-06 through 2028-06-06); the clock is
 * put back to `backTo` afterwards whatever happens.
 */
export async function issueCard(page: Page, api: Api, admin: Api, backTo: string) {
  const run = Date.now().toString(36)
  const unit = `e2e-${run}`
  const region = '510600'
  try {
    await admin.put('/admin/clock', { today: DAYS.apply })
    await admin.post('/assessor/units', {
      code: unit, name: `测试考评推荐单位${run}`, kind: 'filed', region, address: '德阳市旌阳区', contact: '0838-1234567',
    })
    const operator = await staffAccount(admin, 'institution_operator', { institution_code: unit })
    const municipal = await staffAccount(admin, 'municipal_center', { region })
    const name = newName()
    const idNumber = newIdNumber('19780101')
    const person = await candidateAccount(api, { name, id_number: idNumber })
    const photo = (await person.post('/assessor/materials', { purpose: 'photo', content_base64: await jpeg(page, 120, 160) })).hash
    const scan = (await person.post('/assessor/materials', { purpose: 'scan', content_base64: await jpeg(page, 600, 800, 250 * 1024) })).hash
    let app = await person.post('/assessor/applications', form(name, idNumber, unit, photo, scan))
    const path = `/assessor/applications/${app.id}`
    for (const [step, who] of [['unit', operator], ['municipal', municipal], ['provincial', admin]] as const)
      if (app.chain.includes(step)) app = await who.post(`${path}/reviews`, { step, decision: 'approve', reason: '同意' })
    await admin.put('/admin/clock', { today: DAYS.exam })
    await admin.post(`${path}/study`, { studied_on: DAYS.study, hours: 24, course: '考评员工作流程' })
    app = await admin.post(`${path}/exam-score`, { score: 85 })
    if (!app.card_number) throw new Error(`no card after the exam: ${JSON.stringify(app)}`)
    return { cardNumber: app.card_number as string, name, idNumber, unit }
  } finally {
    await admin.put('/admin/clock', { today: backTo })
  }
}
