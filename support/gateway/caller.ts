/**
 * The gateway caller a scenario sets up ("Given a gateway caller holding a valid access token of the system
 * client"): its token and client, which the bearer steps write and the identity steps read too.
 */
import { stateKey } from '../scenario-state.ts';
import type { ClientCredentials } from '../target/target.ts';

export const CALLER_TOKEN = stateKey<string>('caller token (the scenario needs "Given a gateway caller holding a valid access token of ...")');
export const CALLER_CLIENT = stateKey<ClientCredentials>('caller client (the scenario needs "Given a gateway caller holding a valid access token of ...")');
