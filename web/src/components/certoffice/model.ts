// The certificate office's records as the gateway answers them (the
// certificate service's RPCs are documented as free JSON: typed here).
export type Certificate = {
  number: string
  name: string
  id_number: string
  project_code: string
  project_name: string
  batch_code: string
  issued_on: string
  status: 'valid' | 'revoked'
  paper_status: string
  revocation_reason_code?: string | null
  revoked_on?: string | null
}
export type CertificatePage = { total: number; page: number; size: number; items: Certificate[] }
export type LedgerEntry = {
  id: number
  kind: string
  from_party: string
  receiver_name: string
  registration_form: string | null
  actor: string
  at: string
}
export type PrintBatch = { code: string; batch_code: string; count: number; created_by: string; created_at: string }
export type SigningKey = { kid: string; algorithm: string; created_at: string; retired_at: string | null; active: boolean }
export type StatusList = {
  list: { issuer: string; kid: string; generated_at: string; revoked: { number: string; revoked_on: string; reason_code: string }[] }
  signature: string
}
export const REASONS = ['falsified_material', 'result_annulled', 'issued_in_error', 'other'] as const
export const PAPER = ['none', 'printed', 'with_institution', 'with_holder'] as const

/** The ID number as public lists show it (kernel.privacy.mask_id: 3 + 2 kept). */
export const maskId = (id: string) => (id && id.length > 5 ? id.slice(0, 3) + '*'.repeat(id.length - 5) + id.slice(-2) : id)
export const when = (iso: string) => new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })
/** Who did it, as a person reads it: the user name of an actor 'role:username'. */
export const actorName = (actor: string) => (actor && actor.includes(':') ? actor.slice(actor.indexOf(':') + 1) : actor)
