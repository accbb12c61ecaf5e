/**
 * The clients a scenario speaks of, by role, as the target profile describes them; and the ways a client can
 * authenticate at the token endpoint, in the words the feature files use.
 */
import type { ClientCredentials, TargetDescription } from '../target/target.ts';
import type { ClientAuthMethod } from './token-client.ts';
import { unknownClientId, wrongSecret } from './token-client.ts';

export type ClientRole = 'system' | 'readOnly' | 'shortTtl' | 'rotation' | 'noClientCredentials' | 'unknown';

/** Feature-file phrase -> role. */
export const CLIENT_PHRASES: Readonly<Record<string, ClientRole>> = {
  'the system client': 'system',
  'the read-only client': 'readOnly',
  'the short-TTL client': 'shortTtl',
  'the rotation client': 'rotation',
  'the client without the client credentials grant': 'noClientCredentials',
  'an unknown client': 'unknown',
};

/** What the profile needs when a role is missing. */
export const MISSING_CLIENT_REMEDY: Readonly<Record<Exclude<ClientRole, 'system' | 'unknown'>, string>> = {
  readOnly: 'describe clients.readOnly: a client without the scope of routes.scoped',
  shortTtl: 'describe clients.shortTtl: a client whose tokens live a few seconds, with its ttlSeconds',
  rotation: 'describe clients.rotation: a client the kit may rotate the secret of (it is put back afterwards)',
  noClientCredentials: 'describe clients.noClientCredentials: a client that is not allowed the client_credentials grant',
};

export const describeRole = (role: ClientRole): string => Object.entries(CLIENT_PHRASES).find(([, r]) => r === role)![0];

/** The client for a role; `unknown` is a client id and secret the target cannot know. Undefined: not in the profile. */
export function clientFor(target: TargetDescription, role: ClientRole): ClientCredentials | undefined {
  if (role === 'unknown') return { clientId: unknownClientId(), clientSecret: wrongSecret(), scopes: [] };
  return target.clients[role];
}

export const AUTH_PHRASES: Readonly<Record<string, ClientAuthMethod>> = {
  'HTTP Basic authentication': 'basic',
  'its credentials in the form body': 'body',
  'credentials both in HTTP Basic and in the form body': 'both',
  'no client authentication': 'none',
};

export const describeAuth = (method: ClientAuthMethod): string =>
  ({ basic: 'sent with HTTP Basic', body: 'sent in the form body', both: 'sent both with HTTP Basic and in the form body', none: 'with no client authentication' })[method];

/** Regex alternation of phrases for a cucumber parameter type (longest first, so no phrase shadows another). */
export const phrasesRegexp = (phrases: readonly string[]): RegExp =>
  new RegExp(
    [...phrases]
      .sort((a, b) => b.length - a.length)
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
  );
