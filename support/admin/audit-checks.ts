/**
 * Judging the audit log (seed 004): the attempt a scenario made is recorded with the client, the outcome and
 * the time; and nothing secret is in it. The record may lag the answer on a real system: it is read again for
 * up to AUDIT_LAG_MS before the kit concludes that an attempt was not recorded.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { check } from '../verdict/check.ts';
import { clockOffsetMs } from '../jwt/lifetime.ts';
import type { ControlPlane } from './control-plane.ts';
import { findAttempt, leaksIn, type AttemptSearch } from './audit-log.ts';

export const AUDIT_LAG_MS = 3_000;
/** Clock difference tolerated between the target's audit times and the kit's, beyond any offset seen in Date. */
const TIME_TOLERANCE_MS = 2_000;

export async function judgeAttemptRecorded(
  world: CtkWorld,
  admin: ControlPlane,
  exchange: Exchange,
  attempt: { requirement: string; clientId: string; outcome: 'success' | 'failure'; situation: string },
): Promise<void> {
  const from = exchange.startedAt;
  const to = exchange.startedAt + exchange.durationMs;
  const toleranceMs = TIME_TOLERANCE_MS + Math.abs(clockOffsetMs(exchange));
  const deadline = Date.now() + AUDIT_LAG_MS;
  let search: AttemptSearch;
  for (;;) {
    const { entries } = await admin.auditLog();
    search = findAttempt(entries, { clientId: attempt.clientId, outcome: attempt.outcome, from, to, toleranceMs, ...(exchange.request.sourceAddress ? { sourceIp: exchange.request.sourceAddress } : {}) });
    if (search.matches.length > 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const observed =
    search.matches.length > 0
      ? 'recorded'
      : search.ofClient.length > 0
        ? `entries of ${attempt.clientId} in that time, but with outcome ${search.ofClient.map((r) => r.outcome).join(', ')}`
        : search.withoutTime.length > 0
          ? `${search.withoutTime.length} entries of ${attempt.clientId} without a readable time`
          : `no entry of ${attempt.clientId} between ${new Date(from - toleranceMs).toISOString()} and ${new Date(to + toleranceMs).toISOString()}`;
  check(
    world,
    {
      requirement: attempt.requirement,
      expected: `an audit entry for ${attempt.situation}: client ${attempt.clientId}, outcome ${attempt.outcome}, and its time`,
      observed,
    },
    () => expect(search.matches.length, 'matching entries').to.be.above(0),
  );
}

export interface SecretToLookFor {
  readonly what: string;
  readonly value: string;
  readonly clientId?: string;
}

/** Every secret of the profile: client secrets (with their client id, for Basic credentials) and user passwords. */
export function profileSecrets(world: CtkWorld): SecretToLookFor[] {
  const secrets: SecretToLookFor[] = [];
  for (const [role, client] of Object.entries(world.target.clients)) {
    if (client) secrets.push({ what: `the client secret of ${client.clientId} (${role})`, value: client.clientSecret, clientId: client.clientId });
  }
  for (const user of world.target.users) secrets.push({ what: `the password of the test user ${user.username}`, value: user.password });
  return secrets;
}

export async function judgeNoSecretsLogged(world: CtkWorld, admin: ControlPlane, secrets: readonly SecretToLookFor[]): Promise<void> {
  const { text, entries } = await admin.auditLog();
  const leaks = leaksIn(text, secrets);
  check(
    world,
    {
      requirement: 'REQ-AUD-03',
      expected: `no client secret, password or access token in the audit log (${entries.length} entries searched for ${secrets.length} values, in clear and encoded)`,
      observed: leaks.map((l) => `${l.what} (${l.form})`).join('; '),
    },
    () => expect(leaks).to.be.empty,
  );
}
