/**
 * The client feature as cucumber runs it (the path `auth-ctk client` takes): the reference client passes
 * every scenario without a warning; a faulty client's break reaches the verdicts at its requirement's level
 * (violation for SEED, warning for SHOULD); without a client command every scenario is "not testable".
 * Each run is a cucumber child process with its own message file; the client target description keeps the
 * hooks from starting the reference stack, as `auth-ctk client` does.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KIT_ROOT, scenarios } from '../support/traceability.ts';
import { MEDIA } from '../support/verdict/media-types.ts';
import { clientUnderTest, type ClientClaim } from '../support/client-harness/target.ts';
import { CLIENT_COMMAND_ENV } from '../support/client-harness/contract.ts';

const CUCUMBER = join(KIT_ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js');
const dir = mkdtempSync(join(tmpdir(), 'auth-ctk-client-cert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CLIENT_SCENARIOS = scenarios().filter((s) => s.uri === 'features/client-behaviour.feature');

interface ScenarioOutcome {
  readonly name: string;
  readonly tags: readonly string[];
  /** Worst step status: PASSED, SKIPPED, FAILED, ... */
  readonly status: string;
  /** Requirements a violation (MUST/SEED) or a warning (SHOULD) attachment named. */
  readonly violated: readonly string[];
  readonly warned: readonly string[];
  readonly error?: string;
}

const RANK = ['PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];

/** Per scenario: status and the requirement IDs of its violation and warning attachments. */
function outcomesOf(ndjson: string): ScenarioOutcome[] {
  const pickles = new Map<string, { name: string; tags: string[] }>();
  const pickleOfCase = new Map<string, string>();
  const started = new Map<string, { pickle: string; status: string; violated: string[]; warned: string[]; error?: string }>();
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as Record<string, any>;
    if (m.pickle) pickles.set(m.pickle.id, { name: m.pickle.name, tags: m.pickle.tags.map((t: { name: string }) => t.name) });
    else if (m.testCase) pickleOfCase.set(m.testCase.id, m.testCase.pickleId);
    else if (m.testCaseStarted) started.set(m.testCaseStarted.id, { pickle: pickleOfCase.get(m.testCaseStarted.testCaseId) ?? '', status: 'PASSED', violated: [], warned: [] });
    else if (m.attachment?.testCaseStartedId) {
      const s = started.get(m.attachment.testCaseStartedId);
      if (s && m.attachment.mediaType === MEDIA.violation) s.violated.push(JSON.parse(m.attachment.body).requirementId);
      if (s && m.attachment.mediaType === MEDIA.warning) s.warned.push(JSON.parse(m.attachment.body).requirementId);
    } else if (m.testStepFinished) {
      const s = started.get(m.testStepFinished.testCaseStartedId);
      const result = m.testStepFinished.testStepResult;
      if (s && RANK.indexOf(result.status) > RANK.indexOf(s.status)) s.status = result.status;
      if (s && result.status === 'FAILED' && !s.error) s.error = String(result.message ?? '').split('\n')[0];
    }
  }
  return [...started.values()].map((s) => ({ ...pickles.get(s.pickle)!, status: s.status, violated: s.violated, warned: s.warned, ...(s.error ? { error: s.error } : {}) }));
}

interface CucumberRun {
  readonly scenarios: readonly ScenarioOutcome[];
  readonly notTestable: number;
  readonly seconds: number;
  readonly stderr: string;
}

