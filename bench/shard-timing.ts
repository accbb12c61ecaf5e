/**
 * Sharding's wall time: `auth-ctk run --shard i/3` for i = 1..3 started together (as an Indexed Job's pods
 * would run), then `auth-ctk merge`, against one `auth-ctk run --shard 1/1` (the whole suite in one process,
 * the same code path). Each process starts its own reference stack, as each pod would reach the target on its
 * own. On a machine with fewer cores than shards the shards compete for CPU: the figure is what THIS machine
 * gains, not what N machines gain.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { loadSigningKey } from '../support/report/signing-key.ts';
import { round } from './token-throughput.ts';
import { cli } from './suite-timing.ts';

export interface ShardTiming {
  readonly singleWallSeconds: number;
  readonly shardsWallSeconds: number;
  readonly mergeSeconds: number;
  readonly perShard: readonly { readonly shard: string; readonly wallSeconds: number; readonly scenarios: number }[];
  readonly speedup: number;
}

const scenariosIn = (dir: string): number => (JSON.parse(readFileSync(join(dir, 'shard.json'), 'utf8')) as { scenarios: unknown[] }).scenarios.length;

export async function timeShards(count = 3): Promise<ShardTiming> {
  const base = join(KIT_ROOT, 'reports', 'bench', 'shards');
  rmSync(base, { recursive: true, force: true });
  const singleDir = join(base, 'single');
  const single = await cli(['run', '--shard', '1/1', '--shard-dir', singleDir]);
  if (single.code !== 0) throw new Error(`the single run (--shard 1/1) exited ${single.code}`);

  const dirs = Array.from({ length: count }, (_, i) => join(base, `shard-${i + 1}-of-${count}`));
  const t0 = performance.now();
  const runs = await Promise.all(dirs.map((d, i) => cli(['run', '--shard', `${i + 1}/${count}`, '--shard-dir', d])));
  const shardsWall = round((performance.now() - t0) / 1000);
  runs.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`shard ${i + 1}/${count} exited ${r.code}`);
  });
  const key = join(base, 'key.jwk');
  await loadSigningKey(key); // a throwaway test key for the merged certificate
  const merge = await cli(['merge', ...dirs, '--out', join(base, 'merged'), '--signing-key', key, '--no-allure-report']);
  if (merge.code === 2) throw new Error('merge refused the shards (exit 2)');
  return {
    singleWallSeconds: single.seconds,
    shardsWallSeconds: shardsWall,
    mergeSeconds: merge.seconds,
    perShard: runs.map((r, i) => ({ shard: `${i + 1}/${count}`, wallSeconds: r.seconds, scenarios: scenariosIn(dirs[i]!) })),
    speedup: round(single.seconds / shardsWall, 2),
  };
}
