/**
 * Loading a target profile: YAML -> JSON Schema validation (support/target/profile-schema.ts) -> `${VAR}`
 * interpolation from the environment and a .env file -> a typed profile. Any problem is ONE ProfileError that
 * names the file (and line), the field and what was expected; the CLI turns it into exit code 2 before any
 * scenario runs. Secret values never appear in an error: a literal where a `${VAR}` reference belongs is
 * reported without echoing it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve, relative } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { UsageError } from '../../cli/errors.ts';
import type { Capability } from '../requirements/types.ts';
import { MTLS_CAPABILITIES } from './target.ts';
import type { ClientRoleName, IntrospectionDescription, MtlsDescription, PrivateKeyJwtClient, RevocationDescription, SecretJwtClient, SelfServiceRotationDescription, TargetTls } from './target.ts';
import { certificatesOf, TargetCaError } from '../tls/trust.ts';
import type { AdminDescription, ApplicationType, AudienceCheck, GatewayLimits, BrowserLoginDescription, ClientCredentials, ForeignIssuerDescription, RouteSet, TargetDescription, TestSignerDescription, TestUser } from './target.ts';
import { checkSigningJwk } from '../jwt/signing-keys.ts';
import { PROFILE_SCHEMA } from './profile-schema.ts';
import { readDotenv, DotenvError } from './dotenv.ts';

export class ProfileError extends UsageError {
  readonly file: string;
  readonly field: string;
  constructor(file: string, field: string, detail: string, line?: number) {
    super(`target profile ${file}${line ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'ProfileError';
    this.file = file;
    this.field = field;
  }
}

type ClientRole = keyof TargetDescription['clients'];

/** A validated profile with every `${VAR}` resolved. Holds secrets: never log it. */
export interface TargetProfile {
  /** The profile file as given (for messages). */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly idp: {
    readonly discoveryUrl?: string;
    readonly issuer?: string;
    readonly tokenEndpoint?: string;
    /** Absent: an IdP whose access tokens are not JWTs may name none (checkTokenFormatFields). */
    readonly jwksUri?: string;
    /** false: no RFC 8414 metadata is published (the discovery requirements are not applicable). */
    readonly metadata?: boolean;
    readonly authorizationEndpoint?: string;
    /** Extra parameters for every client-credentials and password token request (audience, resource). */
    readonly tokenRequestParameters?: Readonly<Record<string, string>>;
  };
  /** Absent: an IdP-only profile (the gateway's requirements are not applicable). */
  readonly gateway?: {
    readonly baseUrl: string;
    /** The component's own base URL, reachable without the gateway (REQ-CANVAS-01); absent: that check does not apply. */
    readonly componentUrl?: string;
    /** Absent when audienceCheck is "none" or "scope". */
    readonly audience?: string;
    readonly audienceCheck?: AudienceCheck;
    readonly routes: RouteSet;
  };
  readonly clients: TargetDescription['clients'];
  readonly users: readonly TestUser[];
  readonly browserLogin?: BrowserLoginDescription;
  readonly capabilities: Readonly<Partial<Record<Capability, boolean>>>;
  readonly limits: {
    readonly tokenRequestsPerSecond?: number;
    readonly ipBlock?: { readonly failedAttempts: number; readonly blockSeconds: number };
    /** The gateway's per-IP limits (REQ-GRL-*). */
    readonly gateway?: GatewayLimits;
    readonly ownAddressCoolDownSeconds?: number;
    /** Issue 19: the gateway's bound for refusing a revoked token (REQ-REVOKE-04). */
    readonly revocationSeconds?: number;
    /** Issue 20: the IdP's authorization code lifetime (REQ-AUTHZ-08/-09), and the opt-in to waits beyond 15 s. */
    readonly authorizationCodeSeconds?: number;
    readonly longWaits?: boolean;
    readonly clockSkewSeconds: number;
    readonly requestTimeoutSeconds: number;
    /** Load-generating scenarios allowed; when false both caps are 0, so nothing load-generating is sent. */
    readonly loadScenarios: boolean;
    readonly maxRequestsPerSecond: number;
    readonly maxRequestsPerRun: number;
  };
  readonly sourceAddresses: readonly string[];
  readonly admin?: AdminDescription;
  /** The key the gateway trusts, parsed and checked (a secret). */
  readonly testSigner?: TestSignerDescription;
  /** A second issuer whose genuine tokens the gateway must refuse (a test aid). */
  readonly foreignIssuer?: ForeignIssuerDescription;
  /** Seed 002's self-service rotation (issue 22). */
  readonly selfServiceRotation?: SelfServiceRotationDescription;
  /** Issue 19: the private_key_jwt client and its private key, parsed and checked (a secret). */
  readonly privateKeyJwtClient?: PrivateKeyJwtClient;
  /** RFC 7662 introspection and RFC 7009 revocation (issue 19). */
  readonly introspection?: IntrospectionDescription;
  readonly revocation?: RevocationDescription;
  /** Issue 19: TLS of an https target: the private CA (read from tls.caFile), the plain-http port to probe. */
  readonly tls?: TargetTls;
  /** Issue 20: where the kit's JWKS relay listens, and the gateway whose jwks_uri points at it (capability jwks-control). */
  readonly jwksRelay?: JwksRelayProfile;
  /** Issue 19: mutual TLS (RFC 8705), the certificate files read (the keys are secrets). */
  readonly mtls?: MtlsDescription;
}

/** The profile's jwksRelay, checked: the relay is started by `auth-ctk run` (support/target/external.ts). */
export interface JwksRelayProfile {
  readonly host: string;
  readonly port: number;
  /** The gateway whose jwks_uri is the relay (default: gateway.baseUrl). */
  readonly gatewayUrl: string;
}

