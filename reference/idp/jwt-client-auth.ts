/**
 * Issue 19: RFC 7523 private_key_jwt at the reference IdP. oidc-provider does the protocol work (RFC 7523 §3: iss,
 * sub, aud, exp, jti replay, the signature against the client's registered JWKS, an asymmetric alg allow-list); this
 * module registers the one test client whose public key the reference knows (fixtures/reference/stack.json
 * privateKeyJwtClient, a TEST FIXTURE key), and holds the faults that break those checks.
 *
 * Most faults stand for an IdP whose own assertion check is lax. oidc-provider's check cannot be relaxed piecewise, so
 * such a fault checks the assertion itself, lax in its one way, before oidc-provider sees it; an assertion that passes
 * only thanks to the laxity is re-signed with a "bridge" key that only this process holds and that the client's JWKS
 * carries while such a fault is on. oidc-provider then sees a valid assertion (same iss, sub and jti, so its replay
 * check still applies) and issues the token the lax IdP would have issued.
 */
import { createHmac, createPublicKey, generateKeyPairSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import type Provider from 'oidc-provider';
import type { OidcContext } from 'oidc-provider';
import type { ReferenceFixtures } from '../fixtures.ts';
import type { IdpFaults } from './faults.ts';

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** The public half of a private JWK (RFC 7517 §9.1 / RFC 7518 §6: the private members removed). */
export function publicJwkOf(privateJwk: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(privateJwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name)));
}

interface ProcessKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

const processKey = (kid: string): ProcessKey => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicJwk: { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'ES256', use: 'sig' } };
};

/** The key a lax fault re-signs an assertion with; made once per process, never published anywhere but the client's JWKS. */
let bridge: ProcessKey | undefined;
const bridgeKey = (): ProcessKey => (bridge ??= processKey('reference-assertion-bridge'));
/** Fault assertion-key-not-registered: the key registered instead of the client's own. */
let stranger: ProcessKey | undefined;
const strangerKey = (): ProcessKey => (stranger ??= processKey('reference-some-other-key'));

/** Faults whose lax check runs before oidc-provider (the bridge key is registered while one is on). */
const LAX_FAULTS = ['accept-assertion-wrong-aud', 'accept-expired-assertion', 'accept-unsigned-assertion', 'accept-hs256-public-key-assertion', 'accept-assertion-any-key'] as const;

const laxFaultOn = (faults: IdpFaults): boolean => LAX_FAULTS.some((f) => faults.has(f));

/** oidc-provider client metadata of the private_key_jwt client (none when the fixture file has none). */
export function privateKeyJwtClientMetadata(fixtures: ReferenceFixtures, faults: IdpFaults): Record<string, unknown>[] {
  const client = fixtures.privateKeyJwtClient;
  if (!client) return [];
  // Fault assertion-key-not-registered: the client's JWKS holds some other key, so even its correct assertions fail (REQ-PKJWT-01).
  const registered = faults.has('assertion-key-not-registered') ? strangerKey().publicJwk : publicJwkOf(client.privateJwk);
  return [
    {
      client_id: client.clientId,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [registered, ...(laxFaultOn(faults) ? [bridgeKey().publicJwk] : [])] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      application_type: 'web',
      scope: client.scopes.join(' '),
    },
  ];
}

const b64urlDecode = (value: string): Buffer => Buffer.from(value, 'base64url');

/**
 * The lax faults: when the form's client assertion is the fixture client's and passes only because of an active
 * fault's laxity, it is replaced (in `form`) by the same claims re-signed with the bridge key. Returns whether it was.
 * An assertion that passes the strict check, or fails even the lax one, is left for oidc-provider to judge.
 */
