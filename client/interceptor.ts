/**
 * An undici interceptor that handles the access token transparently, as seed 001 recommends ("typically
 * handled through an interceptor on the API calls which makes the refreshes transparent"):
 *
 *   const dispatcher = new Agent().compose(
 *     clientCredentials({ tokenUrl, clientId, clientSecret, apiOrigins: ['https://api.example.com'] }),
 *     interceptors.redirect({ maxRedirections: 3 }),
 *   );
 *   const res = await request('https://api.example.com/items', { dispatcher });
 *
 * - The token goes only to the API origins it is for (RFC 6749 §10.3): a request to any other origin,
 *   a redirect to another host included, passes through untouched.
 * - 401 with WWW-Authenticate error="invalid_token": the token is dropped, ONE new token is fetched (shared
 *   by concurrent requests) and the request is sent again once; a second 401 reaches the caller (no loop).
 *   403 insufficient_scope and 400 invalid_request reach the caller as they are: a new token does not help.
 * - 429 with Retry-After from the API: no request to that origin is sent before the time has passed; an
 *   idempotent request is retried once after it (when the wait is within maxRetryAfterMs).
 * - No token to be had (IdP down, rate-limited beyond maxWaitMs): the request fails with
 *   TokenUnavailableError, so the application can serve its cache (seed 002); see FallbackCache.
 * - The API cannot be reached (connection refused or reset, TLS handshake failed: seed 001's blocked IP, seed
 *   002's services down): requests to that origin fail at once with ApiUnavailableError for a back-off that
 *   doubles from 500 ms to 10 s, instead of hitting a blocked or down server at the application's pace.
 */
import type { Dispatcher } from 'undici';
import { TokenSource, TokenUnavailableError, retryAfterMs, type TokenSourceOptions } from './token-source.ts';

export type ClientCredentialsOptions = {
  /** Origins (scheme://host:port) of the API the token is for. Requests to any other origin get no token. */
  readonly apiOrigins: readonly (string | URL)[];
  /** Longest Retry-After (API 429) an idempotent request waits out and is retried after (default 30 s). */
  readonly maxRetryAfterMs?: number;
  /** Back-off after the API could not be reached: first delay and cap (default 500 ms doubling to 10 s). */
  readonly unreachableBackoff?: { readonly initialMs?: number; readonly maxMs?: number };
} & (
  /** Token endpoint and credentials: the interceptor makes its own TokenSource. */
  | TokenSourceOptions
  /** Or a TokenSource shared with other code (to close it, watch its events). */
  | { readonly tokenSource: TokenSource }
);

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;
type Headers = Record<string, string | string[]>;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The API origin could not be reached a moment ago; no request is sent to it before `retryAt` (epoch ms). */
export class ApiUnavailableError extends Error {
  readonly origin: string;
  readonly retryAt: number;
  constructor(origin: string, retryAt: number, cause?: unknown) {
    super(`${origin} could not be reached (${(cause as Error | undefined)?.message ?? 'connection failed'}); next attempt in ${Math.max(0, retryAt - Date.now())} ms`, cause === undefined ? undefined : { cause });
    this.name = 'ApiUnavailableError';
    this.origin = origin;
    this.retryAt = retryAt;
  }
}

/** Connection-level failures: no HTTP answer at all (refused, reset, timed out, TLS handshake failed). */
const UNREACHABLE = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|EPROTO|ERR_SSL_|ERR_TLS_|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT|UND_ERR_CLOSED)/;

/** True for an error that says the server could not be reached, not that it answered. */
export function isUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return UNREACHABLE.test(String(e?.code ?? '')) || UNREACHABLE.test(String(e?.cause?.code ?? ''));
}

/** The error code of a Bearer challenge (RFC 6750 §3), lower-cased; undefined when there is none. */
export function bearerError(header: string | string[] | undefined): string | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const value of values) {
    if (!/^\s*bearer\b/i.test(value)) continue;
    const m = /\berror\s*=\s*(?:"([^"]*)"|([^\s,]+))/i.exec(value);
    if (m) return (m[1] ?? m[2] ?? '').toLowerCase();
  }
  return undefined;
}

