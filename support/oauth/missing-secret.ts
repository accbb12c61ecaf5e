/**
 * REQ-CAUTH-07 beyond "nothing at all": a confidential client's id with no secret, or an empty one. RFC 6749 §3.2.1
 * and §4.4.2: a confidential client MUST authenticate; §3.2: "Parameters sent without a value MUST be treated as if
 * they were omitted from the request", so client_secret= and Basic `<id>:` are no secret either. A token endpoint
 * that checks the secret only when one is sent lets anyone who knows a client id (not a secret: it is in every log
 * and URL) act as that client. §2.3.1 lets a client leave client_secret out only when its secret IS empty: a public
 * client (profile tokenEndpointAuthMethod "none", or no secret) sends its id alone by right, so the check does not
 * apply to it.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { isTagged } from './scenario.ts';
import { judgeRefusal } from './token-errors.ts';
import type { ClientAuthMethod } from './token-client.ts';
import { isPublicClient } from './token-client.ts';
import { describeRole, type ClientRole } from './clients.ts';
import { isNotTestable, resolveClient, theSituation, tokenRequest, type NotTestable } from './token-requests.ts';
import { credentialRefusalUnderControl } from './refusal-control.ts';

export type MissingSecret = 'form-without-secret' | 'form-empty-secret' | 'basic-empty-password';

/** Feature-file phrase -> the credentials sent (steps/client-auth.steps.ts {missingSecret}). */
export const MISSING_SECRET_PHRASES: Readonly<Record<string, MissingSecret>> = {
  'its client id alone in the form body': 'form-without-secret',
  'its client id and an empty client_secret in the form body': 'form-empty-secret',
  'HTTP Basic with its client id and an empty password': 'basic-empty-password',
};

/** How each case is sent: the method, and the secret ('' empty, null no client_secret parameter). */
export const MISSING_SECRET_REQUESTS: Readonly<Record<MissingSecret, { method: ClientAuthMethod; secret: '' | null; what: string }>> = {
  'form-without-secret': { method: 'body', secret: null, what: 'alone in the form body (client_id, no client_secret)' },
  'form-empty-secret': { method: 'body', secret: '', what: 'with an empty secret in the form body (client_secret=)' },
  'basic-empty-password': { method: 'basic', secret: '', what: 'with an empty password in HTTP Basic (<client id>:)' },
};

/**
 * Sends the client's id with no or an empty secret, from a failure address (a conforming server counts it as a
 * failed login). Not applicable for a public client, whose id alone is its correct request (RFC 6749 §2.3.1, §3.2.1).
 */
export async function requestWithoutSecret(world: CtkWorld, role: ClientRole, missing: MissingSecret): Promise<Exchange | NotTestable> {
  const client = resolveClient(world, role);
  if (isNotTestable(client)) return client;
  if (isPublicClient(client)) {
    return {
      notTestable: `${describeRole(role)} ${client.clientId} is a public client (no secret): its client id alone is its correct request (RFC 6749 §2.3.1, §3.2.1)`,
      remedy: 'describe a confidential system client (with its secret) in the target profile to judge a request without its secret',
      notApplicable: true,
    };
  }
  const { method, secret, what } = MISSING_SECRET_REQUESTS[missing];
  return tokenRequest(world, client, { method, secret, expectRefusal: true, situation: `the client id of ${client.clientId} ${what}` });
}

/**
 * The error codes a refusal of a missing secret may name. invalid_client is RFC 6749 §5.2's ("client authentication
 * failed", e.g. "no client authentication included"); invalid_request is as well founded: client_secret is REQUIRED
 * with the client id (§2.3.1), and a request "missing a required parameter" is invalid_request (§5.2). oidc-provider
 * answers Basic `<id>:` so ("client_secret must be provided in the Authorization header", lib/shared/client_auth.js).
 * Another code is REQ-CAUTH-08's warning (a SHOULD), as for a request with no client authentication at all.
 */
export const MISSING_SECRET_CODES: readonly string[] = ['invalid_client', 'invalid_request'];

/**
 * No token for the client id without its secret (REQ-CAUTH-07, MUST); then, only when none was issued, the refusal's
 * form as a request with no client authentication is judged: the code (REQ-CAUTH-08), the JSON error (REQ-TOK-09) and
 * a 401's challenge (REQ-CAUTH-09), where the scenario is tagged with them. A token stops the scenario at REQ-CAUTH-07:
 * one cause, one finding. A refusal is judged only where the client's own secret sent the same way gets a token
 * (refusal-control.ts): a token endpoint that refuses every request refuses a missing secret too.
 */
export async function judgeMissingSecretRefusal(world: CtkWorld, exchange: Exchange): Promise<void> {
  await credentialRefusalUnderControl(world, exchange, theSituation(world));
  judgeRefusal(world, exchange, {
    requirement: 'REQ-CAUTH-07',
    codeRequirement: 'REQ-CAUTH-08',
    codes: MISSING_SECRET_CODES,
    situation: theSituation(world),
    ...(isTagged(world, 'REQ-TOK-09') ? { formatRequirement: 'REQ-TOK-09' } : {}),
    ...(isTagged(world, 'REQ-CAUTH-09') ? { challengeRequirement: 'REQ-CAUTH-09' } : {}),
  });
}
