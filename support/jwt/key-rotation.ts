/**
 * A signing-key rotation through the target's control plane (RFC 7517 §5, RFC 9068 §4; REQ-JWT-10, REQ-JWT-11).
 *
 * The gateway is shown the system client's current token just before the rotation. That makes it hold the old key
 * (a gateway that fetched no key set before the rotation meets the new key on its first fetch, and REQ-JWT-11 would
 * pass on a gateway that never fetches again: fault jwks-never-refreshed, in a run of the rotation scenarios alone),
 * and it is the scenario's positive control of the protected route: a token of a key the gateway held. After the
 * rotation a fresh token is of the new key, and a gateway that does not pick that up would refuse such a control
 * too, leaving REQ-JWT-11 "not testable" exactly where it is broken. Served before, refused after:
 *   - a token of the new key (REQ-JWT-11): the gateway does not pick up the new key, REQ-JWT-11's finding;
 *   - the earlier token (REQ-JWT-10): key-pickup.ts asks whether a fresh token of the new key is served.
 * Tokens the worker keeps for reuse are not used across a rotation (signing-key-rotations.ts).
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { check, couldNotJudge, doesNotApply } from '../verdict/check.ts';
import { stateKey } from '../scenario-state.ts';
import { controlPlaneOf, NO_CONTROL_PLANE_REMEDY } from '../admin/control-plane.ts';
import { hasIssued, rememberEarlier, theEarlier, theIssued } from '../oauth/issued.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import type { NotTestable } from '../oauth/token-requests.ts';
import { jwksUriOf } from '../target/target.ts';
import { controlWithToken } from '../gateway/positive-control.ts';
import { fetchJwks, kidsOf, verifyWithJwks } from './jwks.ts';
import { isAsymmetric, symmetricMacUnjudged } from './decode.ts';
import { rotationExplainedByIssuerDefect } from './issued-token-defect.ts';
import { earlierTokenExplainedByUnpublishedKey } from './unpublished-key.ts';
import { judgeGatewayAdmission, presentUntilAdmitted } from './gateway.ts';

/** The kids the JWK Set published before the rotation. */
export const KIDS_BEFORE = stateKey<string[]>('key ids before the rotation');

/** What the signing-key rotation scenarios judge, each in its own words. */
const ROTATION_CHECKS: Readonly<Record<string, string>> = {
  'REQ-JWT-10': 'the key that signed a token before the rotation still in the JWK Set after it, and the token still accepted',
  'REQ-JWT-11': 'a token issued after the rotation signed with a newly published key, and accepted',
};

/**
 * Rotates the issuer's signing key, after keeping what the checks compare with: the scenario's issued token as the
 * earlier one, the published kids, and the gateway's answer to the current token (the control). Not rotated where
 * the issuer's own token already carries a defect a resource server refuses it for (an unpublished key, REQ-JWT-07;
 * alg none, a wrong typ, iss or aud: issued-token-defect.ts; reported, the scenario stops) or where the target has no control plane that rotates keys (not testable).
 */
export async function rotateIssuerSigningKey(world: CtkWorld): Promise<NotTestable | undefined> {
  const admin = controlPlaneOf(world, 'rotateSigningKey');
  if (!admin) return { notTestable: 'the kit cannot rotate the signing key on this target (it has no control plane)', remedy: NO_CONTROL_PLANE_REMEDY };
  if (await rotationExplainedByIssuerDefect(world, ROTATION_CHECKS)) return undefined;
  if (hasIssued(world)) rememberEarlier(world, theIssued(world));
  const current = await accessTokenFor(world, world.target.clients.system);
  if (world.target.gateway) await controlWithToken(world, current, 'a token of the system client, just before the key rotation');
  const before = await fetchJwks(world, jwksUriOf(world.target));
  world.state.remember(KIDS_BEFORE, kidsOf(before.keys ?? []));
  await admin.rotateSigningKey();
  return undefined;
}

/**
 * REQ-JWT-11 at the issuer: the token issued after the rotation names a kid the JWK Set did not publish before, and
 * verifies with the set now. A symmetric MAC (HS*) is not judged, as judgeSignature does for REQ-JWT-07
 * (symmetricMacUnjudged; fault hs256-tokens failed REQ-JWT-11 on it before).
 */
