/**
 * `kill -TERM <pid>` (what `timeout`, CI runners and process managers send to the ONE process they started)
 * and SIGINT to that pid alone stop `auth-ctk serve` and `auth-ctk run` with nothing left behind: no reference
 * server, no browser, no bundled-Node child. Checked on the machine's own Node (< 22.18: bin/auth-ctk.js re-runs
 * the CLI on the bundled Node 24 in a child) and on Node 24 (the CLI runs in the launched process itself).
 * Every process seen below the launched pid while it ran is tracked through /proc, so one that was re-parented
 * after its parent died is still found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KIT = fileURLToPath(new URL('../', import.meta.url));
const LAUNCHER = join(KIT, 'bin/auth-ctk.js');

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
  readonly start: string;
  readonly comm: string;
}

function processes(): Map<number, Proc> {
  const all = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ... field 22 starttime; comm may hold spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      all.set(Number(name), { pid: Number(name), ppid: Number(fields[1]), state: fields[0]!, start: fields[19]!, comm });
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

function descendants(root: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const p of all.values()) {
      if (p.ppid === parent) {
        found.push(p);
        queue.push(p.pid);
      }
    }
  }
  return found;
}

/** Still there: same pid AND same start time (a recycled pid is another process), and not a zombie. */
const alive = (p: Proc): boolean => {
  const now = processes().get(p.pid);
  return now !== undefined && now.start === p.start && now.state !== 'Z';
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The machine's own Node when it is older than the kit needs (the re-exec path), else undefined. */
function oldSystemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir || dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
    if (major! < 22 || (major === 22 && minor! < 18)) return candidate;
  }
  return undefined;
}

const NODES: { label: string; path: string | undefined }[] = [
  { label: 'the machine\'s Node (< 22.18, re-exec on the bundled Node 24)', path: oldSystemNode() },
  { label: 'Node 24', path: process.execPath },
];

interface Case {
  readonly command: string[];
  /** The processes that must be up before the signal is sent (comm names, counted). */
  ready(seen: Proc[], output: string): boolean;
  readonly exitCode: (signal: NodeJS.Signals) => number;
  /** Checks of what the command printed, while it runs and once it ended. */
  readonly whileUp?: (output: string) => void;
  readonly afterExit?: (output: string) => void;
}

/** The folder `serve` wrote the run's mTLS certificates to (its --cacert line). */
const mtlsFolder = (output: string): string | undefined => /--cacert (\S+)\/ca\.pem/.exec(output)?.[1];

const SERVE: Case = {
  command: ['serve'],
  ready: (_seen, output) => output.includes('Ctrl-C stops the stack.'),
  exitCode: () => 0,
  // The mTLS certificates made for the run are there while it serves, and gone with it.
  whileUp: (output) => {
    const folder = mtlsFolder(output);
    assert.ok(folder, `serve printed no mTLS certificate files:\n${output.slice(-1500)}`);
    for (const file of ['ca.pem', 'client.pem', 'client-key.pem']) assert.ok(existsSync(join(folder, file)), `${file} while serving`);
  },
  afterExit: (output) => assert.equal(existsSync(mtlsFolder(output)!), false, 'the mTLS certificate folder outlived serve'),
};

const RUN: Case = {
  // The browser scenarios: the reference stack AND a browser are up when the signal comes.
  // The default cucumber profile with stdout a pipe: no "Cannot use 'progress-bar' formatter" either.
  command: ['run', '--tags', '@human-login', '--no-allure-report'],
  ready: (seen, output) => output.includes('auth-ctk: running against') && seen.some((p) => /chrom|headless/i.test(p.comm)),
  exitCode: (signal) => 128 + (signal === 'SIGINT' ? 2 : 15),
};

async function signalAndCheck(node: string, which: Case, signal: NodeJS.Signals): Promise<void> {
  const child = spawn(node, [LAUNCHER, ...which.command], { cwd: KIT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '' } });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  let done = false;
  void exited.then(() => (done = true));
  const seen = new Map<string, Proc>();
  const deadline = Date.now() + 90_000;
  while (!done && Date.now() < deadline) {
    for (const p of descendants(child.pid!)) seen.set(`${p.pid}/${p.start}`, p);
    if (which.ready([...seen.values()], output)) break;
    await sleep(100);
  }
  assert.ok(!done, `auth-ctk ${which.command.join(' ')} ended before it was ready to be signalled:\n${output.slice(-1500)}`);
  assert.ok(Date.now() < deadline, `not ready within 90 s:\n${output.slice(-1500)}`);
  for (const p of descendants(child.pid!)) seen.set(`${p.pid}/${p.start}`, p);
  which.whileUp?.(output);
  process.kill(child.pid!, signal); // the pid alone, not the process group
  const ended = await Promise.race([exited, sleep(30_000).then(() => undefined)]);
  if (!ended) child.kill('SIGKILL');
  // Reference servers stop within their 1 s grace; a browser is killed at once: allow a few seconds on 2 cores.
  const left = async () => [...seen.values()].filter(alive);
  for (let i = 0; i < 50 && (await left()).length > 0; i++) await sleep(100);
  const remaining = await left();
  for (const p of remaining) process.kill(p.pid, 'SIGKILL'); // never leave them to the next test
  assert.ok(ended, `auth-ctk ${which.command.join(' ')} did not end within 30 s of ${signal}:\n${output.slice(-1500)}`);
  assert.deepEqual(ended, { code: which.exitCode(signal), signal: null }, output.slice(-1500));
  assert.doesNotMatch(output, /Cannot use 'progress-bar' formatter/);
  which.afterExit?.(output);
  assert.deepEqual(
    remaining.map((p) => `${p.pid} ${p.comm}`),
    [],
    `left behind after ${signal} to the launched pid (${seen.size} processes were seen under it)`,
  );
  assert.ok(seen.size >= (which === RUN ? 4 : 3), `only ${seen.size} processes seen: was the stack up? ${[...seen.values()].map((p) => p.comm).join(', ')}`);
}

for (const node of NODES) {
  for (const [name, which] of [['serve', SERVE], ['run', RUN]] as const) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      test(`${signal} to the pid of "auth-ctk ${name}" on ${node.label} leaves no process behind`, async (t) => {
        if (!node.path) return t.skip('this machine has no Node older than 22.18 on PATH: the re-exec path is not exercised here');
        await signalAndCheck(node.path, which, signal);
      });
    }
  }
}
