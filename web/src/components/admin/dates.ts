// The dates of a State Council holiday notice as typed: one date or a range
// (2027-02-05~2027-02-11, 至 or - between) a line or separated by commas;
// ranges become every day of them. What is not a date goes to the server as
// typed, which names it (W1).
export function expandDates(text: string): string[] {
  const out: string[] = []
  for (const raw of text.split(/[\n,，、;；]+/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d{4}-\d{2}-\d{2})\s*(?:~|～|至|到|—|--)\s*(\d{4}-\d{2}-\d{2})$/.exec(raw)
    if (!m) {
      out.push(raw)
      continue
    }
    const [start, end] = [new Date(`${m[1]}T00:00:00Z`), new Date(`${m[2]}T00:00:00Z`)]
    if (isNaN(+start) || isNaN(+end) || end < start || (+end - +start) / 864e5 > 60) {
      out.push(raw)
      continue
    }
    for (let d = start; d <= end; d = new Date(+d + 864e5)) out.push(d.toISOString().slice(0, 10))
  }
  return out
}
