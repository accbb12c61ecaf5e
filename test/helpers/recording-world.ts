/**
 * The part of a CtkWorld that judging functions write to (support/verdict/check.ts): findings and check records,
 * collected in arrays a test can read. `recordingWorld(tags)` is that sink typed as a CtkWorld whose scenario is
 * tagged with the given requirement ids.
 */
import type { CheckRecord, Finding } from '../../support/verdict/media-types.ts';
import type { CtkWorld } from '../../support/world.ts';
import type { Exchange, HttpRequest } from '../../support/http/exchange.ts';
import { ScenarioState } from '../../support/scenario-state.ts';

export function findingSink() {
  const violations: Finding[] = [];
  const warnings: Finding[] = [];
  const checks: CheckRecord[] = [];
  return {
    violations,
    warnings,
    checks,
    recordViolation: (f: Finding) => violations.push(f),
    recordWarning: (f: Finding) => warnings.push(f),
    recordCheck: (r: CheckRecord) => checks.push(r),
  };
}

export function recordingWorld(requirementIds: readonly string[]) {
  const sink = { requirementIds, ...findingSink() };
  return sink as typeof sink & CtkWorld;
}

/**
 * What a judge that sends a positive control (support/oauth/refusal-control.ts) needs of the World besides the sink: a
 * target with a system client, scenario state, and a token endpoint that serves every request (`served` true) or
 * refuses every one with 400 invalid_request. `sent` counts the controls that went out.
 */
export function tokenEndpointStub(served = true) {
  const sent: HttpRequest[] = [];
  return {
    sent,
    state: new ScenarioState(),
    target: {
      tokenEndpoint: 'http://127.0.0.1:1/token',
      clients: { system: { clientId: 'ctk-system', clientSecret: 'stub-secret-0815', scopes: ['items:read'] } },
      capabilities: {},
      limits: {},
    },
    log: () => undefined,
    send: async (request: HttpRequest): Promise<Exchange> => {
      sent.push(request);
      const [status, body] = served ? [200, { access_token: 'stub-token', token_type: 'Bearer', expires_in: 60 }] : [400, { error: 'invalid_request' }];
      return { request, response: { status, headers: { 'content-type': 'application/json' }, rawHeaders: [['content-type', 'application/json']], body: JSON.stringify(body) }, startedAt: 0, durationMs: 1 };
    },
  };
}
