/**
 * The external provider: a deployment nobody here started, described by a target profile (YAML). Before any
 * scenario runs it fetches and checks the discovery document (when the profile names one) and makes sure every
 * endpoint answers at all, so a typo in a URL is one clear error (exit 2) instead of a wall of failed
 * scenarios. It sends only harmless requests without credentials (GETs, and one POST to the token endpoint), and
 * says so before sending them. A token endpoint that the discovery document names and that answers as none does
 * (404) is not a usage error but the target's own finding (REQ-DISC-11): the run goes on, and every check that
 * needs the token endpoint reports itself blocked by it.
 */
import { trustTargetCa } from '../tls/trust.ts';
import { describeOutcome, jsonOf, send, type Exchange } from '../http/exchange.ts';
import { loadProfile, ProfileError, type TargetProfile } from './profile.ts';
import { once, type StartOptions, type StartedTarget, type TargetProvider } from './provider.ts';
import type { JwksRelayDescription, TargetDescription } from './target.ts';
import { importSigner } from '../jwt/test-signer.ts';
import { JwksRelay, JwksRelayStartError } from '../jwks/relay.ts';

export class ExternalTargetProvider implements TargetProvider {
  readonly kind = 'external' as const;
  readonly label: string;
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
    this.label = file;
  }

  async start(options: StartOptions = {}): Promise<StartedTarget> {
    const profile = loadProfile(this.file, options.envFile ? { envFile: options.envFile } : {});
    const log = options.log ?? ((line: string) => console.error(line));
    const description = await describeExternalTarget(profile, log);
    if (!profile.jwksRelay) return { description, stop: async () => undefined };
    // Issue 20: the kit's JWKS relay, up before cucumber starts and stopped with the target (auth-ctk run stops the
    // target at the end of the run and on SIGINT/SIGTERM).
    const relay = await startJwksRelay(profile, description.jwksUri!, log);
    return { description: { ...description, jwksRelay: relay.description }, stop: once(() => relay.relay.stop()) };
  }
}

/** Starts the relay where the profile says; a port that cannot be had is the profile's error (exit 2). */
export async function startJwksRelay(profile: TargetProfile, upstream: string, log: (line: string) => void): Promise<{ relay: JwksRelay; description: JwksRelayDescription }> {
  const { host, port, gatewayUrl } = profile.jwksRelay!;
  let relay: JwksRelay;
  try {
    relay = await JwksRelay.start({ upstream, host, port });
  } catch (error) {
    throw new ProfileError(profile.file, 'jwksRelay.listen', `the relay could not listen on ${host}:${port} (${error instanceof JwksRelayStartError ? error.message.replace(/^.*: /, '') : String(error)}): expected a free port of this machine`);
  }
  const shared = gatewayUrl === profile.gateway?.baseUrl.replace(/\/+$/, '');
  log(`auth-ctk: JWKS relay at ${relay.url} (the JWK Set of ${upstream} plus the kit's test keys); the JWKS checks call ${gatewayUrl}, whose jwks_uri must be the relay's${shared ? ' (the target\'s own gateway: they run alone)' : ''}`);
  return { relay, description: { url: relay.url, gatewayUrl, adminToken: relay.adminToken, ...(shared ? { shared: true } : {}) } };
}

interface Discovery {
  readonly issuer?: string;
  readonly token_endpoint?: string;
  readonly jwks_uri?: string;
  readonly authorization_endpoint?: string;
}