/** Request headers in any form undici accepts, as a plain object with lower-case names. */
function headersObject(headers: Dispatcher.DispatchOptions['headers']): Headers {
  const out: Headers = {};
  const add = (name: string, value: unknown) => {
    if (value === undefined || value === null) return;
    const key = name.toLowerCase();
    const v = Array.isArray(value) ? value.map(String) : String(value);
    const prev = out[key];
    out[key] = prev === undefined ? v : ([] as string[]).concat(prev, v);
  };
  if (!headers) return out;
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) for (const [k, v] of headers as unknown as [string, string][]) add(k, v);
    else for (let i = 0; i < headers.length; i += 2) add(String(headers[i]), headers[i + 1]);
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of headers as Iterable<[string, string]>) add(k, v);
  } else {
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) add(k, v);
  }
  return out;
}

function originOf(opts: Dispatcher.DispatchOptions): string | undefined {
  if (!opts.origin) return undefined;
  try {
    return new URL(String(opts.origin)).origin;
  } catch {
    return undefined;
  }
}

/** A body that can be sent twice (for the retry after a 401 or 429). Streams cannot. */
const replayable = (body: Dispatcher.DispatchOptions['body']) => body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;

/** What all requests through one interceptor share. */
interface Shared {
  readonly tokens: TokenSource;
  readonly maxRetryAfterMs: number;
  /** Per origin: no request before this time (epoch ms), from a 429's Retry-After. */
  readonly blockedUntil: Map<string, number>;
  /** Per origin that could not be reached: failures in a row, and no request before `until` (epoch ms). */
  readonly unreachable: Map<string, { failures: number; until: number; cause: unknown }>;
  readonly unreachableBackoff: { readonly initialMs: number; readonly maxMs: number };
}

export function clientCredentials(options: ClientCredentialsOptions): Dispatcher.DispatcherComposeInterceptor {
  const tokens = 'tokenSource' in options ? options.tokenSource : new TokenSource(options);
  const origins = new Set(options.apiOrigins.map((o) => new URL(String(o)).origin));
  if (origins.size === 0) throw new TypeError('clientCredentials: apiOrigins must name at least one API origin');
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const shared: Shared = {
    tokens,
    maxRetryAfterMs,
    blockedUntil: new Map(),
    unreachable: new Map(),
    unreachableBackoff: { initialMs: options.unreachableBackoff?.initialMs ?? 500, maxMs: options.unreachableBackoff?.maxMs ?? 10_000 },
  };

  return (dispatch) =>
    function clientCredentialsInterceptor(opts: Dispatcher.DispatchOptions, handler: Handler): boolean {
      const origin = originOf(opts);
      const headers = headersObject(opts.headers);
      // Not our API, or the caller brought its own credentials: hands off.
      if (!origin || !origins.has(origin) || headers.authorization !== undefined) return dispatch(opts, handler);
      void new Exchange(shared, dispatch, opts, headers, handler, origin).run();
      return true;
    };
}

/** One request through the interceptor: at most one re-authentication and one Retry-After retry. */
class Exchange {
  readonly #shared: Shared;
  readonly #dispatch: Dispatcher.Dispatch;
  readonly #opts: Dispatcher.DispatchOptions;
  readonly #headers: Headers;
  readonly #handler: Handler;
  readonly #origin: string;
  #reauthenticated = false;
  #rateRetried = false;

  constructor(shared: Shared, dispatch: Dispatcher.Dispatch, opts: Dispatcher.DispatchOptions, headers: Headers, handler: Handler, origin: string) {
    this.#shared = shared;
    this.#dispatch = dispatch;
    this.#opts = opts;
    this.#headers = headers;
    this.#handler = handler;
    this.#origin = origin;
  }

