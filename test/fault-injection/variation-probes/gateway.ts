/** Probes of the gateway's conformant variations (reference/gateway/variations.ts): one per variation. */
import assert from 'node:assert/strict';
import type { GatewayVariationName } from '../../../reference/gateway/variations.ts';
import type { Probe, ProbeContext } from './context.ts';

const refusedWithGarbage = (c: ProbeContext) => c.get(`${c.urls.gateway}${c.fx.routes.protected}`, { authorization: 'Bearer not-a-token' });

export const GATEWAY_PROBES: Record<GatewayVariationName, Probe> = {
  'challenge-with-extras': async (c) => {
    const refused = await refusedWithGarbage(c);
    assert.equal(refused.response?.status, 401);
    assert.match(String(refused.response?.headers['www-authenticate']), /^Bearer error="invalid_token", error_description="[^"]*", realm="[^"]*", DPoP /);
  },
  'gateway-empty-error-body': async (c) => {
    const refused = await refusedWithGarbage(c);
    assert.equal(refused.response?.status, 401);
    assert.equal(refused.response?.body.length, 0);
  },
};