/**
 * Defaults for what a profile may leave out. Clock skew: 60 s is the leeway common gateways allow by default;
 * assuming less than the target really allows would turn a correct "still accepted within leeway" into a false
 * alarm, so the kit assumes the generous value unless told. Timeout: 10 s per request.
 */
export const PROFILE_DEFAULTS = { clockSkewSeconds: 60, requestTimeoutSeconds: 10 } as const;

export interface LoadProfileOptions {
  /** Variables to resolve `${VAR}` from (default: process.env). They win over any .env file. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A .env file given on the command line; else the profile's `envFile`; else ./.env when it exists. */
  readonly envFile?: string;
  /** Directory for ./.env lookup (default: process.cwd()). */
  readonly cwd?: string;
}

// strictRequired off: anyOf/then branches name properties declared one level up, which is correct JSON Schema.
const ajv = new Ajv({ allErrors: false, verbose: true, strict: true, strictRequired: false });
const validateSchema = ajv.compile(PROFILE_SCHEMA);

export function loadProfile(file: string, options: LoadProfileOptions = {}): TargetProfile {
  const shown = displayPath(file, options.cwd);
  if (!existsSync(file)) throw new ProfileError(shown, '', 'file not found (expected a YAML target profile: see fixtures/targets/example.yaml)');
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const line = lineCounter.linePos(error.pos[0]).line;
    const hint = /flow-map-start/.test(error.message) ? ' (inside { } a ${VAR} reference needs quotes: "${VAR}")' : '';
    throw new ProfileError(shown, '', `not valid YAML: ${error.message.split('\n')[0]}${hint}`, line);
  }
  const raw: unknown = doc.toJS();
  const lineOf = (path: readonly (string | number)[]) => lineOfNode(doc, lineCounter, path);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ProfileError(shown, '', `expected a YAML mapping with name, idp, gateway and clients; got ${describeValue(raw)}`);
  }
  if (!validateSchema(raw)) {
    const { field, path, detail } = explain(pickError(validateSchema.errors ?? []));
    throw new ProfileError(shown, field, detail, lineOf(path));
  }

  const variables = environmentFor(file, shown, raw as { envFile?: string }, options);
  const resolved = interpolate(raw, [], variables, (path, detail) => {
    throw new ProfileError(shown, fieldName(path), detail, lineOf(path));
  }) as RawProfile;
  const failAt = (path: (string | number)[], detail: string): never => {
    throw new ProfileError(shown, fieldName(path), detail, lineOf(path));
  };
  checkResolved(resolved, failAt);
  checkTokenFormatFields(resolved, failAt);
  checkGenuineTokenAids(resolved, failAt);
  checkGatewayLimitClaims(resolved, failAt);
  checkOwnershipEntries(resolved, failAt);
  checkTokenStateEntries(resolved, failAt);
  checkClientEntries(resolved, failAt);
  return withMtls(file, withJwksRelay(withTls(file, resolved, failAt, withClientEntries(withTokenStateEntries(withPrivateKeyJwtClient(withOwnershipEntries(withGenuineTokenAids(toProfile(shown, resolved, testSignerOf(resolved, failAt)), resolved), resolved), resolved, failAt), resolved), resolved)), resolved, failAt), resolved, failAt);
}

// ---------------------------------------------------------------------------------------------------------
// validation errors -> one sentence

function pickError(errors: readonly ErrorObject[]): ErrorObject {
  // anyOf / if-then / propertyNames report their branches' errors first; the combined error says more.
  return errors.find((e) => e.keyword === 'anyOf' || e.keyword === 'propertyNames') ?? errors.find((e) => e.keyword !== 'if') ?? errors[0]!;
}

function pathOf(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function fieldName(path: readonly (string | number)[]): string {
  return path.reduce<string>((name, p) => (typeof p === 'number' ? `${name}[${p}]` : name ? `${name}.${p}` : p), '');
}

function explain(error: ErrorObject): { field: string; path: (string | number)[]; detail: string } {
  const path = pathOf(error.instancePath);
  const parent = (error.parentSchema ?? {}) as { description?: string; properties?: Record<string, { description?: string }> };
  const expected = parent.description ?? 'a valid value';
  const isSecret = /\$\{AUTH_CLIENT_SECRET\}/.test(expected);
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const childPath = [...path, missing];
      // `then` branches name properties declared in the enclosing object: look the field up from the root.
      const child = parent.properties?.[missing]?.description ?? schemaAt(childPath)?.description;
      return { field: fieldName(childPath), path, detail: `missing (expected ${child ?? 'a value'})` };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(parent.properties ?? {});
      return {
        field: fieldName([...path, extra]),
        path: [...path, extra],
        detail: `unknown key "${extra}" (expected one of: ${known.join(', ')})`,
      };
    }
    case 'anyOf':
      return { field: fieldName(path), path, detail: `incomplete (expected ${expected})` };
    case 'propertyNames': {
      // A name the schema refuses (idp.tokenRequestParameters: the ones the kit sets itself).
      const name = (error.params as { propertyName: string }).propertyName;
      const names = (parent as { propertyNames?: { description?: string } }).propertyNames?.description ?? 'another name';
      return {
        field: fieldName([...path, name]),
        path: [...path, name],
        detail: `"${name}" is not allowed here: the kit sets it itself in each request (expected ${names})`,
      };
    }
    case 'type':
      return { field: fieldName(path), path, detail: `expected ${expected}; got ${isSecret ? 'a value of another type' : describeValue(error.data)}` };
    case 'pattern':
      if (isSecret) {
        return {
          field: fieldName(path),
          path,
          detail: `a literal secret is not allowed in a profile (expected ${expected.replace(/^[^:]*: /, '')})`,
        };
      }
      return { field: fieldName(path), path, detail: `expected ${expected}; got ${describeValue(error.data)}` };
    default:
      return { field: fieldName(path), path, detail: `expected ${expected}; got ${isSecret ? 'another value' : describeValue(error.data)}` };
  }
}

