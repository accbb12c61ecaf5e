/**
 * Faults of a token endpoint that checks a client's secret only when one is sent (REQ-CAUTH-07). RFC 6749 §3.2.1:
 * a confidential client MUST authenticate; §3.2: "Parameters sent without a value MUST be treated as if they were
 * omitted from the request". So a confidential client's id with no secret, or an empty one, is no client
 * authentication and gets no token. (§2.3.1 lets only a client whose secret IS empty leave client_secret out.)
 * Each fault turns such a request into the client's real credentials before oidc-provider reads it; a client
 * without a secret (a public one) is left alone, as is every grant but client_credentials.
 */
import type { IncomingMessage } from 'node:http';
import type { IdpFaults } from './faults.ts';
import { basicCredentials } from './attempts.ts';

/** The registered secret of a client id, when it has a non-empty one. */
export type SecretLookup = (clientId: string) => string | undefined;

const formEncode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

/**
 * Fault secret-checked-only-when-sent: a form with the client_id of a confidential client and no client_secret (or
 * client_secret=) is served as if the client had sent its secret. Fault basic-empty-password-accepted: HTTP Basic
 * with `<client id>:` (an empty password) is served as if the password were the client's secret. True when the
 * form changed (the caller forwards it again); the Authorization header is rewritten in place.
 */
export function fillInMissingSecret(req: IncomingMessage, form: URLSearchParams | undefined, secretOf: SecretLookup, faults: IdpFaults): boolean {
  if (form?.get('grant_type') !== 'client_credentials') return false;
  if (faults.has('basic-empty-password-accepted')) {
    const basic = basicCredentials(req.headers.authorization);
    const known = basic && basic.secret === '' ? secretOf(basic.clientId) : undefined;
    if (known) req.headers.authorization = `Basic ${Buffer.from(`${formEncode(basic!.clientId)}:${formEncode(known)}`).toString('base64')}`;
  }
  if (faults.has('secret-checked-only-when-sent') && !req.headers.authorization && !form.get('client_secret')) {
    const known = secretOf(form.get('client_id') ?? '');
    if (known) {
      form.set('client_secret', known);
      return true;
    }
  }
  return false;
}
