/**
 * The containers provider: the reference stack from the top-level docker-compose.yml (the one description of
 * the stack in containers), built from docker/reference.Dockerfile and started with testcontainers'
 * DockerComposeEnvironment on whatever engine DOCKER_HOST (or the default socket) points at.
 *
 * Networking (see docker-compose.yml and its two overrides), chosen by networkMode():
 *   host   — Linux engines on this machine: the containers listen on the host's 127.0.0.1, so the reference sees
 *            the kit's 127.0.0.x source addresses as distinct client IPs (rate limit and IP block per IP, seed
 *            001) exactly as in the embedded run: same verdicts.
 *   bridge — any other engine (Docker Desktop, remote): the IdP and the gateway are published on 127.0.0.1 and
 *            the gateway fetches keys over the compose network (http://idp:8080/jwks); every request reaches the
 *            IdP from Docker's port proxy, so the description offers no source addresses.
 * Either way the issuer is the IdP's URL on 127.0.0.1 (free ports picked per run), the one string kit and
 * gateway agree on. The kit never sends to any other address.
 *
 * Cleanup without Ryuk (it cannot be pulled on machines without a registry): every container and network
 * carries io.auth-ctk.run=<project>; stop() runs `compose down` and then removes anything still labelled with
 * this run; SIGINT/SIGTERM during start and a process-exit hook do the same; `auth-ctk cleanup` removes what a
 * killed run (SIGKILL) left behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../cli/errors.ts';
import { describeReferenceTarget } from './reference-target.ts';
import { once, type StartOptions, type StartedTarget, type TargetProvider } from './provider.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const COMPOSE_FILE = 'docker-compose.yml';
/** The networking overrides of docker-compose.yml (see the comments in each). */
export const COMPOSE_OVERRIDES = { bridge: 'docker-compose.override.yml', host: 'docker/compose.host-network.yml' } as const;
export type NetworkMode = keyof typeof COMPOSE_OVERRIDES;
/** Label on every container and network of the stack (docker-compose.yml). */
export const STACK_LABEL = 'io.auth-ctk.stack';
/** Label naming the run (compose project) that owns a container or network. */
export const RUN_LABEL = 'io.auth-ctk.run';
/** The local base image docker/base-image.sh builds for engines that cannot pull. */
export const LOCAL_BASE_IMAGE = 'auth-ctk/node-base:local';
export const PUBLIC_BASE_IMAGE = 'node:24-slim';

const HOW_TO_START_AN_ENGINE = [
  'start a Docker engine and point DOCKER_HOST at it, for example:',
  '  - Docker Desktop / a docker service: make sure `docker info` works (DOCKER_HOST unset uses /var/run/docker.sock)',
  '  - machines without a service manager (our CI): `apt-get install docker.io docker-compose`, then',
  '    `docker/engine.sh start` (the kit finds its socket, /run/dockerd/docker.sock, when DOCKER_HOST is unset)',
  'or run without containers: `auth-ctk run` (the embedded reference stack needs no engine)',
].join('\n');

/** Where docker/engine.sh puts its engine's socket (machines without a docker service). */
export const ENGINE_SH_SOCKET = '/run/dockerd/docker.sock';

/** testcontainers settings this machine needs, unless the user set them (containers.md). */
export function configureTestcontainers(env: NodeJS.ProcessEnv = process.env): void {
  // No DOCKER_HOST and no default socket, but docker/engine.sh's engine runs: use it.
  if (!env.DOCKER_HOST && !existsSync('/var/run/docker.sock') && existsSync(ENGINE_SH_SOCKET)) env.DOCKER_HOST = `unix://${ENGINE_SH_SOCKET}`;
  // Ryuk's image cannot be pulled where there is no registry; the kit removes its own containers instead.
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // With /.dockerenv present testcontainers would report the bridge gateway as the host; the kit only ever
  // talks to ports published on 127.0.0.1.
  env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
}

type Testcontainers = typeof import('testcontainers');

