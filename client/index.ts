/**
 * auth-ctk reference client: client-credentials tokens handled transparently for undici, as seed 001
 * recommends, with a fallback cache for outages as seed 002 describes. See client/README.md.
 */
export { clientCredentials, bearerError, ApiUnavailableError, isUnreachable, type ClientCredentialsOptions } from './interceptor.ts';
export {
  TokenSource,
  TokenRequestError,
  TokenUnavailableError,
  retryAfterMs,
  basicCredentials,
  type TokenSourceOptions,
  type TokenEvent,
  type ClientAuthMethod,
} from './token-source.ts';
export { FallbackCache, HttpStatusError, isUnavailable, type Loaded } from './cache.ts';
