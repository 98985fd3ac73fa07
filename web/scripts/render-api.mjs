// The one way the API types are rendered from an OpenAPI document: used by
// scripts/gen-api.mjs (write or check src/api/schema.d.ts) and by
// e2e/api-types.spec.ts (compare with what the launched gateway serves).
import openapiTS, { astToString } from 'openapi-typescript'

export const HEADER = "// Generated from the gateway's /api/openapi.json by scripts/gen-api.mjs: do not edit.\n"

export async function render(doc) {
  const ast = await openapiTS(doc, { alphabetize: true })
  return HEADER + astToString(ast)
}
