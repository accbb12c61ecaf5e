/**
 * Finding the bearer token in a request (RFC 6750 §2). The gateway supports the Authorization header only
 * (§2.1, the one method a resource server MUST support). It does NOT accept a token from the URI query
 * (§2.3, "SHOULD NOT be used"; RFC 9700 §4.3.2) nor from a form body (§2.2, MAY; variation body-access-token does): a token sent only that way
 * counts as no credentials, so a protected route answers 401 with a bare `Bearer` challenge (no error code,
 * §3.1). It still looks at both places, because a token sent by more than one method is a malformed request
 * (§2: clients MUST NOT use more than one method; §3.1 invalid_request -> 400).
 */
import type { IncomingMessage } from 'node:http';

export type BearerCredentials =
  | { readonly kind: 'absent'; readonly detail: string }
  | { readonly kind: 'token'; readonly token: string; readonly via: 'header' | 'query' | 'body'; readonly scheme?: 'DPoP' }
  | { readonly kind: 'malformed'; readonly detail: string; readonly cause: 'header' | 'several-methods' };

export interface CredentialOptions {
  /** RFC 9449 §7.1: the DPoP scheme carries a (DPoP-bound) token too; fault dpop-scheme-unsupported leaves it unknown. */
  readonly dpopScheme?: boolean;
  /** Fault case-sensitive-bearer: only the exact spelling "Bearer" is recognised. */
  readonly caseSensitiveScheme?: boolean;
  /** Variation query-access-token (and fault query-token-unchecked): a token in the URI query alone is used. */
  readonly acceptQueryToken?: boolean;
  /** Fault accept-token-sent-twice: header + query/body is not refused; the header's token wins. */
  readonly acceptTokenSentTwice?: boolean;
  /**
   * Variation body-access-token: a token in a form-encoded body's access_token parameter is used, as RFC 6750 §2.2
   * lets a resource server do ("MAY"), under its conditions: application/x-www-form-urlencoded, and never with GET.
   */
  readonly acceptBodyToken?: boolean;
}

/** RFC 9110 §11.2 auth-scheme = token (tchar). */
const AUTHORIZATION = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: +(.*))?$/;
/** RFC 6750 §2.1 b64token (= RFC 9110 token68). */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

type HeaderReading =
  | { readonly kind: 'none' }
  | { readonly kind: 'other-scheme'; readonly scheme: string }
  | { readonly kind: 'token'; readonly token: string; readonly scheme?: 'DPoP' }
  | { readonly kind: 'malformed'; readonly detail: string; readonly cause: 'header' };

function readAuthorizationHeader(req: IncomingMessage, options: CredentialOptions): HeaderReading {
  // headersDistinct: node joins repeated headers into one string in req.headers, hiding a second Authorization.
  const values = req.headersDistinct.authorization ?? [];
  if (values.length === 0) return { kind: 'none' };
  // RFC 9110 §5.3: Authorization is not a list; two of them is a malformed request (RFC 6750 §3.1 invalid_request).
  if (values.length > 1) return { kind: 'malformed', cause: 'header', detail: 'the request carries more than one Authorization header' };
  const match = AUTHORIZATION.exec(values[0]!.trim());
  if (!match) return { kind: 'malformed', cause: 'header', detail: 'the Authorization header is not "<scheme> <credentials>"' };
  const [, scheme, rest] = match as unknown as [string, string, string | undefined];
  // RFC 9110 §11.1: the auth-scheme is case-insensitive ("bearer", "BEARER" are Bearer).
  const isBearer = options.caseSensitiveScheme ? scheme === 'Bearer' : scheme.toLowerCase() === 'bearer';
  const isDpop = options.dpopScheme === true && scheme.toLowerCase() === 'dpop';
  if (!isBearer && !isDpop) return { kind: 'other-scheme', scheme };
  const name = isDpop ? 'DPoP' : 'Bearer';
  const credentials = rest?.trim() ?? '';
  if (credentials === '') return { kind: 'malformed', cause: 'header', detail: `the ${name} scheme carries no token` };
  // RFC 9449 §7.1: the DPoP scheme's credentials are token68 too.
  if (!B64TOKEN.test(credentials)) return { kind: 'malformed', cause: 'header', detail: `the ${name} token is not a b64token (RFC 6750 section 2.1)` };
  return isDpop ? { kind: 'token', token: credentials, scheme: 'DPoP' } : { kind: 'token', token: credentials };
}

function isFormEncoded(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded';
}

export function bearerCredentials(req: IncomingMessage, url: URL, body: Buffer, options: CredentialOptions = {}): BearerCredentials {
  const header = readAuthorizationHeader(req, options);
  if (header.kind === 'malformed') return header;
  const inQuery = url.searchParams.getAll('access_token');
  const inBody = isFormEncoded(req) && body.length > 0 ? new URLSearchParams(body.toString('utf8')).getAll('access_token') : [];

  // RFC 6750 §2: one method, once. §3.1: "uses more than one method for including an access token" -> invalid_request.
  const methods = (header.kind === 'token' ? 1 : 0) + (inQuery.length > 0 ? 1 : 0) + (inBody.length > 0 ? 1 : 0);
  const repeated = inQuery.length > 1 || inBody.length > 1;
  if ((methods > 1 || repeated) && !(options.acceptTokenSentTwice && header.kind === 'token')) {
    return { kind: 'malformed', cause: 'several-methods', detail: 'the access token is sent by more than one method' };
  }

  if (header.kind === 'token') return { kind: 'token', token: header.token, via: 'header', ...(header.scheme ? { scheme: header.scheme } : {}) };
  if (inQuery.length > 0) {
    if (options.acceptQueryToken) return { kind: 'token', token: inQuery[0]!, via: 'query' };
    return { kind: 'absent', detail: 'access tokens in the URI query are not accepted (RFC 6750 section 2.3); use the Authorization header' };
  }
  if (inBody.length > 0) {
    if (options.acceptBodyToken && req.method !== 'GET') return { kind: 'token', token: inBody[0]!, via: 'body' };
    return { kind: 'absent', detail: 'access tokens in a form body are not accepted (RFC 6750 section 2.2); use the Authorization header' };
  }
  if (header.kind === 'other-scheme') {
    return { kind: 'absent', detail: `the Authorization scheme "${header.scheme}" is not Bearer` };
  }
  return { kind: 'absent', detail: 'the request carries no access token' };
}

/** The form body without its access_token parameter: like the query's (upstream.ts), a token never reaches the component. */
export function bodyWithoutToken(body: Buffer): Buffer {
  const form = new URLSearchParams(body.toString('utf8'));
  form.delete('access_token');
  return Buffer.from(form.toString(), 'utf8');
}
