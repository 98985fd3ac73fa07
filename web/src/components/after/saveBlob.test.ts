import { describe, expect, it } from 'vitest'
import { qrPayloadOfPdfText } from './saveBlob'

// The two ways an e-certificate's Keywords reach the portal (C2, C3): as
// reportlab writes them, and as pypdf rewrites them when the verifiable
// credential is attached (#19): ':' and '.' as octal escapes.
describe('qrPayloadOfPdfText (C2: the QR payload kept in the PDF Keywords)', () => {
  it('reads the plain literal string', () => {
    expect(qrPayloadOfPdfText('<< /Author (x) /Keywords (skillcert:U0MxfA.c2ln-_) /Title (t) >>')).toBe('U0MxfA.c2ln-_')
  })
  it('reads the octal-escaped literal string of a PDF with an attachment', () => {
    expect(qrPayloadOfPdfText('/Creator (anonymous)\n/Keywords (skillcert\\072abc\\056def)\n/ModDate (D\\07220261202)')).toBe('abc.def')
  })
  it('does not take skillcert: from elsewhere in the file (the attached credential)', () => {
    expect(qrPayloadOfPdfText('stream {"skillcert:number": "x"} endstream /Keywords (other)')).toBeNull()
    expect(qrPayloadOfPdfText('no keywords at all, skillcert:abc')).toBeNull()
  })
})
