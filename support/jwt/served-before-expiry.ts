/**
 * The expiry check at the gateway presents its token twice: once while it is certainly still valid, then after exp
 * plus the gateway's leeway. The first request is the refusal's positive control with the judged token itself
 * (support/gateway/positive-control.ts controlWithToken), and it is what shows a gateway that caches a positive
 * decision per token (AWS API Gateway's authorizer result TTL, 300 s by default; an introspection cache) and so keeps
 * admitting the token after its exp: RFC 7519 §4.1.4 / RFC 9068 §4, the current time MUST be before exp at every
 * request, not at the first one.
 */
import type { CtkWorld } from '../world.ts';
import type { IssuedToken } from '../oauth/issued.ts';
import type { NotTestable } from '../oauth/token-requests.ts';
import { controlWithToken } from '../gateway/positive-control.ts';
import { certainlyValidUntil } from './lifetime.ts';

const TOO_SLOW = { remedy: 'give clients.shortTtl a TTL of a few seconds more, or run the kit on a less loaded machine' };

/**
 * Sends the protected route the issued token while it is certainly valid (measured against the token's own exp, moved
 * to the local clock). 'sent' when the gateway's answer is the scenario's control (served or not: a refusal in time
 * makes the later refusal check "could not judge", REQ-BEARER-01 reports the route); not testable when the machine was
 * too slow to present the token, or to get the answer, while it was certainly valid.
 */
export async function serveBeforeExpiry(world: CtkWorld, issued: IssuedToken): Promise<'sent' | NotTestable> {
  const validUntil = certainlyValidUntil(issued);
  if (validUntil === undefined) return { notTestable: 'the token states no lifetime (no exp, no expires_in)', remedy: 'use a target whose tokens carry exp' };
  const left = validUntil - Date.now();
  if (left <= 0) {
    return { notTestable: `the short-lived token was no longer certainly valid when the kit could present it (${-left} ms too late), so no request before its exp could be sent`, ...TOO_SLOW };
  }
  const control = await controlWithToken(world, issued.token, `the same token of ${issued.client.clientId} before its exp (${left} ms before it was no longer certainly valid)`, validUntil);
  if ('late' in control) {
    return { notTestable: `the gateway refused the short-lived token, but its answer came after the token may have expired (${control.observed}), so whether it serves the token before exp is unknown`, ...TOO_SLOW };
  }
  return 'sent';
}
