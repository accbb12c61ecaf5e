/**
 * `auth-ctk merge <dir>...`: the shard folders of one run -> the reports of one run, in `out` (default reports/):
 * cucumber-messages.ndjson (the combined stream), junit.xml, allure-results (every shard's results, labelled
 * again from the merged verdicts), and ONE signed certificate. The verdicts are computed by the same code as a
 * single run's (support/report/finish.ts writeReports) from the combined stream, so they are the same verdicts.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { emptyResultsDir } from '../report/allure-formatter.ts';
import { writeReports } from '../report/finish.ts';
import type { Baseline } from '../report/baseline.ts';
import { featureSetHash, kitVersion } from '../report/kit.ts';
import { indexMessages, parseMessages, ResultsError } from '../report/messages.ts';
import type { SigningKey } from '../report/signing-key.ts';
import type { CertificationProfile } from '../requirements/types.ts';
import { ALLURE_DIR, checkShardSet, MANIFEST_FILE, MESSAGES_FILE, readManifest, ShardMergeError } from './manifest.ts';
import { mergeShardStreams, type ShardStream } from './merge-messages.ts';

export interface MergeOptions {
  readonly out: string;
  readonly baseline?: Baseline;
  readonly profiles?: readonly CertificationProfile[];
  readonly signingKey: SigningKey;
  readonly allureReport: boolean;
  readonly log: (line: string) => void;
}

const inside = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}${sep}`);

export async function mergeShards(dirs: readonly string[], options: MergeOptions): Promise<number> {
  const out = resolve(options.out);
  const shards = checkShardSet(
    dirs.map((dir) => ({ dir, manifest: readManifest(dir) })),
    { version: kitVersion(), featureSetHash: featureSetHash() },
  );
  for (const s of shards) {
    if (inside(out, resolve(s.dir))) {
      throw new ShardMergeError(`the merged reports would overwrite shard ${s.dir}: choose another --out`);
    }
  }
  const streams: ShardStream[] = shards.map((s) => {
    const file = join(s.dir, MESSAGES_FILE);
    if (!existsSync(file)) throw new ShardMergeError(`${s.dir} has ${MANIFEST_FILE} but no ${MESSAGES_FILE}: the shard folder is incomplete; run the shard again`);
    try {
      const envelopes = parseMessages(readFileSync(file, 'utf8'), file);
      indexMessages(envelopes, file); // refuses a cut-off stream (no testRunFinished) before anything is combined
      return { ...s, envelopes };
    } catch (error) {
      if (error instanceof ResultsError) throw new ShardMergeError(error.message);
      throw error;
    }
  });
  const merged = mergeShardStreams(streams);

  mkdirSync(out, { recursive: true });
  const messages = join(out, MESSAGES_FILE);
  writeFileSync(messages, merged.map((e) => `${JSON.stringify(e)}\n`).join(''));
  const allure = join(out, ALLURE_DIR);
  emptyResultsDir(allure);
  for (const s of shards) {
    const from = join(s.dir, ALLURE_DIR);
    if (!existsSync(from)) continue;
    // Result files are named by UUID: no two shards write the same name. The environment is written once, below.
    for (const entry of readdirSync(from)) if (entry !== 'environment.properties') cpSync(join(from, entry), join(allure, entry), { recursive: true });
  }
  const first = shards[0]!.manifest;
  writeFileSync(
    join(out, 'merge.json'),
    `${JSON.stringify({ shards: shards.map((s) => ({ shard: `${s.manifest.shard.index}/${s.manifest.shard.count}`, dir: relative(out, resolve(s.dir)), scenarios: s.manifest.scenarios.length, startedAt: s.manifest.startedAt, finishedAt: s.manifest.finishedAt })) }, null, 2)}\n`,
  );
  options.log(`auth-ctk: merged ${shards.length} shards of ${first.target.name} (${shards.map((s) => `${s.manifest.shard.index}/${s.manifest.shard.count}: ${s.manifest.scenarios.length}`).join(', ')} scenarios)`);
  return writeReports(indexMessages(merged, messages), {
    reportsDir: out,
    allureResults: allure,
    target: first.target,
    ...(first.tags ? { tags: first.tags } : {}),
    baseline: options.baseline,
    profiles: options.profiles,
    signingKey: options.signingKey,
    allureReport: options.allureReport,
    log: options.log,
  });
}
