/**
 * RFC 7662 introspection and RFC 7009 revocation (issue 19) at the reference IdP. oidc-provider does both for the
 * tokens it stores (opaque ones: fault opaque-access-tokens); it refuses to introspect or revoke its structured JWT
 * access tokens (unsupported_token_type), which is what this IdP issues by default. Real IdPs (Keycloak, Okta,
 * Entra) introspect their JWTs, so this middleware answers for them after oidc-provider has authenticated the
 * client: a JWT its token endpoint issued (the ledger below), not expired and not revoked here, is active. The
 * reference gateway validates JWTs itself and never asks, so a revoked JWT
 * stays usable there until exp (REQ-REVOKE-04: the reference states no bound).
 *
 * Each fault is one branch next to the clause it breaks.
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { OidcContext } from 'oidc-provider';
import type { ProviderState } from './provider.ts';
import type { ProviderStore } from './store.ts';

export const INTROSPECTION_PATH = '/token/introspection';
export const REVOCATION_PATH = '/token/revocation';

/**
 * What this IdP issued, per IdP (across provider rebuilds): the JWT access tokens its token endpoint answered with, as
 * finally sent (after every rewrite of the answer), by SHA-256 of the token: the client it was issued to and its exp.
 * Introspection and revocation look tokens up here, like an IdP with a token store; the signature, iss and jti of a
 * token therefore play no part (faults that spoil them break other requirements).
 */
interface Issued {
  readonly clientId: string | undefined;
  /** The grant it was issued under (an authorization code's), so that revoking the grant revokes it (REQ-AUTHZ-07). */
  readonly grantId?: string;
  readonly exp: number;
  revoked: boolean;
}
const ledgers = new WeakMap<ProviderStore, Map<string, Issued>>();
function ledgerOf(store: ProviderStore): Map<string, Issued> {
  let ledger = ledgers.get(store);
  if (!ledger) ledgers.set(store, (ledger = new Map()));
  return ledger;
}
const fingerprint = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Records a JWT access token the token endpoint answered with (tokens live minutes: entries go an hour after exp). */
function recordIssued(store: ProviderStore, token: string, clientId: string | undefined, grantId: string | undefined): void {
  const ledger = ledgerOf(store);
  const now = Date.now() / 1000;
  for (const [key, entry] of ledger) if (entry.exp + 3600 < now) ledger.delete(key);
  const exp = Number(unreadClaims(token)?.exp ?? now + 3600);
  ledger.set(fingerprint(token), { clientId, ...(grantId ? { grantId } : {}), exp, revoked: false });
}

/**
 * oidc-provider's 'grant.revoked' listener: a code presented a second time makes it revoke the code's grant (RFC 6749
 * §4.1.2: SHOULD revoke all tokens previously issued based on that code), which reaches the tokens it stores but not
 * the JWT access tokens it never stores: those are marked revoked here. Fault code-reuse-keeps-tokens skips that for
 * a reused code, so the first redemption's token stays active (REQ-AUTHZ-07).
 */
export function revokeTokensOfGrant(state: Pick<ProviderState, 'store' | 'faults'>) {
  return (ctx: OidcContext | undefined, grantId: string): void => {
    if (state.faults.has('code-reuse-keeps-tokens') && ctx?.oidc?.params?.grant_type === 'authorization_code') return;
    for (const entry of ledgerOf(state.store).values()) if (entry.grantId === grantId) entry.revoked = true;
  };
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];
const publicJwk = (jwk: JWK): JWK => Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.includes(k))) as JWK;
const looksLikeJwt = (token: string): boolean => token.split('.').length === 3;

/** The clients that may introspect: all but the one the reference names as not allowed (RFC 7662 §4, REQ-INTRO-08). */
export function mayIntrospect(state: Pick<ProviderState, 'fixtures' | 'faults'>, clientId: string): boolean {
  if (state.faults.has('introspection-for-any-client')) return true;
  return clientId !== state.fixtures.clients.readOnly?.clientId;
}