export async function describeExternalTarget(profile: TargetProfile, log: (line: string) => void): Promise<TargetDescription> {
  const timeoutMs = Math.round(profile.limits.requestTimeoutSeconds * 1000);
  const fail = (field: string, detail: string): never => {
    throw new ProfileError(profile.file, field, detail);
  };
  // Issue 19: a private CA of the target (tls.caFile) is trusted before the first request to it.
  trustTargetCa(profile.tls?.caPem);
  const get = async (url: string): Promise<Exchange> => send({ method: 'GET', url, headers: { accept: 'application/json' }, timeoutMs });

  let discovery: Discovery = {};
  if (profile.idp.discoveryUrl) {
    log(`auth-ctk: checking ${profile.file}: GET ${profile.idp.discoveryUrl}`);
    discovery = parseDiscovery(await get(profile.idp.discoveryUrl), profile.idp.discoveryUrl, fail);
  }
  const issuer = profile.idp.issuer ?? discovery.issuer;
  const tokenEndpoint = profile.idp.tokenEndpoint ?? discovery.token_endpoint;
  const jwksUri = profile.idp.jwksUri ?? discovery.jwks_uri;
  const authorizationEndpoint = profile.idp.authorizationEndpoint ?? discovery.authorization_endpoint;
  if (!issuer) fail('idp.issuer', 'missing, and the discovery document has no "issuer" (expected the issuer identifier tokens carry in `iss`)');
  if (!tokenEndpoint) fail('idp.tokenEndpoint', 'missing, and the discovery document has no "token_endpoint" (expected the token endpoint URL)');
  // Only JWT access tokens need a JWK Set; an IdP with opaque tokens may publish none (profile.ts checkTokenFormatFields).
  const jwt = profile.capabilities['jwt-access-tokens'] === true || profile.capabilities['rfc9068-access-tokens'] === true;
  if (!jwksUri && jwt) fail('idp.jwksUri', 'missing, and the discovery document has no "jwks_uri" (expected the JWKS URL: the profile claims JWT access tokens)');
  if (profile.idp.issuer && discovery.issuer && discovery.issuer !== profile.idp.issuer) {
    // Not a usage error: the discovery scenarios judge it (RFC 8414 §3.3). The profile's value is what tokens must carry.
    log(`auth-ctk: note: discovery says issuer ${JSON.stringify(discovery.issuer)}, the profile says ${JSON.stringify(profile.idp.issuer)}; using the profile's`);
  }

  // Reachability: any HTTP answer will do (a token endpoint answers GET with 405 or 400); no answer is an error.
  const gateway = profile.gateway;
  const baseUrl = gateway?.baseUrl.replace(/\/+$/, '');
  const probes: [string, string][] = [
    [profile.idp.tokenEndpoint ? 'idp.tokenEndpoint' : 'idp.discoveryUrl (token_endpoint)', tokenEndpoint!],
    ...(jwksUri ? [[profile.idp.jwksUri ? 'idp.jwksUri' : 'idp.discoveryUrl (jwks_uri)', jwksUri] as [string, string]] : []),
    // An IdP-only profile names no gateway: nothing to probe there, and its requirements are not applicable.
    ...(gateway ? [['gateway.baseUrl', `${baseUrl}${gateway.routes.public}`] as [string, string]] : []),
    // Issue 20: the gateway whose jwks_uri is the kit's relay (a public route needs no keys, so it answers before the relay is up).
    ...(gateway && profile.jwksRelay && profile.jwksRelay.gatewayUrl !== baseUrl ? [['jwksRelay.gatewayUrl', `${profile.jwksRelay.gatewayUrl}${gateway.routes.public}`] as [string, string]] : []),
  ];
  if (!gateway) log(`auth-ctk: ${profile.file} names no gateway: testing the IdP only (gateway and identity requirements are not applicable)`);
  log(`auth-ctk: checking ${profile.file}: GET (no credentials) ${probes.map(([, url]) => url).join(', ')}`);
  const answers = await Promise.all(probes.map(([, url]) => get(url)));
  answers.forEach((exchange, i) => {
    const [field, url] = probes[i]!;
    if (exchange.transportError) fail(field, `expected a reachable URL; ${url} gave ${describeOutcome(exchange)}`);
  });

  const tokenEndpointUnusable = await probeTokenEndpoint(tokenEndpoint!, profile.idp.tokenEndpoint !== undefined, timeoutMs, fail, log);
  if (profile.testSigner) {
    try {
      await importSigner(profile.testSigner);
    } catch (error) {
      fail('testTokenSigner.privateJwk', `the key could not be imported for ${profile.testSigner.alg}: ${(error as Error).message}`);
    }
    log(`auth-ctk: ${profile.file}: test tokens are signed with the profile's key (alg ${profile.testSigner.alg}${profile.testSigner.kid ? `, kid ${profile.testSigner.kid}` : ''})`);
  }

  const limits = profile.limits;
  return {
    name: profile.name,
    kind: 'external',
    issuer: issuer!,
    ...(profile.idp.discoveryUrl ? { discoveryUrl: profile.idp.discoveryUrl } : {}),
    tokenEndpoint: tokenEndpoint!,
    ...(tokenEndpointUnusable ? { tokenEndpointUnusable } : {}),
    ...(jwksUri ? { jwksUri } : {}),
    ...(profile.idp.metadata === false ? { metadata: false as const } : {}),
    ...(authorizationEndpoint ? { authorizationEndpoint } : {}),
    ...(profile.idp.tokenRequestParameters ? { tokenRequestParameters: profile.idp.tokenRequestParameters } : {}),
    ...(gateway?.audience !== undefined ? { audience: gateway.audience } : {}),
    ...(gateway?.audienceCheck !== undefined && gateway.audienceCheck !== 'exact' ? { audienceCheck: gateway.audienceCheck } : {}),
    ...(gateway ? { gateway: { baseUrl: baseUrl!, routes: gateway.routes, ...(gateway.componentUrl ? { componentUrl: gateway.componentUrl.replace(/\/+$/, '') } : {}) } } : {}),
    clients: profile.clients,
    users: profile.users,
    ...(profile.browserLogin ? { browserLogin: profile.browserLogin } : {}),
    capabilities: profile.capabilities,
    limits: {
      ...(limits.tokenRequestsPerSecond !== undefined ? { tokenRequestsPerSecond: limits.tokenRequestsPerSecond } : {}),
      ...(limits.ipBlock ? { ipBlock: limits.ipBlock } : {}),
      ...(limits.gateway ? { gateway: limits.gateway } : {}),
      ...(limits.ownAddressCoolDownSeconds !== undefined ? { ownAddressCoolDownSeconds: limits.ownAddressCoolDownSeconds } : {}),
      ...(limits.revocationSeconds !== undefined ? { revocationSeconds: limits.revocationSeconds } : {}),
      ...(limits.authorizationCodeSeconds !== undefined ? { authorizationCodeSeconds: limits.authorizationCodeSeconds } : {}),
      ...(limits.longWaits === true ? { longWaits: true } : {}),
      clockSkewSeconds: limits.clockSkewSeconds,
      requestTimeoutMs: timeoutMs,
      // limits.loadScenarios not true -> caps of 0: the load cap (support/load/load-cap.ts) lets nothing through.
      maxRequestsPerSecond: limits.maxRequestsPerSecond,
      maxRequestsPerRun: limits.maxRequestsPerRun,
    },
    sourceAddresses: profile.sourceAddresses,
    ...(profile.admin ? { admin: profile.admin } : {}),
    ...(profile.testSigner ? { testSigner: profile.testSigner } : {}),
    ...(profile.foreignIssuer ? { foreignIssuer: profile.foreignIssuer } : {}),
    ...(profile.selfServiceRotation ? { selfServiceRotation: profile.selfServiceRotation } : {}),
    ...(profile.privateKeyJwtClient ? { privateKeyJwtClient: profile.privateKeyJwtClient } : {}),
    ...(profile.introspection ? { introspection: profile.introspection } : {}),
    ...(profile.revocation ? { revocation: profile.revocation } : {}),
    ...(profile.tls ? { tls: profile.tls } : {}),
    ...(profile.mtls ? { mtls: profile.mtls } : {}),
  };
}

