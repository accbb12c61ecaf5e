/**
 * A tiny component behind @fastify/jwt, as its README configures it:
 * - "Verifying with JWKS": `decode: { complete: true }` and a `secret` function that asks get-jwks for the
 *   token's key (`getJwks.getPublicKey({ kid, domain: iss, alg })`);
 * - get-jwks README "Options": `issuersWhitelist` (only this issuer) and `providerDiscovery: true` (the JWKS
 *   location from the issuer's discovery document, where this IdP publishes it);
 * - "verify" options (fast-jwt `createVerifier`, linked from the README): `allowedIss`, `allowedAud`;
 * - "Usage": protected routes run `request.jwtVerify()` in `onRequest` and `reply.send(err)` on failure, so
 *   the plugin's own documented errors (FST_JWT_*, "Error Code") are the answer;
 * - @fastify/jwt has no scope helper: the scoped route checks `request.user.payload.scope` in a preHandler and
 *   answers 403, fastify's reply for a refused permission.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fjwt from '@fastify/jwt';
import buildGetJwks from 'get-jwks';
import { ROUTES, type StartedGateway } from '../express-oauth2-jwt-bearer/app.ts';

/**
 * `plugins`: what a product built on this one registers before the routes (../fastify-rate-limit registers
 * @fastify/rate-limit there, as its README does before declaring routes).
 */
export async function startFastifyJwt(options: { issuer: string; audience: string; plugins?: (fastify: FastifyInstance) => Promise<void> }): Promise<StartedGateway> {
  const fastify = Fastify();
  await options.plugins?.(fastify);
  const getJwks = buildGetJwks({ issuersWhitelist: [options.issuer], providerDiscovery: true });
  await fastify.register(fjwt, {
    decode: { complete: true },
    secret: (_request: FastifyRequest, token: unknown) => {
      const {
        header: { kid, alg },
        payload: { iss },
      } = token as { header: { kid: string; alg: string }; payload: { iss: string } };
      return getJwks.getPublicKey({ kid, domain: iss, alg });
    },
    verify: { allowedIss: options.issuer, allowedAud: options.audience },
  });
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await request.jwtVerify();
    } catch (err) {
      reply.send(err);
    }
  };
  fastify.get(ROUTES.public, async () => ({ status: 'up' }));
  fastify.get(ROUTES.protected, { onRequest: [authenticate] }, async () => ({ items: [] }));
  fastify.post(
    ROUTES.scoped,
    {
      onRequest: [authenticate],
      preHandler: async (request, reply) => {
        const claims = request.user as { payload?: { scope?: string } };
        if (!String(claims.payload?.scope ?? '').split(' ').includes(ROUTES.scope)) reply.code(403).send({ error: 'insufficient_scope' });
      },
    },
    async (_request, reply) => reply.code(201).send({ created: true }),
  );
  const address = await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { baseUrl: address, stop: () => fastify.close() };
}
