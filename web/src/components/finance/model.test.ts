// The statement split for a long CSV import: each part has the header, the
// line offsets give back the whole file's line numbers, quoted line breaks stay
// in their record, GB18030 bytes are cut only between lines; money in yuan.
import { describe, expect, it } from 'vitest'
import { combine, isWorkbook, splitCsv, yuan } from './model'

const enc = new TextEncoder()
const dec = new TextDecoder()

describe('splitCsv', () => {
  it('cuts records into parts that each start with the header', () => {
    const text = '流水号,日期,金额,付款人\n' + Array.from({ length: 5 }, (_, i) => `S${i},2026-11-16,200.00,张三${i}\n`).join('')
    const { parts, records } = splitCsv(enc.encode(text), 2)
    expect(records).toBe(5)
    expect(parts.map((p) => p.records)).toEqual([2, 2, 1])
    const texts = parts.map((p) => dec.decode(p.bytes))
    for (const t of texts) expect(t.startsWith('流水号,日期,金额,付款人\n')).toBe(true)
    expect(texts[1]).toBe('流水号,日期,金额,付款人\nS2,2026-11-16,200.00,张三2\nS3,2026-11-16,200.00,张三3\n')
    // part 2's first record (S2) is line 4 of the file and line 2 of the part
    expect(parts.map((p) => p.lineOffset)).toEqual([0, 2, 4])
  })

  it('keeps a quoted line break inside its record and counts its lines', () => {
    const text = 'serial,date,amount,payer,note\nS1,2026-11-16,1.00,甲,"两行\n附言"\nS2,2026-11-16,2.00,乙,x\nS3,2026-11-16,3.00,丙,y'
    const { parts } = splitCsv(enc.encode(text), 1)
    expect(parts).toHaveLength(3)
    expect(dec.decode(parts[0].bytes)).toContain('"两行\n附言"')
    // S2 stands on line 4 (S1 took lines 2 and 3), S3 on line 5 without a final newline
    expect(parts.map((p) => p.lineOffset)).toEqual([0, 2, 3])
    expect(dec.decode(parts[2].bytes)).toBe('serial,date,amount,payer,note\nS3,2026-11-16,3.00,丙,y')
  })

  it('works on GB18030 bytes without decoding them', () => {
    // 张 in GB18030 is D5 C5, 三 C8 FD: no byte is \n or "
    const header = enc.encode('serial,date,amount,payer\n')
    const row = new Uint8Array([...enc.encode('S1,2026-11-16,1.00,'), 0xd5, 0xc5, 0xc8, 0xfd, 0x0a])
    const data = new Uint8Array([...header, ...row, ...row])
    const { parts } = splitCsv(data, 1)
    expect(parts).toHaveLength(2)
    expect([...parts[1].bytes.slice(header.length)]).toEqual([...row])
  })

  it('leaves blank lines out of the count and an .xlsx is told by its bytes', () => {
    expect(splitCsv(enc.encode('a,b\n\n ,\nS,1\n')).records).toBe(1)
    expect(isWorkbook(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]))).toBe(true)
    expect(isWorkbook(enc.encode('serial,'))).toBe(false)
  })
})

describe('combine and yuan', () => {
  it('adds the parts and keeps the last open counts', () => {
    const r = (n: number, m: number, a: number, u: number) => ({
      lines: n, imported: n, duplicates: 0, debits: 0, broken: [{ line: n, error: 'x' }],
      reconciliation: { matched: m, ambiguous: a, unmatched: u },
    })
    expect(combine([r(1000, 10, 2, 5), r(500, 3, 1, 4)])).toEqual({
      lines: 1500, imported: 1500, duplicates: 0, debits: 0,
      broken: [{ line: 1000, error: 'x' }, { line: 500, error: 'x' }],
      reconciliation: { matched: 13, ambiguous: 1, unmatched: 4 },
    })
  })
  it('shows fen as yuan exactly', () => {
    expect([yuan(20000), yuan(5), yuan(-100), yuan(123456789), yuan(null)]).toEqual(['200.00', '0.05', '-1.00', '1,234,567.89', '—'])
  })
})
