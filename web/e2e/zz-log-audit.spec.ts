// After every other browser test of the run (project 'audit' depends on the
// others): no log of the suite the run launched holds an ID number, a name or a
// password that the run handed to it, nor any other valid resident ID number
// (issue "Robustness and security": the access log wrote the full ID number and
// the name of a public look-up). The values come from the run's data dir
// (helpers.ts remembers each ID number and name it makes up).
import { expect, test } from '@playwright/test'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { PASSWORD, PERSONAL_DATA_FILE, idCheck } from './helpers'

function logs(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) {
      if (entry !== 'uploads' && entry !== 'node_modules') out.push(...logs(path))
    } else if (/\.log(\.\d+)?$/.test(entry)) out.push(path)
  }
  return out
}

test('no log of the suite holds an ID number, a name or a password of this run (personal data)', async () => {
  const dir = process.env.SKILLCERT_E2E_DATA_DIR
  test.skip(!dir, 'the run uses a suite it did not launch (SKILLCERT_E2E_URL): its logs are elsewhere')
  const file = join(dir!, PERSONAL_DATA_FILE)
  const values = existsSync(file) ? [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))] : []
  expect(values.length, 'the run made up ID numbers and names').toBeGreaterThan(10)
  const secrets = [...values, PASSWORD, process.env.SKILLCERT_E2E_ADMIN_PASSWORD ?? PASSWORD]
  const files = logs(dir!)
  expect(files.length, 'the suite wrote logs').toBeGreaterThan(5)
  const found: string[] = []
  for (const path of files) {
    const text = readFileSync(path, 'utf8')
    for (const value of secrets) if (text.includes(value)) found.push(`${path}: ${value.slice(0, 3)}…`)
    // any valid resident ID number, whoever it belongs to
    for (const m of text.matchAll(/(?<![0-9])([1-8][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})([0-9X])(?![0-9])/g)) {
      if (idCheck(m[1]) === m[2]) found.push(`${path}: an ID number ${m[1].slice(0, 3)}…`)
    }
  }
  expect(found, 'personal data in the logs').toEqual([])
})
