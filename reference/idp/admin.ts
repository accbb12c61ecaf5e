/**
 * The reference IdP's TEST CONTROL PLANE — reference only, no real IdP has it and no scenario may depend on it
 * for a non-reference target (the target description's `admin` is absent there). Every call needs
 * `Authorization: Bearer <fixtures.adminToken>`; answers are JSON.
 *
 *   GET  /admin/audit                          -> AuditEntry[] (seed 004 audit log; never secrets)
 *   POST /admin/clients/{clientId}/rotate-secret  body {client_secret?}  -> {client_id, client_secret}
 *        (seed 002; the old secret is refused from then on, tokens issued before stay valid until exp;
 *         the optional body sets a known secret, e.g. to restore the fixture secret after a scenario)
 *   POST /admin/keys/rotate                    -> {kid, kids}  (new signing key; earlier public keys stay in the JWKS)
 *   POST /admin/sign  body {claims, header?}   -> {token}  (the test-token signer: exactly `claims`, signed with the
 *        current trusted key; header defaults {alg: RS256, typ: at+jwt, kid: current}; alg RS*, PS* only)
 *   POST /admin/reset                          -> {reset: true}  (clears rate-limit windows and IP blocks)
 * (The JWKS robustness checks of issue 20 drive the kit's own JWKS relay, support/jwks/relay.ts, not this plane.)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditLog } from './audit.ts';
import type { ClientRegistry } from './clients.ts';
import { UnsupportedSigningAlgError, type SigningKeys } from './keys.ts';
import { bearerToken, readBody, sendJson } from './http.ts';
import { sameSecret } from './grants.ts';

export interface AdminDeps {
  readonly adminToken: string;
  readonly audit: AuditLog;
  readonly clients: ClientRegistry;
  readonly keys: SigningKeys;
  /** Rotates the signing key (and rebuilds oidc-provider with it). */
  readonly rotateKey: () => Promise<{ kid: string }>;
  /** Rotates a client's secret (and rebuilds oidc-provider with it). */
  readonly rotateSecret: (clientId: string, requested?: string) => Promise<string>;
  readonly reset: () => void;
}

const MAX_ADMIN_BODY_BYTES = 64 * 1024;

export async function handleAdmin(req: IncomingMessage, res: ServerResponse, pathname: string, deps: AdminDeps): Promise<void> {
  const presented = bearerToken(req);
  if (!presented || !sameSecret(deps.adminToken, presented)) {
    return sendJson(res, 401, { error: 'invalid_token', error_description: 'the admin API needs the admin bearer token' }, {
      'www-authenticate': 'Bearer realm="auth-ctk-reference-admin"',
    });
  }

  if (req.method === 'GET' && pathname === '/admin/audit') return sendJson(res, 200, deps.audit.list());

  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
  const raw = await readBody(req, MAX_ADMIN_BODY_BYTES);
  if (!raw.ok) return sendJson(res, 413, { error: 'request_too_large' });
  let body: Record<string, unknown> = {};
  try {
    const text = raw.body.toString('utf8').trim();
    if (text) body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'the body must be JSON' });
  }

  const rotate = /^\/admin\/clients\/([^/]+)\/rotate-secret$/.exec(pathname);
  if (rotate) {
    const clientId = decodeURIComponent(rotate[1]!);
    if (!deps.clients.find(clientId)) return sendJson(res, 404, { error: 'unknown_client' });
    const requested = typeof body.client_secret === 'string' && body.client_secret.length > 0 ? body.client_secret : undefined;
    return sendJson(res, 200, { client_id: clientId, client_secret: await deps.rotateSecret(clientId, requested) });
  }

  if (pathname === '/admin/keys/rotate') {
    const { kid } = await deps.rotateKey();
    return sendJson(res, 200, { kid, kids: deps.keys.all.map((k) => k.kid) });
  }

  if (pathname === '/admin/sign') {
    if (typeof body.claims !== 'object' || body.claims === null || Array.isArray(body.claims)) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'claims (a JSON object) is required' });
    }
    const header = typeof body.header === 'object' && body.header !== null ? (body.header as Record<string, unknown>) : {};
    try {
      return sendJson(res, 200, { token: await deps.keys.sign(body.claims as Record<string, unknown>, header) });
    } catch (error) {
      if (error instanceof UnsupportedSigningAlgError) return sendJson(res, 400, { error: 'invalid_request', error_description: error.message });
      throw error;
    }
  }

  if (pathname === '/admin/reset') {
    deps.reset();
    return sendJson(res, 200, { reset: true });
  }

  return sendJson(res, 404, { error: 'not_found', error_description: `no admin operation ${req.method} ${pathname}` });
}
