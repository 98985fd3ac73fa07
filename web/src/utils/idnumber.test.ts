// R2 in the browser: which part of a resident ID number is wrong, in Chinese.
import { describe, expect, it } from 'vitest'
import { checkCharacter, checkIdNumber, maskIdNumber, normalizeIdNumber } from './idnumber'

const TODAY = new Date(2026, 10, 16) // 2026-11-16, the rehearsal date

function valid(first17: string) {
  return first17 + checkCharacter(first17)
}

describe('R2 resident ID number (GB 11643-1999, ISO 7064 MOD 11-2)', () => {
  it('R2: accepts a valid number and gives its birth date and sex', () => {
    const n = valid('51010419900101123')
    const r = checkIdNumber(n, TODAY)
    expect(r).toEqual({ ok: true, number: n, birth: '1990-01-01', sex: 'M' })
  })

  it('R2: computes the known check characters (GB 11643 example 11010519491231002X)', () => {
    expect(checkCharacter('11010519491231002')).toBe('X')
    expect(checkIdNumber('11010519491231002X', TODAY).ok).toBe(true)
    expect(checkCharacter('44052418800101001')).toBe('4')
  })

  it('R2: accepts a lower-case x and upper-cases it; spaces are ignored', () => {
    const r = checkIdNumber('110105 19491231 002x', TODAY)
    expect(r.ok && r.number).toBe('11010519491231002X')
    expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X')
  })

  it('R2: says how many characters were typed when the length is not 18', () => {
    const r = checkIdNumber('5101041990', TODAY)
    expect(r).toMatchObject({ ok: false, problem: 'length', rule: 'R2', message: '身份证号码应为 18 位，已输入 10 位' })
    expect(checkIdNumber(valid('51010419900101123') + '1', TODAY)).toMatchObject({ ok: false, problem: 'length' })
  })

  it('R2: refuses letters other than a final X', () => {
    expect(checkIdNumber('51010A', TODAY)).toMatchObject({ ok: false, problem: 'chars' })
    expect(checkIdNumber('51010419900101123Y', TODAY)).toMatchObject({ ok: false, problem: 'chars' })
    expect(checkIdNumber('5101041990010112X3', TODAY)).toMatchObject({ ok: false, problem: 'chars' })
    expect(checkIdNumber('', TODAY)).toMatchObject({ ok: false, problem: 'empty', message: '请输入身份证号码' })
  })

  it('R2: names the wrong check character and the one expected', () => {
    const good = valid('51010419900101123')
    const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
    const r = checkIdNumber(wrong, TODAY)
    expect(r).toMatchObject({ ok: false, problem: 'check', params: { expected: good[17] } })
    expect(!r.ok && r.message).toContain('校验码不符')
  })

  it('R2: refuses a birth date that is not a real date (2月30日, 13月, 1999-02-29)', () => {
    for (const birth of ['19900230', '19901301', '19990229', '19900100']) {
      const r = checkIdNumber(valid(`510104${birth}123`), TODAY)
      expect(r, birth).toMatchObject({ ok: false, problem: 'birth' })
      expect(!r.ok && r.message).toContain('不是真实的日期')
    }
    expect(checkIdNumber(valid('51010420000229123'), TODAY).ok).toBe(true) // a leap day
  })

  it('R2: refuses a birth date in the future, accepts one born today', () => {
    const r = checkIdNumber(valid('51010420261117123'), TODAY)
    expect(r).toMatchObject({ ok: false, problem: 'future', message: '号码中的出生日期 2026-11-17 晚于今天' })
    expect(checkIdNumber(valid('51010420261116123'), TODAY).ok).toBe(true)
  })

  it('R2: the birth-date fault is named before the check character (a typo in the date breaks both)', () => {
    const n = valid('51010419900101123')
    const typo = n.slice(0, 10) + '13' + n.slice(12)
    expect(checkIdNumber(typo, TODAY)).toMatchObject({ problem: 'birth' })
  })

  it('masks a number to its first 3 and last 2 characters (no birth date on screen)', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110*************2X')
    expect(maskIdNumber('11010519491231002X')).not.toContain('19491231')
    expect(maskIdNumber(null)).toBe('')
  })
})