interface SchemaNode {
  readonly description?: string;
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
}

function schemaAt(path: readonly (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = PROFILE_SCHEMA as unknown as SchemaNode;
  for (const p of path) node = typeof p === 'number' ? node?.items : node?.properties?.[p];
  return node;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function lineOfNode(doc: Document, lineCounter: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// ${VAR} interpolation

interface Variables {
  readonly values: Readonly<Record<string, string | undefined>>;
  /** Where the values could have come from, for the "not set" message. */
  readonly sources: string;
}

function environmentFor(file: string, shown: string, raw: { envFile?: string }, options: LoadProfileOptions): Variables {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let envFile: string | undefined;
  if (options.envFile) {
    envFile = resolve(cwd, options.envFile);
    if (!existsSync(envFile)) throw new UsageError(`--env-file ${options.envFile}: file not found`);
  } else if (raw.envFile) {
    envFile = resolve(dirname(file), raw.envFile);
    if (!existsSync(envFile)) throw new ProfileError(shown, 'envFile', `file ${displayPath(envFile, cwd)} not found (expected a .env file, relative to the profile)`);
  } else if (existsSync(resolve(cwd, '.env'))) {
    envFile = resolve(cwd, '.env');
  }
  let fromFile: Record<string, string> = {};
  if (envFile) {
    try {
      fromFile = readDotenv(envFile);
    } catch (error) {
      if (error instanceof DotenvError) throw new UsageError(error.message);
      throw error;
    }
  }
  const values: Record<string, string | undefined> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) values[k] = v;
  return { values, sources: envFile ? `the environment or ${displayPath(envFile, cwd)}` : 'the environment or a .env file' };
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function interpolate(
  value: unknown,
  path: (string | number)[],
  variables: Variables,
  fail: (path: (string | number)[], detail: string) => never,
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_, name: string) => {
      const found = variables.values[name];
      if (found === undefined || found === '') fail(path, `environment variable ${name} is not set (expected it in ${variables.sources})`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], variables, fail));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, [...path, k], variables, fail)]));
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// checks that need resolved values

type RawClient = Omit<ClientCredentials, 'clientSecret'> & { clientSecret?: string; alg?: SecretJwtClient['alg']; redirectUri?: string; applicationType?: ApplicationType; refusedScopes?: string[]; audience?: string; tokenRequestParameters?: Record<string, string>; notNeeded?: string[] };
type RawForeignIssuer = Omit<ForeignIssuerDescription, 'client'> & Omit<ClientCredentials, 'ttlSeconds'>;
interface RawProfile {
  name: string;
  description?: string;
  idp: TargetProfile['idp'];
  gateway?: TargetProfile['gateway'];
  clients: Record<string, RawClient>;
  users?: TestUser[];
  browserLogin?: BrowserLoginDescription;
  capabilities?: Partial<Record<Capability, boolean>>;
  limits?: Partial<TargetProfile['limits']>;
  sourceAddresses?: string[];
  admin?: AdminDescription;
  testTokenSigner?: { privateJwk: string; kid?: string; alg?: string };
  foreignIssuer?: RawForeignIssuer;
  selfServiceRotation?: { url: string; method?: 'POST' | 'PUT' | 'PATCH'; secret: string; owner: string };
  privateKeyJwtClient?: { clientId: string; privateJwk: string; scopes: string[]; alg?: string; kid?: string };
  introspection?: { endpoint?: string; client?: string; notAllowedClient?: string };
  revocation?: { endpoint?: string };
  tls?: { caFile?: string; plainHttpPort?: number };
  jwksRelay?: { listen: string; gatewayUrl?: string };
  mtls?: RawMtls;
}

interface RawMtls {
  clientId: string;
  certificate: string;
  privateKey: string;
  tokenEndpoint?: string;
  gatewayUrl?: string;
  caCertificate?: string;
  scope?: string;
  otherCertificate?: { certificate: string; privateKey: string };
  certificateBoundTokens?: boolean;
}

