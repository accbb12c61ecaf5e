/**
 * npm run bench — measurements, not pass/fail tests. Writes reports/bench.json and prints the figures:
 *   - reference stack start time (median of 3)
 *   - token endpoint throughput on loopback
 *   - how precisely a burst locates the 50 req/s per-IP limit (error in % of the stated limit)
 *   - the full reference run (`auth-ctk run`: default workers, verdicts, certificate): median of --runs (5) wall
 *     times, per feature, one single-worker run (--parallel 1) beside it, and `allure generate` on its own
 *   - 3 shards (auth-ctk run --shard i/3) run concurrently + merge, against one run: wall time
 *   - with --repeat N: N full runs while the machine's other core is kept busy; verdict stability
 */
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ReferenceStack } from '../reference/stack.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { closeConnections } from '../support/http/exchange.ts';
import { KIT_ROOT } from '../support/traceability.ts';
import { measureTokenThroughput, round } from './token-throughput.ts';
import { locateRateLimit } from './rate-limit-location.ts';
import { median, timeAllureGenerate, timeSuite, type SuiteTiming } from './suite-timing.ts';
import { timeShards } from './shard-timing.ts';

const { values } = parseArgs({
  options: { repeat: { type: 'string', default: '0' }, runs: { type: 'string', default: '5' }, requests: { type: 'string', default: '1000' } },
});

async function stackStartSeconds(): Promise<{ median: number; samples: number[] }> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const stack = await ReferenceStack.start();
    samples.push(round((performance.now() - t0) / 1000, 3));
    await stack.stop();
  }
  return { median: [...samples].sort((a, b) => a - b)[1]!, samples };
}

/** Keeps one core busy in a child process (the stability figure is measured under load). */
function busyCore(): () => void {
  const child = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  return () => child.kill('SIGKILL');
}

function stability(runs: SuiteTiming[]) {
  const reference = runs[0]!.outcomes;
  const differing = new Set<string>();
  for (const run of runs.slice(1)) {
    for (const [name, status] of Object.entries(run.outcomes)) if (reference[name] !== status) differing.add(name);
  }
  return { runs: runs.length, identical: differing.size === 0, differingScenarios: [...differing], wallSeconds: runs.map((r) => r.wallSeconds) };
}

const log = (s: string) => console.log(`bench: ${s}`);

log('reference stack start time ...');
const start = await stackStartSeconds();
log(`  median ${start.median} s (${start.samples.join(', ')})`);

log(`token endpoint throughput (${values.requests} requests) ...`);
const stack = await ReferenceStack.start();
const reference = describeReferenceTarget(stack.urls);
const throughput = await measureTokenThroughput(reference, Number(values.requests));
log(`  ${throughput.requestsPerSecond} req/s, p50 ${throughput.latencyMs.p50} ms, p95 ${throughput.latencyMs.p95} ms, ${throughput.rateLimited} rate-limited`);
log('rate-limit location (bursts from fresh source addresses until the first 429) ...');
const rateLimit = await locateRateLimit(reference);
log(`  stated ${rateLimit.statedLimit}/s, located ${rateLimit.located.join(', ')} (bursts of ${rateLimit.burstMs.join(', ')} ms): mean error ${rateLimit.meanErrorPercent} %, max ${rateLimit.maxErrorPercent} %`);
await closeConnections();
await stack.stop();

const runCount = Math.max(1, Number(values.runs));
log(`full reference run (auth-ctk run, default workers), ${runCount} times ...`);
const fullRuns: SuiteTiming[] = [];
for (let i = 0; i < runCount; i++) {
  fullRuns.push(await timeSuite(`run-${i + 1}`));
  log(`  run ${i + 1}: ${fullRuns.at(-1)!.wallSeconds} s wall, exit ${fullRuns.at(-1)!.exitCode}, ${JSON.stringify(fullRuns.at(-1)!.statuses)}`);
}
const suite = fullRuns.find((r) => r.wallSeconds === median(fullRuns.map((f) => f.wallSeconds)))!;
log(`  median ${suite.wallSeconds} s wall (${fullRuns.map((r) => r.wallSeconds).join(', ')}); scenario time per feature in the median run:`);
for (const [feature, seconds] of Object.entries(suite.perFeatureSeconds).sort((a, b) => b[1] - a[1])) log(`    ${seconds.toFixed(2).padStart(7)} s  ${feature}`);
log('the same run with one worker (--parallel 1) ...');
const serial = await timeSuite('run-serial', ['--parallel', '1']);
log(`  ${serial.wallSeconds} s wall, exit ${serial.exitCode}, ${JSON.stringify(serial.statuses)}`);
const agreement = stability([...fullRuns, serial]);
log(`  verdicts identical across the ${fullRuns.length} runs and the one-worker run: ${agreement.identical}${agreement.identical ? '' : ` (differ: ${agreement.differingScenarios.join('; ')})`}`);
const allure = await timeAllureGenerate(suite);
log(`allure generate (the Allure HTML of a run, Java): ${allure === undefined ? 'not measured (no java on PATH)' : `${allure} s`}`);

log('3 shards run concurrently, then merged, against one run (auth-ctk run --shard 1/1) ...');
const shards = await timeShards(3);
log(`  one run ${shards.singleWallSeconds} s; 3 concurrent shards ${shards.shardsWallSeconds} s (${shards.perShard.map((s) => `${s.shard}: ${s.wallSeconds} s, ${s.scenarios} scenarios`).join('; ')}) + merge ${shards.mergeSeconds} s: ${shards.speedup}x`);

let repeated: ReturnType<typeof stability> | undefined;
const repeat = Number(values.repeat);
if (repeat > 1) {
  log(`verdict stability: ${repeat} full runs with the other core kept busy ...`);
  const stopBusy = busyCore();
  const runs: SuiteTiming[] = [];
  try {
    for (let i = 0; i < repeat; i++) {
      runs.push(await timeSuite(`stability-${i + 1}`));
      log(`  run ${i + 1}: ${runs.at(-1)!.wallSeconds} s ${JSON.stringify(runs.at(-1)!.statuses)}`);
    }
  } finally {
    stopBusy();
  }
  repeated = stability(runs);
  log(`  verdicts identical over ${repeat} runs: ${repeated.identical}${repeated.identical ? '' : ` (differ: ${repeated.differingScenarios.join('; ')})`}`);
}

const result = {
  measuredAt: new Date().toISOString(),
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  stackStartSeconds: start,
  tokenEndpoint: throughput,
  rateLimitLocation: rateLimit,
  fullRun: {
    medianWallSeconds: suite.wallSeconds,
    wallSeconds: fullRuns.map((r) => r.wallSeconds),
    scenarios: suite.scenarios,
    statuses: suite.statuses,
    perFeatureSeconds: suite.perFeatureSeconds,
    singleWorkerWallSeconds: serial.wallSeconds,
    verdictsIdenticalToSingleWorker: agreement.identical,
    allureGenerateSeconds: allure ?? null,
  },
  shards,
  ...(repeated ? { stability: repeated } : {}),
};
mkdirSync(join(KIT_ROOT, 'reports'), { recursive: true });
writeFileSync(join(KIT_ROOT, 'reports', 'bench.json'), JSON.stringify(result, null, 2));
log('written to reports/bench.json');
