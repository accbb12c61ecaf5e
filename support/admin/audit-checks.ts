/**
 * Judging the audit log (seed 004): the attempt a scenario made — a client's at the token endpoint, or a user's
 * on the login page — is recorded with the client (user), the outcome and the time; and nothing secret is in it. The record may lag the answer on a real system: it is read again for
 * up to AUDIT_LAG_MS before the kit concludes that an attempt was not recorded.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { check, couldNotJudge } from '../verdict/check.ts';
import { clockOffsetMs } from '../jwt/lifetime.ts';
import type { ControlPlane } from './control-plane.ts';
import { findAttempt, leaksIn, type AttemptQuery, type AttemptSearch } from './audit-log.ts';
import { describeLogin, type HumanLogin } from '../browser/human-login.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { credentialRefusalUnderControl } from '../oauth/refusal-control.ts';
import { wrongSecretServed } from '../oauth/unchecked-credentials.ts';

export const AUDIT_LAG_MS = 3_000;
/** Clock difference tolerated between the target's audit times and the kit's, beyond any offset seen in Date. */
const TIME_TOLERANCE_MS = 2_000;

/** An attempt the scenario made, as the audit log would show it: whose, with which outcome, and when. */
export type AttemptToFind = AttemptQuery & { readonly whom: string; readonly situation: string };

/** A client's token request, as the log would show it: the exchange's window, widened by the clock offset seen. */
export function clientAttempt(exchange: Exchange, clientId: string, outcome: 'success' | 'failure', situation: string): AttemptToFind {
  return {
    clientId,
    whom: `client ${clientId}`,
    outcome,
    situation,
    from: exchange.startedAt,
    to: exchange.startedAt + exchange.durationMs,
    toleranceMs: TIME_TOLERANCE_MS + Math.abs(clockOffsetMs(exchange)),
    ...(exchange.request.sourceAddress ? { sourceIp: exchange.request.sourceAddress } : {}),
  };
}

/**
 * A login on the login page, as the log would show it: naming the user (their username, or the customer id their
 * token names as sub), within the login's window. The browser sees no Date header of the IdP: the offset last seen in
 * an answer of the target, if any, widens the tolerance as for a client's attempt.
 */
export function loginAttempt(world: CtkWorld, login: HumanLogin, outcome: 'success' | 'failure', situation: string): AttemptToFind {
  const user = login.user;
  return {
    user: { username: user.username, subject: user.customerId },
    whom: `user ${user.username} (or customer ${user.customerId})`,
    outcome,
    situation,
    from: login.startedAt,
    to: login.endedAt,
    toleranceMs: TIME_TOLERANCE_MS + Math.abs(clockOffsetMs(world.exchanges.at(-1))),
    ...(login.sourceAddress ? { sourceIp: login.sourceAddress } : {}),
  };
}

export async function judgeAttemptRecorded(
  world: CtkWorld,
  admin: ControlPlane,
  exchange: Exchange,
  attempt: { requirement: string; clientId: string; outcome: 'success' | 'failure'; situation: string },
): Promise<void> {
  // A failed attempt that no entry shows is a finding only where the endpoint authenticates at all: one that refuses
  // every request before reading its credentials (400 invalid_request to a proxy that drops bodies) makes no attempt
  // to record, and REQ-TOK-01 reports it (refusal-control.ts; the control is sent only then).
  const whenMissing = attempt.outcome === 'failure' ? () => credentialRefusalUnderControl(world, exchange, attempt.situation) : undefined;
  // A wrong secret that got a token made no failed attempt: REQ-CAUTH-03/-04's finding (fault accept-wrong-secret).
  const expected = `an audit entry for ${attempt.situation}: client ${attempt.clientId}, outcome ${attempt.outcome}, and its time`;
  if (attempt.outcome === 'failure' && wrongSecretServed(world, exchange, { requirement: attempt.requirement, expected })) return;
  await judgeRecorded(world, admin, attempt.requirement, clientAttempt(exchange, attempt.clientId, attempt.outcome, attempt.situation), whenMissing);
}

/**
 * Seed 004's "A user logs on": the login a scenario made on the login page is recorded, naming the user, with the
 * outcome and a time within the login's window (from opening the page to the result): loginAttempt.
 */
export async function judgeLoginRecorded(
  world: CtkWorld,
  admin: ControlPlane,
  login: HumanLogin,
  attempt: { requirement: string; outcome: 'success' | 'failure' },
): Promise<void> {
  const user = login.user;
  // The audit shows what happened: a login that did not end as the scenario meant is another requirement's failure.
  const ended = login.result;
  const asMeant = attempt.outcome === 'success' ? ended.kind === 'redirected' && !!ended.code : ended.kind === 'login-error' || ended.kind === 'form-again';
  if (!asMeant) {
    const [blockedBy, meant] = attempt.outcome === 'success' ? ['REQ-HUM-01', 'a successful login'] : ['REQ-HUM-03', 'a refused wrong password'];
    throw new PrerequisiteBlocked(
      blockedBy,
      `blocked: no ${meant} to look for in the audit log (${blockedBy}: ${describeLogin(ended)})`,
      `fix what ${blockedBy} reports (features/human-login.feature); this requirement is judged once the login page behaves`,
    );
  }
  const situation = `${user.username}'s ${attempt.outcome === 'success' ? 'successful login' : 'login with a wrong password'} on the login page`;
  await judgeRecorded(world, admin, attempt.requirement, loginAttempt(world, login, attempt.outcome, situation));
}

