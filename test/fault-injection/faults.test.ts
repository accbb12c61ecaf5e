/**
 * The kit proves it can fail (issue 5). For every named fault of the reference stack:
 *  (a) at least one scenario tagged with a requirement the fault breaks reports that requirement
 *      (failed for MUST/SEED, warning for SHOULD), and
 *  (b) no scenario reports anything else: the fault is caught by the right check, not by collateral noise.
 * And without any fault, the suite is clean. Only the features that judge a fault's requirements run for it
 * (sound because (b) is about unrelated requirements in the same features, and every other feature is
 * checked clean by the fault-free run); two runs at a time on the 2-core machine.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FAULTS, UNBREAKABLE_REQUIREMENTS } from '../../reference/faults.ts';
import { requirements } from '../../support/requirements/catalogue.ts';
import { scenarios, KIT_ROOT } from '../../support/traceability.ts';
import { runWithFault } from './run-with-fault.ts';
import { judge, faultTable, uncleanScenarios, type FaultVerdict } from './fault-table.ts';
import { RunGate } from './run-gate.ts';

const ALL_SCENARIOS = scenarios();
const featuresJudging = (requirementIds: readonly string[]) =>
  [...new Set(ALL_SCENARIOS.filter((s) => s.requirementIds.some((id) => requirementIds.includes(id))).map((s) => s.uri))].sort();

const verdicts: FaultVerdict[] = [];
const gate = new RunGate();

/**
 * Every requirement the fault breaks came back not testable: nothing judged it (a timing check on a machine too
 * loaded by the other fault run beside it: REQ-RL-14's bursts slower than 0.5 s). Never a pass: a check that
 * passed a broken reference fails the test at once.
 */
const onlyNotTestable = (v: FaultVerdict): boolean => {
  const judged = v.run.verdicts.requirements.filter((r) => v.fault.breaks.includes(r.requirement.id));
  return v.caught.length === 0 && judged.length > 0 && judged.every((r) => r.verdict === 'not-testable');
};

const scenarioLine = (s: FaultVerdict['run']['verdicts']['scenarios'][number]): string =>
  `  ${s.verdict} ${s.name} ${s.error ?? [...s.contributions.values()].map((c) => c.reason ?? c.diagnoses.join(' | ')).filter(Boolean).join(' | ')}`;
const only = process.env.AUTH_CTK_ONLY_FAULTS?.split(',').filter(Boolean);
const selected = only ? FAULTS.filter((f) => only.includes(f.name)) : FAULTS;

test('every requirement is broken by a named fault, or listed as unbreakable with the reason', () => {
  const broken = new Set(FAULTS.flatMap((f) => f.breaks));
  const unbreakable = new Set(UNBREAKABLE_REQUIREMENTS.map((u) => u.id));
  const known = new Set(requirements().map((r) => r.id));
  assert.deepEqual(requirements().map((r) => r.id).filter((id) => !broken.has(id) && !unbreakable.has(id)), [], 'requirements no fault breaks');
  assert.deepEqual([...broken, ...unbreakable].filter((id) => !known.has(id)), [], 'faults or unbreakable entries naming unknown requirements');
  assert.deepEqual([...unbreakable].filter((id) => broken.has(id)), [], 'listed as unbreakable, yet a fault breaks it');
});

describe('fault injection', { concurrency: 2 }, () => {
  // The client feature certifies a client under test (auth-ctk client); its faulty clients are proven in
  // test/client*.test.ts. Against the reference target alone those scenarios are rightly "not testable".
  test('without a fault, every requirement of the reference suite passes without a warning', { skip: only ? 'AUTH_CTK_ONLY_FAULTS selects single faults' : false }, async () => {
    const run = await gate.beside(() => runWithFault('', ['features/', '--tags', 'not @client']));
    assert.ok(run.verdicts.scenarios.length > 0, `the suite ran no scenario: ${run.stderr}`);
    assert.deepEqual(uncleanScenarios(run), []);
  });

  for (const fault of selected) {
    test(`${fault.name} is caught by ${fault.breaks.join(', ')}`, async (t) => {
      const features = featuresJudging(fault.breaks);
      assert.ok(features.length > 0, `no scenario is tagged with ${fault.breaks.join(', ')}: the fault cannot be caught`);
      let verdict = judge(fault, await gate.beside(() => runWithFault(fault.name, features)));
      if (onlyNotTestable(verdict)) {
        t.diagnostic(`not testable beside another fault run (${verdict.run.seconds} s); once more alone:\n${verdict.run.verdicts.scenarios.map(scenarioLine).join('\n')}`);
        verdict = judge(fault, await gate.alone(() => runWithFault(fault.name, features)));
      }
      verdicts.push(verdict);
      t.diagnostic(`caught as ${verdict.caught.map((c) => `${c.id} ${c.verdict}`).join(', ') || 'nothing'} (${verdict.run.seconds} s)`);
      assert.ok(
        verdict.caught.length > 0,
        `fault ${fault.name} (${fault.description}) was not caught: no scenario reported ${fault.breaks.join(', ')}.\n` +
          verdict.run.verdicts.scenarios.map(scenarioLine).join('\n') +
          `\n${verdict.run.stderr.slice(-1500)}`,
      );
      assert.deepEqual(verdict.collateral, [], `fault ${fault.name} also tripped checks of requirements it does not claim to break`);
    });
  }
});

// A fault's `breaks` list is a claim; the runs are the proof. Counted only over a run of every fault.
test('every requirement a fault claims to break is reported by some fault run', { skip: only ? 'AUTH_CTK_ONLY_FAULTS selects single faults' : false }, () => {
  const reported = new Set(verdicts.flatMap((v) => v.caught.map((c) => c.id)));
  const unbreakable = new Set(UNBREAKABLE_REQUIREMENTS.map((u) => u.id));
  assert.deepEqual(
    requirements().map((r) => r.id).filter((id) => !reported.has(id) && !unbreakable.has(id)),
    [],
    'requirements that no fault run reported: a fault that breaks each is missing, or its scenario cannot fail',
  );
});

after(() => {
  const table = faultTable([...verdicts].sort((a, b) => a.fault.name.localeCompare(b.fault.name)));
  const dir = join(KIT_ROOT, 'reports', 'selftest');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fault-coverage.md'), table);
  if (process.env.AUTH_CTK_WRITE_DOCS === '1' && !only) {
    mkdirSync(join(KIT_ROOT, 'docs'), { recursive: true });
    writeFileSync(join(KIT_ROOT, 'docs', 'fault-coverage.md'), table);
  }
});
