// R2: the resident ID number (GB 11643-1999), checked in the browser as the
// person types, so a typo is pointed out beside the field before anything is
// sent. The server checks again (python-stdnum, kernel/idnumber.py); this is
// for the person's convenience and tells WHICH part is wrong:
//   - 18 characters (spaces are ignored),
//   - 17 digits and a final digit or X (a lower-case x is accepted and upper-cased),
//   - a real birth date YYYYMMDD in characters 7-14, not in the future,
//   - the ISO 7064 MOD 11-2 check character.

export const RULE = 'R2'

export type IdProblem = 'empty' | 'chars' | 'length' | 'birth' | 'future' | 'check'

export type IdResult =
  | { ok: true; number: string; birth: string; sex: 'M' | 'F' }
  | { ok: false; problem: IdProblem; message: string; rule: typeof RULE; params: Record<string, string | number> }

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/** The ISO 7064 MOD 11-2 check character of the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return '10X98765432'[sum % 11]
}

/** The number as the server keeps it: no spaces, a final x upper-cased. */
export function normalizeIdNumber(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase()
}

/** Chinese message of each problem ({n}, {expected} ... filled from params). */
export const MESSAGES_ZH: Record<IdProblem, string> = {
  empty: '请输入身份证号码',
  chars: '身份证号码由 17 位数字和最后一位数字或 X 组成',
  length: '身份证号码应为 18 位，已输入 {n} 位',
  birth: '号码中的出生日期 {date} 不是真实的日期',
  future: '号码中的出生日期 {date} 晚于今天',
  check: '校验码不符（最后一位应为 {expected}），请核对号码是否输错',
}

function fail(problem: IdProblem, params: Record<string, string | number> = {}): IdResult {
  const message = MESSAGES_ZH[problem].replace(/\{(\w+)\}/g, (w, k) => (k in params ? String(params[k]) : w))
  return { ok: false, problem, message, rule: RULE, params }
}

function localIso(day: Date) {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${day.getFullYear()}-${p(day.getMonth() + 1)}-${p(day.getDate())}`
}

/** Check a resident ID number (R2); `today` for the birth date not in the future. */
export function checkIdNumber(input: string, today: Date = new Date()): IdResult {
  const n = normalizeIdNumber(input ?? '')
  if (!n) return fail('empty')
  // a wrong character is named first: it is wrong whatever the length
  if (!/^\d*$/.test(n.slice(0, 17)) || (n.length === 18 && !/^[\dX]$/.test(n[17])) || n.length > 18 && !/^\d+$/.test(n.slice(17)))
    return fail('chars')
  if (n.length !== 18) return fail('length', { n: n.length })
  const y = Number(n.slice(6, 10))
  const m = Number(n.slice(10, 12))
  const d = Number(n.slice(12, 14))
  const date = `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`
  const real = new Date(Date.UTC(y, m - 1, d))
  if (y < 1800 || m < 1 || m > 12 || real.getUTCFullYear() !== y || real.getUTCMonth() !== m - 1 || real.getUTCDate() !== d)
    return fail('birth', { date })
  if (date > localIso(today)) return fail('future', { date })
  const expected = checkCharacter(n)
  if (n[17] !== expected) return fail('check', { expected })
  return { ok: true, number: n, birth: date, sex: Number(n[16]) % 2 ? 'M' : 'F' }
}

/**
 * The number as a screen shows it to its owner: the first 3 and the last 2
 * characters, 13 asterisks between (510*************3X). The birth date
 * (characters 7-14) and the county code are never on screen, so a glance
 * over the shoulder or a screenshot gives neither away.
 */
export function maskIdNumber(number: string | null | undefined): string {
  if (!number) return ''
  if (number.length <= 5) return '*'.repeat(number.length)
  return number.slice(0, 3) + '*'.repeat(number.length - 5) + number.slice(-2)
}
