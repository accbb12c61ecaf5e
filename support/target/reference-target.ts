/** The reference stack seen as a target: its URLs plus the fixture file, every capability its switches give it claimed. */
import { CAPABILITIES, type Capability, CLIENT_CAPABILITIES } from '../requirements/types.ts';
import type { ReferenceStack } from '../../reference/stack.ts';
import { foreignIssuerOf, loadReferenceFixtures } from '../../reference/fixtures.ts';
import { FAULTS, withNeededVariations } from '../../reference/faults.ts';
import { referenceClaims } from '../../reference/variations.ts';
import { MTLS_CAPABILITIES, type TargetDescription, type TargetKind } from './target.ts';

/**
 * 127.0.0.2 .. 127.0.0.101: distinct client IPs on Linux loopback, none of them the default 127.0.0.1. A hundred, not
 * sixty: the load checks take a fresh address per scenario from the load half of the list (split between the
 * workers), and besides the token endpoint's (about ten) and, with the variation gateway-rate-limit, the gateway's
 * (about ten), the other OAuth endpoints' checks (issue 22) take five.
 */
export const LOOPBACK_SOURCE_ADDRESSES = Array.from({ length: 100 }, (_, i) => `127.0.0.${i + 2}`);

export function describeReferenceTarget(
  urls: ReferenceStack['urls'],
  options: { name?: string; kind?: TargetKind; faults?: readonly string[]; fixturesPath?: string } = {},
): TargetDescription {
  const fx = loadReferenceFixtures(options.fixturesPath, options.faults ?? []);
  // Every capability, except the ones only a variation switches on (the gateway's rate limit and IP block), which
  // are claimed when that variation, or a fault that needs it, is on.
  const switches = withNeededVariations(options.faults ?? []);
  // A client's own claims (offline-cache) are not the stack's: the reference is an IdP and a gateway.
  const capabilities = Object.fromEntries(CAPABILITIES.filter((c) => !CLIENT_CAPABILITIES.includes(c)).map((c) => [c, referenceClaims(c, switches)])) as Record<Capability, boolean>;
  const { system, readOnly, shortTtl, rotation, noClientCredentials, web, publicWeb, otherAudience, frontEndSystem, secretJwt, disabled } = fx.clients;
  const foreign = fx.foreignIssuer;
  // Test aids the fixture file may leave out (a fixture of its own, AUTH_CTK_FIXTURES): claimed only when there.
  Object.assign(capabilities, { 'foreign-issuer': foreign !== undefined, 'other-audience-client': otherAudience !== undefined });
  // Issue 22: what the fixture file offers (a fixture of its own may leave them out): claimed only when there.
  const selfService = fx.selfServiceRotation;
  Object.assign(capabilities, { 'self-service-rotation': selfService !== undefined, 'customer-deletes': fx.routes.customerDelete !== undefined });
  // Issue 19: the private_key_jwt client, claimed only where the fixture file has one.
  const pkjwt = fx.privateKeyJwtClient;
  capabilities['private-key-jwt'] = pkjwt !== undefined;
  // Issue 19: the client_secret_jwt client and the disabled client, claimed only where the fixture file has them.
  capabilities['client-secret-jwt'] = secretJwt !== undefined;
  capabilities['disabled-client'] = disabled !== undefined;
  // Issue 20: the JWKS relay and its gateway (reference/stack.ts); a stack without them (containers) has no jwks-control.
  capabilities['jwks-control'] = urls.jwksRelay !== undefined;
  // A fault may stand for a target that never made a seed's promise (issue-refresh-token-unclaimed): not claimed then.
  // Issue 19: mutual TLS (RFC 8705), claimed where the stack started its mTLS listeners (reference/mtls.ts).
  const mtls = urls.mtls;
  // Without the listeners (a description from given URLs) the capabilities are left out, as a profile without mtls leaves them.
  for (const c of MTLS_CAPABILITIES) {
    if (mtls) capabilities[c] = true;
    else delete capabilities[c];
  }
  for (const name of options.faults ?? []) for (const c of FAULTS.find((f) => f.name === name)?.unclaims ?? []) capabilities[c] = false;
  return {
    name: options.name ?? 'auth-ctk reference stack',
    kind: options.kind ?? 'reference',
    issuer: urls.issuer,
    discoveryUrl: `${urls.idp}/.well-known/openid-configuration`,
    tokenEndpoint: `${urls.idp}/token`,
    jwksUri: `${urls.idp}/jwks`,
    authorizationEndpoint: `${urls.idp}/auth`,
    audience: fx.audience,
    // The component's own port (REQ-CANVAS-01), where the kit can reach it: not in a bridge network of containers.
    gateway: { baseUrl: urls.gateway, routes: fx.routes, ...(URL.canParse(urls.component) ? { componentUrl: urls.component } : {}) },
    // The reference IdP grants a client only the scopes it lists, so it must refuse the read-only client the
    // scoped route's scope (REQ-TOK-12).
    clients: { system: system!, readOnly: readOnly && { ...readOnly, refusedScopes: [fx.routes.scoped.scope] }, shortTtl, rotation, noClientCredentials, web, publicWeb, otherAudience, ...(frontEndSystem ? { frontEndSystem } : {}), ...(secretJwt ? { secretJwt } : {}), ...(disabled ? { disabled } : {}) },
    users: fx.users,
    capabilities,
    limits: fx.limits,
    sourceAddresses: LOOPBACK_SOURCE_ADDRESSES,
    admin: { baseUrl: urls.idp, token: fx.adminToken },
    // The IdP's second issuer (reference/idp/foreign-issuer.ts), on the same server under its own path.
    ...(foreign
      ? {
          foreignIssuer: {
            issuer: foreignIssuerOf(urls.issuer, foreign.path),
            tokenEndpoint: `${urls.idp}${foreign.path}/token`,
            client: { clientId: foreign.clientId, clientSecret: foreign.clientSecret, scopes: foreign.scopes },
          },
        }
      : {}),
    // Issue 19: oidc-provider's endpoints (reference/idp/token-state.ts); the read-only client may not introspect.
    introspection: { endpoint: `${urls.idp}/token/introspection`, client: 'system' as const, ...(readOnly ? { notAllowedClient: 'readOnly' as const } : {}) },
    revocation: { endpoint: `${urls.idp}/token/revocation` },
    ...(selfService ? { selfServiceRotation: { url: `${urls.idp}${selfService.path}`, method: 'POST' as const, secret: '/client_secret', owner: selfService.owner } } : {}),
    ...(pkjwt
      ? { privateKeyJwtClient: { clientId: pkjwt.clientId, scopes: pkjwt.scopes, privateJwk: pkjwt.privateJwk, alg: pkjwt.alg, ...(typeof pkjwt.privateJwk.kid === 'string' ? { kid: pkjwt.privateJwk.kid } : {}) } }
      : {}),
    // Variation https-reference (issue 19): the run's CA, and the port of the IdP's plain-http twin (REQ-TLS-07).
    ...(urls.tls ? { tls: { caPem: urls.tls.caPem, ...(urls.tls.plainIdp ? { plainHttpPort: Number(new URL(urls.tls.plainIdp).port) } : {}) } } : {}),
    ...(urls.jwksRelay ? { jwksRelay: { url: urls.jwksRelay.url, gatewayUrl: urls.jwksRelay.gatewayUrl, adminToken: urls.jwksRelay.adminToken } } : {}),
    ...(mtls
      ? {
          mtls: {
            tokenEndpoint: `${mtls.idpUrl}/token`,
            gatewayUrl: mtls.gatewayUrl,
            caCertificatePem: mtls.caCertificatePem,
            clientId: mtls.clientId,
            // The scopes a system client asks for (the mTLS client is registered for them): the kit asks for the
            // declared scopes everywhere, so an IdP that requires a scope is judged on that one request only.
            scope: system.scopes.join(' '),
            client: { certificatePem: mtls.client.certificatePem, privateKeyPem: mtls.client.privateKeyPem },
            otherCertificate: { certificatePem: mtls.otherCertificate.certificatePem, privateKeyPem: mtls.otherCertificate.privateKeyPem },
          },
        }
      : {}),
    faults: options.faults ?? [],
  };
}
