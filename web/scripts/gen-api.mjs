// Generate src/api/schema.d.ts from the gateway's OpenAPI document.
//   node scripts/gen-api.mjs [URL|FILE]   (default http://127.0.0.1:8080/api/openapi.json)
//   node scripts/gen-api.mjs --check URL  exits 1 when the committed file differs
import { readFileSync, writeFileSync } from 'node:fs'
import { render } from './render-api.mjs'

const args = process.argv.slice(2)
const check = args[0] === '--check'
const source = (check ? args[1] : args[0]) ?? 'http://127.0.0.1:8080/api/openapi.json'
const target = new URL('../src/api/schema.d.ts', import.meta.url)

const doc = source.startsWith('http') ? await (await fetch(source)).json() : JSON.parse(readFileSync(source, 'utf8'))
const text = await render(doc)
if (check) {
  const committed = readFileSync(target, 'utf8')
  if (committed !== text) {
    console.error('src/api/schema.d.ts differs from what the gateway serves: run `npm run gen:api`')
    process.exit(1)
  }
  console.log('src/api/schema.d.ts matches the gateway')
} else {
  writeFileSync(target, text)
  console.log(`wrote ${target.pathname}`)
}
