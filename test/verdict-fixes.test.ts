/**
 * Wrong verdicts seen on real deployments (issue 16), each reproduced on the reference with the faults or
 * variations that make it that deployment, and the one scenario that judged it wrongly run against it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithFault } from './fault-injection/run-with-fault.ts';

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