export async function laxAssertionCheck(form: URLSearchParams | undefined, context: { issuer: string; host: string | undefined; fixtures: ReferenceFixtures; faults: IdpFaults }): Promise<boolean> {
  const { fixtures, faults } = context;
  const client = fixtures.privateKeyJwtClient;
  const assertion = form?.get('client_assertion');
  if (!client || !assertion || !laxFaultOn(faults)) return false;
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    payload = decodeJwt(assertion) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (payload.iss !== client.clientId || payload.sub !== client.clientId || typeof payload.jti !== 'string') return false;
  const alg = typeof header.alg === 'string' ? header.alg : '';
  const parts = assertion.split('.');
  let laxity = false;

  // RFC 7523 §3 item 9: a signature by the registered key (the lax faults: none at all, an HMAC keyed with the
  // public key's PEM, or any signature at all of an allowed alg).
  const publicJwk = publicJwkOf(client.privateJwk);
  if (alg === 'none') {
    if (!faults.has('accept-unsigned-assertion')) return false;
    laxity = true;
  } else if (/^HS(256|384|512)$/.test(alg)) {
    if (!faults.has('accept-hs256-public-key-assertion')) return false;
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const mac = createHmac(`sha${alg.slice(2)}`, pem).update(`${parts[0]}.${parts[1]}`).digest();
    const given = b64urlDecode(parts[2] ?? '');
    if (given.length !== mac.length || !timingSafeEqual(given, mac)) return false;
    laxity = true;
  } else if (/^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/.test(alg)) {
    let verified = false;
    try {
      await compactVerify(assertion, await importJWK(publicJwk as never, alg));
      verified = true;
    } catch {
      verified = false;
    }
    if (!verified) {
      if (!faults.has('accept-assertion-any-key')) return false;
      laxity = true;
    }
  } else {
    return false;
  }

  // RFC 7523 §3 item 3: aud names this server (its issuer, or its token endpoint).
  const own = [context.issuer, `${context.issuer.replace(/\/+$/, '')}/token`, ...(context.host ? [`http://${context.host}/token`] : [])];
  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!auds.some((a) => typeof a === 'string' && own.includes(a))) {
    if (!faults.has('accept-assertion-wrong-aud')) return false;
    laxity = true;
  }
  // RFC 7523 §3 item 4: exp has not passed (15 s of skew, oidc-provider's default).
  const now = Math.floor(Date.now() / 1000);
  let exp = typeof payload.exp === 'number' ? payload.exp : undefined;
  if (exp === undefined) return false;
  if (exp < now - 15) {
    if (!faults.has('accept-expired-assertion')) return false;
    laxity = true;
    exp = now + 60;
  }
  if (!laxity) return false;

  const claims = new TextEncoder().encode(JSON.stringify({ ...payload, aud: context.issuer, exp }));
  const key = bridgeKey();
  form!.set('client_assertion', await new CompactSign(claims).setProtectedHeader({ alg: 'ES256', kid: key.publicJwk.kid as string }).sign(key.privateKey));
  return true;
}

/**
 * The switches inside oidc-provider: used jti values forgotten, refused assertions answered with another code (faults),
 * and the issuer as the only accepted aud (a variation).
 */
export function injectAssertionFaults(provider: Provider, faults: IdpFaults): void {
  if (faults.has('accept-replayed-assertion')) {
    // RFC 7523 §3 item 7: the server MAY keep used jti values; oidc-provider does (REQ-PKJWT-04). The fault forgets them.
    (provider as unknown as { ReplayDetection: { unique: () => Promise<boolean> } }).ReplayDetection.unique = async () => true;
  }
  if (faults.has('assertion-aud-issuer-only')) {
    // Variation assertion-aud-issuer-only: only the issuer identifier is an accepted aud (RFC 7523 §3 item 3 lets the
    // token endpoint URL be used, it does not make the server take it).
    const context = (provider as unknown as { OIDCContext: { prototype: { clientJwtAuthExpectedAudience: () => Set<string> } } }).OIDCContext;
    context.prototype.clientJwtAuthExpectedAudience = function (this: { issuer: string }) {
      return new Set([this.issuer]);
    };
  }
  if (!faults.has('assertion-refusal-invalid-grant')) return;
  provider.use(async (ctx: OidcContext, next: () => Promise<void>) => {
    await next();
    // RFC 7523 §3.2: a client JWT that is not valid is invalid_client (REQ-PKJWT-08); the fault says invalid_grant.
    const body = typeof ctx.body === 'object' && ctx.body !== null ? (ctx.body as Record<string, unknown>) : undefined;
    if (ctx.path === '/token' && body?.error === 'invalid_client' && ctx.oidc?.params?.client_assertion) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_grant', error_description: 'the client assertion is not valid' };
      ctx.res.removeHeader('www-authenticate');
    }
  });
}