/** Loads testcontainers and checks an engine answers; exit 2 with how to start one otherwise. */
export async function connectToEngine(): Promise<{ tc: Testcontainers; client: Awaited<ReturnType<Testcontainers['getContainerRuntimeClient']>> }> {
  configureTestcontainers();
  const tc = await import('testcontainers');
  try {
    const client = await withTimeout(tc.getContainerRuntimeClient(), 20_000, 'no answer within 20 s');
    return { tc, client };
  } catch (error) {
    const where = process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : 'the default Docker socket (DOCKER_HOST is not set)';
    throw new UsageError(`--target containers needs a Docker engine, and none answers at ${where} (${(error as Error).message.split('\n')[0]}).\n${HOW_TO_START_AN_ENGINE}`);
  }
}

export interface ComposeCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** testcontainers' compose client options for the same executable. */
  readonly clientOptions: { executable: { standalone: true; executablePath: string } | { executablePath: string; standalone?: never } };
}

/**
 * `docker compose` (v2 plugin) where present, else the standalone `docker-compose` (Debian ships 1.29.2 and no
 * plugin). AUTH_CTK_COMPOSE=docker-compose (or a path) forces the standalone one.
 */
export function composeCommand(env: NodeJS.ProcessEnv = process.env): ComposeCommand {
  const forced = env.AUTH_CTK_COMPOSE;
  const works = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  if (!forced && works('docker', ['compose', 'version'])) {
    return { command: 'docker', args: ['compose'], clientOptions: { executable: { executablePath: 'docker' } } };
  }
  const standalone = forced ?? 'docker-compose';
  if (works(standalone, ['version'])) {
    return { command: standalone, args: [], clientOptions: { executable: { standalone: true, executablePath: standalone } } };
  }
  throw new UsageError(
    `--target containers needs Docker Compose: neither \`docker compose\` nor \`${standalone}\` works here.\n` +
      'install the compose plugin (Docker Desktop has it) or `apt-get install docker-compose`',
  );
}

/** The image services share, each built once: the compose file groups services by `image`. */
export function servicesToBuild(composeFile = `${REPO_ROOT}${COMPOSE_FILE}`): string[] {
  const compose = parseYaml(readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, { image?: string; build?: unknown }> };
  const byImage = new Map<string, string>();
  for (const [name, service] of Object.entries(compose.services)) {
    if (!service.build) continue;
    const key = service.image ?? name;
    if (!byImage.has(key)) byImage.set(key, name);
  }
  return [...byImage.values()];
}

/**
 * host where the engine runs on this machine's Linux kernel (the containers can share its loopback), bridge
 * elsewhere; AUTH_CTK_CONTAINER_NETWORK=host|bridge decides instead.
 */
export function networkMode(info: { operatingSystem: string; operatingSystemType: string }, env: NodeJS.ProcessEnv = process.env): NetworkMode {
  const forced = env.AUTH_CTK_CONTAINER_NETWORK;
  if (forced === 'host' || forced === 'bridge') return forced;
  if (forced) throw new UsageError(`AUTH_CTK_CONTAINER_NETWORK must be host or bridge, got "${forced}"`);
  const localEngine = !env.DOCKER_HOST || env.DOCKER_HOST.startsWith('unix://');
  const linuxHost = process.platform === 'linux' && info.operatingSystemType === 'linux' && !/Docker Desktop/i.test(info.operatingSystem);
  return localEngine && linuxHost ? 'host' : 'bridge';
}

export class ContainersTargetProvider implements TargetProvider {
  readonly kind = 'containers' as const;
  readonly label = 'containers';
  /** The compose project of the last start (container and network label io.auth-ctk.run). */
  project?: string;

