/**
 * Runs (part of) the conformance suite against the reference stack started with one named fault, in a child
 * process, and returns the run's verdicts (the same verdict layer as every report). The child is cucumber-js
 * itself; its hooks start the reference with AUTH_CTK_FAULTS.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_ROOT } from '../../support/traceability.ts';
import { readMessages } from '../../support/report/messages.ts';
import { encodeReferenceParts, REFERENCE_PARTS_ENV, referencePartsForCucumberArgs } from '../../support/target/reference-parts.ts';
import { computeVerdicts, type Verdicts } from '../../support/report/verdicts.ts';

export interface FaultRun {
  readonly fault: string;
  readonly cucumberArgs: readonly string[];
  readonly exitCode: number;
  readonly seconds: number;
  readonly verdicts: Verdicts;
  readonly stderr: string;
}

let sequence = 0;
const CUCUMBER = join(KIT_ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js');

/**
 * cucumber-js in a child with the selftest profile (no report formatters), its messages to `messages`; killed after
 * `timeoutMs`. Returns the exit code (124 when killed) and the tail of its stderr.
 */
export function runSelftestCucumber(cucumberArgs: readonly string[], messages: string, env: Record<string, string>, timeoutMs: number): Promise<{ exitCode: number; stderr: string }> {
  let stderr = '';
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CUCUMBER, '--profile', 'selftest', ...cucumberArgs, '--format', `message:${messages}`], {
      cwd: KIT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 124 : 1), stderr });
    });
  });
}

/** `env`: more environment for the child, e.g. AUTH_CTK_TARGET_FILE to run against a described (external) target. */
export async function runWithFault(fault: string, cucumberArgs: readonly string[], timeoutMs = 180_000, env: Record<string, string> = {}): Promise<FaultRun> {
  const dir = join(KIT_ROOT, 'reports', 'selftest');
  mkdirSync(dir, { recursive: true });
  // One file per run (pid + sequence): two runs of the same fault at once must not share a message stream.
  // A list of many switches would make a file name longer than the file system allows.
  const label = fault === '' ? 'no-fault' : fault.length > 60 ? `${fault.split(',').length}-switches` : fault;
  const messages = join(dir, `${label}-${process.pid}-${++sequence}.ndjson`);
  const started = performance.now();
  // Only the reference's parts these features need (no mTLS listeners or JWKS relay for most faults): ~0.5 s a run.
  const parts = encodeReferenceParts(referencePartsForCucumberArgs(cucumberArgs));
  const { exitCode, stderr } = await runSelftestCucumber(cucumberArgs, messages, { AUTH_CTK_FAULTS: fault, AUTH_CTK_TARGET_FILE: '', [REFERENCE_PARTS_ENV]: parts, ...env }, timeoutMs);
  return {
    fault,
    cucumberArgs,
    exitCode,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    verdicts: computeVerdicts(readMessages(messages)),
    stderr,
  };
}

