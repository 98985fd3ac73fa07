"""What of a person's data public screens and lists may show.

``mask_id(number)``: the resident ID number as every public list and answer
shows it (published results, certificate verification, exports), the first
3 and the last 2 characters, 13 asterisks between: ``510*************3X``.

Why not the first 6 and last 4 (``510104********1234``, the mask before):
they hide only the birth date, and the public look-ups take an ID number and
a name. Candidates aged 16 to 65 have about 18,260 possible birth dates; the
check character (ISO 7064 MOD 11-2) is kept, and only one date in 11 fits
it: about 1,660 numbers, each confirmed with one public look-up by ID number
and the published name. The birth date falls to a few thousand requests.

With the first 3 and the last 2 kept, unknown are the rest of the region code
(3 digits: 138 county codes under ``510`` in python-stdnum's table, current
and retired; 119, 132, 109 under Sichuan's 511, 512, 513; 2 under the
smallest prefix anywhere), the birth date (18,260 days), the first 2 digits
of the sequence (100; the third, kept, gives the sex), and the kept check
character removes one in 11: 138 × 18,260 × 100 / 11 ≈ 22.9 million numbers
per masked ID under ``510``, and at least 2 × 18,260 × 100 / 11 ≈ 332,000
anywhere. Nothing to brute-force through a rate-limited look-up. The
arithmetic is in docs/exam.md; the number's owner sees the same mask on their
own screens (the portal's ``maskIdNumber``).
"""
KEEP_START, KEEP_END = 3, 2


def mask_id(number):
    """The ID number as public lists show it: the first 3 and the last 2 kept."""
    if not number:
        return ""
    number = str(number)
    if len(number) <= KEEP_START + KEEP_END:
        return "*" * len(number)
    return number[:KEEP_START] + "*" * (len(number) - KEEP_START - KEEP_END) + number[-KEEP_END:]