  async run(): Promise<void> {
    try {
      const down = this.#shared.unreachable.get(this.#origin);
      if (down && Date.now() < down.until) throw new ApiUnavailableError(this.#origin, down.until, down.cause);
      const wait = (this.#shared.blockedUntil.get(this.#origin) ?? 0) - Date.now();
      if (wait > 0) await sleep(wait);
      const token = await this.#shared.tokens.getToken();
      this.#send(token);
    } catch (error) {
      this.#handler.onResponseError?.(null as unknown as Controller, error as Error);
    }
  }

  #send(token: string): void {
    const opts = { ...this.#opts, headers: { ...this.#headers, authorization: `Bearer ${token}` } };
    this.#dispatch(opts, new AttemptHandler(this, token));
  }

  /** Decides, from the status line, whether this response goes to the caller or is replaced by a retry. */
  verdict(status: number, headers: Record<string, string | string[] | undefined>, token: string): (() => Promise<void>) | undefined {
    if (status === 401 && bearerError(headers['www-authenticate']) === 'invalid_token') {
      this.#shared.tokens.invalidate(token, { refusedWhenFresh: this.#reauthenticated });
      if (this.#reauthenticated || !replayable(this.#opts.body)) return undefined;
      this.#reauthenticated = true;
      return async () => {
        try {
          this.#send(await this.#shared.tokens.getToken());
        } catch (error) {
          this.#handler.onResponseError?.(null as unknown as Controller, error as Error);
        }
      };
    }
    if (status === 429) {
      const delay = retryAfterMs(headers['retry-after']);
      if (delay === undefined) return undefined;
      this.#shared.blockedUntil.set(this.#origin, Math.max(this.#shared.blockedUntil.get(this.#origin) ?? 0, Date.now() + delay));
      if (this.#rateRetried || delay > this.#shared.maxRetryAfterMs || !IDEMPOTENT.has(String(this.#opts.method).toUpperCase()) || !replayable(this.#opts.body)) return undefined;
      this.#rateRetried = true;
      return () => this.run();
    }
    return undefined;
  }

  /** The origin answered: whatever it said, it can be reached. */
  reached(): void {
    this.#shared.unreachable.delete(this.#origin);
  }

  /** The request failed without an answer: back off from this origin if it could not be reached. */
  failed(error: Error): void {
    if (!isUnreachable(error)) return;
    const { initialMs, maxMs } = this.#shared.unreachableBackoff;
    const failures = (this.#shared.unreachable.get(this.#origin)?.failures ?? 0) + 1;
    const delay = Math.round(Math.min(maxMs, initialMs * 2 ** (failures - 1)) * (0.8 + Math.random() * 0.4));
    this.#shared.unreachable.set(this.#origin, { failures, until: Date.now() + delay, cause: error });
  }

  get handler(): Handler {
    return this.#handler;
  }
}

/**
 * Handler of one attempt. Forwards everything to the caller's handler, except a response that is to be
 * replaced by a retry: that one is read to its end and dropped, then the retry starts.
 */
class AttemptHandler implements Handler {
  readonly #exchange: Exchange;
  readonly #token: string;
  #retry?: () => Promise<void>;

  constructor(exchange: Exchange, token: string) {
    this.#exchange = exchange;
    this.#token = token;
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#exchange.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Controller, statusCode: number, headers: Record<string, string | string[] | undefined>, socket: import('node:stream').Duplex): void {
    this.#exchange.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Controller, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    this.#exchange.reached();
    if (statusCode >= 200) this.#retry = this.#exchange.verdict(statusCode, headers, this.#token);
    if (!this.#retry) this.#exchange.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (!this.#retry) this.#exchange.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: Record<string, string | string[] | undefined>): void {
    if (this.#retry) void this.#retry();
    else this.#exchange.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Controller, error: Error): void {
    this.#exchange.failed(error);
    this.#exchange.handler.onResponseError?.(controller, error);
  }
}

export { TokenUnavailableError };
