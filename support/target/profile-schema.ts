/**
 * JSON Schema of a target profile (the YAML file that describes a deployment under test). Every object is
 * closed (`additionalProperties: false`) so a misspelt key is an error, not a silently ignored setting.
 * Each `description` is also the "expected ..." part of the validation error for that field, so it says what
 * a valid value looks like. README "Targets" documents the same fields with an example.
 *
 * Secrets (client secrets, user passwords, the admin token) may only be `${ENV_VAR}` references: the values
 * come from the environment or a .env file (seed 002), never from the committed profile.
 */
import { CAPABILITIES, CLIENT_CAPABILITIES } from '../requirements/types.ts';

/** What a target profile may claim: every capability but a client's own (auth-ctk client --claims). */
const TARGET_CAPABILITIES = CAPABILITIES.filter((c) => !CLIENT_CAPABILITIES.includes(c));
import { SECRET_JWT_ALGS, TOKEN_ENDPOINT_AUTH_METHODS } from './target.ts';
import { SIGNER_ALGS } from '../jwt/signing-keys.ts';

/**
 * Token request parameters the kit sets itself: a profile's idp.tokenRequestParameters may not name them, or a
 * profile could silently change what a check sends (RFC 6749 §4.4.2, §4.3.2, §4.1.3; RFC 7636 §4.5).
 */
export const RESERVED_TOKEN_PARAMETERS = ['grant_type', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'scope', 'username', 'password', 'code', 'code_verifier', 'redirect_uri'] as const;

/** `${NAME}`: a whole-value reference to an environment variable. */
export const ENV_REFERENCE = '^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$';
/** An http(s) URL, or a `${VAR}` reference that must hold one. */
const URL_OR_REFERENCE = '^(https?://[^\\s]+|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\})$';

const url = (what: string) => ({ type: 'string', pattern: URL_OR_REFERENCE, description: `${what}: an http(s) URL (or \${VAR} holding one)` });
const path = (what: string) => ({ type: 'string', pattern: '^/', description: `${what}: a path on the gateway starting with "/"` });
const secret = (what: string) => ({
  type: 'string',
  pattern: ENV_REFERENCE,
  description: `${what}: an environment variable reference like \${AUTH_CLIENT_SECRET} (secrets never appear in the profile; set the variable in the environment or a .env file)`,
});
const pointer = (what: string) => ({ type: 'string', pattern: '^(/.*)?$', description: `${what}: a JSON pointer (RFC 6901) like "/sub", or "" for the whole value` });
const text = (what: string) => ({ type: 'string', minLength: 1, description: `${what}: a non-empty string (or \${VAR})` });
/** One call of a control plane: { method, path, ...extra }. */
const adminCall = (what: string, extra: Record<string, unknown>, required: readonly string[] = []) => ({
  type: 'object',
  description: `the call for ${what}: { method, path${Object.keys(extra).map((k) => `, ${k}${required.includes(k) ? '' : '?'}`).join('')} }`,
  additionalProperties: false,
  required: ['method', 'path', ...required],
  properties: {
    method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH'], description: 'the HTTP method: GET, POST, PUT or PATCH' },
    path: { type: 'string', pattern: '^/', description: 'the path under admin.baseUrl, starting with "/" ({clientId} is filled in)' },
    ...extra,
  },
});
const positiveInteger = (what: string) => ({ type: 'integer', minimum: 1, description: `${what}: a whole number >= 1` });

/**
 * OpenID Connect Dynamic Client Registration's application_type, as the IdP registered the client. Only `web` changes
 * a verdict: a web client's loopback redirect URI is compared by exact string, port included (RFC 9700 §2.1 exempts
 * only native apps' loopback ports, RFC 8252 §7.3), so the kit also tries another port (REQ-AUTHZ-02).
 */
const applicationType = (role: string) => ({
  type: 'string',
  enum: ['web', 'native'],
  description: `how the IdP registered the ${role} (OpenID Connect Registration application_type): web or native; with web the kit also tries a loopback redirect URI on another port (REQ-AUTHZ-02), which only a native app's may vary (RFC 8252 §7.3); leave it out when unsure`,
});

