/**
 * REQ-CANVAS-01 (seed 000): the component serves nobody who goes around the gateway. Where the profile names the
 * component's own URL (gateway.componentUrl), the kit calls the protected route there directly — no token, and the
 * forged identity headers of the spoofing check (kind system, "darf alles") — and expects no 2xx. A component that
 * trusts whatever identity header reaches it is safe only as long as nothing but the gateway can reach it.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, doesNotApply } from '../verdict/check.ts';
import { gatewayOf } from '../target/target.ts';
import { isSuccess } from '../gateway/gateway-client.ts';
import { positiveControl, underControl } from '../gateway/positive-control.ts';
import { forgedIdentityHeaders } from '../identity/spoofing.ts';

const REQUIREMENT = 'REQ-CANVAS-01';

export type DirectCall = { readonly kind: 'no-url' } | { readonly kind: 'sent'; readonly url: string; readonly exchange: Exchange };

/** The protected route at the component's own URL, with forged identity headers and no token. */
export async function callComponentDirectly(world: CtkWorld): Promise<DirectCall> {
  const gateway = gatewayOf(world.target);
  if (!gateway.componentUrl) return { kind: 'no-url' };
  // The control first: the same route serves a valid request through the gateway.
  await positiveControl(world, 'protected');
  const url = `${gateway.componentUrl.replace(/\/+$/, '')}${gateway.routes.protected}`;
  const exchange = await world.send({ method: 'GET', url, headers: { accept: 'application/json', ...forgedIdentityHeaders(world.target) } });
  return { kind: 'sent', url, exchange };
}

export async function judgeNotServedAroundTheGateway(world: CtkWorld, call: DirectCall): Promise<void> {
  const expected = 'the component refuses a direct call that did not come through the gateway (no 2xx), or cannot be reached at all';
  if (call.kind === 'no-url') {
    return doesNotApply(world, {
      requirement: REQUIREMENT,
      expected,
      why: "the profile names no URL of the component's own (gateway.componentUrl): there is no way around the gateway to try",
    });
  }
  if (!(await underControl(world, 'protected', [REQUIREMENT], expected))) return;
  check(world, {
    requirement: REQUIREMENT,
    expected,
    observed: `GET ${call.url} without a token, with a forged identity header of kind system: ${describeOutcome(call.exchange)}`,
  }, () => expect(isSuccess(call.exchange), 'served around the gateway').to.equal(false));
}