/** Answers no token endpoint gives to a POST: nothing is there (404, 410) or POST is not served (405). */
const NOT_A_TOKEN_ENDPOINT = [404, 405, 410];

/**
 * One POST without credentials (grant_type only): a token endpoint answers it with an OAuth error (RFC 6749 §5.2),
 * never with 404. A URL from the profile that does is a usage error; one from the discovery document is a finding.
 */
async function probeTokenEndpoint(
  url: string,
  fromProfile: boolean,
  timeoutMs: number,
  fail: (field: string, detail: string) => never,
  log: (line: string) => void,
): Promise<TargetDescription['tokenEndpointUnusable']> {
  log(`auth-ctk: checking the token endpoint: POST (no credentials, grant_type only) ${url}`);
  const probe = await send({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: 'grant_type=client_credentials', timeoutMs });
  const status = probe.response?.status;
  if (status === undefined || !NOT_A_TOKEN_ENDPOINT.includes(status)) return undefined;
  if (fromProfile) fail('idp.tokenEndpoint', `expected the token endpoint URL; a token request to ${url} gave ${describeOutcome(probe)}`);
  log(`auth-ctk: note: the token_endpoint the discovery document names (${url}) answers a token request with HTTP ${status}: REQ-DISC-11 reports it, and every check that needs a token is blocked by it`);
  return {
    requirement: 'REQ-DISC-11',
    reason: `blocked: the token_endpoint the discovery document names (${url}) answers a token request with HTTP ${status} (REQ-DISC-11)`,
  };
}

function parseDiscovery(exchange: Exchange, url: string, fail: (field: string, detail: string) => never): Discovery {
  const field = 'idp.discoveryUrl';
  if (exchange.transportError) fail(field, `expected a reachable discovery document; ${url} gave ${describeOutcome(exchange)}`);
  const res = exchange.response!;
  if (res.status !== 200) fail(field, `expected HTTP 200 with the discovery document (RFC 8414 §3.2); ${url} gave ${describeOutcome(exchange)}`);
  const json = jsonOf(exchange);
  if (!json) {
    const type = res.headers['content-type'] ?? 'no content type';
    const start = JSON.stringify(res.body.trim().slice(0, 40));
    fail(field, `expected a JSON object (RFC 8414 §3.2); ${url} gave ${type}, body starting ${start}`);
  }
  const strings = ['issuer', 'token_endpoint', 'jwks_uri', 'authorization_endpoint'] as const;
  for (const key of strings) {
    const value = json![key];
    if (value === undefined) continue;
    if (typeof value !== 'string') fail(field, `expected "${key}" to be a string in the discovery document; got ${typeof value}`);
    if (key !== 'issuer' && !isHttpUrl(value as string)) fail(field, `expected "${key}" to be an http(s) URL in the discovery document; got ${JSON.stringify(value)}`);
  }
  return json as Discovery;
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}
