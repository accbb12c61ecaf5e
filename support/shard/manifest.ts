/**
 * shard.json: what a shard's result folder says about itself, so `auth-ctk merge` can refuse shards that do not
 * belong together (another kit version or feature set, another target, another tag selection, a shard missing or
 * given twice) before anything is combined.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { PublicTarget } from '../report/public-target.ts';
import type { ShardSpec } from './partition.ts';

export const SHARD_FORMAT = 'auth-ctk-shard/1';
export const MANIFEST_FILE = 'shard.json';
export const MESSAGES_FILE = 'cucumber-messages.ndjson';
export const ALLURE_DIR = 'allure-results';

export interface ShardManifest {
  readonly format: string;
  readonly shard: ShardSpec;
  readonly kit: { readonly name: 'auth-ctk'; readonly version: string };
  readonly featureSet: { readonly hash: string; readonly files: number };
  readonly target: PublicTarget;
  /** The user's --tags (the same on every shard, or the merged run is not one run), null for the whole suite. */
  readonly tags: string | null;
  /** Scenario keys (features/x.feature:line) that ran in this shard. */
  readonly scenarios: readonly string[];
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** The shard folder is not usable: merge refuses (exit 2) with this one line. */
export class ShardMergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardMergeError';
  }
}

export function readManifest(dir: string): ShardManifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new ShardMergeError(`${dir} is not a shard result folder (no ${MANIFEST_FILE}): write one with "auth-ctk run --shard <i>/<n>"`);
  let manifest: ShardManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as ShardManifest;
  } catch {
    throw new ShardMergeError(`${file} is not JSON: the shard folder is damaged; run the shard again`);
  }
  if (manifest?.format !== SHARD_FORMAT) throw new ShardMergeError(`${file} has format ${String(manifest?.format)}, expected ${SHARD_FORMAT}: written by another kit version`);
  return manifest;
}

/**
 * What "the same target" means across shards. A kit-started stack (reference, containers) gets fresh loopback
 * ports in every process, so only its name, kind, claimed capabilities and faults identify it; a deployment
 * (external) is identified by everything public about it, endpoints included.
 */
export function targetIdentity(t: PublicTarget): unknown {
  if (t.kind === 'external') return t;
  return { name: t.name, kind: t.kind, capabilities: t.capabilities, faults: t.faults ?? [] };
}

export interface ShardDir {
  readonly dir: string;
  readonly manifest: ShardManifest;
}

/** Refuses shards that are not the N parts of one run of this kit; returns them in shard order. */
export function checkShardSet(shards: readonly ShardDir[], kit: { version: string; featureSetHash: string }): ShardDir[] {
  if (shards.length === 0) throw new ShardMergeError('merge takes the shard result folders, e.g. auth-ctk merge reports/shard-*');
  const first = shards[0]!;
  for (const s of shards) {
    const m = s.manifest;
    if (m.kit.version !== kit.version) {
      throw new ShardMergeError(`${s.dir} was run by auth-ctk ${m.kit.version}, this is ${kit.version}: merge with the kit version that ran the shards`);
    }
    if (m.featureSet.hash !== kit.featureSetHash) {
      throw new ShardMergeError(`${s.dir} ran feature set ${m.featureSet.hash}, this kit's is ${kit.featureSetHash}: the shards ran other scenarios than this kit has`);
    }
    if (m.shard.count !== first.manifest.shard.count) {
      throw new ShardMergeError(`${s.dir} is shard ${m.shard.index}/${m.shard.count}, ${first.dir} is ${first.manifest.shard.index}/${first.manifest.shard.count}: not one split of the suite`);
    }
    if (!isDeepStrictEqual(targetIdentity(m.target), targetIdentity(first.manifest.target))) {
      throw new ShardMergeError(`${s.dir} ran against "${m.target.name}" (${m.target.kind}, ${m.target.gateway}), ${first.dir} against "${first.manifest.target.name}" (${first.manifest.target.kind}, ${first.manifest.target.gateway}): not the same target`);
    }
    if (m.tags !== first.manifest.tags) {
      throw new ShardMergeError(`${s.dir} selected --tags ${JSON.stringify(m.tags)}, ${first.dir} ${JSON.stringify(first.manifest.tags)}: every shard must run the same selection`);
    }
  }
  const count = first.manifest.shard.count;
  const byIndex = new Map<number, ShardDir>();
  for (const s of shards) {
    const seen = byIndex.get(s.manifest.shard.index);
    if (seen) throw new ShardMergeError(`shard ${s.manifest.shard.index}/${count} is given twice (${seen.dir} and ${s.dir})`);
    byIndex.set(s.manifest.shard.index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw new ShardMergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: merge needs all ${count} shards of the run`);
  return Array.from({ length: count }, (_, i) => byIndex.get(i + 1)!);
}
