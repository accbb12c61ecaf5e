/**
 * The harness's own IdP, API and "foreign" host: small loopback HTTP servers that answer a client under test
 * the way a real deployment would, record every request in the Timeline, and misbehave on cue (the scenario's
 * script: a 401, a 429 with Retry-After, an outage, a redirect to the foreign host).
 *
 * The IdP is deliberately lenient about HOW a token is asked for (method, content type, where the credentials
 * are): it issues a token for the right credentials wherever they are, so a client that asks wrongly is judged
 * by the check that names the clause (REQ-CLI-03/04), not derailed into every other scenario.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { IssuedToken, RecordedRequest, Timeline } from './timeline.ts';
import { ITEMS_PATH } from './contract.ts';

/** How the IdP answers one token request, when the script says so. */
export type IdpAction =
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'drop' }
  /** 401 invalid_client whatever the credentials: the secret was rotated and the client still has the old one. */
  | { readonly kind: 'reject-client' };

/** How the API answers one request, when the script says so. */
export type ApiAction =
  | { readonly kind: 'refuse'; readonly status: 400 | 401 | 403; readonly error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'redirect-foreign' }
  /** 401 with a bare challenge, `Bearer realm="..."`, no error attribute (seed 001: "no error details"). */
  | { readonly kind: 'refuse-bare' };

export interface ServerScript {
  readonly ttlSeconds: number;
  /** Token request #n (1-based): a scripted answer, or undefined for the normal one. */
  idp?(n: number, request: RecordedRequest): IdpAction | undefined;
  /** API request #n with the token it carried (known to the harness or not). */
  api?(n: number, request: RecordedRequest, token: IssuedToken | undefined): ApiAction | undefined;
}

export interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

const MAX_BODY = 64 * 1024;
const REALM = 'auth-ctk-harness';

export class HarnessServers {
  readonly timeline: Timeline;
  readonly credentials: Credentials;
  private readonly script: ServerScript;
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private idpDown = false;
  private apiDown = false;
  /** Servers whose every TCP connection is reset on accept (seed 001: a blocked IP sees connection errors). */
  private readonly blocked = new Set<'idp' | 'api'>();
  private readonly socketsOf = new Map<'idp' | 'api' | 'foreign', Set<Socket>>();
  private readonly revoked = new Set<string>();
  tokenUrl = '';
  apiUrl = '';
  foreignUrl = '';

  constructor(timeline: Timeline, credentials: Credentials, script: ServerScript) {
    this.timeline = timeline;
    this.credentials = credentials;
    this.script = script;
  }