async function cucumber(name: string, command: string[] | undefined, tags?: string, claims: readonly ClientClaim[] = ['offline-cache']): Promise<CucumberRun> {
  const messages = join(dir, `${name}.ndjson`);
  const config = join(dir, `${name}.mjs`);
  // The kit's own profile (imports, plugins), with only the client feature and a private message file.
  writeFileSync(
    config,
    `import { selftest } from ${JSON.stringify(pathToFileURL(join(KIT_ROOT, 'cucumber.mjs')).href)};\n` +
      `export default { ...selftest, paths: ['features/client-behaviour.feature'], format: [${JSON.stringify(`message:${messages}`)}] };\n`,
  );
  const targetFile = join(dir, `${name}-target.json`);
  writeFileSync(targetFile, JSON.stringify(clientUnderTest(name, claims)), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env, AUTH_CTK_TARGET_FILE: targetFile };
  delete env.NODE_TEST_CONTEXT;
  if (command) env[CLIENT_COMMAND_ENV] = JSON.stringify(command);
  else delete env[CLIENT_COMMAND_ENV];
  const started = performance.now();
  let stderr = '';
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, [CUCUMBER, '--config', relative(KIT_ROOT, config), // cucumber joins it to the cwd
       ...(tags ? ['--tags', tags] : [])], { cwd: KIT_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const ndjson = readFileSync(messages, 'utf8');
  const notTestable = ndjson.split('\n').filter((l) => l.includes(JSON.stringify(MEDIA.notTestable).slice(1, -1))).length;
  return { scenarios: outcomesOf(ndjson), notTestable, seconds: Number(((performance.now() - started) / 1000).toFixed(1)), stderr };
}

const reference = [process.execPath, join(KIT_ROOT, 'client', 'cli.ts')];
const faulty = (name: string) => [process.execPath, join(KIT_ROOT, 'fixtures', 'clients', `${name}.ts`)];
const summary = (run: CucumberRun) =>
  run.scenarios.map((s) => `${s.status} ${s.name} ${[...s.violated, ...s.warned].join(' ')} ${s.error ?? ''}`.trim()).join('\n');

describe('the client feature under cucumber', { concurrency: 3 }, () => {
  test('the reference client passes every client scenario, without a warning', async (t) => {
    const run = await cucumber('reference', reference);
    t.diagnostic(`${run.scenarios.length} scenarios in ${run.seconds} s`);
    assert.equal(run.scenarios.length, CLIENT_SCENARIOS.length, `not every client scenario ran:\n${summary(run)}\n${run.stderr}`);
    const unclean = run.scenarios.filter((s) => s.status !== 'PASSED' || s.warned.length > 0 || s.violated.length > 0);
    assert.deepEqual(unclean.map((s) => `${s.status} ${s.name} ${[...s.violated, ...s.warned].join(' ')} ${s.error ?? ''}`), []);
  });

  test('a faulty client is failed on the SEED requirement and warned on the SHOULD one', async (t) => {
    const run = await cucumber('reauth-loop', faulty('reauth-loop-on-403'), '@REQ-CLI-11 or @REQ-CLI-12');
    t.diagnostic(`${run.scenarios.length} scenarios in ${run.seconds} s`);
    const loop = run.scenarios.filter((s) => s.tags.includes('@REQ-CLI-11'));
    const reauth = run.scenarios.filter((s) => s.tags.includes('@REQ-CLI-12'));
    assert.equal(loop.length, 2, summary(run));
    assert.equal(reauth.length, 2, summary(run));
    for (const s of loop) assert.deepEqual([s.status, s.violated], ['FAILED', ['REQ-CLI-11']], `${s.name}: ${s.error ?? ''}`);
    for (const s of reauth) assert.deepEqual([s.status, s.warned], ['PASSED', ['REQ-CLI-12']], s.name);
  });

  test('a client that does not claim offline-cache is not judged on seed 002\'s caches: not applicable, not failed', async () => {
    const run = await cucumber('no-cache-unclaimed', faulty('no-cache-when-idp-down'), '@REQ-CLI-14 or @REQ-CLI-20', []);
    const cached = run.scenarios.filter((s) => s.tags.includes('@REQ-CLI-14') || s.tags.includes('@REQ-CLI-20'));
    assert.ok(cached.length >= 2, summary(run));
    for (const s of cached) assert.deepEqual([s.status, s.violated], ['SKIPPED', []], `${s.name}: ${s.error ?? ''}`);
  });

  test('without a client command every client scenario is not testable, none passed', async () => {
    const run = await cucumber('no-client', undefined);
    assert.equal(run.scenarios.length, CLIENT_SCENARIOS.length, run.stderr);
    assert.deepEqual([...new Set(run.scenarios.map((s) => s.status))], ['SKIPPED']);
    assert.equal(run.notTestable, CLIENT_SCENARIOS.length, 'each scenario says why it was not tested');
  });
});
