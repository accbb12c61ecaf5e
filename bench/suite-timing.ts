/**
 * Times one full reference run the way a user starts it — `auth-ctk run` (default workers, verdicts,
 * certificate, JUnit, Allure results) — in a child process, in total and per feature (from Cucumber messages).
 * Its reports go to reports/bench/<label>, never over a user's reports/. The Allure HTML (`allure generate`,
 * Java) is left out (--no-allure-report): it is presentation, timed on its own by the bench.
 * Like `auth-ctk run`, it leaves out the client-behaviour scenarios, which need a client under test.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts, type Verdicts } from '../support/report/verdicts.ts';
import { round } from './token-throughput.ts';
import { generateAllureReport, javaAvailable } from '../support/report/allure.ts';

export interface SuiteTiming {
  /** Where the run wrote its reports. */
  readonly dir: string;
  readonly wallSeconds: number;
  readonly exitCode: number;
  readonly scenarios: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly perFeatureSeconds: Readonly<Record<string, number>>;
  /** Scenario -> its verdict, to compare verdicts between runs. */
  readonly outcomes: Readonly<Record<string, string>>;
}

export async function timeSuite(label: string, extraArgs: readonly string[] = []): Promise<SuiteTiming> {
  const dir = join(KIT_ROOT, 'reports', 'bench', label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { code: exitCode, seconds: wallSeconds } = await cli(['run', '--reports-dir', dir, '--no-allure-report', ...extraArgs]);
  return { dir, wallSeconds, exitCode, ...summarise(computeVerdicts(readMessages(join(dir, 'cucumber-messages.ndjson')))) };
}

/** `auth-ctk <args>` in a child process, as CI runs it (one character per step); its exit code and wall time. */
export function cli(args: readonly string[]): Promise<{ code: number; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(KIT_ROOT, 'bin/auth-ctk.js'), ...args], { cwd: KIT_ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: '1' } });
    child.on('exit', (code) => resolve({ code: code ?? 1, seconds: round((performance.now() - t0) / 1000) }));
  });
}

/** The middle value (the lower of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** `allure generate` of a timed run's results, in seconds; undefined without Java. */
export async function timeAllureGenerate(run: SuiteTiming): Promise<number | undefined> {
  if (!javaAvailable()) return undefined;
  const t0 = performance.now();
  await generateAllureReport({ resultsDir: join(run.dir, 'allure-results'), reportDir: join(run.dir, 'allure-report') });
  return round((performance.now() - t0) / 1000);
}

/** Per scenario its verdict (the same verdict layer as every report), counts, and time per feature. */
function summarise(verdicts: Verdicts): Omit<SuiteTiming, 'dir' | 'wallSeconds' | 'exitCode'> {
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
