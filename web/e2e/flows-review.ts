// The applications the reviewer console's browser test and its benchmark
// review, set up over the API: an institution operator registers candidates
// it first-reviewed (one bulk request, institution channel, V1), and
// individuals apply themselves (flows.register).
import { PROJECT, photo, scan, until, type Suite } from './flows'
import { newIdNumber, newName, staffAccount, type Api } from './helpers'

const SCANS = ['application_form', 'integrity_pledge', 'education_proof', 'id_card_front', 'id_card_back']
export const INSTITUTION = 'inst-02' // 四川省科教兴川促进会, authorised for 大数据分析 in 2026

export type Registered = { application_id: string; name: string; id_number: string }

/** An institution operator of `institution`, signed in. */
export function operatorOf(s: Suite, institution = INSTITUTION) {
  return staffAccount(s.admin, 'institution_operator', { institution_code: institution })
}

/** `count` first-reviewed candidates of an institution, registered on `day` (the
 * rehearsal clock) in bulk requests of up to 500; one photo and one set of scans
 * serve them all (files are stored by their content). */
export async function registerByInstitution(s: Suite, operator: Api, code: string, count: number, day: string,
  institution = INSTITUTION): Promise<Registered[]> {
  await s.at(day)
  const up = async (purpose: string, content_base64: string) => (await operator.post('/materials', { purpose, content_base64 })).hash as string
  const materials: Record<string, string> = { photo: await up('photo', photo()), education_proof_kind: 'diploma' }
  for (const kind of SCANS) materials[kind] = await up('scan', scan())
  const people = Array.from({ length: count }, () => ({ name: newName(), id_number: newIdNumber('19920101') }))
  const out: Registered[] = []
  for (let at = 0; at < people.length; at += 500) {
    const part = people.slice(at, at + 500)
    const bulk = await operator.post(`/institutions/${institution}/applications`, {
      applications: part.map((p) => ({
        batch_code: code, project_code: PROJECT,
        first_review: { reviewer: '王老师', reviewed_on: day, opinion: 'pass', pledge: true },
        person: { name: p.name, id_number: p.id_number, education: 'high_school', phone: '13800138000', work_unit: '成都某科技有限公司' },
        claim: { alternative: 'education', computer_skills: true }, materials, candidate_pledge: true,
      })),
    })
    if (bulk.failed) throw new Error(`institution registration failed: ${JSON.stringify(bulk.results.find((r: any) => !r.ok))}`)
    bulk.results.forEach((r: any, i: number) => out.push({ application_id: r.application_id, ...part[i] }))
  }
  return out
}

/** Until review's queue of the batch holds every one of `ids` (events travel). */
export async function inQueue(reviewer: Api, code: string, ids: string[], seconds = 120) {
  const wanted = new Set(ids)
  return until(async () => {
    const q = await reviewer.get('/review/console/queue', { batch_code: code, limit: '1000' })
    return q.items.filter((i: any) => wanted.has(i.application_id)).length === wanted.size && q
  }, 'the review queue', seconds)
}
