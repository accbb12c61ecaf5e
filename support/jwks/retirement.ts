/**
 * REQ-JWKS-04: a key removed from the issuer's JWK Set stops being accepted within the bound the deployment claims
 * (limits.gateway.retiredKeySeconds). The kit needs a key it may remove without touching the one every other token is
 * signed with: the reference's control plane publishes one behind the current key and signs a token with it. The
 * token is first shown to be accepted (the positive control), then the key is removed and the token presented every
 * POLL_EVERY_MS until it is refused, or the bound (and POLL_SLACK_MS) has passed.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge } from '../verdict/check.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { controlPlaneOf } from '../admin/control-plane.ts';
import { callProtectedRoute, presentUntilAdmitted } from '../jwt/gateway.ts';
import { isSuccess } from '../gateway/gateway-client.ts';
import { genuineClaims } from './robustness.ts';

const REQUIREMENT = 'REQ-JWKS-04';
/** How long the gateway is given to accept the newly published key first (past a 30 s refetch cooldown). */
const PICKUP_BOUND_MS = 35_000;
/** Slack for the kit's polling and the requests' own time on a loaded machine. */
const POLL_SLACK_MS = 3_000;
/** Polled four times a second: a short bound (the reference's 2 s) is judged within a quarter second of it. */
const POLL_EVERY_MS = 250;

export type Retirement =
  | { readonly kind: 'never-admitted'; readonly exchange: Exchange }
  | { readonly kind: 'watched'; readonly boundSeconds: number; readonly refusedAfterMs?: number; readonly watchedMs: number; readonly exchange: Exchange };

export async function retireKeyAndWatch(world: CtkWorld): Promise<Retirement> {
  const plane = controlPlaneOf(world, 'retireKey');
  if (!plane) {
    throw new NotTestableError('the kit has no key it may remove from this target\'s JWK Set: only the reference stack\'s control plane publishes one and signs a token with it', {
      remedy: 'run against the reference stack; a deployment would need to publish a test key the kit can sign with and remove (not offered yet)',
      requirementIds: [REQUIREMENT],
    });
  }
  const boundSeconds = world.target.limits.gateway?.retiredKeySeconds;
  if (boundSeconds === undefined) throw new NotTestableError('the profile states no bound (limits.gateway.retiredKeySeconds)', { remedy: 'state limits.gateway.retiredKeySeconds', requirementIds: [REQUIREMENT] });
  const { kid, token } = await plane.publishRetirableKey(await genuineClaims(world));
  world.log(`published a key the kit may remove (kid ${kid}) and a token signed with it`);
  const admitted = await presentUntilAdmitted(world, token, PICKUP_BOUND_MS, POLL_EVERY_MS);
  if (!isSuccess(admitted)) return { kind: 'never-admitted', exchange: admitted };
  await plane.retireKey(kid);
  const retiredAt = Date.now();
  const deadline = retiredAt + boundSeconds * 1000 + POLL_SLACK_MS;
  for (;;) {
    const exchange = await callProtectedRoute(world, token);
    const elapsed = Date.now() - retiredAt;
    if (!isSuccess(exchange)) return { kind: 'watched', boundSeconds, refusedAfterMs: elapsed, watchedMs: elapsed, exchange };
    if (Date.now() + POLL_EVERY_MS > deadline) return { kind: 'watched', boundSeconds, watchedMs: elapsed, exchange };
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
}

export function judgeRetiredKeyRefused(world: CtkWorld, retirement: Retirement): void {
  if (retirement.kind === 'never-admitted') {
    return couldNotJudge(world, {
      requirement: REQUIREMENT,
      expected: 'a token signed with a key removed from the JWK Set is refused within the claimed bound',
      why: `the gateway never accepted the token signed with the newly published key in ${PICKUP_BOUND_MS / 1000} s (${describeOutcome(retirement.exchange)}), so a refusal after its removal would prove nothing; REQ-JWT-11 judges picking up new keys`,
    });
  }
  const expected = `a token signed with a key removed from the JWK Set is refused within ${retirement.boundSeconds} s (limits.gateway.retiredKeySeconds; asked every ${POLL_EVERY_MS} ms, ${POLL_SLACK_MS / 1000} s of slack)`;
  check(world, {
    requirement: REQUIREMENT,
    expected,
    observed: retirement.refusedAfterMs !== undefined
      ? `refused ${(retirement.refusedAfterMs / 1000).toFixed(1)} s after the removal: ${describeOutcome(retirement.exchange)}`
      : `still accepted ${(retirement.watchedMs / 1000).toFixed(1)} s after the removal: ${describeOutcome(retirement.exchange)}`,
  }, () => expect(retirement.refusedAfterMs, 'refused after the removal').to.not.equal(undefined));
}
