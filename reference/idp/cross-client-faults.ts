/**
 * Faults of which client a token goes to. Fault body-client-id-wins-over-basic (REQ-CAUTH-12). RFC 6749 §4.4.2: "The authorization server MUST authenticate
 * the client" — the client the token is for. oidc-provider refuses HTTP Basic credentials of one client with another
 * client_id in the form body (400 invalid_request, "client_id mismatch", lib/shared/client_auth.js). The fault checks
 * the Basic secret and then serves the client the body names, as a server does that resolves "the client" from the
 * form after authenticating whoever sent the header: one client's secret buys another client's tokens.
 * Fault body-client-id-served-without-secret (REQ-CAUTH-07) serves the body's client_id with no secret checked at all:
 * the same token, for a plainer cause (support/oauth/cross-client-id.ts reports it once, as REQ-CAUTH-07's).
 */
import type { IncomingMessage } from 'node:http';
import type { IdpFaults } from './faults.ts';
import { basicCredentials } from './attempts.ts';
import type { SecretLookup } from './missing-secret-faults.ts';

const formEncode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

/**
 * A client_credentials request whose HTTP Basic credentials are a client's valid ones and whose form names another
 * known client_id (without a client_secret: two secrets are REQ-CAUTH-06's case) is rewritten to that other client's
 * own Basic credentials. The Authorization header is rewritten in place; the form stays as sent.
 */
export function bodyClientIdWinsOverBasic(req: IncomingMessage, form: URLSearchParams | undefined, secretOf: SecretLookup, faults: IdpFaults): void {
  if (!faults.has('body-client-id-wins-over-basic') || form?.get('grant_type') !== 'client_credentials' || form.has('client_secret')) return;
  const basic = basicCredentials(req.headers.authorization);
  const named = form.get('client_id');
  if (!basic || !named || named === basic.clientId || secretOf(basic.clientId) !== basic.secret) return;
  const secret = secretOf(named);
  if (secret) req.headers.authorization = `Basic ${Buffer.from(`${formEncode(named)}:${formEncode(secret)}`).toString('base64')}`;
}

/**
 * Fault body-client-id-served-without-secret: a client_credentials form with a known client_id and no client_secret
 * (or client_secret=) is served as that client whether or not an HTTP Basic header comes along, which is dropped.
 * RFC 6749 §3.2.1 / §4.4.2: the client named is never authenticated. True when the form changed.
 */
export function servedWithoutSecret(req: IncomingMessage, form: URLSearchParams | undefined, secretOf: SecretLookup, faults: IdpFaults): boolean {
  if (!faults.has('body-client-id-served-without-secret') || form?.get('grant_type') !== 'client_credentials' || form.get('client_secret')) return false;
  const secret = secretOf(form.get('client_id') ?? '');
  if (!secret) return false;
  delete req.headers.authorization;
  form.set('client_secret', secret);
  return true;
}
