/**
 * One cause, one finding: a gateway that refuses a valid access token because the issuer does not publish the key
 * that signed it is right to refuse it (RFC 9068 §4: the resource server MUST use the keys the authorization server
 * provides). The cause is the issuer's: REQ-JWT-07 (the token's signature verifies with a key of the issuer's JWK
 * Set). Where the JWK Set is empty, stale or unreadable, every admission check of the gateway (REQ-BEARER-01 in the
 * bearer-error, token-format and expiry features, REQ-DPOP-05 and REQ-MTLS-06 for bound tokens) would otherwise fail
 * beside REQ-JWT-07 and blame a correct gateway, and the signing-key rotation checks (REQ-JWT-10, REQ-JWT-11) would
 * fail on keys that were never published before the rotation either.
 *
 * Called only once the admission was refused with a 401. Explains it only where BOTH the refused token and the
 * system client's ordinary token fail to verify with the published set: a target whose test signer holds a key of
 * its own (testTokenSigner, a key the gateway trusts besides the issuer's) signs tokens no published key verifies,
 * and its issuer's own token still does, so the gateway's refusal stays the gateway's finding there.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import { accessTokenFor, freshSystemToken } from '../oauth/token-client.ts';
import { decodeJwt, isAsymmetric } from './decode.ts';
import { fetchJwks, kidsOf, verifyWithJwks, type SignatureCheck } from './jwks.ts';

const ROOT = 'REQ-JWT-07';

/** The access token of an `Authorization: Bearer` or `Authorization: DPoP` header (RFC 6750 §2.1, RFC 9449 §7.1). */
export const presentedTokenOf = (exchange: Exchange): string | undefined => {
  const authorization = exchange.request.headers?.authorization;
  const match = typeof authorization === 'string' ? /^(?:bearer|dpop)\s+(\S+)$/i.exec(authorization.trim()) : null;
  return match?.[1];
};

type Verify = (token: string) => Promise<SignatureCheck>;

async function publishedSet(world: CtkWorld, jwksUri: string): Promise<{ verify: Verify; set: string }> {
  const published = await fetchJwks(world, jwksUri);
  const verify: Verify = async (token) =>
    published.keys ? verifyWithJwks(token, published.keys) : { verified: false, reason: `no JWK Set could be read at ${jwksUri} (${published.exchange.response?.status ?? 'no answer'})` };
  const set = published.keys ? `the set publishes ${published.keys.length} key(s)${published.keys.length ? `: kid ${kidsOf(published.keys).join(', ') || 'none'}` : ''}` : 'no set';
  return { verify, set };
}

/**
 * REQ-JWT-07 reported on the system client's ordinary token, with `dependents` explained by it, where that token is
 * signed asymmetrically and does not verify with the published set. False (nothing recorded) where it verifies, is
 * symmetric, or cannot be had (no token: REQ-TOK-01's finding).
 */
async function reportedOnOwnToken(
  world: CtkWorld,
  jwksUri: string,
  published: { verify: Verify; set: string },
  dependents: readonly { readonly requirement: string; readonly expected: string }[],
  why: string,
  known?: { token: string; check: SignatureCheck },
): Promise<boolean> {
  let ordinary: string;
  try {
    ordinary = await accessTokenFor(world, world.target.clients.system);
  } catch {
    return false;
  }
  if (!isAsymmetric(decodeJwt(ordinary)?.header.alg)) return false;
  let own = known?.token === ordinary ? known.check : await published.verify(ordinary);
  if (own.verified) return false;
  // The worker's cached token may predate a signing-key rotation whose old key is gone by now: REQ-JWT-10's finding
  // (a SHOULD), not REQ-JWT-07's. Only a token issued now, that no published key verifies, is the issuer's MUST.
  const fresh = await freshSystemToken(world);
  if (fresh === undefined || !isAsymmetric(decodeJwt(fresh)?.header.alg)) return false;
  ordinary = fresh;
  own = await published.verify(ordinary);
  if (own.verified) return false;
  const header = decodeJwt(ordinary)?.header;
  const kid = typeof header?.kid === 'string' ? `kid ${JSON.stringify(header.kid)}` : 'no kid';
  return !reportRootCause(
    world,
    {
      requirement: ROOT,
      expected: `a fresh access token of ${world.target.clients.system.clientId} verifies with the key its kid names in the JWK Set at ${jwksUri} (RFC 9068 §4: resource servers MUST use the keys the authorization server provides)`,
      observed: `alg ${String(header?.alg)}, ${kid}: ${own.reason} (${published.set})`,
    },
    () => expect(own.verified, `${ROOT}: the issuer does not publish the key its access tokens are signed with, so a gateway that uses the published keys refuses every token`).to.equal(true),
    dependents,
    { why },
  );
}

