/**
 * RFC 7662 introspection and RFC 7009 revocation (issue 19) at the reference IdP. oidc-provider does both for the
 * tokens it stores (opaque ones: fault opaque-access-tokens); it refuses to introspect or revoke its structured JWT
 * access tokens (unsupported_token_type), which is what this IdP issues by default. Real IdPs (Keycloak, Okta,
 * Entra) introspect their JWTs, so this middleware answers for them after oidc-provider has authenticated the
 * client: a JWT this issuer signed, not expired and not revoked here, is active. Revoked JWTs are remembered by jti
 * (per IdP, across provider rebuilds); the reference gateway validates JWTs itself and never asks, so a revoked JWT
 * stays usable there until exp (REQ-REVOKE-04: the reference states no bound).
 *
 * Each fault is one branch next to the clause it breaks.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { OidcContext } from 'oidc-provider';
import type { ProviderState } from './provider.ts';
import type { ProviderStore } from './store.ts';

export const INTROSPECTION_PATH = '/token/introspection';
export const REVOCATION_PATH = '/token/revocation';

/** Revoked JWT access tokens of one IdP: jti -> exp (seconds). */
const revokedByStore = new WeakMap<ProviderStore, Map<string, number>>();
function revokedOf(store: ProviderStore): Map<string, number> {
  let revoked = revokedByStore.get(store);
  if (!revoked) revokedByStore.set(store, (revoked = new Map()));
  const now = Date.now() / 1000;
  for (const [jti, exp] of revoked) if (exp < now) revoked.delete(jti);
  return revoked;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];
const publicJwk = (jwk: JWK): JWK => Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.includes(k))) as JWK;
const looksLikeJwt = (token: string): boolean => token.split('.').length === 3;

/** The clients that may introspect: all but the one the reference names as not allowed (RFC 7662 §4, REQ-INTRO-08). */
export function mayIntrospect(state: Pick<ProviderState, 'fixtures' | 'faults'>, clientId: string): boolean {
  if (state.faults.has('introspection-for-any-client')) return true;
  return clientId !== state.fixtures.clients.readOnly?.clientId;
}

/** A JWT access token this issuer signed, still valid; its claims, or undefined. */
async function verifiedClaims(state: ProviderState, token: string): Promise<JWTPayload | undefined> {
  if (!looksLikeJwt(token)) return undefined;
  const { faults } = state;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: state.keys.all.map((k) => publicJwk(k.privateJwk)) }), {
      // Fault introspection-trusts-foreign-tokens: any token its keys verify is active, whoever issued it (REQ-INTRO-04).
      ...(faults.has('introspection-trusts-foreign-tokens') ? {} : { issuer: state.issuer }),
      // Fault introspection-expired-active: exp is not looked at (REQ-INTRO-03).
      ...(faults.has('introspection-expired-active') ? { clockTolerance: 365 * 24 * 3600 } : {}),
    });
    return payload;
  } catch {
    return undefined;
  }
}

function unreadClaims(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

async function readForm(ctx: OidcContext): Promise<URLSearchParams> {
  const req = ctx.req as OidcContext['req'] & { body?: Buffer | string };
  if (req.body === undefined) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    req.body = Buffer.concat(chunks);
  }
  return new URLSearchParams(req.body.toString());
}

const carriesCredentials = (ctx: OidcContext, form: URLSearchParams): boolean =>
  ctx.headers.authorization !== undefined || form.has('client_id') || form.has('client_secret') || form.has('client_assertion');

/** The introspection answer for a JWT access token of this IdP (RFC 7662 §2.2). */
async function introspectJwt(state: ProviderState, token: string, callerId: string | undefined): Promise<Record<string, unknown>> {
  const claims = await verifiedClaims(state, token);
  const revoked = claims?.jti !== undefined && revokedOf(state.store).has(claims.jti);
  if (!claims || revoked || (callerId !== undefined && !mayIntrospect(state, callerId))) return { active: false };
  const { iss, sub, aud, exp, iat, jti, client_id, scope, nbf } = claims;
  return { active: true, iss, sub, aud, exp, iat, nbf, jti, client_id, scope, token_type: 'Bearer' };
}

