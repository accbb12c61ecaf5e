/**
 * Judging an issued access token against RFC 9068 §2 (and seed 003): one function per requirement. The token is
 * described in diagnoses by its header and claim values, never by the token itself.
 */
import { expect } from 'chai';
import type { JWK } from 'jose';
import type { CtkWorld } from '../world.ts';
import { check, couldNotJudge, reportRootCause } from '../verdict/check.ts';
import type { IssuedToken } from '../oauth/issued.ts';
import { scopeValues } from '../oauth/token-response.ts';
import { audiences, describeToken, isAsymmetric, isAtJwtType, isNumericDate, symmetricMacUnjudged } from './decode.ts';
import { verifyWithJwks, type SignatureCheck } from './jwks.ts';
import { audienceCheckOf } from '../target/target.ts';
import { requirementApplies } from '../target/applicability.ts';
import { readClaims } from '../identity/claims.ts';
import { tokenNamesAnotherClient } from '../identity/other-client.ts';
import { NotTestableError } from '../verdict/not-testable.ts';

const NOT_A_JWT = 'a token that is not a JWS compact serialization (header.claims.signature)';

function claimOf(issued: IssuedToken, name: string): unknown {
  return issued.decoded?.claims[name];
}

const observedClaim = (issued: IssuedToken, name: string): string =>
  issued.decoded ? `${name} ${JSON.stringify(claimOf(issued, name)) ?? '(absent)'}` : NOT_A_JWT;

/**
 * The requirements beyond REQ-JWT that read a claim of the JWT access token the profile says the issuer issues: the
 * metadata issuer against iss (REQ-DISC-02's token scenario), expires_in against exp (REQ-TTL-01), iat against Date
 * (REQ-TTL-02). Each runs only where the profile claims JWT access tokens (@requires-jwt-access-tokens, capability
 * jwt-access-tokens); an opaque token there is REQ-JWT-01's one finding (fault opaque-access-tokens failed all three).
 */
const READS_THE_JWT = new Set(['REQ-DISC-02', 'REQ-TTL-01', 'REQ-TTL-02']);

/**
 * One cause, one finding (support/verdict/check.ts explainedBy): a token that is no JWS compact serialization at all
 * has no header or claims to read, so every RFC 9068 check of it would report the same answer again. REQ-JWT-01
 * reports it once; the REQ-JWT requirement (or one of READS_THE_JWT) judging this token is not judged on it.
 * Returns true when it reported (the scenario stops at REQ-JWT-01, a MUST).
 */
export function notAJwt(world: CtkWorld, issued: IssuedToken, requirement: string, expected: string): boolean {
  if (issued.decoded || requirement === 'REQ-JWT-01') return false;
  if (!requirement.startsWith('REQ-JWT-') && !(READS_THE_JWT.has(requirement) && requirementApplies(world.target, 'REQ-JWT-01'))) return false;
  reportRootCause(world, { requirement: 'REQ-JWT-01', expected: 'a JWS compact serialization with a JSON header and a JSON claims set', observed: describeToken(issued.decoded) }, () =>
    expect(issued.decoded, 'decodes').to.not.equal(undefined), [{ requirement, expected }], { why: 'the access token is no JWS compact serialization: it has no header or claims to read' });
  return true;
}

/**
 * The same rule for an unsecured JWT (alg "none", or no signature): that is REQ-JWT-04's one finding (RFC 9068 §2.1,
 * RFC 7515 §4.1.1); whether its algorithm is asymmetric (REQ-JWT-05) or its signature verifies (REQ-JWT-07) would
 * only say it again. A token signed with an unpublished key still fails REQ-JWT-07 on its own; one signed with HS*
 * gets REQ-JWT-05's warning alone (judgeSignature: its shared key is never published).
 */
function unsecured(world: CtkWorld, issued: IssuedToken, requirement: string, expected: string): boolean {
  if (!issued.decoded || !['REQ-JWT-05', 'REQ-JWT-07'].includes(requirement)) return false;
  const alg = issued.decoded.header.alg;
  const isUnsecured = typeof alg !== 'string' || alg.toLowerCase() === 'none' || issued.decoded.segments[2] === '';
  if (!isUnsecured) return false;
  reportRootCause(world, { requirement: 'REQ-JWT-04', expected: 'a signed token: alg other than "none" and a signature', observed: `alg ${JSON.stringify(alg)}${issued.decoded.segments[2] === '' ? ', no signature' : ''}` }, () => {
    expect(alg, 'alg').to.be.a('string');
    expect(String(alg).toLowerCase(), 'alg').to.not.equal('none');
    expect(issued.decoded!.segments[2], 'signature').to.not.equal('');
  }, [{ requirement, expected }], { why: 'the access token is an unsecured JWT: it has no algorithm to judge and no signature to verify' });
  return true;
}

