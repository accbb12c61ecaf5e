/**
 * @node-oauth/oauth2-server through its Express wrapper @node-oauth/express-oauth-server (the library's README:
 * "it is strongly recommended to use the respective wrapper module instead of rolling your own"), as the
 * wrapper's README "Quick Start" sets it up: a parsed body, `oauth.token()` for the token endpoint,
 * `oauth.authenticate()` in front of the component's routes. Both halves of the stack are this product.
 */
import express from 'express';
import OAuthServer from '@node-oauth/express-oauth-server';
import { freshSecret, type LaunchedProduct } from '../matrix.ts';
import { listen, ROUTES } from '../express-oauth2-jwt-bearer/app.ts';
import { createModel } from './model.ts';

export async function launch(): Promise<LaunchedProduct> {
  const secrets = { system: freshSecret(), readOnly: freshSecret(), shortTtl: freshSecret(), noCc: freshSecret() };
  const model = createModel([
    { id: 'items-system', secret: secrets.system, grants: ['client_credentials'], scopes: ['items:read', 'items:write'] },
    { id: 'items-reader', secret: secrets.readOnly, grants: ['client_credentials'], scopes: ['items:read'] },
    { id: 'items-short-ttl', secret: secrets.shortTtl, grants: ['client_credentials'], scopes: ['items:read'], accessTokenLifetime: 3 },
    { id: 'items-web', secret: secrets.noCc, grants: ['authorization_code'], scopes: ['items:read'] },
  ]);
  const oauth = new OAuthServer({ model });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/oauth/token', oauth.token());
  app.get(ROUTES.public, (_req, res) => {
    res.json({ status: 'up' });
  });
  app.get(ROUTES.protected, oauth.authenticate(), (_req, res) => {
    res.json({ items: [] });
  });
  app.post(ROUTES.scoped, oauth.authenticate({ scope: [ROUTES.scope] }), (_req, res) => {
    res.status(201).json({ created: true });
  });
  const server = await listen(app);
  return {
    env: {
      PRODUCT_ISSUER: server.baseUrl,
      PRODUCT_TOKEN_ENDPOINT: `${server.baseUrl}/oauth/token`,
      PRODUCT_GATEWAY: server.baseUrl,
      PRODUCT_SYSTEM_SECRET: secrets.system,
      PRODUCT_READONLY_SECRET: secrets.readOnly,
      PRODUCT_SHORT_TTL_SECRET: secrets.shortTtl,
      PRODUCT_NO_CC_SECRET: secrets.noCc,
    },
    stop: () => server.stop(),
  };
}
