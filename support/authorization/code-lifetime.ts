/**
 * RFC 6749 §4.1.2: "The authorization code MUST expire shortly after it is issued to mitigate the risk of leaks. A
 * maximum authorization code lifetime of 10 minutes is RECOMMENDED." Codes are opaque: only the lifetime the target
 * declares (limits.authorizationCodeSeconds) says how long one lives, and only waiting past it shows that it ends.
 *
 * REQ-AUTHZ-09 compares the declaration with the ten minutes. REQ-AUTHZ-08 presents a fresh, unredeemed code once the
 * declared lifetime plus CODE_EXPIRY_TOLERANCE_SECONDS has passed, counted from the moment the code reached the
 * kit's redirect URI — the server issued it before, so the code is at least that old. The tolerance covers a
 * server that counts in whole seconds and rounds the expiry up (1 s) and one that refuses only strictly after the
 * expiry (1 s); a clock difference between kit and server plays no part, as both measure a duration.
 *
 * The wait is at most SHORT_WAIT_SECONDS unless the profile opts in (limits.longWaits: true), and then at most ten
 * minutes plus the tolerance: beyond that the check is not testable, with the reason — never a pass. The waiting
 * scenario sends two requests and sleeps, so it runs beside the others in a parallel run.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { check } from '../verdict/check.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import type { HumanLogin } from '../browser/human-login.ts';

export const CODE_EXPIRY_TOLERANCE_SECONDS = 2;
/** The longest wait a run makes without limits.longWaits. */
export const SHORT_WAIT_SECONDS = 15;
/** RFC 6749 §4.1.2's recommended maximum lifetime, and with limits.longWaits the longest lifetime the kit waits out. */
export const RECOMMENDED_MAX_CODE_SECONDS = 600;
/** The wait step's own timeout: the longest wait plus room for the redemption. */
export const CODE_WAIT_STEP_TIMEOUT_MS = (RECOMMENDED_MAX_CODE_SECONDS + CODE_EXPIRY_TOLERANCE_SECONDS + 30) * 1000;

/** The declared lifetime, or not testable. */
export function declaredCodeLifetime(world: CtkWorld): number {
  const seconds = world.target.limits.authorizationCodeSeconds;
  if (seconds === undefined) {
    throw new NotTestableError('the target profile declares no authorization code lifetime (limits.authorizationCodeSeconds)', {
      remedy: 'declare the IdP\'s authorization code lifetime in seconds as limits.authorizationCodeSeconds',
    });
  }
  return seconds;
}

/** How long the kit waits past the code's arrival: the declared lifetime plus the tolerance, or not testable beyond the cap. */
export function codeExpiryWaitSeconds(world: CtkWorld): number {
  const lifetime = declaredCodeLifetime(world);
  const wait = lifetime + CODE_EXPIRY_TOLERANCE_SECONDS;
  const longWaits = world.target.limits.longWaits === true;
  if (!longWaits && wait > SHORT_WAIT_SECONDS) {
    throw new NotTestableError(
      `waiting out the declared ${lifetime} s authorization code lifetime takes ${wait} s (${CODE_EXPIRY_TOLERANCE_SECONDS} s of tolerance included); a run waits at most ${SHORT_WAIT_SECONDS} s without limits.longWaits`,
      { remedy: 'set limits.longWaits: true in the target profile to have the kit wait up to ten minutes, or declare a shorter code lifetime on a test deployment' },
    );
  }
  if (lifetime > RECOMMENDED_MAX_CODE_SECONDS) {
    throw new NotTestableError(`the declared authorization code lifetime is ${lifetime} s; the kit waits out at most ${RECOMMENDED_MAX_CODE_SECONDS} s (REQ-AUTHZ-09 judges the declaration)`, {
      remedy: 'declare a code lifetime of at most ten minutes (RFC 6749 §4.1.2)',
    });
  }
  return wait;
}

/** The moment (epoch ms, kit clock) by which the login's code has certainly expired. */
export function codeCertainlyExpiredAt(login: HumanLogin, waitSeconds: number): number {
  if (login.result.kind !== 'redirected') throw new Error('step order: the login did not come back to the front end');
  return login.result.callback.at + waitSeconds * 1000;
}

/** REQ-AUTHZ-09: the declared lifetime is at most ten minutes. */
export function judgeDeclaredCodeLifetime(world: CtkWorld): void {
  const lifetime = declaredCodeLifetime(world);
  check(world, {
    requirement: 'REQ-AUTHZ-09',
    expected: `an authorization code lifetime of at most ${RECOMMENDED_MAX_CODE_SECONDS} s (RFC 6749 §4.1.2: a maximum authorization code lifetime of 10 minutes is RECOMMENDED)`,
    observed: `limits.authorizationCodeSeconds: ${lifetime}`,
  }, () => expect(lifetime, 'declared code lifetime in seconds').to.be.at.most(RECOMMENDED_MAX_CODE_SECONDS));
}

/** What the expired redemption is judged against, for judgeRefusal's message. */
export function expiredCodeDescription(world: CtkWorld, login: HumanLogin, exchange: Exchange): string {
  const at = login.result.kind === 'redirected' ? login.result.callback.at : login.endedAt;
  const age = Math.round((exchange.startedAt - at) / 100) / 10;
  return `a code presented ${age} s after it reached the front end, beyond its declared lifetime of ${declaredCodeLifetime(world)} s (RFC 6749 §4.1.2: the code MUST expire shortly after it is issued)`;
}
