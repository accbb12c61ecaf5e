/**
 * The access token a scenario works with, and how it came to be: the exchange that issued it (when the scenario
 * judged the issuing), the client, the scope it asked for. Later steps read it from here.
 */
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { decodeJwt, type DecodedJwt } from '../jwt/decode.ts';
import { tokenResponseOf, type TokenResponse } from './token-client.ts';
import { stateKey } from '../scenario-state.ts';

export interface IssuedToken {
  readonly token: string;
  readonly decoded?: DecodedJwt;
  readonly client: ClientCredentials;
  readonly requestedScope: readonly string[];
  /** The token endpoint exchange, when this scenario requested the token itself. */
  readonly exchange?: Exchange;
  readonly response?: TokenResponse;
  /** Local time (epoch ms) the request was sent and the answer came back. */
  readonly sentAt?: number;
  readonly receivedAt?: number;
}

const KEY = stateKey<IssuedToken>('access token');
const EARLIER = stateKey<IssuedToken>('token issued before the change');

export function issuedFrom(exchange: Exchange, client: ClientCredentials, requestedScope: readonly string[] = []): IssuedToken | undefined {
  const response = tokenResponseOf(exchange);
  if (!response) return undefined;
  const decoded = decodeJwt(response.access_token);
  return {
    token: response.access_token,
    client,
    requestedScope,
    exchange,
    response,
    sentAt: exchange.startedAt,
    receivedAt: exchange.startedAt + exchange.durationMs,
    ...(decoded ? { decoded } : {}),
  };
}

export function tokenOnly(token: string, client: ClientCredentials, requestedScope: readonly string[] = []): IssuedToken {
  const decoded = decodeJwt(token);
  return { token, client, requestedScope, ...(decoded ? { decoded } : {}) };
}

export const rememberIssued = (world: CtkWorld, issued: IssuedToken): IssuedToken => world.state.remember(KEY, issued);
export const theIssued = (world: CtkWorld): IssuedToken => world.state.recall(KEY);
export const hasIssued = (world: CtkWorld): boolean => world.state.has(KEY);

/** A token kept from before a change (a rotation): the scenario then asks for a new one under KEY. */
export const rememberEarlier = (world: CtkWorld, issued: IssuedToken): IssuedToken => world.state.remember(EARLIER, issued);
export const theEarlier = (world: CtkWorld): IssuedToken => world.state.recall(EARLIER);
