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
