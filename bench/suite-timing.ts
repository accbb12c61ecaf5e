/**
 * Runs the whole suite once in a child process and times it, in total and per feature (from Cucumber messages).
 * Like `auth-ctk run`, it leaves out the client-behaviour scenarios, which need a client under test.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts, type Verdicts } from '../support/report/verdicts.ts';
import { round } from './token-throughput.ts';

export interface SuiteTiming {
  readonly wallSeconds: number;
  readonly exitCode: number;
  readonly scenarios: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly perFeatureSeconds: Readonly<Record<string, number>>;
  /** Scenario -> its verdict, to compare verdicts between runs. */
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
  return { wallSeconds, exitCode, ...summarise(computeVerdicts(readMessages(messages))) };
}

/** Per scenario its verdict (the same verdict layer as every report), counts, and time per feature. */
function summarise(verdicts: Verdicts): Omit<SuiteTiming, 'wallSeconds' | 'exitCode'> {
  const perFeature: Record<string, number> = {};
  const outcomes: Record<string, string> = {};
  const statuses: Record<string, number> = {};
  for (const scenario of verdicts.scenarios) {
    if (scenario.verdict === 'not-run') continue; // not selected (the client feature)
    // Summed raw and rounded once at the end: most scenarios take a few ms, rounding each would lose them.
    perFeature[scenario.uri] = (perFeature[scenario.uri] ?? 0) + scenario.durationMs / 1000;
    outcomes[`${scenario.uri}: ${scenario.name}`] = scenario.verdict;
    statuses[scenario.verdict] = (statuses[scenario.verdict] ?? 0) + 1;
  }
  for (const uri of Object.keys(perFeature)) perFeature[uri] = round(perFeature[uri]!, 3);
  return { scenarios: Object.keys(outcomes).length, statuses, perFeatureSeconds: perFeature, outcomes };
}
