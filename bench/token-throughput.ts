/**
 * Token endpoint throughput on loopback. Requests are spread over many loopback source addresses so that the
 * per-IP rate limit (seed 001: 50/s) does not cap the measurement; what is measured is the IdP, not the limit.
 */
import { send } from '../support/http/exchange.ts';
import { tokenRequestBody } from '../support/oauth/token-client.ts';
import type { TargetDescription } from '../support/target/target.ts';

export interface ThroughputResult {
  readonly requests: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly ok: number;
  readonly rateLimited: number;
  readonly otherOutcomes: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly max: number };
}

export async function measureTokenThroughput(target: TargetDescription, requests = 1_000, concurrency = 16): Promise<ThroughputResult> {
  const client = target.clients.system;
  // The same request the suite sends, the target's own parameters (audience, resource) included.
  const { headers, body } = tokenRequestBody(client, {}, target);
  // At most 40 requests per address over the whole measurement: well below 50/s whatever the speed.
  const perAddress = 40;
  const addresses = target.sourceAddresses;
  const capacity = addresses.length * perAddress;
  const total = Math.min(requests, capacity);
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  let rateLimited = 0;
  let other = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const exchange = await send({
          method: 'POST',
          url: target.tokenEndpoint,
          headers,
          body,
          sourceAddress: addresses[i % addresses.length],
        });
        latencies.push(exchange.durationMs);
        const status = exchange.response?.status;
        if (status === 200) ok++;
        else if (status === 429) rateLimited++;
        else other++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    requests: total,
    concurrency,
    seconds: round(seconds),
    requestsPerSecond: round(total / seconds),
    ok,
    rateLimited,
    otherOutcomes: other,
    latencyMs: { p50: pct(50), p95: pct(95), max: latencies.at(-1) ?? 0 },
  };
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
