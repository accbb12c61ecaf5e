/**
 * One cause, one finding for an issuer that signs its access tokens with a symmetric MAC (fault hs256-tokens):
 * RFC 9068 §2.1 allows HS256 (asymmetric is RECOMMENDED: REQ-JWT-05's warning), its key is never published, and a
 * gateway that verifies with the published keys refuses every such token (REQ-BEARER-01 reports that). The rotation
 * checks after it each failed on the same cause before: REQ-JWT-11 ("not verifiable with a published public key"),
 * REQ-JWT-10 (a warning, same words) and REQ-ROT-06 (the self-service interface refused the owner's token as the
 * gateway refuses every token). Now they are not testable, naming why; no finding of theirs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithFault } from './fault-injection/run-with-fault.ts';

test('tokens signed with HS256: the key and secret rotation checks report no finding of their own, and say why they could not judge', { timeout: 240_000 }, async () => {
  const run = await runWithFault('hs256-tokens', ['features/secret-rotation.feature', 'features/self-service-rotation.feature']);
  const byId = new Map(run.verdicts.requirements.map((r) => [r.requirement.id, r]));
  const reported = run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => `${r.requirement.id} ${r.verdict}: ${r.reason ?? ''}`);
  assert.deepEqual(reported, [], run.stderr.slice(-2_000));
  for (const id of ['REQ-JWT-10', 'REQ-JWT-11']) {
    assert.equal(byId.get(id)?.verdict, 'not-testable', id);
    assert.match(byId.get(id)?.reason ?? '', /alg HS256 is a symmetric MAC/, id);
  }
  assert.equal(byId.get('REQ-ROT-06')?.verdict, 'not-testable');
  assert.match(byId.get('REQ-ROT-06')?.reason ?? '', /the gateway refuses the owner's token as well .* REQ-BEARER-01 reports/);
});
