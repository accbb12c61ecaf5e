/**
 * Faults of the browser login (issue 7): deliberate defects of the authorization-code flow that the human-login
 * scenarios must catch, each naming the requirement it breaks. Kept apart from faults.ts (the IdP's own list)
 * and read from the process's AUTH_CTK_FAULTS, so the IdP's code only needs one call where each behaviour is
 * decided. Every function returns the correct behaviour unless its fault is active.
 */
import type { ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { FaultDefinition } from '../faults.ts';
import { activeFaults } from '../server-process.ts';
import { editClientRedirect } from './client-redirect.ts';

export const LOGIN_FAULTS = [
  {
    name: 'login-error-not-shown',
    component: 'idp',
    description: 'A wrong password brings the empty login form back without any error message.',
    breaks: ['REQ-HUM-04'],
  },
  {
    name: 'wrong-password-issues-code',
    component: 'idp',
    description: 'The login page accepts any password for a known user and issues a code.',
    // No failed login is counted either, so wrong passwords typed on the page never block the IP: one cause, REQ-HUM-03's
    // finding, and REQ-RL-04 is not judged on a code issued for them (support/browser/ip-block.ts wrongPasswordIssuedCode).
    breaks: ['REQ-HUM-03', 'REQ-HUM-04'],
  },
  {
    name: 'state-not-returned',
    component: 'idp',
    description: 'The redirect back to the front end drops the state parameter.',
    breaks: ['REQ-HUM-02'],
  },
  {
    name: 'redirect-uri-not-checked',
    component: 'idp',
    description: 'A code is redeemed whatever redirect_uri the token request names.',
    breaks: ['REQ-HUM-05'],
  },
] as const satisfies readonly FaultDefinition[];

type LoginFaultName = (typeof LOGIN_FAULTS)[number]['name'];

const active = (name: LoginFaultName): boolean => activeFaults().has(name);

/** REQ-HUM-04 (seed 004): a failed login tells the user so. */
export function loginErrorMessage(message: string): string | undefined {
  return active('login-error-not-shown') ? undefined : message;
}

/** REQ-HUM-03 (RFC 6749 §3.1): the resource owner's identity is verified before a code is issued. */
export function passwordAccepted(matches: boolean): boolean {
  return matches || active('wrong-password-issues-code');
}

/** REQ-HUM-02 (RFC 6749 §4.1.2): the redirect carries state exactly as received. */
export function returnStateUnchanged(res: ServerResponse): void {
  if (!active('state-not-returned')) return;
  editClientRedirect(res, (url) => url.searchParams.delete('state'));
}

/**
 * REQ-HUM-05 (RFC 6749 §4.1.3): the token request's redirect_uri must be the authorization request's. The fault
 * replaces whatever the client sent with the code's own, so oidc-provider's check can never fail.
 */
export async function bindRedirectUriToCode(provider: Provider, form: URLSearchParams | undefined, body: Buffer): Promise<Buffer> {
  if (!active('redirect-uri-not-checked') || form?.get('grant_type') !== 'authorization_code') return body;
  const code = await provider.AuthorizationCode.find(form.get('code') ?? '', { ignoreExpiration: true }).catch(() => undefined);
  if (!code?.redirectUri) return body;
  form.set('redirect_uri', code.redirectUri);
  return Buffer.from(form.toString());
}
