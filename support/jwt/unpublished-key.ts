/**
 * One cause, one finding: a gateway that refuses a valid access token because the issuer does not publish the key
 * that signed it is right to refuse it (RFC 9068 §4: the resource server MUST use the keys the authorization server
 * provides). The cause is the issuer's: REQ-JWT-07 (the token's signature verifies with a key of the issuer's JWK
 * Set). Where the JWK Set is empty, stale or unreadable, every admission check of the gateway (REQ-BEARER-01 in the
 * bearer-error, token-format and expiry features) would otherwise fail beside REQ-JWT-07 and blame a correct gateway.
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
import { accessTokenFor } from '../oauth/token-client.ts';
import { decodeJwt, isAsymmetric } from './decode.ts';
import { fetchJwks, kidsOf, verifyWithJwks, type SignatureCheck } from './jwks.ts';

const ROOT = 'REQ-JWT-07';

const bearerTokenOf = (exchange: Exchange): string | undefined => {
  const authorization = exchange.request.headers?.authorization;
  const match = typeof authorization === 'string' ? /^bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
  return match?.[1];
};

/** True when it reported REQ-JWT-07 and recorded `requirement` as explained by it (the scenario then stops). */
export async function explainedByUnpublishedKey(world: CtkWorld, requirement: string, exchange: Exchange, expected: string): Promise<boolean> {
  if (requirement === ROOT || exchange.response?.status !== 401) return false;
  const jwksUri = world.target.jwksUri;
  if (jwksUri === undefined || !requirementApplies(world.target, ROOT)) return false;
  const refused = bearerTokenOf(exchange);
  // A symmetric (HS*) signature is never verifiable with a published key (REQ-JWT-07 does not judge it): no root here.
  if (!refused || !isAsymmetric(decodeJwt(refused)?.header.alg)) return false;
  const published = await fetchJwks(world, jwksUri);
  const verify = async (token: string): Promise<SignatureCheck> =>
    published.keys ? verifyWithJwks(token, published.keys) : { verified: false, reason: `no JWK Set could be read at ${jwksUri} (${published.exchange.response?.status ?? 'no answer'})` };
  if ((await verify(refused)).verified) return false;
  let ordinary: string;
  try {
    ordinary = await accessTokenFor(world, world.target.clients.system);
  } catch {
    return false; // no token: REQ-TOK-01's finding, and the refusal is judged as it is
  }
  const header = decodeJwt(ordinary)?.header;
  if (!isAsymmetric(header?.alg)) return false;
  const own = ordinary === refused ? await verify(refused) : await verify(ordinary);
  if (own.verified) return false;
  const kid = typeof header?.kid === 'string' ? `kid ${JSON.stringify(header.kid)}` : 'no kid';
  const set = published.keys ? `the set publishes ${published.keys.length} key(s)${published.keys.length ? `: kid ${kidsOf(published.keys).join(', ') || 'none'}` : ''}` : 'no set';
  return !reportRootCause(
    world,
    {
      requirement: ROOT,
      expected: `a fresh access token of ${world.target.clients.system.clientId} verifies with the key its kid names in the JWK Set at ${jwksUri} (RFC 9068 §4: resource servers MUST use the keys the authorization server provides)`,
      observed: `alg ${String(header?.alg)}, ${kid}: ${own.verified ? 'verified' : own.reason} (${set})`,
    },
    () => expect(own.verified, `${ROOT}: the issuer does not publish the key its access tokens are signed with, so a gateway that uses the published keys refuses every token`).to.equal(true),
    [{ requirement, expected }],
    { why: `the gateway refused (401) a token that no key of the issuer's JWK Set at ${jwksUri} verifies, and the issuer's own token does not verify with it either: a gateway that uses the published keys must refuse it` },
  );
}
