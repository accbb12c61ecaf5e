/**
 * A DPoP token whose response calls it "Bearer" but that names its proof's key in cnf.jkt (fault
 * dpop-token-type-bearer) is bound all the same: REQ-DPOP-01 reports the label once, and the gateway and introspection
 * checks are judged on the token, not left not testable behind it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithFault } from './fault-injection/run-with-fault.ts';

test('a bound token mislabelled "Bearer": REQ-DPOP-01 alone, the gateway and introspection checks judged', { timeout: 240_000 }, async () => {
  const run = await runWithFault('dpop-token-type-bearer', ['features/dpop.feature', 'features/dpop-introspection.feature']);
  const byId = new Map(run.verdicts.requirements.map((r) => [r.requirement.id, r]));
  const reported = run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => `${r.requirement.id} ${r.verdict}`);
  assert.deepEqual(reported, ['REQ-DPOP-01 failed'], run.stderr.slice(-2_000));
  for (const id of ['REQ-DPOP-05', 'REQ-DPOP-06', 'REQ-DPOP-07', 'REQ-DPOP-08', 'REQ-DPOP-11', 'REQ-DPOP-12']) {
    assert.equal(byId.get(id)?.verdict, 'passed', `${id}: ${byId.get(id)?.reason ?? ''}`);
  }
});