export function judgeIsJws(world: CtkWorld, issued: IssuedToken): void {
  check(world, { requirement: 'REQ-JWT-01', expected: 'a JWS compact serialization with a JSON header and a JSON claims set', observed: describeToken(issued.decoded) }, () =>
    expect(issued.decoded, 'decodes').to.not.equal(undefined),
  );
}

export function judgeTyp(world: CtkWorld, issued: IssuedToken): void {
  if (notAJwt(world, issued, 'REQ-JWT-02', 'header typ "at+jwt" (or "application/at+jwt")')) return;
  check(
    world,
    { requirement: 'REQ-JWT-02', expected: 'header typ "at+jwt" (or "application/at+jwt")', observed: issued.decoded ? `typ ${JSON.stringify(issued.decoded.header.typ) ?? '(absent)'}` : NOT_A_JWT },
    () => expect(isAtJwtType(issued.decoded?.header.typ), 'typ').to.equal(true),
  );
}

export const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'] as const;

export function judgeClaimPresent(world: CtkWorld, issued: IssuedToken, claim: string): void {
  if (notAJwt(world, issued, 'REQ-JWT-03', `the claim ${claim}`)) return;
  const numeric = claim === 'exp' || claim === 'iat';
  check(
    world,
    {
      requirement: 'REQ-JWT-03',
      expected: numeric ? `the claim ${claim} as a NumericDate (a JSON number of seconds)` : `the claim ${claim}, not empty`,
      observed: observedClaim(issued, claim),
    },
    () => {
      const value = claimOf(issued, claim);
      if (numeric) expect(isNumericDate(value), `${claim} NumericDate`).to.equal(true);
      else if (claim === 'aud') expect(audiences(value), 'aud').to.not.be.empty;
      else expect(value, claim).to.be.a('string').and.not.equal('');
    },
  );
}

export function judgeAlgNotNone(world: CtkWorld, issued: IssuedToken): void {
  if (notAJwt(world, issued, 'REQ-JWT-04', 'a signed token: alg other than "none" and a signature')) return;
  const alg = issued.decoded?.header.alg;
  check(world, { requirement: 'REQ-JWT-04', expected: 'a signed token: alg other than "none" and a signature', observed: issued.decoded ? `alg ${JSON.stringify(alg)}` : NOT_A_JWT }, () => {
    expect(alg, 'alg').to.be.a('string');
    expect(String(alg).toLowerCase(), 'alg').to.not.equal('none');
    expect(issued.decoded!.segments[2], 'signature').to.not.equal('');
  });
}

export function judgeAsymmetric(world: CtkWorld, issued: IssuedToken): void {
  if (notAJwt(world, issued, 'REQ-JWT-05', 'an asymmetric signing algorithm (RS*, PS*, ES*, EdDSA)')) return;
  if (unsecured(world, issued, 'REQ-JWT-05', 'an asymmetric signing algorithm (RS*, PS*, ES*, EdDSA)')) return;
  const alg = issued.decoded?.header.alg;
  check(world, { requirement: 'REQ-JWT-05', expected: 'an asymmetric signing algorithm (RS*, PS*, ES*, EdDSA)', observed: issued.decoded ? `alg ${JSON.stringify(alg)}` : NOT_A_JWT }, () =>
    expect(isAsymmetric(alg), 'asymmetric').to.equal(true),
  );
}

/** iss exactly equals the issuer identifier (REQ-JWT-06 against the profile, REQ-DISC-02 against the metadata). */
export function judgeIssuer(world: CtkWorld, issued: IssuedToken, issuer: string, requirement: string, whose: string): void {
  if (notAJwt(world, issued, requirement, `iss exactly ${JSON.stringify(issuer)} (${whose})`)) return;
  check(world, { requirement, expected: `iss exactly ${JSON.stringify(issuer)} (${whose})`, observed: observedClaim(issued, 'iss') }, () =>
    expect(claimOf(issued, 'iss')).to.equal(issuer),
  );
}

