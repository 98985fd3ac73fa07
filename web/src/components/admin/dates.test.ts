import { describe, expect, it } from 'vitest'
import { expandDates } from './dates'

describe('expandDates', () => {
  it('expands a range of the notice into every day of it', () => {
    expect(expandDates('2027-02-05~2027-02-07\n2027-01-01')).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-01-01'])
  })
  it('reads 至 and commas, and keeps what is not a date for the server to name', () => {
    expect(expandDates('2027-10-01至2027-10-02，2027-13-01')).toEqual(['2027-10-01', '2027-10-02', '2027-13-01'])
  })
  it('keeps a backwards range as typed', () => {
    expect(expandDates('2027-02-07~2027-02-05')).toEqual(['2027-02-07~2027-02-05'])
  })
})
