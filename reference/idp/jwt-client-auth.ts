/**
 * Issue 19: RFC 7523 private_key_jwt and client_secret_jwt at the reference IdP. oidc-provider does the protocol work
 * (RFC 7523 §3: iss, sub, aud, exp, jti replay, the signature against the client's registered JWKS or the MAC with its
 * secret, an alg allow-list); this module registers the private_key_jwt test client whose public key the reference
 * knows (fixtures/reference/stack.json privateKeyJwtClient, a TEST FIXTURE key; the client_secret_jwt client is an
 * ordinary fixture client, clients.ts), and holds the faults that break those checks for either client.
 *
 * Most faults stand for an IdP whose own assertion check is lax. oidc-provider's check cannot be relaxed piecewise, so
 * such a fault checks the assertion itself, lax in its one way, before oidc-provider sees it; an assertion that passes
 * only thanks to the laxity is re-signed with a "bridge" key that only this process holds and that the client's JWKS
 * carries while such a fault is on (a client_secret_jwt assertion is re-MACed with the client's own secret instead).
 * oidc-provider then sees a valid assertion (same iss, sub and jti, so its replay
 * check still applies) and issues the token the lax IdP would have issued.
 */
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
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

/**
 * The lax faults of each JWT client authentication method, by the check they relax; while one is on, that method's
 * assertions are checked here first. private_key_jwt's registers the bridge key too.
 */
const LAX_FAULTS = {
  private_key_jwt: { wrongAud: 'accept-assertion-wrong-aud', expired: 'accept-expired-assertion', unsigned: 'accept-unsigned-assertion', signature: ['accept-hs256-public-key-assertion', 'accept-assertion-any-key'], missingJti: undefined },
  // Issue 19: client_secret_jwt (the client's secret is the HMAC key, OpenID Connect Core §9)
  client_secret_jwt: { wrongAud: 'secret-jwt-accept-wrong-aud', expired: 'secret-jwt-accept-expired', unsigned: 'secret-jwt-accept-unsigned', signature: ['secret-jwt-accept-wrong-secret'], missingJti: 'secret-jwt-accept-missing-jti' },
} as const;
type JwtMethod = keyof typeof LAX_FAULTS;

const laxFaultOf = (method: JwtMethod, faults: IdpFaults): boolean => {
  const f = LAX_FAULTS[method];
  return [f.wrongAud, f.expired, f.unsigned, ...f.signature, f.missingJti].some((name) => name !== undefined && faults.has(name));
};
const laxFaultOn = (faults: IdpFaults): boolean => laxFaultOf('private_key_jwt', faults);

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

/** The iss of an assertion, or undefined when it is no readable JWT. */
const iss = (assertion: string): unknown => {
  try {
    return decodeJwt(assertion).iss;
  } catch {
    return undefined;
  }
};

const b64urlDecode = (value: string): Buffer => Buffer.from(value, 'base64url');

const macMatches = (alg: string, key: string | Buffer, signingInput: string, signature: string): boolean => {
  const mac = createHmac(`sha${alg.slice(2)}`, key).update(signingInput).digest();
  const given = b64urlDecode(signature);
  return given.length === mac.length && timingSafeEqual(given, mac);
};

/**
 * RFC 7523 §3 item 9 for one method: 'valid' (a correct signature or MAC), 'lax' (passes only thanks to an active
 * fault), or 'refused' (left for oidc-provider to refuse).
 */
async function signatureCheck(method: JwtMethod, assertion: string, alg: string, fixtures: ReferenceFixtures, faults: IdpFaults): Promise<'valid' | 'lax' | 'refused'> {
  const f = LAX_FAULTS[method];
  if (alg === 'none') return faults.has(f.unsigned) ? 'lax' : 'refused';
  const [header = '', payload = '', signature = ''] = assertion.split('.');
  if (method === 'client_secret_jwt') {
    // OpenID Connect Core §9: the MAC keyed with the client's secret (the fault: any MAC of an HS alg).
    if (!/^HS(256|384|512)$/.test(alg)) return 'refused';
    if (macMatches(alg, fixtures.clients.secretJwt!.clientSecret, `${header}.${payload}`, signature)) return 'valid';
    return faults.has('secret-jwt-accept-wrong-secret') ? 'lax' : 'refused';
  }
  // private_key_jwt: a signature by the registered key (the lax faults: an HMAC keyed with the public key's PEM, or any
  // signature at all of an allowed alg).
  const publicJwk = publicJwkOf(fixtures.privateKeyJwtClient!.privateJwk);
  if (/^HS(256|384|512)$/.test(alg)) {
    if (!faults.has('accept-hs256-public-key-assertion')) return 'refused';
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    return macMatches(alg, pem, `${header}.${payload}`, signature) ? 'lax' : 'refused';
  }
  if (!/^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/.test(alg)) return 'refused';
  try {
    await compactVerify(assertion, await importJWK(publicJwk as never, alg));
    return 'valid';
  } catch {
    return faults.has('accept-assertion-any-key') ? 'lax' : 'refused';
  }
}

/**
 * The lax faults: when the form's client assertion is a fixture client's (private_key_jwt or client_secret_jwt) and
 * passes only because of an active fault's laxity, it is replaced (in `form`) by the same claims signed the way
 * oidc-provider accepts: with the bridge key (private_key_jwt), or MACed with the client's own secret
 * (client_secret_jwt). Returns whether it was. An assertion that passes the strict check, or fails even the lax one,
 * is left for oidc-provider to judge.
 */