  async start(options: StartOptions = {}): Promise<StartedTarget> {
    const log = options.log ?? ((line: string) => console.error(line));
    const faults = options.faults ?? [];
    const { tc, client } = await connectToEngine();
    const compose = composeCommand();
    const baseImage = await chooseBaseImage(client);
    const project = `auth-ctk-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.project = project;
    const mode = networkMode(client.info.containerRuntime);
    const files: Files = [COMPOSE_FILE, COMPOSE_OVERRIDES[mode]];
    const [idpPort, gatewayPort, componentPort] = await freePorts(3);
    const env: Record<string, string> = {
      AUTH_CTK_BASE_IMAGE: baseImage,
      AUTH_CTK_IDP_PUBLISHED_PORT: String(idpPort),
      AUTH_CTK_GATEWAY_PUBLISHED_PORT: String(gatewayPort),
      AUTH_CTK_COMPONENT_PUBLISHED_PORT: String(componentPort),
      AUTH_CTK_FAULTS: faults.join(','),
      AUTH_CTK_RUN_ID: project,
    };

    const down = once(async () => {
      process.off('exit', lastResort);
      await removeRun(client, compose, files, project, env);
    });
    // Last resort when the process exits without stop() (an uncaught error): synchronous, so it runs in 'exit'.
    const lastResort = () => composeDownSync(compose, files, project, env);
    process.on('exit', lastResort);
    // A signal while compose is building or starting: killing the kit now would let the running compose
    // command go on creating containers after the clean-up. So the first signal lets the current compose step
    // end (bounded: build, or up with its 60 s health wait), then removes the project; a second one does it at once.
    let interruptedBy: NodeJS.Signals | undefined;
    const exitCode = (signal: NodeJS.Signals) => 128 + (signal === 'SIGINT' ? 2 : 15);
    const interrupted = (signal: NodeJS.Signals) => {
      if (interruptedBy) {
        log(`auth-ctk: ${signal} again: removing project ${project} now`);
        void down().finally(() => process.exit(exitCode(signal)));
        return;
      }
      interruptedBy = signal;
      log(`auth-ctk: ${signal}: removing project ${project} as soon as the running compose step ends (again to force)`);
    };
    const checkInterrupted = () => {
      if (interruptedBy) throw new Error(`interrupted by ${interruptedBy}`);
    };
    process.on('SIGINT', interrupted);
    process.on('SIGTERM', interrupted);

    try {
      const started = Date.now();
      log(`auth-ctk: building the reference image from ${COMPOSE_FILE} (base ${baseImage})`);
      for (const service of servicesToBuild()) await runCompose(compose, files, project, env, ['build', service]);
      // Each code change leaves the previous build dangling; drop those (an image a container uses is kept).
      await client.container.dockerode.pruneImages({ filters: { dangling: ['true'], label: [STACK_LABEL] } }).catch(() => undefined);
      checkInterrupted();
      const built = Date.now();
      log(`auth-ctk: starting project ${project} (${mode} network; IdP on 127.0.0.1:${idpPort}, gateway on 127.0.0.1:${gatewayPort})`);
      await new tc.DockerComposeEnvironment(REPO_ROOT, [...files])
        .withProjectName(project)
        .withEnvironment(env)
        .withClientOptions(compose.clientOptions)
        // The compose file's own healthchecks: one description of "ready".
        .withDefaultWaitStrategy(tc.Wait.forHealthCheck())
        .withStartupTimeout(60_000)
        .up();
      checkInterrupted();
      log(`auth-ctk: containers ready (build ${seconds(built - started)}, start ${seconds(Date.now() - built)})`);
    } catch (error) {
      await down();
      if (interruptedBy) {
        log(`auth-ctk: project ${project} removed`);
        process.exit(exitCode(interruptedBy));
      }
      if (error instanceof UsageError) throw error;
      throw new Error(`the containers target did not start: ${(error as Error).message}`, { cause: error });
    } finally {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    }

    const idp = `http://127.0.0.1:${idpPort}`;
    const component = mode === 'host' ? `http://127.0.0.1:${componentPort}` : 'http://component:8080 (compose network only)';
    const reference = describeReferenceTarget(
      { idp, issuer: idp, gateway: `http://127.0.0.1:${gatewayPort}`, component },
      { name: 'auth-ctk reference stack (containers)', kind: 'containers', faults },
    );
    return {
      // bridge: Docker's port proxy hides the client's address, so the kit cannot act as distinct IPs there.
      description: mode === 'host' ? reference : { ...reference, sourceAddresses: [] },
      stop: down,
    };
  }
}

