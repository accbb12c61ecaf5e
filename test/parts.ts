/**
 * `npm test`: the kit's own tests in three parts, run one after the other, each timed. The times are printed
 * after every part and as a table at the end (also when a part fails), so a slow CI run says where its minutes
 * went. The first part that fails ends the run with its exit code: later parts prove nothing on a broken kit.
 *
 *   typecheck        tsc over the whole kit
 *   unit+integration node --test test/*.test.ts, two files at a time (2-core machines)
 *   fault injection  every named fault and conformant variation of the reference, against the features that
 *                    judge it (test/fault-injection/)
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';

interface Part {
  readonly name: string;
  readonly command: readonly string[];
}

const node = process.execPath;
const PARTS: readonly Part[] = [
  { name: 'typecheck', command: [node, join(KIT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'] },
  { name: 'unit+integration', command: [node, '--test', '--test-concurrency=2', 'test/*.test.ts'] },
  {
    name: 'fault injection',
    command: [node, '--test', 'test/fault-injection/faults.test.ts', 'test/fault-injection/variations.test.ts', 'test/fault-injection/unanswering-gateway.test.ts'],
  },
];

function run(part: Part): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(part.command[0]!, part.command.slice(1), { cwd: KIT_ROOT, stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const format = (seconds: number): string => (seconds >= 60 ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `${seconds.toFixed(1)} s`);

const timings: { name: string; seconds: number; code: number }[] = [];
let exitCode = 0;
for (const part of PARTS) {
  console.log(`\nnpm test: ${part.name} ...`);
  const t0 = performance.now();
  const code = await run(part);
  const seconds = (performance.now() - t0) / 1000;
  timings.push({ name: part.name, seconds, code });
  console.log(`npm test: ${part.name} ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${format(seconds)}`);
  if (code !== 0) {
    exitCode = code;
    break;
  }
}
console.log('\nnpm test, time per part:');
for (const t of timings) console.log(`  ${t.name.padEnd(18)} ${format(t.seconds).padStart(12)}  ${t.code === 0 ? 'passed' : 'FAILED'}`);
for (const part of PARTS.slice(timings.length)) console.log(`  ${part.name.padEnd(18)} ${'-'.padStart(12)}  not run (an earlier part failed)`);
console.log(`  ${'total'.padEnd(18)} ${format(timings.reduce((sum, t) => sum + t.seconds, 0)).padStart(12)}`);
process.exitCode = exitCode;
