/**
 * One observed run of a client under test in one scenario: start the harness's servers, start the client with
 * the contract's environment, let the scenario's script play, stop the client when enough was seen (or at the
 * scenario's bound), and hand the recorded timeline to the judges.
 */
import { randomBytes } from 'node:crypto';
import { registerSecrets } from '../http/redact.ts';
import { CLIENT_ENV, parseResultLine } from './contract.ts';
import { ClientProcess } from './process.ts';
import { HarnessServers } from './servers.ts';
import { FLOOD_LIMIT, type ClientScenario, type ScenarioContext } from './scenarios.ts';
import { Timeline, evidenceLines, redactorFor, type ClientExit } from './timeline.ts';

export interface ClientRun {
  readonly scenario: ClientScenario;
  readonly command: readonly string[];
  readonly timeline: Timeline;
  readonly exit: ClientExit;
  /** When the harness asked the client to stop (SIGTERM), if it did. */
  readonly stopRequestedAt?: number;
  /** Why the run ended: "client exited", "enough observed", "time bound", "flood". */
  readonly endedBecause: string;
  readonly outage: { readonly from?: number; readonly to?: number };
  /** The scenario's disruption window (API down, IP blocked), when it has one and it started. */
  readonly disruption: { readonly from?: number; readonly to?: number };
  readonly clientId: string;
  readonly secret: string;
  readonly urls: { readonly token: string; readonly api: string; readonly foreign: string };
}

export interface RunOptions {
  readonly cwd?: string;
  /** How long the client has to exit after SIGTERM before its process group is killed. */
  readonly graceMs?: number;
  /** A client that neither requests anything nor reports a result for this long after its start is stopped. */
  readonly startupMs?: number;
}

export const DEFAULT_GRACE_MS = 3_000;
/** Long enough for a slow runtime to start (a JVM, npx resolving a package); a silent client is stopped then. */
export const DEFAULT_STARTUP_MS = 10_000;
const CLIENT_ID = 'auth-ctk-harness-client';

/** The environment a client under test gets: the kit's own, minus anything auth-related, plus the contract. */
export function clientEnvironment(base: NodeJS.ProcessEnv, contract: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    // Never hand the kit's own credentials (a .env with AUTH_CLIENT_SECRET) or node:test plumbing to the client.
    if (/^AUTH_/.test(k) || k === 'NODE_TEST_CONTEXT') continue;
    env[k] = v;
  }
  return { ...env, ...contract };
}

