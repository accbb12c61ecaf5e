/**
 * Which client IP a browser scenario uses when its failed logins must not count against anybody else's.
 *
 * Failed logins add up per IP (seed 001), so a scenario that types wrong passwords from 127.0.0.1 — the
 * address of every other scenario — could get the whole run blocked. Those scenarios take their own address
 * from the END of the target's `sourceAddresses` (the rate-limit scenarios count from the start), one address
 * per purpose, so two purposes never share a failure count:
 *   ip-block        the last address: it is deliberately blocked (for `ipBlock.blockSeconds`)
 *   wrong-password  the one before: one failed login, never enough for a block
 * Only loopback targets can be reached from a loopback source address; elsewhere there is none.
 */
import type { TargetDescription } from '../target/target.ts';

export type AddressPurpose = 'ip-block' | 'wrong-password';

const OFFSET: Record<AddressPurpose, number> = { 'ip-block': 1, 'wrong-password': 2 };

const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '[::1]' || /^127\./.test(host);

export function browserSourceAddress(target: TargetDescription, purpose: AddressPurpose): string | undefined {
  const login = target.browserLogin?.loginUrl ?? target.authorizationEndpoint;
  const hosts = [login, target.tokenEndpoint].filter((u): u is string => !!u).map((u) => new URL(u).hostname);
  if (!hosts.every(isLoopbackHost)) return undefined;
  const list = target.sourceAddresses;
  return list.length >= OFFSET[purpose] ? list[list.length - OFFSET[purpose]] : undefined;
}
