// What a person reads for an API error: describe() gives the Chinese message
// of the code (errors.zh-CN.json) with the rule ID, fills placeholders from
// the error's details, falls back sensibly, and fieldMessage() translates
// marshmallow's field messages. English only when the locale is English.
import { afterEach, describe as group, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import { i18n } from '@/i18n'
import messages from './errors.zh-CN.json'
import { codeMessage, describe, fieldMessage } from './errors'

const MESSAGES = messages as Record<string, string>

function apiError(status: number, body: Partial<ApiError['body']> & { code: string }) {
  return new ApiError(status, { message: 'English text from the API', ...body })
}

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

group('describe(ApiError)', () => {
  it('R1: gives the Chinese message of the code and the rule ID, not the API\'s English', () => {
    const error = apiError(422, {
      code: 'REGISTRATION_WINDOW_CLOSED',
      message: 'registration for batch 2026-10 is open from 2026-10-26 to 2026-11-02; today is 2026-11-16',
      field: 'batch_code',
      rule: 'R1',
      details: { window: ['2026-10-26', '2026-11-02'], today: '2026-11-16' },
    })
    const shown = describe(error)
    expect(shown.message).toBe(MESSAGES.REGISTRATION_WINDOW_CLOSED)
    expect(shown.message).toContain('报名')
    expect(shown.message).not.toContain('registration')
    expect(shown.rule).toBe('R1')
    expect(shown.code).toBe('REGISTRATION_WINDOW_CLOSED')
  })

  it('B2: a rule-less error gives rule null', () => {
    const shown = describe(apiError(401, { code: 'BAD_CREDENTIALS', field: 'password' }))
    expect(shown).toEqual({ message: '用户名或密码错误', rule: null, code: 'BAD_CREDENTIALS' })
  })

  it('fills a placeholder from the details: BODY_TOO_LARGE names the limit', () => {
    const shown = describe(apiError(413, { code: 'BODY_TOO_LARGE', details: { max_bytes: 1048576 } }))
    expect(shown.message).toContain('1048576')
    expect(shown.message).not.toMatch(/\{\w+\}/)
  })

  it('R2: UNDER_AGE fills the age and the exam date', () => {
    const shown = describe(apiError(422, {
      code: 'UNDER_AGE', rule: 'R2', field: 'person.id_number',
      details: { age: 15, exam_date: '2026-12-05' },
    }))
    expect(shown.message).toContain('15 周岁')
    expect(shown.message).toContain('2026-12-05')
    expect(shown.rule).toBe('R2')
  })

  it('an unknown code falls back to the general message, a network failure to the network message', () => {
    expect(describe(apiError(500, { code: 'NO_SUCH_CODE_EVER' })).message).toBe(MESSAGES.INTERNAL_ERROR)
    expect(describe(new ApiError(0, { code: 'HTTP_0', message: 'TypeError: fetch failed' })).message)
      .toBe(MESSAGES.NETWORK_ERROR)
    expect(describe(new ApiError(0, { code: 'NETWORK_ERROR', message: 'TypeError: fetch failed' })).message)
      .toBe('网络连接失败，请检查网络后重试')
  })

  it('in English shows the API\'s own message', () => {
    i18n.global.locale.value = 'en'
    const shown = describe(apiError(422, { code: 'REGISTRATION_LOCKED', message: 'payment was confirmed', rule: 'B2' }))
    expect(shown).toEqual({ message: 'payment was confirmed', rule: 'B2', code: 'REGISTRATION_LOCKED' })
  })

  it('a thrown non-API error is shown as it is', () => {
    expect(describe(new Error('boom'))).toEqual({ message: 'Error: boom', rule: null, code: 'CLIENT_ERROR' })
  })
})

group('codeMessage()', () => {
  it('leaves a placeholder whose detail is missing as it is, and null for no message', () => {
    expect(codeMessage('RATE_LIMITED', { retry_after_s: 2.5 })).toContain('2.5 秒')
    expect(codeMessage('RATE_LIMITED', {})).toContain('{retry_after_s}')
    expect(codeMessage('NO_SUCH_CODE_EVER')).toBeNull()
  })

  it('every message is Chinese and non-empty', () => {
    for (const [code, text] of Object.entries(MESSAGES)) {
      expect(text, code).toMatch(/[\u4e00-\u9fff]/)
    }
  })
})

group('fieldMessage(): marshmallow\'s field messages in Chinese', () => {
  it.each([
    ['Missing data for required field.', '此项必填'],
    ['Field may not be null.', '此项不能为空'],
    ['Unknown field.', '不接受的字段'],
    ['Not a valid date.', '日期格式不对（年-月-日）'],
    ['Not a valid email address.', '邮箱格式不对'],
    ['Shorter than minimum length 8.', '至少 8 个字符'],
    ['Longer than maximum length 64.', '最多 64 个字符'],
    ['Length must be between 2 and 20.', '长度应为 2 到 20 个字符'],
    ['Must be greater than or equal to 0 and less than or equal to 100.', '应在 0 到 100 之间'],
    ['Must be one of: male, female.', '应为以下之一：male, female'],
  ])('%s -> %s', (en, zh) => {
    expect(fieldMessage(en)).toBe(zh)
  })

  it('the field errors of a VALIDATION_FAILED answer, walked by ApiError.fieldErrors, all read in Chinese', () => {
    const error = apiError(400, {
      code: 'VALIDATION_FAILED',
      field: 'person.id_number',
      details: {
        errors: {
          person: { id_number: ['Missing data for required field.'], phone: ['Longer than maximum length 20.'] },
          documents: { 1: { hash: ['Field may not be null.'] } },
        },
      },
    })
    const shown = Object.fromEntries(
      Object.entries(error.fieldErrors).map(([path, texts]) => [path, texts.map(fieldMessage)]),
    )
    expect(shown).toEqual({
      'person.id_number': ['此项必填'],
      'person.phone': ['最多 20 个字符'],
      'documents.1.hash': ['此项不能为空'],
    })
    expect(describe(error).message).toBe('填写的内容有误，请按提示修改')
  })

  it('an unknown text stays as it is; in English nothing is translated', () => {
    expect(fieldMessage('Something new.')).toBe('Something new.')
    i18n.global.locale.value = 'en'
    expect(fieldMessage('Missing data for required field.')).toBe('Missing data for required field.')
  })
})
