// The file checks of the registration materials, in the browser, before an
// upload: the same limits as the server's (shared/kernel/files.py), by the
// file's content (magic bytes), never by its name.
//   M1 the photo is a JPEG or PNG under 50 KB (size < 51200 bytes; the 2026
//      notice's limit, the server applies it by the batch's year);
//   M2 a scan is JPEG, PNG or PDF, 200 KB <= size <= 300 KB: a lower bound in
//      1,000-byte KB, an upper one in 1,024-byte KB (200,000 to 307,200 bytes).
// The server checks again (and also that the file really opens).

export const KB = 1024
export const PHOTO_MAX = 50 * KB // the photo must be smaller than this
export const SCAN_MIN = 200 * 1000 // "200 KB" as a person reads 200,000 bytes
export const SCAN_MAX = 300 * KB

export type Kind = 'jpeg' | 'png' | 'pdf'
export type Purpose = 'photo' | 'scan'

/** What kind of file the first bytes say it is (kernel.files.sniff). */
export function sniff(head: Uint8Array): Kind | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg'
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (head.length >= 8 && png.every((b, i) => head[i] === b)) return 'png'
  // a PDF may start after whitespace, within the first 1024 bytes
  const text = String.fromCharCode(...head.slice(0, 1024))
  if (text.replace(/^[\s\0]+/, '').startsWith('%PDF-')) return 'pdf'
  return null
}

export type FileProblem = {
  rule: 'M1' | 'M2'
  code: 'FILE_EMPTY' | 'FILE_TYPE' | 'FILE_SIZE'
  /** i18n key under apply.files */
  key: string
  size: number
  kind: Kind | null
}

/** The problem of a file for `purpose`, or null when it may be uploaded. */
export function checkBytes(head: Uint8Array, size: number, purpose: Purpose): FileProblem | null {
  const rule = purpose === 'photo' ? 'M1' : 'M2'
  const kind = sniff(head)
  if (size <= 0) return { rule, code: 'FILE_EMPTY', key: 'empty', size, kind }
  if (purpose === 'photo') {
    if (kind !== 'jpeg' && kind !== 'png') return { rule, code: 'FILE_TYPE', key: 'photoType', size, kind }
    if (size >= PHOTO_MAX) return { rule, code: 'FILE_SIZE', key: 'photoSize', size, kind }
  } else {
    if (kind === null) return { rule, code: 'FILE_TYPE', key: 'scanType', size, kind }
    if (size < SCAN_MIN || size > SCAN_MAX) return { rule, code: 'FILE_SIZE', key: 'scanSize', size, kind }
  }
  return null
}

/** checkBytes on a File or Blob (reads its first 1 KB). */
export async function checkFile(file: Blob, purpose: Purpose): Promise<FileProblem | null> {
  const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer())
  return checkBytes(head, file.size, purpose)
}

/** A size as people read it: "48.8 KB". */
export function formatSize(size: number): string {
  if (size < KB) return `${size} B`
  if (size < KB * KB) return `${(size / KB).toFixed(1)} KB`
  return `${(size / KB / KB).toFixed(1)} MB`
}
