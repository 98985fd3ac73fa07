// What the account forms share: the password policy of the gateway
// (services/gateway/gateway/domain.py check_password: 8-128 characters, a
// letter and a digit, not the user name), the form rules built on it, and
// submit(): the API's errors beside their fields, with this area's Chinese
// message for a code the shared list (i18n/errors.zh-CN.json) does not name yet.
import type { FormItemRule } from 'element-plus'
import { ApiError } from '@/api/client'
import { codeMessage } from '@/i18n/errors'
import { i18n } from '@/i18n'
import type { FieldErrors } from '@/composables/useApiErrors'

const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {})

export const USERNAME = /^[A-Za-z0-9_.@-]{3,64}$/
export const PHONE = /^1\d{10}$/

/** The first rule of the password policy the password breaks, or null. */
export function passwordProblem(password: string, username = ''): string | null {
  if (password.length < 8) return 'account.check.short'
  if (password.length > 128) return 'account.check.long'
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return 'account.check.mix'
  if (username && password.toLowerCase() === username.toLowerCase()) return 'account.check.sameAsUsername'
  return null
}

export function passwordRule(username: () => string): FormItemRule[] {
  return [
    { required: true, message: () => t('account.check.password'), trigger: 'blur' },
    {
      trigger: ['blur', 'change'],
      validator: (_r, value: string, cb) => {
        const p = value ? passwordProblem(value, username()) : null
        cb(p ? new Error(t(p)) : undefined)
      },
    },
  ]
}

export function confirmRule(password: () => string): FormItemRule[] {
  return [
    { required: true, message: () => t('account.check.confirm'), trigger: 'blur' },
    {
      trigger: ['blur', 'change'],
      validator: (_r, value: string, cb) => cb(value && value !== password() ? new Error(t('account.check.mismatch')) : undefined),
    },
  ]
}

/**
 * Run an API call; on an error, put it beside its field (`rename` maps an API
 * field to the form's, e.g. password -> new_password) and return undefined.
 * `local` gives a message of this area for a code (or a code and field).
 */
export async function submit<T>(
  errors: FieldErrors,
  fn: () => Promise<T>,
  shown: string[],
  { rename = {}, local }: { rename?: Record<string, string>; local?: (e: ApiError) => string | undefined } = {},
): Promise<T | undefined> {
  errors.clear()
  try {
    return await fn()
  } catch (error) {
    let err = error
    if (error instanceof ApiError && error.field && rename[error.field])
      err = new ApiError(error.status, { ...error.body, field: rename[error.field] })
    errors.set(err, shown)
    if (err instanceof ApiError) {
      const own = local?.(err) ?? (codeMessage(err.code) ? undefined : areaMessage(err.code))
      if (own) {
        const slot = err.field ? errors.byField[err.field] : undefined
        if (slot) slot.message = own
        else if (errors.general) errors.general.message = own
      }
    }
    return undefined
  }
}

function areaMessage(code: string): string | undefined {
  const key = `account.codes.${code}`
  return i18n.global.te(key) || i18n.global.te(key, 'zh-CN') ? t(key) : undefined
}

/** Seconds to wait after a 429 (details.retry_after_s), rounded up. */
export function retryAfter(error: ApiError): number | null {
  const s = Number((error.body.details as Record<string, unknown> | undefined)?.retry_after_s)
  return Number.isFinite(s) && s > 0 ? Math.ceil(s) : null
}
