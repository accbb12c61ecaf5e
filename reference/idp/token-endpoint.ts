/**
 * Corrections to oidc-provider's token endpoint answers where RFC 6749 reads stricter than its defaults, as one
 * Koa middleware around the token route (provider.use). It runs after oidc-provider produced its answer and
 * before the answer is sent, so it also reports every outcome (audit, failed-login counting) in time: the kit's
 * next request already sees the effect.
 */
import type { OidcContext } from 'oidc-provider';
import type { ProviderState } from './provider.ts';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { resignAccessToken } from './token-faults.ts';

export function tokenEndpointCorrections(state: ProviderState) {
  const { faults } = state;
  return async (ctx: OidcContext, next: () => Promise<void>): Promise<void> => {
    if (ctx.path !== '/token') return next();

    // Faults token-endpoint-refuses-everything-401 / -400 (REQ-TOK-01): the endpoint refuses every request, the correct
    // ones too, with a well-formed §5.2 error: 401 invalid_client with a Basic challenge (a credential store it cannot
    // read), or 400 invalid_request (a proxy in front of it that loses the form body: "grant_type is missing"). Every
    // refusal check then sees the refusal it asks for; only a positive control tells such an endpoint apart.
    const refuseAll = faults.has('token-endpoint-refuses-everything-401') ? 401 : faults.has('token-endpoint-refuses-everything-400') ? 400 : undefined;
    if (refuseAll !== undefined) {
      ctx.status = refuseAll;
      if (refuseAll === 401) ctx.set('WWW-Authenticate', `Basic realm="${state.issuer}"`);
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Pragma', 'no-cache');
      ctx.body = refuseAll === 401 ? { error: 'invalid_client', error_description: 'client authentication failed' } : { error: 'invalid_request', error_description: 'grant_type is missing' };
      // -401 is still an attempt that failed (seed 004: recorded, success or failure): an endpoint that cannot read
      // its credential store logs the failure like any other, so the fault breaks REQ-TOK-01 and not also REQ-AUD-02.
      // -400 is a proxy in front that never lets the request reach the IdP: nothing is authenticated, nothing logged
      // (REQ-AUD-02 is then blocked on its control, audit-checks.ts). Neither counts for the IP block: the fault is
      // the refusal, not a block of the run's own address.
      if (refuseAll === 401) state.onTokenOutcome(ctx, false);
      return;
    }

    if (faults.has('server-error-on-json-body') && /json/i.test(ctx.get('content-type'))) {
      ctx.status = 500;
      ctx.body = 'Internal Server Error';
      return;
    }

    // REQ-TOK-21: seed 001's own curl sample (multipart/form-data) gets oidc-provider's 400 invalid_request (no
    // grant_type in a form-urlencoded body). Fault multipart-token-request-500 answers it with a server error instead.
    if (faults.has('multipart-token-request-500') && /^multipart\/form-data\b/i.test(ctx.get('content-type'))) {
      ctx.status = 500;
      ctx.body = 'Internal Server Error';
      return;
    }

    await next();
    const body = typeof ctx.body === 'object' && ctx.body !== null ? (ctx.body as Record<string, unknown>) : undefined;
    const params = ctx.oidc?.params as Record<string, unknown> | undefined;

    // RFC 6749 §5.2: "no client authentication included" is invalid_client (oidc-provider says invalid_request).
    // Fault no-auth-invalid-request keeps oidc-provider's 400 invalid_request (REQ-CAUTH-08).
    if (body?.error === 'invalid_request' && params && !ctx.headers.authorization && !params.client_id && !params.client_secret && !faults.has('no-auth-invalid-request')) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client authentication is required' };
    }

    // RFC 6749 §5.2: an unknown grant type is unsupported_grant_type; fault unknown-grant-as-invalid-request says
    // invalid_request instead (REQ-TOK-11).
    if (faults.has('unknown-grant-as-invalid-request') && body?.error === 'unsupported_grant_type') {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'the grant_type is not valid' };
    }

    // RFC 6749 §5.2: an authenticated client using a grant it is not registered for is unauthorized_client
    // (oidc-provider says invalid_request).
    const client = ctx.oidc?.client;
    const grantType = params?.grant_type;
    if (body?.error === 'invalid_request' && client && typeof grantType === 'string' && !client.grantTypeAllowed(grantType)) {
      ctx.status = 400;
      ctx.body = { error: 'unauthorized_client', error_description: `this client is not allowed the ${grantType} grant` };
    }

    // Variation invalid-client-400-for-body-auth: RFC 6749 §5.2 requires 401 only when the client used the
    // Authorization header; otherwise 400 invalid_client is as correct (and then no challenge is due).
    if (faults.has('invalid-client-400-for-body-auth') && ctx.status === 401 && !ctx.headers.authorization) {
      ctx.status = 400;
      ctx.res.removeHeader('www-authenticate');
    }

    if (ctx.status === 401) {
      if (faults.has('wrong-status-invalid-client') || (faults.has('unknown-client-wrong-status') && ctx.headers.authorization && !ctx.oidc?.client)) {
        // Fault unknown-client-wrong-status: only where the client id in the header names no client (REQ-CAUTH-05).
        ctx.status = 400;
        ctx.res.removeHeader('www-authenticate');
      } else if (faults.has('no-challenge-for-body-auth') && !ctx.headers.authorization) {
        // Fault no-challenge-for-body-auth: a 401 without a challenge when the client did not use the header.
        ctx.res.removeHeader('www-authenticate');
      } else if (!ctx.res.hasHeader('www-authenticate')) {
        // RFC 7235 §3.1: a 401 carries a challenge; RFC 6749 §5.2: the scheme the client can use is Basic.
        ctx.set('WWW-Authenticate', `Basic realm="${state.issuer}"`);
      }
    }

    // Variation basic-challenge-charset: RFC 7617 §2.1 lets the Basic challenge carry charset="UTF-8" besides realm.
    if (faults.has('basic-challenge-charset') && ctx.status === 401) {
      const challenge = String(ctx.res.getHeader('www-authenticate') ?? '');
      if (/^basic\b/i.test(challenge)) ctx.set('WWW-Authenticate', `${challenge}, charset="UTF-8"`);
    }

    // Variation token-error-members: RFC 6749 §5.2 lets an error carry error_description and error_uri (Azure AD
    // and Auth0 send both), which the client may ignore. The description replaces the reference's own and uses the
    // edges of §5.2's set (space, '!', '#', '[', ']', '~', a backtick, single quotes; REQ-TOK-27), as
    // @node-oauth/oauth2-server's "Missing parameter: `grant_type`" does; the error_uri a query and a fragment.
    const errorBody = ctx.body as Record<string, unknown> | undefined;
    if (faults.has('token-error-members') && ctx.status >= 400 && typeof errorBody?.error === 'string') {
      ctx.body = {
        ...errorBody,
        error_description: `The request failed: \`${errorBody.error}\` ('see error_uri') [#5.2] ~ retry with a corrected request!`,
        error_uri: `${state.issuer}/docs/errors?code=${errorBody.error}&lang=en#${errorBody.error}`,
      };
    }

    // RFC 6749 §5.2: error_description and error_uri hold %x20-21 / %x23-5B / %x5D-7E (resp. without the space), so
    // one line of printable ASCII without '"' and '\\'. Fault multi-line-error-description writes them as Microsoft
    // Entra ID does, over CR LF lines; fault error-uri-unencoded points error_uri at a path with a raw space (REQ-TOK-27).
    const refusal = ctx.body as Record<string, unknown> | undefined;
    if (faults.has('multi-line-error-description') && ctx.status >= 400 && typeof refusal?.error === 'string') {
      const [traceId, correlationId] = [crypto.randomUUID(), crypto.randomUUID()];
      const first = String(refusal.error_description ?? refusal.error);
      ctx.body = { ...refusal, error_description: `${first}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`, trace_id: traceId, correlation_id: correlationId };
    }
    if (faults.has('error-uri-unencoded') && ctx.status >= 400 && typeof refusal?.error === 'string') {
      ctx.body = { ...(ctx.body as Record<string, unknown>), error_uri: `${state.issuer}/docs/token errors#${refusal.error}` };
    }

    // RFC 6749 §5.2: errors other than invalid_client are 400; fault non-client-errors-403 answers 403 (REQ-TOK-17).
    const error = (ctx.body as Record<string, unknown> | undefined)?.error;
    if (faults.has('non-client-errors-403') && ctx.status === 400 && typeof error === 'string' && error !== 'invalid_client') ctx.status = 403;

    // Variation scope-required: RFC 6749 §3.3 lets the server fail a request that omits scope (invalid_scope) instead
    // of applying a default. Judged after client authentication, so a wrong secret is still invalid_client.
    if (faults.has('scope-required') && ctx.status === 200 && params?.grant_type === 'client_credentials' && !params.scope) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_scope', error_description: 'this server needs the scope parameter' };
    }
    // Faults of a server that requires a scope but answers its absence otherwise than §3.3 says (REQ-TOK-19):
    // scope-less-invalid-request names the wrong error; scope-less-403-empty answers 403 with an empty body, as a
    // real IdP did (issue 16), where §5.2 wants 400 and a JSON error (REQ-TOK-09).
    const scopeLess = ctx.status === 200 && params?.grant_type === 'client_credentials' && !params.scope;
    if (faults.has('scope-less-invalid-request') && scopeLess) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'the scope parameter is required' };
    }
    if (faults.has('scope-less-403-empty') && scopeLess) {
      ctx.body = '';
      ctx.status = 403;
      ctx.res.removeHeader('content-type');
    }

    if (ctx.status === 200 && body && typeof body.access_token === 'string') {
      await applyTokenVariations(body, state, typeof params?.scope === 'string' ? params.scope : undefined);
      // Faults alg-none-tokens, hs256-tokens, unpublished-signing-key: the token's signature is replaced.
      body.access_token = await resignAccessToken(body.access_token, faults);
      // Fault token-status-201: RFC 6749 §5.1 says 200 OK (REQ-TOK-01).
      if (faults.has('token-status-201') && params?.grant_type === 'client_credentials') ctx.status = 201;
    }

    // Fault jti-per-client: RFC 7519 §4.1.7, a jti is unique per token (REQ-TOK-26); here it names the client only.
    if (faults.has('jti-per-client') && ctx.status === 200 && body && typeof body.access_token === 'string' && params?.grant_type === 'client_credentials') {
      body.access_token = await jtiOfClient(body.access_token, state);
    }

    // Fault echo-client-secret: the submitted secret must never come back (REQ-TOK-24); here every error repeats it.
    const failed = ctx.body as Record<string, unknown> | undefined;
    if (faults.has('echo-client-secret') && ctx.status >= 400 && typeof failed?.error === 'string') {
      const basic = /^basic\s+(\S+)/i.exec(ctx.get('authorization'));
      const fromBasic = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') : [];
      const id = fromBasic[0] ?? params?.client_id;
      const secret = fromBasic.length > 1 ? decodeURIComponent(fromBasic.slice(1).join(':').replace(/\+/g, ' ')) : params?.client_secret;
      if (typeof secret === 'string') ctx.body = { ...failed, error_description: `${String(failed.error_description ?? failed.error)} (client_id=${String(id)}, client_secret=${secret})` };
    }

    // RFC 6749 §5.1: no caching of token endpoint answers (REQ-TOK-05, REQ-TOK-06); §5.2's example error carries it
    // too (REQ-TOK-25), which fault errors-without-no-store leaves out. Fault omit-no-store leaves it out of the token
    // response only, as it says (on the errors too it warned REQ-TOK-25 beside REQ-TOK-05: two mistakes, not one).
    if ((faults.has('omit-no-store') && ctx.status < 400) || (faults.has('errors-without-no-store') && ctx.status >= 400)) ctx.res.removeHeader('cache-control');
    else ctx.set('Cache-Control', 'no-store');
    if (!faults.has('omit-pragma')) ctx.set('Pragma', 'no-cache');

    state.onTokenOutcome(ctx);

    // Fault token-response-text-plain: the token's JSON is labelled text/plain (REQ-TOK-02). Only the label: Koa
    // still serializes the object, and the outer middleware that records the issued token (token-state.ts, for
    // introspection) still reads it — as a string body it did not, and REQ-INTRO-01 failed beside REQ-TOK-02.
    if (faults.has('token-response-text-plain') && ctx.status < 300 && body && typeof body.access_token === 'string') ctx.type = 'text/plain';

    if (faults.has('plain-text-errors') && ctx.status >= 400) {
      const error = (ctx.body as Record<string, unknown> | undefined)?.error;
      ctx.body = `error: ${String(error)}`;
      ctx.set('Content-Type', 'text/plain; charset=utf-8');
    }
  };
}

