// What the registration pages work with: the shapes of the registration
// service's answers (the OpenAPI types leave person/claim/materials open) and
// the lists the notices name (education levels, kinds of education proof,
// the five scans, the application statuses).
import { ApiError } from '@/api/client'
import { describe } from '@/i18n/errors'
import type { FieldErrors } from '@/composables/useApiErrors'

export type Window = { start: string; end: string }
export type Batch = {
  code: string
  year: number
  seq: number
  registration: Window
  review: Window
  payment: Window
  ticket: Window
  exam_date: string
  status?: string
}
export type Alternative = {
  key: 'education' | 'education_major' | 'occupation' | 'skills'
  min_education?: string
  allow_current_graduate?: boolean
  requires_computer_skills?: boolean
  requires_skills?: boolean
  skills_any?: string[]
  occupations_any?: string[]
  note_zh?: string
}
export type Condition = { id: string; summary_zh: string; summary_en: string; alternatives: Alternative[] }
export type Project = { code: string; name_zh: string; name_en: string; years: number[]; condition: Condition }
export type CheckState = 'met' | 'not_met' | 'needs_review'
export type Check = { check: string; state?: CheckState; ok: boolean; detail: string }
export type Verdict = { outcome: CheckState; checks: Check[]; condition?: string; alternative?: string }
export type Person = {
  name: string
  id_number: string
  education: string
  major: string
  occupation: string
  work_unit: string
  phone: string
}
export type Claim = {
  alternative: string
  computer_skills: boolean
  current_graduate: boolean
  skills: string[]
}
export type TimelineEntry = {
  at: string
  status: string
  actor: string
  note: string | null
  details: Record<string, unknown> | null
}
export type Application = {
  id: string
  batch_code: string
  project_code: string
  channel: string
  name: string
  id_number: string
  person: Person
  claim: Claim
  precheck: Verdict | null
  materials: Record<string, string>
  photo: string
  status: string
  locked: boolean
  submitted_at: string
  updated_at: string
  timeline?: TimelineEntry[]
}

export const EDUCATION_LEVELS = ['junior_high', 'high_school', 'junior_college', 'bachelor', 'master', 'doctor'] as const
export const EDUCATION_PROOF_KINDS = ['chsi_report', 'school_status_card', 'diploma', 'diploma_certificate', 'statement'] as const
export const SCANS = ['application_form', 'integrity_pledge', 'education_proof', 'id_card_front', 'id_card_back'] as const
export const PERSON_FIELDS = ['education', 'major', 'occupation', 'work_unit', 'phone'] as const
/** registration.domain: withdrawal before payment confirmation (B2) */
export const WITHDRAWABLE = ['submitted', 'returned', 'approved']
export const STATUSES = [
  'submitted', 'returned', 'approved', 'rejected', 'withdrawn', 'not_accepted', 'paid', 'abandoned',
  'cancelled', 'passed', 'failed', 'certified', 'certificate_revoked',
]
export const PHONE = /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/

/** Today in Sichuan (the browser's clock), as YYYY-MM-DD. */
export function today(): string {
  return new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
}

/** R1 as the browser sees it: 'open', 'ended', 'not_yet' or 'cancelled'. */
export function registrationState(batch: Batch, day = today()) {
  if (batch.status === 'cancelled') return 'cancelled'
  if (day < batch.registration.start) return 'not_yet'
  if (day > batch.registration.end) return 'ended'
  return 'open'
}

export function formatTime(iso: string) {
  return new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })
}

export function newKey() {
  const c = globalThis.crypto as Crypto | undefined
  if (c && 'randomUUID' in c) return c.randomUUID()
  return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}

/** Put one error beside one field (an upload's own answer, or the browser's check). */
export function putFieldError(errors: FieldErrors, field: string, error: unknown) {
  if (error instanceof ApiError) {
    const d = describe(error)
    errors.byField[field] = { message: d.message, rule: d.rule }
  } else if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { message: string; rule?: string | null }
    errors.byField[field] = { message: e.message, rule: e.rule ?? null }
  }
}

/** The fields a reviewer named when returning the application (V2), from the latest return. */
export function fieldsToFix(app: Application): { fields: string[]; reason: string | null } {
  const entries = (app.timeline ?? []).filter((e) => e.status === 'returned')
  const last = entries[entries.length - 1]
  if (!last) return { fields: [], reason: null }
  const f = (last.details?.fields_to_fix as string[] | undefined) ?? []
  return { fields: f, reason: last.note }
}

/** Whether a field (person.phone) is among those named (person.phone, or person as a whole). */
export function named(fields: string[], field: string) {
  return fields.includes(field) || fields.includes(field.split('.')[0])
}
