/**
 * The reference IdP: one HTTP server on which a plain front handler does what the seeds add in front of
 * oidc-provider — IP blocking and rate limiting of the token endpoint (seed 001) and rate limiting of the other
 * OAuth endpoints (authorization, JWKS, discovery: seed 001's "the OAuth2.0 endpoints"), request hygiene the RFC asks
 * for (POST only, no credentials in the URI, bounded bodies), the human login page, the test control plane — and
 * hands everything else to oidc-provider (provider.ts).
 *
 *   POST /token                         client_credentials (Basic or form body), password (ctk-web), authorization_code
 *   GET  /jwks                          public signing keys (kid, use sig, alg RS256)
 *   GET  /.well-known/openid-configuration and /.well-known/oauth-authorization-server (same document, RFC 8414)
 *   GET  /auth                          authorization code + PKCE S256 (web clients), then /interaction/{uid} login
 *   /admin/*                            test control plane (admin.ts)
 *   POST /self-service/clients/{id}/rotate-secret   seed 002's self-service rotation, the owner only (self-service.ts)
 */
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import type { OidcContext, Provider } from 'oidc-provider';
import type { ReferenceFixtures } from '../fixtures.ts';
import { listen } from '../server-process.ts';
import { handleAdmin } from './admin.ts';
import { handleSelfServiceRotation, selfServicePattern } from './self-service.ts';
import { ATTEMPTS, basicCredentials, clientIp, tokenAttemptOf, type TokenAttempt } from './attempts.ts';
import { bindRedirectUriToCode, returnStateUnchanged } from './login-faults.ts';
import { AuditLog } from './audit.ts';
import { ClientRegistry } from './clients.ts';
import type { IdpFaults } from './faults.ts';
import { MAX_TOKEN_BODY_BYTES, readBody, sendJson } from './http.ts';
import { IpBlocker } from './ip-block.ts';
import { SigningKeys } from './keys.ts';
import { handleInteraction } from './login.ts';
import { buildProvider, newCookieKeys, type ProviderState } from './provider.ts';
import { buildForeignProvider, isUnder, mountedAt } from './foreign-issuer.ts';
import { foreignIssuerOf, withFixtureFaults } from '../fixtures.ts';
import { TokenRateLimit } from './rate-limit.ts';
import { limitedEndpointOf, OAuthEndpointLimits } from './endpoint-rate-limit.ts';
import { basicWithoutFormDecoding, dropCodeFromRedirect, hashVerifierTwice } from './token-faults.ts';
import { bodyClientIdWinsOverBasic, servedWithoutSecret } from './cross-client-faults.ts';
import { fillInMissingSecret } from './missing-secret-faults.ts';
import { ProviderStore } from './store.ts';
import { acceptPlainChallenge, dropIssFromAuthorizationResponse, redeemForCodeOwner } from './authorization-faults.ts';
import { laxAssertionCheck } from './jwt-client-auth.ts';
import { createMainServer, createPlainTwin, type MainListenerTls } from '../https.ts';
import { startMtlsListener, type IdpMtls } from './mtls.ts';

export interface IdpOptions {
  readonly fixtures: ReferenceFixtures;
  readonly faults?: ReadonlySet<string>;
  readonly host?: string;
  /** 0 = ephemeral. */
  readonly port?: number;
  /** Issuer identifier; default http://host:port of the listening server. */
  readonly issuer?: string;
  /** Variation https-reference: serve https with this certificate, and a plain-http twin that redirects (reference/https.ts). */
  readonly tls?: MainListenerTls;
}

export interface RunningIdp {
  readonly server: Server;
  readonly url: string;
  /** The plain-http twin of an https IdP. */
  readonly plainUrl?: string;
  readonly issuer: string;
  /** Issue 19: the https listener that asks for client certificates (RFC 8705), when the environment configures one. */
  readonly mtlsUrl?: string;
  close(): Promise<void>;
}

/** Credentials that RFC 6749 §2.3.1 / §3.2 forbid in the request URI. */
/** How late fault audit-logs-secrets-late writes an entry: well within the 3 s the kit waits for a lagging log. */
const AUDIT_LAG_FAULT_MS = 1_000;

const URI_CREDENTIAL_PARAMS = ['client_secret', 'password', 'client_assertion'];

