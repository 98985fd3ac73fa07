// The assessor side of the institution and municipal consoles' browser tests
// (#16), over the API: a recommending unit of 510600 (德阳) with its operator
// account, and people who apply for assessor training through it (A1-A4).
import { candidateAccount, newIdNumber, staffAccount, type Api } from './helpers'
import { PROJECT, photo, scan } from './flows'
import { ASSESSOR_DAYS, PERIOD, REGION } from './flows-assessor'

function assessorForm(name: string, id_number: string, unit: string, photoHash: string, scanHash: string) {
  const summary = '本人长期从事大数据分析与数据治理工作，负责项目实施与人员培训考核。'.repeat(10).slice(0, 300)
  return {
    period_code: PERIOD, filled_on: '2025-05-08',
    person: {
      name, id_number, phone: '13900139000', education: 'bachelor', work_unit: '德阳数据科技有限公司',
      professional_years: 12, address: '德阳市旌阳区', region: '德阳市',
      title: { level: 'intermediate', specialty: '计算机应用', certificate: scanHash },
      qualifications: [{ kind: 'skill_level', level: 'senior', occupation: '大数据工程技术人员', certificate_number: 'S0001', certificate: scanHash }],
    },
    unit: { code: unit, kind: 'filed', filing_accepted_on: null },
    projects: [PROJECT, 'bigdata-cleaning'],
    conditions: [{ condition: 1, evidence: [scanHash] }, { condition: 4, evidence: [scanHash] }],
    work_summary: summary,
    materials: { photo: photoHash, declaration_form: scanHash, id_card_copy: scanHash, social_insurance_proof: scanHash },
    pledge: { signed: true, signed_on: '2025-05-08' },
  }
}

/** A recommending unit of 510600 with its operator, and `count` applicants of it. */
export async function unitWithApplicants(admin: Api, api: Api, count: number) {
  await admin.put('/admin/clock', { today: ASSESSOR_DAYS.apply })
  const run = Date.now().toString(36) + Math.floor(Math.random() * 1e4)
  const unit = `e2e-o-${run}`
  const unitName = `测试考评推荐单位${run}`
  await admin.post('/assessor/units', { code: unit, name: unitName, kind: 'filed', region: REGION, address: '德阳市旌阳区', contact: '0838-1234567' })
  const operator = await staffAccount(admin, 'institution_operator', { institution_code: unit })
  const applicants: { id: string; name: string }[] = []
  for (let n = 0; n < count; n++) {
    const person = await candidateAccount(api, { id_number: newIdNumber('19780101') })
    const ph = (await person.post('/assessor/materials', { purpose: 'photo', content_base64: photo() })).hash
    const sc = (await person.post('/assessor/materials', { purpose: 'scan', content_base64: scan() })).hash
    const app = await person.post('/assessor/applications', assessorForm(person.name, person.id_number, unit, ph, sc))
    applicants.push({ id: app.id, name: person.name })
  }
  return { unit, unitName, operator, applicants }
}

