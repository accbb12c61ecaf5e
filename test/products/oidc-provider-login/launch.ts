/**
 * oidc-provider (panva) as a deployment with human login: authorization code + PKCE through a login page, as its
 * documentation (docs/README.md, "Accounts", "User flows", "Mounting oidc-provider", "Configuration options") and
 * its in-repo example (example/routes/express.js, example/views/login.ejs and interaction.ejs) describe it.
 *
 * oidc-provider "only comes with feature-less views and interaction handlers, implementations MUST provide these
 * components" (docs "User flows"). What is oidc-provider here: the Provider (authorization, token, JWKS, discovery
 * endpoints, the interaction session and its cookies, the consent Grant store, codes, tokens). What is ours — the
 * only code written for this deployment — is the interaction app below: a login page (the docs' example form:
 * `login`, an <input type="password"> `password`, a submit button) that checks the password of the two test users,
 * and a consent page (the example's "Continue" form) that saves a Grant exactly as the example does.
 * features.devInteractions is OFF: its views "accept any username ... and any password" (docs).
 *
 * Settings (each one's doc line is quoted in README.md beside this file):
 * - `findAccount`: the two test users, accountId = the customer id (docs "Accounts": MUST be implemented);
 * - `interactions.url`: the default `/interaction/${uid}`, written out (docs `interactions.url`);
 * - `features.resourceIndicators.getResourceServerInfo`: the API as an RFC 9068 JWT resource server (as the
 *   oidc-provider product); the front end asks for `openid items:read` and the API's resource, and names the
 *   resource again at the code redemption, so the human's access token is a JWT with sub = accountId and client_id;
 * - `ttl.AuthorizationCode`: 10 s (docs `ttl`: "numeric value (in seconds)"; default 60), declared in the profile;
 * - `issueRefreshToken`: a refresh token whenever the client is allowed the refresh_token grant (docs
 *   `issueRefreshToken`: "policy-based control over refresh token issuance");
 * - `pkce.required`: the default (public clients MUST use PKCE), `routes`: the defaults;
 * - `features.clientCredentials` for the system clients (the kit's profile needs clients.system).
 *
 * The front-end client's redirect URI is a loopback URI with a fixed port, reserved here: the kit's callback
 * receiver listens on it (support/browser/callback.ts), and oidc-provider compares a web client's redirect_uri
 * by exact string (lib/models/client.js redirectUriAllowed).
 */
import { createServer, type Server } from 'node:http';
import { timingSafeEqual, randomBytes } from 'node:crypto';
import express, { urlencoded, type NextFunction, type Request, type Response } from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { AUDIENCE, freePort, freshSecret, type LaunchedProduct } from '../matrix.ts';

const API_SCOPES = 'items:read items:write';
const CODE_TTL_SECONDS = 10;

/** The test users: login name, password (fresh per launch), and the customer id that is their accountId / sub. */
interface TestUser {
  readonly login: string;
  readonly password: string;
  readonly accountId: string;
}

async function privateJwk(kid: string): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as { port: number }).port;
}

const html = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${html(title)}</title></head><body><h1>${html(title)}</h1>${body}</body></html>`;

/** example/views/login.ejs, without the federated button; `error` is shown when a login failed. */
const loginPage = (uid: string, error?: string): string =>
  page(
    'Sign-in',
    `${error ? `<p role="alert">${html(error)}</p>` : ''}
<form autocomplete="off" action="/interaction/${html(uid)}/login" method="post">
  <input required type="text" name="login" placeholder="Enter your login" autofocus="on">
  <input required type="password" name="password" placeholder="and password">
  <button type="submit" class="login login-submit">Sign-in</button>
</form>`,
  );

/** example/views/interaction.ejs, shortened: what the client asks for, and the "Continue" form. */
const consentPage = (uid: string, clientId: string, scopes: readonly string[]): string =>
  page(
    'Authorize',
    `<p>${html(clientId)} asks for: ${scopes.map(html).join(', ') || 'a previously given authorization'}</p>
<form autocomplete="off" action="/interaction/${html(uid)}/confirm" method="post">
  <button autofocus type="submit" class="login login-submit">Continue</button>
