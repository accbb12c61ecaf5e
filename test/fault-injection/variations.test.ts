/**
 * No false alarm on a correct product: the reference started with every conformant variation
 * (reference/variations.ts) — behaviours real IdPs and gateways show and the clauses allow — must pass the whole
 * suite without a failure or a warning. Each variation is first shown to be in effect (a probe of the behaviour
 * it names), so a variation that silently does nothing cannot make this test pass.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIATIONS, type VariationName } from '../../reference/variations.ts';
import { FAULTS } from '../../reference/faults.ts';
import { ReferenceStack } from '../../reference/stack.ts';
import { loadReferenceFixtures } from '../../reference/fixtures.ts';
import { TokenRateLimit } from '../../reference/idp/rate-limit.ts';
import { retryAfterValue } from '../../reference/idp/idp.ts';
import { closeConnections } from '../../support/http/exchange.ts';
import { probeContext, type Probe, type ProbeContext } from './variation-probes/context.ts';
import { IDP_PROBES } from './variation-probes/idp.ts';
import { GATEWAY_PROBES } from './variation-probes/gateway.ts';
import { KIT_ROOT } from '../../support/traceability.ts';
import { runWithFault } from './run-with-fault.ts';
import { uncleanScenarios } from './fault-table.ts';

const ALL_NAMES = VARIATIONS.map((v) => v.name as VariationName);
/** AUTH_CTK_ONLY_VARIATIONS=a,b: probe and run the suite with those variations only (a quicker look at one). */
const only = process.env.AUTH_CTK_ONLY_VARIATIONS?.split(',').filter(Boolean);
const NAMES = only ? ALL_NAMES.filter((n) => only.includes(n)) : ALL_NAMES;

test('variations: named once, never a fault\'s name, each with the clause that allows it and a branch in its server', () => {
  assert.equal(new Set(ALL_NAMES).size, ALL_NAMES.length, 'duplicate variation names');
  assert.deepEqual(ALL_NAMES.filter((n) => FAULTS.some((f) => f.name === n)), [], 'a name is both a fault and a variation');
  // A fault's `needs` names variations: a misspelt one would start a reference without the capability it breaks.
  assert.deepEqual(FAULTS.flatMap((f) => (f.needs ?? []).filter((v) => !ALL_NAMES.includes(v as VariationName)).map((v) => `${f.name} needs ${v}`)), [], 'faults needing an unknown variation');
  for (const v of VARIATIONS) assert.ok(v.allowedBy.length > 20, `${v.name}: say which clause allows it`);
  // Each component's code read once: every variation of it must have its branch there.
  const code = new Map<string, string>();
  const sources = (dir: string) =>
    code.get(dir) ??
    code.set(dir, readdirSync(join(KIT_ROOT, 'reference', dir)).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(KIT_ROOT, 'reference', dir, f), 'utf8')).join('\n')).get(dir)!;
  for (const v of VARIATIONS) assert.match(sources(v.component), new RegExp(`faults\\.has\\('${v.name}'\\)`), `${v.name}: no branch in reference/${v.component}`);
});

test('sliding-window-rate-limit: at most the limit in any second, served again as the oldest leaves the window', async () => {
  let now = 10_000;
  // Through the IdP's limiter with the switch the IdP sets for this variation (reference/idp/idp.ts).
  const limiter = new TokenRateLimit(3, { slidingWindow: true, now: () => now });
  const window = { check: (ip: string) => limiter.check(ip) };
  const served = async () => (await window.check('ip')).allowed;
  assert.deepEqual([await served(), await served(), await served(), await served()], [true, true, true, false]);
  now += 1000; // t = 11.0 s: the first three left the window
  assert.equal(await served(), true);
  now += 900; // t = 11.9 s
  assert.deepEqual([await served(), await served(), await served()], [true, true, false]);
  now += 150; // t = 12.05 s: the request of 11.0 s left the window, the two of 11.9 s are still in it
  assert.equal(await served(), true);
  const refused = await window.check('ip');
  // A fixed window opened at 11.0 s would have closed at 12.0 s and serve this one: the sliding window refuses it.
  assert.ok(!refused.allowed, 'three served in the last second: refused');
  assert.equal(refused.retryAfterSeconds, 1);
  assert.equal((await window.check('other-ip')).allowed, true, 'per IP');
});

test('retry-after-http-date: rounded up to the next whole second, never before the wait is over', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0, 400);
  assert.equal(retryAfterValue(1, false, now), '1');
  assert.equal(retryAfterValue(1, true, now), 'Mon, 23 Nov 2026 12:00:02 GMT');
});

describe('the reference with every variation: each one in effect', () => {
  let stack: ReferenceStack;
  let context: ProbeContext;
  before(async () => {
    stack = await ReferenceStack.start({ faults: NAMES });
    context = probeContext(stack.urls, loadReferenceFixtures());
  });
  after(async () => {
    await stack?.stop();
    await closeConnections();
  });
  const probes: Record<VariationName, Probe> = { ...IDP_PROBES, ...GATEWAY_PROBES };
  for (const name of NAMES) test(name, () => probes[name](context));
});

// The client feature certifies a client under test (auth-ctk client), not the reference.
test('the suite passes the reference with every variation: no failure, no warning, nothing untestable', async () => {
  const run = await runWithFault(NAMES.join(','), ['features/', '--tags', 'not @client']);
  assert.ok(run.verdicts.scenarios.length > 0, `the suite ran no scenario: ${run.stderr}`);
  assert.deepEqual(uncleanScenarios(run), [], 'a correct (varied) reference was not passed: a false alarm');
});
