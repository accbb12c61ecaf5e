/** What one browser scenario remembers between its steps (the World's typed scenario state). */
import type { CtkWorld } from '../world.ts';
import type { TestUser } from '../target/target.ts';
import type { Exchange } from '../http/exchange.ts';
import type { HumanLogin, LoginResult } from './human-login.ts';
import type { BlockCheck } from './ip-block.ts';
import { stateKey, type StateKey } from '../scenario-state.ts';

const LOGIN = stateKey<HumanLogin>('a browser login');
const REDEMPTION = stateKey<Exchange>('a code redemption');
const TOKEN = stateKey<string>('an access token from the browser login');
const ATTEMPTS = stateKey<LoginResult[]>('failed login attempts');
const BLOCK_CHECK = stateKey<BlockCheck>('preparing the IP-block check');
const CUSTOMER = stateKey<TestUser>('choosing a test customer');

export class StepOrderError extends Error {
  constructor(missing: string) {
    super(`${missing} has not happened yet in this scenario (step order in the feature file)`);
    this.name = 'StepOrderError';
  }
}

function get<T>(world: CtkWorld, key: StateKey<T>): T {
  if (!world.state.has(key)) throw new StepOrderError(key.what);
  return world.state.recall(key);
}

export const rememberLogin = (world: CtkWorld, login: HumanLogin): void => {
  world.state.remember(LOGIN, login);
  world.state.remember(CUSTOMER, login.user);
};
export const theLogin = (world: CtkWorld): HumanLogin => get(world, LOGIN);

export const rememberRedemption = (world: CtkWorld, exchange: Exchange): void => void world.state.remember(REDEMPTION, exchange);
export const theRedemption = (world: CtkWorld): Exchange => get(world, REDEMPTION);

export const rememberAccessToken = (world: CtkWorld, token: string): void => void world.state.remember(TOKEN, token);
export const theAccessToken = (world: CtkWorld): string => get(world, TOKEN);

export const rememberAttempts = (world: CtkWorld, results: LoginResult[]): void => void world.state.remember(ATTEMPTS, results);
export const theAttempts = (world: CtkWorld): LoginResult[] => get(world, ATTEMPTS);

export const rememberBlockCheck = (world: CtkWorld, check: BlockCheck): void => void world.state.remember(BLOCK_CHECK, check);
export const theBlockCheck = (world: CtkWorld): BlockCheck => get(world, BLOCK_CHECK);

/** "first" / "second" / "third" / "last" test customer of the target profile. */
export function testCustomer(world: CtkWorld, ordinal: string): TestUser | undefined {
  const users = world.target.users;
  const index = ordinal === 'last' ? users.length - 1 : ['first', 'second', 'third'].indexOf(ordinal);
  return index >= 0 ? users[index] : undefined;
}

/** The requirement IDs the running scenario is tagged with (for the not-testable records steps write). */
export const scenarioRequirementIds = (world: CtkWorld): readonly string[] => world.requirementIds;

/** The test customer the scenario acts for (set by a login, or by taking a cached browser-login token). */
export const rememberCustomer = (world: CtkWorld, user: TestUser): void => void world.state.remember(CUSTOMER, user);
export const theCustomer = (world: CtkWorld): TestUser => get(world, CUSTOMER);
