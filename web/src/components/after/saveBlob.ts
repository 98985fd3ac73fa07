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
  const text = new TextDecoder('latin1').decode(await blob.arrayBuffer())
  return text.match(/skillcert:([A-Za-z0-9_\-.]+)/)?.[1] ?? null
}

/** Whether a masked ID number of a public list (e.g. 510***********43) can be
 * this ID number: same length, every unmasked character the same. */
export function matchesMasked(masked: string, number: string) {
  const n = number.trim().toUpperCase()
  return masked.length === n.length && [...masked].every((c, i) => c === '*' || c.toUpperCase() === n[i])
}
