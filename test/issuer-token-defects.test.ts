/**
 * One cause, one finding where the issuer gets its own tokens wrong, and a signing-key rollover judged on the right
 * control. Each case is the scenarios run against the reference with one fault:
 *   - iss-not-issuer, jwt-typ-jwt, wrong-audience, alg-none-tokens: a token a resource server must refuse (RFC 9068
 *     §4: iss, typ, aud; RFC 8725 §3.1: alg none)
 *     is refused by the gateway rightly; only the requirement the token breaks fails, and REQ-BEARER-01, REQ-DPOP-05,
 *     REQ-MTLS-06 (and REQ-DISC-02 for the iss) are not judged on it. Before, in whole runs, they failed beside it.
 *   - jwks-empty-set: every token a gateway refuses there is refused rightly; only REQ-JWT-07 fails, and the
 *     bound-token admissions (REQ-DPOP-05, REQ-MTLS-06) and the rollover checks (REQ-JWT-10, REQ-JWT-11) are not
 *     judged on it. Before, in a whole run: REQ-JWT-07, -11, REQ-DPOP-05, REQ-MTLS-06 failed, REQ-JWT-10 warned.
 *   - unpublished-signing-key: the self-service interface refuses the owner's token as the gateway does; REQ-ROT-06
 *     is not judged on it (before: failed beside REQ-JWT-07).
 *   - jwks-never-refreshed, REQ-JWT-11's scenario alone: the gateway is shown a token before the rotation, so it
 *     holds the old key and must fetch the set again for the new one. Before: passed (its first fetch was after the
 *     rotation).
 *   - key-rotation-drops-old-key: REQ-JWT-10's warning, and REQ-JWT-11 passed (the new key is accepted). Before,
 *     REQ-JWT-11 was "not testable" in a whole run: its control sent a token the worker kept from before the rotation.
 *   - opaque-access-tokens: the profile claims JWT access tokens and the issuer issues opaque ones. Before, in a whole
 *     run, REQ-BEARER-01, REQ-DPOP-05, REQ-MTLS-06, REQ-DISC-02, REQ-TTL-01, REQ-JWT-11 failed and REQ-TTL-02,
 *     REQ-JWT-10 warned beside REQ-JWT-01.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithFault } from './fault-injection/run-with-fault.ts';

type Run = Awaited<ReturnType<typeof runWithFault>>;
const verdictOf = (run: Run, id: string) => run.verdicts.requirements.find((r) => r.requirement.id === id)!;
const said = (run: Run, id: string) => `${id}: ${verdictOf(run, id)?.verdict} ${verdictOf(run, id)?.reason ?? ''} ${verdictOf(run, id)?.diagnoses.join(' ') ?? ''}\n${run.stderr.slice(-800)}`;
const withVerdict = (run: Run, verdict: string) => run.verdicts.requirements.filter((r) => r.verdict === verdict).map((r) => r.requirement.id).sort();

const ROLLOVER = ['features/secret-rotation.feature', '--tags', '@REQ-JWT-10 or @REQ-JWT-11'];

test('tokens with a wrong iss, typ or aud, or unsigned: the requirement the token breaks is the one finding of the gateway\'s admissions', { timeout: 300_000 }, async () => {
  const features = ['features/bearer-errors.feature', 'features/dpop.feature', 'features/mtls.feature', 'features/discovery.feature'];
  const args = [...features, '--tags', '@REQ-BEARER-01 or @REQ-DPOP-05 or @REQ-MTLS-06 or @REQ-DISC-02'];
  for (const [fault, root] of [['iss-not-issuer', 'REQ-JWT-06'], ['jwt-typ-jwt', 'REQ-JWT-02'], ['wrong-audience', 'REQ-JWT-08'], ['alg-none-tokens', 'REQ-JWT-04']] as const) {
    const run = await runWithFault(fault, args, 120_000);
    assert.deepEqual(withVerdict(run, 'failed'), [root], `${fault}: ${run.stderr.slice(-1_500)}`);
    for (const id of ['REQ-BEARER-01', 'REQ-DPOP-05', 'REQ-MTLS-06']) {
      assert.equal(verdictOf(run, id).verdict, 'not-testable', `${fault}: ${said(run, id)}`);
      assert.match(verdictOf(run, id).reason ?? '', new RegExp(`${root}'s finding explains this answer`), `${fault}: ${said(run, id)}`);
    }
  }
  const clean = await runWithFault('', args, 120_000);
  for (const id of ['REQ-BEARER-01', 'REQ-DPOP-05', 'REQ-MTLS-06', 'REQ-DISC-02']) assert.equal(verdictOf(clean, id).verdict, 'passed', said(clean, id));
});

test('an empty JWK Set: REQ-JWT-07 is the one finding of bound tokens and key rollover', { timeout: 240_000 }, async () => {
  const features = ['features/dpop.feature', 'features/mtls.feature', 'features/secret-rotation.feature'];
  const args = [...features, '--tags', '@REQ-DPOP-05 or @REQ-MTLS-06 or @REQ-JWT-10 or @REQ-JWT-11'];
  const empty = await runWithFault('jwks-empty-set', args, 180_000);
  assert.deepEqual(withVerdict(empty, 'failed'), ['REQ-JWT-07'], empty.stderr.slice(-1_500));
  assert.deepEqual(withVerdict(empty, 'warning'), []);
  for (const id of ['REQ-DPOP-05', 'REQ-MTLS-06', 'REQ-JWT-10', 'REQ-JWT-11']) {
    assert.equal(verdictOf(empty, id).verdict, 'not-testable', said(empty, id));
    assert.match(verdictOf(empty, id).reason ?? '', /REQ-JWT-07's finding explains this answer/, said(empty, id));
  }
  const clean = await runWithFault('', args, 180_000);
  for (const id of ['REQ-DPOP-05', 'REQ-MTLS-06', 'REQ-JWT-10', 'REQ-JWT-11']) assert.equal(verdictOf(clean, id).verdict, 'passed', said(clean, id));
});

test('tokens signed with an unpublished key: the self-service interface refuses the owner\'s token rightly, REQ-JWT-07 is the finding', { timeout: 180_000 }, async () => {
  const args = ['features/self-service-rotation.feature', '--tags', '@REQ-ROT-06'];
  const unpublished = await runWithFault('unpublished-signing-key', args, 120_000);
  assert.deepEqual(withVerdict(unpublished, 'failed'), ['REQ-JWT-07'], unpublished.stderr.slice(-1_500));
  assert.equal(verdictOf(unpublished, 'REQ-ROT-06').verdict, 'not-testable', said(unpublished, 'REQ-ROT-06'));
  assert.match(verdictOf(unpublished, 'REQ-ROT-06').reason ?? '', /REQ-JWT-07's finding explains this answer/);
  const clean = await runWithFault('', args, 120_000);
  assert.equal(verdictOf(clean, 'REQ-ROT-06').verdict, 'passed', said(clean, 'REQ-ROT-06'));
});

test('a gateway that never fetches the JWK Set again fails REQ-JWT-11 in its scenario run alone', { timeout: 180_000 }, async () => {
  const run = await runWithFault('jwks-never-refreshed', ['features/secret-rotation.feature', '--tags', '@REQ-JWT-11'], 120_000);
  assert.equal(verdictOf(run, 'REQ-JWT-11').verdict, 'failed', said(run, 'REQ-JWT-11'));
  assert.match(verdictOf(run, 'REQ-JWT-11').diagnoses.join(' '), /the gateway serves the protected route \(2xx\) for a token signed with the new key/);
});

test('an issuer that drops the old key at a rotation: REQ-JWT-10 warns, REQ-JWT-11 passes; the correct one passes both', { timeout: 180_000 }, async () => {
  const drops = await runWithFault('key-rotation-drops-old-key', ROLLOVER, 120_000);
  assert.equal(verdictOf(drops, 'REQ-JWT-10').verdict, 'warning', said(drops, 'REQ-JWT-10'));
  assert.equal(verdictOf(drops, 'REQ-JWT-11').verdict, 'passed', said(drops, 'REQ-JWT-11'));
  const clean = await runWithFault('', ROLLOVER, 120_000);
  for (const id of ['REQ-JWT-10', 'REQ-JWT-11']) assert.equal(verdictOf(clean, id).verdict, 'passed', said(clean, id));
});

test('opaque access tokens where the profile claims JWTs: REQ-JWT-01 is the one finding of every check that reads the token', { timeout: 240_000 }, async () => {
  const features = ['features/access-token-format.feature', 'features/bearer-errors.feature', 'features/dpop.feature', 'features/mtls.feature', 'features/discovery.feature', 'features/expiry-and-ttl.feature', 'features/secret-rotation.feature'];
  const dependents = ['REQ-BEARER-01', 'REQ-DPOP-05', 'REQ-MTLS-06', 'REQ-DISC-02', 'REQ-TTL-01', 'REQ-TTL-02', 'REQ-JWT-10', 'REQ-JWT-11'];
  const args = [...features, '--tags', ['@REQ-JWT-01', ...dependents.map((id) => `@${id}`)].join(' or ')];
  const run = await runWithFault('opaque-access-tokens', args, 200_000);
  assert.deepEqual(withVerdict(run, 'failed'), ['REQ-JWT-01'], run.stderr.slice(-1_500));
  assert.deepEqual(withVerdict(run, 'warning'), [], run.stderr.slice(-1_500));
  for (const id of dependents) {
    assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
    // REQ-BEARER-01's crafted-token scenario has no claims to craft from: blocked by REQ-JWT-01, and it says so.
    assert.match(`${verdictOf(run, id).reason}`, /REQ-JWT-01's finding explains this answer|blocked by REQ-JWT-01's finding/, said(run, id));
  }
});

test('a JWK Set that discloses private key material: REQ-DISC-05 is the one finding, the signature verifies and the gateway\'s refusal is explained', { timeout: 180_000 }, async () => {
  // Before: the kit imported the published JWK with its private members and verified nothing with it (REQ-JWT-07
  // failed), and once that was fixed the reference gateway's refusal to use the set failed REQ-BEARER-01.
  const args = ['features/access-token-format.feature', 'features/bearer-errors.feature', 'features/discovery.feature', '--tags', '@REQ-JWT-07 or @REQ-BEARER-01 or @REQ-DISC-05'];
  const run = await runWithFault('jwks-exposes-private-key', args, 120_000);
  assert.deepEqual(withVerdict(run, 'failed'), ['REQ-DISC-05'], run.stderr.slice(-1_500));
  assert.equal(verdictOf(run, 'REQ-JWT-07').verdict, 'passed', said(run, 'REQ-JWT-07'));
});
