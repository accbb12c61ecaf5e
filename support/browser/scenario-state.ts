/** What one browser scenario remembers between its steps (kept in the World's memo under typed keys). */
import type { CtkWorld } from '../world.ts';
import type { TestUser } from '../target/target.ts';
import type { Exchange } from '../http/exchange.ts';
import type { HumanLogin, LoginResult } from './human-login.ts';
import type { BlockCheck } from './ip-block.ts';

const LOGIN = 'browser:login';
const REDEMPTION = 'browser:redemption';
const TOKEN = 'browser:access-token';
const ATTEMPTS = 'browser:failed-attempts';
const BLOCK_CHECK = 'browser:block-check';
const CUSTOMER = 'browser:customer';

export class StepOrderError extends Error {
  constructor(missing: string) {
    super(`${missing} has not happened yet in this scenario (step order in the feature file)`);
    this.name = 'StepOrderError';
  }
}

function get<T>(world: CtkWorld, key: string, what: string): T {
  if (!world.memo.has(key)) throw new StepOrderError(what);
  return world.memo.get(key) as T;
}

export const rememberLogin = (world: CtkWorld, login: HumanLogin): void => {
  world.memo.set(LOGIN, login);
  world.memo.set(CUSTOMER, login.user);
};
export const theLogin = (world: CtkWorld): HumanLogin => get(world, LOGIN, 'a browser login');

export const rememberRedemption = (world: CtkWorld, exchange: Exchange): void => void world.memo.set(REDEMPTION, exchange);
export const theRedemption = (world: CtkWorld): Exchange => get(world, REDEMPTION, 'a code redemption');

export const rememberAccessToken = (world: CtkWorld, token: string): void => void world.memo.set(TOKEN, token);
export const theAccessToken = (world: CtkWorld): string => get(world, TOKEN, 'a successful code redemption');

export const rememberAttempts = (world: CtkWorld, results: LoginResult[]): void => void world.memo.set(ATTEMPTS, results);
export const theAttempts = (world: CtkWorld): LoginResult[] => get(world, ATTEMPTS, 'failed login attempts');

export const rememberBlockCheck = (world: CtkWorld, check: BlockCheck): void => void world.memo.set(BLOCK_CHECK, check);
export const theBlockCheck = (world: CtkWorld): BlockCheck => get(world, BLOCK_CHECK, 'preparing the IP-block check');

/** "first" / "second" / "third" / "last" test customer of the target profile. */
export function testCustomer(world: CtkWorld, ordinal: string): TestUser | undefined {
  const users = world.target.users;
  const index = ordinal === 'last' ? users.length - 1 : ['first', 'second', 'third'].indexOf(ordinal);
  return index >= 0 ? users[index] : undefined;
}

/** The requirement IDs the running scenario is tagged with (for the not-testable records steps write). */
export const scenarioRequirementIds = (world: CtkWorld): readonly string[] => world.requirementIds;

/** The test customer the scenario acts for (set by a login, or by taking a cached browser-login token). */
export const rememberCustomer = (world: CtkWorld, user: TestUser): void => void world.memo.set(CUSTOMER, user);
export const theCustomer = (world: CtkWorld): TestUser => get(world, CUSTOMER, 'choosing a test customer');