/** Fault introspection-trusts-foreign-tokens: a token its keys verify, whatever its iss (REQ-INTRO-04). */
async function verifiedByOwnKeys(state: ProviderState, token: string): Promise<JWTPayload | undefined> {
  try {
    return (await jwtVerify(token, createLocalJWKSet({ keys: state.keys.all.map((k) => publicJwk(k.privateJwk)) }))).payload;
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

/** The introspection answer for a JWT access token (RFC 7662 §2.2): one this IdP issued, not expired, not revoked. */
async function introspectJwt(state: ProviderState, token: string, callerId: string | undefined): Promise<Record<string, unknown>> {
  const issued = ledgerOf(state.store).get(fingerprint(token));
  const claims = issued ? unreadClaims(token) : state.faults.has('introspection-trusts-foreign-tokens') ? await verifiedByOwnKeys(state, token) : undefined;
  // Fault introspection-expired-active: exp is not looked at (REQ-INTRO-03).
  const expired = Number(claims?.exp ?? 0) <= Date.now() / 1000 && !state.faults.has('introspection-expired-active');
  if (!claims || expired || issued?.revoked || (callerId !== undefined && !mayIntrospect(state, callerId))) return { active: false };
  const { iss, sub, aud, exp, iat, jti, scope, nbf, cnf } = claims;
  // RFC 9449 §6.2: a DPoP-bound token's binding is conveyed as cnf (jkt), and its token_type is DPoP.
  const dpopBound = typeof (cnf as { jkt?: unknown } | undefined)?.jkt === 'string';
  return { active: true, iss, sub, aud, exp, iat, nbf, jti, client_id: issued?.clientId ?? claims.client_id, scope, ...(cnf !== undefined ? { cnf } : {}), token_type: dpopBound ? 'DPoP' : 'Bearer' };
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
  // RFC 9449 §6.2 faults, for DPoP-bound tokens (cnf.jkt in the answer): introspection-omits-dpop-binding leaves
  // the binding out (REQ-DPOP-11); introspection-dpop-token-type-bearer calls the token a Bearer token (REQ-DPOP-12).
  if (body.active === true && typeof (body.cnf as { jkt?: unknown } | undefined)?.jkt === 'string') {
    if (faults.has('introspection-omits-dpop-binding')) {
      const { cnf: _cnf, ...rest } = body;
      return rest;
    }
    if (faults.has('introspection-dpop-token-type-bearer')) return { ...body, token_type: 'Bearer' };
  }
  return body;
}

/** Koa middleware of the reference provider: the two endpoints' JWT handling and their faults. */
export function tokenStateEndpoints(state: ProviderState) {
  const { faults } = state;
  return async (ctx: OidcContext, next: () => Promise<void>): Promise<void> => {
    if (ctx.path === '/token') {
      await next();
      const body = ctx.body as { access_token?: unknown } | undefined;
      if (ctx.status >= 200 && ctx.status < 300 && typeof body?.access_token === 'string' && looksLikeJwt(body.access_token)) {
        const grant = ctx.oidc?.entities?.Grant as { jti?: string } | undefined;
        recordIssued(state.store, body.access_token, ctx.oidc?.client?.clientId, grant?.jti);
      }
      return;
    }
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
          const issued = ledgerOf(state.store).get(fingerprint(token));
          if (issued) issued.revoked = true;
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
      // An opaque client-credentials token has no account: oidc-provider states no sub. Its subject is the client, as
      // in the JWT format (RFC 9068 §2.2; seed 003: sub == client_id), so the answer says so.
      const answer = ctx.body as Record<string, unknown>;
      if (ctx.status === 200 && answer.active === true && answer.sub === undefined && ctx.oidc?.entities?.ClientCredentials) ctx.body = { ...answer, sub: answer.client_id };
      if (ctx.status === 200 && client) ctx.body = spoilIntrospection(state, ctx.body as Record<string, unknown>, token);
      return;
    }

    // Revocation (RFC 7009 §2.1): a JWT of the calling client is revoked; one of another client is refused; anything
    // this issuer did not sign is an invalid token, answered 200 like oidc-provider answers unknown opaque tokens.
    let known = ctx.oidc?.entities?.AccessToken !== undefined || ctx.oidc?.entities?.ClientCredentials !== undefined;
    if (jwtRefused) {
      const issued = ledgerOf(state.store).get(fingerprint(token));
      if (issued && issued.clientId !== client.clientId) {
        ctx.status = 400;
        ctx.body = { error: 'unauthorized_client', error_description: 'the token was not issued to this client' };
        return;
      }
      known = issued !== undefined;
      // Fault revocation-ignored: the answer is 200, and the token stays valid (REQ-REVOKE-03).
      if (issued && !faults.has('revocation-ignored')) issued.revoked = true;
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
