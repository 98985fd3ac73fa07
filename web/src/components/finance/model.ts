// What finance's console works with: the paged lists of the gateway's
// /finance routes (types from schema.d.ts), money in fen shown in yuan, the
// receipt fetched with the session's token, and a long CSV statement cut into
// parts (each with the header) so that its import shows progress.
import { api, download, unwrap, type Schemas } from '@/api/client'
import { useSession } from '@/stores/session'

export type SubmissionRow = Schemas['SubmissionRow']
export type CreditRow = Schemas['CreditRow']
export type RefundRow = Schemas['RefundRow']
export type Page<T> = { items: T[]; total: number; page: number; size: number }
export type Submission = SubmissionRow & {
  applications: { application_id: string; amount_fen: number; name: string | null; project_code: string | null }[]
}
export type ImportResult = {
  lines: number
  imported: number
  duplicates: number
  debits: number
  broken: { line: number; error: string }[]
  reconciliation: { matched: number; ambiguous: number; unmatched: number }
}

/** 200.00 from 20000 fen (never a float in between). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—'
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`
}

export const mask = (id: string) => (id && id.length > 10 ? `${id.slice(0, 6)}********${id.slice(-4)}` : id)
export const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').slice(0, 16) : '—')

/** May this account decide (确认收费, 退回, import, match, refund)? Only finance:
 *  the provincial center reads these pages (the gateway's roles). */
export function canDecide() {
  return useSession().role === 'finance'
}

/** The query of a list as the address holds it: only non-empty strings. */
export function cleanQuery(query: Record<string, unknown>) {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string' && v) out[k] = v
  return out
}

export async function batchCodes(): Promise<string[]> {
  const bs = (await unwrap(api.GET('/batches', {} as never)).catch(() => [])) as { code: string }[]
  return bs.map((b) => b.code).sort().reverse()
}

export async function receiptFile(hash: string) {
  const blob = await download(`/receipts/${hash}`)
  return { url: URL.createObjectURL(blob), type: blob.type }
}

// --- a statement in parts -------------------------------------------------------

export const PART_LINES = 1000

export type Part = { bytes: Uint8Array; lineOffset: number; records: number }

/** A CSV file's bytes cut into parts of at most `perPart` records, each with the
 *  header line first; `lineOffset` is what the server adds to a part's line
 *  numbers so that broken lines keep the whole file's numbers. It works on bytes
 *  (UTF-8 and GB18030 alike: neither has \n or " inside a character) and keeps
 *  a quoted field's line breaks inside its record. */
export function splitCsv(data: Uint8Array, perPart = PART_LINES): { parts: Part[]; records: number } {
  const NL = 0x0a
  const QUOTE = 0x22
  // records: [start, end) byte ranges with the physical line each starts on
  const records: { start: number; end: number; line: number }[] = []
  let start = 0
  let line = 1
  let startLine = 1
  let quoted = false
  for (let i = 0; i < data.length; i++) {
    const b = data[i]
    if (b === QUOTE) quoted = !quoted
    else if (b === NL) {
      line += 1
      if (!quoted) {
        records.push({ start, end: i + 1, line: startLine })
        start = i + 1
        startLine = line
      }
    }
  }
  if (start < data.length) records.push({ start, end: data.length, line: startLine })
  const blank = (r: { start: number; end: number }) => {
    for (let i = r.start; i < r.end; i++) {
      const b = data[i]
      if (b !== NL && b !== 0x0d && b !== 0x20 && b !== 0x2c && b !== 0x09) return false
    }
    return true
  }
  const first = records.findIndex((r) => !blank(r))
  if (first < 0) return { parts: [{ bytes: data, lineOffset: 0, records: 0 }], records: 0 }
  const header = data.subarray(records[first].start, records[first].end)
  const headerEndsLine = header[header.length - 1] === NL
  const body = records.slice(first + 1)
  const headerLines = records[first + 1] ? records[first + 1].line - records[first].line : 1
  const parts: Part[] = []
  for (let n = 0; n < body.length; n += perPart) {
    const chunk = body.slice(n, n + perPart)
    const from = chunk[0].start
    const to = chunk[chunk.length - 1].end
    const bytes = new Uint8Array(header.length + (headerEndsLine ? 0 : 1) + (to - from))
    bytes.set(header, 0)
    let at = header.length
    if (!headerEndsLine) bytes[at++] = NL
    bytes.set(data.subarray(from, to), at)
    // in the part the first record stands on line headerLines + 1
    parts.push({ bytes, lineOffset: Math.max(0, chunk[0].line - (headerLines + 1)), records: chunk.filter((r) => !blank(r)).length })
  }
  if (!parts.length) parts.push({ bytes: data, lineOffset: 0, records: 0 })
  return { parts, records: body.filter((r) => !blank(r)).length }
}

export const isWorkbook = (data: Uint8Array) => data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04

/** The parts' answers as one: counts added, broken lines together; the matches
 *  of every part added, what is still open as the last part left it. */
export function combine(results: ImportResult[]): ImportResult {
  const last = results[results.length - 1]
  return {
    lines: results.reduce((n, r) => n + r.lines, 0),
    imported: results.reduce((n, r) => n + r.imported, 0),
    duplicates: results.reduce((n, r) => n + r.duplicates, 0),
    debits: results.reduce((n, r) => n + r.debits, 0),
    broken: results.flatMap((r) => r.broken),
    reconciliation: {
      matched: results.reduce((n, r) => n + r.reconciliation.matched, 0),
      ambiguous: last.reconciliation.ambiguous,
      unmatched: last.reconciliation.unmatched,
    },
  }
}

export function bytesToBase64(bytes: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).split(',', 2)[1] ?? '')
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(new Blob([bytes as BlobPart]))
  })
}
