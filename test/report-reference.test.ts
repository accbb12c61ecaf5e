/**
 * Every verdict kind from a real run of the suite's own scenarios against the reference stack (issue 12,
 * done when): faults make a MUST fail, a SHOULD warn and a SHOULD deviate; a baseline turns the deviation into
 * a known deviation and lists a passing scenario (stale); the target description drops one capability a
 * requirement binds (not applicable) and one a scenario needs (not testable); the rest of the suite is not run.
 * Scenarios are chosen by their requirement tags in features/, so edits to their wording do not break this.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { ReferenceStack } from '../reference/stack.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { requirement } from '../support/requirements/catalogue.ts';
import { featureFiles, KIT_ROOT } from '../support/report/kit.ts';
import { loadBaseline } from '../support/report/baseline.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts, VERDICTS, type Verdicts } from '../support/report/verdicts.ts';
import type { Capability } from '../support/requirements/types.ts';
import { TEST_AIDS } from '../support/target/applicability.ts';

const FAULTS = ['ignore-scope', 'error-code-without-credentials', 'accept-token-sent-twice'];
const dir = mkdtempSync(join(tmpdir(), 'ctk-reference-verdicts-'));
const text = featureFiles().map((f) => readFileSync(join(KIT_ROOT, f), 'utf8')).join('\n');

/** The scenario right after the first tag line with all of `tags` (and no other @requires- than those). */
function scenarioTagged(...tags: string[]): string | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line.startsWith('@') || !tags.every((t) => new RegExp(`${t}(\\s|$)`).test(line))) continue;
    if (line.split(/\s+/).some((t) => t.startsWith('@requires-') && !tags.includes(t))) continue;
    for (let j = i + 1; j < lines.length; j++) {
      const m = /^\s*Scenario(?: Outline)?:\s*(.+?)\s*$/.exec(lines[j]!);
      if (m) return m[1];
      if (!/^\s*(@|#|$)/.test(lines[j]!)) break;
    }
  }
  return undefined;
}

/** A scenario needing a capability (`@requires-X`) that none of its own requirements binds: drop X -> not testable. */
function notTestableCandidate(): { name: string; capability: Capability; ids: string[] } | undefined {
  for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('@') && l.includes('@requires-') && !l.includes('@browser'))) {
    const capability = /@requires-(\S+)/.exec(line)![1] as Capability;
    const ids = [...line.matchAll(/@(REQ-[A-Z]+-\d{2})/g)].map((m) => m[1]!);
    if (ids.length === 0 || ids.some((id) => requirement(id).capability === capability)) continue;
    // Only a test aid the profile could provide makes a scenario not testable; an unclaimed property of the
    // deployment (it has no anonymous fallback, issues no JWTs) makes it not applicable (support/target/applicability.ts).
    if (!TEST_AIDS.includes(capability)) continue;
    const name = scenarioTagged(...line.split(/\s+/).filter((t) => t.startsWith('@')));
    if (name) return { name, capability, ids };
  }
  return undefined;
}

const picks = {
  passed: scenarioTagged('@REQ-CAUTH-01') ?? scenarioTagged('@REQ-TOK-01'),
  stale: scenarioTagged('@REQ-BEARER-01'),
  failed: scenarioTagged('@REQ-BEARER-07', '@REQ-BEARER-08'),
  warning: scenarioTagged('@REQ-BEARER-03'),
  deviation: scenarioTagged('@REQ-BEARER-11'),
  notApplicable: scenarioTagged('@REQ-CAUTH-02'),
};
const nt = notTestableCandidate();
const missing = [...Object.entries(picks).filter(([, v]) => !v).map(([k]) => k), ...(nt ? [] : ['not-testable candidate'])];

let stack: ReferenceStack | undefined;
let verdicts: Verdicts | undefined;

/** Outline names carry <placeholders>; cucumber's --name is a regular expression over the expanded name. */
const nameRegex = (name: string) => `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>/g, '.*')}$`;

