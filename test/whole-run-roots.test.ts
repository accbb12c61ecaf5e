/**
 * One cause, one finding where the cause reaches the whole run, not one feature: `auth-ctk run` (three workers, every
 * feature) against the reference with a fault whose effect lands on scenarios that happen to run beside the one
 * that judges it. The feature-scoped fault runs (test/fault-injection) cannot see this: they run the judging
 * features alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts } from '../support/report/verdicts.ts';

async function wholeRun(fault: string) {
  const dir = mkdtempSync(join(tmpdir(), 'auth-ctk-whole-run-'));
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [join(KIT_ROOT, 'bin/auth-ctk.js'), 'run', '--faults', fault, '--no-allure-report', '--reports-dir', dir], { cwd: KIT_ROOT, env: { ...process.env, CI: '' } });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('close', resolve);
  });
  try {
    return { code, output: output.join(''), verdicts: computeVerdicts(readMessages(join(dir, 'cucumber-messages.ndjson'))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("an IP block that reaches every IP: REQ-RL-06 is the one finding, every request it left unanswered is not testable on it", { timeout: 300_000 }, async () => {
  // Before: REQ-TOK-01 FAILED on a token request the block dropped, REQ-CAUTH-06 warned, and REQ-RL-06 itself was not
  // testable (its bystander's baseline met another IP-block check's block); with a single failure counter the fault
  // blocked nobody while other clients logged in, and REQ-RL-04 failed instead.
  const run = await wholeRun('block-every-ip');
  const reported = run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => `${r.requirement.id} ${r.verdict}`);
  assert.deepEqual(reported, ['REQ-RL-06 failed'], run.output.slice(-3_000));
  const onTheBlock = run.verdicts.requirements.filter((r) => r.verdict === 'not-testable' && /REQ-RL-06's finding/.test(r.reason ?? ''));
  assert.ok(onTheBlock.length > 0, 'the scenarios beside the IP-block checks met the block (else this run proves nothing about them)');
  assert.equal(run.code, 1);
});

test('a token endpoint that refuses every valid credential: REQ-TOK-01 is the one finding, judged, not blocked', { timeout: 300_000 }, async () => {
  // Before (a whole run, 2026-12-08): nothing failed, and REQ-TOK-01 — the requirement that reports the refusal — was
  // itself "blocked: ... no other client IP is left to send this token request from": the rest of the run had used
  // the client IPs it may fail from before token-issuance's scenario came. The judges of valid credentials now run
  // first (support/run/parallel.ts runRank).
  const run = await wholeRun('token-endpoint-refuses-everything-401');
  const reported = run.verdicts.requirements.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => `${r.requirement.id} ${r.verdict}`);
  assert.deepEqual(reported, ['REQ-TOK-01 failed'], run.output.slice(-3_000));
  const behind = run.verdicts.requirements.filter((r) => r.verdict === 'not-testable' && /REQ-TOK-01/.test(r.reason ?? ''));
  assert.ok(behind.length > 100, `the rest is not testable behind REQ-TOK-01 (${behind.length})`);
  assert.equal(run.code, 1);
});
