/**
 * Known-deviation baselines (issue 12 §2): what a valid file is, every way it is refused (exit 2 before the
 * run), how it turns failures into known deviations and passes into stale entries, `auth-ctk baseline`, and
 * end to end through `auth-ctk run`: a stale entry fails the run (exit 1), a missing reason exits 2.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFixture, writeFixtureFeature, FIXTURE_STEPS, KIT, type FixtureIds } from './report-fixtures/run-fixture.ts';
import { BaselineError, loadBaseline, renderStarterBaseline, reviewOverdue } from '../support/report/baseline.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts, type Verdicts } from '../support/report/verdicts.ts';
import { certify } from '../support/report/certification.ts';
import { renderSummary } from '../support/report/console-summary.ts';

const dir = mkdtempSync(join(tmpdir(), 'ctk-baseline-'));
const scratch = [dir];
after(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});
let ids: FixtureIds;
let messages = '';

before(async () => {
  const run = await runFixture(dir);
  ids = run.ids;
  messages = join(run.reportsDir, 'cucumber-messages.ndjson');
});

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const refused = (file: string, pattern: RegExp) =>
  assert.throws(() => loadBaseline(file, { scenarioNames: new Map([['A check that holds', []]]) }), (e: unknown) => {
    assert.ok(e instanceof BaselineError, String(e));
    assert.match(e.message, pattern);
    return true;
  });

test('a valid baseline loads with its entries, lines and hash', () => {
  const file = write('ok.yaml', `# vendor baseline\ntarget: ACME IdP\ndeviations:\n  - requirement: ${ids.MUST_MISS}\n    reason: CDN strips the header, ACME-1234\n    review: 2020-01-31\n  - scenario: A check that holds\n    reason: known\n`);
  const b = loadBaseline(file, { scenarioNames: new Map([['A check that holds', []]]) });
  assert.equal(b.target, 'ACME IdP');
  assert.deepEqual(b.entries.map((e) => [e.requirement ?? e.scenario, e.line]), [[ids.MUST_MISS, 4], ['A check that holds', 7]]);
  assert.match(b.sha256, /^[0-9a-f]{64}$/);
  assert.equal(reviewOverdue(b.entries[0]!), true);
});

test('every way a baseline can be wrong is refused with the entry and line', () => {
  refused(write('unknown.yaml', 'deviations:\n  - requirement: REQ-NOPE-99\n    reason: x\n'), /entry 1 \(line 2\): unknown requirement "REQ-NOPE-99"/);
  refused(write('noreason.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n`), new RegExp(`entry 1 \\(line 2\\): ${ids.MUST_MISS} has no reason`));
  refused(write('empty-reason.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n    reason: "  "\n`), /has no reason/);
  refused(write('todo.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n    reason: TODO\n`), /still has the reason "TODO": replace the TODO/);
  refused(write('both.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n    scenario: A check that holds\n    reason: x\n`), /not both/);
  refused(write('neither.yaml', 'deviations:\n  - reason: x\n'), /not neither/);
  refused(write('scenario.yaml', 'deviations:\n  - scenario: No such scenario\n    reason: x\n'), /no scenario is named "No such scenario"/);
  refused(write('date.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n    reason: x\n    review: next week\n`), /must match pattern/);
  refused(write('dup.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n    reason: x\n  - requirement: ${ids.MUST_MISS}\n    reason: y\n`), /listed twice/);
  refused(write('key.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n    reason: x\n    ticket: 1\n`), /"ticket"; allowed: requirement, scenario, reason, review/);
  refused(write('shape.yaml', `- ${ids.MUST_MISS}\n`), /expected: "deviations:"/);
  refused(write('syntax.yaml', 'deviations: [\n'), /YAML:/);
  refused(join(dir, 'missing.yaml'), /does not exist/);
});

function withBaseline(text: string): Verdicts {
  return computeVerdicts(readMessages(messages), { baseline: loadBaseline(write(`b-${Math.random()}.yaml`, text)) });
}
const req = (v: Verdicts, id: string) => v.requirements.find((r) => r.requirement.id === id)!;

test('a listed failure is a known deviation with its reason; the run certifies with deviations when nothing else fails', () => {
  const v = withBaseline(`deviations:\n  - requirement: ${ids.MUST_MISS}\n    reason: fix in ACME-1234\n    review: 2999-01-01\n`);
  const r = req(v, ids.MUST_MISS);
  assert.equal(r.verdict, 'known-deviation');
  assert.deepEqual(r.deviation, { reason: 'fix in ACME-1234', review: '2999-01-01', entry: `requirement ${ids.MUST_MISS}` });
  assert.equal(r.diagnoses.length, 1, 'the diagnosis stays visible');
  assert.equal(v.scenarios.find((s) => s.name === 'A MUST check that misses')!.verdict, 'known-deviation');
  const out = renderSummary(v, certify(v));
  assert.ok(out.includes(`KNOWN    ${ids.MUST_MISS} `));
  assert.match(out, /known deviation: fix in ACME-1234 \(review 2999-01-01\)/);
});

test('a listed requirement that passes is stale and fails the run: "remove it from the baseline"', () => {
  const v = withBaseline(`deviations:\n  - requirement: ${ids.BASELINED_PASS}\n    reason: was broken\n`);
  const r = req(v, ids.BASELINED_PASS);
  assert.equal(r.verdict, 'stale-deviation');
  assert.match(r.reason!, new RegExp(`${ids.BASELINED_PASS} passes now: remove it from the baseline \\(.*, line 2\\)`));
  const c = certify(v, { tags: '@x' });
  assert.equal(c.status, 'not certified');
  assert.equal(c.exitCode, 1);
  assert.match(renderSummary(v, c), new RegExp(`STALE    ${ids.BASELINED_PASS} passes now: remove it from the baseline`));
});

test('a scenario entry acts on that scenario only; an entry the run did not judge is reported, not stale', () => {
  const v = withBaseline(`deviations:\n  - scenario: A MUST scenario whose target is unreachable\n    reason: lab network\n  - requirement: ${ids.NOT_TESTABLE}\n    reason: not yet\n`);
  assert.equal(req(v, ids.MUST_ERROR).verdict, 'known-deviation');
  assert.equal(req(v, ids.NOT_TESTABLE).verdict, 'not-testable');
  const notes = v.baseline!.notes.map((n) => n.outcome);
  assert.deepEqual(notes, ['applied', 'not exercised']);
  const stale = withBaseline('deviations:\n  - scenario: A check that holds\n    reason: was broken\n');
  assert.equal(req(stale, ids.PASS).verdict, 'stale-deviation');
  assert.equal(stale.scenarios.find((s) => s.name === 'A check that holds')!.verdict, 'stale-deviation');
});

test('a listed SHOULD warning becomes a known deviation (acknowledged), never hidden', () => {
  const v = withBaseline(`deviations:\n  - requirement: ${ids.SHOULD_MISS}\n    reason: accepted\n`);
  assert.equal(req(v, ids.SHOULD_MISS).verdict, 'known-deviation');
});

test('the starter baseline lists the failures with TODO reasons, which the loader refuses until filled', () => {
  const text = renderStarterBaseline([{ requirementId: ids.MUST_MISS, diagnoses: ['REQ-X — expected a; got b'] }], { target: 'ACME: "prod"', source: 'reports/x.ndjson' });
  assert.match(text, /# REQ-X — expected a; got b\n {2}- requirement: .*\n {4}reason: TODO\n/);
  const file = write('starter.yaml', text);
  assert.throws(() => loadBaseline(file), /still has the reason "TODO"/);
  const filled = write('filled.yaml', text.replace('reason: TODO', 'reason: tracked in ACME-1'));
  assert.equal(loadBaseline(filled).target, 'ACME: "prod"');
});

const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [join(KIT, 'bin/auth-ctk.js'), ...args], { encoding: 'utf8', cwd, timeout: 120_000 });

test('auth-ctk baseline writes the starting baseline from the last run and never replaces a file silently', () => {
  const out = join(dir, 'starter-cli.yaml');
  const r = cli(['baseline', '--messages', messages, '--output', out], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*starter-cli\.yaml with \d+ entries; replace each TODO/);
  const text = readFileSync(out, 'utf8');
  assert.ok(text.includes(`- requirement: ${ids.MUST_MISS}\n    reason: TODO`));
  assert.ok(!text.includes(`requirement: ${ids.SHOULD_MISS}`), 'warnings only with --include-warnings');
  const again = cli(['baseline', '--messages', messages, '--output', out], dir);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /exists: it may hold reasons someone wrote/);
  assert.equal(cli(['baseline', '--messages', messages, '--output', out, '--force', '--include-warnings'], dir).status, 0);
  assert.ok(readFileSync(out, 'utf8').includes(`requirement: ${ids.SHOULD_MISS}`));
  const missing = cli(['baseline', '--messages', join(dir, 'nope.ndjson'), '--output', join(dir, 'x.yaml')], dir);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no results: .* does not exist/);
});

test('auth-ctk run refuses a baseline with a missing reason before it starts anything (exit 2)', () => {
  const file = write('run-noreason.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n`);
  const started = Date.now();
  const r = cli(['run', '--baseline', file], dir);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`baseline .* is not usable: +- entry 1 \\(line 2\\): ${ids.MUST_MISS} has no reason`));
  assert.ok(!r.stdout.includes('running against'), 'no target was started');
  assert.ok(Date.now() - started < 30_000);
  const unknown = cli(['run', '--baseline', write('run-unknown.yaml', 'deviations:\n  - requirement: REQ-NOPE-01\n    reason: x\n')], dir);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown requirement "REQ-NOPE-01"/);
});

/** A working directory whose cucumber.mjs runs the report fixture: `auth-ctk run` as a vendor would call it. */
function fixtureProject(): string {
  const project = mkdtempSync(join(tmpdir(), 'ctk-baseline-run-'));
  scratch.push(project);
  const feature = writeFixtureFeature(project, ids);
  const config = {
    paths: [feature],
    import: [join(KIT, 'support/world.ts'), join(KIT, 'support/hooks.ts'), FIXTURE_STEPS],
    format: ['summary', 'message:reports/cucumber-messages.ndjson'],
  };
  writeFileSync(join(project, 'cucumber.mjs'), `export default ${JSON.stringify(config)};\n`);
  mkdirSync(join(project, 'reports'));
  return project;
}

