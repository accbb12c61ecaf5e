import { parseArgs } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSupport, runCucumber } from '@cucumber/cucumber/api';
import { checkTagExpression, cucumberConfiguration } from './cucumber-options.ts';
import { referencePartsFor, selectedScenarios } from '../support/target/reference-parts.ts';
import { targetProvider } from '../support/target/providers.ts';
import { UsageError } from './errors.ts';
import { prepareRun, REPORT_HELP, REPORT_OPTIONS } from '../support/report/finish.ts';
import { ReportInputError } from '../support/report/errors.ts';
import { CLIENT_COMMAND_ENV } from '../support/client-harness/contract.ts';
import { FAULTS } from '../reference/faults.ts';
import { isVariation } from '../reference/variations.ts';
import { closeSharedBrowser } from '../support/browser/chromium.ts';
import { openBrowserBroker, type BrowserBroker } from '../support/browser/broker.ts';
import { offerSharedLoadWindow } from '../support/load/shared-window.ts';
import { offerSharedAddressCursors } from '../support/load/source-addresses.ts';
import { offerSharedOwnAddressCount } from '../support/oauth/own-address-guard.ts';
import { offerSharedPacing } from '../support/oauth/pacing.ts';
import { offerSharedSigningKeyRotations } from '../support/oauth/signing-key-rotations.ts';
import { offerSharedBlockWindows } from '../support/load/block-reach.ts';
import { prepareShardRun, relocateReports, SHARD_HELP, SHARD_OPTIONS } from '../support/shard/shard-run.ts';
import { ShardSpecError } from '../support/shard/partition.ts';
import type { TargetDescription } from '../support/target/target.ts';

