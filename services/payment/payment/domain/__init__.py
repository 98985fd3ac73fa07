"""Rules of payment, one module per area. Pure: no broker, no database, no
clock (``today`` is passed in).

Rule IDs are DOMAIN.md's: P1 (institution payment: one transfer for many of its
own approved candidates, the note states exam date and headcount), P2
(individual payment; a proxy payer's note follows the required wording), P3
(the receipt shows payee name, payee account, payer name and amount; the payee
is the center), P4 (not confirmed by the end of the payment window: abandoned),
B1 (a cancelled batch), B2 (confirmation locks the registration). Project-local
IDs for what the digest states without one: F1 (the amount due is the fee
schedule's amount for the project, in force on the first day of the batch's
payment window; what is paid must equal it), K1 (bank reconciliation: a
statement line is a credit identified by its bank serial; matching by payment
reference, then by amount and payer name) and M3 (the receipt file,
receipts).

| module | area | rules |
|---|---|---|
| wording | names and notes normalised, yuan and fen, dates as written | |
| fee_schedule | the fee schedule and the shipped reference data | F1 |
| payments | statuses, window, references, who pays, receipt, confirmation, P4, B1 | P1-P4, B1, B2, F1 |
| notes | transfer notes: the institution's, the proxy payer's wording | P1, P2 |
| years | which notice's payment rules a batch's year follows (2024: 三联单; 2026: notes) | P1, P2 |
| statements | bank statements read as credits | K1 |
| matching | credits matched to submissions | K1 |
| reconciliation | a batch's reconciliation report | K1 |
| receipts | the receipt file checked by content | M3 |

Money is integer fen throughout; yuan appear only in text people read or write.
"""
