/**
 * The token endpoint's grants that the seeds shape beyond oidc-provider's defaults, registered with
 * oidc-provider's own extension point (registerGrantType), so client authentication, error rendering and token
 * minting (RFC 9068 JWT via the resource server) stay oidc-provider's:
 *
 * - client_credentials (RFC 6749 §4.4; seed 001): replaces the built-in handler only to pin scope handling —
 *   no scope requested grants every scope the client holds (seed 001's response names its scope), a scope the
 *   client may not hold is refused with invalid_scope (RFC 6749 §5.2, REQ-TOK-12) instead of silently dropped.
 * - password (RFC 6749 §4.3), for the web client only: the browserless login of the fixture test users
 *   (issue 3: "a password-style login for test users"), giving human tokens with sub = the customer and
 *   client_id = the web client (seed 003: client_id != sub means a human).
 */
import { timingSafeEqual, randomBytes } from 'node:crypto';
import { errors, type OidcContext, type Provider } from 'oidc-provider';
import { decodeJwt } from 'jose';
import validateDpop from 'oidc-provider/lib/helpers/validate_dpop.js';
import { applyDpopBinding } from 'oidc-provider/lib/helpers/grant_common.js';
import type { ReferenceFixtures } from '../fixtures.ts';
import type { ClientRegistry } from './clients.ts';
import type { IdpFaults } from './faults.ts';
import { bindToCertificate } from './mtls.ts';

export interface GrantDeps {
  readonly fixtures: ReferenceFixtures;
  readonly clients: ClientRegistry;
  readonly faults: IdpFaults;
  readonly resourceServerInfo: (client: { clientId: string }) => Record<string, unknown>;
}

