/**
 * A token endpoint that refuses the mTLS client's registered certificate (fault mtls-client-certificate-refused): the
 * registered certificate is a valid credential, so its refusals go through the own-address guard like a refused
 * registered secret. Before, they came from 127.0.0.1, the reference blocked the run's own address, and REQ-TOK-01
 * failed beside REQ-MTLS-01 on connection errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithFault } from './fault-injection/run-with-fault.ts';

test('the mTLS client\'s registered certificate refused: REQ-MTLS-01 alone, the run\'s own address never blocked', { timeout: 240_000 }, async () => {
  const run = await runWithFault('mtls-client-certificate-refused', ['features/mtls.feature', 'features/token-issuance.feature']);
  const reported = run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => `${r.requirement.id} ${r.verdict}`);
  assert.deepEqual(reported, ['REQ-MTLS-01 failed'], run.stderr.slice(-2_000));
  const tok01 = run.verdicts.requirements.find((r) => r.requirement.id === 'REQ-TOK-01');
  assert.equal(tok01?.verdict, 'passed', tok01?.reason);
});
