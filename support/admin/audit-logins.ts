/**
 * The logins the audit scenarios make on the login page (seed 004: "A user logs on to the DataONE system"), for
 * the log to show. A wrong password counts as a failed login of its IP (seed 001), so it goes out from a client
 * IP of the run's failure budget (support/oauth/source-address.ts), as the audit's wrong client secret does: the
 * run's own address never nears the IP block. Where the budget is spent the scenario is not testable.
 */
import type { CtkWorld } from '../world.ts';
import type { TestUser } from '../target/target.ts';
import { logInThroughBrowser, wrongPasswordFor, type HumanLogin } from '../browser/human-login.ts';
import { failureAddress, isNotTestable } from '../oauth/token-requests.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { loginAttempt, type AttemptToFind, type SecretToLookFor } from './audit-checks.ts';

function failureSource(world: CtkWorld, failures: number): { sourceAddress?: string } {
  const address = failureAddress(world, failures);
  if (isNotTestable(address)) throw new NotTestableError(address.notTestable, address.remedy ? { remedy: address.remedy } : {});
  return address;
}

/** The user logs in with their own password, from the run's own address. */
export const loginToAudit = (world: CtkWorld, user: TestUser): Promise<HumanLogin> => logInThroughBrowser(world, user);

/** The user types a wrong password, from a client IP kept for failed logins. */
export const wrongPasswordToAudit = (world: CtkWorld, user: TestUser): Promise<HumanLogin> =>
  logInThroughBrowser(world, user, { password: wrongPasswordFor(user), ...failureSource(world, 1) });

/**
 * For REQ-AUD-03: the user types a wrong password and then their own, both from one client IP of the failure
 * budget (a scenario's browser runs from one address). Returns the typed passwords the log must not hold beyond
 * the profile's own (the wrong one: the right one is among the profile's secrets), and the two logins as the log
 * would show them (the check waits for them to be in it).
 */
export async function typePasswordsOnTheLoginPage(world: CtkWorld, user: TestUser): Promise<{ secrets: SecretToLookFor[]; attempts: AttemptToFind[] }> {
  const source = failureSource(world, 1);
  const wrong = wrongPasswordFor(user);
  const failed = await logInThroughBrowser(world, user, { password: wrong, ...source });
  const own = await logInThroughBrowser(world, user, source);
  return {
    secrets: [{ what: `the wrong password typed for ${user.username} on the login page`, value: wrong }],
    attempts: [
      loginAttempt(world, failed, 'failure', `${user.username}'s login with a wrong password on the login page`),
      loginAttempt(world, own, 'success', `${user.username}'s login with their own password on the login page`),
    ],
  };
}