function checkResolved(p: RawProfile, fail: (path: (string | number)[], detail: string) => never): void {
  const urls: [(string | number)[], string | undefined][] = [
    [['idp', 'discoveryUrl'], p.idp.discoveryUrl],
    [['idp', 'tokenEndpoint'], p.idp.tokenEndpoint],
    [['idp', 'jwksUri'], p.idp.jwksUri],
    [['idp', 'authorizationEndpoint'], p.idp.authorizationEndpoint],
    [['browserLogin', 'loginUrl'], p.browserLogin?.loginUrl],
    [['gateway', 'baseUrl'], p.gateway?.baseUrl],
    [['gateway', 'componentUrl'], p.gateway?.componentUrl],
    [['clients', 'web', 'redirectUri'], p.clients.web?.redirectUri],
    [['clients', 'publicWeb', 'redirectUri'], p.clients.publicWeb?.redirectUri],
    [['admin', 'baseUrl'], p.admin?.baseUrl],
  ];
  for (const [path, value] of urls) {
    if (value === undefined) continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) fail(path, `expected an http(s) URL; got ${JSON.stringify(value)}`);
  }
  (p.sourceAddresses ?? []).forEach((address, i) => {
    if (isIP(address) === 0) fail(['sourceAddresses', i], `expected an IP address of this machine; got ${JSON.stringify(address)}`);
  });
  for (const [role, c] of Object.entries(p.clients)) {
    const method = c.tokenEndpointAuthMethod;
    // Client credentials are for confidential clients only (RFC 6749 §4.4): only the web front end may be public
    // (the client refused that grant must still authenticate, or its refusal would be invalid_client, not the
    // unauthorized_client its check asks for).
    if (method === 'none' && !PUBLIC_CLIENT_ROLES.includes(role)) {
      fail(['clients', role, 'tokenEndpointAuthMethod'], `expected client_secret_basic or client_secret_post: the kit asks clients.${role} for client_credentials tokens, which need a confidential client (RFC 6749 §4.4); only ${PUBLIC_CLIENT_ROLES.map((r) => `clients.${r}`).join(' and ')} may be public ("none")`);
    }
    if (role === 'publicWeb' && method !== 'none') {
      fail(['clients', role, 'tokenEndpointAuthMethod'], `expected none: clients.publicWeb names a public client (REQ-AUTHZ-03); got ${JSON.stringify(method ?? null)}`);
    }
    if (method === 'none' && c.clientSecret !== undefined) {
      fail(['clients', role, 'clientSecret'], 'a public client (tokenEndpointAuthMethod: none) has no secret: remove clientSecret, or name the method the client really uses');
    }
  }
  const refused = p.clients.readOnly?.refusedScopes ?? [];
  refused.forEach((scope, i) => {
    if (p.clients.readOnly!.scopes.includes(scope)) {
      fail(['clients', 'readOnly', 'refusedScopes', i], `expected a scope outside clients.readOnly.scopes; "${scope}" is one the client may have`);
    }
  });
  if (!p.gateway) return;
  const system = p.clients.system!;
  const scoped = p.gateway.routes.scoped.scope;
  if (!system.scopes.includes(scoped)) {
    fail(['clients', 'system', 'scopes'], `expected the system client's scopes to include "${scoped}" (the scope of gateway.routes.scoped)`);
  }
  if (p.clients.readOnly?.scopes.includes(scoped)) {
    fail(['clients', 'readOnly', 'scopes'], `expected the read-only client to lack "${scoped}" (the scope of gateway.routes.scoped)`);
  }
}

/**
 * What only JWT access tokens need: the JWK Set they verify with (idp.jwksUri, or the metadata's jwks_uri) and the
 * audience the gateway checks in them (gateway.audience). A profile that claims no JWT access tokens (opaque tokens,
 * e.g. @node-oauth/oauth2-server's default) and gives no test-token signer need name neither: nothing reads them.
 * And idp.metadata: false (no RFC 8414 metadata) contradicts a discovery document named beside it.
 */
function checkTokenFormatFields(p: RawProfile, fail: (path: (string | number)[], detail: string) => never): void {
  const jwt = p.capabilities?.['jwt-access-tokens'] === true || p.capabilities?.['rfc9068-access-tokens'] === true;
  if (p.idp.metadata === false && p.idp.discoveryUrl !== undefined) {
    fail(['idp', 'metadata'], 'false (no RFC 8414 metadata), yet idp.discoveryUrl names a metadata document: remove one of them (without metadata, give issuer, tokenEndpoint and, for JWT access tokens, jwksUri)');
  }
  if (jwt && p.idp.discoveryUrl === undefined && p.idp.jwksUri === undefined) {
    fail(['idp', 'jwksUri'], 'missing (expected the JWKS document with the signing keys, RFC 7517: the profile claims JWT access tokens, and without idp.discoveryUrl nothing else names it)');
  }
  const gateway = p.gateway;
  if (gateway && (gateway.audienceCheck ?? 'exact') === 'exact' && gateway.audience === undefined && (jwt || p.testTokenSigner !== undefined)) {
    fail(
      ['gateway', 'audience'],
      `missing (expected the \`aud\` the gateway expects in access tokens, RFC 9068 §3: the profile ${jwt ? 'claims JWT access tokens' : 'gives a test-token signer'}; set gateway.audienceCheck: none or scope if the gateway checks no audience or the granted scope)`,
    );
  }
}

/**
 * Gateway rate limit and IP block (issue 16): a claimed capability is judged against the number the profile states,
 * so a claim without its number is a mistake in the profile (exit 2), not a run of checks that cannot be judged.
 */
function checkGatewayLimitClaims(p: RawProfile, fail: (path: (string | number)[], detail: string) => never): void {
  const gateway = p.limits?.gateway;
  if (p.capabilities?.['gateway-rate-limiting'] === true && gateway?.requestsPerSecond === undefined) {
    fail(['limits', 'gateway', 'requestsPerSecond'], 'missing: capabilities.gateway-rate-limiting is true, so state the per-IP limit it claims (expected a whole number >= 1, e.g. Kong rate-limiting `second`)');
  }
  if (p.capabilities?.['retired-key-bound'] === true && gateway?.retiredKeySeconds === undefined) {
    fail(['limits', 'gateway', 'retiredKeySeconds'], 'missing: capabilities.retired-key-bound is true, so state the bound it claims (expected a whole number of seconds >= 1: how long the gateway may still accept a key removed from the JWK Set, e.g. its key-set cache lifetime)');
  }
  if (p.capabilities?.['gateway-ip-blocking'] === true && gateway?.ipBlock === undefined) {
    fail(['limits', 'gateway', 'ipBlock'], 'missing: capabilities.gateway-ip-blocking is true, so state the block it claims (expected { failedAttempts, blockSeconds })');
  }
}

/** The roles that may be public clients (tokenEndpointAuthMethod: none): they never get client-credentials tokens. */
const PUBLIC_CLIENT_ROLES: readonly string[] = ['web', 'publicWeb'];

