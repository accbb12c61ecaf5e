/**
 * The post-run step as `auth-ctk run` calls it, on the report fixture's real Cucumber output: exit code,
 * secrets masked in every file Cucumber wrote, JUnit, Allure results labelled from the catalogue with
 * verdict-based statuses, the offline Allure report with its history carried once per run, and
 * `auth-ctk report` on missing or half-written results.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFixture, KIT, type FixtureRun } from './report-fixtures/run-fixture.ts';
import { finishRun } from '../support/report/finish.ts';
import { loadSigningKey } from '../support/report/signing-key.ts';
import { verifyCertificate } from '../support/report/certificate.ts';
import { featureSetHash, kitVersion } from '../support/report/kit.ts';
import { generateAllureReport, javaAvailable } from '../support/report/allure.ts';
import { filesUnder } from '../support/report/scrub.ts';
import { requirement } from '../support/requirements/catalogue.ts';

const dir = mkdtempSync(join(tmpdir(), 'ctk-report-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let run: FixtureRun;
let exitCode: number;
const log: string[] = [];
const java = javaAvailable();

before(async () => {
  run = await runFixture(dir);
  const signingKey = await loadSigningKey(join(dir, 'signing-key.jwk'));
  exitCode = await finishRun({ runConfiguration: run.runConfiguration, target: run.target, signingKey, allureReport: java, log: (l) => log.push(l) });
});

const secretsOf = () => {
  const t = run.target;
  const list = [...Object.values(t.clients).flatMap((c) => (c ? [c.clientSecret] : [])), ...t.users.map((u) => u.password), t.admin!.token];
  return list.filter(Boolean);
};

test('the run is not certified (exit 1) and the summary is printed', () => {
  assert.equal(exitCode, 1);
  const out = log.join('\n');
  assert.match(out, /auth-ctk: NOT CERTIFIED \(profiles core, gateway, rate-limits, human-identity, asymmetric-client-auth, sender-constrained, introspection\) — exit 1/);
  assert.match(out, /reports: .*junit\.xml.*certificate\.json.*certificate\.html/);
});

test('a secret a step leaked into Cucumber\'s own reports is masked, and the run says so', () => {
  assert.match(log.join('\n'), /WARNING a target secret was found and masked in .*cucumber-messages\.ndjson/);
  const found: string[] = [];
  for (const file of filesUnder(run.reportsDir)) {
    const text = readFileSync(file, 'latin1');
    for (const s of secretsOf()) if (text.includes(s)) found.push(`${file}: ${s.slice(0, 12)}…`);
  }
  assert.deepEqual(found, []);
  assert.ok(readFileSync(join(run.reportsDir, 'cucumber-messages.ndjson'), 'utf8').includes('unexpected answer for secret [REDACTED]'));
});

test('the certificate verifies', async () => {
  const r = await verifyCertificate(readFileSync(join(run.reportsDir, 'certificate.json')), { kitVersion: kitVersion(), featureSetHash: featureSetHash() });
  // No tolerance: a certificate that fails verification (for whatever reason) is a failure of this test.
  assert.equal(r.ok, true, r.problems.join('; '));
});

interface AllureResult {
  name: string;
  status: string;
  statusDetails?: { message?: string };
  labels: { name: string; value: string }[];
  links: { url: string }[];
  parameters: { name: string; value: string }[];
  steps: { steps?: { attachments?: { name: string; type: string }[] }[] }[];
}
const results = (): AllureResult[] =>
  readdirSync(join(run.reportsDir, 'allure-results'))
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(run.reportsDir, 'allure-results', f), 'utf8')) as AllureResult);
const result = (name: string) => results().find((r) => r.name === name)!;
const label = (r: AllureResult, name: string) => r.labels.filter((l) => l.name === name).map((l) => l.value);

test('Allure results carry epic, feature, story, severity from the level, clause links and the target', () => {
  const must = result('A MUST check that misses');
  assert.deepEqual(label(must, 'story'), [run.ids.MUST_MISS]);
  assert.deepEqual(label(must, 'severity'), ['critical']);
  assert.equal(label(must, 'epic').length, 1);
  assert.deepEqual(label(must, 'feature'), ['Verdict kinds (report fixture)']);
  assert.ok(must.links.some((l) => l.url === requirement(run.ids.MUST_MISS).link));
  assert.deepEqual(must.parameters.filter((p) => p.name === 'target').map((p) => p.value), ['report fixture target']);
  assert.deepEqual(label(result('A SHOULD check that misses'), 'severity'), ['normal']);
  const seedBound = requirement(run.ids.NOT_APPLICABLE).level;
  assert.deepEqual(label(result('A check bound to a capability the target does not claim'), 'severity'), [{ MUST: 'critical', SHOULD: 'normal', SEED: 'minor' }[seedBound]]);
});

test('Allure statuses follow the verdicts, with the one-line diagnosis as the message', () => {
  const must = result('A MUST check that misses');
  assert.equal(must.status, 'failed');
  assert.equal(must.statusDetails!.message!.split('\n')[0], `${run.ids.MUST_MISS} ${requirement(run.ids.MUST_MISS).source} [MUST] — expected 401 with WWW-Authenticate: Bearer error="invalid_token"; got 200 (token expired 3 s ago)`);
  const warning = result('A SHOULD check that misses');
  assert.equal(warning.status, 'passed');
  assert.match(warning.statusDetails!.message!, /^WARNING /);
  assert.equal(result('A MUST scenario whose target is unreachable').status, 'broken');
  const nt = result('A check that needs a short-lived client the target lacks');
  assert.equal(nt.status, 'skipped');
  assert.match(nt.statusDetails!.message!, /^NOT TESTABLE: the target profile has no short-TTL client/);
  assert.match(result('A check bound to a capability the target does not claim').statusDetails!.message!, /^NOT APPLICABLE: /);
  const attachments = results().flatMap((r) => r.steps.flatMap((s) => (s.steps ?? []).flatMap((x) => x.attachments ?? [])));
  assert.ok(attachments.some((a) => a.name === 'not testable: reason' && a.type === 'application/json'));
  assert.ok(!attachments.some((a) => a.type.startsWith('application/vnd.auth-ctk')), 'kit media types are renamed so Allure shows them');
});

test('environment, executor and categories are written', () => {
  const env = readFileSync(join(run.reportsDir, 'allure-results', 'environment.properties'), 'utf8');
  assert.match(env, /^Target=report fixture target$/m);
  assert.match(env, /^auth-ctk=\d+\.\d+\.\d+$/m);
  assert.match(env, /^Feature.set=sha256:[0-9a-f]{64}$/m);
  assert.match(env, /^Certification=not certified$/m);
  assert.ok(JSON.parse(readFileSync(join(run.reportsDir, 'allure-results', 'executor.json'), 'utf8')).buildName);
  const categories = JSON.parse(readFileSync(join(run.reportsDir, 'allure-results', 'categories.json'), 'utf8')) as { name: string }[];
  assert.ok(categories.some((c) => c.name.startsWith('Known deviations')));
});

test('the Allure report is generated offline, and history is carried once per run', { skip: java ? false : 'Java is not installed: apt-get install -y openjdk-17-jre-headless' }, async () => {
  const report = join(run.reportsDir, 'allure-report');
  assert.ok(existsSync(join(report, 'index.html')));
  assert.ok(!readFileSync(join(report, 'index.html'), 'utf8').includes('googletagmanager'), 'no analytics in an offline report');
  const behaviors = readFileSync(join(report, 'data', 'behaviors.json'), 'utf8');
  assert.ok(behaviors.includes(run.ids.MUST_MISS));
  const trend = () => (JSON.parse(readFileSync(join(report, 'history', 'history-trend.json'), 'utf8')) as unknown[]).length;
  assert.equal(trend(), 1);
  // `npm run report` after `auth-ctk run`: same results, no second trend point.
  await generateAllureReport({ resultsDir: join(run.reportsDir, 'allure-results'), reportDir: report });
  assert.equal(trend(), 1);
  // The next run (its formatter empties the results folder; simulated by removing the marker): one more.
  rmSync(join(run.reportsDir, 'allure-results', '.auth-ctk-history-carried'));
  rmSync(join(run.reportsDir, 'allure-results', 'history'), { recursive: true, force: true });
  const r = await generateAllureReport({ resultsDir: join(run.reportsDir, 'allure-results'), reportDir: report });
  assert.equal(r.historyCarried, true);
  assert.equal(trend(), 2);
});

test('auth-ctk report: missing or half-written results exit 2 and leave the existing report alone', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(KIT, 'bin/auth-ctk.js'), 'report', ...args], { encoding: 'utf8', cwd: dir });
  const missing = cli('--results', join(dir, 'nothing'), '--messages', join(dir, 'nothing.ndjson'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no Allure results: .* does not exist/);
  const results = join(run.reportsDir, 'allure-results');
  const one = readdirSync(results).find((f) => f.endsWith('-result.json'))!;
  const whole = readFileSync(join(results, one), 'utf8');
  writeFileSync(join(results, one), whole.slice(0, whole.length / 2));
  const before = existsSync(join(run.reportsDir, 'allure-report', 'index.html'));
  const half = cli('--results', results, '--messages', join(run.reportsDir, 'cucumber-messages.ndjson'));
  writeFileSync(join(results, one), whole);
  assert.equal(half.status, 2);
  assert.match(half.stderr, /is not valid JSON: the results folder is half-written/);
  assert.equal(existsSync(join(run.reportsDir, 'allure-report', 'index.html')), before);
});