const client = (role: string, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  description: `the ${role} test client: { clientId, clientSecret, scopes, tokenEndpointAuthMethod? }`,
  additionalProperties: false,
  required: ['clientId', 'scopes'],
  // A public client (RFC 7591 token_endpoint_auth_method "none") has no secret; every other client needs one.
  if: { properties: { tokenEndpointAuthMethod: { const: 'none' } }, required: ['tokenEndpointAuthMethod'] },
  else: { required: ['clientSecret'] },
  properties: {
    clientId: text('the client id'),
    clientSecret: secret('the client secret'),
    scopes: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'the scopes this client may be granted: a list of strings (may be empty)',
    },
    ttlSeconds: positiveInteger("the lifetime in seconds the target gives this client's tokens"),
    tokenEndpointAuthMethod: {
      type: 'string',
      enum: [...TOKEN_ENDPOINT_AUTH_METHODS],
      description: `the one way the target registered this client to authenticate at the token endpoint (RFC 7591 token_endpoint_auth_method): ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}; leave it out when the client may use HTTP Basic and the form body alike`,
    },
    ...extra,
  },
});

/** Extra token request parameters of one client or issuer: names to strings, never one the kit sets itself. */
const tokenParameters = (what: string) => ({
  type: 'object',
  description: `${what}: a mapping of names to strings (e.g. audience for Auth0, resource for RFC 8707)`,
  propertyNames: { not: { enum: [...RESERVED_TOKEN_PARAMETERS] }, description: `a parameter the kit does not set itself (not ${RESERVED_TOKEN_PARAMETERS.join(', ')})` },
  additionalProperties: { type: 'string', description: 'the parameter value: a string (quote numbers and booleans; or ${VAR})' },
});

/** A second issuer whose genuine tokens the gateway must refuse (issue 16): another realm, another tenant. */
const FOREIGN_ISSUER = {
  type: 'object',
  description:
    'a second issuer whose genuine tokens the gateway must refuse: { discoveryUrl or tokenEndpoint, issuer?, clientId, clientSecret, scopes, tokenEndpointAuthMethod?, tokenRequestParameters? }',
  additionalProperties: false,
  required: ['clientId', 'clientSecret', 'scopes'],
  anyOf: [{ required: ['discoveryUrl'] }, { required: ['tokenEndpoint'] }],
  properties: {
    issuer: text('its issuer identifier, the `iss` its tokens carry (must differ from the target\'s)'),
    discoveryUrl: url('its metadata document (the token endpoint is read from it)'),
    tokenEndpoint: url('its token endpoint'),
    clientId: text('the id of a client of that issuer'),
    clientSecret: secret('that client\'s secret'),
    scopes: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'the scopes to request there: a list of strings (may be empty)' },
    tokenEndpointAuthMethod: {
      type: 'string',
      enum: ['client_secret_basic', 'client_secret_post'],
      description: 'how that client authenticates (RFC 7591 token_endpoint_auth_method): client_secret_basic or client_secret_post (default: Basic)',
    },
    tokenRequestParameters: tokenParameters('extra parameters of its token requests'),
  },
} as const;

