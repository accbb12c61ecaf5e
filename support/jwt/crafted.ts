/**
 * The crafted tokens of features/access-token-format.feature, by the words the feature uses. Every one starts
 * from the claims of a real access token of the system client (fresh jti, fresh iat/exp), so that the one
 * defect named is the only reason a conforming gateway has to refuse it.
 */
import { randomBytes } from 'node:crypto';
import type { CtkWorld } from '../world.ts';
import { NO_SIGNER_REMEDY, testSignerOf } from './test-signer.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import type { NotTestable } from '../oauth/token-requests.ts';
import { decodeJwt } from './decode.ts';
import { audienceCheckOf, jwksUriOf } from '../target/target.ts';
import { fetchJwks } from './jwks.ts';
import { requirementApplies } from '../target/applicability.ts';
import { hmacWithPublicKey, signedWithEmbeddedKey, signedWithForeignKey, unsecuredToken, type Claims } from './forge.ts';

export interface CraftedToken {
  readonly token: string;
  /** For diagnoses: "a token signed with HS256 using the issuer's public key as the HMAC secret". */
  readonly description: string;
  /** Made by the target's test signer (signerToken), not a forgery of the issuer's token. */
  readonly madeByTestSigner?: boolean;
}

/** Lifetime of crafted tokens that are meant to be valid, and how far beyond the leeway the time defects go. */
const VALID_FOR_S = 300;
const BEYOND_LEEWAY_S = 60;

export async function baseOf(world: CtkWorld): Promise<{ claims: Record<string, unknown>; header: Record<string, unknown> } | NotTestable> {
  const token = await accessTokenFor(world, world.target.clients.system);
  const decoded = decodeJwt(token);
  if (!decoded) {
    // Where the profile claims JWT access tokens, an opaque one is REQ-JWT-01's finding: the crafted-token checks are
    // blocked by it, and say so.
    return requirementApplies(world.target, 'REQ-JWT-01')
      ? { notTestable: "blocked by REQ-JWT-01's finding: the system client's access token is no JWT, so there are no claims to craft a token from", remedy: 'fix REQ-JWT-01; the crafted-token checks run once the issuer issues JWT access tokens' }
      : { notTestable: "the system client's access token is not a JWT the kit can read", remedy: 'only targets with JWT access tokens (capability jwt-access-tokens) are checked here' };
  }
  const now = Math.floor(Date.now() / 1000);
  return {
    claims: { ...decoded.claims, iat: now, exp: now + VALID_FOR_S, jti: `ctk-${randomBytes(8).toString('hex')}` },
    header: { ...decoded.header },
  };
}

export const FORGERIES = [
  'unsigned, with alg "none"',
  "signed with HS256, using the issuer's public key as the HMAC secret",
  "signed with a key pair the issuer never published, under the issuer's kid",
  'signed with a key pair the issuer never published, under a kid of its own',
  'unsigned, with alg "None"',
  'unsigned, with alg "NONE"',
  'signed with a key pair of its own whose public key the header carries (jwk)',
] as const;

export async function forgedToken(world: CtkWorld, forgery: string): Promise<CraftedToken | NotTestable> {
  const base = await baseOf(world);
  if ('notTestable' in base) return base;
  const { claims, header } = base;
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  switch (forgery) {
    case FORGERIES[0]:
      return { token: unsecuredToken(claims, { typ: header.typ ?? 'at+jwt' }), description: 'an unsigned token (alg "none") with the claims of a valid one' };
    case FORGERIES[1]: {
      const jwksUri = jwksUriOf(world.target);
      const { keys } = await fetchJwks(world, jwksUri);
      const key = keys?.find((k) => (kid ? k.kid === kid : true) && (k.kty === 'RSA' || k.kty === 'EC'));
      if (!key) return { notTestable: `no public key${kid ? ` with kid ${kid}` : ''} could be read from ${jwksUri}`, remedy: 'check jwksUri in the target profile' };
      return {
        token: await hmacWithPublicKey(claims, key, { typ: header.typ ?? 'at+jwt', ...(kid ? { kid } : {}) }),
        description: "a token signed with HS256 using the issuer's public key (PEM) as the HMAC secret",
      };
    }
    case FORGERIES[2]:
      return { token: await signedWithForeignKey(claims, { typ: header.typ ?? 'at+jwt', ...(kid ? { kid } : {}) }), description: `a token signed with a key the issuer never published, under the issuer's kid ${JSON.stringify(kid)}` };
    case FORGERIES[3]:
      return { token: await signedWithForeignKey(claims, { typ: header.typ ?? 'at+jwt' }), description: 'a token signed with a key the issuer never published, under a kid no JWK Set holds' };
    case FORGERIES[4]:
    case FORGERIES[5]: {
      const alg = forgery === FORGERIES[4] ? 'None' : 'NONE';
      return { token: unsecuredToken(claims, { typ: header.typ ?? 'at+jwt' }, alg), description: `an unsigned token (alg ${JSON.stringify(alg)}: "none" in another letter case) with the claims of a valid one` };
    }
    case FORGERIES[6]:
      return {
        token: await signedWithEmbeddedKey(claims, { typ: header.typ ?? 'at+jwt' }),
        description: 'a token signed with a key the issuer never published, that public key embedded in its header (jwk)',
      };
    default:
      throw new Error(`unknown forgery "${forgery}": one of ${FORGERIES.join(' | ')}`);
  }
}