async function chooseBaseImage(client: Awaited<ReturnType<Testcontainers['getContainerRuntimeClient']>>): Promise<string> {
  if (process.env.AUTH_CTK_BASE_IMAGE) return process.env.AUTH_CTK_BASE_IMAGE;
  const tc = await import('testcontainers');
  // Machines without a registry: docker/base-image.sh builds a base from the project's own Node binary.
  if (await client.image.exists(tc.ImageName.fromString(LOCAL_BASE_IMAGE))) return LOCAL_BASE_IMAGE;
  return PUBLIC_BASE_IMAGE;
}

type Files = readonly [string, string];
const fileArgs = (files: Files) => files.flatMap((f) => ['-f', f]);

function runCompose(compose: ComposeCommand, files: Files, project: string, env: Record<string, string>, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(compose.command, [...compose.args, '-p', project, ...fileArgs(files), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-6_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => reject(new Error(`${compose.command} could not run: ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve();
      const tail = output.trim().split('\n').slice(-15).join('\n');
      const hint = /pull access denied|manifest unknown|dial tcp|no such host|failed to resolve|TLS handshake/i.test(output)
        ? `\nthe base image could not be pulled: on machines without registry access run docker/base-image.sh (builds ${LOCAL_BASE_IMAGE}), or set AUTH_CTK_BASE_IMAGE to a local image with Node >= 22.18`
        : '';
      reject(new Error(`\`${[compose.command, ...compose.args, ...args].join(' ')}\` failed (${signal ?? `exit ${code}`}):\n${tail}${hint}`));
    });
  });
}

/** `compose down`, then anything still labelled with this run (containers first, then networks). */
async function removeRun(
  client: Awaited<ReturnType<Testcontainers['getContainerRuntimeClient']>>,
  compose: ComposeCommand,
  files: Files,
  project: string,
  env: Record<string, string>,
): Promise<void> {
  try {
    await runCompose(compose, files, project, env, ['down', '--volumes', '--remove-orphans', '--timeout', '5']);
  } catch {
    // fall through: remove by label below
  }
  await removeLabelled(client.container.dockerode, `${RUN_LABEL}=${project}`);
}

/** Removes every container, then every network, carrying `label` (key=value or key). Returns what it removed. */
export async function removeLabelled(
  docker: import('dockerode'),
  label: string,
  options: { dryRun?: boolean } = {},
): Promise<{ containers: string[]; networks: string[] }> {
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  for (const c of containers) {
    if (!options.dryRun) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  const networks = await docker.listNetworks({ filters: { label: [label] } });
  for (const n of networks) {
    if (!options.dryRun) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  }
  return {
    containers: containers.map((c) => `${c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)} (${c.State})`),
    networks: networks.map((n) => n.Name),
  };
}

function composeDownSync(compose: ComposeCommand, files: Files, project: string, env: Record<string, string>): void {
  spawnSync(compose.command, [...compose.args, '-p', project, ...fileArgs(files), 'down', '--volumes', '--remove-orphans', '--timeout', '1'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: 'ignore',
    timeout: 30_000,
  });
}

/**
 * Ports the containers will bind, chosen BELOW the kernel's ephemeral range and checked free: a port the kernel handed
 * out for a moment (listen on 0) goes back to the pool at once, and on a busy machine an outgoing connection's source
 * port or another server's port 0 could take it before the container binds it (measured once in CI: a host-network
 * container that could not bind its port, "Health check failed: unhealthy"). Ports below the range are never handed
 * out implicitly.
 */
async function freePorts(count: number): Promise<number[]> {
  const [ephemeralStart] = ephemeralPortRange();
  const low = Math.max(1024, Math.min(20_000, ephemeralStart - 4_000));
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count && attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (ephemeralStart - low));
    if (!ports.includes(port) && (await portIsFree(port))) ports.push(port);
  }
  if (ports.length < count) throw new Error(`no ${count} free ports found between ${low} and ${ephemeralStart - 1} on 127.0.0.1`);
  return ports;
}

/** The kernel's ephemeral port range (Linux: /proc/sys/net/ipv4/ip_local_port_range; elsewhere the IANA range). */
function ephemeralPortRange(): [number, number] {
  try {
    const [start, end] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (start && end && start > 1024) return [start, end];
  } catch {
    // not Linux
  }
  return [49_152, 65_535];
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
      timer.unref();
    }),
  ]);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
