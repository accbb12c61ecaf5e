/**
 * The containers target end to end (issue 11), when a Docker engine answers: the reference images are built
 * from docker-compose.yml, started with testcontainers, reachable only on 127.0.0.1, in both network variants —
 * host (the IdP sees the kit's distinct 127.0.0.x source addresses, as in the embedded run) and bridge (issuer
 * agreed between kit, via the published port, and gateway, via the compose network) — and nothing of the run is
 * left behind: after stop(), after SIGTERM during start, after a process exit without stop(). With no engine these tests are
 * SKIPPED with the reason (reported as not run, never passed); .ci/run starts dockerd so CI always runs them.
 *
 * Always runs: no engine reachable -> `auth-ctk run --target containers` exits 2 and says how to start one.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { ContainersTargetProvider, LOCAL_BASE_IMAGE, RUN_LABEL, REPO_ROOT, configureTestcontainers } from '../support/target/containers.ts';
import { basicAuthorization } from '../support/oauth/token-client.ts';
import { send, closeConnections } from '../support/http/exchange.ts';
import type { TargetDescription } from '../support/target/target.ts';

const CLI = ['bin/auth-ctk.js'];

/** GET /_ping on the engine DOCKER_HOST names (or the default socket): the reason to skip, or undefined. */
async function engineUnavailable(): Promise<string | undefined> {
  configureTestcontainers(); // as the kit does: finds docker/engine.sh's socket when DOCKER_HOST is unset
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  let target: { socketPath: string } | { host: string; port: number };
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (!existsSync(socketPath)) return `no Docker engine: ${socketPath} does not exist (start one: docker/engine.sh start; .ci/run does)`;
    target = { socketPath };
  } else if (host.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else {
    return `DOCKER_HOST=${host} is neither unix:// nor tcp://`;
  }
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', timeout: 3_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `the Docker engine at ${host} answered /_ping with ${res.statusCode}`);
    });
    req.on('error', (e) => resolve(`no Docker engine answers at ${host} (${e.message}); start one: docker/engine.sh start`));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

function docker(args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 30_000 });
  return r.stdout.trim();
}

/** Containers and networks still labelled with this run. */
function leftovers(project: string): string {
  return [
    docker(['ps', '-a', '--filter', `label=${RUN_LABEL}=${project}`, '--format', '{{.Names}}']),
    docker(['network', 'ls', '--filter', `label=${RUN_LABEL}=${project}`, '--format', '{{.Name}}']),
  ].filter(Boolean).join('\n');
}