/** The faults that spoil whatever answer was computed, the IdP's own or oidc-provider's. */
function spoilIntrospection(state: ProviderState, body: Record<string, unknown>, token: string): Record<string, unknown> {
  const { faults } = state;
  // Fault introspection-never-active: every token is reported inactive (REQ-INTRO-01).
  if (faults.has('introspection-never-active')) return { active: false };
  // Fault introspection-wrong-client-id: an active token is reported as another client's (REQ-INTRO-02).
  if (faults.has('introspection-wrong-client-id') && body.active === true) {
    const other = state.clients.all.find((c) => c.clientId !== body.client_id && c.grantTypes.includes('client_credentials'));
    if (other) return { ...body, client_id: other.clientId };
  }
  // Fault introspection-reveals-inactive: an inactive token's answer tells its claims and why (REQ-INTRO-05).
  if (faults.has('introspection-reveals-inactive') && body.active === false) {
    const claims = unreadClaims(token);
    const expired = typeof claims?.exp === 'number' && claims.exp < Date.now() / 1000;
    return { ...body, ...(claims ? { sub: claims.sub, client_id: claims.client_id, exp: claims.exp } : {}), reason: expired ? 'token expired' : 'token unknown' };
  }
  return body;
}

/** Koa middleware of the reference provider: the two endpoints' JWT handling and their faults. */
export function tokenStateEndpoints(state: ProviderState) {
  const { faults } = state;
  return async (ctx: OidcContext, next: () => Promise<void>): Promise<void> => {
    if (ctx.path !== INTROSPECTION_PATH && ctx.path !== REVOCATION_PATH) return next();
    const introspection = ctx.path === INTROSPECTION_PATH;

    // Faults introspection-without-client-auth / revocation-without-client-auth: a request without any client
    // credentials is served (RFC 7662 §2.1 and RFC 7009 §2.1 require client authentication: REQ-INTRO-06, REQ-REVOKE-05).
    const unauthenticatedServed = introspection ? faults.has('introspection-without-client-auth') : faults.has('revocation-without-client-auth');
    if (unauthenticatedServed && ctx.method === 'POST') {
      const form = await readForm(ctx);
      const token = form.get('token') ?? '';
      if (!carriesCredentials(ctx, form) && looksLikeJwt(token)) {
        if (introspection) {
          ctx.status = 200;
          ctx.body = await introspectJwt(state, token, undefined);
        } else {
          const claims = await verifiedClaims(state, token);
          if (claims?.jti) revokedOf(state.store).set(claims.jti, Number(claims.exp ?? 0));
          ctx.status = 200;
          ctx.body = '';
        }
        return;
      }
    }

    await next();

    const client = ctx.oidc?.client as { clientId: string } | undefined;
    const token: string = typeof ctx.oidc?.params?.token === 'string' ? ctx.oidc.params.token : '';
    const jwtRefused = ctx.status === 400 && (ctx.body as { error?: string } | undefined)?.error === 'unsupported_token_type' && client !== undefined;

    if (introspection) {
      if (jwtRefused) {
        ctx.status = 200;
        ctx.body = await introspectJwt(state, token, client.clientId);
      }
      if (ctx.status === 200 && client) ctx.body = spoilIntrospection(state, ctx.body as Record<string, unknown>, token);
      return;
    }

    // Revocation (RFC 7009 §2.1): a JWT of the calling client is revoked; one of another client is refused; anything
    // this issuer did not sign is an invalid token, answered 200 like oidc-provider answers unknown opaque tokens.
    let known = ctx.oidc?.entities?.AccessToken !== undefined || ctx.oidc?.entities?.ClientCredentials !== undefined;
    if (jwtRefused) {
      const claims = await verifiedClaims(state, token);
      if (claims && claims.client_id !== client.clientId) {
        ctx.status = 400;
        ctx.body = { error: 'unauthorized_client', error_description: 'the token was not issued to this client' };
        return;
      }
      known = claims !== undefined;
      // Fault revocation-ignored: the answer is 200, and the token stays valid (REQ-REVOKE-03).
      if (claims?.jti && !faults.has('revocation-ignored')) revokedOf(state.store).set(claims.jti, Number(claims.exp ?? 0));
      ctx.status = 200;
      ctx.body = '';
    }
    if (ctx.status !== 200 || !client) return;
    // Fault revocation-error-on-unknown-token: an unknown token is answered with an error (REQ-REVOKE-02).
    if (!known && faults.has('revocation-error-on-unknown-token')) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_token', error_description: 'no such token' };
    }
    // Fault revocation-answers-204: a successful revocation is answered 204 No Content (REQ-REVOKE-01).
    if (known && faults.has('revocation-answers-204')) {
      ctx.status = 204;
      ctx.body = null;
    }
  };
}
