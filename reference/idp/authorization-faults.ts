/**
 * Faults of the authorization endpoint (issue 20), each a small override of what oidc-provider does right, and
 * each naming the requirement it breaks (reference/idp/faults.ts lists them). Every function leaves the correct
 * behaviour alone unless its fault is active.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { ClientRegistry } from './clients.ts';
import type { IdpFaults } from './faults.ts';
import type { ReferenceFixtures } from '../fixtures.ts';

/**
 * REQ-AUTHZ-01/-02 (RFC 6749 §4.1.2.1, RFC 9700 §4.1.3): oidc-provider matches redirect_uri exactly (a loopback
 * port aside). Fault redirect-uri-any-accepted accepts any URI; fault redirect-uri-prefix-match any URI that
 * starts with a registered one (the classic "startsWith" validation).
 */
export function injectRedirectUriFaults(provider: Provider, faults: IdpFaults): void {
  if (!faults.has('redirect-uri-any-accepted') && !faults.has('redirect-uri-prefix-match')) return;
  const prototype = provider.Client.prototype as unknown as { redirectUriAllowed(value: string): boolean; redirectUris?: string[] };
  const exact = prototype.redirectUriAllowed;
  prototype.redirectUriAllowed = function (this: { redirectUris?: string[] }, value: string) {
    if (exact.call(this, value)) return true;
    if (faults.has('redirect-uri-any-accepted')) return true;
    return (this.redirectUris ?? []).some((registered) => value.startsWith(registered));
  };
}

/** REQ-AUTHZ-03 (RFC 9700 §2.1.1): PKCE is required of every client; the fault lets public clients go without. */
export function pkceRequired(faults: IdpFaults, client: { clientAuthMethod?: string } | undefined): boolean {
  if (faults.has('pkce-not-checked')) return false;
  return !(faults.has('pkce-optional-for-public-clients') && client?.clientAuthMethod === 'none');
}

/**
 * REQ-AUTHZ-04 (RFC 9700 §2.1.1): oidc-provider supports S256 only. Fault pkce-plain-accepted takes a plain
 * challenge as the S256 challenge of the same verifier, so a plain flow works end to end.
 */
export function acceptPlainChallenge(req: IncomingMessage, url: URL, faults: IdpFaults): void {
  if (!faults.has('pkce-plain-accepted') || url.searchParams.get('code_challenge_method') !== 'plain') return;
  const challenge = url.searchParams.get('code_challenge') ?? '';
  url.searchParams.set('code_challenge', createHash('sha256').update(challenge, 'ascii').digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  req.url = `${url.pathname}?${url.searchParams}`;
}

/** REQ-AUTHZ-06 (RFC 9207 §2): fault authorization-response-without-iss drops iss from every authorization response. */
export function dropIssFromAuthorizationResponse(res: ServerResponse, faults: IdpFaults): void {
  if (!faults.has('authorization-response-without-iss')) return;
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => {
    if (name.toLowerCase() === 'location' && typeof value === 'string' && /^https?:/i.test(value)) {
      const url = new URL(value);
      if (url.searchParams.has('iss')) {
        url.searchParams.delete('iss');
        return setHeader(name, url.toString());
      }
    }
    return setHeader(name, value);
  };
}

/**
 * REQ-AUTHZ-05 (RFC 6749 §4.1.3): a code is redeemable by its own client only. Fault code-not-bound-to-client
 * serves a redemption by another client as if the code's client had sent it (its credentials put in their place).
 */
export async function redeemForCodeOwner(
  provider: Provider,
  clients: ClientRegistry,
  faults: IdpFaults,
  req: IncomingMessage,
  form: URLSearchParams | undefined,
  body: Buffer,
): Promise<Buffer> {
  if (!faults.has('code-not-bound-to-client') || form?.get('grant_type') !== 'authorization_code') return body;
  const code = await provider.AuthorizationCode.find(form.get('code') ?? '', { ignoreExpiration: true }).catch(() => undefined);
  const owner = clients.find(code?.clientId);
  if (!owner) return body;
  delete req.headers.authorization;
  form.set('client_id', owner.clientId);
  if (owner.isPublic) form.delete('client_secret');
  else form.set('client_secret', clients.secretOf(owner.clientId) ?? '');
  return Buffer.from(form.toString());
}

/**
 * REQ-AUTHZ-08 (RFC 6749 §4.1.2: the code MUST expire shortly after it is issued): codes live as long as the fixture
 * file declares (limits.authorizationCodeSeconds, the reference's claim). Fault code-outlives-declared-lifetime keeps
 * them five minutes whatever is declared.
 */
export function codeLifetimeSeconds(fixtures: Pick<ReferenceFixtures, 'limits'>, faults: IdpFaults): number {
  if (faults.has('code-outlives-declared-lifetime')) return 300;
  return fixtures.limits.authorizationCodeSeconds ?? 60;
}
