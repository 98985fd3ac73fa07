// An independent verifier of SkillCert's credentials (#19): nothing of SkillCert's
// code, only Digital Bazaar's libraries (@digitalbazaar/vc 7, data-integrity,
// eddsa-rdfc-2022-cryptosuite, vc-bitstring-status-list) and the JSON-LD
// contexts of their packages. It never goes to the network: the issuer's DID
// document, the status list credential and SkillCert's own context are files
// given on the command line (what a verifier fetched from the gateway:
// GET /api/credentials/did.json, the credential's statusListCredential URL, the
// context URL); any other URL the loader is asked for is an error.
//
//   node verify.mjs --did did.json --status status.json --context ctx.jsonld \
//        [--no-status] credential.json [credential.json ...]
//
// Prints one JSON line per credential:
//   {"file", "verified", "proof", "status": {"checked", "revoked"} | null, "error"}
// and exits 0 when every credential verified (and, when checked, is not revoked).
import {readFileSync} from 'node:fs';
import {basename} from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import {contexts as diContexts} from '@digitalbazaar/data-integrity-context';
import {contexts as multikeyContexts} from '@digitalbazaar/multikey-context';

function args(argv) {
  const out = {files: [], status: true};
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if(a === '--did') out.did = argv[++i];
    else if(a === '--status') out.statusList = argv[++i];
    else if(a === '--context') out.context = argv[++i];
    else if(a === '--no-status') out.status = false;
    else out.files.push(a);
  }
  return out;
}

const read = path => JSON.parse(readFileSync(path, 'utf8'));

export function buildLoader({didDocument, statusList, context}) {
  const loader = securityLoader();
  for(const [url, doc] of diContexts) loader.addStatic(url, doc);
  for(const [url, doc] of multikeyContexts) loader.addStatic(url, doc);
  for(const [url, doc] of Object.entries(context || {})) loader.addStatic(url, doc);
  if(statusList) loader.addStatic(statusList.id, statusList);
  const offline = loader.build();
  return async url => {
    // did:web: the DID document given; a key id answers with its Multikey
    if(didDocument && (url === didDocument.id || url.startsWith(didDocument.id + '#'))) {
      if(url === didDocument.id) {
        return {contextUrl: null, documentUrl: url, document: didDocument};
      }
      const method = (didDocument.verificationMethod || []).find(m => m.id === url);
      if(!method) throw new Error(`${url} is not in the issuer's DID document`);
      return {contextUrl: null, documentUrl: url,
        document: {'@context': 'https://w3id.org/security/multikey/v1', ...method}};
    }
    return offline(url);
  };
}

export async function verifyOne({credential, documentLoader, status}) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const options = {credential, suite, documentLoader};
  if(status) options.checkStatus = checkStatus;
  const result = await vc.verifyCredential(options);
  const statusResult = result.statusResult;
  let revoked = null;
  if(statusResult && statusResult.results) {
    revoked = statusResult.results.some(r => r.status === true);
  }
  // vc.verifyCredential's `verified` says the status could be checked; a set
  // revocation bit is the verifier's call: a revoked credential does not verify
  return {
    verified: result.verified === true && revoked !== true,
    proof: Array.isArray(result.results) &&
      result.results.every(r => r.verified === true),
    status: status ? {checked: !!statusResult, revoked} : null,
    error: revoked === true ? 'revoked (its bit in the status list is set)' :
      result.verified ? null :
      String((result.error && (result.error.errors || [result.error])
        .map(e => e.message).join('; ')) || 'not verified')
  };
}

async function main() {
  const a = args(process.argv.slice(2));
  const didDocument = a.did ? read(a.did) : null;
  const statusList = a.statusList ? read(a.statusList) : null;
  const context = {};
  if(a.context) {
    const doc = read(a.context);
    context[doc.url] = doc.document;
  }
  const documentLoader = buildLoader({didDocument, statusList, context});
  let ok = true;
  for(const file of a.files) {
    let line;
    try {
      line = {file: basename(file), ...await verifyOne(
        {credential: read(file), documentLoader, status: a.status})};
    } catch(e) {
      line = {file: basename(file), verified: false, proof: false, status: null, error: e.message};
    }
    ok = ok && line.verified;
    console.log(JSON.stringify(line));
  }
  process.exit(ok ? 0 : 1);
}

main();
