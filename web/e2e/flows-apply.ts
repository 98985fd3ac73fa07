// Test files and staff steps of the registration journeys (ported from
// deploy/demo.py): real PNG images made here (a photo under 50 KB, scans of
// 200-300 KB that really decode), an application over the API, the
// reviewer's decision, the payment and finance's confirmation.
import { deflateSync } from 'node:zlib'
import type { Page } from '@playwright/test'
import { expect, staffAccount, type Api } from './helpers'

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf: Buffer) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type: string, data: Buffer) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

let seedCounter = Math.floor(Math.random() * 1e6)
/** A real RGB PNG of noise (stored, not compressed: its size follows its dimensions). */
export function png(width: number, height: number, seed = ++seedCounter) {
  let x = seed * 2654435761 >>> 0
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let i = 0; i < raw.length; i++) {
    if (i % (width * 3 + 1) === 0) continue // filter byte 0
    x = (x * 1103515245 + 12345) >>> 0
    raw[i] = x >>> 24
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** M1-valid: a 60x80 PNG, about 14 KB. */
export const samplePhoto = () => png(60, 80)
/** Over 50 KB (M1 refuses it): a 150x150 PNG, about 66 KB. */
export const bigPhoto = () => png(150, 150)
/** M2-valid: a 300x280 PNG, about 247 KB. */
export const sampleScan = () => png(300, 280)
/** Starts like a JPEG (the browser's check passes) but is not an image: the server refuses it. */
export function fakeJpeg() {
  const b = Buffer.alloc(8 * 1024, 0x41)
  b[0] = 0xff
  b[1] = 0xd8
  b[2] = 0xff
  return b
}

export const SCANS = ['application_form', 'integrity_pledge', 'education_proof', 'id_card_front', 'id_card_back']
export const BATCH = '2026-12' // registration 10-26..11-02, review 11-02..11-13, payment 11-16..11-18
export const PROJECT = 'bigdata-analysis' // 大数据分析, condition E1
export const DAY = { registration: '2026-11-02', afterRegistration: '2026-11-03', payment: '2026-11-16' }

const b64 = (b: Buffer) => b.toString('base64')

/** The browser on the same day as the suite (the portal greys batches by its own date). */
export async function browserDay(page: Page, day: string) {
  await page.clock.setFixedTime(new Date(`${day}T10:00:00+08:00`))
}

/** Signed in in the browser with the candidate's token (the login page is another area's). */
export async function signIn(page: Page, client: Api) {
  await page.addInitScript((token) => sessionStorage.setItem('skillcert.token', token), client.token!)
}

export async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
}

/** An application over the API (as demo.py's individuals do). */
export async function applyOverApi(client: Api & { name: string; id_number: string }) {
  const up = async (purpose: string, data: Buffer) =>
    (await client.post('/materials', { purpose, content_base64: b64(data) })).hash as string
  const materials: Record<string, string> = { photo: await up('photo', samplePhoto()), education_proof_kind: 'diploma' }
  for (const s of SCANS) materials[s] = await up('scan', sampleScan())
  return client.post('/applications', {
    batch_code: BATCH,
    project_code: PROJECT,
    person: { name: client.name, id_number: client.id_number, education: 'high_school', phone: '13800138000', work_unit: '成都某科技有限公司' },
    claim: { alternative: 'education', computer_skills: true },
    materials,
    candidate_pledge: true,
  }) as Promise<{ id: string; status: string }>
}

/** The reviewer's decision, once review has the task (events travel). */
export async function decide(reviewer: Api, id: string, body: Record<string, unknown>) {
  await expect
    .poll(async () => (await reviewer.call('POST', `/review/applications/${id}/decision`, body)).status, { timeout: 60_000 })
    .toBeLessThan(300)
}

/** Until registration shows the application in `status`. */
export async function waitStatus(client: Api, id: string, status: string) {
  await expect.poll(async () => (await client.get(`/applications/${id}`)).status, { timeout: 60_000 }).toBe(status)
}

export async function reviewer(admin: Api) {
  return staffAccount(admin, 'reviewer')
}

/** Pay for an approved application and have finance confirm it (P2, P3). */
export async function payAndConfirm(admin: Api, client: Api & { name: string }, id: string) {
  const finance = await staffAccount(admin, 'finance')
  const payee = await client.get('/payments/payee')
  let due: any = null
  await expect
    .poll(async () => {
      const r = await client.call('GET', `/applications/${id}/payment`)
      due = r.json
      return r.status
    }, { timeout: 60_000 })
    .toBe(200)
  const receipt = await client.post('/receipts', { content_base64: b64(samplePhoto()), filename: '回单.png' })
  const sub = await client.post(`/applications/${id}/payment`, {
    receipt: {
      file: receipt.hash, payee_name: payee.payee_name, payee_account: payee.payee_accounts[0],
      payer_name: client.name, amount_fen: due.amount_due_fen, transfer_date: DAY.payment,
    },
    note: '考试费',
  })
  await finance.post(`/payments/submissions/${sub.id}/confirm`, {})
}