before(async () => {
  if (missing.length) return;
  stack = await ReferenceStack.start({ faults: FAULTS });
  const base = describeReferenceTarget(stack.urls, { faults: FAULTS });
  const target = { ...base, capabilities: { ...base.capabilities, 'client-secret-post': false, [nt!.capability]: false } };
  writeFileSync(join(dir, 'target.json'), JSON.stringify(target), { mode: 0o600 });
  process.env.AUTH_CTK_TARGET_FILE = join(dir, 'target.json');
  const messages = join(dir, 'messages.ndjson');
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: [join(KIT_ROOT, 'features/**/*.feature')],
        import: [join(KIT_ROOT, 'support/world.ts'), join(KIT_ROOT, 'support/hooks.ts'), join(KIT_ROOT, 'steps/**/*.ts')],
        name: [...Object.values(picks), nt!.name].map((n) => nameRegex(n!)),
        format: [`message:${messages}`],
      },
    },
    { cwd: KIT_ROOT },
  );
  const sink = new Writable({ write: (_c, _e, done) => done() });
  await runCucumber(runConfiguration, { cwd: KIT_ROOT, stdout: sink, stderr: sink });
  writeFileSync(
    join(dir, 'baseline.yaml'),
    `deviations:\n  - requirement: REQ-BEARER-11\n    reason: fix ships in gateway 4.2\n  - scenario: ${JSON.stringify(picks.stale)}\n    reason: was broken last quarter\n`,
  );
  verdicts = computeVerdicts(readMessages(messages), { baseline: loadBaseline(join(dir, 'baseline.yaml')) });
});

after(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const req = (id: string) => verdicts!.requirements.find((r) => r.requirement.id === id)!;
const scenario = (name: string) => verdicts!.scenarios.find((s) => new RegExp(nameRegex(name)).test(s.name))!;

// The picks come from features/ by their tags. A pick that disappears is a failure of this test, never a skip:
// the verdict kinds it proves would otherwise go unproven while the test stays green.
test('the suite has a scenario for every verdict kind this test proves', () => {
  assert.deepEqual(missing, [], `the suite lacks scenarios for: ${missing.join(', ')}; pick others by their tags`);
});

test('every verdict kind comes out of a real run against the reference', () => {
  const kinds = new Set(verdicts!.requirements.map((r) => r.verdict));
  assert.deepEqual(VERDICTS.filter((v) => !kinds.has(v)), [], `verdicts seen: ${[...kinds].join(', ')}`);
});

test('the fault-broken MUST fails with its clause; the requirement its scenario never reached is blocked', () => {
  assert.equal(req('REQ-BEARER-08').verdict, 'failed');
  assert.match(req('REQ-BEARER-08').diagnoses[0]!, /^REQ-BEARER-08 .* \[MUST\] — expected .*; got HTTP 2\d\d/);
  assert.equal(scenario(picks.failed!).verdict, 'failed');
  assert.equal(req('REQ-BEARER-07').verdict, 'not-testable');
});

test('the fault-broken SHOULD is a warning, and the baselined one a known deviation with its reason', () => {
  assert.equal(req('REQ-BEARER-03').verdict, 'warning');
  assert.match(req('REQ-BEARER-03').diagnoses[0]!, /\[SHOULD\] — expected .*; got HTTP 401/);
  assert.equal(req('REQ-BEARER-11').verdict, 'known-deviation');
  assert.equal(req('REQ-BEARER-11').deviation!.reason, 'fix ships in gateway 4.2');
});

test('a baselined scenario that passes is stale; an untouched one passes', () => {
  assert.equal(scenario(picks.stale!).verdict, 'stale-deviation');
  assert.equal(scenario(picks.passed!).verdict, 'passed');
});

test('a capability the target does not claim makes its requirement not applicable; a missing prerequisite not testable', () => {
  assert.equal(req('REQ-CAUTH-02').verdict, 'not-applicable');
  assert.match(req('REQ-CAUTH-02').reason!, /does not claim client-secret-post/);
  const s = scenario(nt!.name);
  assert.equal(s.verdict, 'not-testable', `${nt!.name}: ${s.verdict}`);
  for (const id of nt!.ids) assert.match(s.contributions.get(id)?.reason ?? '', new RegExp(`does not provide ${nt!.capability}`));
});