/**
 * REQ-DISC-02's "the iss of the tokens is the metadata issuer". One cause, one finding: where the metadata names the
 * profile's issuer identifier, a token whose iss differs breaks REQ-JWT-06 in the very same comparison (fault
 * iss-not-issuer failed both); REQ-JWT-06 reports it and REQ-DISC-02 is not judged on it. A metadata issuer of its own
 * (fault discovery-issuer-mismatch) leaves the comparison REQ-DISC-02's.
 */
export function judgeIssuerAgainstMetadata(world: CtkWorld, issued: IssuedToken, metadataIssuer: unknown): void {
  const expected = `iss exactly ${JSON.stringify(metadataIssuer)} (the issuer the metadata names)`;
  const iss = claimOf(issued, 'iss');
  if (issued.decoded && metadataIssuer === world.target.issuer && iss !== metadataIssuer && requirementApplies(world.target, 'REQ-JWT-06')) {
    reportRootCause(
      world,
      { requirement: 'REQ-JWT-06', expected: `iss exactly ${JSON.stringify(world.target.issuer)} (the issuer identifier the target profile names)`, observed: observedClaim(issued, 'iss') },
      () => expect(iss).to.equal(world.target.issuer),
      [{ requirement: 'REQ-DISC-02', expected }],
      { why: `the metadata names the profile's issuer identifier ${JSON.stringify(world.target.issuer)}, so the token's iss breaks REQ-JWT-06 in the same comparison` },
    );
    return;
  }
  judgeIssuer(world, issued, String(metadataIssuer), 'REQ-DISC-02', 'the issuer the metadata names');
}

export async function judgeSignature(world: CtkWorld, issued: IssuedToken, keys: readonly JWK[] | undefined, jwksUri: string, requirement = 'REQ-JWT-07'): Promise<SignatureCheck> {
  if (notAJwt(world, issued, requirement, `a signature that verifies with a key of the JWK Set at ${jwksUri}`)) return { verified: false, reason: 'the access token is no JWS' };
  if (unsecured(world, issued, requirement, `a signature that verifies with a key of the JWK Set at ${jwksUri}`)) return { verified: false, reason: 'the access token is an unsecured JWT' };
  const symmetric = symmetricMacUnjudged(issued.decoded?.header.alg, jwksUri);
  if (symmetric) {
    couldNotJudge(world, { requirement, expected: `a signature that verifies with a key of the JWK Set at ${jwksUri}`, why: symmetric });
    return { verified: false, reason: symmetric };
  }
  const result: SignatureCheck = keys ? await verifyWithJwks(issued.token, keys) : { verified: false, reason: `no JWK Set could be read at ${jwksUri}` };
  check(
    world,
    {
      requirement,
      expected: `a signature that verifies with the key the token's kid names in the JWK Set at ${jwksUri}`,
      observed: result.verified ? 'verified' : `${describeToken(issued.decoded)}: ${result.reason}`,
    },
    () => expect(result.verified, 'verified').to.equal(true),
  );
  return result;
}

/**
 * REQ-JWT-08 as the profile describes the gateway's audience (gateway.audienceCheck): "exact" (the default) wants
 * gateway.audience in aud; "scope" wants the granted scope values there (deployments that use the scope as the
 * audience); "none" names no expected value, so there is nothing to compare with.
 */
export function judgeApiAudience(world: CtkWorld, issued: IssuedToken): 'judged' | { notTestable: string; remedy: string } {
  const mode = audienceCheckOf(world.target);
  if (mode === 'exact' && world.target.audience !== undefined) {
    judgeAudience(world, issued, world.target.audience);
    return 'judged';
  }
  if (mode === 'scope') {
    if (notAJwt(world, issued, 'REQ-JWT-08', 'aud containing the granted scope values')) return 'judged';
    const granted = scopeValues(claimOf(issued, 'scope') ?? issued.response?.scope ?? issued.requestedScope.join(' '));
    if (granted.length === 0) return { notTestable: 'the profile says aud carries the granted scope, and the token shows no scope to compare it with', remedy: 'request the token with a scope' };
    check(world, { requirement: 'REQ-JWT-08', expected: `aud containing the granted scope values ${JSON.stringify(granted)} (gateway.audienceCheck: scope)`, observed: observedClaim(issued, 'aud') }, () =>
      expect(audiences(claimOf(issued, 'aud'))).to.include.members(granted),
    );
    return 'judged';
  }
  // No gateway audience to compare with (an IdP certified alone, or a gateway that checks none): where every token
  // request names its resource (RFC 8707, idp.tokenRequestParameters), RFC 9068 §3 says what aud should be.
  const resource = world.target.tokenRequestParameters?.resource;
  if (mode === 'exact' && resource !== undefined) {
    check(
      world,
      { requirement: 'REQ-JWT-08', expected: `aud containing ${JSON.stringify(resource)}, the resource the token was requested for (idp.tokenRequestParameters)`, observed: observedClaim(issued, 'aud'), should: RESOURCE_AUDIENCE_SHOULD },
      () => expect(audiences(claimOf(issued, 'aud'))).to.include(resource),
    );
    return 'judged';
  }
  return {
    notTestable: world.target.gateway
      ? 'the target profile names no audience: its gateway checks none (gateway.audienceCheck: none)'
      : 'the target profile names no audience: it names no gateway, and its token requests name no RFC 8707 resource',
    remedy: world.target.gateway
      ? 'set gateway.audience to the aud the gateway requires, if it requires one'
      : 'name the API the tokens are for: idp.tokenRequestParameters.resource (RFC 8707), or a gateway with its audience',
  };
}

