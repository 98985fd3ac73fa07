// An institution's tickets come as PDFs of at most per_pdf tickets (T1, the
// gateway's ticket-status says per_pdf and parts): the tickets of each part, in
// ticket-number order, as [first, last] (1-based) for the part's button.
export function ticketParts(candidates: number, perPdf: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, i) => [i * perPdf + 1, Math.min((i + 1) * perPdf, candidates)])
}