/** Defects the trusted signer puts into an otherwise valid token, and what each does to claims and header. */
const DEFECTS: Readonly<Record<string, (claims: Record<string, unknown>, header: Record<string, unknown>, leewayS: number) => string>> = {
  'issued by another issuer': (c) => {
    c.iss = 'https://untrusted-issuer.auth-ctk.test';
    return 'a correctly signed token whose iss is another issuer';
  },
  'meant for another audience': (c) => {
    c.aud = 'https://another-api.auth-ctk.test';
    return 'a correctly signed token whose aud is another API';
  },
  "expired longer ago than the gateway's clock leeway": (c, _h, leeway) => {
    const exp = Math.floor(Date.now() / 1000) - leeway - BEYOND_LEEWAY_S;
    Object.assign(c, { exp, iat: exp - VALID_FOR_S });
    if ('nbf' in c) c.nbf = exp - VALID_FOR_S;
    return `a correctly signed token that expired ${leeway + BEYOND_LEEWAY_S} s ago (leeway ${leeway} s)`;
  },
  "not valid before a time beyond the gateway's clock leeway": (c, _h, leeway) => {
    c.nbf = Math.floor(Date.now() / 1000) + leeway + BEYOND_LEEWAY_S;
    return `a correctly signed token whose nbf is ${leeway + BEYOND_LEEWAY_S} s ahead (leeway ${leeway} s)`;
  },
  'with typ "JWT" instead of "at+jwt"': (_c, h) => {
    h.typ = 'JWT';
    return 'a correctly signed token with typ "JWT" (RFC 9068 §4: resource servers MUST check typ at+jwt)';
  },
  'without an exp claim': (c) => {
    delete c.exp;
    return 'a correctly signed token without exp';
  },
  // RFC 9068 §4: iss MUST exactly match the issuer, aud MUST contain this resource server; RFC 8725 §3.9 for plain
  // JWTs of an issuer with several audiences: "if the audience value is not present ... it MUST reject the JWT". A
  // verifier that compares them only where the token carries them (a JWT library given the allowed values, but not
  // told they are required) lets a token without them through.
  'without an aud claim': (c) => {
    delete c.aud;
    return 'a correctly signed token without aud (RFC 9068 §4, RFC 8725 §3.9: an aud not present MUST be rejected)';
  },
  'without an iss claim': (c) => {
    delete c.iss;
    return 'a correctly signed token without iss (RFC 9068 §4: iss MUST exactly match the issuer)';
  },
  // RFC 9068 §4 with RFC 8414 §3.3: an exact match, so one trailing slash more or less is another issuer.
  'with an iss that differs from the issuer only by a trailing slash': (c) => {
    const issuer = String(c.iss);
    c.iss = issuer.endsWith('/') ? issuer.replace(/\/+$/, '') : `${issuer}/`;
    return `a correctly signed token whose iss is ${JSON.stringify(c.iss)}, the issuer ${JSON.stringify(issuer)} but for a trailing slash (RFC 9068 §4: exact match)`;
  },
};

/** Defects a gateway that checks no audience (gateway.audienceCheck: none) has no reason to refuse. */
const AUDIENCE_DEFECTS: ReadonlySet<string> = new Set(['meant for another audience', 'without an aud claim']);

export const SIGNER_DEFECTS = Object.keys(DEFECTS);

/** A token from the target's trusted test signer: the real claims, with `defect` applied (none: a valid token). */
export async function signerToken(world: CtkWorld, defect?: string): Promise<CraftedToken | NotTestable> {
  const signer = testSignerOf(world);
  if (!signer) return { notTestable: 'the target has no test-token signer (a key the gateway trusts, or a control plane that signs with it)', remedy: NO_SIGNER_REMEDY };
  const base = await baseOf(world);
  if ('notTestable' in base) return base;
  // iss and aud as the target declares them: an IdP that puts wrong ones into its tokens (REQ-JWT-06, -08) must not
  // make this gateway check blame the gateway for refusing them.
  // Without an exact audience (gateway.audienceCheck none or scope) the valid token's own aud is the right one.
  const claims: Claims & Record<string, unknown> = { ...base.claims, iss: world.target.issuer, ...(world.target.audience !== undefined ? { aud: world.target.audience } : {}) };
  const header: Record<string, unknown> = {};
  let description = 'a token the trusted signer made with the claims of a valid access token';
  if (defect !== undefined) {
    const apply = DEFECTS[defect];
    if (!apply) throw new Error(`unknown token defect "${defect}": one of ${SIGNER_DEFECTS.join(' | ')}`);
    if (AUDIENCE_DEFECTS.has(defect) && audienceCheckOf(world.target) === 'none') {
      return { notTestable: 'the target profile says its gateway checks no audience (gateway.audienceCheck: none)', remedy: 'set gateway.audience (or audienceCheck: scope) if the gateway does check aud' };
    }
    description = apply(claims, header, world.target.limits.clockSkewSeconds);
  }
  return { token: await signer.sign(claims, Object.keys(header).length ? header : undefined), description, madeByTestSigner: true };
}
