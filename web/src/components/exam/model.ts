// The exam console's records as the gateway answers them (the exam service's
// views; schema.d.ts types most of these answers as free JSON), and the calls
// every panel shares.
import { api, unwrap } from '@/api/client'

export type Window = { start: string; end: string }
export type Batch = {
  code: string; year: number; seq: number; exam_date: string; status?: string
  registration: Window; review: Window; payment: Window; ticket: Window
  accepted_id_documents: string[]
}
export type Room = {
  code: string; name: string; location: string; seats: string[]
  spacing: { rule: 'all' | 'alternate' | 'listed'; seats?: string[] }
  active: boolean; usable: string[]
}
export type Session = { code: string; label: string; starts: string; ends: string }
export type RosterProject = {
  batch_code: string; project_code: string; status: 'open' | 'held' | 'cancelled'
  registrants: number | null; confirmed: number; confirmed_at_decision: number | null
  reason: string | null; override: { actor: string; reason: string; at: string } | null
  decided_at: string | null
}
export type Registrants = { batch_code: string; minimum: number; projects: Record<string, { registrants: number; reaches_minimum: boolean }> }
export type SessionRoom = { session: string; room: string; project_code: string; candidates: number }
export type Arrangement = { batch_code: string; seated: number; unseated: number; session_rooms: SessionRoom[] }
export type Result = { final: number | null; absent: boolean; passed: boolean; label: string; corrected: unknown; finalized_at: string | null }
export type SeatRow = {
  ticket_number: string; session: string; room: string; seat: string; project_code: string
  application_id: string; name: string; id_number: string; institution_code: string | null
  attendance: 'present' | 'absent' | null; checked_in_at: string | null
  computer: number | null; result: Result | null
}
export type SeatPage = { batch_code: string; total: number; page: number; size: number; sort: string; items: SeatRow[] }
export type Assessor = { id_number: string; name: string; unit: string; card_number: string; card_valid: boolean }
export type DispatchSlot = { session: string; room: string; project_code: string; assessors: Assessor[] }
export type Objection = { id: string; application_id: string; batch_code: string; reason: string; status: string; lodged_at: string; resolution: Record<string, unknown> | null }

export const ID_DOCUMENTS = ['resident_id_card_2g', 'social_security_card'] as const

// openapi-fetch's typed paths: the console passes path and query parameters
// as the schema names them; the answers are cast to the records above
type Call = (path: string, init?: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>
const GET = api.GET as unknown as Call
const POST = api.POST as unknown as Call
const PUT = api.PUT as unknown as Call

export function get<T>(path: string, params: { path?: Record<string, string>; query?: Record<string, unknown> } = {}) {
  return unwrap(GET(path, { params })) as Promise<T>
}
export function post<T>(path: string, body: unknown, pathParams: Record<string, string> = {}) {
  return unwrap(POST(path, { params: { path: pathParams }, body })) as Promise<T>
}
export function put<T>(path: string, body: unknown, pathParams: Record<string, string> = {}) {
  return unwrap(PUT(path, { params: { path: pathParams }, body })) as Promise<T>
}

/** 2026-12-05 as 2026年12月5日 */
export function day(iso: string | null | undefined) {
  if (!iso) return ''
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number)
  return `${y}年${m}月${d}日`
}
export function time(iso: string | null | undefined) {
  if (!iso) return ''
  const d = new Date(iso)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** Where a batch stands on `today` (an ISO date): the step of the exam work due. */
export function stage(b: Batch, today: string): string {
  if (today < b.registration.start) return 'scheduled'
  if (today <= b.registration.end) return 'registration'
  if (today <= b.payment.end) return 'payment'
  if (today < b.ticket.start) return 'arrangement'
  if (today < b.exam_date) return 'tickets'
  if (today === b.exam_date) return 'examDay'
  return 'scores'
}