/** The profile's signing key, parsed; every problem names the field and never shows the key. */
function testSignerOf(p: RawProfile, fail: (path: (string | number)[], detail: string) => never): TestSignerDescription | undefined {
  const given = p.testTokenSigner;
  if (!given) return undefined;
  let jwk: unknown;
  try {
    jwk = JSON.parse(given.privateJwk);
  } catch {
    fail(['testTokenSigner', 'privateJwk'], 'the variable does not hold JSON (expected a private JWK, RFC 7517, as one JSON object)');
  }
  const checked = checkSigningJwk(jwk, given.alg);
  if ('problem' in checked) fail(['testTokenSigner', given.alg !== undefined && /^alg /.test(checked.problem) ? 'alg' : 'privateJwk'], checked.problem);
  const key = jwk as Record<string, unknown>;
  const kid = given.kid ?? (typeof key.kid === 'string' ? key.kid : undefined);
  if (p.capabilities?.['test-token-signer'] === false) {
    fail(['capabilities', 'test-token-signer'], 'false, yet testTokenSigner gives a key the gateway trusts: remove one of them');
  }
  return { privateJwk: key, alg: (checked as { alg: string }).alg, ...(kid ? { kid } : {}) };
}

function toProfile(file: string, p: RawProfile, testSigner: TestSignerDescription | undefined): TargetProfile {
  const clients: Partial<Record<ClientRole, RawClient>> = {};
  for (const [role, c] of Object.entries(p.clients)) {
    clients[role as ClientRole] = {
      clientId: c.clientId,
      // A public client has no secret: the empty string is what the kit's requests read as "send client_id only".
      clientSecret: c.clientSecret ?? '',
      scopes: c.scopes,
      ...(c.ttlSeconds !== undefined ? { ttlSeconds: c.ttlSeconds } : {}),
      ...(c.tokenEndpointAuthMethod !== undefined ? { tokenEndpointAuthMethod: c.tokenEndpointAuthMethod } : {}),
      ...(c.refusedScopes !== undefined ? { refusedScopes: c.refusedScopes } : {}),
      ...(c.redirectUri !== undefined ? { redirectUri: c.redirectUri } : {}),
      ...(c.applicationType !== undefined ? { applicationType: c.applicationType } : {}),
      ...(c.audience !== undefined ? { audience: c.audience } : {}),
      ...(c.tokenRequestParameters !== undefined ? { tokenRequestParameters: c.tokenRequestParameters } : {}),
      ...(c.notNeeded !== undefined ? { notNeeded: c.notNeeded } : {}),
      ...(c.alg !== undefined ? { alg: c.alg } : {}),
    };
  }
  return {
    file,
    name: p.name,
    ...(p.description !== undefined ? { description: p.description } : {}),
    idp: p.idp,
    ...(p.gateway ? { gateway: p.gateway } : {}),
    clients: clients as TargetDescription['clients'],
    users: p.users ?? [],
    ...(p.browserLogin ? { browserLogin: p.browserLogin } : {}),
    // A key the gateway trusts is what the test-token-signer capability means.
    capabilities: withOAuthEndpointsLimit(testSigner ? { ...p.capabilities, 'test-token-signer': true } : (p.capabilities ?? {})),
    limits: {
      ...(p.limits?.tokenRequestsPerSecond !== undefined ? { tokenRequestsPerSecond: p.limits.tokenRequestsPerSecond } : {}),
      ...(p.limits?.ipBlock !== undefined ? { ipBlock: p.limits.ipBlock } : {}),
      ...(p.limits?.gateway !== undefined ? { gateway: p.limits.gateway } : {}),
      ...(p.limits?.ownAddressCoolDownSeconds !== undefined ? { ownAddressCoolDownSeconds: p.limits.ownAddressCoolDownSeconds } : {}),
      ...(p.limits?.revocationSeconds !== undefined ? { revocationSeconds: p.limits.revocationSeconds } : {}),
      ...(p.limits?.authorizationCodeSeconds !== undefined ? { authorizationCodeSeconds: p.limits.authorizationCodeSeconds } : {}),
      ...(p.limits?.longWaits === true ? { longWaits: true } : {}),
      clockSkewSeconds: p.limits?.clockSkewSeconds ?? PROFILE_DEFAULTS.clockSkewSeconds,
      requestTimeoutSeconds: p.limits?.requestTimeoutSeconds ?? PROFILE_DEFAULTS.requestTimeoutSeconds,
      ...(p.limits?.loadScenarios === true
        ? { loadScenarios: true, maxRequestsPerSecond: p.limits.maxRequestsPerSecond!, maxRequestsPerRun: p.limits.maxRequestsPerRun! }
        : { loadScenarios: false, maxRequestsPerSecond: 0, maxRequestsPerRun: 0 }),
    },
    sourceAddresses: p.sourceAddresses ?? [],
    ...(p.admin ? { admin: p.admin } : {}),
    ...(testSigner ? { testSigner } : {}),
  };
}

/**
 * Seed 001 limits "the OAuth2.0 endpoints", not only the token endpoint: a profile that claims its rate-limiting and
 * says nothing of oauth-endpoints-rate-limiting claims that too (issue 22); `false` states a limit on the token
 * endpoint only, and its checks are then "not applicable" with that reason.
 */
function withOAuthEndpointsLimit(capabilities: Partial<Record<Capability, boolean>>): Partial<Record<Capability, boolean>> {
  if (capabilities['oauth-endpoints-rate-limiting'] !== undefined || capabilities['rate-limiting'] !== true) return capabilities;
  return { ...capabilities, 'oauth-endpoints-rate-limiting': true };
}

// ---------------------------------------------------------------------------------------------------------
// a second issuer and an other-audience client (issue 16): test aids, like the test-token signer