export async function runClient(scenario: ClientScenario, command: readonly string[], options: RunOptions = {}): Promise<ClientRun> {
  const timeline = new Timeline();
  const secret = `hs_${randomBytes(18).toString('base64url')}`;
  registerSecrets([secret]);
  const servers = new HarnessServers(timeline, { clientId: CLIENT_ID, clientSecret: secret }, { ttlSeconds: scenario.ttlSeconds, ...scenario.script });
  await servers.start();
  const outage: { from?: number; to?: number } = {};
  const disruption: { from?: number; to?: number } = {};
  const ctx: ScenarioContext = { timeline, outage, disruption };
  let outageTimer: NodeJS.Timeout | undefined;
  let disruptionTimer: NodeJS.Timeout | undefined;
  const disrupt = (on: boolean) => {
    const d = scenario.disruption;
    if (d?.kind === 'api-down') servers.setApiDown(on);
    else if (d?.kind === 'ip-block') servers.setBlocked(['idp', 'api'], on);
  };

  const env = clientEnvironment(process.env, {
    [CLIENT_ENV.tokenUrl]: servers.tokenUrl,
    [CLIENT_ENV.apiUrl]: servers.apiUrl,
    [CLIENT_ENV.clientId]: CLIENT_ID,
    [CLIENT_ENV.clientSecret]: secret,
    [CLIENT_ENV.calls]: String(scenario.calls),
    [CLIENT_ENV.intervalMs]: String(scenario.intervalMs),
  });

  const clean = redactorFor(timeline, secret);
  timeline.harness(`scenario "${scenario.name}": ${scenario.description}`);
  timeline.harness(`starting the client: ${clean(command.join(' '))} (token URL ${servers.tokenUrl}, API ${servers.apiUrl}, other host ${servers.foreignUrl})`);
  const startedAt = timeline.now();
  const client = new ClientProcess({
    command,
    env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    now: () => timeline.now(),
    onLine: (stream, line) => {
      const result = stream === 'stdout' ? parseResultLine(line) : undefined;
      if (result) timeline.result(result);
      else if (line.trim()) timeline.output(stream, line);
    },
  });

  let endedBecause = 'client exited';
  await new Promise<void>((resolve) => {
    let settled = false;
    const finish = (why: string) => {
      if (settled) return;
      settled = true;
      endedBecause = why;
      clearInterval(ticker);
      clearTimeout(bound);
      resolve();
    };
    const evaluate = () => {
      if (scenario.outageMs !== undefined && outage.from === undefined && timeline.tokens.length >= 1) {
        outage.from = timeline.now();
        servers.setIdpDown(true);
        outageTimer = setTimeout(() => {
          outage.to = timeline.now();
          servers.setIdpDown(false);
        }, scenario.outageMs);
      }
      const d = scenario.disruption;
      if (d && disruption.from === undefined && d.startWhen(ctx)) {
        disruption.from = timeline.now();
        disrupt(true);
        disruptionTimer = setTimeout(() => {
          disruption.to = timeline.now();
          disrupt(false);
        }, d.ms);
      }
      const quiet = timeline.requests().length === 0 && timeline.results().length === 0;
      if (quiet && timeline.now() >= startedAt + (options.startupMs ?? DEFAULT_STARTUP_MS)) finish('the client made no request and reported no result since its start');
      else if (timeline.requests().length > FLOOD_LIMIT) finish(`flood: more than ${FLOOD_LIMIT} requests`);
      else if (timeline.refusedConnections().length > FLOOD_LIMIT) finish(`flood: more than ${FLOOD_LIMIT} connection attempts while blocked`);
      else if (scenario.enough(ctx)) finish('enough observed');
    };
    timeline.onChange(evaluate);
    // Time-based conditions (an expiry passed, a bound elapsed) need a clock, not just events.
    const ticker = setInterval(evaluate, 50);
    const bound = setTimeout(() => finish(`time bound of ${scenario.maxMs} ms`), scenario.maxMs);
    void client.exited.then(() => finish('client exited'));
  });

  let stopRequestedAt: number | undefined;
  if (!client.hasExited) {
    stopRequestedAt = timeline.now();
    timeline.harness(`stopping the client (${endedBecause}): SIGTERM to its process group`);
  }
  const exit = await client.stop(options.graceMs ?? DEFAULT_GRACE_MS);
  clearTimeout(outageTimer);
  if (outage.from !== undefined && outage.to === undefined) {
    outage.to = timeline.now();
    servers.setIdpDown(false);
  }
  clearTimeout(disruptionTimer);
  if (disruption.from !== undefined && disruption.to === undefined) {
    disruption.to = timeline.now();
    disrupt(false);
  }
  timeline.harness(describeExit(exit));
  await servers.stop();
  return {
    scenario,
    command,
    timeline,
    exit,
    ...(stopRequestedAt !== undefined ? { stopRequestedAt } : {}),
    endedBecause,
    outage,
    disruption,
    clientId: CLIENT_ID,
    secret,
    urls: { token: servers.tokenUrl, api: servers.apiUrl, foreign: servers.foreignUrl },
  };
}

export function describeExit(exit: ClientExit): string {
  if (exit.spawnError) return `the client could not be started (${exit.spawnError})`;
  const how = exit.killed ? 'was killed (SIGKILL) after ignoring SIGTERM' : exit.signal ? `ended by ${exit.signal}` : `exited with code ${exit.code}`;
  return `the client ${how} at +${Math.round(exit.at)} ms`;
}

/** The run as redacted evidence: one line per event. */
export function runEvidence(run: ClientRun): string[] {
  return evidenceLines(run.timeline, run.secret);
}
