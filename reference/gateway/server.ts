/**
 * The reference gateway: an RFC 6750 resource server in front of the component. Per request: route ->
 * body -> bearer credentials (RFC 6750 §2) -> admission (RFC 9068 §4 validation, scope, anonymous fallback)
 * -> forward with the identity header (seed 000) or refuse with a Bearer challenge (RFC 6750 §3).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { createMainServer, type MainListenerTls } from '../https.ts';
import { accessTokenValidator } from './access-token.ts';
import { admit } from './admission.ts';
import { REALM, refuse, sendJson } from './challenge.ts';
import type { GatewayConfig } from './config.ts';
import { GatewayClientLimits } from './client-limits.ts';
import { bearerCredentials, bodyWithoutToken } from './credentials.ts';
import { checkSenderConstraint, DpopNonces, SeenProofs } from './dpop.ts';
import { checkCertificateBinding } from './mtls.ts';
import { encodeIdentity, IDENTITY_HEADER, withCallerFields, type ForwardedIdentity } from './identity.ts';
import { RouteTable, routePolicies, type RoutePolicy } from './routes.ts';
import { forward } from './upstream.ts';

/** RFC 9728 §3: the well-known path of protected resource metadata (resource identifier without a path). */
const PROTECTED_RESOURCE_METADATA = '/.well-known/oauth-protected-resource';

export interface GatewayServerOptions {
  /** One line per request (never a token); main.ts logs to stdout, tests stay quiet. */
  readonly log?: (line: string) => void;
  /** Variation https-reference: serve https with this certificate (reference/https.ts). */
  readonly tls?: MainListenerTls;
}

class BodyTooLarge extends Error {}

/** Fault oversized-token-500: tokens longer than this crash the (simulated) token cache. */
const OVERSIZED_TOKEN_CHARS = 8 * 1024;

