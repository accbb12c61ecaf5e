/**
 * `auth-ctk run --shard i/n`: the run's part of the suite (support/shard/partition.ts), written to a folder of
 * its own with a shard.json that names the shard, the kit version, the feature set, the target and the tag
 * selection. A shard does not certify: it has judged only part of the suite, so it writes no certificate and
 * needs no signing key; `auth-ctk merge` reads all shards and signs the one certificate.
 * Exit code of a shard: 0 when its results are written (whatever they say), 2 when it has none to give.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { IRunConfiguration } from '@cucumber/cucumber/api';
import { registerSecrets } from '../http/redact.ts';
import { enrichAllureResults } from '../report/allure.ts';
import type { FinishArgs } from '../report/finish.ts';
import { reportPaths } from '../report/finish.ts';
import { renderJUnit } from '../report/junit.ts';
import { featureFiles, featureSetHash, kitVersion } from '../report/kit.ts';
import { readMessages, ResultsError } from '../report/messages.ts';
import { publicTarget } from '../report/public-target.ts';
import { scrubSecrets, secretPatterns } from '../report/scrub.ts';
import { countVerdicts, computeVerdicts, VERDICT_LABEL, type Verdict } from '../report/verdicts.ts';
import { secretsOf } from '../target/target.ts';
import { ALLURE_DIR, MANIFEST_FILE, MESSAGES_FILE, SHARD_FORMAT, type ShardManifest } from './manifest.ts';
import { parseShard, ShardSpecError, shardLabel, type ShardSpec } from './partition.ts';
import { SHARD_ENV } from './plugin.ts';

/** Options `auth-ctk run` accepts for sharding; cli/run.ts spreads them into its parseArgs options. */
export const SHARD_OPTIONS = {
  shard: { type: 'string' },
  'shard-dir': { type: 'string' },
} as const;

export const SHARD_HELP = `  --shard <i>/<n>       run shard i of n: a fixed part of the suite (timing-sensitive scenarios kept together,
                        every scenario in exactly one shard); results go to --shard-dir, no certificate:
                        "auth-ctk merge" combines the n shard folders into one run and one certificate
                        --shard job/<n>: shard JOB_COMPLETION_INDEX+1 of n (pods of a Kubernetes Indexed Job)
  --shard-dir <dir>     where the shard writes (default reports/shard-<i>-of-<n>)`;

export interface ShardValues {
  readonly shard?: string;
  readonly 'shard-dir'?: string;
  readonly baseline?: string;
  readonly 'signing-key'?: string;
  readonly profile?: string;
}

export const defaultShardDir = (spec: ShardSpec): string => join('reports', `shard-${spec.index}-of-${spec.count}`);

export interface ShardRun {
  readonly spec: ShardSpec;
  readonly dir: string;
  /** Points the run's report files into the shard folder and selects the shard's scenarios. */
  configure(runConfiguration: IRunConfiguration): void;
  finish(args: FinishArgs): Promise<number>;
}

/** undefined without --shard; a ShardSpecError (exit 2) for a bad value or an option that belongs to merge. */
export function prepareShardRun(values: ShardValues, log: (line: string) => void = (l) => console.log(l)): ShardRun | undefined {
  if (values.shard === undefined) {
    if (values['shard-dir'] !== undefined) throw new ShardSpecError('--shard-dir goes with --shard <i>/<n>');
    return undefined;
  }
  const spec = parseShard(values.shard);
  for (const option of ['baseline', 'signing-key', 'profile'] as const) {
    if (values[option] !== undefined) throw new ShardSpecError(`--${option} is applied when the shards are merged: give it to "auth-ctk merge", not to a shard`);
  }
  const dir = resolve(values['shard-dir'] ?? defaultShardDir(spec));
  return {
    spec,
    dir,
    configure(runConfiguration) {
      relocateReports(runConfiguration, dir);
      process.env[SHARD_ENV] = shardLabel(spec);
    },
    async finish(args) {
      delete process.env[SHARD_ENV];
      return finishShard(spec, dir, args, log);
    },
  };
}

/** Every report file the profile writes under reports/ goes to the shard folder instead (same names). */
export function relocateReports(runConfiguration: IRunConfiguration, dir: string): void {
  const files = runConfiguration.formats.files ?? {};
  const moved: Record<string, string> = {};
  for (const [path, formatter] of Object.entries(files)) {
    const rel = relative(resolve('reports'), resolve(path));
    moved[join(dir, rel.startsWith('..') ? basename(path) : rel)] = formatter;
  }
  runConfiguration.formats.files = moved;
  runConfiguration.formats.options = { ...(runConfiguration.formats.options ?? {}), resultsDir: join(dir, ALLURE_DIR) };
}

async function finishShard(spec: ShardSpec, dir: string, args: FinishArgs, log: (line: string) => void): Promise<number> {
  const label = `shard ${shardLabel(spec)}`;
  const paths = reportPaths(args.runConfiguration);
  if (paths.messages !== join(dir, MESSAGES_FILE)) {
    log(`auth-ctk: ${label}: the cucumber profile writes its messages to ${paths.messages}; a shard needs "message:reports/${MESSAGES_FILE}" (cucumber.mjs)`);
    return 2;
  }
  registerSecrets(secretsOf(args.target));
  const outputs = [...Object.keys(args.runConfiguration.formats.files ?? {}).map((f) => resolve(f)), ...(paths.allureResults ? [paths.allureResults] : [])];
  const leaks = scrubSecrets(outputs, secretPatterns(args.target));
  if (leaks.size > 0) log(`auth-ctk: WARNING a target secret was found and masked in ${[...leaks.keys()].join(', ')} (kit bug: report it; the files now hold [REDACTED])`);
  let run;
  try {
    run = readMessages(paths.messages);
  } catch (error) {
    if (!(error instanceof ResultsError)) throw error;
    log(`auth-ctk: ${label}: ${error.message}`);
    return 2;
  }
  const verdicts = computeVerdicts(run);
  if (verdicts.scenarios.length === 0 && run.runHookFailures.length > 0) {
    log(`auth-ctk: ${label}: the run could not start: ${verdicts.runErrors.join('; ')}`);
    return 2;
  }
  const pub = publicTarget(args.target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'junit.xml'), renderJUnit(verdicts, { target: pub.name }));
  if (paths.allureResults && existsSync(paths.allureResults)) enrichAllureResults(paths.allureResults, verdicts, { target: pub });
  const files = featureFiles();
  const manifest: ShardManifest = {
    format: SHARD_FORMAT,
    shard: spec,
    kit: { name: 'auth-ctk', version: kitVersion() },
    featureSet: { hash: featureSetHash(files), files: files.length },
    target: pub,
    tags: args.userTags ?? null,
    scenarios: verdicts.scenarios.map((s) => `${s.uri}:${s.line}`),
    startedAt: verdicts.startedAt ?? null,
    finishedAt: verdicts.finishedAt ?? null,
  };
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  const counts = Object.entries(countVerdicts(verdicts.scenarios)).filter(([, n]) => n > 0);
  log(
    `auth-ctk: ${label}: ${verdicts.scenarios.length} scenario(s) ran${counts.length ? ` (${counts.map(([v, n]) => `${n} ${VERDICT_LABEL[v as Verdict]}`).join(', ')})` : ''}; ` +
      `results in ${relative(process.cwd(), dir) || '.'}. A shard does not certify: "auth-ctk merge" the ${spec.count} shard folders for the certificate.`,
  );
  return 0;
}
