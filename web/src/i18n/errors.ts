// Every error code the API can answer, in Chinese (errors.zh-CN.json: one
// message for every DomainError code the services define; a test in
// services/gateway/tests/test_error_messages.py fails on a code without one).
// Messages may name details: "{max_bytes}" is filled from the error's details.
// Field-level messages of marshmallow (details.errors) are translated by
// their English text.
import messages from './errors.zh-CN.json'
import { ApiError } from '@/api/client'
import { i18n } from '@/i18n'

const CODES = messages as Record<string, string>

const FIELD_MESSAGES: [RegExp, string][] = [
  [/^Missing data for required field\.$/, '此项必填'],
  [/^Field may not be null\.$/, '此项不能为空'],
  [/^Unknown field\.$/, '不接受的字段'],
  [/^Not a valid string\.$/, '应为文字'],
  [/^Not a valid integer\.$/, '应为整数'],
  [/^Not a valid number\.$/, '应为数字'],
  [/^Not a valid boolean\.$/, '应为是或否'],
  [/^Not a valid date\.$/, '日期格式不对（年-月-日）'],
  [/^Not a valid datetime\.$/, '时间格式不对'],
  [/^Not a valid email address\.$/, '邮箱格式不对'],
  [/^Not a valid list\.$/, '应为列表'],
  [/^Invalid input type\.$/, '格式不对'],
  [/^Invalid value\.$/, '取值不对'],
  [/^Shorter than minimum length (\d+)\.$/, '至少 $1 个字符'],
  [/^Longer than maximum length (\d+)\.$/, '最多 $1 个字符'],
  [/^Length must be between (\d+) and (\d+)\.$/, '长度应为 $1 到 $2 个字符'],
  [/^Length must be (\d+)\.$/, '长度应为 $1 个字符'],
  [/^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$/, '应在 $1 到 $2 之间'],
  [/^Must be greater than or equal to (\S+)\.$/, '不能小于 $1'],
  [/^Must be less than or equal to (\S+)\.$/, '不能大于 $1'],
  [/^Must be one of: (.*)\.$/, '应为以下之一：$1'],
  [/^String does not match expected pattern\.$/, '格式不对'],
]

function fill(template: string, details: Record<string, unknown> = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in details ? String(details[key]) : whole))
}

/** The Chinese message for an error code, or null when there is none. */
export function codeMessage(code: string, details?: Record<string, unknown>): string | null {
  const m = CODES[code]
  return m ? fill(m, details) : null
}

export function fieldMessage(text: string): string {
  if (i18n.global.locale.value === 'en') return text
  for (const [pattern, zh] of FIELD_MESSAGES) if (pattern.test(text)) return text.replace(pattern, zh)
  return text
}

/** What a person reads for an error (the API's English message only in English). */
export function describe(error: unknown): { message: string; rule: string | null; code: string } {
  if (error instanceof ApiError) {
    const en = i18n.global.locale.value === 'en'
    const zh = codeMessage(error.code, error.body.details)
    const message = en ? error.message : zh ?? (error.status === 0 ? CODES.NETWORK_ERROR : CODES.INTERNAL_ERROR) ?? error.message
    return { message, rule: error.rule, code: error.code }
  }
  return { message: String(error), rule: null, code: 'CLIENT_ERROR' }
}