/** The identity echo: the one protected GET route that needs no scope (routes.ts). */
const isIdentityEcho = (policy: RoutePolicy): boolean => policy.method === 'GET' && !policy.public && policy.scope === undefined;

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createGatewayServer(config: GatewayConfig, options: GatewayServerOptions = {}): Server {
  const { faults } = config;
  const routes = new RouteTable(routePolicies(config.routes));
  const validate = accessTokenValidator(config);
  // RFC 9449 §11.1: the proofs this gateway has seen, for replay detection.
  const seenProofs = new SeenProofs();
  // Variation dpop-nonce-required (RFC 9449 §9): every proof carries a nonce this gateway issued.
  const dpopNonces = faults.has('dpop-nonce-required-at-gateway') ? new DpopNonces() : undefined;
  const log = options.log ?? (() => undefined);
  const clientLimits = config.clientLimits
    ? new GatewayClientLimits(config.clientLimits, {
        noRateLimit: faults.has('gateway-rate-limit-not-enforced'),
        limitFactor: faults.has('gateway-rate-limit-below-stated')
          ? 0.25
          : faults.has('gateway-rate-limit-higher-than-claimed')
            ? 1.6
            : faults.has('gateway-rate-limit-above-stated')
              ? 2.5
              : 1,
        oneCounterForEveryIp: faults.has('gateway-rate-limit-one-counter'),
        ...(faults.has('gateway-429-never-lifted') ? { holdLimitedMs: 20_000 } : {}),
        noBlock: faults.has('gateway-ip-block-not-enforced'),
        blockEveryIp: faults.has('gateway-block-every-ip'),
        neverUnblock: faults.has('gateway-never-unblock'),
        liftEarly: faults.has('gateway-block-lifted-early'),
      })
    : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    // The origin the caller addressed: https on the https listener (variation https-reference).
    const origin = `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'gateway.invalid'}`;
    // Variation challenge-resource-metadata: the RFC 9728 §3 document its challenges point to (resource_metadata).
    const metadataUrl = `${origin}${PROTECTED_RESOURCE_METADATA}`;
    if (faults.has('challenge-resource-metadata') && url.pathname === PROTECTED_RESOURCE_METADATA && req.method === 'GET') {
      sendJson(res, 200, { resource: origin, authorization_servers: [config.issuer] });
      return 'protected resource metadata';
    }
    // Per-client-IP limits (variation gateway-rate-limit, REQ-GRL-*): before anything else, as a gateway plugin runs.
    const ip = req.socket.remoteAddress;
    const decision = clientLimits ? await clientLimits.decide(ip) : { kind: 'pass' as const };
    if (decision.kind === 'blocked') {
      sendJson(res, 403, { message: 'this client IP is blocked after repeated invalid tokens' }, { connection: 'close' });
      return 'client IP blocked';
    }
    if (decision.kind === 'limited') {
      // RFC 6585 §4: 429, Retry-After MAY (fault gateway-429-bad-retry-after sends one RFC 9110 §10.2.3 does not allow).
      const retryAfter = faults.has('gateway-429-bad-retry-after') ? 'a moment' : String(decision.retryAfterSeconds);
      sendJson(res, 429, { message: 'API rate limit exceeded' }, { 'retry-after': retryAfter });
      return 'rate-limited';
    }
    const route = routes.match(req.method ?? 'GET', url.pathname);
    if (route.kind === 'not-found') {
      sendJson(res, 404, { message: `no route ${url.pathname}` });
      return 'no route';
    }
    if (route.kind === 'method-not-allowed') {
      sendJson(res, 405, { message: `${req.method} is not allowed on ${url.pathname}` }, { allow: route.allow.join(', ') });
      return 'method not allowed';
    }

    if (!route.policy.public && faults.has('silent-protected-routes')) {
      req.socket.destroy();
      return 'connection reset (fault silent-protected-routes)';
    }
    if (!route.policy.public && faults.has('protected-routes-503')) {
      sendJson(res, 503, { message: 'service unavailable' });
      return 'answered 503 (fault protected-routes-503)';
    }

    let body: Buffer;
    try {
      body = await readBody(req, config.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      sendJson(res, 413, { message: `request body larger than ${config.maxBodyBytes} bytes` }, { connection: 'close' });
      return 'body too large';
    }

    const credentials = bearerCredentials(req, url, body, {
      caseSensitiveScheme: faults.has('case-sensitive-bearer'),
      acceptQueryToken: faults.has('query-access-token') || faults.has('query-token-unchecked'),
      acceptTokenSentTwice: faults.has('accept-token-sent-twice'),
      acceptBodyToken: faults.has('body-access-token'),
      dpopScheme: !faults.has('dpop-scheme-unsupported'),
    });
    // Fault oversized-token-500 (issue 20): the gateway takes headers of up to 128 KiB in, and its token cache cannot
    // hold a key of more than 8 KiB — it answers such a token with a 500 instead of a 4xx (REQ-BEARER-12, -04).
    if (faults.has('oversized-token-500') && credentials.kind === 'token' && credentials.token.length > OVERSIZED_TOKEN_CHARS) {
      sendJson(res, 500, { message: 'internal error' });
      return 'answered 500 to an oversized token (fault oversized-token-500)';
    }
    // RFC 9449 §7: a DPoP proof is made for the URI the client addressed (htu): this gateway's own origin and path.
    const dpopRequest = (token: string, scheme: 'Bearer' | 'DPoP') => ({
      scheme,
      token,
      method: req.method ?? 'GET',
      uri: `${origin}${url.pathname}`,
      proofs: req.headersDistinct.dpop ?? [],
    });
    const admission = await admit(route.policy, credentials, validate, faults, (claims, token, scheme) => {
      checkCertificateBinding(claims, req.socket, faults); // RFC 8705 §3 (issue 19): certificate-bound tokens (mtls.ts)
      return checkSenderConstraint(claims, dpopRequest(token, scheme), seenProofs, faults, dpopNonces);
    });
    if (admission.kind === 'refuse') {
      // RFC 6750 §3: a 401 MUST carry WWW-Authenticate (fault no-www-authenticate drops it).
      const { refusal } = admission;
      const challenge = refusal.challenge && {
        ...refusal.challenge,
        ...(faults.has('challenge-with-extras') ? { withExtras: true } : {}),
        ...(faults.has('challenge-in-separate-fields') ? { separateFieldChallenge: true } : {}),
        ...(faults.has('challenge-resource-metadata') ? { resourceMetadata: metadataUrl } : {}),
        // Variation challenge-description-punctuation: RFC 6750 §3 allows %x20-21 / %x23-5B / %x5D-7E in
        // error_description, so commas, "=", ";" and brackets inside the quoted value are legal (and must not be
        // read as further auth-params).
        ...(faults.has('challenge-description-punctuation') && refusal.challenge.description
          ? { description: `${refusal.challenge.description} [status=${refusal.status}; scheme=Bearer, realm=${REALM}]` }
          : {}),
      };
      // A token that failed validation counts towards the IP block (the variation's limits).
      if (credentials.kind === 'token' && refusal.status === 401) clientLimits?.invalidToken(ip);
      refuse(res, {
        ...refusal,
        ...(challenge ? { challenge } : {}),
        // Fault identity-echo-401-without-challenge: only the 401s of the GET route that needs no scope (the identity echo) lose it.
        omitChallenge: (faults.has('no-www-authenticate') || (faults.has('identity-echo-401-without-challenge') && isIdentityEcho(route.policy))) && refusal.status === 401,
        emptyBody: faults.has('gateway-empty-error-body'),
      });
      return admission.refusal.detail;
    }

    if (credentials.kind === 'token' && admission.identity.kind !== 'anonymous') clientLimits?.validToken(ip);
    // Variation body-access-token: the token taken from the form body is removed before the body goes on (seed 000).
    const forwardedBody = credentials.kind === 'token' && credentials.via === 'body' ? bodyWithoutToken(body) : body;
    forward(req, res, url, forwardedBody, {
      upstream: config.upstream,
      // Fault forward-without-roles: the token's roles claim is left out of what the component receives.
      identityHeader: faults.has('forward-no-identity') ? undefined : encodeIdentity(forwardedIdentity(admission.identity, req)),
      // Seed 000: the component gets the identity, not the caller's token — unless configured otherwise.
      keepAuthorization: config.forwardToken || faults.has('forward-raw-token'),
      keepCallerIdentity: faults.has('accept-spoofed-identity'),
      keepDuplicatedCallerIdentity: faults.has('identity-header-duplicate-passes'),
      ...(config.componentSecret ? { componentSecret: config.componentSecret } : {}),
      timeoutMs: config.upstreamTimeoutMs,
    });
    return `forwarded as ${admission.identity.kind}`;
  }

  // Node answers a request whose headers exceed 16 KiB with 431 itself; fault oversized-token-500 and variation
  // gateway-large-headers let them in.
  const largeHeaders = faults.has('oversized-token-500') || faults.has('gateway-large-headers');
  /** The identity the component gets; faults leave out the token's roles or keep some of a caller's own identity header. */
  function forwardedIdentity(identity: ForwardedIdentity, req: IncomingMessage): ForwardedIdentity {
    const own = faults.has('forward-without-roles') ? { ...identity, roles: [] } : identity;
    const callerHeader = req.headersDistinct[IDENTITY_HEADER]?.[0];
    return withCallerFields(own, callerHeader, { roles: faults.has('forwards-caller-roles'), kind: faults.has('forwards-caller-kind') });
  }

  return createMainServer((req, res) => {
    handle(req, res).then(
      (outcome) => log(`gateway ${req.method} ${req.url?.split('?')[0]} -> ${res.statusCode} (${outcome})`),
      (error: unknown) => {
        // A bug, not a client error: say so plainly, never with token content.
        console.error('gateway: unexpected error', error instanceof Error ? error.message : error);
        if (!res.headersSent) sendJson(res, 500, { message: 'internal error' });
        else res.destroy();
      },
    );
  }, { ...(options.tls ? { tls: options.tls } : {}), faults, http: { ...(largeHeaders ? { maxHeaderSize: 128 * 1024 } : {}) } });
}
