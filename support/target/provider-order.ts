/**
 * A cucumber plugin (cucumber.mjs `plugin`): scenarios that can get the kit's own IP blocked run LAST when the
 * target offers no distinct source address.
 *
 * Seed 001: an IP that keeps failing to log in "will be temporarily blocked". With `sourceAddresses` the
 * IP-block checks send their failures from an address of their own and the run's main address is never at
 * risk. Without them (most external targets; the containers target, where Docker's port proxy hides the
 * client address) the failures come from the run's own address, and a block could make every later scenario
 * fail with connection errors. Running those scenarios after all others keeps the block out of the rest of
 * the run; the plugin says so on stderr. With --parallel, "last" holds per worker only.
 *
 * Which scenarios: those tagged with a requirement bound to the `ip-blocking` or `gateway-ip-blocking` capability, or
 * `@requires-` one of them (the gateway's block is as risky to the run's address as the token endpoint's).
 *
 * The rate-limit checks (requirements bound to `rate-limiting`, `oauth-endpoints-rate-limiting` or `gateway-rate-limiting`) send from the run's own address too when the
 * target offers no other (support/load/source-addresses.ts, OWN_ADDRESS): they run last as well, before the
 * IP-block ones, unless the profile states a cool-down (limits.ownAddressCoolDownSeconds) that protects the
 * scenarios after them.
 */
import type { Plugin } from '@cucumber/cucumber/api';
import { tagsBindCapability } from '../requirements/catalogue.ts';
import type { Capability } from '../requirements/types.ts';
import { targetFromFile } from './current.ts';
import type { TargetDescription } from './target.ts';
import { orderForParallelRun } from '../run/parallel.ts';

interface TaggedPickle {
  readonly pickle: { readonly name: string; readonly tags: readonly { readonly name: string }[] };
}

/** The token endpoint's, the other OAuth endpoints' and the gateway's: each can get the run's own address blocked or limited. */
const BLOCKING: readonly Capability[] = ['ip-blocking', 'gateway-ip-blocking'];
const LIMITING: readonly Capability[] = ['rate-limiting', 'gateway-rate-limiting', 'oauth-endpoints-rate-limiting'];

function bindsCapability(tags: readonly string[], capabilities: readonly Capability[]): boolean {
  return capabilities.some((capability) => tags.includes(`@requires-${capability}`)) || tagsBindCapability(tags, capabilities);
}

export const canBlockOwnAddress = (tags: readonly string[]): boolean => bindsCapability(tags, BLOCKING);

/** A rate-limit check, which sends its bursts from the run's own address when the target offers no other. */
export const canRateLimitOwnAddress = (tags: readonly string[]): boolean => !canBlockOwnAddress(tags) && bindsCapability(tags, LIMITING);

/** The pickles in run order: unchanged when the target has distinct source addresses. */
export function orderForTarget<T extends TaggedPickle>(pickles: readonly T[], target: TargetDescription | undefined): { ordered: T[]; movedLast: T[] } {
  if (!target || target.sourceAddresses.length > 0) return { ordered: [...pickles], movedLast: [] };
  const tagsOf = (p: T) => p.pickle.tags.map((t) => t.name);
  // (limits may be absent in a hand-written target file)
  const limiting = target.limits?.ownAddressCoolDownSeconds === undefined ? pickles.filter((p) => canRateLimitOwnAddress(tagsOf(p))) : [];
  const blocking = pickles.filter((p) => canBlockOwnAddress(tagsOf(p)));
  const risky = [...limiting, ...blocking];
  if (risky.length === 0) return { ordered: [...pickles], movedLast: [] };
  return { ordered: [...pickles.filter((p) => !risky.includes(p)), ...risky], movedLast: risky };
}

const plugin: Plugin = {
  type: 'plugin',
  coordinator({ transform, environment }) {
    const file = environment.env.AUTH_CTK_TARGET_FILE;
    // cucumber-js run directly: the embedded reference, which has source addresses
    const target = file ? targetFromFile(file) : undefined;
    transform('pickles:order', (pickles) => {
      // Load scenarios first, the long ones next (support/run/parallel.ts): with several workers the waits overlap.
      const { ordered, movedLast } = orderForTarget(orderForParallelRun(pickles), target);
      if (target && movedLast.length > 0) {
        environment.stderr.write(
          `auth-ctk: ${target.name} offers no distinct source address, so ${movedLast.length} scenario(s) that may get ` +
            `this machine's address rate-limited or blocked run last: ${movedLast.map((p) => `"${p.pickle.name}"`).join(', ')}\n`,
        );
      }
      return ordered;
    });
  },
};

export default plugin;