/** Discovery, a token, the gateway with and without it: the stack answers as the reference does. */
async function assertStackWorks(d: TargetDescription): Promise<void> {
  const discovery = (await (await fetch(d.discoveryUrl!)).json()) as Record<string, string>;
  assert.equal(discovery.issuer, d.issuer, 'discovery names the issuer on 127.0.0.1');
  assert.equal(discovery.token_endpoint, d.tokenEndpoint, 'every URL discovery names is reachable by the kit');
  const client = d.clients.system;
  const token = await fetch(d.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: basicAuthorization(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  assert.equal(token.status, 200);
  const { access_token } = (await token.json()) as { access_token: string };
  // The gateway fetched the IdP's keys (by service name or on loopback) and accepted the issuer.
  const api = await fetch(`${d.gateway!.baseUrl}${d.gateway!.routes.protected}`, { headers: { authorization: `Bearer ${access_token}` } });
  assert.equal(api.status, 200);
  assert.equal((await fetch(`${d.gateway!.baseUrl}${d.gateway!.routes.protected}`)).status, 401);
}

async function tokenFrom(d: TargetDescription, sourceAddress: string): Promise<number | string> {
  const client = d.clients.system;
  const exchange = await send({
    method: 'POST',
    url: d.tokenEndpoint,
    headers: { authorization: basicAuthorization(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
    sourceAddress,
    timeoutMs: 5_000,
  });
  return exchange.response?.status ?? exchange.transportError!.code;
}

describe('no engine reachable', () => {
  test('--target containers exits 2 and says how to start one', () => {
    const r = spawnSync(process.execPath, [...CLI, 'run', '--target', 'containers'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/auth-ctk-test.sock' },
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--target containers needs a Docker engine, and none answers at DOCKER_HOST=unix:\/\/\/nonexistent\/auth-ctk-test\.sock/);
    assert.match(r.stderr, /docker\/engine\.sh start/);
    assert.doesNotMatch(r.stdout, /running against/);
  });
});

describe('containers target, end to end', () => {
  let skip: string | undefined;
  before(async () => {
    skip = await engineUnavailable();
    if (skip) return;
    // Cached: nothing is rebuilt when the image holds the same Node version (docker/base-image.sh).
    if (!process.env.AUTH_CTK_BASE_IMAGE) {
      const r = spawnSync('bash', ['docker/base-image.sh'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) skip = `could not build ${LOCAL_BASE_IMAGE}: ${r.stderr.trim().split('\n').pop()}`;
    }
  });

  test('host network: the stack from docker-compose.yml, same clients, distinct client IPs, stop() leaves nothing', async (t) => {
    if (skip) return t.skip(skip);
    const previous = process.env.AUTH_CTK_CONTAINER_NETWORK;
    process.env.AUTH_CTK_CONTAINER_NETWORK = 'host';
    const provider = new ContainersTargetProvider();
    const lines: string[] = [];
    const started = await provider.start({ log: (line) => lines.push(line) }).finally(() => {
      if (previous === undefined) delete process.env.AUTH_CTK_CONTAINER_NETWORK;
      else process.env.AUTH_CTK_CONTAINER_NETWORK = previous;
    });
    const project = provider.project!;
    try {
      const d = started.description;
      assert.equal(d.kind, 'containers');
      assert.match(d.issuer, /^http:\/\/127\.0\.0\.1:\d+$/, 'the kit talks to 127.0.0.1 only');
      assert.match(d.gateway!.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(d.sourceAddresses.length > 2, 'host network: the kit can act as distinct client IPs');
      t.diagnostic(lines.find((l) => l.includes('containers ready')) ?? '');
      await assertStackWorks(d);

      // Seed 001 limits and blocks per client IP: the containerised IdP must see the kit's source addresses as
      // they were sent (its audit log records the peer address of every attempt; no timing involved).
      const [first, second] = [d.sourceAddresses[5]!, d.sourceAddresses[6]!];
      assert.equal(await tokenFrom(d, first), 200);
      assert.equal(await tokenFrom(d, second), 200);
      const audit = (await (await fetch(`${d.admin!.baseUrl}/admin/audit`, { headers: { authorization: `Bearer ${d.admin!.token}` } })).json()) as { sourceIp: string }[];
      const seen = new Set(audit.map((e) => e.sourceIp.replace(/^::ffff:/, '')));
      assert.ok(seen.has(first) && seen.has(second), `the IdP saw ${[...seen].join(', ')}; the kit sent from ${first} and ${second}`);
      assert.notEqual(leftovers(project), '', 'the run is labelled');
    } finally {
      const stopping = Date.now();
      await started.stop();
      t.diagnostic(`stopped in ${Date.now() - stopping} ms`);
    }
    assert.equal(leftovers(project), '', 'no container or network of the run is left');
    await closeConnections();
  });

  test('SIGTERM while the containers start (bridge network): the run removes what it created and exits 143', async (t) => {
    if (skip) return t.skip(skip);
    const child = spawn(process.execPath, [...CLI, 'run', '--target', 'containers'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AUTH_CTK_CONTAINER_NETWORK: 'bridge' },
    });
    let stderr = '';
    const project = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const m = /starting project (auth-ctk-[\w-]+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`exited before starting containers:\n${stderr}`)));
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 143, stderr);
    assert.equal(leftovers(project), '', `left behind after SIGTERM:\n${stderr}`);
  });

  test('bridge network: the issuer is agreed through the published port, and an exit without stop() leaves nothing', async (t) => {
    if (skip) return t.skip(skip);
    // A child process starts the stack and hands its description over; once the checks are done it exits
    // WITHOUT stop(): the exit hook must clean up.
    const script = `
      import { ContainersTargetProvider } from ${JSON.stringify(`${REPO_ROOT}support/target/containers.ts`)};
      const p = new ContainersTargetProvider();
      const started = await p.start({ log: () => undefined });
      console.log(JSON.stringify({ project: p.project, description: started.description }));
      process.stdin.once('data', () => process.exit(0));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, AUTH_CTK_CONTAINER_NETWORK: 'bridge' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      void exited.then(() => reject(new Error(`the child exited before starting the stack:\n${stderr}`)));
    });
    const { project, description } = JSON.parse(line) as { project: string; description: TargetDescription };
    try {
      assert.deepEqual(description.sourceAddresses, [], "bridge: Docker's port proxy hides the client address, no distinct source IPs");
      await assertStackWorks(description);
    } finally {
      child.stdin.end('exit\n');
    }
    assert.equal(await exited, 0, stderr);
    assert.equal(leftovers(project), '', 'the exit hook removed the run');
  });

  test('auth-ctk cleanup removes what a killed run left', async (t) => {
    if (skip) return t.skip(skip);
    // A leftover as SIGKILL would leave it: a labelled network no run owns any more.
    const project = `auth-ctk-test-leftover-${process.pid}`;
    docker(['network', 'create', '--label', 'io.auth-ctk.stack=reference', '--label', `${RUN_LABEL}=${project}`, project]);
    assert.notEqual(leftovers(project), '');
    const dry = spawnSync(process.execPath, [...CLI, 'cleanup', '--run', project, '--dry-run'], { encoding: 'utf8', timeout: 60_000 });
    assert.match(dry.stdout, new RegExp(`would remove network ${project}`));
    assert.notEqual(leftovers(project), '', 'dry run removes nothing');
    const r = spawnSync(process.execPath, [...CLI, 'cleanup', '--run', project], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`removed network ${project}`));
    assert.equal(leftovers(project), '');
  });
});
