// M1 (photo) and M2 (scan) checks in the browser: the limits of kernel/files.py.
import { describe, expect, it } from 'vitest'
import { checkBytes, checkFile, formatSize, PHOTO_MAX, SCAN_MAX, SCAN_MIN, sniff } from './files'

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])
const PDF = new TextEncoder().encode('%PDF-1.4\n')
const TEXT = new TextEncoder().encode('hello, not an image')

describe('sniff: the kind by magic bytes', () => {
  it('knows JPEG, PNG and PDF', () => {
    expect(sniff(JPEG)).toBe('jpeg')
    expect(sniff(PNG)).toBe('png')
    expect(sniff(PDF)).toBe('pdf')
  })
  it('accepts whitespace before %PDF- like the server', () => {
    expect(sniff(new TextEncoder().encode('\n  %PDF-1.7'))).toBe('pdf')
  })
  it('knows nothing else', () => {
    expect(sniff(TEXT)).toBeNull()
    expect(sniff(new Uint8Array([0xff, 0xd8]))).toBeNull()
  })
})

describe('M1: the photo is a JPEG or PNG under 50 KB', () => {
  it('accepts a JPEG or PNG just under 50 KB', () => {
    expect(checkBytes(JPEG, PHOTO_MAX - 1, 'photo')).toBeNull()
    expect(checkBytes(PNG, 10_000, 'photo')).toBeNull()
  })
  it('refuses 50 KB exactly and more (size < 51200)', () => {
    expect(checkBytes(JPEG, PHOTO_MAX, 'photo')).toMatchObject({ rule: 'M1', code: 'FILE_SIZE' })
    expect(checkBytes(PNG, 60 * 1024, 'photo')).toMatchObject({ rule: 'M1', code: 'FILE_SIZE' })
  })
  it('refuses a PDF or a text file, whatever its name', () => {
    expect(checkBytes(PDF, 1000, 'photo')).toMatchObject({ rule: 'M1', code: 'FILE_TYPE' })
    expect(checkBytes(TEXT, 1000, 'photo')).toMatchObject({ rule: 'M1', code: 'FILE_TYPE' })
  })
  it('refuses an empty file', () => {
    expect(checkBytes(new Uint8Array(), 0, 'photo')).toMatchObject({ code: 'FILE_EMPTY' })
  })
  it('checks a File by its content, not its name', async () => {
    const fake = new File([TEXT], 'photo.jpg', { type: 'image/jpeg' })
    expect(await checkFile(fake, 'photo')).toMatchObject({ rule: 'M1', code: 'FILE_TYPE' })
    const real = new File([JPEG], 'photo.txt', { type: 'text/plain' })
    expect(await checkFile(real, 'photo')).toBeNull()
  })
})

describe('M2: a scan is JPEG, PNG or PDF, 200 KB to 300 KB', () => {
  it('accepts the bounds themselves', () => {
    expect(checkBytes(PDF, SCAN_MIN, 'scan')).toBeNull()
    expect(SCAN_MIN).toBe(200_000)
    expect(checkBytes(PDF, 300 * 1024, 'scan')).toBeNull()
    expect(checkBytes(JPEG, SCAN_MAX, 'scan')).toBeNull()
    expect(checkBytes(PNG, 250 * 1024, 'scan')).toBeNull()
  })
  it('refuses one byte outside the bounds', () => {
    expect(checkBytes(PDF, SCAN_MIN - 1, 'scan')).toMatchObject({ rule: 'M2', code: 'FILE_SIZE' })
    expect(checkBytes(PDF, SCAN_MAX + 1, 'scan')).toMatchObject({ rule: 'M2', code: 'FILE_SIZE' })
  })
  it('refuses another kind of file', () => {
    expect(checkBytes(TEXT, 250 * 1024, 'scan')).toMatchObject({ rule: 'M2', code: 'FILE_TYPE' })
  })
  it('checks a big File by its first bytes', async () => {
    const body = new Uint8Array(250 * 1024)
    body.set(PDF)
    expect(await checkFile(new File([body], 'scan.bin'), 'scan')).toBeNull()
  })
})

describe('formatSize', () => {
  it('shows KB with one decimal', () => {
    expect(formatSize(51200)).toBe('50.0 KB')
    expect(formatSize(12)).toBe('12 B')
  })
})
