/**
 * What a newcomer meets first, on a machine whose own Node is older than the kit's (issue 18):
 *   - `npx auth-ctk ...` prints no `npm warn EBADENGINE` (npm checks the package's engines against the Node
 *     that runs npm, and only bin/auth-ctk.js runs on that one);
 *   - a usage error (bad tag expression, unknown option, unknown profile...) is ONE line on stderr, exit 2,
 *     before any server or browser starts;
 *   - the default cucumber profile picks its console formatter by whether stdout is a terminal, so a piped or
 *     logged run gets no "Cannot use 'progress-bar' formatter" warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KIT = fileURLToPath(new URL('../', import.meta.url));
const LAUNCHER = join(KIT, 'bin/auth-ctk.js');

/** The machine's own Node when it is older than the kit needs, and the PATH that finds it (not node_modules/.bin). */
function oldSystemNode(): { node: string; path: string } | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter((d) => d && !d.includes('node_modules'));
  for (const dir of dirs) {
    const candidate = join(dir, 'node');
    if (!existsSync(candidate)) continue;
    const [major, minor] = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '').split('.').map(Number);
    if (major! < 22 || (major === 22 && minor! < 18)) return { node: candidate, path: dirs.join(':') };
  }
  return undefined;
}

test('npx auth-ctk on the machine\'s older Node prints no EBADENGINE warning, also the first time (fresh npx cache)', async (t) => {
  const old = oldSystemNode();
  if (!old) return t.skip('this machine has no Node older than 22.18 on PATH');
  if (!existsSync(join(old.path.split(':').find((d) => existsSync(join(d, 'npx'))) ?? '/nonexistent', 'npx'))) return t.skip('no npx next to the machine\'s Node');
  // A fresh cache: npx links the local package into its cache on first use and checks engines then (measured:
  // ten warning lines with engines ">=22.18"; none once the link exists, which is why the cache must be new).
  const cache = mkdtempSync(join(tmpdir(), 'ctk-npx-cache-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: old.path, npm_config_cache: cache, npm_config_update_notifier: 'false' };
    for (const key of Object.keys(env)) if (/^npm_(lifecycle|package|node_execpath|execpath)/i.test(key)) delete env[key];
    const r = spawnSync('npx', ['auth-ctk', '--help'], { cwd: KIT, env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^usage: auth-ctk <command>/);
    assert.doesNotMatch(r.stderr, /EBADENGINE/, r.stderr);
    assert.ok(readdirSync(join(cache, '_npx')).length > 0, 'npx used the fresh cache (the first-use path was exercised)');
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('the engines field admits the Node that runs the launcher; the launcher re-runs the kit on the bundled Node 24', () => {
  const pkg = JSON.parse(readFileSync(join(KIT, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
  assert.equal(pkg.engines.node, '>=20');
  assert.match(pkg.dependencies.node ?? '', /^\^24\./, 'the kit itself runs on the bundled Node 24');
  const old = oldSystemNode();
  if (old) {
    const r = spawnSync(old.node, [LAUNCHER, 'faults'], { cwd: KIT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
  }
});

/** Pids of every process below `root` (from /proc): a usage error must not have started any. */
function childrenOf(root: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === root) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const USAGE_ERRORS: [string[], RegExp][] = [
  [['run', '--tags', '@REQ-TOK-01 and ('], /^auth-ctk: --tags "@REQ-TOK-01 and \(" is not a tag expression: Unmatched \(/],
  [['run', '--tags', '@REQ-TOK-01 or'], /is not a tag expression: Expected operand/],
  [['run', '--tags', ''], /^auth-ctk: --tags is empty/],
  [['client', '--tags', 'a and', '--reference'], /^auth-ctk: --tags "a and" is not a tag expression/],
  [['run', '--bogus'], /^auth-ctk: run: Unknown option '--bogus' \("auth-ctk run --help" lists the options\)$/],
  [['serve', '--nope'], /^auth-ctk: serve: Unknown option '--nope'/],
  [['verify', '--what'], /^auth-ctk: verify: Unknown option '--what'/],
  [['run', '--target'], /^auth-ctk: run: Option '--target <value>' argument missing/],
  [['run', '--profile', 'nope'], /^auth-ctk: --profile takes a comma list of core, gateway/],
  [['run', '--cucumber-profile', 'nope'], /^auth-ctk: --cucumber-profile "nope": Requested profile "nope" doesn't exist/],
  [['client', '--reference', '--cucumber-profile', 'nope'], /^auth-ctk: --cucumber-profile "nope"/],
  [['run', '--target', 'nope'], /^auth-ctk: unknown target "nope"/],
  [['run', '--faults', 'no-such-fault'], /^auth-ctk: unknown fault or variation: no-such-fault/],
  [['serve', '--faults', 'no-such-fault'], /^auth-ctk: unknown fault or variation: no-such-fault/],
  [['bogus'], /^auth-ctk: unknown command "bogus" \("auth-ctk --help" lists the commands\)$/],
];

for (const [args, expected] of USAGE_ERRORS) {
  test(`usage error "auth-ctk ${args.join(' ')}": one line on stderr, exit 2, nothing started`, async () => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], { cwd: KIT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const started = new Set<number>();
    const watch = setInterval(() => childrenOf(child.pid!).forEach((pid) => started.add(pid)), 20);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(watch);
    assert.equal(code, 2, `${stdout}\n${stderr}`);
    assert.equal(stdout, '', 'nothing on stdout');
    assert.equal(stderr.split('\n').filter(Boolean).length, 1, `one line on stderr, got:\n${stderr}`);
    assert.match(stderr.trim(), expected);
    assert.deepEqual([...started], [], 'no server (or anything else) was started');
  });
}

test('the default cucumber profile uses progress-bar on a terminal and progress when stdout is a pipe', (t) => {
  const probe = `import(${JSON.stringify(join(KIT, 'cucumber.mjs'))}).then((m) => console.log(m.default.format[0]))`;
  const piped = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
  assert.equal(piped.stdout.trim(), 'progress', piped.stderr);
  // A pseudo-terminal through util-linux `script`, when the machine has it.
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (script.status !== 0) return t.skip('no `script` command to give the probe a terminal');
  const tty = spawnSync('script', ['-qec', `${process.execPath} --input-type=module -e '${probe.replace(/'/g, `'\\''`)}'`, '/dev/null'], { encoding: 'utf8' });
  assert.match(tty.stdout, /progress-bar/, tty.stdout + tty.stderr);
});
