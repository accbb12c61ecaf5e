/**
 * Wrong verdicts seen on real deployments (issue 16), each reproduced on the reference with the faults or
 * variations that make it that deployment, and the one scenario that judged it wrongly run against it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithFault } from './fault-injection/run-with-fault.ts';
import { ReferenceStack } from '../reference/stack.ts';
import { loadProfile } from '../support/target/profile.ts';
import { describeExternalTarget } from '../support/target/external.ts';

const verdictOf = (run: Awaited<ReturnType<typeof runWithFault>>, id: string) => run.verdicts.requirements.find((r) => r.requirement.id === id)!;

test('REQ-TOK-13: a token for a GET is reported also on an IdP that requires a scope (the refusal of a scope-less request was no evidence)', { timeout: 120_000 }, async () => {
  const run = await runWithFault('scope-required,token-for-get-request', ['features/token-issuance.feature', '--tags', '@REQ-TOK-13'], 120_000);
  const tok13 = verdictOf(run, 'REQ-TOK-13');
  assert.equal(tok13.verdict, 'warning', tok13.reason ?? '');
  assert.match(tok13.diagnoses[0]!, /a GET request carrying grant_type, scope and the client credentials in the query string; got HTTP 200 with an access_token/);
  const correct = await runWithFault('scope-required', ['features/token-issuance.feature', '--tags', '@REQ-TOK-13'], 120_000);
  assert.equal(verdictOf(correct, 'REQ-TOK-13').verdict, 'passed', 'a scope-requiring IdP that refuses the GET passes');
});

test('REQ-BEARER-10: a gateway that serves a valid token from the URI query passes (RFC 6750 §2.3 MAY); one that trusts it unchecked fails', { timeout: 120_000 }, async () => {
  const args = ['features/bearer-errors.feature', '--tags', '@REQ-BEARER-10'];
  const served = await runWithFault('query-access-token', args, 120_000);
  const ok = verdictOf(served, 'REQ-BEARER-10');
  assert.equal(ok.verdict, 'passed', `${ok.reason ?? ''} ${ok.diagnoses.join(' ')}`);
  assert.deepEqual(ok.diagnoses, [], 'no warning against a clause: the advisory is a log line, not a verdict');
  const unchecked = await runWithFault('query-token-unchecked', args, 120_000);
  assert.equal(verdictOf(unchecked, 'REQ-BEARER-10').verdict, 'failed');
  assert.equal(verdictOf(await runWithFault('', args, 120_000), 'REQ-BEARER-10').verdict, 'passed', 'a gateway that refuses query tokens passes');
});

test('a discovery document naming a token_endpoint that answers 404: one REQ-DISC-11 finding, every token check blocked by it', { timeout: 300_000 }, async () => {
  const stack = await ReferenceStack.start({ faults: ['metadata-token-endpoint-not-found'] });
  const dir = mkdtempSync(join(tmpdir(), 'ctk-disc-404-'));
  try {
    // The reference described as an external target whose profile names the discovery document, not the token endpoint.
    const profile = loadProfile('fixtures/targets/reference-local.yaml', { env: {} });
    const at = (u: string) => u.replace('http://127.0.0.1:9400', stack.urls.idp).replace('http://127.0.0.1:9401', stack.urls.gateway);
    const { tokenEndpoint: _fromDiscovery, ...idp } = profile.idp;
    const lines: string[] = [];
    const described = await describeExternalTarget(
      {
        ...profile,
        idp: { ...idp, discoveryUrl: at(idp.discoveryUrl!), issuer: stack.urls.issuer, jwksUri: at(idp.jwksUri!), authorizationEndpoint: at(idp.authorizationEndpoint!) },
        gateway: { ...profile.gateway!, baseUrl: stack.urls.gateway },
        admin: { ...profile.admin!, baseUrl: stack.urls.idp },
      },
      (line) => lines.push(line),
    );
    assert.equal(described.tokenEndpointUnusable?.requirement, 'REQ-DISC-11', lines.join('\n'));
    assert.match(lines.join('\n'), /answers a token request with HTTP 404: REQ-DISC-11 reports it/);
    const file = join(dir, 'target.json');
    writeFileSync(file, JSON.stringify(described), { mode: 0o600 });
    const run = await runWithFault('', ['features/discovery.feature', 'features/token-issuance.feature', 'features/client-authentication.feature', 'features/bearer-errors.feature'], 300_000, { AUTH_CTK_TARGET_FILE: file });
    const reported = run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning');
    assert.deepEqual(reported.map((r) => r.requirement.id), ['REQ-DISC-11'], reported.map((r) => r.diagnoses[0]).join('\n'));
    assert.match(reported[0]!.diagnoses[0]!, /token-not-here .*got HTTP 404/);
    for (const id of ['REQ-TOK-01', 'REQ-TOK-12', 'REQ-CAUTH-03', 'REQ-BEARER-01']) {
      const v = verdictOf(run, id);
      assert.equal(v.verdict, 'not-testable', id);
      assert.match(v.reason ?? '', /^blocked: the token_endpoint the discovery document names \(.*\/token-not-here\) answers a token request with HTTP 404 \(REQ-DISC-11\)/, id);
    }
    assert.deepEqual(run.verdicts.scenarios.filter((s) => s.error).map((s) => `${s.name}: ${s.error}`), []);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('REQ-ANON-03: with anonymous-fallback claimed, a public route that answers a bad token with 401 fails (seed 004)', { timeout: 120_000 }, async () => {
  const args = ['features/anonymous-fallback.feature', '--tags', '@REQ-ANON-03'];
  const refusing = verdictOf(await runWithFault('public-route-refuses-failed-credentials', args, 120_000), 'REQ-ANON-03');
  assert.equal(refusing.verdict, 'failed');
  assert.match(refusing.diagnoses[0]!, /served to the caller as anonymous .*got HTTP 401/);
  assert.equal(verdictOf(await runWithFault('', args, 120_000), 'REQ-ANON-03').verdict, 'passed', 'the reference serves the caller as anonymous');
});
