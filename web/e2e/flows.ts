// The staff steps of deploy/demo.py, in TypeScript, for the browser tests that
// need a candidate far along the way (paid, seated, scored, certified): one
// batch of this run copying the windows of 2026-12, registration over the API,
// the review, finance's confirmation, rosters, a room, seating, four assessors
// with cards and their dispatch, check-in, computer scores, the
// score summary checked, publication and the e-certificate. The rehearsal
// clock moves between the windows as the demo moves it (PUT /admin/clock).
import { request as pwRequest, expect } from '@playwright/test'
import { Api, PASSWORD, candidateAccount, newIdNumber, newName, staffAccount } from './helpers'
import { qrPayloadOfPdfText } from '../src/components/after/saveBlob'

export const PROJECT = 'bigdata-analysis'
export const PROJECT_NAME = '大数据分析'
export const TEMPLATE = '2026-12'
export const DAYS = {
  registration: '2026-11-02', review: '2026-11-04', payment: '2026-11-16', rosters: '2026-11-19',
  tickets: '2026-11-30', exam: '2026-12-05', afterExam: '2026-12-07', publication: '2026-12-11',
  final: '2026-12-18', certificates: '2026-12-21',
}
const ASSESSOR_DAYS = { apply: '2025-05-12', study: '2025-05-20', exam: '2025-06-06' }
const PERIOD = '2025-2'
const SCANS = ['application_form', 'integrity_pledge', 'education_proof', 'id_card_front', 'id_card_back']

const PHOTO_JPEG = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAUDBAQEAwUEBAQFBQUGBwwIBwcHBw8LCwkMEQ8SEhEPERETFhwXExQaFRERGCEYGh0dHx8fExciJCIeJBweHx7/2wBDAQUFBQcGBw4ICA4eFBEUHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh7/wAARCACgAHgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCeECFhbqqqgH7pUiIVEAUYJ6dTx047cE1NTZEDqFYsACD8rEdDnt9OnfpTYJPMXDGPzUwJVR9wRsA4zx6jqBwRXprTQ4JXmubr1/z/AM/PrqSUUUVRmFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFRy71ZXXzGA+Uou3ByR8xz6c9D0zwTipKKTVxxdncKKhhAhYW6qqoB+6VIiFRAFGCenU8dOO3BNTUJ3HKNnpsFFFFMkKKKKACiiigAooooAKKKKACiiigAooooAbIgdQrFgAQflYjoc9vp079KbBJ5i4Yx+amBKqPuCNgHGePUdQOCKkqOXerK6+YwHylF24OSPmOfTnoemeCcVL01LjquV/wBf8P8A5aklFFFUQFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFAEMIELC3VVVAP3SpEQqIAowT06njpx24JqamyIHUKxYAEH5WI6HPb6dO/SmwSeYuGMfmpgSqj7gjYBxnj1HUDgipWmhpK81zdev+f8An59dSSiiiqMwooooAKKKKACiiigAooooAKKKKACiiigAqOXerK6+YwHylF24OSPmOfTnoemeCcVJRSauOLs7hRUMIELC3VVVAP3SpEQqIAowT06njpx24JqahO45Rs9NgooopkhRRRQAUUUUAFFFFABRRRQAUUUUAFFFFADZEDqFYsACD8rEdDnt9OnfpTYJPMXDGPzUwJVR9wRsA4zx6jqBwRUlRy71ZXXzGA+Uou3ByR8xz6c9D0zwTipempcdVyv+v+H/AMtSSiiiqICiiigAooooAKKKKACiiigAooooAKKKKACiiigCGECFhbqqqgH7pUiIVEAUYJ6dTx047cE1NTZEDqFYsACD8rEdDnt9OnfpTYJPMXDGPzUwJVR9wRsA4zx6jqBwRUrTQ0lea5uvX/P/AD8+upJRRRVGYUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAVHLvVldfMYD5Si7cHJHzHPpz0PTPBOKkopNXHF2dwooopiCiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKAP/9k='
const SCAN_JPEG = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAUDBAQEAwUEBAQFBQUGBwwIBwcHBw8LCwkMEQ8SEhEPERETFhwXExQaFRERGCEYGh0dHx8fExciJCIeJBweHx7/2wBDAQUFBQcGBw4ICA4eFBEUHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh7/wAARCAMgAlgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCeECFhbqqqgH7pUiIVEAUYJ6dTx047cE1NTZEDqFYsACD8rEdDnt9OnfpTYJPMXDGPzUwJVR9wRsA4zx6jqBwRXprTQ4JXmubr1/z/AM/PrqSUUUVRmFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFRy71ZXXzGA+Uou3ByR8xz6c9D0zwTipKKTVxxdncKKhhAhYW6qqoB+6VIiFRAFGCenU8dOO3BNTUJ3HKNnpsFFFFMkKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAbIgdQrFgAQflYjoc9vp079KbBJ5i4Yx+amBKqPuCNgHGePUdQOCKkqOXerK6+YwHylF24OSPmOfTnoemeCcVL01LjquV/wBf8P8A5aklFFFUQFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFAEMIELC3VVVAP3SpEQqIAowT06njpx24JqamyIHUKxYAEH5WI6HPb6dO/SmwSeYuGMfmpgSqj7gjYBxnj1HUDgipWmhpK81zdev+f8An59dSSiiiqMwooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAqOXerK6+YwHylF24OSPmOfTnoemeCcVJRSauOLs7hRUMIELC3VVVAP3SpEQqIAowT06njpx24JqahO45Rs9NgooopkhRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFADZEDqFYsACD8rEdDnt9OnfpTYJPMXDGPzUwJVR9wRsA4zx6jqBwRUlRy71ZXXzGA+Uou3ByR8xz6c9D0zwTipempcdVyv+v+H/AMtSSiiiqICiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigCGECFhbqqqgH7pUiIVEAUYJ6dTx047cE1NTZEDqFYsACD8rEdDnt9OnfpTYJPMXDGPzUwJVR9wRsA4zx6jqBwRUrTQ0lea5uvX/P/AD8+upJRRRVGYUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAVHLvVldfMYD5Si7cHJHzHPpz0PTPBOKkopNXHF2dwooopiCiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooA//2Q=='