  async start(): Promise<void> {
    const idp = await this.listen((req, res, body) => this.token(req, res, body), '127.0.0.1', 'idp');
    const api = await this.listen((req, res, body) => this.api(req, res, body), '127.0.0.1', 'api');
    // Another host, not just another port: 127.0.0.2 is loopback too on Linux; fall back to a port of 127.0.0.1.
    let foreign: string;
    try {
      foreign = await this.listen((req, res, body) => this.foreign(req, res, body), '127.0.0.2', 'foreign');
    } catch {
      foreign = await this.listen((req, res, body) => this.foreign(req, res, body), '127.0.0.1', 'foreign');
    }
    this.tokenUrl = `${idp}/token`;
    this.apiUrl = api;
    this.foreignUrl = foreign;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  /** IdP outage: every token request (new or kept-alive connection) is closed without an answer. */
  setIdpDown(down: boolean): void {
    this.idpDown = down;
    this.timeline.harness(down ? 'IdP DOWN: token requests are closed without an answer' : 'IdP BACK: token requests are answered again');
  }

  get isIdpDown(): boolean {
    return this.idpDown;
  }

  /** API outage (seed 002: "any of these services are down"): every API request is closed without an answer. */
  setApiDown(down: boolean): void {
    this.apiDown = down;
    this.timeline.harness(down ? 'API DOWN: API requests are closed without an answer' : 'API BACK: API requests are answered again');
  }

  /**
   * Seed 001's IP block: the IdP and the API reset every connection from the client (open ones at once, new
   * ones on accept), as a blocked IP sees "connection errors, ssl/tls handshake errors or something similar".
   * Each refused connection is recorded: the judges count attempts, since no HTTP request ever arrives.
   */
  setBlocked(servers: readonly ('idp' | 'api')[], blocked: boolean): void {
    for (const server of servers) {
      if (blocked) {
        this.blocked.add(server);
        for (const socket of this.socketsOf.get(server) ?? []) socket.resetAndDestroy();
      } else this.blocked.delete(server);
    }
    this.timeline.harness(blocked ? `IP BLOCKED: every connection to the ${servers.join(' and ')} is reset` : `IP UNBLOCKED: the ${servers.join(' and ')} accept connections again`);
  }

  /** Revokes a token: the API answers it with 401 invalid_token from now on. */
  revoke(token: IssuedToken): void {
    this.revoked.add(token.value);
  }

  private async listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void, host: string, name: 'idp' | 'api' | 'foreign'): Promise<string> {
    const own = new Set<Socket>();
    this.socketsOf.set(name, own);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
      req.on('error', () => undefined);
    });
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket: Socket) => {
      if (name !== 'foreign' && this.blocked.has(name)) {
        this.timeline.refusedConnection(name);
        socket.on('error', () => undefined);
        socket.resetAndDestroy();
        return;
      }
      this.sockets.add(socket);
      own.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        own.delete(socket);
      });
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    this.servers.push(server);
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('harness server is not listening on TCP');
    return `http://${host}:${address.port}`;
  }

  private record(server: 'idp' | 'api' | 'foreign', req: IncomingMessage, body: string): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
    return this.timeline.request(server, { method: req.method ?? 'GET', url: req.url ?? '/', headers, body, bearer: bearerOf(req.url ?? '/', headers, body) });
  }

  private send(request: RecordedRequest, res: ServerResponse, status: number, headers: Record<string, string>, body: unknown, extra: { issued?: IssuedToken; note?: string } = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    const all = { ...headers, ...(text ? { 'content-type': 'application/json' } : {}) };
    this.timeline.answered(request, { status, headers: all, ...extra });
    res.writeHead(status, all);
    res.end(text);
  }

  // ---- IdP ------------------------------------------------------------------------------------------------

  private token(req: IncomingMessage, res: ServerResponse, body: string): void {
    const request = this.record('idp', req, body);
    if (this.idpDown) {
      this.timeline.dropped(request);
      req.socket.destroy();
      return;
    }
    const action = this.script.idp?.(request.n, request);
    if (action?.kind === 'drop') {
      this.timeline.dropped(request);
      req.socket.destroy();
      return;
    }
    if (action?.kind === 'reject-client') {
      this.send(request, res, 401, { 'www-authenticate': `Basic realm="${REALM}"`, 'cache-control': 'no-store' },
        { error: 'invalid_client', error_description: 'client authentication failed' }, { note: 'scripted invalid_client: the secret was rotated' });
      return;
    }
    if (action?.kind === 'rate-limit') {
      this.send(request, res, 429, { 'retry-after': String(action.retryAfterSeconds), 'cache-control': 'no-store' },
        { error: 'rate_limited', error_description: `too many token requests; retry after ${action.retryAfterSeconds} s` }, { note: 'scripted 429' });
      return;
    }
    if (!this.credentialsValid(request)) {
      this.send(request, res, 401, { 'www-authenticate': `Basic realm="${REALM}"`, 'cache-control': 'no-store' },
        { error: 'invalid_client', error_description: 'client authentication failed' }, { note: 'wrong or missing client credentials' });
      return;
    }
    const ttlMs = this.script.ttlSeconds * 1000;
    const value = `ctk_${randomBytes(24).toString('base64url')}`;
    const now = this.timeline.now();
    const issued: IssuedToken = { label: `token#${this.timeline.tokens.length + 1}`, value, issuedAt: now, expiresAt: now + ttlMs, ttlMs };
    this.send(request, res, 200, { 'cache-control': 'no-store', pragma: 'no-cache' },
      { access_token: value, token_type: 'Bearer', expires_in: this.script.ttlSeconds, scope: 'items:read' }, { issued });
  }

  /** Right credentials anywhere (Basic, body, query): issued; how they were sent is REQ-CLI-03/04's business. */
  private credentialsValid(request: RecordedRequest): boolean {
    const { clientId, clientSecret } = this.credentials;
    const auth = request.headers.authorization ?? '';
    const basic = /^basic\s+(.+)$/i.exec(auth.trim());
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
      if (colon >= 0 && formDecode(id) === clientId && formDecode(secret) === clientSecret) return true;
      if (colon >= 0 && id === clientId && secret === clientSecret) return true;
    }
    for (const params of [formParams(request.body), new URL(request.url, 'http://h').searchParams]) {
      if (params.get('client_id') === clientId && params.get('client_secret') === clientSecret) return true;
    }
    return false;
  }

  // ---- API ------------------------------------------------------------------------------------------------

  private api(req: IncomingMessage, res: ServerResponse, body: string): void {
    const request = this.record('api', req, body);
    if (this.apiDown) {
      this.timeline.dropped(request);
      req.socket.destroy();
      return;
    }
    const token = this.timeline.tokenByValue(request.bearer);
    const action = this.script.api?.(request.n, request, token);
    if (action?.kind === 'refuse-bare') {
      this.send(request, res, 401, { 'www-authenticate': `Bearer realm="${REALM}"` }, undefined, { note: 'scripted 401 without error details' });
      return;
    }
    if (action?.kind === 'refuse') {
      if (action.error === 'invalid_token' && token) this.revoke(token);
      const www = `Bearer realm="${REALM}", error="${action.error}"${action.error === 'insufficient_scope' ? ', scope="items:write"' : ''}`;
      this.send(request, res, action.status, { 'www-authenticate': www }, { error: action.error }, { note: `scripted ${action.status} ${action.error}` });
      return;
    }
    if (action?.kind === 'rate-limit') {
      this.send(request, res, 429, { 'retry-after': String(action.retryAfterSeconds) }, { error: 'rate_limited' }, { note: 'scripted 429' });
      return;
    }
    if (action?.kind === 'redirect-foreign') {
      this.send(request, res, 307, { location: `${this.foreignUrl}${ITEMS_PATH}` }, undefined, { note: 'scripted redirect to another host' });
      return;
    }
    const path = new URL(request.url, 'http://h').pathname;
    if (path !== ITEMS_PATH) {
      this.send(request, res, 404, {}, { error: 'not_found', expected: `GET ${ITEMS_PATH}` });
      return;
    }
    if (request.bearer === undefined) {
      this.send(request, res, 401, { 'www-authenticate': `Bearer realm="${REALM}"` }, undefined, { note: 'no token' });
      return;
    }
    const problem = !token ? 'unknown token' : this.revoked.has(token.value) ? 'revoked token' : this.timeline.now() >= token.expiresAt ? 'expired token' : undefined;
    if (problem) {
      this.send(request, res, 401, { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${problem}"` }, { error: 'invalid_token' }, { note: problem });
      return;
    }
    this.send(request, res, 200, { 'cache-control': 'no-store' }, { items: [{ id: 1, name: 'fresh item from the API' }], servedBy: 'api' });
  }

  // ---- another host: it must never see a token ------------------------------------------------------------

  private foreign(req: IncomingMessage, res: ServerResponse, body: string): void {
    const request = this.record('foreign', req, body);
    this.send(request, res, 200, {}, { items: [{ id: 1, name: 'item from another host' }], servedBy: 'foreign' });
  }
}

function formParams(body: string): URLSearchParams {
  try {
    return new URLSearchParams(body);
  } catch {
    return new URLSearchParams();
  }
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The bearer token a request carries: Authorization header (RFC 6750 §2.1), else form body or query (§2.2, §2.3). */
export function bearerOf(url: string, headers: Readonly<Record<string, string>>, body: string): string | undefined {
  const m = /^bearer\s+(\S+)\s*$/i.exec((headers.authorization ?? '').trim());
  if (m) return m[1];
  const query = new URL(url, 'http://h').searchParams.get('access_token');
  if (query) return query;
  if (/x-www-form-urlencoded/i.test(headers['content-type'] ?? '')) return formParams(body).get('access_token') ?? undefined;
  return undefined;
}
