/**
 * An access token in the URI query (RFC 6750 §2.3). "Resource servers MAY support this method"; the "SHOULD NOT be
 * used" binds clients. So a gateway that serves a valid token from the query conforms: the kit says so as an
 * ADVISORY note (RFC 9700 §4.3.2: tokens in URIs end up in logs and browser history), which is no verdict. What it
 * judges (REQ-BEARER-10) is that a gateway reading the query validates what it reads there: a tampered token in
 * the query never gets through.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { callGateway, isSuccess } from './gateway-client.ts';
import { tamper } from './bad-credentials.ts';
import { judgeNotReached } from './verdicts.ts';

export const QUERY_TOKEN_ADVISORY =
  'ADVISORY (no verdict): the gateway serves an access token sent in the access_token URI query parameter. RFC 6750 §2.3 lets a resource ' +
  'server support it; RFC 9700 §4.3.2 advises against tokens in URIs (access logs, browser history, Referer). Consider refusing it.';

/**
 * `served`: the gateway's answer to a valid token sent only in the query. The tampered copy is sent either way: a
 * gateway that refuses query tokens refuses it too (the check holds, with evidence), one that reads them must
 * validate what it reads.
 */
export async function judgeQueryTokenValidated(world: CtkWorld, served: Exchange, validToken: string): Promise<void> {
  if (isSuccess(served)) world.log(QUERY_TOKEN_ADVISORY);
  else world.log('the gateway does not serve access tokens from the URI query (RFC 6750 §2.3 lets it refuse them)');
  const tampered = await callGateway(world, { route: 'protected', queryToken: tamper(validToken) });
  await judgeNotReached(world, 'REQ-BEARER-10', tampered, 'a copy of a valid token with a tampered signature, sent only in the access_token URI query parameter');
}