/** RFC 9068 §3 on the aud of a token requested with a resource indicator: a SHOULD, so a miss is a warning. */
export const RESOURCE_AUDIENCE_SHOULD =
  'RFC 9068 §3 (if the request includes a "resource" parameter, the JWT access token\'s "aud" claim SHOULD have the same value as the "resource" parameter)';

export function judgeAudience(world: CtkWorld, issued: IssuedToken, audience: string): void {
  if (notAJwt(world, issued, 'REQ-JWT-08', `aud containing ${JSON.stringify(audience)}`)) return;
  check(world, { requirement: 'REQ-JWT-08', expected: `aud containing ${JSON.stringify(audience)} (the audience the gateway validates)`, observed: observedClaim(issued, 'aud') }, () =>
    expect(audiences(claimOf(issued, 'aud'))).to.include(audience),
  );
}

export function judgeScopeClaim(world: CtkWorld, issued: IssuedToken): void {
  if (notAJwt(world, issued, 'REQ-JWT-09', 'a scope claim for the requested scope')) return;
  check(
    world,
    { requirement: 'REQ-JWT-09', expected: `a scope claim for the requested scope ${JSON.stringify(issued.requestedScope.join(' '))}`, observed: observedClaim(issued, 'scope') },
    () => expect(scopeValues(claimOf(issued, 'scope')), 'scope values').to.not.be.empty,
  );
}

export function judgeClientIdClaim(world: CtkWorld, issued: IssuedToken): void {
  if (notAJwt(world, issued, 'REQ-JWT-12', `client_id ${JSON.stringify(issued.client.clientId)}`)) return;
  check(world, { requirement: 'REQ-JWT-12', expected: `client_id ${JSON.stringify(issued.client.clientId)} (the client that requested the token)`, observed: observedClaim(issued, 'client_id') }, () =>
    expect(claimOf(issued, 'client_id')).to.equal(issued.client.clientId),
  );
}

/** Seed 003: a client-credentials token has sub == client_id, both the client's id (REQ-ID-01). */
/**
 * Seed 003 / REQ-ID-01 is about the token's identity, not its format: an opaque token's sub and client_id are read
 * through introspection (identity/claims.ts readClaims), where the target offers it.
 */
export async function judgeSubIsClientId(world: CtkWorld, issued: IssuedToken): Promise<void> {
  const read = issued.decoded ? undefined : await readClaims(world, issued.token);
  const claims = issued.decoded?.claims ?? read?.claims;
  if (!claims) {
    throw new NotTestableError('the access token is not a JWT the kit can read, and the target offers no introspection that reports it active', {
      remedy: 'claim jwt-access-tokens for targets that issue JWT access tokens (RFC 9068), or describe introspection (RFC 7662) for opaque ones',
      requirementIds: ['REQ-ID-01'],
    });
  }
  const sub = claims.sub;
  const clientId = claims.client_id;
  const expected = `sub equal to client_id, both ${JSON.stringify(issued.client.clientId)} (seed 003: that is how APIs tell a system token)`;
  if (tokenNamesAnotherClient(world, claims, issued.client, [{ requirement: 'REQ-ID-01', expected }])) return;
  check(
    world,
    {
      requirement: 'REQ-ID-01',
      expected,
      observed: `sub ${JSON.stringify(sub)}, client_id ${JSON.stringify(clientId)}${read ? ' (read through the introspection endpoint: the token is opaque)' : ''}`,
    },
    () => {
      expect(sub, 'sub').to.equal(issued.client.clientId);
      expect(clientId, 'client_id').to.equal(sub);
    },
  );
}
