/**
 * Issue 19: a target that issues opaque access tokens and introspects them (RFC 7662) gets its token claims read
 * through introspection (support/identity/claims.ts readClaims). The reference runs with opaque-access-tokens
 * (system clients get oidc-provider's opaque tokens) and the gateway introspecting them (variation
 * gateway-introspects-opaque-tokens), and is described as an honest opaque-token target: it claims neither
 * jwt-access-tokens nor rfc9068-access-tokens, and states the revocation bound of a gateway that introspects every
 * token (limits.revocationSeconds 0).
 *
 * The gateway and identity features run whole: every requirement they judge passes, except those about the JWT
 * itself (RFC 9068 / RFC 7519 claims, its signature, a gateway's validation of a JWT), which are not applicable with
 * the reason; nothing is not testable or failed. DPoP runs too, the binding learnt through introspection (RFC 9449 §6.2).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceStack } from '../reference/stack.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts, type Verdicts } from '../support/report/verdicts.ts';
import { runSelftestCucumber } from './fault-injection/run-with-fault.ts';

// The gateway introspects opaque tokens (variation gateway-introspects-opaque-tokens), as an opaque-token
// deployment's gateway must.
const FAULTS = ['opaque-access-tokens', 'gateway-introspects-opaque-tokens'];
const FEATURES = [
  'access-token-format', 'anonymous-fallback', 'bearer-errors', 'canvas', 'dpop', 'dpop-introspection', 'gateway-identity',
  'gateway-token-attacks', 'introspection', 'revocation', 'system-vs-human-identity',
];
let stack: ReferenceStack | undefined;
let verdicts: Verdicts;
let stderr = '';
let dir = '';
let messageText = '';

before(async () => {
  stack = await ReferenceStack.start({ faults: FAULTS });
  const base = describeReferenceTarget(stack.urls, { faults: FAULTS });
  const target = {
    ...base,
    capabilities: { ...base.capabilities, 'jwt-access-tokens': false, 'rfc9068-access-tokens': false },
    limits: { ...base.limits, revocationSeconds: 0 },
  };
  dir = mkdtempSync(join(tmpdir(), 'ctk-opaque-'));
  writeFileSync(join(dir, 'target.json'), JSON.stringify(target), { mode: 0o600 });
  const messages = join(dir, 'messages.ndjson');
  const run = await runSelftestCucumber(
    [...FEATURES.map((f) => `features/${f}.feature`), '--parallel', '2'],
    messages,
    { AUTH_CTK_TARGET_FILE: join(dir, 'target.json'), AUTH_CTK_FAULTS: '' },
    300_000,
  );
  stderr = run.stderr;
  verdicts = computeVerdicts(readMessages(messages));
  messageText = readFileSync(messages, 'utf8');
});

after(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const verdictOf = (id: string) => verdicts.requirements.find((r) => r.requirement.id === id);

test('REQ-ID-01 passes on opaque tokens, its claims read through the introspection endpoint', () => {
  const id01 = verdictOf('REQ-ID-01');
  assert.equal(id01?.verdict, 'passed', `${JSON.stringify(id01)}\n${stderr}`);
  const scenarios = verdicts.scenarios.filter((s) => s.name.startsWith('A client-credentials token names the client itself'));
  assert.equal(scenarios.length, 2, 'both clients (system, read-only) ran');
  assert.ok(messageText.includes('read through the introspection endpoint: the token is opaque'), 'the check says where the claims came from');
});

test('the introspection and revocation requirements pass on opaque tokens (oidc-provider\'s own endpoints)', () => {
  const ids = ['REQ-INTRO-01', 'REQ-INTRO-02', 'REQ-INTRO-03', 'REQ-INTRO-04', 'REQ-INTRO-05', 'REQ-INTRO-06', 'REQ-INTRO-07', 'REQ-INTRO-08', 'REQ-REVOKE-01', 'REQ-REVOKE-02', 'REQ-REVOKE-03', 'REQ-REVOKE-05'];
  assert.deepEqual(ids.map((id) => `${id} ${verdictOf(id)?.verdict}`), ids.map((id) => `${id} passed`), stderr);
});

test('the introspecting gateway refuses a revoked opaque token at once (REQ-REVOKE-04, bound 0)', () => {
  assert.equal(verdictOf('REQ-REVOKE-04')?.verdict, 'passed', JSON.stringify(verdictOf('REQ-REVOKE-04')));
});

test('the gateway identity scenarios of a system token pass on opaque tokens the gateway introspects', () => {
  const ids = ['REQ-ID-06', 'REQ-ID-07', 'REQ-ID-08', 'REQ-ID-09'];
  assert.deepEqual(ids.map((id) => `${id} ${verdictOf(id)?.verdict}`), ids.map((id) => `${id} passed`), `${JSON.stringify(ids.map((id) => verdictOf(id)?.reason ?? verdictOf(id)?.diagnoses))}\n${stderr}`);
});

/**
 * About the JWT itself, or a gateway's validation of one (a copy of the token re-signed, a signer's JWT with a bad
 * iss/aud/exp/typ/crit/iat, jku/x5u/kid header attacks): nothing to judge on an opaque token, said so.
 */
