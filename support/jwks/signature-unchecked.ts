/**
 * One cause, one finding: a gateway that serves a copy of a valid token signed with a key pair the issuer never
 * published, under the issuer's own kid, verifies no signature at all: RFC 9068 §4 / RFC 6749 §7, REQ-BEARER-04 (fault
 * accept-foreign-key). What the JWK Set does then cannot matter to it: a token served while the set is down or slow
 * (REQ-JWKS-02, -03) or after its key left the set (REQ-JWKS-04) is that finding again, not judged on its own (before,
 * a whole run against accept-foreign-key failed all three beside REQ-BEARER-04).
 *
 * The probe is sent only after such a token was served, so a gateway that refuses it never sees the probe. It names the
 * issuer's kid, and goes while the JWK Set answers (`restoreJwks` ends an outage first): a gateway that fails open only
 * when it cannot fetch keys (the outages' own defect) fetches, finds the signature wrong and refuses it, so the outage
 * stays REQ-JWKS-02/-03's finding. Measured: a gateway on jose refetches the set after a signature that does not
 * verify, and during a slow outage (fault jwks-slow-fails-open) served the probe.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome } from '../http/exchange.ts';
import { reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import { isSuccess } from '../gateway/gateway-client.ts';
import { callProtectedRoute } from '../jwt/gateway.ts';
import { FORGERIES, forgedToken } from '../jwt/crafted.ts';

const ROOT = 'REQ-BEARER-04';
const UNDER_THE_ISSUERS_KID = FORGERIES[2];

/** True when it reported REQ-BEARER-04's finding, `requirement` explained by it (the scenario stops there). */
export async function servedWithUnpublishedKey(world: CtkWorld, requirement: string, expected: string, restoreJwks?: () => Promise<void>): Promise<boolean> {
  if (requirement === ROOT || !requirementApplies(world.target, ROOT)) return false;
  const forged = await forgedToken(world, UNDER_THE_ISSUERS_KID);
  if ('notTestable' in forged) return false;
  await restoreJwks?.();
  const probe = await callProtectedRoute(world, forged.token);
  if (!isSuccess(probe)) return false;
  return !reportRootCause(
    world,
    { requirement: ROOT, expected: `a request with a failed credential never reaches the protected resource: ${forged.description} is refused`, observed: `the protected route with it: ${describeOutcome(probe)}` },
    () => expect(isSuccess(probe), 'the gateway served a token whose signature no published key verifies').to.equal(false),
    [{ requirement, expected }],
    { why: `the gateway serves ${forged.description} too (${describeOutcome(probe)}): it verifies no signature, whatever the JWK Set holds or answers` },
  );
}