export function registerTokenGrants(provider: Provider, deps: GrantDeps): void {
  const { fixtures, clients, faults } = deps;
  const audience = fixtures.audience;

  /**
   * RFC 8707: the resource this IdP serves is the API audience (also the default); the other-audience client may
   * also ask for its own API (fixture clients.otherAudience.audience): its tokens are genuine, but not for the API
   * behind the gateway (REQ-BEARER-04).
   */
  const other = fixtures.clients.otherAudience;
  const resourceServerFor = (ctx: OidcContext) => {
    const requested = ctx.oidc.params.resource;
    if (other?.audience !== undefined && requested === other.audience && ctx.oidc.client.clientId === other.clientId) {
      return new provider.ResourceServer(other.audience, { ...deps.resourceServerInfo(ctx.oidc.client), audience: other.audience });
    }
    if (requested !== undefined && requested !== audience) {
      throw new errors.InvalidTarget('this IdP issues access tokens for its one API audience only');
    }
    return new provider.ResourceServer(audience, deps.resourceServerInfo(ctx.oidc.client));
  };

  /**
   * RFC 6749 §3.3: the granted scope, from what was requested and what the client may have. `openid` may be
   * requested by a client that holds it but is no API scope: it is not put into the access token.
   */
  const grantedScopes = (ctx: OidcContext): string[] => {
    // A client outside the fixture registry (issue 19's mTLS client, mtls.ts) holds the scopes of its oidc-provider registration.
    const allowed = clients.find(ctx.oidc.client.clientId)?.scopes ?? String(ctx.oidc.client.scope ?? '').split(' ').filter(Boolean);
    const requested = String(ctx.oidc.params.scope ?? '').split(' ').filter(Boolean);
    // Fault default-scope-is-every-scope (REQ-TOK-12): a request without scope gets every API scope this IdP knows.
    if (requested.length === 0 && faults.has('default-scope-is-every-scope')) return clients.apiScopes();
    if (requested.length === 0 || onlyUnknownScopesUnstated(ctx)) return allowed.filter((s) => s !== 'openid');
    const refused = requested.filter((s) => !allowed.includes(s));
    // Fault accept-any-scope: what was asked for is granted.
    if (refused.length > 0 && !faults.has('accept-any-scope')) {
      throw new errors.InvalidScope('requested scope is not allowed for this client', refused.join(' '));
    }
    return [...new Set(requested)].filter((s) => s !== 'openid');
  };

  /**
   * Fault unknown-scope-alone-unstated (REQ-TOK-12): a request naming only scopes the server does not know gets the
   * client's scopes, and the response leaves scope out, which per RFC 6749 §5.1 says the unknown scope was granted.
   */
  const onlyUnknownScopesUnstated = (ctx: OidcContext): boolean => {
    if (!faults.has('unknown-scope-alone-unstated')) return false;
    const requested = String(ctx.oidc.params.scope ?? '').split(' ').filter(Boolean);
    const known = clients.apiScopes();
    return requested.length > 0 && requested.every((s) => s !== 'openid' && !known.includes(s));
  };

  /** RFC 6749 §5.1 successful response. */
  const respond = (ctx: OidcContext, accessToken: string, expiresIn: number, scope: string | undefined, dpopBound = false) => {
    ctx.body = {
      access_token: accessToken,
      // Fault wrong-token-type breaks REQ-TOK-03: a Bearer token typed "JWT". RFC 9449 §5: a DPoP-bound token is of
      // type DPoP (REQ-DPOP-01), left so: the fault is one mistake in the Bearer answer, not also in the DPoP one.
      token_type: dpopBound ? 'DPoP' : faults.has('wrong-token-type') ? 'JWT' : 'Bearer',
      // REQ-TOK-04 / expiry: expires_in is exactly the token's exp - iat (fault expires-in-mismatch adds 60 s).
      // Fault omit-expires-in leaves it out (REQ-TOK-04).
      ...(faults.has('omit-expires-in') ? {} : { expires_in: faults.has('expires-in-mismatch') ? expiresIn + 60 : expiresIn }),
      // REQ-TOK-08: the granted scope is always stated (fault unstated-scope-change passes undefined).
      ...(scope === undefined ? {} : { scope }),
      // REQ-TOK-07 (RFC 6749 §4.4.3), REQ-TOK-22 (seed 001): no refresh token; the issue-refresh-token faults add a (useless) one.
      ...((faults.has('issue-refresh-token') || faults.has('issue-refresh-token-unclaimed')) && ctx.oidc.params.grant_type === 'client_credentials'
        ? { refresh_token: randomBytes(32).toString('base64url') }
        : {}),
    };
  };

  provider.registerGrantType(
    'client_credentials',
    async (ctx) => {
      const { client } = ctx.oidc;
      // RFC 9449 §4.3, §5: a DPoP proof is checked before anything is issued (invalid_dpop_proof), as oidc-provider's own grant does.
      const dPoP = await validateDpop(provider, ctx);
      const scopes = grantedScopes(ctx);
      // Faults unstated-scope-change (REQ-TOK-08) and scope-claim-disagrees (REQ-TOK-16): a request for some of
      // the client's scopes puts all of them into the token; the response leaves scope out, or states the request.
      const widen = (faults.has('unstated-scope-change') || faults.has('scope-claim-disagrees')) && ctx.oidc.params.scope !== undefined;
      // The granted scopes stay in: a client the fixtures do not list (the mTLS client) would otherwise get a token
      // without the scope it asked for, a second deviation (REQ-MTLS-06 failed on it in a whole run).
      const inToken = widen ? [...new Set([...scopes, ...(clients.find(client.clientId)?.scopes ?? []).filter((s) => s !== 'openid')])] : scopes;
      const token = new provider.ClientCredentials({ client, scope: inToken.join(' ') || undefined });
      token.resourceServer = resourceServerFor(ctx);
      // RFC 9449 §6.1: the token is bound to the proof's key (cnf.jkt); a proof seen before is refused (§11.1).
      await applyDpopBinding(provider, ctx, dPoP, token);
      bindToCertificate(ctx, token); // RFC 8705 §3 (issue 19): cnf.x5t#S256 for a client of certificate-bound tokens (mtls.ts)
      ctx.oidc.entity('ClientCredentials', token);
      const value: string = await token.save();
      const unstated = (widen && faults.has('unstated-scope-change')) || onlyUnknownScopesUnstated(ctx);
      respond(ctx, value, token.expiration, unstated ? undefined : scopes.join(' '), dPoP !== undefined);
    },
    ['scope', 'resource'],
  );

  provider.registerGrantType(
    'password',
    async (ctx) => {
      const { client } = ctx.oidc;
      const { username, password } = ctx.oidc.params as { username?: string; password?: string };
      if (!username || !password) throw new errors.InvalidRequest('username and password are required');
      const user = fixtures.users.find((u) => u.username === username);
      // RFC 6749 §5.2 invalid_grant: wrong resource owner credentials (counts as a failed login, seed 001).
      // Fault failed-password-login-issues-token: a known user's wrong password still gets the token (REQ-ANON-05).
      const passwordOk = user !== undefined && (sameSecret(user.password, password) || faults.has('failed-password-login-issues-token'));
      if (!user || !passwordOk) throw new errors.InvalidGrant('invalid username or password');
      const scopes = grantedScopes(ctx);
      const token = new provider.AccessToken({ accountId: user.customerId, client, gty: 'password', scope: scopes.join(' ') || undefined });
      token.resourceServer = resourceServerFor(ctx);
      ctx.oidc.entity('AccessToken', token);
      const value: string = await token.save();
      respond(ctx, value, token.expiration, scopes.join(' '));
    },
    ['scope', 'resource', 'username', 'password'],
  );

  // Seed 003 rejected an "on-behalf" flow, so this IdP has no token exchange (REQ-ID-11): oidc-provider answers
  // unsupported_grant_type. Fault on-behalf-token-exchange registers RFC 8693 token exchange: any client gets a token
  // whose sub is the customer of the subject_token (read, not even verified: the fault is the grant itself).
  if (faults.has('on-behalf-token-exchange')) {
    provider.registerGrantType(
      TOKEN_EXCHANGE_GRANT,
      async (ctx) => {
        const { client } = ctx.oidc;
        const subjectToken = String(ctx.oidc.params.subject_token ?? '');
        let subject: string | undefined;
        try {
          subject = decodeJwt(subjectToken).sub;
        } catch {
          subject = undefined;
        }
        if (!subject) throw new errors.InvalidGrant('subject_token is not a token this server issued');
        const scopes = grantedScopes(ctx);
        const token = new provider.AccessToken({ accountId: subject, client, gty: 'token-exchange', scope: scopes.join(' ') || undefined });
        token.resourceServer = resourceServerFor(ctx);
        ctx.oidc.entity('AccessToken', token);
        const value: string = await token.save();
        respond(ctx, value, token.expiration, scopes.join(' '));
      },
      ['scope', 'resource', 'subject_token', 'subject_token_type', 'requested_token_type'],
    );
  }
}

/** RFC 8693 §2.1: the grant type of a token exchange request. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Constant-time comparison of a presented secret with the expected one. */
export function sameSecret(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
