/**
 * Issue 19: a target that issues opaque access tokens and introspects them (RFC 7662) gets its token claims read
 * through introspection (support/identity/claims.ts readClaims). The reference runs with opaque-access-tokens
 * (system clients get oidc-provider's opaque tokens) and is described as an honest opaque-token target: it claims
 * neither jwt-access-tokens nor rfc9068-access-tokens. The identity scenario REQ-ID-01 and the introspection and
 * revocation features must then pass, judged on what introspection says; with the gateway introspecting opaque
 * tokens (variation gateway-introspects-opaque-tokens), the gateway identity scenarios of system tokens run too.
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
let stack: ReferenceStack | undefined;
let verdicts: Verdicts;
let stderr = '';
let dir = '';
let messageText = '';

before(async () => {
  stack = await ReferenceStack.start({ faults: FAULTS });
  const base = describeReferenceTarget(stack.urls, { faults: FAULTS });
  const target = { ...base, capabilities: { ...base.capabilities, 'jwt-access-tokens': false, 'rfc9068-access-tokens': false } };
  dir = mkdtempSync(join(tmpdir(), 'ctk-opaque-'));
  writeFileSync(join(dir, 'target.json'), JSON.stringify(target), { mode: 0o600 });
  const messages = join(dir, 'messages.ndjson');
  const run = await runSelftestCucumber(
    [
      'features/introspection.feature',
      'features/revocation.feature',
      'features/system-vs-human-identity.feature',
      'features/gateway-identity.feature',
      '--name', '^A client-credentials token names the client itself as its subject',
      '--name', '^The component receives the caller|^A system user is seen as the system|^The caller\'s access token is not passed on|^An identity header sent by the caller',
      '--name', 'introspect|revok|Revok|learns nothing|discloses nothing',
    ],
    messages,
    { AUTH_CTK_TARGET_FILE: join(dir, 'target.json'), AUTH_CTK_FAULTS: '' },
    180_000,
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
  assert.equal(verdictOf('REQ-REVOKE-04')?.verdict, 'not-applicable');
});

test('the gateway identity scenarios of a system token pass on opaque tokens the gateway introspects', () => {
  const ids = ['REQ-ID-06', 'REQ-ID-07', 'REQ-ID-08', 'REQ-ID-09'];
  assert.deepEqual(ids.map((id) => `${id} ${verdictOf(id)?.verdict}`), ids.map((id) => `${id} passed`), `${JSON.stringify(ids.map((id) => verdictOf(id)?.reason ?? verdictOf(id)?.diagnoses))}\n${stderr}`);
});