</form>`,
  );

function samePassword(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function launch(): Promise<LaunchedProduct> {
  const server: Server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const callbackPort = await freePort();
  const redirectUri = `http://127.0.0.1:${callbackPort}/callback`;

  const users: readonly TestUser[] = [
    { login: 'alice', password: freshSecret(), accountId: 'cust-0001-alice' },
    { login: 'bob', password: freshSecret(), accountId: 'cust-0002-bob' },
  ];
  const secrets = { system: freshSecret(), readOnly: freshSecret(), web: freshSecret() };
  const ccOnly = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' };

  const provider = new Provider(issuer, {
    clients: [
      { ...ccOnly, client_id: 'items-system', client_secret: secrets.system, scope: API_SCOPES },
      { ...ccOnly, client_id: 'items-reader', client_secret: secrets.readOnly, scope: 'items:read' },
      // The web front end: a confidential web client, authorization code (+ refresh tokens), Basic authentication.
      {
        client_id: 'items-web',
        client_secret: secrets.web,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid items:read',
      },
      // A public client of the same front end (a SPA): no secret, so PKCE is required (docs `pkce.required`).
      {
        client_id: 'items-spa',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'none',
        scope: 'openid items:read',
      },
    ],
    jwks: { keys: [await privateJwk('op-signing-1')] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'offline_access', 'items:read', 'items:write'],
    async findAccount(_ctx: unknown, id: string) {
      const user = users.find((u) => u.accountId === id);
      if (!user) return undefined;
      return { accountId: user.accountId, async claims() { return { sub: user.accountId }; } };
    },
    interactions: {
      url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AuthorizationCode: CODE_TTL_SECONDS,
      AccessToken: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 60 * 60,
      ClientCredentials: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 10 * 60,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        async getResourceServerInfo(_ctx: unknown, resourceIndicator: string) {
          if (resourceIndicator !== AUDIENCE) throw new errors.InvalidTarget();
          return { scope: API_SCOPES, audience: AUDIENCE, accessTokenTTL: 60 * 60, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
  });

  // --- the deployment's own interaction app (docs "User flows"; example/routes/express.js) -------------------------
  const app = express();
  const body = urlencoded({ extended: false });
  const noCache = (_req: Request, res: Response, next: NextFunction) => {
    res.set('cache-control', 'no-store');
    next();
  };

  app.get('/interaction/:uid', noCache, async (req, res, next) => {
    try {
      const { uid, prompt, params } = await provider.interactionDetails(req, res);
      if (prompt.name === 'login') return void res.type('html').send(loginPage(uid));
      const details = prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
      const asked = [...(details.missingOIDCScope ?? []), ...Object.values(details.missingResourceScopes ?? {}).flat()];
      res.type('html').send(consentPage(uid, String(params.client_id), asked));
    } catch (error) {
      next(error);
    }
  });

  app.post('/interaction/:uid/login', noCache, body, async (req, res, next) => {
    try {
      const { uid, prompt } = await provider.interactionDetails(req, res);
      if (prompt.name !== 'login') throw new errors.InvalidRequest('not a login prompt');
      const login = typeof req.body?.login === 'string' ? req.body.login : '';
      const password = typeof req.body?.password === 'string' ? req.body.password : '';
      const user = users.find((u) => u.login === login);
      if (!user || !samePassword(password, user.password)) {
        return void res.status(200).type('html').send(loginPage(uid, 'Invalid login or password.'));
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.accountId } }, { mergeWithLastSubmission: false });
    } catch (error) {
      next(error);
    }
  });

  app.post('/interaction/:uid/confirm', noCache, body, async (req, res, next) => {
    try {
      const interactionDetails = await provider.interactionDetails(req, res);
      const { prompt, params, session } = interactionDetails;
      if (prompt.name !== 'consent' || !session) throw new errors.InvalidRequest('not a consent prompt');
      const details = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      let { grantId } = interactionDetails;
      const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
      if (!grant) throw new errors.InvalidRequest('grant not found');
      if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
      if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      grantId = await grant.save();
      const consent = interactionDetails.grantId ? {} : { grantId };
      await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
    } catch (error) {
      next(error);
    }
  });

  // docs "Mounting oidc-provider" / "to an express application": the provider's callback handles everything else.
  app.use(provider.callback());
  server.on('request', app);

  return {
    env: {
      PRODUCT_DISCOVERY_URL: `${issuer}/.well-known/openid-configuration`,
      PRODUCT_REDIRECT_URI: redirectUri,
      PRODUCT_SYSTEM_SECRET: secrets.system,
      PRODUCT_READONLY_SECRET: secrets.readOnly,
      PRODUCT_WEB_SECRET: secrets.web,
      PRODUCT_ALICE_PASSWORD: users[0]!.password,
      PRODUCT_BOB_PASSWORD: users[1]!.password,
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