const JWT_FORMAT = [
  'REQ-JWT-01', 'REQ-JWT-02', 'REQ-JWT-03', 'REQ-JWT-04', 'REQ-JWT-05', 'REQ-JWT-06', 'REQ-JWT-07', 'REQ-JWT-08', 'REQ-JWT-09', 'REQ-JWT-12',
  'REQ-BEARER-17', 'REQ-BEARER-18', 'REQ-BEARER-19', 'REQ-DPOP-02',
];
const SAYS_JWT = /jwt-access-tokens|rfc9068-access-tokens|not a JWT/;

/** Not applicable on the JWT reference too, for reasons that are not about the token format. */
const NOT_APPLICABLE_ANYWAY: Readonly<Record<string, RegExp>> = {
  'REQ-CANVAS-02': /names no roles/, // the system client is granted no roles
};
/** Scenarios not applicable on the JWT reference too (their requirements pass in other scenarios). */
const SCENARIO_NOT_APPLICABLE_ANYWAY = [...Object.values(NOT_APPLICABLE_ANYWAY), /is not a 401/];

test('every requirement of the gateway and identity features passes, or is about the JWT itself and not applicable with the reason', () => {
  const judged = verdicts.requirements.filter((r) => r.verdict !== 'not-run');
  assert.ok(judged.length > 50, `only ${judged.length} requirements judged\n${stderr}`);
  const wrong = judged.flatMap((r) => {
    const id = r.requirement.id;
    if (JWT_FORMAT.includes(id)) return r.verdict === 'not-applicable' && SAYS_JWT.test(r.reason ?? '') ? [] : [`${id} ${r.verdict}: ${r.reason ?? r.diagnoses.join(' | ')} (expected not applicable: about the JWT)`];
    if (NOT_APPLICABLE_ANYWAY[id]) return r.verdict === 'not-applicable' && NOT_APPLICABLE_ANYWAY[id]!.test(r.reason ?? '') ? [] : [`${id} ${r.verdict}: ${r.reason ?? ''}`];
    return r.verdict === 'passed' ? [] : [`${id} ${r.verdict}: ${r.reason ?? r.diagnoses.join(' | ')}`];
  });
  assert.deepEqual(wrong, [], stderr);
  const notApplicable = verdicts.scenarios.filter((s) => s.verdict === 'not-applicable');
  const unexplained = notApplicable.filter((s) => ![...s.contributions.values()].some((c) => SAYS_JWT.test(c.reason ?? '') || SCENARIO_NOT_APPLICABLE_ANYWAY.some((re) => re.test(c.reason ?? ''))));
  assert.deepEqual(unexplained.map((s) => `${s.uri}:${s.line} ${s.name}`), [], 'scenarios not applicable for another reason than the token format');
  assert.deepEqual(verdicts.scenarios.filter((s) => s.verdict === 'not-testable' || s.verdict === 'failed').map((s) => `${s.verdict} ${s.name}`), []);
});

test('the gateway\'s genuine-token refusals and DPoP run on opaque tokens, the binding learnt through introspection', () => {
  const ids = ['REQ-BEARER-01', 'REQ-BEARER-04', 'REQ-BEARER-05', 'REQ-ID-02', 'REQ-ID-10', 'REQ-DPOP-05', 'REQ-DPOP-06', 'REQ-DPOP-07', 'REQ-DPOP-08', 'REQ-DPOP-11', 'REQ-DPOP-12'];
  assert.deepEqual(ids.map((id) => `${id} ${verdictOf(id)?.verdict}`), ids.map((id) => `${id} passed`), stderr);
  const genuine = verdicts.scenarios.filter((s) => /^The gateway refuses a genuine token (of another issuer|issued for another audience)$/.test(s.name));
  assert.deepEqual(genuine.map((s) => s.verdict), ['passed', 'passed']);
});
