/**
 * The model @node-oauth/oauth2-server asks for, kept to what its model specification documents for the
 * client_credentials grant and for authenticate() with scopes (docs "Model Overview" / model spec):
 * getClient, getUserFromClient, saveToken, getAccessToken, validateScope (optional: "If not implemented, any
 * scope is accepted"), verifyScope ("required if scopes are used with OAuth2Server#authenticate()").
 * In memory, like the project's own example (node-oauth2-server-examples, databases/memory and server2server).
 */
import type OAuth2Server from '@node-oauth/oauth2-server';

export interface RegisteredClient {
  readonly id: string;
  readonly secret: string;
  readonly grants: readonly string[];
  readonly scopes: readonly string[];
  /** Per-client lifetime: the token handler uses `client.accessTokenLifetime` when set. */
  readonly accessTokenLifetime?: number;
}

export function createModel(clients: readonly RegisteredClient[]): OAuth2Server.ClientCredentialsModel {
  const tokens = new Map<string, OAuth2Server.Token>();
  return {
    // "getClient(clientId, clientSecret)": the client if the id and (when given) the secret match.
    async getClient(clientId: string, clientSecret: string | null) {
      const client = clients.find((c) => c.id === clientId);
      if (!client || (clientSecret !== null && clientSecret !== client.secret)) return false;
      return { id: client.id, grants: [...client.grants], ...(client.accessTokenLifetime ? { accessTokenLifetime: client.accessTokenLifetime } : {}) };
    },
    // client_credentials has no resource owner: the examples return a "system" user for the client.
    async getUserFromClient(client: OAuth2Server.Client) {
      return { id: `system:${client.id}` };
    },
    // The spec's example: every requested scope must be valid — here, one of the client's own scopes. No scope
    // at all is refused with invalid_scope (RFC 6749 §3.3 allows a default or a refusal; the spec's example would
    // throw on a missing scope).
    async validateScope(_user: OAuth2Server.User, client: OAuth2Server.Client, scope?: string[]) {
      const allowed = clients.find((c) => c.id === client.id)?.scopes ?? [];
      if (!scope || scope.length === 0) return false;
      return scope.every((s) => allowed.includes(s)) ? scope : false;
    },
    async saveToken(token: OAuth2Server.Token, client: OAuth2Server.Client, user: OAuth2Server.User) {
      const saved = { ...token, client, user };
      tokens.set(token.accessToken, saved);
      return saved;
    },
    async getAccessToken(accessToken: string) {
      return tokens.get(accessToken) ?? false;
    },
    // The spec's example: every scope the route needs is among the token's.
    async verifyScope(token: OAuth2Server.Token, scope: string[]) {
      return !!token.scope && scope.every((s) => token.scope!.includes(s));
    },
  };
}
