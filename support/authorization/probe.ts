/**
 * Plain HTTP requests to the authorization endpoint (RFC 6749 §4.1.1), no browser: the kit sends the GET the
 * browser would send and reads the server's first answer without following it. Whatever the server decides
 * before any login page — a refused redirect_uri, a refused PKCE parameter — is visible there:
 *   - a 3xx whose Location points at the redirect_uri sent: the server redirects to it (an authorization
 *     response, RFC 6749 §4.1.2, or an error response, §4.1.2.1);
 *   - a 3xx elsewhere, or a 2xx: the server goes on to its login page;
 *   - a 4xx/5xx: an error page (RFC 6749 §4.1.2.1: the user is informed, nothing is redirected).
 * A 200 error page looks like a login page here; the judges never rely on telling those two apart alone.
 */
import type { CtkWorld } from '../world.ts';
import type { ApplicationType, ClientCredentials } from '../target/target.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { s256Challenge, codeVerifier, stateValue } from '../browser/pkce.ts';
import { DEFAULT_REDIRECT_URI } from '../browser/human-login.ts';
import { isPublicClient } from '../oauth/token-client.ts';

export type AuthorizationAnswer =
  /** A 3xx to the redirect_uri that was sent: the response (code or error) is delivered to it. */
  | { readonly kind: 'redirected'; readonly location: URL; readonly params: URLSearchParams }
  /** A 3xx to somewhere else (the IdP's own login page, or another URI than the one sent). */
  | { readonly kind: 'elsewhere'; readonly location: string }
  /** A 2xx page: a login page, or an error page served with 200. */
  | { readonly kind: 'page'; readonly status: number }
  /** A 4xx/5xx: an error page. */
  | { readonly kind: 'error-page'; readonly status: number }
  | { readonly kind: 'no-answer'; readonly detail: string };

export interface AuthorizationProbe {
  readonly exchange: Exchange;
  /** The redirect_uri the request carried. */
  readonly redirectUri: string;
  readonly answer: AuthorizationAnswer;
}

/** A client that starts authorization requests, with the redirect URI registered for it. */
export interface AuthorizingClient {
  readonly role: string;
  readonly client: ClientCredentials;
  readonly redirectUri: string;
  /** How the IdP registered it (the profile's applicationType), where the profile says. */
  readonly applicationType?: ApplicationType;
}

export const webClient = (world: CtkWorld): AuthorizingClient => {
  const web = world.target.clients.web;
  if (!web) throw new NotTestableError('the target names no web front end client (clients.web)', { remedy: 'describe the client the front end logs humans in with in the target profile' });
  return { role: 'clients.web', client: web, redirectUri: web.redirectUri ?? DEFAULT_REDIRECT_URI, ...(web.applicationType ? { applicationType: web.applicationType } : {}) };
};

/** The public client that starts authorization requests: clients.web when it is public, else clients.publicWeb. */
export const publicClient = (world: CtkWorld): AuthorizingClient => {
  const { web, publicWeb } = world.target.clients;
  if (web && isPublicClient(web)) return webClient(world);
  if (!publicWeb) {
    throw new NotTestableError('the target profile names no public client that logs humans in (clients.web is confidential and clients.publicWeb is absent)', {
      remedy: 'name a public client (tokenEndpointAuthMethod: none) allowed the authorization code grant as clients.publicWeb',
    });
  }
  return { role: 'clients.publicWeb', client: publicWeb, redirectUri: publicWeb.redirectUri ?? DEFAULT_REDIRECT_URI, ...(publicWeb.applicationType ? { applicationType: publicWeb.applicationType } : {}) };
};

function endpointOf(world: CtkWorld): string {
  const endpoint = world.target.authorizationEndpoint ?? world.target.browserLogin?.loginUrl;
  if (!endpoint) throw new NotTestableError('the target names no authorization endpoint', { remedy: 'add authorizationEndpoint (or browserLogin.loginUrl) to the target profile' });
  return endpoint;
}

