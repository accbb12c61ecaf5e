/**
 * The nightly workflow must stay runnable: valid YAML, the triggers the issue asks for, and every npm script
 * and auth-ctk command it calls exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const workflow = parse(readFileSync(new URL('../.github/workflows/conformance.yml', import.meta.url), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, { steps?: { run?: string; uses?: string }[] }>;
};
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
const cliSource = readFileSync(new URL('../cli/main.ts', import.meta.url), 'utf8');

const runLines = Object.values(workflow.jobs).flatMap((job) => (job.steps ?? []).flatMap((s) => (s.run ? s.run.split('\n') : [])));

test('the workflow runs nightly and on manual dispatch', () => {
  assert.ok('schedule' in workflow.on, 'no schedule trigger');
  assert.ok('workflow_dispatch' in workflow.on, 'no workflow_dispatch trigger');
});

test('every npm script the workflow calls exists in package.json', () => {
  for (const line of runLines) {
    for (const [, script] of line.matchAll(/npm run ([\w:-]+)/g)) assert.ok(pkg.scripts[script!], `npm run ${script} is not a script`);
    if (/\bnpm start\b/.test(line)) assert.ok(pkg.scripts.start, 'npm start is not defined');
    if (/\bnpm test\b/.test(line)) assert.ok(pkg.scripts.test, 'npm test is not defined');
  }
});

test('every auth-ctk command the workflow calls is a command of the CLI', () => {
  const called = runLines.flatMap((line) => [...line.matchAll(/auth-ctk ([a-z-]+)/g)].map((m) => m[1]!));
  assert.ok(called.length > 0, 'the workflow calls no auth-ctk command');
  for (const command of called) assert.match(cliSource, new RegExp(`\\b${command}: \\{`), `auth-ctk ${command} is not registered in cli/main.ts`);
});

test('the reference suite runs as a matrix of shards that the reference job merges', () => {
  const shards = workflow.jobs['reference-shards'] as { strategy?: { matrix?: { shard?: number[] } }; steps?: { run?: string }[] };
  const matrix = shards.strategy?.matrix?.shard ?? [];
  const run = (shards.steps ?? []).map((s) => s.run ?? '').find((r) => r.includes('--shard'));
  assert.ok(run, 'the shard job runs auth-ctk run --shard');
  const n = Number(/--shard \$\{\{ matrix\.shard \}\}\/(\d+)/.exec(run!)?.[1]);
  assert.deepEqual(matrix, Array.from({ length: n }, (_, i) => i + 1), `the matrix is shards 1..${n}`);
  const merge = (workflow.jobs.reference!.steps ?? []).map((s) => s.run ?? '').find((r) => r.includes('auth-ctk merge'));
  assert.ok(merge, 'the reference job merges the shards');
});
