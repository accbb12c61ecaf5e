/**
 * How precisely a burst locates the token endpoint's per-IP limit: from a fresh source address, send requests
 * back to back (a few in flight) until the first 429, and count the tokens served before it — the same burst as
 * REQ-RL-14's (support/load/rate-limit-location.ts). With a fixed one-second window the count is the limit when
 * the burst fits inside one window; the error is reported in % of the stated limit, over several fresh addresses.
 */
import { send } from '../support/http/exchange.ts';
import { burstUntilFirst429, IN_FLIGHT } from '../support/load/rate-limit-location.ts';
import { tokenRequestBody } from '../support/oauth/token-client.ts';
import type { TargetDescription } from '../support/target/target.ts';
import { round } from './token-throughput.ts';

export interface RateLimitLocation {
  readonly statedLimit: number;
  readonly located: readonly number[];
  readonly burstMs: readonly number[];
  readonly meanErrorPercent: number;
  readonly maxErrorPercent: number;
}

export async function locateRateLimit(target: TargetDescription, repeats = 5, inFlight = IN_FLIGHT): Promise<RateLimitLocation> {
  const stated = target.limits.tokenRequestsPerSecond ?? 50;
  const client = target.clients.system;
  // The same request the suite sends, the target's own parameters (audience, resource) included.
  const { headers, body } = tokenRequestBody(client, {}, target);
  // The last addresses of the pool: the throughput measurement uses them only lightly, the suite not at all here.
  const addresses = target.sourceAddresses.slice(-repeats);
  const located: number[] = [];
  const burstMs: number[] = [];
  for (const address of addresses) {
    // Earlier measurements may have left requests in this address's window: the reference can forget them.
    if (target.admin) {
      await send({ method: 'POST', url: `${target.admin.baseUrl}/admin/reset`, headers: { authorization: `Bearer ${target.admin.token}` } });
    }
    const burst = await burstUntilFirst429({ url: target.tokenEndpoint, headers, body, address, limit: stated, inFlight });
    burstMs.push(Math.round(burst.durationMs));
    located.push(burst.served);
  }
  const errors = located.map((n) => (Math.abs(n - stated) / stated) * 100);
  return {
    statedLimit: stated,
    located,
    burstMs,
    meanErrorPercent: round(errors.reduce((a, b) => a + b, 0) / errors.length),
    maxErrorPercent: round(Math.max(...errors)),
  };
}