export async function judgeNewKeyPublished(world: CtkWorld): Promise<void> {
  const issued = theIssued(world);
  const before = world.state.recall(KIDS_BEFORE);
  const jwksUri = jwksUriOf(world.target);
  const kid = issued.decoded?.header.kid;
  const expected = `a token whose kid is new (not one of ${JSON.stringify(before)}) and whose signature verifies with the JWK Set at ${jwksUri}`;
  const symmetric = symmetricMacUnjudged(issued.decoded?.header.alg, jwksUri);
  if (symmetric) {
    couldNotJudge(world, { requirement: 'REQ-JWT-11', expected, why: symmetric });
    return;
  }
  const { keys } = await fetchJwks(world, jwksUri);
  const result = keys ? await verifyWithJwks(issued.token, keys) : { verified: false as const, reason: `no JWK Set at ${jwksUri}` };
  check(
    world,
    { requirement: 'REQ-JWT-11', expected, observed: `kid ${JSON.stringify(kid)}, ${result.verified ? 'verified' : result.reason}` },
    () => {
      expect(kid, 'kid').to.be.a('string');
      expect(before, 'kids before').to.not.include(kid);
      expect(result.verified, 'verified').to.equal(true);
    },
  );
}

/**
 * REQ-JWT-11 at the gateway: the new token presented until admitted or `boundMs` has passed, then judged. Where the
 * gateway refused the current token just before the rotation (rotateIssuerSigningKey's control), no wait for a key
 * pickup can change that: presented once, and the judgement is left to the control (not testable).
 */
export async function judgeNewKeyAdmitted(world: CtkWorld, token: string, kid: unknown, boundMs: number): Promise<void> {
  const refusedBefore = world.gatewayControls.get('protected')?.held === false;
  const exchange = await presentUntilAdmitted(world, token, refusedBefore ? 0 : boundMs);
  await judgeGatewayAdmission(world, exchange, 'REQ-JWT-11', `a token signed with the new key (kid ${JSON.stringify(kid)}), within ${boundMs / 1000} s`);
}

/**
 * The token issued before a rotation still verifies with the issuer's JWK Set, fetched now. REQ-JWT-10 after a
 * signing-key rotation (the old key stays published, RFC 7517 §5); REQ-ROT-03 after a client-secret rotation (seed
 * 002: issued tokens are not revoked by it). A gateway that still holds the key set it fetched earlier serves the
 * token for a while whatever the issuer did, so for REQ-ROT-03 its admission alone passed a deployment that drops the
 * signing key with the secret (fault secret-rotation-revokes-tokens, in a whole run). A token that no published key
 * can verify (no JWT, or a symmetric MAC) is not judged here.
 */
export async function judgeEarlierTokenStillPublished(world: CtkWorld, requirement: 'REQ-JWT-10' | 'REQ-ROT-03'): Promise<void> {
  const earlier = theEarlier(world);
  const kid = earlier.decoded?.header.kid;
  const expected = `the key that signed the token issued before the ${requirement === 'REQ-ROT-03' ? 'secret' : 'key'} rotation (kid ${JSON.stringify(kid)}) still in the issuer's JWK Set${requirement === 'REQ-ROT-03' ? ' (seed 002: a rotation does not revoke issued tokens)' : ''}`;
  if (requirement === 'REQ-ROT-03' && (!earlier.decoded || !isAsymmetric(earlier.decoded.header.alg) || world.target.jwksUri === undefined)) {
    doesNotApply(world, { requirement, expected, why: 'the token is not a JWT signed with a key the issuer publishes (or the profile names no jwksUri): its admission is judged at the gateway alone' });
    return;
  }
  const jwksUri = jwksUriOf(world.target);
  const symmetric = symmetricMacUnjudged(earlier.decoded?.header.alg, jwksUri);
  if (symmetric) {
    couldNotJudge(world, { requirement, expected, why: symmetric });
    return;
  }
  const { keys } = await fetchJwks(world, jwksUri);
  const result = keys ? await verifyWithJwks(earlier.token, keys) : { verified: false as const, reason: `no JWK Set at ${jwksUri}` };
  if (!result.verified && (await earlierTokenExplainedByUnpublishedKey(world, requirement, expected))) return;
  check(
    world,
    { requirement, expected, observed: result.verified ? 'verified' : `${result.reason}; the set now holds ${JSON.stringify(kidsOf(keys ?? []))}` },
    () => expect(result.verified, 'verified').to.equal(true),
  );
}