/** Capabilities that mean "the profile gives this aid": given by the entry, never claimed without it. */
const GENUINE_TOKEN_AIDS = [
  { capability: 'foreign-issuer', field: 'foreignIssuer', given: (p: RawProfile) => p.foreignIssuer !== undefined },
  { capability: 'other-audience-client', field: 'clients.otherAudience', given: (p: RawProfile) => p.clients.otherAudience !== undefined },
] as const;

function checkGenuineTokenAids(p: RawProfile, fail: (path: (string | number)[], detail: string) => never): void {
  for (const aid of GENUINE_TOKEN_AIDS) {
    const claimed = p.capabilities?.[aid.capability];
    if (claimed === true && !aid.given(p)) fail(['capabilities', aid.capability], `true, yet the profile has no ${aid.field}: give ${aid.field} (the capability follows from it)`);
    if (claimed === false && aid.given(p)) fail(['capabilities', aid.capability], `false, yet the profile gives ${aid.field}: remove one of them`);
  }
  const foreign = p.foreignIssuer;
  if (foreign) {
    for (const field of ['discoveryUrl', 'tokenEndpoint'] as const) {
      const value = foreign[field];
      if (value !== undefined && !URL.canParse(value)) fail(['foreignIssuer', field], `expected an http(s) URL; got ${JSON.stringify(value)}`);
    }
    if (foreign.issuer !== undefined && foreign.issuer === p.idp.issuer) {
      fail(['foreignIssuer', 'issuer'], `expected an issuer the gateway does not trust; ${JSON.stringify(foreign.issuer)} is idp.issuer`);
    }
  }
  const other = p.clients.otherAudience;
  if (other?.audience !== undefined && other.audience === p.gateway?.audience) {
    fail(['clients', 'otherAudience', 'audience'], `expected another API's audience; ${JSON.stringify(other.audience)} is gateway.audience`);
  }
}

function withGenuineTokenAids(profile: TargetProfile, p: RawProfile): TargetProfile {
  const foreign = p.foreignIssuer;
  const capabilities = { ...profile.capabilities };
  for (const aid of GENUINE_TOKEN_AIDS) if (aid.given(p)) capabilities[aid.capability] = true;
  if (!foreign) return { ...profile, capabilities };
  const { issuer, discoveryUrl, tokenEndpoint, tokenRequestParameters, clientId, clientSecret, scopes, tokenEndpointAuthMethod } = foreign;
  const client: ClientCredentials = { clientId, clientSecret, scopes, ...(tokenEndpointAuthMethod !== undefined ? { tokenEndpointAuthMethod } : {}) };
  return {
    ...profile,
    capabilities,
    foreignIssuer: {
      client,
      ...(issuer !== undefined ? { issuer } : {}),
      ...(discoveryUrl !== undefined ? { discoveryUrl } : {}),
      ...(tokenEndpoint !== undefined ? { tokenEndpoint } : {}),
      ...(tokenRequestParameters !== undefined ? { tokenRequestParameters } : {}),
    },
  };
}

function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, file));
  return rel.startsWith('..') ? resolve(cwd, file) : rel;
}

// ---------------------------------------------------------------------------------------------------------
// issue 22: a disposable record to delete (seed 003) and self-service rotation (seed 002): deployment properties
// the profile names; the capability follows from the entry, never claimed without it

/** A capability that follows from a profile entry: the entry's presence is the claim. */
interface EntryCapability {
  readonly capability: Capability;
  /** The entry, as the profile spells it, for the message. */
  readonly field: string;
  readonly given: (p: RawProfile) => boolean;
}

/** A capability claimed true without its entry, or false beside it, is a profile error naming the field. */
function checkCapabilitiesFollowEntries(p: RawProfile, fail: (path: (string | number)[], detail: string) => never, entries: readonly EntryCapability[]): void {
  for (const entry of entries) {
    const claimed = p.capabilities?.[entry.capability];
    if (claimed === true && !entry.given(p)) fail(['capabilities', entry.capability], `true, yet the profile has no ${entry.field}: give ${entry.field} (the capability follows from it)`);
    if (claimed === false && entry.given(p)) fail(['capabilities', entry.capability], `false, yet the profile gives ${entry.field}: remove one of them`);
  }
}

const OWNERSHIP_ENTRIES = [
  { capability: 'self-service-rotation', field: 'selfServiceRotation', given: (p: RawProfile) => p.selfServiceRotation !== undefined },
  { capability: 'customer-deletes', field: 'gateway.routes.customerDelete', given: (p: RawProfile) => p.gateway?.routes.customerDelete !== undefined },
] as const;

function checkOwnershipEntries(p: RawProfile, fail: (path: (string | number)[], detail: string) => never): void {
  checkCapabilitiesFollowEntries(p, fail, OWNERSHIP_ENTRIES);
  const users = p.users ?? [];
  const rotation = p.selfServiceRotation;
  if (rotation) {
    if (!URL.canParse(rotation.url.replace('{clientId}', 'id'))) fail(['selfServiceRotation', 'url'], `expected an http(s) URL; got ${JSON.stringify(rotation.url)}`);
    if (!users.some((u) => u.username === rotation.owner)) {
      fail(['selfServiceRotation', 'owner'], `expected the username of a test user (users[]); ${JSON.stringify(rotation.owner)} is none of ${JSON.stringify(users.map((u) => u.username))}`);
    }
    if (!users.some((u) => u.username !== rotation.owner)) fail(['users'], 'expected a second test user besides selfServiceRotation.owner: another customer must be refused the rotation');
    if (!p.clients.rotation) fail(['clients', 'rotation'], 'missing (expected the client whose secret selfServiceRotation.owner rotates)');
  }
  const record = p.gateway?.routes.customerDelete;
  if (record) {
    if (!users.some((u) => u.customerId === record.customerId)) {
      fail(['gateway', 'routes', 'customerDelete', 'customerId'], `expected the customerId of a test user (users[]): its owner reads the record before and after; ${JSON.stringify(record.customerId)} is none of them`);
    }
    if (!users.some((u) => u.customerId !== record.customerId)) fail(['users'], 'expected a second test user: another customer tries to delete the record of gateway.routes.customerDelete');
  }
}

