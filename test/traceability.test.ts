import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceability, scenarios } from '../support/traceability.ts';
import { requirements } from '../support/requirements/catalogue.ts';

const report = traceability();

test('every requirement in the catalogue has at least one scenario', () => {
  assert.deepEqual(
    report.uncovered.map((r) => r.id),
    [],
    'requirements without a scenario: add a scenario tagged with each, or remove the requirement',
  );
});

test('every @REQ tag names a requirement of the catalogue', () => {
  assert.deepEqual(report.unknownTags.map((u) => `${u.tag} in ${u.scenario.uri}:${u.scenario.line}`), []);
});

test('every scenario judges at least one requirement', () => {
  assert.deepEqual(report.untagged.map((s) => `${s.uri}:${s.line} ${s.name}`), []);
});

test('the catalogue covers at least 60 requirements (issue 3) and the suite at least 25 scenarios (issue 2)', () => {
  assert.ok(requirements().length >= 60, `only ${requirements().length} requirements`);
  assert.ok(scenarios().length >= 25, `only ${scenarios().length} scenarios`);
});

test("README's counts are the suite's (features, scenarios, requirements)", async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { KIT_ROOT } = await import('../support/traceability.ts');
  const readme = readFileSync(join(KIT_ROOT, 'README.md'), 'utf8');
  const found = /^(\d+) features, one per use case, (\d+) scenarios judging (\d+) requirements\./m.exec(readme);
  assert.ok(found, 'README\'s "What the suite checks" opens with "<n> features, one per use case, <n> scenarios judging <n> requirements."');
  const all = scenarios();
  assert.deepEqual(
    { features: Number(found[1]), scenarios: Number(found[2]), requirements: Number(found[3]) },
    { features: new Set(all.map((s) => s.uri)).size, scenarios: all.length, requirements: requirements().length },
    'README counts differ from the suite: `auth-ctk list` prints them',
  );
});