export async function laxAssertionCheck(form: URLSearchParams | undefined, context: { issuer: string; host: string | undefined; fixtures: ReferenceFixtures; faults: IdpFaults }): Promise<boolean> {
  const { fixtures, faults } = context;
  const assertion = form?.get('client_assertion');
  if (!assertion) return false;
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    payload = decodeJwt(assertion) as Record<string, unknown>;
  } catch {
    return false;
  }
  const method: JwtMethod | undefined =
    fixtures.privateKeyJwtClient && payload.iss === fixtures.privateKeyJwtClient.clientId ? 'private_key_jwt' : fixtures.clients.secretJwt && payload.iss === fixtures.clients.secretJwt.clientId ? 'client_secret_jwt' : undefined;
  if (!method || payload.sub !== payload.iss || !laxFaultOf(method, faults)) return false;
  const f = LAX_FAULTS[method];
  let laxity = false;

  // OpenID Connect Core §9: jti REQUIRED (oidc-provider refuses an assertion without one); the fault makes one up.
  let jti = payload.jti;
  if (typeof jti !== 'string') {
    if (f.missingJti === undefined || !faults.has(f.missingJti)) return false;
    laxity = true;
    jti = `reference-lax-${randomBytes(8).toString('hex')}`;
  }
  const signature = await signatureCheck(method, assertion, typeof header.alg === 'string' ? header.alg : '', fixtures, faults);
  if (signature === 'refused') return false;
  if (signature === 'lax') laxity = true;

  // RFC 7523 §3 item 3: aud names this server (its issuer, or its token endpoint).
  const own = [context.issuer, `${context.issuer.replace(/\/+$/, '')}/token`, ...(context.host ? [`http://${context.host}/token`] : [])];
  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!auds.some((a) => typeof a === 'string' && own.includes(a))) {
    if (!faults.has(f.wrongAud)) return false;
    laxity = true;
  }
  // RFC 7523 §3 item 4: exp has not passed (15 s of skew, oidc-provider's default).
  const now = Math.floor(Date.now() / 1000);
  let exp = typeof payload.exp === 'number' ? payload.exp : undefined;
  if (exp === undefined) return false;
  if (exp < now - 15) {
    if (!faults.has(f.expired)) return false;
    laxity = true;
    exp = now + 60;
  }
  if (!laxity) return false;

  const claims = new TextEncoder().encode(JSON.stringify({ ...payload, aud: context.issuer, exp, jti }));
  if (method === 'client_secret_jwt') {
    form!.set('client_assertion', await new CompactSign(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(fixtures.clients.secretJwt!.clientSecret)));
    return true;
  }
  const key = bridgeKey();
  form!.set('client_assertion', await new CompactSign(claims).setProtectedHeader({ alg: 'ES256', kid: key.publicJwk.kid as string }).sign(key.privateKey));
  return true;
}

/**
 * The switches inside oidc-provider: used jti values forgotten, refused assertions answered with another code (faults),
 * and the issuer as the only accepted aud (a variation).
 */
export function injectAssertionFaults(provider: Provider, faults: IdpFaults, fixtures: ReferenceFixtures): void {
  if (faults.has('accept-replayed-assertion')) {
    // RFC 7523 §3 item 7: the server MAY keep used jti values; oidc-provider does (REQ-PKJWT-04). The fault forgets them.
    (provider as unknown as { ReplayDetection: { unique: () => Promise<boolean> } }).ReplayDetection.unique = async () => true;
  }
  const secretJwtId = fixtures.clients.secretJwt?.clientId;
  if (faults.has('secret-jwt-accept-replay') && secretJwtId) {
    // The same for the client_secret_jwt client only (REQ-CSJWT-05): its used jti values are forgotten.
    const detection = (provider as unknown as { ReplayDetection: { unique: (iss: string, ...rest: unknown[]) => Promise<boolean> } }).ReplayDetection;
    const unique = detection.unique.bind(detection);
    detection.unique = async (iss: string, ...rest: unknown[]) => iss === secretJwtId || (await unique(iss, ...rest));
  }
  if (faults.has('assertion-aud-issuer-only')) {
    // Variation assertion-aud-issuer-only: only the issuer identifier is an accepted aud (RFC 7523 §3 item 3 lets the
    // token endpoint URL be used, it does not make the server take it).
    const context = (provider as unknown as { OIDCContext: { prototype: { clientJwtAuthExpectedAudience: () => Set<string> } } }).OIDCContext;
    context.prototype.clientJwtAuthExpectedAudience = function (this: { issuer: string }) {
      return new Set([this.issuer]);
    };
  }
  const pkjwt = faults.has('assertion-refusal-invalid-grant');
  const secretJwt = faults.has('secret-jwt-refusal-invalid-grant');
  if (!pkjwt && !secretJwt) return;
  provider.use(async (ctx: OidcContext, next: () => Promise<void>) => {
    await next();
    // RFC 7523 §3.2: a client JWT that is not valid is invalid_client (REQ-PKJWT-08, REQ-CSJWT-08); the faults say
    // invalid_grant, each for its method's assertions (told apart by the assertion's alg: HS* is client_secret_jwt's).
    const body = typeof ctx.body === 'object' && ctx.body !== null ? (ctx.body as Record<string, unknown>) : undefined;
    const assertion = ctx.oidc?.params?.client_assertion;
    const secretMethod = typeof assertion === 'string' && iss(assertion) === secretJwtId;
    if (ctx.path === '/token' && body?.error === 'invalid_client' && assertion && (secretMethod ? secretJwt : pkjwt)) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_grant', error_description: 'the client assertion is not valid' };
      ctx.res.removeHeader('www-authenticate');
    }
  });
}