export async function createIdp(options: IdpOptions): Promise<RunningIdp> {
  const faults: IdpFaults = options.faults ?? new Set<string>();
  const fixtures = withFixtureFaults(options.fixtures, faults); // fault customer-id-is-client-id
  const keys = await SigningKeys.create();
  const clients = new ClientRegistry(fixtures);
  const audit = new AuditLog();
  // Fault rate-limit-below-documented: 20 per second instead of the documented limit (REQ-RL-01).
  // Fault global-rate-limit: one counter for every IP (REQ-RL-07). Fault rate-limit-never-resets: a limited IP stays
  // limited for 20 s, whatever its Retry-After said (REQ-RL-08).
  // Fault rate-limit-above-documented: 80 per second instead (REQ-RL-14).
  const tokenLimit = faults.has('rate-limit-below-documented') ? 20 : faults.has('rate-limit-above-documented') ? 80 : fixtures.limits.tokenRequestsPerSecond;
  const rateLimit = new TokenRateLimit(tokenLimit, {
    oneCounterForEveryIp: faults.has('global-rate-limit'),
    holdLimitedMs: faults.has('rate-limit-never-resets') ? 20_000 : 0,
    slidingWindow: faults.has('sliding-window-rate-limit'),
  });
  // Seed 001: "the OAuth2.0 endpoints are protected with rate-limiting": the authorization endpoint, the JWKS and the
  // discovery document too, at the same per-IP limit (endpoint-rate-limit.ts; REQ-RL-09 to -13).
  const endpointLimits = new OAuthEndpointLimits(fixtures.limits.tokenRequestsPerSecond, faults, rateLimit);
  const blocker = new IpBlocker({
    ...fixtures.limits.ipBlock,
    neverUnblock: faults.has('never-unblock'),
    blockEveryIp: faults.has('block-every-ip'),
    liftEarly: faults.has('ip-block-lifted-early'),
  });
  const cookieKeys = newCookieKeys();
  const store = new ProviderStore();

  /** One authentication attempt ended: audit it (seed 004) and count it for the IP block (seed 001). */
  const recordAttempt = (req: IncomingMessage, attempt: TokenAttempt & { kind?: string }, status: number, reason?: string, subject?: string, countedForBlock = true) => {
    const ip = clientIp(req);
    const ok = status >= 200 && status < 400;
    // Faults audit-misses-successes / audit-misses-failures: one kind of attempt goes unrecorded;
    // login-attempts-not-audited: the login page's attempts do (seed 004: "A user logs on"), the IP block still counts them.
    const audited = ok ? !faults.has('audit-misses-successes') : !faults.has('audit-misses-failures');
    if (audited && !(attempt.kind === 'login' && faults.has('login-attempts-not-audited'))) {
      // Fault audit-logs-secrets-late: the entry (with the secret) reaches the log a second late, stamped with the time of the attempt.
      const late = faults.has('audit-logs-secrets-late');
      const at = new Date();
      const write = (entry: Parameters<typeof audit.record>[0]) => (late ? setTimeout(() => audit.record(entry, at), AUDIT_LAG_FAULT_MS).unref() : audit.record(entry, at));
      write({
        kind: attempt.kind ?? attempt.grantType ?? 'unknown',
        clientId: attempt.clientId,
        username: attempt.username,
        subject,
        sourceIp: ip,
        outcome: ok ? 'success' : 'failure',
        reason,
        status: status > 0 ? status : undefined,
        // Fault audit-logs-secrets: the one place a secret would ever be written down.
        secret: faults.has('audit-logs-secrets') || late ? attempt.presentedSecret : undefined,
      });
    }
    if (!countedForBlock) return;
    if (ok) blocker.recordSuccess(ip);
    else if (isFailedLogin(attempt, reason) && !faults.has('no-ip-block')) blocker.recordFailure(ip);
  };

  /** Called by the token endpoint middleware just before oidc-provider's answer is sent. */
  const onTokenOutcome = (ctx: OidcContext, countedForBlock = true) => {
    const attempt = ATTEMPTS.get(ctx.req) ?? {};
    const body = typeof ctx.body === 'object' && ctx.body !== null ? (ctx.body as Record<string, unknown>) : {};
    recordAttempt(ctx.req, attempt, ctx.status, typeof body.error === 'string' ? body.error : undefined, subjectOf(body.access_token), countedForBlock);
  };

  let issuer = options.issuer ?? '';
  let mtls: IdpMtls | undefined;
  let provider: Provider | undefined;
  let providerCallback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  // The second issuer (foreign-issuer.ts): rebuilt with the first, since it signs with the same (rotating) keys.
  let foreignCallback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const foreignStore = new ProviderStore();
  const rebuildProvider = () => {
    const state: ProviderState = { issuer, fixtures, clients, keys, faults, cookieKeys, store, onTokenOutcome, ...(mtls ? { mtls } : {}) };
    provider = buildProvider(state);
    providerCallback = provider.callback();
    const foreign = fixtures.foreignIssuer;
    if (foreign) foreignCallback = mountedAt(foreign.path, buildForeignProvider(foreignIssuerOf(issuer, foreign.path), foreign, fixtures.audience, keys, foreignStore).callback());
  };

  /**
   * Seed 001: a blocked IP "will start seeing connection errors, ssl/tls handshake errors or something similar": its
   * connection is dropped without an HTTP answer (variation blocked-ip-answers-403: an HTTP 403 instead).
   */
  const turnAwayBlocked = (req: IncomingMessage, res: ServerResponse): void => {
    if (faults.has('blocked-ip-answers-403')) return sendJson(res, 403, { error: 'access_denied', error_description: 'this IP is temporarily blocked' });
    req.socket.destroy();
  };

  const tokenEndpoint = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const ip = clientIp(req);
    if (blocker.isBlocked(ip)) {
      recordAttempt(req, { clientId: basicCredentials(req.headers.authorization)?.clientId, kind: 'blocked' }, 0, 'ip_blocked');
      return turnAwayBlocked(req, res);
    }
    // Seed 001: at most limits.tokenRequestsPerSecond requests per second per IP, then 429 (rate-limit.ts).
    const rate = faults.has('no-rate-limit') ? ({ allowed: true } as const) : await rateLimit.check(ip);
    if (!rate.allowed) {
      recordAttempt(req, { clientId: basicCredentials(req.headers.authorization)?.clientId, kind: 'rate_limited' }, 429, 'rate_limited');
      const retryAfter: Record<string, string> = faults.has('rate-limit-without-retry-after') ? {} : { 'retry-after': retryAfterValue(rate.retryAfterSeconds, faults.has('retry-after-http-date')) };
      return sendJson(res, 429, { error: 'too_many_requests', error_description: `more than ${fixtures.limits.tokenRequestsPerSecond} token requests per second from this IP` }, retryAfter);
    }
    // Fault token-for-get-request: a GET with its parameters in the query string is served like a POST.
    if (req.method === 'GET' && faults.has('token-for-get-request')) {
      const form = url.searchParams;
      const body = Buffer.from(form.toString());
      await readBody(req, MAX_TOKEN_BODY_BYTES); // the (empty) GET body, so that oidc-provider takes req.body
      ATTEMPTS.set(req, tokenAttemptOf(req, form));
      Object.assign(req, { method: 'POST', url: url.pathname, body });
      Object.assign(req.headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) });
      return providerCallback!(req, res);
    }
    // RFC 6749 §3.2: the client MUST use POST (REQ-TOK-13).
    if (req.method !== 'POST') {
      recordAttempt(req, { kind: 'invalid_method' }, 405, 'invalid_request');
      return sendJson(res, 405, { error: 'invalid_request', error_description: 'the token endpoint accepts POST only' }, { allow: 'POST' });
    }
    // RFC 6749 §2.3.1: credentials MUST NOT be in the request URI (REQ-TOK-13).
    if (URI_CREDENTIAL_PARAMS.some((p) => url.searchParams.has(p))) {
      recordAttempt(req, { clientId: url.searchParams.get('client_id') ?? undefined, kind: 'credentials_in_uri' }, 400, 'invalid_request');
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'credentials must not be sent in the request URI' });
    }
    // REQ-TOK-14: bounded body, 413 beyond it (never a 5xx, never a hang).
    const body = await readBody(req, MAX_TOKEN_BODY_BYTES);
    if (!body.ok) {
      recordAttempt(req, { kind: 'oversized' }, 413, 'invalid_request');
      if (!res.destroyed) sendJson(res, 413, { error: 'invalid_request', error_description: `the request body exceeds ${MAX_TOKEN_BODY_BYTES} bytes` }, { connection: 'close' });
      return;
    }
    const isForm = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
    const form = isForm ? new URLSearchParams(body.body.toString('utf8')) : undefined;
    ATTEMPTS.set(req, tokenAttemptOf(req, form));
    let forwarded = body.body;
    // Fault accept-duplicate-parameters: RFC 6749 §3.2 / §5.2, a repeated parameter is invalid_request (oidc-provider
    // refuses it, REQ-TOK-23); read into a plain object, the last value of each wins and the repetition is gone.
    if (faults.has('accept-duplicate-parameters') && form && new Set(form.keys()).size < [...form.keys()].length) {
      forwarded = Buffer.from(new URLSearchParams(Object.fromEntries(form)).toString());
    }
    // Fault missing-grant-type-defaults: RFC 6749 §4.4.2 makes grant_type REQUIRED (REQ-TOK-10); a form without
    // one is read as client_credentials instead of being refused with invalid_request.
    if (faults.has('missing-grant-type-defaults') && form && !form.has('grant_type')) {
      form.set('grant_type', 'client_credentials');
      forwarded = Buffer.from(form.toString());
    }
    // Fault unauthenticated-request-gets-token: RFC 6749 §4.4.2 / §3.2.1 require client authentication (REQ-CAUTH-07);
    // a client_credentials request that carries none at all is served as the system client. A client assertion
    // (RFC 7521 §4.2, client_id optional) is client authentication: left alone (it failed REQ-PKJWT-01 and
    // REQ-CSJWT-01 with a 400 for two methods at once when this filled in the system client's secret beside it).
    if (faults.has('unauthenticated-request-gets-token') && form?.get('grant_type') === 'client_credentials' && !req.headers.authorization && !form.has('client_id') && !form.has('client_secret') && !form.has('client_assertion')) {
      const clientId = fixtures.clients.system!.clientId;
      form.set('client_id', clientId);
      form.set('client_secret', clients.secretOf(clientId) ?? '');
      forwarded = Buffer.from(form.toString());
    }
    // Faults secret-checked-only-when-sent, basic-empty-password-accepted (missing-secret-faults.ts): a confidential
    // client's id with no or an empty secret is no client authentication (RFC 6749 §3.2, §3.2.1; REQ-CAUTH-07).
    if (fillInMissingSecret(req, form, (id) => clients.secretOf(id), faults)) forwarded = Buffer.from(form!.toString());
    // Fault accept-wrong-secret-in-form-body (one-cause-one-finding area): RFC 6749 §5.2, a wrong secret is
    // invalid_client (REQ-CAUTH-04); here only credentials in the form body go unchecked, HTTP Basic is still checked.
    // A secret must still be sent (client_secret= is none, RFC 6749 §3.2): an empty one is REQ-CAUTH-07's case, broken
    // by secret-checked-only-when-sent, so this fault stays one finding.
    // Fault form-secret-never-checked: the same, and client_secret= (an empty one) is accepted too, so REQ-CAUTH-07's
    // empty-secret request shows the cause, and REQ-CAUTH-04's wrong secret is that finding again (unchecked-credentials.ts).
    const formSecretUnchecked = faults.has('form-secret-never-checked') ? form?.has('client_secret') : form?.get('client_secret');
    if ((faults.has('accept-wrong-secret-in-form-body') || faults.has('form-secret-never-checked')) && form && !req.headers.authorization && formSecretUnchecked) {
      const known = clients.secretOf(form.get('client_id') ?? '');
      if (known !== undefined) {
        form.set('client_secret', known);
        forwarded = Buffer.from(form.toString());
      }
    }
    // Fault two-auth-methods-accepted: RFC 6749 §2.3 / §5.2, a request with HTTP Basic AND credentials in the body is
    // invalid_request (oidc-provider refuses it, REQ-CAUTH-06); the body's credentials are dropped and Basic serves it.
    if (faults.has('two-auth-methods-accepted') && form && req.headers.authorization && form.has('client_secret')) {
      form.delete('client_id');
      form.delete('client_secret');
      forwarded = Buffer.from(form.toString());
    }
    // Fault body-client-id-wins-over-basic (cross-client-faults.ts): RFC 6749 §4.4.2, the token goes to the client that
    // authenticated (REQ-CAUTH-12); here a valid Basic secret buys a token of the client the form body names.
    bodyClientIdWinsOverBasic(req, form, (id) => clients.secretOf(id), faults);
    if (servedWithoutSecret(req, form, (id) => clients.secretOf(id), faults)) forwarded = Buffer.from(form!.toString());
    // Fault ignore-basic-auth: a client that authenticates with HTTP Basic only is not authenticated at all.
    if (faults.has('ignore-basic-auth') && req.headers.authorization && !form?.has('client_secret')) delete req.headers.authorization;
    // Fault ignore-body-credentials: a client that authenticates with its credentials in the body only is not
    // authenticated at all (seed 001 documents the body as a way to send them).
    if (faults.has('ignore-body-credentials') && !req.headers.authorization && form?.has('client_secret')) {
      form.delete('client_secret');
      forwarded = Buffer.from(form.toString());
    }
    // Fault basic-not-form-decoded (token-faults.ts): Basic credentials are compared as sent.
    const authorization = basicWithoutFormDecoding(req.headers.authorization, faults);
    if (authorization !== undefined) req.headers.authorization = authorization;
    // Fault pkce-verifier-refused (token-faults.ts): even the right code_verifier does not match.
    if (hashVerifierTwice(form, faults)) forwarded = Buffer.from(form!.toString());
    // Fault pkce-not-checked: the code_verifier never reaches oidc-provider (the challenge was dropped at /auth).
    if (faults.has('pkce-not-checked') && form?.has('code_verifier')) {
      form.delete('code_verifier');
      forwarded = Buffer.from(form.toString());
    }
    forwarded = await bindRedirectUriToCode(provider!, form, forwarded); // fault redirect-uri-not-checked (login-faults.ts)
    forwarded = await redeemForCodeOwner(provider!, clients, faults, req, form, forwarded); // fault code-not-bound-to-client (authorization-faults.ts)
    // Issue 19: the lax private_key_jwt faults check a client assertion before oidc-provider does (jwt-client-auth.ts).
    if (await laxAssertionCheck(form, { issuer, host: req.headers.host, fixtures, faults })) forwarded = Buffer.from(form!.toString());
    // oidc-provider reads an already-read body from req.body (its documented fallback for upstream parsers).
    Object.assign(req, { body: forwarded });
    providerCallback!(req, res);
  };

  /** Seed 002: one rotation for the control plane and the self-service interface alike. */
  const rotateSecret = async (clientId: string, requested?: string): Promise<string> => {
    const secret = clients.rotateSecret(clientId, requested);
    // Fault secret-rotation-revokes-tokens: the rotation also replaces the signing key and drops the old one,
    // so every token issued before it stops verifying (seed 002 rotates a secret, not the tokens it got).
    if (faults.has('secret-rotation-revokes-tokens') && requested === undefined) await keys.rotate(false);
    rebuildProvider();
    // Fault rotation-returns-wrong-secret: the customer is shown a secret other than the stored one.
    if (faults.has('rotation-returns-wrong-secret') && requested === undefined) return randomBytes(24).toString('base64url');
    return secret;
  };
  const selfService = selfServicePattern(fixtures);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://idp.invalid');
    const path = url.pathname;
    const selfServiceMatch = selfService?.exec(path);
    if (selfServiceMatch) {
      return handleSelfServiceRotation(req, res, decodeURIComponent(selfServiceMatch[1]!), { fixtures, faults, keys, issuer: () => issuer, rotateSecret: (clientId) => rotateSecret(clientId) });
    }
    if (fixtures.foreignIssuer && foreignCallback && isUnder(fixtures.foreignIssuer.path, path)) return foreignCallback(req, res);
    if (path === '/token') return tokenEndpoint(req, res, url);
    if (path.startsWith('/admin/')) {
      return handleAdmin(req, res, path, {
        adminToken: fixtures.adminToken,
        audit,
        clients,
        keys,
        rotateKey: async () => {
          // Fault key-rotation-keeps-old-kid: the new key is published, but the old one keeps signing.
          const key = await keys.rotate(!faults.has('key-rotation-drops-old-key'), !faults.has('key-rotation-keeps-old-kid'));
          rebuildProvider();
          return key;
        },
        rotateSecret,
        reset: () => {
          rateLimit.reset();
          endpointLimits.reset();
          blocker.reset();
        },
      });
    }
    if (path.startsWith('/interaction/')) {
      // Seed 001 / issue 7: the login page is a login endpoint too: blocked IPs are dropped there as well.
      if (blocker.isBlocked(clientIp(req))) return turnAwayBlocked(req, res);
      return handleInteraction(req, res, path, {
        provider: () => provider!,
        users: fixtures.users,
        onLogin: (r, o) => recordAttempt(r, { kind: 'login', clientId: o.clientId, username: o.username }, o.ok ? 200 : 401, o.ok ? undefined : 'invalid_credentials', o.subject),
      });
    }
    // Seed 001: the other OAuth endpoints answer 429 beyond the limit as the token endpoint does (endpoint-rate-limit.ts).
    const endpoint = limitedEndpointOf(path);
    const rate = endpoint ? await endpointLimits.check(endpoint, clientIp(req)) : ({ allowed: true } as const);
    if (!rate.allowed) {
      const retryAfter = { 'retry-after': retryAfterValue(rate.retryAfterSeconds, faults.has('retry-after-http-date')) };
      return sendJson(res, 429, { error: 'too_many_requests', error_description: `more than ${fixtures.limits.tokenRequestsPerSecond} requests per second from this IP` }, retryAfter);
    }
    // Fault pkce-not-checked: the code_challenge is dropped, so no verifier is ever required.
    if (path === '/auth' && faults.has('pkce-not-checked')) {
      url.searchParams.delete('code_challenge');
      url.searchParams.delete('code_challenge_method');
      req.url = `${url.pathname}?${url.searchParams}`;
    }
    if (path.startsWith('/auth')) returnStateUnchanged(res); // fault state-not-returned (login-faults.ts)
    if (path.startsWith('/auth')) dropCodeFromRedirect(res, faults); // fault login-redirect-without-code (token-faults.ts)
    if (path === '/auth') acceptPlainChallenge(req, url, faults); // fault pkce-plain-accepted (authorization-faults.ts)
    if (path.startsWith('/auth')) dropIssFromAuthorizationResponse(res, faults); // fault authorization-response-without-iss
    // RFC 8414 §3: the OAuth metadata document; the same content as OpenID discovery (issuer, endpoints, ...).
    if (path === '/.well-known/oauth-authorization-server') req.url = '/.well-known/openid-configuration';
    providerCallback!(req, res);
  };

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      console.error('idp: unexpected error', error);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      else res.destroy();
    });
  };
  const server = createMainServer(serve, { ...(options.tls ? { tls: options.tls } : {}), faults });
  // Never a hang (REQ-TOK-14): a client that stalls mid-request is cut off.
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;

  const url = await listen(server, { host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  issuer = options.issuer ?? url;
  // Issue 19: the mTLS listener (RFC 8705), on a port of its own, with the same handler (mtls.ts).
  const mtlsListener = await startMtlsListener(server, options.host ?? '127.0.0.1');
  mtls = mtlsListener?.mtls;
  rebuildProvider();
  // RFC 6749 §3.2 (REQ-TLS-07): an https IdP's plain-http twin redirects and reads nothing, unless a fault says otherwise.
  const twin = options.tls ? createPlainTwin(() => url, serve, faults) : undefined;
  const plainUrl = twin ? await listen(twin, { host: options.host ?? '127.0.0.1', port: 0 }) : undefined;
  const closeServer = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });

  return {
    server,
    url,
    ...(plainUrl ? { plainUrl } : {}),
    issuer,
    ...(mtls ? { mtlsUrl: mtls.url } : {}),
    close: async () => {
      await Promise.all([closeServer(server), ...(twin ? [closeServer(twin)] : []), ...(mtlsListener ? [closeServer(mtlsListener.server)] : [])]);
    },
  };
}

/** Failed logins for the IP block (seed 001): wrong client credentials, or a wrong user password. */
function isFailedLogin(attempt: TokenAttempt & { kind?: string }, reason: string | undefined): boolean {
  if (reason === 'invalid_client') return attempt.clientId !== undefined;
  if (reason === 'invalid_grant') return attempt.grantType === 'password';
  return reason === 'invalid_credentials';
}

function subjectOf(accessToken: unknown): string | undefined {
  if (typeof accessToken !== 'string') return undefined;
  try {
    return decodeJwt(accessToken).sub;
  } catch {
    return undefined;
  }
}

/**
 * RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date. The date (variation retry-after-http-date) is
 * rounded up to the next whole second, so it never names a moment before the wait is over.
 */
export function retryAfterValue(seconds: number, asDate: boolean, now = Date.now()): string {
  if (!asDate) return String(seconds);
  return new Date(Math.ceil((now + seconds * 1000) / 1000) * 1000).toUTCString();
}
