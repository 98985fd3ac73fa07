// The one way the portal talks to SkillCert: the gateway's API under /api,
// typed from its OpenAPI document (schema.d.ts, generated: npm run gen:api).
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths, components } from './schema'

export type Schemas = components['schemas']
export type ApiErrorBody = {
  code: string
  message: string
  field?: string | null
  rule?: string | null
  details?: Record<string, unknown>
}

/** An error answer of the API (or of the network), as the portal shows it. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public body: ApiErrorBody,
  ) {
    super(body.message)
  }
  get code() {
    return this.body.code
  }
  get field() {
    return this.body.field ?? null
  }
  get rule() {
    return this.body.rule ?? null
  }
  /** details.errors: {"person.id_number": ["..."], ...} when the body had several faults. */
  get fieldErrors(): Record<string, string[]> {
    const errors = (this.body.details?.errors ?? {}) as Record<string, unknown>
    const out: Record<string, string[]> = {}
    const walk = (prefix: string, value: unknown) => {
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[prefix] = value as string[]
      else if (Array.isArray(value)) value.forEach((v, i) => walk(prefix ? `${prefix}.${i}` : String(i), v))
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v)
      else if (typeof value === 'string') out[prefix] = [value]
    }
    walk('', errors)
    return out
  }
}

let token: string | null = null
export function setToken(value: string | null) {
  token = value
}
export function getToken() {
  return token
}
let onUnauthenticated: (() => void) | null = null
export function whenUnauthenticated(fn: () => void) {
  onUnauthenticated = fn
}

const auth: Middleware = {
  async onRequest({ request }) {
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    request.headers.set('Accept', 'application/json')
    return request
  },
  async onResponse({ response }) {
    // signed out only when the token itself is refused, not when a form's
    // password is wrong (BAD_CREDENTIALS on 修改密码 is a 401 too)
    if (response.status === 401 && token && onUnauthenticated) {
      let code = ''
      try {
        code = (await response.clone().json()).code ?? ''
      } catch {
        /* not JSON */
      }
      if (code.startsWith('TOKEN_') || code === 'NOT_AUTHENTICATED') onUnauthenticated()
    }
    return response
  },
}

export const api = createClient<paths>({ baseUrl: '/api' })
api.use(auth)

/** The data of an answer, or an ApiError thrown (also for a network failure). */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result
  try {
    result = await call
  } catch (exc) {
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: String(exc) })
  }
  const { data, error, response } = result
  if (!response.ok) {
    const body = (error && typeof error === 'object' && 'code' in (error as object)
      ? error
      : { code: `HTTP_${response.status}`, message: response.statusText }) as ApiErrorBody
    throw new ApiError(response.status, body)
  }
  return data as T
}

/** A file answer (PDF, CSV) of a GET route, as a Blob. */
export function download(path: string, params?: Record<string, string>): Promise<Blob> {
  return fetchFile('GET', path, params)
}

/** A file answer of a POST route whose body holds personal data (e.g. the
 *  public ticket download by ID number and name: never in a URL). */
export function downloadPost(path: string, body: unknown): Promise<Blob> {
  return fetchFile('POST', path, undefined, body)
}

async function fetchFile(method: string, path: string, params?: Record<string, string>, body?: unknown): Promise<Blob> {
  const url = new URL('/api' + path, window.location.origin)
  for (const [k, v] of Object.entries(params ?? {})) url.searchParams.set(k, v)
  const headers: Record<string, string> = {}
  if (token) headers.Authorization = `Bearer ${token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch (exc) {
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: String(exc) })
  }
  if (!response.ok) {
    let body: ApiErrorBody
    try {
      body = await response.json()
    } catch {
      body = { code: `HTTP_${response.status}`, message: response.statusText }
    }
    throw new ApiError(response.status, body)
  }
  return response.blob()
}

/** Base64 of a File, for the JSON upload routes (materials, receipts). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).split(',', 2)[1] ?? '')
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(file)
  })
}