export const PROFILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  description: 'a target profile: a mapping with name, idp, clients and (unless only the IdP is tested) gateway',
  additionalProperties: false,
  required: ['name', 'idp', 'clients'],
  properties: {
    name: text('a display name for the target'),
    description: { type: 'string', description: 'free text about the deployment' },
    envFile: {
      type: 'string',
      minLength: 1,
      description: 'a .env file holding the secret variables, relative to the profile (the environment wins over it)',
    },
    idp: {
      type: 'object',
      description: 'the identity provider: discoveryUrl, or issuer + tokenEndpoint (+ jwksUri where the access tokens are JWTs)',
      additionalProperties: false,
      anyOf: [{ required: ['discoveryUrl'] }, { required: ['issuer', 'tokenEndpoint'] }],
      properties: {
        discoveryUrl: url('the metadata document (RFC 8414 / OpenID discovery), fetched and checked before any scenario'),
        issuer: text('the issuer identifier tokens carry in `iss` (RFC 8414 §2)'),
        tokenEndpoint: url('the token endpoint (RFC 6749 §3.2)'),
        jwksUri: url('the JWKS document with the signing keys (RFC 7517); required without discoveryUrl where the profile claims jwt-access-tokens'),
        metadata: {
          type: 'boolean',
          description:
            'false: the authorization server publishes no RFC 8414 metadata (RFC 8414 §3 binds "authorization servers supporting metadata"), so the discovery requirements are not applicable; default true',
        },
        authorizationEndpoint: url('the authorization endpoint for human login (RFC 6749 §3.1)'),
        tokenRequestParameters: {
          type: 'object',
          description:
            'extra parameters for every client-credentials and password token request: a mapping of names to strings (e.g. audience for Auth0, resource for RFC 8707)',
          // The kit sets these itself (and varies them on purpose in its checks): a profile may not override them.
          propertyNames: {
            not: { enum: [...RESERVED_TOKEN_PARAMETERS] },
            description: `a parameter the kit does not set itself (not ${RESERVED_TOKEN_PARAMETERS.join(', ')})`,
          },
          additionalProperties: { type: 'string', description: 'the parameter value: a string (quote numbers and booleans; or ${VAR})' },
        },
      },
    },
    gateway: {
      type: 'object',
      description: 'the API gateway: { baseUrl, audience or audienceCheck, routes }',
      additionalProperties: false,
      required: ['baseUrl', 'routes'],
      // An audience, unless the gateway checks none, checks the granted scope, or sees no JWTs at all: profile.ts
      // (checkTokenFormatFields) requires it where it is read.
      properties: {
        baseUrl: url('the gateway base URL the routes are relative to'),
        componentUrl: url("the component's own base URL, where the same routes answer without the gateway (seed 000: it must not serve callers who go around the gateway; REQ-CANVAS-01)"),
        audience: text('the `aud` the gateway expects in access tokens (RFC 9068 §3); required where the profile claims jwt-access-tokens (or gives testTokenSigner) and audienceCheck is exact'),
        audienceCheck: {
          type: 'string',
          enum: ['exact', 'none', 'scope'],
          description:
            'how the gateway checks `aud`: exact (it must contain gateway.audience; the default), none (the gateway checks no audience), scope (aud carries the granted scope values)',
        },
        routes: {
          type: 'object',
          description: 'the routes to use: { protected, public, scoped, identityEcho?, customerData?, customerWrite?, customerDelete? }',
          additionalProperties: false,
          required: ['protected', 'public', 'scoped'],
          properties: {
            protected: path('a GET route that needs any valid token'),
            public: path('a GET route that needs no token'),
            scoped: {
              type: 'object',
              description: 'a route that needs one scope: { method, path, scope } (clients.readOnly lacks the scope)',
              additionalProperties: false,
              required: ['method', 'path', 'scope'],
              properties: {
                method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], description: 'the HTTP method: GET, POST, PUT, PATCH or DELETE' },
                path: path('the scoped route'),
                scope: text('the scope the route needs'),
              },
            },
            identityEcho: path('a route that echoes, as JSON, the identity the component received (seed 000)'),
            customerData: {
              type: 'string',
              pattern: '^/.*\\{customerId\\}',
              description: 'a customer-data route: a path starting with "/" containing {customerId} (seed 003)',
            },
            customerWrite: {
              type: 'object',
              description: 'a write on a customer\'s data: { method: POST, PUT or PATCH, path containing {customerId} } (seed 003); the kit writes a small JSON body to a test customer\'s own data',
              additionalProperties: false,
              required: ['method', 'path'],
              properties: {
                method: { type: 'string', enum: ['POST', 'PUT', 'PATCH'], description: 'the HTTP method: POST, PUT or PATCH (never DELETE: a check must not remove data)' },
                path: { type: 'string', pattern: '^/.*\\{customerId\\}', description: 'a path starting with "/" containing {customerId}' },
              },
            },
            // Issue 22: deletes (seed 003), opt-in because a broken target loses the record
            customerDelete: {
              type: 'object',
              description:
                'a disposable record of a test customer the kit may try to delete: { path containing {customerId} and {recordId}, customerId (a users[] customer), recordId } (seed 003; a broken target deletes it)',
              additionalProperties: false,
              required: ['path', 'customerId', 'recordId'],
              properties: {
                path: { type: 'string', pattern: '^/.*\\{customerId\\}.*\\{recordId\\}|^/.*\\{recordId\\}.*\\{customerId\\}', description: 'a path starting with "/" containing {customerId} and {recordId}; GET reads the record, DELETE deletes it' },
                customerId: text('the customer who owns the record: one of users[].customerId'),
                recordId: text('the id of a disposable record of that customer, one the kit may delete'),
              },
            },
            identityEchoFormat: {
              type: 'object',
              description: "where the kit finds the identity in the echo's JSON answer, when it is not the reference's format",
              additionalProperties: false,
              properties: {
                identity: pointer('the identity object inside the echo answer (default "/identity")'),
                subject: pointer('the subject inside the identity (default "/sub")'),
                clientId: pointer('the client id inside the identity (default "/client_id")'),
                kind: pointer('the identity kind inside the identity (default "/kind")'),
                roles: { type: 'array', items: pointer('a list of roles or scopes'), description: 'lists of roles and/or scopes inside the identity: a list of JSON pointers (default ["/roles", "/scopes"])' },
                kinds: {
                  type: 'object',
                  description: "the component's words for the kinds: { system?, human?, anonymous? }",
                  additionalProperties: false,
                  properties: { system: text('the word for a system identity'), human: text('the word for a human identity'), anonymous: text('the word for an anonymous identity') },
                },
                authorizationReceived: pointer('a boolean in the echo answer: whether the component got an Authorization header (default "/authorizationHeaderReceived")'),
                publicIdentity: pointer("the identity the public route's answer says it served (default \"/servedTo\")"),
                forwardedHeaders: {
                  type: 'object',
                  description:
                    'the identity as request headers the gateway forwards, read from the header object the echo shows: { in?, subject, clientId?, kind?, roles?, authorization? }',
                  additionalProperties: false,
                  required: ['subject'],
                  properties: {
                    in: pointer('the object of request headers in the echo answer (default "/headers")'),
                    subject: text('the header carrying the subject, e.g. X-Auth-Sub'),
                    clientId: text('the header carrying the client id'),
                    kind: text('the header carrying the identity kind'),
                    roles: {
                      type: 'array',
                      description: 'headers carrying lists of roles or scopes: a list of { name, separator? } (separator default " ")',
                      items: {
                        type: 'object',
                        description: 'a list header: { name, separator? }',
                        additionalProperties: false,
                        required: ['name'],
                        properties: {
                          name: text('the header name, e.g. X-Auth-Scope'),
                          separator: { type: 'string', minLength: 1, description: 'the separator between values: a non-empty string (default " ")' },
                        },
                      },
                    },
                    authorization: text('a header whose presence in the echo means the component got the raw Authorization header, e.g. Authorization'),
                  },
                },
                publicIdentityFormat: {
                  type: 'object',
                  description: "pointers inside the identity of the public route's answer, when they differ from the echo's: { subject?, clientId?, kind?, roles? }",
                  additionalProperties: false,
                  properties: {
                    subject: pointer('the subject (default: identityEchoFormat.subject)'),
                    clientId: pointer('the client id (default: identityEchoFormat.clientId)'),
                    kind: pointer('the identity kind (default: identityEchoFormat.kind)'),
                    roles: { type: 'array', items: pointer('a list of roles or scopes'), description: 'lists of roles and/or scopes: a list of JSON pointers' },
                  },
                },
                identityHeader: {
                  type: 'object',
                  description: 'the header the gateway passes the identity in: { name, encoding }',
                  additionalProperties: false,
                  required: ['name', 'encoding'],
                  properties: {
                    name: text('the header name'),
                    encoding: { type: 'string', enum: ['base64url-json', 'json', 'text'], description: 'the encoding: base64url-json, json or text' },
                  },
                },
              },
            },
          },
        },
      },
    },
    clients: {
      type: 'object',
      description: 'the test clients: system (required), readOnly, shortTtl, rotation, noClientCredentials, web, publicWeb, frontEndSystem, otherAudience, secretJwt, disabled',
      additionalProperties: false,
      required: ['system'],
      properties: {
        system: client('system (a system user with every scope the routes need)'),
        readOnly: client('read-only (lacking the scoped route\'s scope)', {
          refusedScopes: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', minLength: 1 },
            description:
              'scopes the IdP must refuse this client (invalid_scope, or left out of what it grants; REQ-TOK-12): a non-empty list of strings; leave it out when the IdP lets every client ask for every scope',
          },
        }),
        shortTtl: client('short-TTL (tokens living a few seconds)'),
        rotation: client('rotation (the kit may rotate its secret)'),
        noClientCredentials: client('non-client-credentials (not allowed the client_credentials grant)'),
        web: client('web front end (human login)', { redirectUri: url('the redirect URI registered for the web client'), applicationType: applicationType('web client') }),
        // Issue 22: the web front end's own system user (seed 000)
        frontEndSystem: client("web front end's own system user (seed 000: the front end \"will have a System User\"; client credentials)", {
          notNeeded: {
            type: 'array',
            items: { type: 'string', pattern: '^/', description: 'a GET path on the gateway starting with "/" ({customerId}: the first test customer\'s)' },
            description: 'GET routes the front end does not need, which should refuse its token (REQ-ID-17): a list of paths starting with "/"',
          },
        }),
        publicWeb: client('public web front end (a public client, tokenEndpointAuthMethod none, allowed the authorization code grant)', {
          redirectUri: url('the redirect URI registered for the public client'),
          applicationType: applicationType('public client'),
        }),
        otherAudience: client('other-audience (a client of the same IdP whose tokens are for another API)', {
          audience: text('the `aud` its tokens carry (another API than gateway.audience)'),
          tokenRequestParameters: tokenParameters("parameters its token requests carry instead of idp.tokenRequestParameters (Auth0's audience, RFC 8707's resource of the other API)"),
        }),
        // Issue 19: client_secret_jwt (REQ-CSJWT-*) and a disabled client (REQ-CAUTH-11); each capability follows from its entry
        secretJwt: client('client_secret_jwt (registered to authenticate with a JWT MACed with its secret; OpenID Connect Core §9)', {
          alg: { type: 'string', enum: [...SECRET_JWT_ALGS], description: `the HMAC alg the client uses: ${SECRET_JWT_ALGS.join(', ')} (default HS256)` },
        }),
        disabled: client('disabled (a client the operator has disabled; clientSecret: the secret it had before)'),
      },
    },
    users: {
      type: 'array',
      description: 'test users for human login: a list of { username, password, customerId }',
      items: {
        type: 'object',
        description: 'a test user: { username, password, customerId }',
        additionalProperties: false,
        required: ['username', 'password', 'customerId'],
        properties: {
          username: text('the login name'),
          password: secret('the password'),
          customerId: text('the customer the user stands for: the `sub` of its tokens (seed 003)'),
        },
      },
    },
    capabilities: {
      type: 'object',
      description: `the capabilities the target claims, each true or false: ${TARGET_CAPABILITIES.join(', ')}`,
      additionalProperties: false,
      properties: Object.fromEntries(TARGET_CAPABILITIES.map((c) => [c, { type: 'boolean', description: `${c}: true or false` }])),
    },
    limits: {
      type: 'object',
      description:
        'limits the target documents and load caps: { tokenRequestsPerSecond?, ipBlock?, gateway?, revocationSeconds?, authorizationCodeSeconds?, longWaits?, clockSkewSeconds?, requestTimeoutSeconds?, loadScenarios?, maxRequestsPerSecond?, maxRequestsPerRun? }',
      additionalProperties: false,
      // Load-generating scenarios only on the profile's say-so, and then never without both caps.
      if: { properties: { loadScenarios: { const: true } }, required: ['loadScenarios'] },
      then: { required: ['maxRequestsPerSecond', 'maxRequestsPerRun'] },
      properties: {
        tokenRequestsPerSecond: positiveInteger('token requests per second per IP before 429 (seed 001: 50)'),
        ipBlock: {
          type: 'object',
          description: 'the failed-login IP block: { failedAttempts, blockSeconds }',
          additionalProperties: false,
          required: ['failedAttempts', 'blockSeconds'],
          properties: {
            failedAttempts: positiveInteger('failed logins from one IP after which it is blocked'),
            blockSeconds: positiveInteger('how long the block lasts, in seconds'),
          },
        },
        // --- gateway rate limit and IP block (issue 16): the deployment's own claims, checked by REQ-GRL-*
        gateway: {
          type: 'object',
          description:
            'what the gateway limits per client IP: { requestsPerSecond?, ipBlock? } (requestsPerSecond is required with capabilities.gateway-rate-limiting, ipBlock with gateway-ip-blocking)',
          additionalProperties: false,
          properties: {
            requestsPerSecond: positiveInteger('requests per second per client IP the gateway serves before it answers 429 (e.g. Kong rate-limiting `second`)'),
            ipBlock: {
              type: 'object',
              description: 'the gateway\'s block of an IP that keeps sending invalid tokens: { failedAttempts, blockSeconds }',
              additionalProperties: false,
              required: ['failedAttempts', 'blockSeconds'],
              properties: {
                failedAttempts: positiveInteger('consecutive requests with invalid tokens from one IP after which the gateway refuses it'),
                blockSeconds: positiveInteger('how long the gateway refuses the IP, in seconds'),
              },
            },
            retiredKeySeconds: positiveInteger('seconds after which the gateway refuses a token signed with a key removed from the issuer\'s JWK Set (its key-set cache lifetime; required with capabilities.retired-key-bound)'),
          },
        },
        // --- end gateway limits
        revocationSeconds: {
          type: 'number',
          minimum: 0,
          description: 'seconds after a revocation (RFC 7009) within which the gateway refuses the revoked token (0: it introspects every token); absent: no bound is claimed',
        },
        // Issue 20: the authorization code's lifetime (RFC 6749 §4.1.2), and the opt-in to long waits.
        authorizationCodeSeconds: positiveInteger('seconds an authorization code of the IdP lives (RFC 6749 §4.1.2: at most 600 RECOMMENDED); the kit waits it out when the wait stays within 15 s, or with longWaits'),
        longWaits: { type: 'boolean', description: 'true to let checks wait longer than 15 s (an authorization code lifetime of up to 10 minutes is waited out)' },
        ownAddressCoolDownSeconds: {
          type: 'number',
          minimum: 0,
          maximum: 300,
          description:
            "seconds the run's own address rests after a rate-limit check sent from it (only with sourceAddresses: []); then those checks keep their place instead of running last (0..300)",
        },
        clockSkewSeconds: { type: 'number', minimum: 0, maximum: 600, description: 'leeway the gateway allows on exp/nbf, in seconds (0..600)' },
        requestTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 300, description: 'per-request timeout in seconds (> 0, at most 300)' },
        loadScenarios: { type: 'boolean', description: 'true to let load-generating scenarios (rate limit, IP block) run against this target' },
        maxRequestsPerSecond: positiveInteger('hard cap on requests per second the load scenarios send (required with loadScenarios: true)'),
        maxRequestsPerRun: positiveInteger('hard cap on requests the load scenarios send in the whole run (required with loadScenarios: true)'),
      },
    },
    browserLogin: {
      type: 'object',
      description: 'human login in a browser: { loginUrl?, scope?, extraParams?, selectors? } (README "Human login in a browser")',
      additionalProperties: false,
      properties: {
        loginUrl: url('where the browser sends the authorization request (default: idp.authorizationEndpoint)'),
        scope: text('the scope requested for the human (default: the web client\'s scopes)'),
        extraParams: {
          type: 'object',
          description: 'extra authorization-request parameters: a mapping of names to strings (e.g. resource, audience)',
          additionalProperties: { type: 'string' },
        },
        selectors: {
          type: 'object',
          description: 'CSS selectors of the login form; each optional, defaults fit the reference and Keycloak',
          additionalProperties: false,
          properties: {
            username: text('the username input'),
            password: text('the password input (must be an <input type="password">)'),
            submit: text('the submit button'),
            error: text('the message shown after a failed login'),
            consent: text('the "allow" button of a consent page'),
          },
        },
      },
    },
    sourceAddresses: {
      type: 'array',
      description: 'local addresses the kit may send from to act as distinct client IPs: a list of IP addresses',
      items: { type: 'string', pattern: '^[0-9a-fA-F.:]+$', description: 'an IP address of this machine' },
    },
    testTokenSigner: {
      type: 'object',
      description: 'a key the gateway trusts, for the checks with genuinely signed but invalid tokens: { privateJwk, kid?, alg? }',
      additionalProperties: false,
      required: ['privateJwk'],
      properties: {
        privateJwk: secret('the private signing key as a JSON JWK (RFC 7517)'),
        kid: text('the kid the gateway finds the public key under (default: the JWK\'s own kid)'),
        alg: { type: 'string', enum: [...SIGNER_ALGS], description: `the JWS alg: ${SIGNER_ALGS.join(', ')} (default: the JWK's alg, else the key type's usual one)` },
      },
    },
    foreignIssuer: FOREIGN_ISSUER,
    // Issue 19: a client registered for RFC 7523 private_key_jwt, and the private key the kit signs its assertions with
    privateKeyJwtClient: {
      type: 'object',
      description:
        'a client registered for private_key_jwt (RFC 7523) whose private key the kit signs client assertions with: { clientId, privateJwk, scopes, alg?, kid? }',
      additionalProperties: false,
      required: ['clientId', 'privateJwk', 'scopes'],
      properties: {
        clientId: text('the client id'),
        privateJwk: secret('the private key as a JSON JWK (RFC 7517) whose public half the IdP has registered for the client'),
        scopes: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'the scopes this client may be granted: a list of strings (may be empty)' },
        alg: { type: 'string', enum: [...SIGNER_ALGS], description: `the JWS alg the client signs with: ${SIGNER_ALGS.join(', ')} (default: the JWK's alg, else the key type's usual one)` },
        kid: text('the kid the IdP knows the public key by (default: the JWK\'s own kid)'),
      },
    },
    // Issue 22: seed 002's self-service rotation, by the owner only
    selfServiceRotation: {
      type: 'object',
      description:
        "where a customer rotates its own client's secret (seed 002, \"via the UI\"): { url with {clientId}, method?, secret, owner } — owner is the users[] username whose application clients.rotation is",
      additionalProperties: false,
      required: ['url', 'secret', 'owner'],
      properties: {
        url: url('the self-service rotation call ({clientId} is replaced by clients.rotation\'s id)'),
        method: { type: 'string', enum: ['POST', 'PUT', 'PATCH'], description: 'the HTTP method: POST (default), PUT or PATCH' },
        secret: pointer('where the owner\'s answer holds the new secret (e.g. "/client_secret")'),
        owner: text('the username (users[].username) of the customer who owns clients.rotation'),
      },
    },
    // Issue 19: mutual TLS (RFC 8705)
    mtls: {
      type: 'object',
      description:
        'mutual TLS (RFC 8705): { clientId, certificate, privateKey, tokenEndpoint?, gatewayUrl?, caCertificate?, scope?, otherCertificate?, certificateBoundTokens? } — certificate and privateKey are PEM files (paths relative to the profile)',
      additionalProperties: false,
      required: ['clientId', 'certificate', 'privateKey'],
      properties: {
        clientId: text('the client id registered for tls_client_auth or self_signed_tls_client_auth'),
        certificate: text('the client certificate: a PEM file path (relative to the profile)'),
        privateKey: text('the client certificate\'s private key: a PEM file path (relative to the profile; its content is never printed)'),
        tokenEndpoint: url('the token endpoint over mutual TLS (default: mtls_endpoint_aliases.token_endpoint of the metadata, else token_endpoint)'),
        gatewayUrl: url('the base URL where the gateway asks for client certificates (absent: the gateway\'s binding checks are not testable)'),
        caCertificate: text('the CA of the mTLS listeners\' server certificates: a PEM file path (default: the system\'s trust store)'),
        scope: text('the scope to request, when the client must name one'),
        otherCertificate: {
          type: 'object',
          description: 'a certificate the server trusts that is not the client\'s: { certificate, privateKey } PEM file paths',
          additionalProperties: false,
          required: ['certificate', 'privateKey'],
          properties: {
            certificate: text('the other certificate: a PEM file path'),
            privateKey: text('its private key: a PEM file path'),
          },
        },
        certificateBoundTokens: { type: 'boolean', description: 'whether tokens issued over mTLS are bound to the certificate (RFC 8705 §3): true (default) or false' },
      },
    },
    // Issue 19: RFC 7662 introspection and RFC 7009 revocation
    introspection: {
      type: 'object',
      description:
        'token introspection (RFC 7662): { endpoint?, client?, notAllowedClient? } — endpoint defaults to the metadata\'s introspection_endpoint, client (a clients role, default system) is the one allowed to call it',
      additionalProperties: false,
      properties: {
        endpoint: url('the introspection endpoint (default: introspection_endpoint of the RFC 8414 metadata)'),
        client: text('the clients role that may introspect (default "system")'),
        notAllowedClient: text('a clients role the target does not let introspect (REQ-INTRO-08)'),
      },
    },
    revocation: {
      type: 'object',
      description: 'token revocation (RFC 7009): { endpoint? } — default: revocation_endpoint of the RFC 8414 metadata',
      additionalProperties: false,
      properties: {
        endpoint: url('the revocation endpoint (default: revocation_endpoint of the RFC 8414 metadata)'),
      },
    },
    // Issue 19: TLS of an https target (RFC 9325)
    tls: {
      type: 'object',
      description: 'TLS of an https target (RFC 9325): { caFile?, plainHttpPort? }',
      additionalProperties: false,
      properties: {
        caFile: {
          type: 'string',
          minLength: 1,
          description: "a PEM file with the CA certificate(s) the target's certificates chain to when that CA is not a public one, relative to the profile: trusted for the run only",
        },
        plainHttpPort: { type: 'integer', minimum: 1, maximum: 65535, description: "the port where plain http is probed on the token endpoint's host (REQ-TLS-07): a whole number 1..65535, default 80" },
      },
    },
    // Issue 20: the kit's JWKS relay, which a test instance of the gateway uses as its jwks_uri
    jwksRelay: {
      type: 'object',
      description:
        "the kit's JWKS relay for the JWKS robustness checks: { listen, gatewayUrl? } — auth-ctk run serves the IdP's JWK Set plus the kit's test keys at http://<listen>/jwks; point the jwks_uri of a test instance of the gateway there",
      additionalProperties: false,
      required: ['listen'],
      properties: {
        listen: {
          type: 'string',
          pattern: '^(\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}|[A-Za-z0-9.-]+:[0-9]{1,5}|\\[[0-9A-Fa-f:.]+\\]:[0-9]{1,5})$',
          description: 'where the relay listens: host:port (e.g. 127.0.0.1:8099; 0.0.0.0:8099 for a gateway on another host or in a container), or ${VAR}',
        },
        gatewayUrl: url('the base URL of the gateway whose jwks_uri is the relay (same routes as gateway.baseUrl; default gateway.baseUrl, whose JWKS checks then run alone)'),
      },
    },
    admin: {
      type: 'object',
      description:
        'the control plane (audit log, secret rotation): { baseUrl, token, preset?, authHeader?, auditLog?, rotateSecret? }',
      additionalProperties: false,
      required: ['baseUrl', 'token'],
      properties: {
        baseUrl: url('the control plane base URL (Keycloak: .../admin/realms/<realm>; Auth0: https://<tenant>)'),
        token: secret('the admin token'),
        preset: {
          type: 'string',
          enum: ['reference', 'keycloak', 'auth0'],
          description: "the control plane's dialect: reference (default), keycloak (Admin REST of one realm) or auth0 (Management API)",
        },
        authHeader: {
          type: 'object',
          description: 'the header that carries the token: { name, prefix? } (default Authorization with prefix "Bearer ")',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: text('the header name, e.g. X-Admin-Key'),
            prefix: { type: 'string', description: 'what goes before the token in the header value: a string, may be "" (default "Bearer ")' },
          },
        },
        auditLog: adminCall('reading the audit log', {
          entries: pointer('where the answer holds the list of entries (e.g. "/entries" for {entries:[...]})'),
        }),
        rotateSecret: adminCall('rotating a client secret ({clientId} in the path)', {
          secret: pointer('where the answer holds the new secret (e.g. "/client_secret")'),
          putBack: adminCall('setting a given secret, to put the profile\'s back ({clientId} in the path)', {
            field: text('the JSON body member that carries the secret (e.g. client_secret)'),
          }, ['field']),
        }, ['secret', 'putBack']),
      },
    },
  },
} as const;
