/**
 * The JWKS RELAY (issue 20, REQ-JWKS-01..04): a small HTTP server the kit itself serves, which a gateway under test
 * uses as its jwks_uri. It answers every GET of the JWK Set with the upstream set (the IdP's jwks_uri, fetched again
 * for each request, so the IdP's own rotations are seen) plus the public keys the kit published through it. So the
 * kit can, for any gateway whose jwks_uri is pointed at it (the reference's second gateway, or a test instance of a
 * deployment's gateway):
 *   - COUNT the gateway's requests for the set (REQ-JWKS-01: made-up kids must not make it fetch for each);
 *   - take the set DOWN (503) or make it SLOW (answered after SLOW_JWKS_MS, longer than any sane gateway waits;
 *     REQ-JWKS-02/-03: a token the gateway cannot verify is refused, never let through);
 *   - PUBLISH a public key and REMOVE it again (REQ-JWKS-04: a removed key stops being accepted within the bound).
 * The private half of a published key never leaves the cucumber worker that made it: only the public JWK is sent here.
 *
 * The admin API lives on the same server under ADMIN_PREFIX, a path no gateway asks for, so cucumber's worker
 * threads drive it over HTTP. Every admin call needs `Authorization: Bearer <adminToken>` (a random token made at
 * start, handed to the workers in the target description, redacted): a relay that listens beyond loopback for a
 * deployment's gateway must not let anyone else publish a key that gateway would trust.
 *
 *   GET    <prefix>/state          -> {requests, outage, kids}
 *   POST   <prefix>/outage {outage: none|down|slow}  -> state
 *   POST   <prefix>/keys   {jwk}   -> {kid}   (a PUBLIC JWK with a kid; private members are refused)
 *   DELETE <prefix>/keys/<kid>     -> state
 *
 * Node's http only: the relay runs in the CLI's process (a deployment's run) or the reference stack's, never in a worker.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, fetch } from 'undici';

/** none: served; down: 503; slow: answered only after SLOW_JWKS_MS (the gateway gives up first). */
export type JwksOutage = 'none' | 'down' | 'slow';
export const JWKS_OUTAGES: readonly JwksOutage[] = ['none', 'down', 'slow'];

/** Longer than any sane gateway waits for its keys (the reference's 2 s, jose's default 5 s). */
export const SLOW_JWKS_MS = 6_000;
/** Where the gateway fetches the set. */
export const JWKS_PATH = '/jwks';
/** The admin API: a path no gateway asks for. */
export const ADMIN_PREFIX = '/.auth-ctk-relay';
/** How long the relay waits for the upstream set before answering 502. */
const UPSTREAM_TIMEOUT_MS = 5_000;
const MAX_ADMIN_BODY_BYTES = 64 * 1024;
/** JWK members that only a private (or symmetric) key has (RFC 7518 §6): never accepted by the relay. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export interface JwksRelayState {
  /** GET requests for the JWK Set so far. */
  readonly requests: number;
  readonly outage: JwksOutage;
  /** The kids of the keys the kit published (not the upstream's). */
  readonly kids: readonly string[];
}

export interface JwksRelayOptions {
  /** The IdP's JWK Set URL, fetched on every request. */
  readonly upstream: string;
  /** Bind address (default 127.0.0.1). */
  readonly host?: string;
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Default: 32 random bytes, base64url. */
  readonly adminToken?: string;
  /** A private CA (PEM) the upstream's https certificate chains to (the reference's https mode, a profile's tls.caFile). */
  readonly upstreamCaPem?: string;
}

export class JwksRelayStartError extends Error {
  constructor(where: string, detail: string) {
    super(`the kit's JWKS relay could not listen on ${where}: ${detail}`);
    this.name = 'JwksRelayStartError';
  }
}

export class JwksRelay {
  /** The JWK Set URL a gateway is pointed at. */
  readonly url: string;
  readonly adminToken: string;
  private readonly server: Server;
  private readonly upstream: string;
  private readonly published = new Map<string, Record<string, unknown>>();
  private readonly held = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();
  private requests = 0;
  private outage: JwksOutage = 'none';

  private readonly upstreamDispatcher: Agent | undefined;

  private constructor(server: Server, url: string, upstream: string, adminToken: string, upstreamCaPem?: string) {
    this.server = server;
    this.url = url;
    this.upstream = upstream;
    this.adminToken = adminToken;
    // The public roots stay trusted beside the private CA: a profile's upstream may be either.
    this.upstreamDispatcher = upstreamCaPem ? new Agent({ connect: { ca: [...rootCertificates, upstreamCaPem] } }) : undefined;
  }