const rootJudged = (world: CtkWorld): string | undefined => {
  const jwksUri = world.target.jwksUri;
  return jwksUri !== undefined && requirementApplies(world.target, ROOT) ? jwksUri : undefined;
};

/**
 * True when it reported REQ-JWT-07 and recorded `requirement` as explained by it (the scenario then stops). For a
 * refusal (401) of an issued token, sent as a Bearer or a DPoP token: REQ-BEARER-01, REQ-DPOP-05 and REQ-MTLS-06
 * ("the gateway serves a valid token") and REQ-ROT-06 (the self-service interface serves its owner) are the
 * issuer's finding when no published key verifies the token.
 */
export async function explainedByUnpublishedKey(world: CtkWorld, requirement: string, exchange: Exchange, expected: string): Promise<boolean> {
  if (requirement === ROOT || exchange.response?.status !== 401) return false;
  const jwksUri = rootJudged(world);
  if (jwksUri === undefined) return false;
  const refused = presentedTokenOf(exchange);
  // A symmetric (HS*) signature is never verifiable with a published key (REQ-JWT-07 does not judge it): no root here.
  if (!refused || !isAsymmetric(decodeJwt(refused)?.header.alg)) return false;
  const published = await publishedSet(world, jwksUri);
  const check = await published.verify(refused);
  if (check.verified) return false;
  return reportedOnOwnToken(world, jwksUri, published, [{ requirement, expected }], `a 401 for a token that no key of the issuer's JWK Set at ${jwksUri} verifies, and a token the issuer issues now does not verify with it either: a server that uses the published keys must refuse it`, { token: refused, check });
}

/**
 * Before a signing-key rotation (REQ-JWT-10, REQ-JWT-11): where the issuer's current token already does not verify
 * with its published set, "the old key is still published" and "the new key is published" cannot be told apart
 * from "no key is published at all", which is REQ-JWT-07's finding. `checks`: the rotation requirements with what each
 * expects; those of the scenario are recorded as explained. True when it reported REQ-JWT-07 (the scenario stops
 * before rotating anything).
 */
export async function rotationExplainedByUnpublishedKey(world: CtkWorld, checks: Readonly<Record<string, string>>): Promise<boolean> {
  const dependents = world.requirementIds.filter((id) => checks[id] !== undefined && id !== ROOT).map((id) => ({ requirement: id, expected: checks[id]! }));
  const jwksUri = rootJudged(world);
  if (jwksUri === undefined || dependents.length === 0) return false;
  const published = await publishedSet(world, jwksUri);
  return reportedOnOwnToken(world, jwksUri, published, dependents, `before the rotation, the issuer's own token does not verify with its JWK Set at ${jwksUri}: a rotation cannot be judged on keys that were never published`);
}

/**
 * After a rotation (REQ-JWT-10, REQ-ROT-03), where the token issued before it no longer verifies with the issuer's
 * JWK Set: if a token the issuer issues now does not verify with it either, no key of the issuer's is published at
 * all, and that is REQ-JWT-07's finding, not the rotation's (fault jwks-empty-set failed REQ-ROT-03 beside it). A
 * rotation that dropped the earlier token's key while the current one is published (secret-rotation-revokes-tokens)
 * stays `requirement`'s own. True when it reported REQ-JWT-07, `requirement` explained by it.
 */
export async function earlierTokenExplainedByUnpublishedKey(world: CtkWorld, requirement: string, expected: string): Promise<boolean> {
  const jwksUri = rootJudged(world);
  if (requirement === ROOT || jwksUri === undefined) return false;
  const published = await publishedSet(world, jwksUri);
  return reportedOnOwnToken(world, jwksUri, published, [{ requirement, expected }], `the token issued before the rotation does not verify with the issuer's JWK Set at ${jwksUri}, and a token the issuer issues now does not verify with it either: the issuer publishes no key of its tokens at all`);
}
