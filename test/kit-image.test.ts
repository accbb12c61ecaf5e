/**
 * The kit as an image (issue 21), when a Docker engine answers: docker/kit-image.sh builds it, and the Indexed Job
 * of deploy/ is simulated here — the image run 3 times with JOB_COMPLETION_INDEX = 0, 1, 2 (`--shard job/3`)
 * against the containers target (the reference stack from docker-compose.yml), read-only root filesystem, the
 * profile and its .env mounted, reports written to a mounted folder; then merged by the image into one
 * certificate that `auth-ctk verify` accepts. With no engine these tests are SKIPPED with the reason (reported as
 * not run, never passed); .ci/run starts dockerd, so CI runs them.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainersTargetProvider, REPO_ROOT, configureTestcontainers } from '../support/target/containers.ts';
import type { StartedTarget } from '../support/target/provider.ts';
import { loadSigningKey } from '../support/report/signing-key.ts';
import { kitVersion } from '../support/report/kit.ts';
import type { CertificateFile } from '../support/report/certificate.ts';

const IMAGE = `auth-ctk:${kitVersion()}`;
const docker = (args: string[], timeout = 600_000) => spawnSync('docker', args, { encoding: 'utf8', timeout });

function engineUnavailable(): string | undefined {
  configureTestcontainers(); // as the kit does: finds docker/engine.sh's socket when DOCKER_HOST is unset
  const r = docker(['info', '--format', '{{.OSType}}'], 15_000);
  if (r.error) return `no docker CLI (${r.error.message})`;
  if (r.status !== 0) return `no Docker engine answers (${r.stderr.trim().split('\n').pop()}); start one: docker/engine.sh start`;
  // The kit container reaches the stack on the host's loopback: a Linux engine on this machine only.
  if (r.stdout.trim() !== 'linux' || (process.env.DOCKER_HOST && !process.env.DOCKER_HOST.startsWith('unix://'))) return 'the engine is not a local Linux engine (host network needed)';
  return undefined;
}

describe('the kit image, as the pods of the Indexed Job', () => {
  let skip: string | undefined;
  let started: StartedTarget | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ctk-kit-image-'));
  const reports = join(dir, 'reports');
  const profileDir = join(dir, 'profile');
  const key = join(dir, 'key.jwk');

  before(async () => {
    skip = engineUnavailable();
    if (skip) return;
    for (const script of ['docker/base-image.sh', 'docker/kit-image.sh']) {
      const r = spawnSync('bash', [script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000, env: { ...process.env, BASE_IMAGE: process.env.AUTH_CTK_BASE_IMAGE ?? 'auth-ctk/node-base:local' } });
      assert.equal(r.status, 0, `${script}: ${r.stderr.slice(-1500)}`);
    }
    process.env.AUTH_CTK_CONTAINER_NETWORK = 'host';
    started = await new ContainersTargetProvider().start({ log: () => {} });
    delete process.env.AUTH_CTK_CONTAINER_NETWORK;
    // The fixed-port profile of the reference stack, pointed at the ports this stack got.
    const d = started.description;
    const port = (url: string) => new URL(url).port;
    assert.ok(d.gateway, 'the containers target has a gateway');
    const ports: Record<string, string> = { '9400': port(d.issuer), '9401': port(d.gateway.baseUrl) };
    mkdirSync(profileDir);
    const profile = readFileSync(join(REPO_ROOT, 'fixtures/targets/reference-local.yaml'), 'utf8').replace(/127\.0\.0\.1:(940[01])/g, (_, p: string) => `127.0.0.1:${ports[p]}`);
    writeFileSync(join(profileDir, 'target.yaml'), profile);
    copyFileSync(join(REPO_ROOT, 'fixtures/targets/reference-local.env'), join(profileDir, 'reference-local.env'));
    mkdirSync(reports);
    chmodSync(reports, 0o777); // the image's user (uid 1000) writes there
    await loadSigningKey(key); // a throwaway TEST key; readable by the image's user
    chmodSync(key, 0o644);
  });

  after(async () => {
    await started?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const runImage = (args: string[], env: Record<string, string> = {}) =>
    docker([
      'run', '--rm', '--network', 'host', '--read-only', '--tmpfs', '/tmp:exec,mode=1777',
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      '-v', `${profileDir}:/etc/auth-ctk/profile:ro`, '-v', `${reports}:/app/reports`, '-v', `${key}:/etc/auth-ctk/signing/signing-key.jwk:ro`,
      IMAGE, ...args,
    ]);

  test('non-root, no secret baked in', (t) => {
    if (skip) return t.skip(skip);
    const inspect = JSON.parse(docker(['image', 'inspect', IMAGE]).stdout)[0];
    assert.equal(inspect.Config.User, '1000:1000');
    assert.ok(!(inspect.Config.Env as string[]).some((e) => /SECRET|PASSWORD|TOKEN/i.test(e)), 'no secret in the image environment');
    const files = docker(['run', '--rm', '--entrypoint', 'node', IMAGE, '-e', 'const fs=require("fs");console.log(["/app/.env","/app/.auth-ctk"].filter(f=>fs.existsSync(f)).join(","))']);
    assert.equal(files.stdout.trim(), '', 'no .env and no signing key in the image');
  });

  test('3 pods (JOB_COMPLETION_INDEX 0..2) run their shards, and the merge pod signs one certificate that verifies', (t) => {
    if (skip) return t.skip(skip);
    let total = 0;
    for (let k = 0; k < 3; k++) {
      const r = runImage(['run', '--target', '/etc/auth-ctk/profile/target.yaml', '--shard', 'job/3'], { JOB_COMPLETION_INDEX: String(k) });
      assert.equal(r.status, 0, `pod ${k}: ${r.stdout.slice(-1500)}${r.stderr.slice(-1500)}`);
      const manifest = JSON.parse(readFileSync(join(reports, `shard-${k + 1}-of-3`, 'shard.json'), 'utf8'));
      assert.deepEqual(manifest.shard, { index: k + 1, count: 3 });
      total += manifest.scenarios.length;
    }
    const m = runImage(['merge', 'reports/shard-1-of-3', 'reports/shard-2-of-3', 'reports/shard-3-of-3', '--out', 'reports', '--signing-key', '/etc/auth-ctk/signing/signing-key.jwk', '--no-allure-report']);
    assert.ok(m.status === 0 || m.status === 1, `merge exited ${m.status}: ${m.stderr}`);
    assert.ok(existsSync(join(reports, 'certificate.json')));
    const v = spawnSync(process.execPath, ['bin/auth-ctk.js', 'verify', join(reports, 'certificate.json'), '--key', key], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    const c = (JSON.parse(readFileSync(join(reports, 'certificate.json'), 'utf8')) as CertificateFile).certificate;
    assert.equal(c.scenarios.length, total, 'the certificate covers every shard\'s scenarios once');
    // The npm-shipped Chromium runs in the image (docker/base-image.sh adds its libraries, support/browser/chromium.ts
    // its font configuration): the human-login scenarios are judged in a real browser there, not "not testable".
    const browserScenarios = c.scenarios.filter((s) => s.location.startsWith('features/human-login.feature'));
    assert.ok(browserScenarios.length > 0, 'the human-login scenarios ran in the image');
    assert.deepEqual(browserScenarios.filter((s) => s.verdict !== 'passed').map((s) => `${s.name}: ${s.verdict} ${JSON.stringify(s.diagnoses)}`), []);
  });
});
