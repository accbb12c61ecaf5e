/**
 * The web front end's redirect URI (RFC 6749 §3.1.2): where the browser lands with `code` and `state` after the
 * login. The kit plays the front end, so it must receive that request.
 *
 * The redirect URI must be a loopback http URI (the reference's `http://127.0.0.1/callback`, RFC 8252 §7.3): it
 * is served by a real HTTP server on 127.0.0.1, on the URI's port when it names one, else on an ephemeral port
 * (RFC 8252 §7.3: the authorization server MUST allow any port for loopback redirect URIs). A deployed front
 * end's URI (https://shop.example/callback) is refused: the browser would hand a live code to that front end,
 * and Playwright cannot intercept the redirect it follows. Register a loopback URI for the test client instead.
 *
 * The front end answers with a plain page that shows neither the code nor the state.
 */
import { createServer, type Server } from 'node:http';
import { BrowserLoginSetupError } from './errors.ts';

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

export class NonLoopbackRedirectError extends BrowserLoginSetupError {
  constructor(uri: string) {
    super(
      `the web client's redirect URI ${uri} is not a loopback http URI, and the kit receives the login only at http://127.0.0.1[:port]/<path>`,
      'register such a redirect URI for the test client (RFC 8252 §7.3) and name it in clients.web.redirectUri',
    );
    this.name = 'NonLoopbackRedirectError';
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
  private readonly server: Server;

  private constructor(redirectUri: string, server: Server) {
    this.redirectUri = redirectUri;
    this.server = server;
  }

  /** Starts receiving for `registered` (the target's web client redirect URI). */
  static async start(registered: string): Promise<CallbackReceiver> {
    const uri = new URL(registered);
    if (!isLoopbackHttp(uri)) throw new NonLoopbackRedirectError(registered);
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? uri.host}`);
      const ours = url.pathname === uri.pathname;
      res.writeHead(ours ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE);
      if (ours) receiver.accept(url.toString());
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

  private accept(url: string): void {
    this.hits.push({ url, params: new URL(url).searchParams, at: Date.now() });
    for (const wake of this.waiters) wake();
  }

  /** Every redirect received so far (more than one would be a replay). */
  get received(): readonly CallbackHit[] {
    return this.hits;
  }

  /** The first redirect, waiting up to `timeoutMs` for it. */
  first(timeoutMs: number): Promise<CallbackHit> {
    return this.nth(0, timeoutMs);
  }

  /** The redirect number `index` (0-based), waiting up to `timeoutMs` for it. */
  async nth(index: number, timeoutMs: number): Promise<CallbackHit> {
    if (this.hits[index]) return this.hits[index];
    return new Promise<CallbackHit>((resolve, reject) => {
      const wake = () => {
        if (!this.hits[index]) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(this.hits[index]);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new CallbackTimeoutError(this.redirectUri, timeoutMs));
      }, timeoutMs);
      // A wait that lost its race must not keep the run alive at the end.
      timer.unref();
      this.waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server.listening) return;
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
