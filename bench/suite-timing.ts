/**
 * Runs the whole suite once in a child process and times it, in total and per feature (from Cucumber messages).
 * Like `auth-ctk run`, it leaves out the client-behaviour scenarios, which need a client under test.
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { round } from './token-throughput.ts';

export interface SuiteTiming {
  readonly wallSeconds: number;
  readonly exitCode: number;
  readonly scenarios: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly perFeatureSeconds: Readonly<Record<string, number>>;
  /** Scenario name -> final status, to compare verdicts between runs. */
  readonly outcomes: Readonly<Record<string, string>>;
}

export async function timeSuite(label: string, extraEnv: Record<string, string> = {}): Promise<SuiteTiming> {
  const dir = join(KIT_ROOT, 'reports', 'bench');
  mkdirSync(dir, { recursive: true });
  const messages = join(dir, `${label}.ndjson`);
  const started = performance.now();
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [join(KIT_ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), '--profile', 'selftest', 'features/', '--tags', 'not @client', '--format', `message:${messages}`],
      { cwd: KIT_ROOT, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.on('exit', (code) => resolve(code ?? 1));
  });
  const wallSeconds = round((performance.now() - started) / 1000);
  return { wallSeconds, exitCode, ...summarise(readFileSync(messages, 'utf8')) };
}

interface Timestamp {
  seconds: number;
  nanos: number;
}
const ms = (t: Timestamp) => t.seconds * 1000 + t.nanos / 1e6;

function summarise(ndjson: string): Omit<SuiteTiming, 'wallSeconds' | 'exitCode'> {
  const pickles = new Map<string, { uri: string; name: string }>();
  const testCases = new Map<string, string>();
  const started = new Map<string, { testCaseId: string; at: number }>();
  const worst = new Map<string, string>();
  const perFeature: Record<string, number> = {};
  const outcomes: Record<string, string> = {};
  const rank = ['PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line);
    if (m.pickle) pickles.set(m.pickle.id, { uri: m.pickle.uri, name: m.pickle.name });
    else if (m.testCase) testCases.set(m.testCase.id, m.testCase.pickleId);
    else if (m.testCaseStarted) started.set(m.testCaseStarted.id, { testCaseId: m.testCaseStarted.testCaseId, at: ms(m.testCaseStarted.timestamp) });
    else if (m.testStepFinished) {
      const id = m.testStepFinished.testCaseStartedId;
      const status = m.testStepFinished.testStepResult.status;
      const prev = worst.get(id) ?? 'PASSED';
      if (rank.indexOf(status) > rank.indexOf(prev)) worst.set(id, status);
    } else if (m.testCaseFinished) {
      const s = started.get(m.testCaseFinished.testCaseStartedId);
      if (!s) continue;
      const pickle = pickles.get(testCases.get(s.testCaseId) ?? '');
      if (!pickle) continue;
      // Summed raw and rounded once at the end: most scenarios take a few ms, rounding each would lose them.
      perFeature[pickle.uri] = (perFeature[pickle.uri] ?? 0) + (ms(m.testCaseFinished.timestamp) - s.at) / 1000;
      outcomes[`${pickle.uri}: ${pickle.name}`] = worst.get(m.testCaseFinished.testCaseStartedId) ?? 'PASSED';
    }
  }
  const statuses: Record<string, number> = {};
  for (const status of Object.values(outcomes)) statuses[status] = (statuses[status] ?? 0) + 1;
  for (const uri of Object.keys(perFeature)) perFeature[uri] = round(perFeature[uri]!, 3);
  return { scenarios: Object.keys(outcomes).length, statuses, perFeatureSeconds: perFeature, outcomes };
}
