// What the reviewer console works with: the review service's answers (the
// OpenAPI types leave them open), the queue's filters as they stand in the
// address (so the next application follows the same queue), the files fetched
// with the session's token, and the queue the detail page walks through.
import { api, download, unwrap } from '@/api/client'
import type { Verdict } from '@/components/apply/model'

export type QueueItem = {
  application_id: string
  batch_code: string
  project_code: string
  channel: 'institution' | 'individual'
  institution_code: string | null
  id_number: string
  name: string
  stage: 're_review' | 'center_review'
  round: number
  received_on: string
  due_on: string | null
  overdue: boolean
  overdue_workdays: number | null
  due_in_workdays?: number | null
  precheck_outcome: string | null
  dishonesty_records: number
}
export type Queue = { total: number; items: QueueItem[] }
export type SummaryRow = { batch_code: string; project_code: string; institution_code: string | null; stage: string; pending: number; overdue: number }
export type Task = {
  round: number
  stage: string
  state: string
  received_on: string
  due_on: string | null
  outcome: string | null
  reviewer: { name: string; role: string } | null
  reason: string | null
  fields_to_fix: string[] | null
  decided_at: string | null
}
export type DishonestyRecord = { id: number; batch_code: string; project_code: string; year: number; kind: string; finding: string; materials: string[]; recorded_by: { name: string }; recorded_at: string }
export type Review = {
  application_id: string
  batch_code: string
  project_code: string
  channel: string
  institution_code: string | null
  id_number: string
  name: string
  status: string
  round: number
  submitted_at: string
  submission: {
    person: Record<string, string>
    claim: { alternative: string; computer_skills?: boolean; current_graduate?: boolean; skills?: string[] }
    precheck: Verdict | null
    first_review: { reviewer: string; reviewed_on: string; opinion: string; pledge: boolean } | null
    photo: string
    materials: Record<string, string>
    sex: string
    birth_date: string
    changed: string[] | null
  }
  task: Task | null
  tasks: Task[]
  dishonesty: DishonestyRecord[]
}

export const SCANS = ['application_form', 'integrity_pledge', 'education_proof', 'id_card_front', 'id_card_back'] as const
/** What a return may name (review's fields_to_fix), grouped as the form shows them. */
export const FIXABLE = [
  'person.name', 'person.education', 'person.major', 'person.occupation', 'person.phone', 'person.work_unit',
  'claim.alternative', 'claim.computer_skills', 'claim.current_graduate', 'claim.skills',
  'materials.photo', 'materials.education_proof_kind', 'materials.application_form', 'materials.integrity_pledge',
  'materials.education_proof', 'materials.id_card_front', 'materials.id_card_back',
] as const

// --- the queue's filters, as they stand in the address --------------------------------
export const FILTER_KEYS = ['batch_code', 'project_code', 'institution_code', 'stage', 'channel', 'overdue', 'sort'] as const
export type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>

export function filtersOf(query: Record<string, unknown>): Filters {
  const out: Filters = {}
  for (const k of FILTER_KEYS) {
    const v = query[k]
    if (typeof v === 'string' && v) out[k] = v
  }
  return out
}

export async function fetchQueue(filters: Filters, limit: number, offset: number): Promise<Queue> {
  const query: Record<string, unknown> = { ...filters, limit, offset }
  if (filters.overdue) query.overdue = filters.overdue === 'true'
  return (await unwrap(api.GET('/review/console/queue', { params: { query } } as never))) as unknown as Queue
}

export async function fetchReview(id: string): Promise<Review> {
  return (await unwrap(api.GET('/review/applications/{application_id}', {
    params: { path: { application_id: id } },
  } as never))) as unknown as Review
}

// --- files (GET /api/materials/{hash} with the token): object URLs, kept a while ------------
type Loaded = { url: string; type: string }
const files = new Map<string, Promise<Loaded>>()
const MAX_FILES = 60
export function material(hash: string): Promise<Loaded> {
  let found = files.get(hash)
  if (!found) {
    found = download(`/materials/${hash}`).then((blob) => ({ url: URL.createObjectURL(blob), type: blob.type }))
    found.catch(() => files.delete(hash))
    files.set(hash, found)
    while (files.size > MAX_FILES) {
      const [oldest, p] = files.entries().next().value as [string, Promise<Loaded>]
      files.delete(oldest)
      p.then((f) => URL.revokeObjectURL(f.url)).catch(() => undefined)
    }
  }
  return found
}

// --- the queue the detail page walks through ----------------------------------------------
// The ids of the current queue in its order; a decided application leaves the
// queue on the server, a skipped one stays: the next is the first id after the
// current one that was neither decided nor skipped here.
const PAGE = 50
export class QueueWalk {
  ids: string[] = []
  total = 0
  decided = new Set<string>()
  items = new Map<string, QueueItem>()
  private loaded = false
  constructor(public filters: Filters) {}

  async refresh() {
    const q = await fetchQueue(this.filters, Math.min(1000, PAGE + this.decided.size + this.ids.length), 0)
    this.total = q.total
    this.ids = q.items.map((i) => i.application_id).filter((id) => !this.decided.has(id))
    for (const i of q.items) this.items.set(i.application_id, i)
    this.loaded = true
  }
  position(id: string) {
    return this.ids.indexOf(id)
  }
  /** The application after `id` (or the first), loading more of the queue when needed. */
  async next(id: string | null): Promise<string | null> {
    if (!this.loaded) await this.refresh()
    const at = id ? this.ids.indexOf(id) : -1
    const before = new Set(this.ids.slice(0, at + 1))
    const after = () => this.ids.filter((x) => x !== id && !before.has(x) && !this.decided.has(x))
    let rest = after()
    if (!rest.length) {
      await this.refresh()
      rest = after()
    }
    return rest[0] ?? null
  }
  previous(id: string): string | null {
    const at = this.ids.indexOf(id)
    return at > 0 ? this.ids[at - 1] : null
  }
  markDecided(id: string) {
    this.decided.add(id)
  }
}
let walk: QueueWalk | null = null
/** The walk of these filters (kept across the detail pages of one queue). */
export function queueWalk(filters: Filters): QueueWalk {
  const key = JSON.stringify(filters)
  if (!walk || JSON.stringify(walk.filters) !== key) walk = new QueueWalk(filters)
  return walk
}