function withOwnershipEntries(profile: TargetProfile, p: RawProfile): TargetProfile {
  const capabilities = { ...profile.capabilities };
  for (const entry of OWNERSHIP_ENTRIES) if (entry.given(p)) capabilities[entry.capability] = true;
  const rotation = p.selfServiceRotation;
  return {
    ...profile,
    capabilities,
    ...(rotation ? { selfServiceRotation: { url: rotation.url, method: rotation.method ?? 'POST', secret: rotation.secret, owner: rotation.owner } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// issue 19: the private_key_jwt client (RFC 7523), whose private key the kit signs client assertions with

/** The profile's private_key_jwt client, its key parsed and checked; it is what the private-key-jwt capability means. */
function withPrivateKeyJwtClient(profile: TargetProfile, p: RawProfile, fail: (path: (string | number)[], detail: string) => never): TargetProfile {
  const given = p.privateKeyJwtClient;
  checkCapabilitiesFollowEntries(p, fail, [{ capability: 'private-key-jwt', field: 'privateKeyJwtClient', given: () => given !== undefined }]);
  if (!given) return profile;
  let jwk: unknown;
  try {
    jwk = JSON.parse(given.privateJwk);
  } catch {
    fail(['privateKeyJwtClient', 'privateJwk'], 'the variable does not hold JSON (expected a private JWK, RFC 7517, as one JSON object)');
  }
  const checked = checkSigningJwk(jwk, given.alg);
  if ('problem' in checked) fail(['privateKeyJwtClient', given.alg !== undefined && /^alg /.test(checked.problem) ? 'alg' : 'privateJwk'], checked.problem);
  const key = jwk as Record<string, unknown>;
  const kid = given.kid ?? (typeof key.kid === 'string' ? key.kid : undefined);
  return {
    ...profile,
    capabilities: { ...profile.capabilities, 'private-key-jwt': true },
    privateKeyJwtClient: { clientId: given.clientId, scopes: given.scopes, privateJwk: key, alg: (checked as { alg: string }).alg, ...(kid ? { kid } : {}) },
  };
}

// issue 19: introspection (RFC 7662) and revocation (RFC 7009): the capability follows from the entry

const TOKEN_STATE_ENTRIES = [
  { capability: 'token-introspection', field: 'introspection', given: (p: RawProfile) => p.introspection !== undefined },
  { capability: 'token-revocation', field: 'revocation', given: (p: RawProfile) => p.revocation !== undefined },
] as const;

function checkTokenStateEntries(p: RawProfile, fail: (path: (string | number)[], detail: string) => never): void {
  checkCapabilitiesFollowEntries(p, fail, TOKEN_STATE_ENTRIES);
  const intro = p.introspection;
  if (intro) {
    for (const field of ['client', 'notAllowedClient'] as const) {
      const role = intro[field];
      if (role !== undefined && !p.clients[role]) fail(['introspection', field], `expected a client role of the profile (${Object.keys(p.clients).join(', ')}); got ${JSON.stringify(role)}`);
    }
    if (intro.notAllowedClient !== undefined && intro.notAllowedClient === (intro.client ?? 'system')) {
      fail(['introspection', 'notAllowedClient'], 'expected another client than introspection.client, which is the one allowed to introspect');
    }
  }
  if (p.limits?.revocationSeconds !== undefined && !p.revocation) fail(['limits', 'revocationSeconds'], 'given, yet the profile has no revocation entry: add revocation: {} (or its endpoint), or remove the bound');
}

function withTokenStateEntries(profile: TargetProfile, p: RawProfile): TargetProfile {
  const capabilities = { ...profile.capabilities };
  for (const entry of TOKEN_STATE_ENTRIES) if (entry.given(p)) capabilities[entry.capability] = true;
  const intro = p.introspection;
  const rev = p.revocation;
  return {
    ...profile,
    capabilities,
    ...(intro
      ? {
          introspection: {
            ...(intro.endpoint !== undefined ? { endpoint: intro.endpoint } : {}),
            client: (intro.client ?? 'system') as ClientRoleName,
            ...(intro.notAllowedClient !== undefined ? { notAllowedClient: intro.notAllowedClient as ClientRoleName } : {}),
          },
        }
      : {}),
    ...(rev ? { revocation: { ...(rev.endpoint !== undefined ? { endpoint: rev.endpoint } : {}) } } : {}),
  };
}

// issue 19: client_secret_jwt and a disabled client: client roles whose capability follows from the entry

const CLIENT_ENTRIES = [
  { capability: 'client-secret-jwt', field: 'clients.secretJwt', given: (p: RawProfile) => p.clients.secretJwt !== undefined },
  { capability: 'disabled-client', field: 'clients.disabled', given: (p: RawProfile) => p.clients.disabled !== undefined },
] as const;

function checkClientEntries(p: RawProfile, fail: (path: (string | number)[], detail: string) => never): void {
  checkCapabilitiesFollowEntries(p, fail, CLIENT_ENTRIES);
  for (const role of ['secretJwt', 'disabled'] as const) {
    const c = p.clients[role];
    if (c && c.clientId === p.clients.system?.clientId) fail(['clients', role, 'clientId'], `expected a client of its own; ${JSON.stringify(c.clientId)} is clients.system`);
  }
}

function withClientEntries(profile: TargetProfile, p: RawProfile): TargetProfile {
  const capabilities = { ...profile.capabilities };
  for (const entry of CLIENT_ENTRIES) if (entry.given(p)) capabilities[entry.capability] = true;
  return { ...profile, capabilities };
}

// issue 19: TLS of an https target. The CA file is read here (relative to the profile) and checked, so a typo is a
// profile error before any request, and the description carries the certificates themselves to every worker.
function withTls(file: string, p: RawProfile, fail: (path: (string | number)[], detail: string) => never, profile: TargetProfile): TargetProfile {
  if (!p.tls) return profile;
  let caPem: string | undefined;
  if (p.tls.caFile !== undefined) {
    const path = resolve(dirname(file), p.tls.caFile);
    if (!existsSync(path)) fail(['tls', 'caFile'], `file ${displayPath(path)} not found (expected a PEM file with the CA certificate, relative to the profile)`);
    caPem = readFileSync(path, 'utf8');
    try {
      certificatesOf(caPem);
    } catch (error) {
      if (error instanceof TargetCaError) fail(['tls', 'caFile'], `${error.message.replace(/^.*cannot be used: /, '')} (expected a PEM file with the CA certificate: -----BEGIN CERTIFICATE-----)`);
      throw error;
    }
  }
  return { ...profile, tls: { ...(caPem ? { caPem } : {}), ...(p.tls.plainHttpPort !== undefined ? { plainHttpPort: p.tls.plainHttpPort } : {}) } };
}

// issue 20: the kit's JWKS relay; the capability jwks-control follows from the entry

/** host:port as the profile gives it (an IPv6 host in brackets), or undefined. */
export function parseListen(listen: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/.exec(listen.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { host: m[1] ?? m[2]!, port };
}

function withJwksRelay(profile: TargetProfile, p: RawProfile, fail: (path: (string | number)[], detail: string) => never): TargetProfile {
  const relay = p.jwksRelay;
  checkCapabilitiesFollowEntries(p, fail, [{ capability: 'jwks-control', field: 'jwksRelay', given: () => relay !== undefined }]);
  if (!relay) return profile;
  if (!p.gateway) fail(['jwksRelay'], 'given, yet the profile names no gateway: the relay serves the key set to a gateway (add gateway:, or remove jwksRelay)');
  const listen = parseListen(relay.listen);
  if (!listen) fail(['jwksRelay', 'listen'], `expected host:port with a port from 1 to 65535 (e.g. 127.0.0.1:8099); got ${JSON.stringify(relay.listen)}`);
  if (relay.gatewayUrl !== undefined && !/^https?:$/.test(URL.canParse(relay.gatewayUrl) ? new URL(relay.gatewayUrl).protocol : '')) {
    fail(['jwksRelay', 'gatewayUrl'], `expected an http(s) URL; got ${JSON.stringify(relay.gatewayUrl)}`);
  }
  const gatewayUrl = (relay.gatewayUrl ?? p.gateway!.baseUrl).replace(/\/+$/, '');
  return { ...profile, capabilities: { ...profile.capabilities, 'jwks-control': true }, jwksRelay: { host: listen!.host, port: listen!.port, gatewayUrl } };
}

// ---------------------------------------------------------------------------------------------------------
// issue 19: mutual TLS (RFC 8705): the certificate and key files, read once; their content is never printed

function withMtls(file: string, profile: TargetProfile, p: RawProfile, fail: (path: (string | number)[], detail: string) => never): TargetProfile {
  const given = p.mtls;
  for (const capability of MTLS_CAPABILITIES) {
    if (p.capabilities?.[capability] === true && !given) fail(['capabilities', capability], 'true, yet the profile has no mtls: give mtls (the capability follows from it)');
  }
  if (!given) return profile;
  const pem = (path: (string | number)[], value: string, label: RegExp, what: string): string => {
    const where = resolve(dirname(file), value);
    let content: string;
    try {
      content = readFileSync(where, 'utf8');
    } catch {
      return fail(path, `cannot read the file ${JSON.stringify(value)} (expected ${what} as a PEM file; a relative path is taken from the profile's directory)`);
    }
    if (!label.test(content)) fail(path, `the file ${JSON.stringify(value)} holds no ${what} in PEM form`);
    return content;
  };
  const CERT = /-----BEGIN CERTIFICATE-----/;
  const KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
  const client = { certificatePem: pem(['mtls', 'certificate'], given.certificate, CERT, 'a certificate'), privateKeyPem: pem(['mtls', 'privateKey'], given.privateKey, KEY, 'a private key') };
  const other = given.otherCertificate && {
    certificatePem: pem(['mtls', 'otherCertificate', 'certificate'], given.otherCertificate.certificate, CERT, 'a certificate'),
    privateKeyPem: pem(['mtls', 'otherCertificate', 'privateKey'], given.otherCertificate.privateKey, KEY, 'a private key'),
  };
  const capabilities = {
    ...profile.capabilities,
    'mtls-client-auth': p.capabilities?.['mtls-client-auth'] ?? true,
    'certificate-bound-tokens': p.capabilities?.['certificate-bound-tokens'] ?? given.certificateBoundTokens ?? true,
  };
  return {
    ...profile,
    capabilities,
    mtls: {
      clientId: given.clientId,
      client,
      ...(other ? { otherCertificate: other } : {}),
      ...(given.tokenEndpoint !== undefined ? { tokenEndpoint: given.tokenEndpoint } : {}),
      ...(given.gatewayUrl !== undefined ? { gatewayUrl: given.gatewayUrl } : {}),
      ...(given.caCertificate !== undefined ? { caCertificatePem: pem(['mtls', 'caCertificate'], given.caCertificate, CERT, 'a CA certificate') } : {}),
      ...(given.scope !== undefined ? { scope: given.scope } : {}),
    },
  };
}
