/**
 * A cucumber plugin (cucumber.mjs `plugin`): when AUTH_CTK_SHARD=i/n is set (auth-ctk run --shard sets it),
 * only the scenarios of that shard run (support/shard/partition.ts). Unset: the whole selection runs.
 * Cucumber's own --shard deals scenarios round-robin, which would split a rate-limit or expiry feature over
 * machines; this one keeps a feature's timing-sensitive scenarios together and does not depend on --tags.
 */
import type { Plugin } from '@cucumber/cucumber/api';
import { parseShard, pickleKey, shardKeys, shardLabel } from './partition.ts';

export const SHARD_ENV = 'AUTH_CTK_SHARD';

const plugin: Plugin = {
  type: 'plugin',
  coordinator({ transform, environment }) {
    const value = environment.env[SHARD_ENV];
    if (!value) return;
    const spec = parseShard(value);
    const keys = shardKeys(spec);
    transform('pickles:filter', (pickles) => {
      const kept = pickles.filter((p) => keys.has(pickleKey(p.pickle.uri, p.location.line)));
      environment.stderr.write(`auth-ctk: shard ${shardLabel(spec)}: ${kept.length} of ${pickles.length} selected scenario(s)\n`);
      return kept;
    });
  },
};

export default plugin;
