/**
 * The gateway's refusals: status, WWW-Authenticate challenge and a JSON body (RFC 6750 §3, §3.1).
 * Every refusal carries `Cache-Control: no-store` so no intermediary replays a refusal for another caller.
 */
import type { ServerResponse } from 'node:http';

export const REALM = 'auth-ctk';

export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export interface Challenge {
  readonly error?: BearerErrorCode;
  readonly description?: string;
  /** RFC 6750 §3: the scope the resource needs (sent with insufficient_scope). */
  readonly scope?: string;
  /** Fault bare-bearer-challenge: the challenge is the scheme alone, without realm or any other auth-param. */
  readonly bare?: boolean;
  /** Fault duplicate-challenge-attribute: the error attribute is written twice. */
  readonly errorTwice?: boolean;
  /**
   * Variation challenge-with-extras (reference/variations.ts): error first, realm last, error_description always,
   * and a DPoP challenge after the Bearer one. All of it conformant: the kit must read the Bearer challenge anyway.
   */
  readonly withExtras?: boolean;
  /**
   * Variation challenge-in-separate-fields: a second challenge (an API-key scheme, as Kong's key-auth sends it) in its
   * own WWW-Authenticate field after the Bearer one. RFC 9110 §11.6.1: several challenges, in one or several fields.
   */
  readonly separateFieldChallenge?: boolean;
  /**
   * Variation challenge-resource-metadata: the URL of the gateway's protected resource metadata (RFC 9728 §5.1
   * resource_metadata auth-param), as MCP-style resource servers send in every Bearer challenge.
   */
  readonly resourceMetadata?: string;
  /**
   * RFC 9449 §7.1: the DPoP challenge of a refused DPoP request (its error first, then the Bearer challenge), or the
   * one offered beside Bearer when a DPoP-bound token came as a Bearer token.
   */
  readonly dpop?: { readonly usedScheme: 'DPoP' | 'Bearer'; readonly error: string; readonly nonce?: string };
}

/** RFC 9449 §7.1 algs: the proof algorithms the gateway verifies (dpop.ts). */
const DPOP_ALGS = 'ES256 PS256 RS256 EdDSA';

/**
 * RFC 6750 §3: error_description and scope values are limited to %x20-21 / %x23-5B / %x5D-7E; anything
 * else (quotes, backslashes, non-ASCII) is dropped so the header stays parseable.
 */
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/** `Bearer realm="auth-ctk"[, error="...", error_description="...", scope="..."]` (RFC 6750 §3). */
export function bearerChallenge(challenge: Challenge): string {
  if (challenge.bare) return 'Bearer';
  const { dpop } = challenge;
  if (dpop?.usedScheme === 'DPoP') {
    const params = [`error="${dpop.error}"`];
    if (challenge.description) params.push(`error_description="${quotable(challenge.description)}"`);
    params.push(`algs="${DPOP_ALGS}"`);
    return `DPoP ${params.join(', ')}, Bearer realm="${REALM}"`;
  }
  if (challenge.withExtras) return challengeWithExtras(challenge);
  if (dpop) return `${bearerChallenge({ ...challenge, dpop: undefined })}, DPoP algs="${DPOP_ALGS}"`;
  const params = [`realm="${REALM}"`];
  if (challenge.resourceMetadata) params.push(`resource_metadata="${challenge.resourceMetadata}"`);
  if (challenge.error) params.push(`error="${challenge.error}"`);
  // RFC 6750 §3: an attribute MUST NOT appear more than once (REQ-BEARER-15); the fault repeats error.
  if (challenge.error && challenge.errorTwice) params.push(`error="${challenge.error}"`);
  if (challenge.error && challenge.description) params.push(`error_description="${quotable(challenge.description)}"`);
  if (challenge.scope) params.push(`scope="${quotable(challenge.scope)}"`);
  return `Bearer ${params.join(', ')}`;
}

/** RFC 6750 §3: auth-params in any order; RFC 9110 §11.6.1: more than one challenge in one header field. */
function challengeWithExtras(challenge: Challenge): string {
  const params: string[] = [];
  if (challenge.error) params.push(`error="${challenge.error}"`, `error_description="${quotable(challenge.description ?? challenge.error)}"`);
  if (challenge.scope) params.push(`scope="${quotable(challenge.scope)}"`);
  if (challenge.resourceMetadata) params.push(`resource_metadata="${challenge.resourceMetadata}"`);
  params.push(`realm="${REALM}"`);
  return `Bearer ${params.join(', ')}, DPoP algs="ES256 PS256"`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

export interface Refusal {
  readonly status: 400 | 401 | 403 | 500 | 503;
  readonly challenge?: Challenge;
  /** Human-readable reason for the JSON body (may say more than the header may carry). */
  readonly detail: string;
  /** Fault no-www-authenticate: leave the challenge header out. */
  readonly omitChallenge?: boolean;
  /** Variation gateway-empty-error-body: the refusal has no body at all. */
  readonly emptyBody?: boolean;
}

export function refuse(res: ServerResponse, refusal: Refusal): void {
  const headers: Record<string, string | string[]> = {};
  if (refusal.challenge && !refusal.omitChallenge) {
    const bearer = bearerChallenge(refusal.challenge);
    headers['www-authenticate'] = refusal.challenge.separateFieldChallenge ? [bearer, `Key realm="${REALM}"`] : bearer;
  }
  // RFC 9449 §9: the nonce a use_dpop_nonce refusal asks for.
  if (refusal.challenge?.dpop?.nonce) headers['dpop-nonce'] = refusal.challenge.dpop.nonce;
  // Variation gateway-empty-error-body: RFC 6750 §3 puts the error in WWW-Authenticate and defines no body.
  if (refusal.emptyBody) {
    res.writeHead(refusal.status, { ...headers, 'content-length': 0, 'cache-control': 'no-store' });
    res.end();
    return;
  }
  const error = refusal.challenge?.error;
  const body = error
    ? { error, error_description: refusal.detail, ...(refusal.challenge?.scope ? { scope: refusal.challenge.scope } : {}) }
    : { message: refusal.detail };
  sendJson(res, refusal.status, body, headers);
}
