/**
 * Seed 002: the app "will continue to function as expected due to the code shipping with default caches"
 * when the identity service or the API is down. A FallbackCache holds the value the code ships with,
 * replaces it with every fresh value from the API, and serves it whenever the API cannot be reached with
 * a valid token.
 *
 *   const catalog = new FallbackCache(DEFAULT_CATALOG);
 *   const { value, source } = await catalog.load(async () => fetchCatalog());   // source: 'api' | 'cache'
 */
import { TokenUnavailableError } from './token-source.ts';
import { ApiUnavailableError } from './interceptor.ts';

/** The API answered with a status the loader does not turn into a value. */
export class HttpStatusError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`the API answered ${status}`);
    this.name = 'HttpStatusError';
    this.status = status;
  }
}

const TRANSPORT = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|EPROTO|ERR_SSL_|ERR_TLS_|UND_ERR_)/;

/**
 * "The service is not available right now": no token to be had, no HTTP answer, 5xx, or 429. Other errors
 * (401/403/400 after the interceptor did what it could, a bug in the loader) are not hidden behind the cache.
 */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof TokenUnavailableError || error instanceof ApiUnavailableError) return true;
  if (error instanceof HttpStatusError) return error.status >= 500 || error.status === 429;
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = String(e?.code ?? e?.cause?.code ?? '');
  return TRANSPORT.test(code);
}

export interface Loaded<T> {
  readonly value: T;
  readonly source: 'api' | 'cache';
  /** Why the cache served, when it did. */
  readonly error?: unknown;
}

export class FallbackCache<T> {
  #value: T;
  #updatedAt?: number;

  constructor(shippedDefault: T) {
    this.#value = shippedDefault;
  }

  get value(): T {
    return this.#value;
  }

  /** When the value last came from the API (epoch ms); undefined while it is still the shipped default. */
  get updatedAt(): number | undefined {
    return this.#updatedAt;
  }

  /** Runs `loader`; a fresh value replaces the cache; an unavailable service serves the cache; other errors throw. */
  async load(loader: () => Promise<T>): Promise<Loaded<T>> {
    try {
      const value = await loader();
      this.#value = value;
      this.#updatedAt = Date.now();
      return { value, source: 'api' };
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      return { value: this.#value, source: 'cache', error };
    }
  }
}