async function runCli(args: string[], cwd: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(KIT, 'bin/auth-ctk.js'), ...args], { cwd, env: { ...process.env, CI: '' } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('close', (status) => resolve({ status, out }));
  });
}

test('end to end: a known deviation certifies the selection with deviations (exit 0); a stale entry fails it (exit 1)', async () => {
  const project = fixtureProject();
  const tags = `@${ids.PASS} or @${ids.MUST_MISS} or @${ids.BASELINED_PASS}`;
  const known = write('run-known.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n    reason: fix in ACME-1234\n`);
  const ok = await runCli(['run', '--tags', tags, '--baseline', known, '--no-allure-report'], project);
  assert.equal(ok.status, 0, ok.out);
  assert.match(ok.out, /auth-ctk: SELECTION PASSED WITH DEVIATIONS/);
  assert.ok(ok.out.includes(`KNOWN    ${ids.MUST_MISS} `));
  const cert = JSON.parse(readFileSync(join(project, 'reports/certificate.json'), 'utf8')).certificate;
  assert.equal(cert.requirements.find((r: { id: string }) => r.id === ids.MUST_MISS).verdict, 'known-deviation');
  assert.equal(cert.baseline.entries[0].outcome, 'applied');

  const stale = write('run-stale.yaml', `deviations:\n  - requirement: ${ids.MUST_MISS}\n    reason: fix in ACME-1234\n  - requirement: ${ids.BASELINED_PASS}\n    reason: was broken last year\n`);
  const bad = await runCli(['run', '--tags', tags, '--baseline', stale, '--no-allure-report'], project);
  assert.equal(bad.status, 1, bad.out);
  assert.ok(bad.out.includes(`STALE    ${ids.BASELINED_PASS} passes now: remove it from the baseline`));
  assert.match(bad.out, /auth-ctk: NOT CERTIFIED/);
  assert.ok(existsSync(join(project, 'reports/junit.xml')));
});