/**
 * The authorization request of RFC 6749 §4.1.1 with an S256 challenge (RFC 7636 §4.3), as the kit's front end
 * sends it, changed by `overrides` (a value of null leaves the parameter out).
 */
export function authorizationUrl(world: CtkWorld, who: AuthorizingClient, overrides: Readonly<Record<string, string | null>> = {}): string {
  const url = new URL(endpointOf(world));
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: who.client.clientId,
    redirect_uri: who.redirectUri,
    scope: world.target.browserLogin?.scope ?? who.client.scopes.join(' '),
    code_challenge: s256Challenge(codeVerifier()),
    code_challenge_method: 'S256',
    state: stateValue(),
    ...(world.target.browserLogin?.extraParams ?? {}),
    ...overrides,
  };
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

/** Does `location` deliver to `uri`: same origin and path, and every query parameter of `uri` kept? */
export function pointsAt(location: URL, uri: string): boolean {
  const target = new URL(uri);
  if (location.origin !== target.origin || location.pathname !== target.pathname) return false;
  return [...target.searchParams].every(([key, value]) => location.searchParams.getAll(key).includes(value));
}

/** The response parameters of a redirect: the query's, or the fragment's (response_mode fragment). */
function responseParams(location: URL): URLSearchParams {
  const params = new URLSearchParams(location.search);
  if (location.hash.length > 1) for (const [key, value] of new URLSearchParams(location.hash.slice(1))) params.append(key, value);
  return params;
}

export function classify(exchange: Exchange, redirectUri: string): AuthorizationAnswer {
  const response = exchange.response;
  if (!response) return { kind: 'no-answer', detail: describeOutcome(exchange) };
  if (response.status >= 300 && response.status < 400 && response.headers.location) {
    const location = new URL(response.headers.location, exchange.request.url);
    if (pointsAt(location, redirectUri)) return { kind: 'redirected', location, params: responseParams(location) };
    return { kind: 'elsewhere', location: location.origin + location.pathname };
  }
  if (response.status >= 400) return { kind: 'error-page', status: response.status };
  return { kind: 'page', status: response.status };
}

/** Sends one authorization request and reads the first answer (redirects are not followed). */
export async function probeAuthorization(world: CtkWorld, who: AuthorizingClient, overrides: Readonly<Record<string, string | null>> = {}): Promise<AuthorizationProbe> {
  const redirectUri = overrides.redirect_uri ?? who.redirectUri;
  const exchange = await world.send({ method: 'GET', url: authorizationUrl(world, who, overrides), headers: { accept: 'text/html' } });
  return { exchange, redirectUri, answer: classify(exchange, redirectUri) };
}

/** The server refused the request: an error page, or an error response delivered to the redirect URI. */
export const isRefusal = (answer: AuthorizationAnswer): boolean =>
  answer.kind === 'error-page' || (answer.kind === 'redirected' && answer.params.has('error'));

/** The server went on towards a login (its login page, or a redirect to it). */
export const goesOnToLogin = (answer: AuthorizationAnswer): boolean => answer.kind === 'page' || answer.kind === 'elsewhere';

/** One line for evidence: what the first answer was, never a code. */
export function describeAnswer(probe: AuthorizationProbe): string {
  const a = probe.answer;
  switch (a.kind) {
    case 'redirected':
      return `HTTP ${probe.exchange.response!.status} redirect to ${a.location.origin}${a.location.pathname} (the redirect_uri sent)` +
        (a.params.has('error') ? ` with error=${a.params.get('error')}` : a.params.has('code') ? ' with a code' : '');
    case 'elsewhere':
      return `HTTP ${probe.exchange.response!.status} redirect to ${a.location}`;
    case 'page':
      return `HTTP ${a.status} page (a login page, or an error page served with ${a.status})`;
    case 'error-page':
      return `HTTP ${a.status} error page`;
    case 'no-answer':
      return a.detail;
  }
}
