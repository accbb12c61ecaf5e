/**
 * Verdicts from real Cucumber messages: the report fixture (test/report-fixtures/verdict-kinds.feature) ends
 * one scenario in each possible way; these tests check the verdict of each, the combination per requirement,
 * the certification rules, the console summary and JUnit, and that bad results are refused clearly.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { runFixture, type FixtureIds } from './report-fixtures/run-fixture.ts';
import { indexMessages, parseMessages, readMessages, ResultsError } from '../support/report/messages.ts';
import { computeVerdicts, noChecks, type RequirementVerdict, type Verdict, type Verdicts } from '../support/report/verdicts.ts';
import { certify, certifyProfile } from '../support/report/certification.ts';
import { renderSummary } from '../support/report/console-summary.ts';
import { renderJUnit } from '../support/report/junit.ts';
import { requirement, requirements } from '../support/requirements/catalogue.ts';

let messagesFile = '';
let text = '';
let verdicts: Verdicts;
let ids: FixtureIds;

/** The clause part of a diagnosis, from the catalogue: `REQ-X <source> [MUST]`. */
const head = (id: string) => `${id} ${requirement(id).source} [${requirement(id).level === 'SEED' ? 'seed' : requirement(id).level}]`;

const dir = mkdtempSync(join(tmpdir(), 'ctk-verdicts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

before(async () => {
  const run = await runFixture(dir);
  ids = run.ids;
  messagesFile = join(run.reportsDir, 'cucumber-messages.ndjson');
  text = readFileSync(messagesFile, 'utf8');
  verdicts = computeVerdicts(readMessages(messagesFile));
});

const scenario = (name: string) => {
  const s = verdicts.scenarios.find((x) => x.name === name);
  assert.ok(s, `scenario "${name}" in the fixture run`);
  return s;
};
const req = (id: string, v = verdicts) => v.requirements.find((r) => r.requirement.id === id)!;

test('each way a scenario ends gets its verdict', () => {
  const expected: Record<string, Verdict> = {
    'A check that holds': 'passed',
    'A MUST check that misses': 'failed',
    'A SHOULD check that misses': 'warning',
    'A SHOULD scenario that dies with an error': 'warning',
    'A MUST scenario whose target is unreachable': 'failed',
    'A check that needs a short-lived client the target lacks': 'not-testable',
    'A check bound to a capability the target does not claim': 'not-applicable',
    'A scenario that stops at its first requirement': 'failed',
    'A check listed in the baseline that passes': 'passed',
    'A step nobody defined': 'failed',
    'A step that leaks the client secret in its error': 'failed',
    'A step that skips without saying why': 'not-testable',
    'A scenario tagged with a requirement the catalogue lacks': 'failed',
    'A judge that returns without judging': 'not-testable',
    'A helper deep in support/ finds a prerequisite missing': 'not-testable',
    'A judge whose positive control failed': 'not-testable',
    'A requirement one check of which held while another could not judge': 'not-testable',
    'A requirement judged here': 'passed',
    'A requirement not testable there': 'not-testable',
  };
  assert.deepEqual(Object.fromEntries(verdicts.scenarios.map((s) => [s.name, s.verdict])), expected);
});

test('a MUST miss is failed with the one-line diagnosis the check wrote', () => {
  const r = req(ids.MUST_MISS);
  assert.equal(r.verdict, 'failed');
  assert.deepEqual(r.diagnoses, [`${head(ids.MUST_MISS)} — expected 401 with WWW-Authenticate: Bearer error="invalid_token"; got 200 (token expired 3 s ago)`]);
});

test('a SHOULD miss is a warning, never failed, even when its scenario dies with an error', () => {
  assert.equal(req(ids.SHOULD_MISS).verdict, 'warning');
  const r = req(ids.SHOULD_ERROR);
  assert.equal(r.verdict, 'warning');
  assert.equal(r.diagnoses[0], `${head(ids.SHOULD_ERROR)} — scenario "A SHOULD scenario that dies with an error" failed with an error, not a check: TypeError: cannot read properties of undefined`);
  assert.equal(scenario('A SHOULD scenario that dies with an error').error, 'TypeError: cannot read properties of undefined');
});

test('an error before the check fails a MUST requirement with the error\'s first line', () => {
  const r = req(ids.MUST_ERROR);
  assert.equal(r.verdict, 'failed');
  assert.equal(r.diagnoses[0], `${head(ids.MUST_ERROR)} — scenario "A MUST scenario whose target is unreachable" failed with an error, not a check: connect ECONNREFUSED 127.0.0.1:9`);
  assert.ok(!r.diagnoses[0]!.includes('at somewhere'), 'only the first line of the error');
  assert.match(req(ids.UNDEFINED).diagnoses[0]!, /kit error: step "a step nobody wrote runs" is undefined/);
});

test('not testable and not applicable carry the reason and what would make the check run', () => {
  const nt = req(ids.NOT_TESTABLE);
  assert.equal(nt.verdict, 'not-testable');
  assert.match(nt.reason!, /no short-TTL client/);
  assert.match(nt.remedy!, /clients\.shortTtl/);
  const na = req(ids.NOT_APPLICABLE);
  assert.equal(na.verdict, 'not-applicable');
  assert.match(na.reason!, new RegExp(`does not claim ${requirement(ids.NOT_APPLICABLE).capability}`));
  const silent = req(ids.SILENT_SKIP);
  assert.equal(silent.verdict, 'not-testable', 'a skip without a reason is never a pass');
  assert.match(silent.reason!, /skipped without saying why/);
});

test('a NotTestableError thrown anywhere becomes the not-testable record, with its reason and remedy', () => {
  const s = scenario('A helper deep in support/ finds a prerequisite missing');
  const c = s.contributions.get(ids.NOT_TESTABLE)!;
  assert.equal(c.verdict, 'not-testable');
  assert.equal(c.reason, 'the target profile names no rotation client');
  assert.equal(c.remedy, 'add clients.rotation to the target profile');
  assert.equal(s.error, undefined, 'not an error of the kit or the target');
});

test('a requirement its scenario never got to is not testable (blocked), not passed', () => {
  assert.equal(req(ids.BLOCKER).verdict, 'failed');
  const blocked = req(ids.BLOCKED);
  assert.equal(blocked.verdict, 'not-testable');
  assert.match(blocked.reason!, new RegExp(`stopped at ${ids.BLOCKER} first`));
});

test('a judge that returns early never produces "passed": its requirement is "not judged", with the reason', () => {
  const early = req(ids.RETURNED_EARLY);
  assert.equal(early.verdict, 'not-testable', 'a scenario that passed without a check of its requirement certifies nothing');
  assert.match(early.reason!, /^not judged: the scenario "A judge that returns without judging" ran, but no check of REQ-/);
  assert.deepEqual(early.checks, { holds: 0, 'does-not-hold': 0, 'could-not-judge': 0, 'does-not-apply': 0 });
  const control = req(ids.COULD_NOT_JUDGE);
  assert.equal(control.verdict, 'not-testable');
  assert.equal(control.reason, 'not judged: the route refuses valid tokens too (positive control: HTTP 503)');
  assert.deepEqual(control.checks, { holds: 0, 'does-not-hold': 0, 'could-not-judge': 1, 'does-not-apply': 0 });
});

test('a pass stands on the checks that held, and counts them', () => {
  // The scenario tagged with an unknown id holds a check of PASS too, but is not tagged with it: no contribution.
  assert.deepEqual(req(ids.PASS).checks, { holds: 1, 'does-not-hold': 0, 'could-not-judge': 0, 'does-not-apply': 0 });
  assert.deepEqual(req(ids.MUST_MISS).checks, { holds: 0, 'does-not-hold': 1, 'could-not-judge': 0, 'does-not-apply': 0 });
});

test('partial coverage is visible: judged in 1 of 2 scenarios is "not testable", not "passed"', () => {
  const r = req(ids.PARTIAL);
  assert.equal(r.verdict, 'not-testable');
  assert.deepEqual(r.partial, { judged: 1, notJudged: 1, of: 2 });
  assert.match(r.reason!, /^partly judged: passed in 1 of 2 scenarios; 1 not testable \(the target profile has no short-TTL client/);
  assert.equal(certifyProfile(requirement(ids.PARTIAL).profile, verdicts.requirements, true).status === 'certified', false, 'a binding requirement judged in part does not certify its profile');
});

test('requirements without any scenario are not run, with the reason', () => {
  const r = req(ids.UNJUDGED);
  assert.equal(r.verdict, 'not-run');
  assert.equal(r.reason, 'no scenario in the suite judges it yet');
});

test('scenarios a tag filter left out make their requirements "not run (not selected)"', () => {
  // Drop the execution of one pickle, as a tag filter does (cucumber still emits every pickle).
  const envelopes = parseMessages(text, 'fixture');
  const pickle = envelopes.find((e) => e.pickle?.name === 'A check that holds')!.pickle!;
  const testCase = envelopes.find((e) => e.testCase?.pickleId === pickle.id)!.testCase!;
  const started = envelopes.find((e) => e.testCaseStarted?.testCaseId === testCase.id)!.testCaseStarted!;
  const kept = envelopes.filter((e: Envelope) => {
    const ids = [e.testCase?.id, e.testCaseStarted?.id, e.testCaseStarted?.testCaseId, e.testStepStarted?.testCaseStartedId, e.testStepFinished?.testCaseStartedId, e.attachment?.testCaseStartedId, e.testCaseFinished?.testCaseStartedId];
    return !ids.includes(testCase.id) && !ids.includes(started.id);
  });
  const v = computeVerdicts(indexMessages(kept, 'filtered'));
  assert.equal(req(ids.PASS, v).verdict, 'not-run');
  assert.equal(req(ids.PASS, v).reason, 'its scenarios were not selected in this run (tag filter)');
  assert.equal(v.partial, true);
  assert.equal(verdicts.partial, false);
});

test('a secret in an error message never reaches a diagnosis', () => {
  const r = req(ids.LEAK);
  assert.equal(r.verdict, 'failed');
  assert.match(r.diagnoses[0]!, /unexpected answer for secret \[REDACTED\]$/);
  assert.ok(!JSON.stringify(verdicts.requirements).includes('fixture-secret-system'), 'no client secret anywhere in the verdicts');
});

test('a tag naming no catalogue requirement is a run error (kit bug), and the scenario fails', () => {
  assert.ok(verdicts.runErrors.some((e) => e.includes('@REQ-NOPE-99')));
});

// Certification -------------------------------------------------------------------------------------------

function synthetic(verdictOf: (id: string) => Verdict): Verdicts {
  const reqs: RequirementVerdict[] = requirements().map((r) => ({ requirement: r, verdict: verdictOf(r.id), checks: noChecks(), diagnoses: [], scenarios: [] }));
  return { scenarios: [], requirements: reqs, runErrors: [], partial: false };
}
const level = (id: string) => requirements().find((r) => r.id === id)!.level;
const profileOf = (id: string) => requirements().find((r) => r.id === id)!.profile;
const firstMust = requirements().find((r) => r.profile === 'core' && r.level === 'MUST')!.id;
const firstShould = requirements().find((r) => r.profile === 'core' && r.level === 'SHOULD')!.id;

test('a profile is certified when every applicable MUST/SEED passed; warnings are listed, not denying', () => {
  const v = synthetic((id) => (id === firstShould ? 'warning' : 'passed'));
  const core = certifyProfile('core', v.requirements, true);
  assert.equal(core.status, 'certified');
  assert.deepEqual(core.warnings, [firstShould]);
  assert.match(core.reason, /1 warning/);
});

test('a known deviation certifies "with deviations"; a failure or a stale entry denies', () => {
  assert.equal(certifyProfile('core', synthetic((id) => (id === firstMust ? 'known-deviation' : 'passed')).requirements, true).status, 'certified with deviations');
  assert.equal(certifyProfile('core', synthetic((id) => (id === firstMust ? 'failed' : 'passed')).requirements, true).status, 'not certified');
  assert.equal(certifyProfile('core', synthetic((id) => (id === firstShould ? 'stale-deviation' : 'passed')).requirements, true).status, 'not certified');
});

test('a not-testable or not-run MUST leaves the profile incomplete (not certified)', () => {
  const p = certifyProfile('core', synthetic((id) => (id === firstMust ? 'not-testable' : 'passed')).requirements, true);
  assert.equal(p.status, 'incomplete');
  assert.match(p.reason, /^not certified \(incomplete\): 1 binding requirement not testable/);
  // A not-testable SHOULD does not: only binding requirements must be judged.
  assert.equal(certifyProfile('core', synthetic((id) => (id === firstShould ? 'not-testable' : 'passed')).requirements, true).status, 'certified');
});

test('a profile whose binding requirements are all not applicable is "not applicable"; all not run is "not evaluated"', () => {
  const gateway = (v: Verdict) => certifyProfile('gateway', synthetic((id) => (profileOf(id) === 'gateway' && level(id) !== 'SHOULD' ? v : 'passed')).requirements, true).status;
  assert.equal(gateway('not-applicable'), 'not applicable');
  assert.equal(gateway('not-run'), 'not evaluated');
});

test('the run certifies what was asked: all profiles, the named ones, or (with --tags) the selection', () => {
  const all = certify(synthetic(() => 'passed'));
  assert.equal(all.status, 'certified');
  assert.equal(all.exitCode, 0);
  const coreMissing = synthetic((id) => (profileOf(id) === 'core' ? 'not-run' : 'passed'));
  assert.equal(certify(coreMissing).status, 'incomplete');
  assert.equal(certify(coreMissing).exitCode, 1);
  const gatewayOnly = certify(coreMissing, { profiles: ['gateway'] });
  assert.equal(gatewayOnly.status, 'certified');
  assert.equal(gatewayOnly.exitCode, 0);
  // A platform run has no client under test: the client profile's checks are not testable and not asked.
  const noClient = certify(synthetic((id) => (profileOf(id) === 'client' ? 'not-testable' : 'passed')));
  assert.equal(noClient.status, 'certified');
  assert.equal(noClient.profiles.find((p) => p.profile === 'client')!.status, requirements().some((r) => r.profile === 'client' && r.level !== 'SHOULD') ? 'incomplete' : 'not applicable');
  assert.equal(certify(synthetic((id) => (profileOf(id) === 'client' ? 'not-testable' : 'passed')), { profiles: ['client'] }).exitCode, requirements().some((r) => r.profile === 'client' && r.level !== 'SHOULD') ? 1 : 0);
  const selection = certify(coreMissing, { tags: '@REQ-BEARER-01' });
  assert.equal(selection.status, 'selection passed');
  assert.equal(selection.exitCode, 0, 'a passing selection exits 0 but certifies no profile');
  const failed = certify(synthetic((id) => (id === firstMust ? 'failed' : 'passed')), { tags: '@x' });
  assert.equal(failed.status, 'not certified');
  assert.equal(failed.exitCode, 1);
  const untestable = certify(synthetic((id) => (id === firstMust ? 'not-testable' : 'passed')), { tags: '@x' });
  assert.equal(untestable.exitCode, 1, 'a selected MUST that could not be tested is not certified');
});

test('the fixture run is not certified, and says why', () => {
  const c = certify(verdicts);
  assert.equal(c.status, 'not certified');
  assert.equal(c.exitCode, 1);
  assert.ok(c.reasons.some((r) => r.includes('requirements failed: ') && r.includes(ids.MUST_MISS)));
});

// Console summary and JUnit ---------------------------------------------------------------------------------

test('the console summary has a table per feature and one line per failure and warning', () => {
  const out = renderSummary(verdicts, certify(verdicts), { target: 'report fixture target' });
  assert.match(out, /feature \(scenarios\)\s+passed\s+failed\s+warning\s+known dev\.\s+not appl\.\s+not testable/);
  assert.match(out, /Verdict kinds \(report fixture\)\s+3\s+6\s+2\s+0\s+1\s+7/);
  assert.ok(out.includes(`FAILED   ${head(ids.MUST_MISS)} — expected 401 with WWW-Authenticate: Bearer error="invalid_token"; got 200 (token expired 3 s ago)`));
  assert.ok(out.includes(`WARNING  ${head(ids.SHOULD_MISS)} — expected 401`));
  assert.ok(out.includes(`UNTESTED ${ids.NOT_TESTABLE} [MUST] — the target profile has no short-TTL client`));
  assert.match(out, /; to test it: add clients\.shortTtl/);
  assert.ok(out.includes(`N/A      ${ids.NOT_APPLICABLE} — the target does not claim ${requirement(ids.NOT_APPLICABLE).capability}`));
  assert.match(out, /auth-ctk: NOT CERTIFIED \(profiles core, gateway, rate-limits, human-identity, asymmetric-client-auth, sender-constrained, introspection\) — exit 1/);
});

test('JUnit carries the same one-line diagnoses, and reasons for what did not run', () => {
  const xml = renderJUnit(verdicts, { target: 'fixture' });
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  assert.ok(xml.includes(`<failure type="requirement-violation" message="${esc(head(ids.MUST_MISS))} — expected 401 with WWW-Authenticate: Bearer error=&quot;invalid_token&quot;; got 200 (token expired 3 s ago)">`));
  assert.ok(xml.includes(`<error type="error" message="${esc(head(ids.MUST_ERROR))} — scenario &quot;A MUST scenario whose target is unreachable&quot; failed with an error, not a check: connect ECONNREFUSED 127.0.0.1:9">`));
  assert.match(xml, /<skipped message="not testable: the target profile has no short-TTL client/);
  assert.match(xml, /<skipped message="not applicable: the target does not claim /);
  assert.ok(xml.includes(`<system-out>WARNING ${head(ids.SHOULD_MISS)}`));
  assert.match(xml, /<testsuites name="auth-ctk — fixture" tests="19" failures="2" errors="4" skipped="8"/);
  assert.ok(xml.includes(`<property name="checks ${ids.PASS}" value="1 held, 0 not held, 0 could not judge"/>`), 'the checks behind each verdict');
  assert.ok(!xml.includes('fixture-secret'), 'no secret in JUnit');
});

// Bad results ---------------------------------------------------------------------------------------------------

test('missing, empty, half-written and damaged message streams are refused with a clear message', () => {
  const bad = join(dir, 'bad');
  mkdirSync(bad);
  assert.throws(() => readMessages(join(bad, 'nope.ndjson')), (e: unknown) => e instanceof ResultsError && /does not exist\. Run the suite first/.test(e.message));
  writeFileSync(join(bad, 'empty.ndjson'), '');
  assert.throws(() => readMessages(join(bad, 'empty.ndjson')), /is empty/);
  writeFileSync(join(bad, 'cut.ndjson'), text.slice(0, text.length - 40));
  assert.throws(() => readMessages(join(bad, 'cut.ndjson')), /is half-written: its last line \(\d+\) is cut off/);
  const lines = text.split('\n');
  lines[3] = lines[3]!.slice(0, 10);
  writeFileSync(join(bad, 'damaged.ndjson'), lines.join('\n'));
  assert.throws(() => readMessages(join(bad, 'damaged.ndjson')), /line 4 is not a Cucumber message/);
  writeFileSync(join(bad, 'unfinished.ndjson'), text.split('\n').filter((l) => !l.includes('"testRunFinished"')).join('\n'));
  assert.throws(() => readMessages(join(bad, 'unfinished.ndjson')), /no testRunFinished message: the run did not finish/);
});
