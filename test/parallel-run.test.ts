/**
 * Several cucumber workers share one machine and one target without changing a verdict (issue 18):
 * bursts run one at a time, rotations and audit reads alone and last, the long scenarios early; each worker
 * paces its ordinary token requests to its share of the per-IP limit. Checked on the pure functions; the
 * whole-suite proof (identical verdicts over repeated parallel runs) is `npm run bench -- --repeat 10`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canRunAlongside, orderForParallelRun, parallelOptionsOf, runRank, sendsBursts } from '../support/run/parallel.ts';
import { workerShare } from '../support/load/source-addresses.ts';
import { requirements } from '../support/requirements/catalogue.ts';
import { JUDGES_VALID_CREDENTIALS } from '../support/requirements/valid-credential-judges.ts';
import { scenarios } from '../support/traceability.ts';

const burstReq = requirements().find((r) => r.capability === 'rate-limiting')!.id;
const blockReq = requirements().find((r) => r.capability === 'ip-blocking')!.id;
// Not one of the valid-credential judges, which run first of all.
const plainReq = requirements().find((r) => r.capability === undefined && !JUDGES_VALID_CREDENTIALS.includes(r.id))!.id;

const pickle = (...tags: string[]) => ({ tags: tags.map((name) => ({ name })) });
const named = (name: string, p: ReturnType<typeof pickle>) => ({ name, pickle: p });
const burst = pickle(`@${burstReq}`, '@load');
const block = pickle(`@${blockReq}`, '@load');
const plain = pickle(`@${plainReq}`);
const rotation = pickle('@core', '@rotation', `@${plainReq}`);
const audit = pickle('@core', '@audit', `@${plainReq}`);

test('a rate-limit burst never runs beside another burst; everything else may', () => {
  assert.equal(sendsBursts(tagsOf(burst)), true);
  const gatewayBurst = requirements().find((r) => r.capability === 'gateway-rate-limiting')!.id;
  assert.equal(sendsBursts([`@${gatewayBurst}`]), true, "the gateway's rate-limit checks burst too");
  const endpointBurst = requirements().find((r) => r.capability === 'oauth-endpoints-rate-limiting')!.id;
  assert.equal(sendsBursts([`@${endpointBurst}`]), true, "the other OAuth endpoints' rate-limit checks burst too");
  assert.equal(sendsBursts(tagsOf(block)), false, 'an IP block sends a handful of failures, not a burst');
  assert.equal(canRunAlongside(burst, [burst]), false);
  assert.equal(canRunAlongside(burst, [plain, block]), true);
  assert.equal(canRunAlongside(plain, [burst]), true);
  assert.equal(canRunAlongside(block, [burst]), true);
});

test('rotations and audit reads run alone: nothing beside them, and they start only on an idle run', () => {
  assert.equal(canRunAlongside(rotation, []), true);
  assert.equal(canRunAlongside(rotation, [plain]), false);
  assert.equal(canRunAlongside(audit, [rotation]), false);
  assert.equal(canRunAlongside(plain, [audit]), false);
  assert.equal(canRunAlongside(burst, [rotation]), false);
});

test('the JWKS relay scenarios: beside anything, never beside each other; alone where the relay gateway is the target\'s own', () => {
  const jwks = pickle('@gateway', '@jwks-relay', '@REQ-JWKS-02');
  assert.equal(canRunAlongside(jwks, [plain, burst, block]), true, 'they call a gateway no other scenario calls');
  assert.equal(canRunAlongside(plain, [jwks]), true);
  assert.equal(canRunAlongside(burst, [jwks]), true);
  assert.equal(canRunAlongside(jwks, [jwks]), false, 'they share the relay\'s counter and switch');
  assert.equal(canRunAlongside(jwks, [rotation]), false, 'nothing beside a rotation');
  const shared = { jwksRelayShared: true };
  assert.equal(canRunAlongside(jwks, [plain], shared), false, 'an outage of the shared gateway\'s key set would reach the other scenario');
  assert.equal(canRunAlongside(plain, [jwks], shared), false);
  assert.equal(canRunAlongside(jwks, [], shared), true);
  assert.equal(runRank(tagsOf(jwks)), 1, 'early: their one-at-a-time chain overlaps the rest');
});

test("a change of the rotation client's secret runs alone: a deployment may drop its signing key with the secret", () => {
  const rotationClient = pickle('@core', '@rotation-client', `@${plainReq}`);
  assert.equal(canRunAlongside(rotationClient, [plain]), false, 'another worker\'s token could stop verifying mid-scenario');
  assert.equal(canRunAlongside(rotationClient, [burst]), false);
  assert.equal(canRunAlongside(plain, [rotationClient]), false);
  assert.equal(canRunAlongside(rotationClient, [rotationClient]), false, 'two changes of the same secret would meet');
  assert.equal(canRunAlongside(rotationClient, [rotation]), false, 'nothing beside a key rotation');
  assert.equal(canRunAlongside(rotationClient, [audit]), false, 'nothing beside an audit read');
  assert.equal(canRunAlongside(rotationClient, []), true);
  assert.equal(runRank(tagsOf(rotationClient)), 3, 'with the other run-alone scenarios, at the end');
  assert.deepEqual(parallelOptionsOf({ jwksRelay: { shared: true } } as never), { jwksRelayShared: true });
  assert.deepEqual(parallelOptionsOf(undefined), {});
});

test('the IP-block checks run one at a time among themselves, beside anything else', () => {
  const blockAtLogin = pickle('@browser', '@REQ-RL-04');
  const bystander = pickle('@REQ-RL-06');
  const gatewayBlock = pickle('@REQ-GRL-06');
  assert.equal(canRunAlongside(bystander, [blockAtLogin]), false, 'a block that reaches every IP would meet the bystander\'s baseline');
  assert.equal(canRunAlongside(gatewayBlock, [bystander]), false);
  assert.equal(canRunAlongside(bystander, [plain, burst]), true);
  assert.equal(canRunAlongside(plain, [bystander]), true);
});

test('the run order: bursts first, the long ones next, the rest, the run-alone ones, key rotations last; stable within a rank', () => {
  const browser = pickle('@browser', `@${plainReq}`);
  const expiry = pickle('@timing-sensitive', `@${plainReq}`);
  assert.deepEqual([burst, browser, expiry, plain, audit, rotation].map((p) => runRank(tagsOf(p))), [0, 1, 1, 2, 3, 4]);
  const ordered = orderForParallelRun([
    named('rotation', rotation), named('plain-1', plain), named('browser', browser), named('burst', burst), named('plain-2', plain), named('audit', audit),
  ]);
  assert.deepEqual(ordered.map((p) => p.name), ['burst', 'browser', 'plain-1', 'plain-2', 'audit', 'rotation'], 'key rotations last: each drops every kept token');
});

test('the scenarios that judge valid credentials run before everything else, REQ-TOK-01 first', () => {
  // Measured: a whole run against token-endpoint-refuses-everything-401 reported REQ-TOK-01 "blocked" (no client IP
  // left to fail from) and nothing failed; the rest of the run had used the addresses before its scenario came.
  const tok01 = pickle('@REQ-TOK-01');
  const basic = pickle('@REQ-CAUTH-01');
  const mtls = pickle('@REQ-MTLS-01', '@requires-mtls');
  assert.deepEqual([tok01, basic, mtls].map((p) => runRank(tagsOf(p))), [-2, -1, -1]);
  const ordered = orderForParallelRun([named('burst', burst), named('plain', plain), named('basic', basic), named('mtls', mtls), named('tok01', tok01)]);
  assert.deepEqual(ordered.map((p) => p.name), ['tok01', 'basic', 'mtls', 'burst', 'plain']);
  // A judge that must run alone stays with the run-alone ones.
  assert.equal(runRank(tagsOf(pickle('@REQ-CAUTH-02', '@audit'))), 3);
});

test("the kit's own features: the run starts with a scenario of each valid-credential judge, REQ-TOK-01's first", () => {
  const ordered = orderForParallelRun(scenarios().map((s) => ({ name: s.name, requirementIds: s.requirementIds, pickle: pickle(...s.tags) })));
  const judges = ordered.filter((s) => s.requirementIds.some((id) => JUDGES_VALID_CREDENTIALS.includes(id)));
  assert.ok(ordered[0]!.requirementIds.includes('REQ-TOK-01'), `first: ${ordered[0]!.name}`);
  assert.deepEqual(ordered.slice(0, judges.length), judges, 'the judges ahead of every other scenario');
  for (const id of JUDGES_VALID_CREDENTIALS) assert.ok(judges.some((s) => s.requirementIds.includes(id)), `a scenario of ${id} among them (a renamed tag would leave it late)`);
});

test('each cucumber worker paces its token requests to its share of the per-IP limit', () => {
  // gateway-client.ts paces at limit / workerShare().total; token-client.ts at OWN_TOKEN_SHARE of that (its other OAuth requests share the budget).
  assert.equal(workerShare({}).total, 1);
  assert.equal(workerShare({ CUCUMBER_TOTAL_WORKERS: '1' }).total, 1);
  assert.equal(workerShare({ CUCUMBER_TOTAL_WORKERS: '3' }).total, 3);
  assert.equal(workerShare({ CUCUMBER_TOTAL_WORKERS: 'x' }).total, 1);
});

function tagsOf(p: { tags: readonly { name: string }[] }): string[] {
  return p.tags.map((t) => t.name);
}

test('two workers by default only on the kit\'s own stack with source addresses and 2+ cores', async () => {
  const { defaultWorkers } = await import('../cli/run.ts');
  const addresses = ['127.0.0.2'];
  assert.equal(defaultWorkers({ kind: 'reference', sourceAddresses: addresses }, 2), 3, 'two cores: three workers, as much of a run waits');
  assert.equal(defaultWorkers({ kind: 'reference', sourceAddresses: addresses }, 1), 1, 'one core: one worker');
  assert.equal(defaultWorkers({ kind: 'containers', sourceAddresses: [] }, 4), 1, 'no source addresses: the own-address scenarios must run last');
  assert.equal(defaultWorkers({ kind: 'external', sourceAddresses: addresses }, 4), 1, "a profile's deployment: --parallel says otherwise");
});
