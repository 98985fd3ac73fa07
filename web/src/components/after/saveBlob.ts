// Hand a Blob to the browser as a download with a file name.
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** The QR payload kept in an e-certificate's PDF Keywords (skillcert:<payload>). */
export async function qrPayloadOfPdf(blob: Blob) {
  return qrPayloadOfPdfText(new TextDecoder('latin1').decode(await blob.arrayBuffer()))
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' }

/** skillcert:<payload> out of a PDF's bytes (as latin1 text): the document
 * information's Keywords, a PDF literal string, written plain (reportlab) or
 * with octal escapes such as \072 for ':' (pypdf's rewrite when the verifiable
 * credential is attached). Only the Keywords entry is read: the attached
 * credential's own text never counts. */
export function qrPayloadOfPdfText(text: string) {
  const literal = text.match(/\/Keywords\s*\(((?:\\[\s\S]|[^\\)])*)\)/)
  if (!literal) return null
  const value = literal[1].replace(/\\([0-7]{1,3}|[\s\S])/g, (_, e: string) =>
    /^[0-7]+$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : ESCAPES[e] ?? e)
  return value.match(/^skillcert:([A-Za-z0-9_\-.]+)$/)?.[1] ?? null
}

/** Whether a masked ID number of a public list (e.g. 510***********43) can be
 * this ID number: same length, every unmasked character the same. */
export function matchesMasked(masked: string, number: string) {
  const n = number.trim().toUpperCase()
  return masked.length === n.length && [...masked].every((c, i) => c === '*' || c.toUpperCase() === n[i])
}
