/**
 * Client-credentials tokens for one client, the way seed 001 tells integrations to handle them:
 * fetch on first use; renew when ~85% of expires_in has elapsed (inside the seed's 80-90% window);
 * one token request at a time however many callers wait (single flight); a new token at once when the API
 * says the current one is invalid (`invalidate`); no token request before a 429's Retry-After has passed;
 * exponential back-off while the IdP fails, keeping the current token as long as it is valid; no retry for
 * minutes once the IdP rejected the client's credentials (invalid_client).
 */
import { Agent, request, type Dispatcher } from 'undici';

export type ClientAuthMethod = 'basic' | 'body';

export interface TokenSourceOptions {
  /** The token endpoint (seed 001: "Token URL"). */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Space-separated scopes to ask for; omitted = the client's default scope. */
  readonly scope?: string;
  /** HTTP Basic (default: RFC 6749 §2.3.1, every server MUST support it) or client_id/client_secret in the body. */
  readonly authMethod?: ClientAuthMethod;
  /** Fraction of expires_in after which the token is renewed: 0.85 (seed 001: 80-90%). */
  readonly renewAt?: number;
  /** Lifetime assumed when the response has no expires_in; undefined = renew only when the API refuses it. */
  readonly defaultExpiresInSeconds?: number;
  /**
   * false: ignore expires_in and keep a token until the API refuses it (seed 001 guideline 2 only), for
   * servers whose expires_in cannot be trusted. Default true: renew before expiry (guideline 1, recommended).
   */
  readonly useExpiresIn?: boolean;
  /** How long a caller may wait for a 429's Retry-After before getting TokenUnavailableError (default 10 s). */
  readonly maxWaitMs?: number;
  /** Back-off after a failed token request: first delay and cap (default 500 ms doubling to 30 s). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /**
   * Pause after the token endpoint rejected the client itself (invalid_client, unauthorized_client: a rotated
   * or wrong secret), default 5 minutes. Asking again with the same secret cannot succeed, and seed 001's IdP
   * blocks an IP after "continuous failed login attempts"; a new secret means new options (a restart).
   */
  readonly rejectedPauseMs?: number;
  /** Timeout of one token request (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Dispatcher for token requests (default: a private undici Agent). */
  readonly dispatcher?: Dispatcher;
  /** Observability: every token request and its outcome. */
  readonly onEvent?: (event: TokenEvent) => void;
}

export type TokenEvent =
  | { readonly type: 'token'; readonly expiresInSeconds?: number; readonly renewal: boolean }
  | { readonly type: 'token-error'; readonly error: TokenRequestError; readonly retryInMs: number };

/** The token endpoint did not give a token (HTTP error or no answer). */
export class TokenRequestError extends Error {
  /** HTTP status, or undefined when there was no HTTP answer (connection refused/reset, timeout). */
  readonly status?: number;
  /** OAuth error code from the body (invalid_client, ...), when there is one. */
  readonly error?: string;
  constructor(message: string, fields: { status?: number; error?: string; cause?: unknown } = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'TokenRequestError';
    if (fields.status !== undefined) this.status = fields.status;
    if (fields.error !== undefined) this.error = fields.error;
  }
}

/** No valid token can be had right now: the IdP is down, rate-limited or refusing. Serve from a cache. */
export class TokenUnavailableError extends Error {
  /** When a token request will be tried again (epoch ms). */
  readonly retryAt: number;
  constructor(message: string, retryAt: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TokenUnavailableError';
    this.retryAt = retryAt;
  }
}

interface Token {
  readonly value: string;
  /** Renew from here on (epoch ms). */
  readonly renewAt: number;
  /** Do not send it from here on (epoch ms): a little before the real expiry. */
  readonly usableUntil: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they become the Basic user and password. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

export class TokenSource {
  readonly #options: TokenSourceOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownDispatcher: boolean;
  #current?: Token;
  #inflight?: Promise<Token>;
  #timer?: NodeJS.Timeout;
  /** No token request before this (epoch ms): a 429's Retry-After. Callers may wait for it. */
  #retryAfterUntil = 0;
  /** No token request before this (epoch ms): our own back-off after failures. Callers do not wait. */
  #backoffUntil = 0;
  #failures = 0;
  #lastError?: TokenRequestError;
  #usedSinceIssue = false;
  #closed = false;

