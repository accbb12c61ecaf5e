/**
 * The web front end's redirect URI (RFC 6749 §3.1.2): where the browser lands with `code` and `state` after the
 * login. The kit plays the front end, so it must receive that request.
 *
 * - A loopback http redirect URI (the reference's `http://127.0.0.1/callback`, RFC 8252 §7.3) is served by a
 *   real HTTP server on 127.0.0.1: on the URI's port when it names one, else on an ephemeral port (RFC 8252
 *   §7.3: the authorization server MUST allow any port for loopback redirect URIs).
 * - Any other redirect URI (a deployed front end, e.g. https://shop.example/callback) is intercepted inside the
 *   browser context and answered locally: the browser follows the redirect, the request never leaves the kit.
 *
 * Either way the front end answers with a plain page that shows neither the code nor the state.
 */
import { createServer, type Server } from 'node:http';
import type { BrowserContext, Route } from 'playwright-core';

export interface CallbackHit {
  /** The full redirect URL as the browser requested it (holds the code: never put it in evidence unredacted). */
  readonly url: string;
  readonly params: URLSearchParams;
  readonly at: number;
}

export class CallbackTimeoutError extends Error {
  constructor(redirectUri: string, timeoutMs: number) {
    super(`the browser did not come back to the front end's redirect URI ${redirectUri} within ${timeoutMs} ms`);
    this.name = 'CallbackTimeoutError';
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const isLoopbackHttp = (uri: URL): boolean => uri.protocol === 'http:' && LOOPBACK_HOSTS.has(uri.hostname);

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>auth-ctk front end</title></head>
<body style="font-family:sans-serif"><h1>auth-ctk web front end</h1><p>The identity provider sent the browser back to the front end.</p></body></html>`;

export class CallbackReceiver {
  /** The redirect_uri to send in the authorization and token requests (with the real port). */
  readonly redirectUri: string;
  private readonly hits: CallbackHit[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly server?: Server;

  private constructor(redirectUri: string, server?: Server) {
    this.redirectUri = redirectUri;
    this.server = server;
  }

  /** Starts receiving for `registered` (the target's web client redirect URI) in `context`. */
  static async start(registered: string, context: BrowserContext): Promise<CallbackReceiver> {
    const uri = new URL(registered);
    if (isLoopbackHttp(uri)) {
      const server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', `http://${req.headers.host ?? uri.host}`);
        res.writeHead(url.pathname === uri.pathname ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(PAGE);
        if (url.pathname === uri.pathname) receiver.accept(url.toString());
      });
      const host = uri.hostname === '[::1]' ? '::1' : '127.0.0.1';
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(Number(uri.port || 0), host, () => resolve());
      });
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('callback server is not listening on TCP');
      const actual = new URL(registered);
      actual.port = String(address.port);
      const receiver = new CallbackReceiver(actual.toString(), server);
      return receiver;
    }
    const receiver = new CallbackReceiver(uri.toString());
    const prefix = `${uri.origin}${uri.pathname}`;
    await context.route(
      (url) => `${url.origin}${url.pathname}` === prefix,
      (route: Route) => {
        receiver.accept(route.request().url());
        void route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: PAGE });
      },
    );
    return receiver;
  }

  private accept(url: string): void {
    this.hits.push({ url, params: new URL(url).searchParams, at: Date.now() });
    for (const wake of this.waiters) wake();
  }

  /** Every redirect received so far (more than one would be a replay). */
  get received(): readonly CallbackHit[] {
    return this.hits;
  }

  /** The first redirect, waiting up to `timeoutMs` for it. */
  async first(timeoutMs: number): Promise<CallbackHit> {
    if (this.hits[0]) return this.hits[0];
    return new Promise<CallbackHit>((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(this.hits[0]!);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new CallbackTimeoutError(this.redirectUri, timeoutMs));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A redirect URI that differs from `uri` but would still be acceptable at the authorization endpoint for a
 * loopback client (RFC 8252 §7.3 ignores the port there): another port for a loopback URI, another path
 * otherwise. The token endpoint must still insist on the identical value (RFC 6749 §4.1.3).
 */
export function otherRedirectUri(uri: string): string {
  const other = new URL(uri);
  if (isLoopbackHttp(other)) {
    const port = Number(other.port || 80);
    other.port = String(port >= 65535 ? port - 1 : port + 1);
  } else {
    other.pathname = `${other.pathname.replace(/\/$/, '')}-elsewhere`;
  }
  return other.toString();
}
