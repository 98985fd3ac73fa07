import { describe, expect, it } from 'vitest'
import { ticketParts } from './ticketParts'

describe('T1: the parts of an institution\'s tickets', () => {
  it('cover every ticket once, at most per_pdf each, the last part the rest', () => {
    expect(ticketParts(4000, 250, 16)[0]).toEqual([1, 250])
    expect(ticketParts(4000, 250, 16)[15]).toEqual([3751, 4000])
    expect(ticketParts(251, 250, 2)).toEqual([[1, 250], [251, 251]])
    expect(ticketParts(12, 5, 3)).toEqual([[1, 5], [6, 10], [11, 12]])
  })
  it('one part for a batch that fits one PDF', () => {
    expect(ticketParts(50, 250, 1)).toEqual([[1, 50]])
  })
})