  constructor(options: TokenSourceOptions) {
    const renewAt = options.renewAt ?? 0.85;
    if (!(renewAt > 0 && renewAt < 1)) throw new RangeError(`renewAt must be a fraction between 0 and 1, got ${renewAt}`);
    this.#options = { ...options, renewAt };
    this.#ownDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 4_000 });
  }

  /** A valid access token: the current one, or a new one (single flight). Throws TokenUnavailableError. */
  async getToken(): Promise<string> {
    return this.#getToken(Date.now() + (this.#options.maxWaitMs ?? 10_000));
  }

  async #getToken(deadline: number): Promise<string> {
    if (this.#closed) throw new Error('TokenSource is closed');
    const now = Date.now();
    const current = this.#current;
    if (current && now < current.usableUntil) {
      this.#usedSinceIssue = true;
      // Timer missed (process busy, timer unref'd and nothing else alive)? Renew in the background now.
      if (now >= current.renewAt && !this.#inflight && now >= this.#notBefore()) this.#refreshInBackground();
      return current.value;
    }
    if (this.#inflight) {
      try {
        return (await this.#inflight).value;
      } catch (error) {
        throw new TokenUnavailableError(`no token: ${(error as Error).message}`, this.#notBefore(), error);
      }
    }
    if (now < this.#backoffUntil) {
      throw new TokenUnavailableError(`no token: the token endpoint failed (${this.#lastError?.message ?? 'unknown'}); next attempt in ${this.#backoffUntil - now} ms`, this.#backoffUntil, this.#lastError);
    }
    if (now < this.#retryAfterUntil) {
      // The server said when (429 Retry-After): wait for it if the caller's patience allows, else give up now.
      if (this.#retryAfterUntil > deadline) {
        throw new TokenUnavailableError(`no token: the token endpoint asked to retry after ${this.#retryAfterUntil - now} ms`, this.#retryAfterUntil, this.#lastError);
      }
      await sleep(this.#retryAfterUntil - now);
      return this.#getToken(deadline);
    }
    try {
      return (await this.#fetch(false)).value;
    } catch (error) {
      if (error instanceof TokenRequestError && error.status === 429 && this.#retryAfterUntil <= deadline) return this.#getToken(deadline);
      throw new TokenUnavailableError(`no token: ${(error as Error).message}`, this.#notBefore(), error);
    }
  }

  /**
   * The API refused `token` as invalid (401 invalid_token): forget it, so the next getToken() fetches a new
   * one. A token that was already replaced is ignored, so concurrent 401s cause one token request.
   * `refusedWhenFresh`: the API refused a token fetched for this very retry; new tokens will not help soon
   * (wrong audience, clock skew), so back off like after a failed token request instead of asking again.
   */
  invalidate(token: string, options: { refusedWhenFresh?: boolean } = {}): void {
    if (this.#current?.value !== token) return;
    this.#current = undefined;
    clearTimeout(this.#timer);
    if (options.refusedWhenFresh) this.#failed(new TokenRequestError('the API refused a freshly issued token (401 invalid_token)'));
  }

  /** Stops the renewal timer and closes the private dispatcher. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#ownDispatcher) await this.#dispatcher.close();
  }

  #notBefore(): number {
    return Math.max(this.#retryAfterUntil, this.#backoffUntil);
  }

  #refreshInBackground(): void {
    this.#fetch(true).catch(() => {
      // Keep the current token while it is valid; #fetch scheduled the next attempt.
    });
  }

  #fetch(renewal: boolean): Promise<Token> {
    if (!this.#inflight) {
      this.#inflight = this.#request(renewal).finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  async #request(renewal: boolean): Promise<Token> {
    const o = this.#options;
    const params = new URLSearchParams({ grant_type: 'client_credentials' });
    if (o.scope) params.set('scope', o.scope);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if ((o.authMethod ?? 'basic') === 'basic') headers.authorization = basicCredentials(o.clientId, o.clientSecret);
    else {
      params.set('client_id', o.clientId);
      params.set('client_secret', o.clientSecret);
    }
    const sentAt = Date.now();
    let status: number;
    let text: string;
    let retryAfter: number | undefined;
    try {
      const timeout = o.requestTimeoutMs ?? 10_000;
      const res = await request(o.tokenUrl, {
        method: 'POST',
        headers,
        body: params.toString(),
        dispatcher: this.#dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      status = res.statusCode;
      text = await res.body.text();
      retryAfter = retryAfterMs(res.headers['retry-after']);
    } catch (cause) {
      throw this.#failed(new TokenRequestError(`token request failed: ${(cause as Error).message}`, { cause }));
    }
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (status !== 200 || typeof json?.access_token !== 'string' || !/^bearer$/i.test(String(json.token_type ?? ''))) {
      const error = typeof json?.error === 'string' ? json.error : undefined;
      const rejected = error === 'invalid_client' || error === 'unauthorized_client';
      throw this.#failed(
        new TokenRequestError(`token endpoint answered ${status}${error ? ` ${error}` : status === 200 ? ' without a bearer access_token' : ''}`, { status, ...(error ? { error } : {}) }),
        status === 429 ? retryAfter : undefined,
        rejected ? (o.rejectedPauseMs ?? 300_000) : undefined,
      );
    }
    const receivedAt = Date.now();
    const stated = o.useExpiresIn === false ? undefined : Number(json.expires_in) > 0 ? Number(json.expires_in) : undefined;
    const expiresIn = stated ?? o.defaultExpiresInSeconds;
    let token: Token;
    if (expiresIn === undefined) {
      token = { value: json.access_token, renewAt: Infinity, usableUntil: Infinity };
    } else {
      const lifetime = expiresIn * 1000;
      // Renew at 85% of the lifetime counted from receipt; stop using it a little before expiry counted from
      // when the request was sent (the server's clock started no later than that).
      token = {
        value: json.access_token,
        renewAt: receivedAt + lifetime * o.renewAt!,
        usableUntil: sentAt + lifetime - Math.min(1_000, lifetime * 0.05),
      };
    }
    this.#current = token;
    this.#failures = 0;
    this.#lastError = undefined;
    this.#usedSinceIssue = false;
    this.#schedule(token.renewAt);
    o.onEvent?.({ type: 'token', ...(expiresIn !== undefined ? { expiresInSeconds: expiresIn } : {}), renewal });
    return token;
  }

  /** Records a failure: Retry-After for a 429, a long pause for a rejected client, else exponential back-off. */
  #failed(error: TokenRequestError, retryAfter?: number, pauseMs?: number): TokenRequestError {
    const now = Date.now();
    this.#lastError = error;
    let delay: number;
    if (pauseMs !== undefined) {
      delay = pauseMs;
      this.#backoffUntil = now + delay;
    } else if (retryAfter !== undefined) {
      delay = retryAfter;
      this.#retryAfterUntil = now + retryAfter;
    } else {
      const initial = this.#options.backoff?.initialMs ?? 500;
      const max = this.#options.backoff?.maxMs ?? 30_000;
      delay = Math.min(max, initial * 2 ** this.#failures);
      delay = Math.round(delay * (0.8 + Math.random() * 0.4)); // jitter: many clients do not retry in lockstep
      this.#backoffUntil = now + delay;
      if (error.status === 429) this.#retryAfterUntil = now + delay;
    }
    this.#failures += 1;
    if (this.#current && now < this.#current.usableUntil) this.#schedule(now + delay);
    this.#options.onEvent?.({ type: 'token-error', error, retryInMs: delay });
    return error;
  }

  #schedule(at: number): void {
    clearTimeout(this.#timer);
    if (!Number.isFinite(at) || this.#closed) return;
    this.#timer = setTimeout(() => {
      // Renew only a token somebody uses: an idle client lets it lapse and fetches on next use.
      const current = this.#current;
      if (!current || !this.#usedSinceIssue || Date.now() < this.#notBefore()) {
        if (current && Date.now() < this.#notBefore()) this.#schedule(this.#notBefore());
        return;
      }
      this.#refreshInBackground();
    }, Math.max(0, at - Date.now()));
    this.#timer.unref();
  }
}
