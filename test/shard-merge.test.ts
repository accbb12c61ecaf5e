/**
 * Shards and merge (issue 21): the reference suite run as 3 shards with `auth-ctk run --shard i/3`, merged with
 * `auth-ctk merge`, gives a certificate that `auth-ctk verify` accepts and whose per-requirement verdicts are a
 * single run's. Merge refuses (exit 2, one line) shards that are missing, given twice, or from another feature
 * set, target or kit version. The shards run one after the other here: the point is the verdicts, not the time
 * (npm run bench measures them concurrently).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { loadSigningKey } from '../support/report/signing-key.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts } from '../support/report/verdicts.ts';
import type { CertificateFile } from '../support/report/certificate.ts';
import { generatesLoad, isTimingSensitive, parseShard, partition, suitePickles } from '../support/shard/partition.ts';

const dir = mkdtempSync(join(tmpdir(), 'ctk-shards-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const key = join(dir, 'signing-key.jwk');
const shardDir = (i: number) => join(dir, `shard-${i}-of-3`);
const merged = join(dir, 'merged');

const cliWith = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [join(KIT_ROOT, 'bin/auth-ctk.js'), ...args], { cwd: KIT_ROOT, encoding: 'utf8', env: { ...process.env, CI: '1', ...env } });
const cli = (...args: string[]) => cliWith({}, ...args);
const oneLine = (r: ReturnType<typeof cli>) => r.stderr.trim().split('\n');

let single: Map<string, string>;

before(async () => {
  await loadSigningKey(key); // generated: a test key, in the temporary folder
  for (let i = 1; i <= 3; i++) {
    // Shard 3 as a pod of the Indexed Job in deploy/ runs it: --shard job/3 with its 0-based completion index.
    const shard = i === 3 ? ['--shard', 'job/3'] : ['--shard', `${i}/3`];
    const r = cliWith({ JOB_COMPLETION_INDEX: String(i - 1) }, 'run', ...shard, '--shard-dir', shardDir(i));
    assert.equal(r.status, 0, `shard ${i}/3 exited ${r.status}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  }
  const m = cli('merge', shardDir(1), shardDir(2), shardDir(3), '--out', merged, '--signing-key', key, '--no-allure-report');
  assert.ok(m.status === 0 || m.status === 1, `merge exited ${m.status}: ${m.stderr}`);
  // The single run: the same suite and selection as `auth-ctk run` (no client under test), in one cucumber process.
  const messages = join(dir, 'single.ndjson');
  const s = spawnSync(
    process.execPath,
    [join(KIT_ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), '--profile', 'selftest', 'features/', '--tags', 'not @client', '--format', `message:${messages}`],
    { cwd: KIT_ROOT, encoding: 'utf8' },
  );
  assert.ok(existsSync(messages), `the single run wrote no messages: ${s.stderr}`);
  single = new Map(computeVerdicts(readMessages(messages)).requirements.map((r) => [r.requirement.id, r.verdict]));
});

const certificate = () => (JSON.parse(readFileSync(join(merged, 'certificate.json'), 'utf8')) as CertificateFile).certificate;

test('every scenario is in exactly one shard, a feature\'s timing-sensitive scenarios together, and the split is fixed', () => {
  const all = suitePickles();
  for (const n of [1, 2, 3, 5, 8]) {
    const shards = partition(all, n);
    const keys = shards.flat();
    assert.equal(keys.length, all.length, `${n} shards: every scenario once`);
    assert.equal(new Set(keys).size, all.length, `${n} shards: no scenario twice`);
    assert.deepEqual(partition(all, n), shards, 'the same feature set gives the same split');
    const timing = new Set(all.filter((p) => isTimingSensitive(p.tags)).map((p) => p.uri));
    for (const uri of timing) {
      const its = all.filter((p) => p.uri === uri && isTimingSensitive(p.tags)).map((p) => p.key);
      const holding = shards.filter((s) => its.some((k) => s.includes(k)));
      assert.equal(holding.length, 1, `${n} shards: the timing-sensitive scenarios of ${uri} share one shard`);
    }
    const load = all.filter((p) => generatesLoad(p.tags)).map((p) => p.key);
    assert.equal(shards.filter((s) => load.some((k) => s.includes(k))).length, 1, `${n} shards: the load-generating features share one shard`);
  }
  assert.ok(all.some((p) => p.uri === 'features/rate-limits.feature' && generatesLoad(p.tags)));
  // Balance: with 3 shards the load scenarios (bursts, blocks, waits) are not joined by the browser logins.
  const [loadShard] = partition(all, 3).filter((s) => all.some((p) => generatesLoad(p.tags) && s.includes(p.key)));
  const browserLogins = all.filter((p) => p.tags.includes('@browser') && !generatesLoad(p.tags));
  assert.ok(browserLogins.filter((p) => loadShard!.includes(p.key)).length < browserLogins.length / 2, 'most browser logins run beside the load shard, not in it');
  for (const uri of ['features/rate-limits.feature', 'features/expiry-and-ttl.feature']) {
    assert.ok(all.some((p) => p.uri === uri && isTimingSensitive(p.tags)), `${uri} is timing-sensitive`);
  }
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  // A Kubernetes Indexed Job's pod: completion index 0..n-1 is shard 1..n.
  assert.deepEqual(parseShard('job/3', { JOB_COMPLETION_INDEX: '0' }), { index: 1, count: 3 });
  assert.deepEqual(parseShard('job/3', { JOB_COMPLETION_INDEX: '2' }), { index: 3, count: 3 });
  assert.throws(() => parseShard('job/3', { JOB_COMPLETION_INDEX: '3' }), /--shard takes/);
  assert.throws(() => parseShard('job/3', {}), /JOB_COMPLETION_INDEX .*not set/);
});

test('a bad --shard is refused with one line and exit 2, before anything starts', () => {
  for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0']) {
    const r = cli('run', '--shard', bad);
    assert.equal(r.status, 2, bad);
    assert.equal(oneLine(r).length, 1, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--shard takes <i>\/<n>/);
  }
  const r = cli('run', '--shard', '1/3', '--baseline', 'x.yaml');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--baseline is applied when the shards are merged/);
});

test('each shard wrote its own results and says which part of which run it is', () => {
  const total = [1, 2, 3].reduce((sum, i) => {
    const manifest = JSON.parse(readFileSync(join(shardDir(i), 'shard.json'), 'utf8'));
    assert.deepEqual(manifest.shard, { index: i, count: 3 });
    assert.match(manifest.featureSet.hash, /^sha256:/);
    assert.equal(manifest.target.kind, 'reference');
    for (const f of ['cucumber-messages.ndjson', 'junit.xml', 'allure-results']) assert.ok(existsSync(join(shardDir(i), f)), `shard ${i}: ${f}`);
    assert.ok(!existsSync(join(shardDir(i), 'certificate.json')), 'a shard does not certify');
    return sum + manifest.scenarios.length;
  }, 0);
  assert.equal(total, certificate().scenarios.length, 'the merged run has every shard\'s scenarios, once');
});

test('the merged certificate verifies and gives every requirement the verdict of a single run', () => {
  const v = cli('verify', join(merged, 'certificate.json'), '--key', key);
  assert.equal(v.status, 0, v.stderr);
  const c = certificate();
  assert.equal(c.run.partial, true, 'the client scenarios are left out, as in a single run');
  const differences = c.requirements.filter((r) => single.get(r.id) !== r.verdict).map((r) => `${r.id}: merged ${r.verdict}, single ${single.get(r.id)}`);
  assert.deepEqual(differences, []);
  assert.equal(c.requirements.length, single.size);
  for (const f of ['cucumber-messages.ndjson', 'junit.xml', 'allure-results', 'certificate.html']) assert.ok(existsSync(join(merged, f)), f);
});

test('merge refuses shards that are not the parts of one run: exit 2, one line', () => {
  const refused = (pattern: RegExp, ...dirs: string[]) => {
    const r = cli('merge', ...dirs, '--out', join(dir, 'refused'), '--signing-key', key, '--no-allure-report');
    assert.equal(r.status, 2, `${r.stdout}${r.stderr}`);
    assert.equal(oneLine(r).length, 1, r.stderr);
    assert.match(r.stderr, pattern);
    assert.ok(!existsSync(join(dir, 'refused', 'certificate.json')), 'nothing written');
  };
  refused(/shard 3\/3 missing/, shardDir(1), shardDir(2));
  refused(/shard 2\/3 is given twice/, shardDir(1), shardDir(2), shardDir(2), shardDir(3));
  refused(/not a shard result folder/, shardDir(1), shardDir(2), dir);

  const altered = (name: string, change: (m: Record<string, any>) => void) => {
    const copy = join(dir, name);
    cpSync(shardDir(2), copy, { recursive: true });
    const file = join(copy, 'shard.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    change(manifest);
    writeFileSync(file, JSON.stringify(manifest));
    return copy;
  };
  refused(/ran feature set sha256:0+, this kit's is/, shardDir(1), altered('other-features', (m) => (m.featureSet.hash = `sha256:${'0'.repeat(64)}`)), shardDir(3));
  refused(/was run by auth-ctk 9\.9\.9/, shardDir(1), altered('other-kit', (m) => (m.kit.version = '9.9.9')), shardDir(3));
  refused(/not the same target/, shardDir(1), altered('other-target', (m) => (m.target = { ...m.target, kind: 'external', name: 'acme gateway' })), shardDir(3));
  refused(/every shard must run the same selection/, shardDir(1), altered('other-tags', (m) => (m.tags = '@REQ-TOK-01')), shardDir(3));
  // The streams are checked too, not only what shard.json says.
  const relabelled = join(dir, 'shard-1-as-2');
  cpSync(shardDir(1), relabelled, { recursive: true });
  const m1 = JSON.parse(readFileSync(join(relabelled, 'shard.json'), 'utf8'));
  writeFileSync(join(relabelled, 'shard.json'), JSON.stringify({ ...m1, shard: { index: 2, count: 3 } }));
  refused(/ran ".*" \(features\/.*\), which is not in shard 2\/3/, shardDir(1), relabelled, shardDir(3));
  const cut = altered('cut-off', () => {});
  const stream = readFileSync(join(cut, 'cucumber-messages.ndjson'), 'utf8');
  writeFileSync(join(cut, 'cucumber-messages.ndjson'), stream.slice(0, stream.lastIndexOf('{"testRunFinished"')));
  refused(/no testRunFinished message: the run did not finish/, shardDir(1), cut, shardDir(3));
});
