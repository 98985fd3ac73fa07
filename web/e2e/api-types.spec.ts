// The portal's API types are those of the gateway it talks to: the OpenAPI
// document the launched suite serves, rendered exactly as scripts/gen-api.mjs
// renders it, equals the committed src/api/schema.d.ts. A route, body or
// answer changed in the gateway without `npm run gen:api` fails here.
//
import { readFileSync } from 'node:fs'
import { render } from '../scripts/render-api.mjs'
import { test, expect } from './helpers'

const SCHEMA = new URL('../src/api/schema.d.ts', import.meta.url)

/** The first line that differs, to say where the types went stale. */
function firstDifference(a: string, b: string) {
  const x = a.split('\n')
  const y = b.split('\n')
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}:\n  committed: ${x[i] ?? '(end of file)'}\n  served:    ${y[i] ?? '(end of file)'}`
  }
  return 'no difference'
}

test('the API types (src/api/schema.d.ts) are generated from the OpenAPI document the gateway serves', async ({ api }) => {
  const r = await api.ctx.get('/api/openapi.json')
  expect(r.status(), 'GET /api/openapi.json').toBe(200)
  const doc = await r.json()
  expect(doc.openapi, 'an OpenAPI document').toMatch(/^3\./)
  expect(Object.keys(doc.paths ?? {}).length, 'the document lists routes').toBeGreaterThan(10)

  const served = await render(doc)
  const committed = readFileSync(SCHEMA, 'utf8')
  expect(
    committed === served,
    'src/api/schema.d.ts differs from what the gateway serves: run `npm run gen:api` ' +
      '(cd web && node scripts/gen-api.mjs http://127.0.0.1:PORT/api/openapi.json) against a running suite, ' +
      `and commit the result. First difference at ${firstDifference(committed, served)}`,
  ).toBe(true)
})