/** Fault jti-per-client (REQ-TOK-26): the token re-signed with a jti that names its client only. */
async function jtiOfClient(token: string, state: ProviderState): Promise<string> {
  const claims = decodeJwt(token);
  const header = decodeProtectedHeader(token) as Record<string, unknown>;
  return state.keys.sign({ ...claims, jti: `jti-${String(claims.client_id)}` }, header);
}

/**
 * Conformant variations of a successful token response (reference/variations.ts): things real IdPs do that the
 * clauses allow, so the kit must not fail them.
 */
async function applyTokenVariations(body: Record<string, unknown>, state: ProviderState, requestedScope: string | undefined): Promise<void> {
  const { faults } = state;
  // RFC 6749 §5.1: token_type is case insensitive.
  // The type stays what it is (a DPoP-bound token is "dpop", RFC 9449 §5), only its letter case changes.
  if (faults.has('lowercase-token-type')) body.token_type = typeof body.token_type === 'string' ? body.token_type.toLowerCase() : 'bearer';
  // RFC 6749 §5.1: the client MUST ignore unrecognized value names (Keycloak and Azure AD send these).
  if (faults.has('token-response-extras')) Object.assign(body, { 'not-before-policy': 0, ext_expires_in: body.expires_in });
  // RFC 6749 §3.3: scope is a space-delimited list whose order carries no meaning.
  if (faults.has('scope-reordered') && typeof body.scope === 'string') body.scope = body.scope.split(' ').reverse().join(' ');
  // RFC 6749 §5.1: scope is OPTIONAL "if identical to the scope requested by the client" (after any reordering,
  // so only a grant of exactly the requested string is left unstated).
  if (faults.has('scope-omitted-as-requested') && requestedScope !== undefined && body.scope === requestedScope) delete body.scope;
  // Token edits, re-signed with the IdP's own current key, so the token stays valid.
  const nbf = faults.has('nbf-claim'); // RFC 7519 §4.1.5: nbf is OPTIONAL
  const audArray = faults.has('aud-array'); // RFC 7519 §4.1.3: aud is a string or an array of strings
  const mediaType = faults.has('typ-application-at-jwt'); // RFC 9068 §2.1: typ "at+jwt" or "application/at+jwt"
  const fractional = faults.has('fractional-numeric-dates'); // RFC 7519 §2: a NumericDate may be non-integer
  const extraClaims = faults.has('extra-access-token-claims'); // RFC 9068 §2.2: claims beyond the required ones
  if ((nbf || audArray || mediaType || fractional || extraClaims) && typeof body.access_token === 'string') {
    const claims = decodeJwt(body.access_token);
    const header = decodeProtectedHeader(body.access_token) as Record<string, unknown>;
    if (fractional && typeof claims.iat === 'number' && typeof claims.exp === 'number') {
      // The real instant of issue with its milliseconds (never ahead of now), the lifetime unchanged.
      const iat = Date.now() / 1000;
      claims.exp = iat + (claims.exp - claims.iat);
      claims.iat = iat;
    }
    if (nbf) claims.nbf = claims.iat;
    if (audArray && typeof claims.aud === 'string') claims.aud = [claims.aud, 'https://another-api.example'];
    if (mediaType) header.typ = 'application/at+jwt';
    if (extraClaims) {
      // What Okta, Azure AD and Keycloak add: azp, scp as an array, roles, a UUID jti, a version and a tenant id.
      Object.assign(claims, {
        azp: claims.client_id,
        scp: typeof claims.scope === 'string' ? claims.scope.split(' ') : [],
        roles: ['reader'],
        jti: crypto.randomUUID(),
        ver: '1.0',
        tid: 'c0ffee00-0000-4000-8000-000000000001',
      });
    }
    body.access_token = await state.keys.sign({ ...claims }, header);
  }
}