const HELP = `usage: auth-ctk run [options]

Runs the conformance suite against a target and writes reports/ (or --reports-dir).

options:
  --target <name|file>  reference (default: local processes), containers (the same stack in Docker, from
                        docker-compose.yml), or a target profile file (*.yaml) describing a deployment
  --env-file <file>     .env file for the profile's \${VAR} references (default: the profile's envFile, else ./.env)
  --tags <expr>         cucumber tag expression, e.g. "@REQ-TOK-01 or @REQ-BEARER-02"
  --faults <a,b>        start the reference with these named faults or conformant variations (kit self-test;
                        auth-ctk faults lists them)
  --parallel <n>        cucumber workers (threads) running scenarios side by side (default: 3 on a machine
                        with 2+ cores for the reference stack, else 1 (a profile's deployment, a target
                        without source addresses, a shard); bursts and rotations are kept apart:
                        support/run/parallel.ts)
  --cucumber-profile <p> cucumber profile from cucumber.mjs (default: "ci" when CI is set, else "default")
  --reports-dir <dir>   where the reports go (default reports): messages, JUnit, certificate, Allure
${REPORT_HELP}
${SHARD_HELP}
  -h, --help            this text

exit codes: 0 certified (what was asked), 1 not certified, 2 usage or configuration error`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string', default: 'reference' },
      'env-file': { type: 'string' },
      tags: { type: 'string' },
      faults: { type: 'string', default: '' },
      parallel: { type: 'string' },
      'cucumber-profile': { type: 'string' },
      'reports-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...REPORT_OPTIONS,
      ...SHARD_OPTIONS,
    },
    allowNegative: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const parallel = values.parallel === undefined ? undefined : Number(values.parallel);
  if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1)) throw new UsageError(`--parallel takes a whole number >= 1, got "${values.parallel}"`);
  const faults = values.faults.split(',').map((f) => f.trim()).filter(Boolean);
  // A misspelt fault would start a correct reference and "prove" nothing: refuse it before anything starts.
  const unknown = faults.filter((name) => !FAULTS.some((f) => f.name === name) && !isVariation(name));
  if (unknown.length > 0) throw new UsageError(`unknown fault or variation: ${unknown.join(', ')} (auth-ctk faults lists them)`);
  checkTagExpression(values.tags);
  const profile = values['cucumber-profile'] ?? (process.env.CI ? 'ci' : 'default');
  const { tags, note } = withoutClientScenarios(values.tags);
  const runConfiguration = await cucumberConfiguration(profile, { ...(tags ? { tags } : {}) });

  // --shard: a part of the suite, reported by "auth-ctk merge" (support/shard/). Checked before anything starts.
  const shard = (() => {
    try {
      return prepareShardRun(values);
    } catch (error) {
      throw error instanceof ShardSpecError ? new UsageError(error.message) : error;
    }
  })();
  if (values['reports-dir'] !== undefined && shard) throw new UsageError('--reports-dir and --shard: a shard writes to --shard-dir');
  // The target's name before anything is written (a first run generates a signing key in prepareRun).
  const provider = targetProvider(values.target);
  if (faults.length > 0 && provider.kind === 'external') throw new UsageError('--faults applies to the reference and containers targets only');
  // Baseline, signing key, --profile: checked before the target starts (exit 2 on bad input).
  const reporting = shard ?? await prepareRun(values).catch((error: unknown) => {
    throw error instanceof ReportInputError ? new UsageError(error.message) : error;
  });
  const reportsDir = values['reports-dir'] ?? 'reports';
  // Every file the cucumber profile writes under reports/ goes there instead; the certificate follows them.
  if (reportsDir !== 'reports') relocateReports(runConfiguration, reportsDir);
  mkdirSync(reportsDir, { recursive: true });
  // Cucumber's support code (~1 s to load) loads on this thread while the target's processes start.
  const support = loadSupport({ sources: runConfiguration.sources, support: runConfiguration.support });
  support.catch(() => undefined); // awaited below; a target that fails to start must not leave it unhandled
  // The target's processes, and the kit's JWKS relay where the target has one (the reference's, or a profile's
  // jwksRelay): up before cucumber starts; started.stop() below stops them, at the end or on SIGINT/SIGTERM.
  // The reference starts its mTLS listeners and JWKS relay only when a selected scenario needs them. Without --tags the
  // whole suite runs, which needs both: the feature files are read for that only when --tags narrows the selection.
  const referenceParts =
    provider.kind === 'reference' && values.tags !== undefined ? referencePartsFor(selectedScenarios(runConfiguration.sources.paths, runConfiguration.sources.tagExpression || undefined)) : undefined;
  const started = await provider.start({ faults, ...(referenceParts ? { referenceParts } : {}), ...(values['env-file'] ? { envFile: values['env-file'] } : {}) });
  if (note) console.log(note);
  const dir = mkdtempSync(join(tmpdir(), 'auth-ctk-'));
  const targetFile = join(dir, 'target.json');
  writeFileSync(targetFile, JSON.stringify(started.description), { mode: 0o600 });
  process.env.AUTH_CTK_TARGET_FILE = targetFile;
  // SIGINT/SIGTERM stop the stack and the browser, then exit 130/143. The same signal may come twice (Ctrl-C
  // reaches the whole process group, and bin/auth-ctk.js forwards it too): the first one stops, later ones wait.
  let stopping = false;
  let broker: BrowserBroker | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([started.stop(), closeSharedBrowser(), broker?.close()]).finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  };
  process.on('SIGINT', stopOnSignal);
  process.on('SIGTERM', stopOnSignal);
  try {
    console.log(`auth-ctk: running against ${started.description.name} (${started.description.gateway?.baseUrl ?? 'IdP only: the profile names no gateway'})`);
    shard?.configure(runConfiguration);
    // A shard is already one of several parts running side by side (pods, or processes here): one worker each.
    const workers = parallel ?? (shard ? 1 : defaultWorkers(started.description));
    // Workers share one Chromium, started by this thread when the first of them needs one.
    if (workers > 1) broker = openBrowserBroker();
    // The whole suite of a target that logs humans in drives the browser: started now, beside the workers' start.
    if (broker && values.tags === undefined && started.description.capabilities['human-login'] === true) broker.warm();
    // ...and one load window (the profile's requests per second, whichever worker sends a burst).
    if (workers > 1) offerSharedLoadWindow();
    // ...and one cursor over the load checks' source addresses (whichever worker runs a burst takes the next one).
    if (workers > 1) offerSharedAddressCursors();
    // ...and one count of the refusals the run's own address took (a target that blocks IPs must not block it).
    if (workers > 1) offerSharedOwnAddressCount();
    // ...and one pacing window for its ordinary token and gateway requests (whichever worker needs the budget).
    if (workers > 1) offerSharedPacing();
    // ...and one count of signing-key rotations (a token a worker kept from before one is no longer a valid control).
    if (workers > 1) offerSharedSigningKeyRotations();
    // ...and the IP-block checks' block windows (a request unanswered while one lasts is REQ-RL-06's, not its own).
    if (workers > 1) offerSharedBlockWindows();
    await runCucumber({ ...runConfiguration, support: await support, runtime: { ...runConfiguration.runtime, parallel: workers > 1 ? workers : 0 } });
    return await reporting.finish({ runConfiguration, target: started.description, userTags: values.tags ?? null });
  } finally {
    await Promise.all([started.stop(), broker?.close()]);
    rmSync(dir, { recursive: true, force: true });
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
}

/**
 * Workers when --parallel is not given: three where the machine has two cores or more and the target is the kit's
 * own stack with source addresses of its own. Three, not one per core: much of a run waits rather than works (an
 * authorization code's declared lifetime, a token's expiry, an IP block, a JWK Set outage), and a worker that waits
 * holds its thread; measured on 2 cores, the third worker cut a reference run from ~45 s to ~36 s with the same
 * verdicts (npm run bench compares them with a one-worker run). Not for a profile's deployment (its owner sized its limits for one
 * client at a time; --parallel says otherwise), and not without source addresses: the scenarios that may get
 * the run's own address blocked must run after every other one, which only a single worker guarantees
 * (support/target/provider-order.ts).
 */
export function defaultWorkers(target: Pick<TargetDescription, 'kind' | 'sourceAddresses'>, cores = availableParallelism()): number {
  if (target.kind === 'external' || target.sourceAddresses.length === 0) return 1;
  return cores >= 2 ? 3 : 1;
}

/**
 * The @client scenarios certify a client under test (profile "client"), not the target: without a client
 * command they could only be "not testable", so `run` leaves them to `auth-ctk client` and says so.
 */
function withoutClientScenarios(tags: string | undefined): { tags: string | undefined; note?: string } {
  if (process.env[CLIENT_COMMAND_ENV]) return { tags };
  return {
    tags: tags ? `(${tags}) and not @client` : 'not @client',
    note: 'auth-ctk: client-behaviour scenarios are left out (no client under test); certify a client with "auth-ctk client -- <command>"',
  };
}
