/**
 * How precisely a burst locates the token endpoint's per-IP limit: from a fresh source address, send requests
 * back to back (a few in flight) until the first 429, and count the tokens served before it. With a fixed
 * one-second window the count is the limit when the burst fits inside one window; the error is reported in %
 * of the stated limit, over several fresh addresses.
 */
import { send } from '../support/http/exchange.ts';
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

export async function locateRateLimit(target: TargetDescription, repeats = 5, inFlight = 4): Promise<RateLimitLocation> {
  const stated = target.limits.tokenRequestsPerSecond ?? 50;
  const client = target.clients.system;
  // The same request the suite sends, the target's own parameters (audience, resource) included.
  const { headers, body } = tokenRequestBody(client, {}, target);
  // The last addresses of the pool: the throughput measurement uses them only lightly, the suite not at all here.
  const addresses = target.sourceAddresses.slice(-repeats);
  const located: number[] = [];
  const burstMs: number[] = [];
  for (const sourceAddress of addresses) {
    // Earlier measurements may have left requests in this address's window: the reference can forget them.
    if (target.admin) {
      await send({ method: 'POST', url: `${target.admin.baseUrl}/admin/reset`, headers: { authorization: `Bearer ${target.admin.token}` } });
    }
    let served = 0;
    let limited = false;
    let sent = 0;
    const started = performance.now();
    // Bounded: never more than 3x the stated limit per burst.
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (!limited && sent < stated * 3) {
          sent++;
          const exchange = await send({ method: 'POST', url: target.tokenEndpoint, headers, body, sourceAddress });
          // Every 200 counts, also one that lands after another worker saw the first 429: it was admitted
          // inside the same window before the limit was reached.
          if (exchange.response?.status === 429) limited = true;
          else if (exchange.response?.status === 200) served++;
        }
      }),
    );
    burstMs.push(Math.round(performance.now() - started));
    located.push(served);
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