let salt = Math.floor(Math.random() * 1e9)
/** A real JPEG, made unique by bytes after its end marker (it still decodes). */
function jpeg(base: string, size?: number) {
  const img = Buffer.from(base, 'base64')
  salt += 1
  const tag = Buffer.from(`sc-e2e-${Date.now()}-${salt}-${Math.random()}`)
  const pad = size ? Buffer.alloc(Math.max(0, size - img.length - tag.length)) : Buffer.alloc(0)
  return Buffer.concat([img, tag, pad]).toString('base64')
}
export const photo = () => jpeg(PHOTO_JPEG)
export const scan = () => jpeg(SCAN_JPEG, 250 * 1024)
export const receiptImage = () => Buffer.from(jpeg(PHOTO_JPEG), 'base64')

/** Until fn() gives something truthy (events travel between services). */
export async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, seconds = 90): Promise<T> {
  const deadline = Date.now() + seconds * 1000
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v as T
    } catch (exc) {
      last = exc
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

export type Staff = Record<'reviewer' | 'finance' | 'exam_admin' | 'certificate_officer', Api>
export type Person = Api & { username: string; name: string; id_number: string; application_id: string }

/** The suite over the API, outside a test's fixtures (for beforeAll). */
export async function connect() {
  const baseURL = process.env.SKILLCERT_E2E_URL
  const ctx = await pwRequest.newContext({ baseURL, extraHTTPHeaders: { Accept: 'application/json' } })
  const api = new Api(ctx)
  const admin = await api.login('admin', process.env.SKILLCERT_E2E_ADMIN_PASSWORD!)
  const staff = {} as Staff
  for (const role of ['reviewer', 'finance', 'exam_admin', 'certificate_officer'] as const)
    staff[role] = await staffAccount(admin, role)
  const run = Math.random().toString(36).slice(2, 8)
  return { ctx, api, admin, staff, run, at: (day: string) => admin.put('/admin/clock', { today: day }) }
}
export type Suite = Awaited<ReturnType<typeof connect>>

/** A batch of this run with the windows of 2026-12 (a code letter of its own). */
export async function newBatch(s: Suite) {
  const template = await s.api.get(`/batches/${TEMPLATE}`)
  const taken = new Set((await s.api.get('/batches', { year: '2026' })).map((b: any) => b.code))
  const code = [...'abcdefghijklmnopqrstuvwxyz'].map((c) => TEMPLATE + c).find((c) => !taken.has(c))
  if (!code) throw new Error('every batch code 2026-12a..z is taken')
  const body: Record<string, unknown> = { code, seq: template.seq }
  for (const k of ['year', 'registration', 'review', 'payment', 'ticket', 'exam_date', 're_review_working_days', 'accepted_id_documents'])
    body[k] = template[k]
  await s.staff.exam_admin.post('/batches', body)
  return code as string
}

/** Four assessors from their applications to their cards (A1-A6): the exam needs
 * three assessors in each room (the quality supervisor is the center's). */
export async function assessors(s: Suite, count = 4) {
  await s.at(ASSESSOR_DAYS.apply)
  const cards: string[] = []
  for (let n = 0; n < count; n++) {
    const unit = `e2e-${s.run}-u${n}`
    const region = '510600'
    await s.admin.post('/assessor/units', { code: unit, name: `测试考评推荐单位${s.run}${n}`, kind: 'filed', region, address: '德阳市旌阳区', contact: '0838-1234567' })
    const unitAccount = await staffAccount(s.admin, 'institution_operator', { institution_code: unit })
    const municipal = await staffAccount(s.admin, 'municipal_center', { region })
    const applicant = await candidateAccount(s.api, { id_number: newIdNumber('19780101') })
    const ph = (await applicant.post('/assessor/materials', { purpose: 'photo', content_base64: photo() })).hash
    const sc = (await applicant.post('/assessor/materials', { purpose: 'scan', content_base64: scan() })).hash
    let app = await applicant.post('/assessor/applications', assessorForm(applicant.name, applicant.id_number, unit, ph, sc))
    const path = `/assessor/applications/${app.id}`
    for (const [step, who] of [['unit', unitAccount], ['municipal', municipal], ['provincial', s.admin]] as const)
      if (app.chain.includes(step)) app = await who.post(`${path}/reviews`, { step, decision: 'approve', reason: '同意' })
    await s.at(ASSESSOR_DAYS.exam)
    await s.admin.post(`${path}/study`, { studied_on: ASSESSOR_DAYS.study, hours: 24, course: '考评员工作流程' })
    app = await s.admin.post(`${path}/exam-score`, { score: 80 + n })
    cards.push(app.card_number)
    await s.at(ASSESSOR_DAYS.apply)
  }
  return cards
}

function assessorForm(name: string, id_number: string, unit: string, photoHash: string, scanHash: string) {
  const summary = '本人长期从事大数据分析与数据治理工作，负责项目实施与人员培训考核。'.repeat(10).slice(0, 300)
  return {
    period_code: PERIOD, filled_on: '2025-05-08',
    person: {
      name, id_number, phone: '13900139000', education: 'bachelor', work_unit: '德阳数据科技有限公司',
      professional_years: 12, address: '德阳市旌阳区', region: '德阳市',
      title: { level: 'intermediate', specialty: '计算机应用', certificate: scanHash },
      qualifications: [{ kind: 'skill_level', level: 'senior', occupation: '大数据工程技术人员', certificate_number: 'S0001', certificate: scanHash }],
    },
    unit: { code: unit, kind: 'filed', filing_accepted_on: null },
    projects: [PROJECT, 'bigdata-cleaning'],
    conditions: [{ condition: 1, evidence: [scanHash] }, { condition: 4, evidence: [scanHash] }],
    work_summary: summary,
    materials: { photo: photoHash, declaration_form: scanHash, id_card_copy: scanHash, social_insurance_proof: scanHash },
    pledge: { signed: true, signed_on: '2025-05-08' },
  }
}

/** An individual candidate signs up and applies (on the registration day). */
export async function register(s: Suite, code: string, person: { name?: string; id_number?: string } = {}): Promise<Person> {
  await s.at(DAYS.registration)
  const c = await candidateAccount(s.api, { name: person.name ?? newName(), id_number: person.id_number ?? newIdNumber('19900101') })
  const up = async (purpose: string, content_base64: string) => (await c.post('/materials', { purpose, content_base64 })).hash
  const materials: Record<string, string> = { photo: await up('photo', photo()), education_proof_kind: 'diploma' }
  for (const kind of SCANS) materials[kind] = await up('scan', scan())
  const app = await c.post('/applications', {
    batch_code: code, project_code: PROJECT,
    person: { name: c.name, id_number: c.id_number, education: 'high_school', phone: '13800138000', work_unit: '成都某科技有限公司' },
    claim: { alternative: 'education', computer_skills: true }, materials, candidate_pledge: true,
  })
  return Object.assign(c, { application_id: app.id as string })
}

/** On the review day, the center's review approves these applications in one bulk call,
 * once each is in its queue. */
export async function approveInQueue(s: Suite, code: string, applicationIds: string[]) {
  await s.at(DAYS.review)
  const wanted = new Set(applicationIds)
  const ids = await until(async () => {
    const queue = await s.staff.reviewer.get('/review/queue', { batch_code: code, limit: '1000' })
    const found = queue.items.map((i: any) => i.application_id).filter((a: string) => wanted.has(a))
    return found.length === wanted.size && found
  }, 'the review queue')
  await s.staff.reviewer.post('/review/decisions', { decisions: ids.map((application_id: string) => ({ application_id, decision: 'approve', reason: '材料齐全' })) })
}

/** The center's review approves; until registration shows 审核通过. */
export async function approve(s: Suite, code: string, people: Person[]) {
  await approveInQueue(s, code, people.map((p) => p.application_id))
  for (const p of people)
    await until(async () => (await p.get(`/applications/${p.application_id}`)).status === 'approved', 'approved')
  await until(async () => {
    const due = await p0payable(people[0])
    return due && !due.code
  }, 'the payable item')
}
const p0payable = (p: Person) => p.call('GET', `/applications/${p.application_id}/payment`).then((r) => (r.status === 200 ? r.json : null))

/** The candidate pays over the API (own name as payer). */
export async function payOverApi(s: Suite, p: Person) {
  await s.at(DAYS.payment)
  const due = await until(() => p0payable(p), 'the payable item')
  const payee = await p.get('/payments/payee')
  const file = (await p.post('/receipts', { content_base64: receiptImage().toString('base64'), filename: '回单.jpg' })).hash
  return p.post(`/applications/${p.application_id}/payment`, {
    receipt: { file, payee_name: payee.payee_name, payee_account: payee.payee_accounts[0], payer_name: p.name, amount_fen: due.amount_due_fen, transfer_date: DAYS.payment },
    note: '考试费',
  })
}

/** Finance confirms the submission of an application (确认收费); until it shows paid. */
export async function confirmPayment(s: Suite, p: Person) {
  const due = await until(async () => {
    const d = await p0payable(p)
    return d?.submission_id && d
  }, 'the submission')
  await s.staff.finance.post(`/payments/submissions/${due.submission_id}/confirm`, {})
  await until(async () => (await p.get(`/applications/${p.application_id}`)).status === 'paid', 'paid')
}

/** Rosters, a room, seating and the assessor dispatch (on the rosters day). */
export async function arrange(s: Suite, code: string) {
  await s.at(DAYS.rosters)
  const admin = s.staff.exam_admin
  await admin.post('/exam/minimum-overrides', { batch_code: code, project_code: PROJECT, reason: '测试批次，人数不足10人仍组织考核' })
  await admin.post('/exam/rosters/close')
  const room = `E${s.run}`.slice(0, 20)
  await admin.post('/exam/rooms', { code: room, name: `测试考场${s.run}`, location: '成都市青羊区鉴定考点3楼', seats: Array.from({ length: 30 }, (_, n) => String(n + 1).padStart(3, '0')), spacing: { rule: 'all' } })
  await admin.post(`/exam/batches/${code}/arrangement`, { rooms: [room] })
  const dispatch = await admin.post(`/exam/batches/${code}/dispatch`, {})
  const seats = (await admin.get(`/exam/batches/${code}/arrangement`)).seats
  return { seats, slots: dispatch.session_rooms as any[] }
}

/** Exam day: check-in, computer scores, the score summary checked, the supervision;
 * then the no-shows two days later. */
export async function examDay(s: Suite, code: string, plan: { seats: any[]; slots: any[] }, score = 88) {
  await s.at(DAYS.exam)
  const admin = s.staff.exam_admin
  for (const seat of plan.seats)
    await admin.post('/exam/check-in', { ticket_number: seat.ticket_number, document: { type: 'resident_id_card_2g', number: seat.id_number, expires_on: '2035-01-01' } })
  for (const session of [...new Set(plan.seats.map((x) => x.session))]) {
    const rows = plan.seats.filter((x) => x.session === session).map((x) => `${x.ticket_number},${x.id_number},${x.name},${score}`)
    await admin.post(`/exam/batches/${code}/computer-scores`, { session_code: session, csv: ['ticket_number,id_number,name,score', ...rows].join('\n') + '\n', filename: `${code}-${session}.csv` })
  }
  // 智能化上机考核: the computer score is the score (T4); the recorder totals each room,
  // the checker (not an assessor) checks it with the stamped scan; the center's
  // quality supervisor signs the session's record (no certificate without it)
  const sheetScan = (await admin.post('/exam/summary-scans', { content_base64: scan(), filename: '成绩汇总表.jpg' })).hash
  const checker = newIdNumber('19750101')
  for (const slot of plan.slots) {
    await admin.post(`/exam/batches/${code}/score-summaries`, { session_code: slot.session, room_code: slot.room, overseer: '监督人员' })
    await admin.post(`/exam/batches/${code}/verifications`, { session_code: slot.session, room_code: slot.room, approve: true, note: '核分无误', checker_id_number: checker, scan: sheetScan })
  }
  for (const session of [...new Set(plan.slots.map((x) => x.session))]) {
    const supervisor = { name: '质量督导员', id_number: newIdNumber('19700101') }
    await admin.put(`/exam/batches/${code}/sessions/${session}/supervisor`, { supervisor })
    await admin.post(`/exam/batches/${code}/sessions/${session}/supervision`, { record: '考核全过程现场督导，未见违规', signed_by: supervisor })
  }
  await s.at(DAYS.afterExam)
  await admin.post('/exam/no-shows')
}

/** 成绩公示 (T5) from the publication day. */
export async function publish(s: Suite, code: string) {
  await s.at(DAYS.publication)
  await s.staff.exam_admin.post('/exam/publication')
  return until(async () => {
    const r = await s.api.call('GET', `/public/results/${code}`)
    return r.status === 200 && r.json.rows.length > 0 && r.json
  }, 'the published results')
}

/** The end of publication: results final, the certificates issued (C1). */
export async function finalizeAndIssue(s: Suite, code: string, people: Person[]) {
  await s.at(DAYS.final)
  await s.staff.exam_admin.post('/exam/publication')
  await s.at(DAYS.certificates)
  const issued = await until(async () => {
    const r = await s.staff.certificate_officer.call('GET', '/admin/certificates', undefined, { batch_code: code })
    return r.status === 200 && r.json.length >= people.length && r.json
  }, 'the certificates', 180)
  return issued as any[]
}

/** The QR payload of an e-certificate, from its PDF (Keywords skillcert:<payload>). */
export function qrPayloadOf(pdf: Buffer) {
  const payload = qrPayloadOfPdfText(pdf.toString('latin1'))
  if (!payload) throw new Error('no skillcert: keywords in the PDF')
  return payload
}

/** A candidate's own e-certificate (number and PDF bytes). */
export async function myCertificate(p: Person) {
  const mine = await until(async () => {
    const list = await p.get('/certificates')
    return list.length > 0 && list
  }, 'my certificates')
  const number = mine[0].certificate.number as string
  const r = await p.ctx.fetch(`/api/certificates/${number}/pdf`, { headers: p.headers() as Record<string, string> })
  expect(r.status()).toBe(200)
  const pdf = Buffer.from(await r.body())
  return { number, pdf, payload: qrPayloadOf(pdf) }
}

/** Everything up to an issued certificate, over the API. */
export async function issuedCertificate(s: Suite) {
  const code = await newBatch(s)
  await assessors(s)
  const person = await register(s, code)
  await approve(s, code, [person])
  await payOverApi(s, person)
  await confirmPayment(s, person)
  const plan = await arrange(s, code)
  await examDay(s, code, plan)
  await publish(s, code)
  await finalizeAndIssue(s, code, [person])
  const cert = await myCertificate(person)
  return { code, person, ...cert }
}

export { PASSWORD }
