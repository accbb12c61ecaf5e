/**
 * REQ-DISC-04, second half: the JWK Set the metadata's jwks_uri names holds the key the target signs its access
 * tokens with. RFC 8414 §2: the jwks_uri document "contains the signing key(s) the client uses to validate
 * signatures from the authorization server"; a resource server configured from the metadata (RFC 9068 §4: it MUST use
 * the keys the authorization server provides) fetches exactly that set. An empty set, or a stale one (another realm,
 * a key rotated away), answers 200 with a keys array and passed the first half.
 *
 * ONE CAUSE, ONE FINDING. Where the metadata names the same set the profile does (idp.jwksUri, or no jwksUri of its
 * own), REQ-JWT-07 already verifies every token against it: its finding, not judged again here. Where the two differ,
 * a token that verifies with neither set is REQ-JWT-07's finding too; only a token that verifies with the profile's
 * set and not with the metadata's is this requirement's.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { check, explainedBy } from '../verdict/check.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { jwksUriOf } from '../target/target.ts';
import { decodeJwt } from '../jwt/decode.ts';
import { fetchJwks, kidsOf, verifyWithJwks, type FetchedJwks } from '../jwt/jwks.ts';

const sameUrl = (a: string, b: string): boolean => {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
};

export function judgeMetadataSetSigns(world: CtkWorld, uri: string, fetched: FetchedJwks): Promise<void> | void {
  if (!fetched.keys) return; // the first half (status, keys array) reports that
  const profileUri = jwksUriOf(world.target);
  if (sameUrl(uri, profileUri)) {
    world.log(`the metadata's jwks_uri is the JWK Set the kit verifies every token with (${profileUri}): REQ-JWT-07 judges the signing key there`);
    return;
  }
  return judgeAgainstBothSets(world, uri, fetched.keys, profileUri);
}

async function judgeAgainstBothSets(world: CtkWorld, uri: string, keys: NonNullable<FetchedJwks['keys']>, profileUri: string): Promise<void> {
  const token = await accessTokenFor(world, world.target.clients.system);
  const header = decodeJwt(token)?.header;
  const describe = `a fresh access token of ${world.target.clients.system.clientId} (alg ${String(header?.alg)}${typeof header?.kid === 'string' ? `, kid ${header.kid}` : ', no kid'})`;
  const expected = `the JWK Set at the metadata's jwks_uri (${uri}) holds the key that verifies ${describe} (RFC 8414 §2: the signing key(s) clients validate signatures with)`;
  const fromMetadata = await verifyWithJwks(token, keys);
  const observed = fromMetadata.verified
    ? `verified with the key ${fromMetadata.kid ?? '(no kid)'} of that set`
    : `${fromMetadata.reason} (the set at ${uri} publishes ${keys.length} key(s)${keys.length ? `: kid ${kidsOf(keys).join(', ') || 'none'}` : ''})`;
  if (!fromMetadata.verified) {
    const profileSet = await fetchJwks(world, profileUri);
    const fromProfile = profileSet.keys ? await verifyWithJwks(token, profileSet.keys) : undefined;
    if (!fromProfile?.verified) {
      explainedBy(world, { requirement: 'REQ-DISC-04', expected, root: 'REQ-JWT-07', why: `the token does not verify with the profile's JWK Set at ${profileUri} either` });
      return;
    }
  }
  check(world, { requirement: 'REQ-DISC-04', expected, observed }, () =>
    expect(fromMetadata.verified, `REQ-DISC-04 (RFC 8414 §2): the metadata's jwks_uri serves a JWK Set without the key the tokens are signed with; a resource server configured from the metadata refuses every token`).to.equal(true),
  );
}