async function judgeRecorded(world: CtkWorld, admin: ControlPlane, requirement: string, attempt: AttemptToFind, whenMissing?: () => Promise<void>): Promise<void> {
  const { whom, situation } = attempt;
  const window = attempt;
  const deadline = Date.now() + AUDIT_LAG_MS;
  let search: AttemptSearch;
  for (;;) {
    const { entries } = await admin.auditLog();
    search = findAttempt(entries, attempt);
    if (search.matches.length > 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // A log whose entries of this client (user) carry no time the kit can read cannot show WHEN: not testable.
  if (search.matches.length === 0 && search.ofWhom.length === 0 && search.withoutTime.length > 0) {
    throw new NotTestableError(`the audit log has ${search.withoutTime.length} entries of ${whom}, none with a time the kit can read, so none can be tied to ${situation}`, {
      remedy: 'let the audit entries state their time (time, timestamp, @timestamp, date: ISO 8601 or epoch seconds/ms)',
    });
  }
  if (search.matches.length === 0) await whenMissing?.();
  const observed =
    search.matches.length > 0
      ? 'recorded'
      : search.ofWhom.length > 0
        ? `entries of ${whom} in that time, but with outcome ${search.ofWhom.map((r) => r.outcome).join(', ')}`
        : `no entry of ${whom} between ${new Date(window.from - window.toleranceMs).toISOString()} and ${new Date(window.to + window.toleranceMs).toISOString()}`;
  check(
    world,
    {
      requirement,
      expected: `an audit entry for ${situation}: ${whom}, outcome ${window.outcome}, and its time`,
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

/**
 * REQ-AUD-03: the log holds none of `secrets`, in clear or encoded. Judged on a log that shows the scenario's own
 * `attempts` — the requests that carried those secrets: a log read before their entries arrive (a log fed by a
 * queue lags the answer, AUDIT_LAG_MS), or one that records none of them, holds no secret of theirs whatever the
 * product writes down, and proves nothing. It is read again, as for REQ-AUD-01/02/04, until every attempt shows or
 * the lag is over; where none shows, REQ-AUD-03 is not judged (whether attempts are recorded at all is
 * REQ-AUD-01/02/04's finding).
 */
export async function judgeNoSecretsLogged(world: CtkWorld, admin: ControlPlane, secrets: readonly SecretToLookFor[], attempts: readonly AttemptToFind[]): Promise<void> {
  const expected = `no client secret, password or access token in the audit log, in clear or encoded, once it shows the scenario's attempts (${attempts.map((a) => a.situation).join('; ')})`;
  const deadline = Date.now() + AUDIT_LAG_MS;
  let log: Awaited<ReturnType<ControlPlane['auditLog']>>;
  let shown: AttemptToFind[];
  for (;;) {
    log = await admin.auditLog();
    const entries = log.entries;
    // Any outcome: the entry of the attempt is where its secret would be written down. Entries of the client (user)
    // without a readable time cannot be tied to the attempt, but they are where it would be: they count.
    shown = attempts.filter((a) => {
      const found = findAttempt(entries, a);
      return found.ofWhom.length > 0 || found.withoutTime.length > 0;
    });
    if (shown.length === attempts.length || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const missing = attempts.filter((a) => !shown.includes(a));
  if (shown.length === 0) {
    couldNotJudge(world, {
      requirement: 'REQ-AUD-03',
      expected,
      why: `the audit log (${log.entries.length} entries, read for ${AUDIT_LAG_MS / 1000} s) shows none of the scenario's attempts (${missing.map((a) => `${a.situation}: no entry of ${a.whom} in its time`).join('; ')}), so the secrets they carried could not have been seen in it; REQ-AUD-01/02/04 judge whether attempts are recorded`,
    });
    return;
  }
  const leaks = leaksIn(log.text, secrets);
  check(
    world,
    {
      requirement: 'REQ-AUD-03',
      expected: `${expected} (${log.entries.length} entries searched for ${secrets.length} values)`,
      observed:
        `${leaks.length === 0 ? 'no secret' : leaks.map((l) => `${l.what} (${l.form})`).join('; ')}; the log shows ${shown.length} of the ${attempts.length} attempts` +
        (missing.length > 0 ? ` (not: ${missing.map((a) => a.situation).join('; ')})` : ''),
    },
    () => expect(leaks).to.be.empty,
  );
}