  static async start(options: JwksRelayOptions): Promise<JwksRelay> {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 0;
    const adminToken = options.adminToken ?? randomBytes(32).toString('base64url');
    let relay: JwksRelay | undefined;
    const server = createServer((req, res) => {
      relay!.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { error: 'server_error', error_description: `the JWKS relay failed: ${error instanceof Error ? error.message : String(error)}` });
        else res.destroy();
      });
    });
    // A slow answer is held open on purpose; nothing else may hang the relay.
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(new JwksRelayStartError(`${host}:${port}`, error.code ?? error.message)));
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    relay = new JwksRelay(server, `http://${shown}:${address.port}${JWKS_PATH}`, options.upstream, adminToken, options.upstreamCaPem);
    return relay;
  }

  state(): JwksRelayState {
    return { requests: this.requests, outage: this.outage, kids: [...this.published.keys()] };
  }

  /** Stops listening; a held (slow) answer is ended at once, so stopping never waits SLOW_JWKS_MS. */
  async stop(): Promise<void> {
    for (const entry of this.held) {
      clearTimeout(entry.timer);
      entry.res.destroy();
    }
    this.held.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.upstreamDispatcher?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://relay').pathname;
    if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) return this.admin(req, res, path.slice(ADMIN_PREFIX.length));
    if (path !== JWKS_PATH) return send(res, 404, { error: 'not_found', error_description: `the JWKS relay serves ${JWKS_PATH} only` });
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
    if (req.method === 'GET') this.requests++;
    if (this.outage === 'down') return send(res, 503, { error: 'temporarily_unavailable', error_description: 'the key set is down (auth-ctk JWKS relay)' });
    if (this.outage === 'slow') {
      await new Promise<void>((resolve) => {
        const entry = { res, timer: setTimeout(() => { this.held.delete(entry); resolve(); }, SLOW_JWKS_MS) };
        this.held.add(entry);
      });
      // The gateway gave up waiting and closed the connection, or the relay stopped: nothing left to answer.
      if (res.destroyed) return;
    }
    const upstream = await this.fetchUpstream();
    if ('error' in upstream) return send(res, 502, { error: 'bad_gateway', error_description: `the JWKS relay could not fetch the issuer's JWK Set: ${upstream.error}` });
    // The upstream's own caching advice goes with its keys: the relay changes what is in the set, not how long it lives.
    send(res, 200, { keys: [...upstream.keys, ...this.published.values()] }, upstream.cacheControl ? { 'cache-control': upstream.cacheControl } : { 'cache-control': '' });
  }

  private async fetchUpstream(): Promise<{ keys: unknown[]; cacheControl?: string } | { error: string }> {
    try {
      const answer = await fetch(this.upstream, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS), ...(this.upstreamDispatcher ? { dispatcher: this.upstreamDispatcher } : {}) });
      if (!answer.ok) return { error: `${this.upstream} answered ${answer.status}` };
      const body = (await answer.json()) as { keys?: unknown };
      if (!Array.isArray(body?.keys)) return { error: `${this.upstream} holds no "keys" array` };
      const cacheControl = answer.headers.get('cache-control') ?? undefined;
      return { keys: body.keys, ...(cacheControl ? { cacheControl } : {}) };
    } catch (error) {
      return { error: `${this.upstream}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private async admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!this.authorized(req)) {
      return send(res, 401, { error: 'invalid_token', error_description: 'the JWKS relay admin API needs its bearer token' }, { 'www-authenticate': 'Bearer realm="auth-ctk-jwks-relay"' });
    }
    if (req.method === 'GET' && path === '/state') return send(res, 200, this.state());
    const key = /^\/keys\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE' && key) {
      const kid = decodeURIComponent(key[1]!);
      if (!this.published.delete(kid)) return send(res, 404, { error: 'unknown_key', error_description: `the kit published no key ${kid}` });
      return send(res, 200, this.state());
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed' });
    const body = await readJson(req);
    if (body === undefined) return send(res, 400, { error: 'invalid_request', error_description: `the body must be a JSON object of at most ${MAX_ADMIN_BODY_BYTES} bytes` });
    if (path === '/outage') {
      if (typeof body.outage !== 'string' || !(JWKS_OUTAGES as readonly string[]).includes(body.outage)) {
        return send(res, 400, { error: 'invalid_request', error_description: `outage must be one of ${JWKS_OUTAGES.join(', ')}` });
      }
      this.outage = body.outage as JwksOutage;
      return send(res, 200, this.state());
    }
    if (path === '/keys') {
      const jwk = body.jwk as Record<string, unknown> | undefined;
      if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk) || typeof jwk.kty !== 'string' || typeof jwk.kid !== 'string' || jwk.kid === '') {
        return send(res, 400, { error: 'invalid_request', error_description: 'jwk must be a public JWK (RFC 7517) with kty and kid' });
      }
      const secret = PRIVATE_MEMBERS.filter((m) => m in jwk);
      if (secret.length > 0) return send(res, 400, { error: 'invalid_request', error_description: `jwk holds private members (${secret.join(', ')}): only the public key is published` });
      this.published.set(jwk.kid, { ...jwk });
      return send(res, 200, { kid: jwk.kid });
    }
    return send(res, 404, { error: 'not_found', error_description: `no relay operation ${req.method} ${path}` });
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const presented = /^Bearer (.+)$/.exec(header)?.[1];
    if (!presented) return false;
    const a = Buffer.from(presented);
    const b = Buffer.from(this.adminToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** A JSON answer; `no-store` unless `headers` say otherwise (an empty value leaves the header out). */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const all: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers };
  for (const [name, value] of Object.entries(all)) if (value === '') delete all[name];
  res.writeHead(status, all);
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_ADMIN_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
