/**
 * A defective client assertion refused with another code than invalid_client (fault assertion-refusal-invalid-grant):
 * the code is REQ-PKJWT-08's one finding, and each defect's own requirement ("the assertion is refused") is judged on
 * the refusal it got, not left not testable behind the code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithFault } from './fault-injection/run-with-fault.ts';

test('an assertion refused with invalid_grant: REQ-PKJWT-08 alone, each refusal requirement judged on its refusal', { timeout: 240_000 }, async () => {
  const run = await runWithFault('assertion-refusal-invalid-grant', ['features/jwt-client-authentication.feature']);
  const byId = new Map(run.verdicts.requirements.map((r) => [r.requirement.id, r]));
  const reported = run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => `${r.requirement.id} ${r.verdict}`);
  assert.deepEqual(reported, ['REQ-PKJWT-08 failed'], run.stderr.slice(-2_000));
  for (const id of ['REQ-PKJWT-02', 'REQ-PKJWT-03', 'REQ-PKJWT-04', 'REQ-PKJWT-05', 'REQ-PKJWT-06', 'REQ-PKJWT-07']) {
    assert.equal(byId.get(id)?.verdict, 'passed', `${id}: ${byId.get(id)?.reason ?? ''}`);
  }
});
