import { type Requirement, rfc, seed, SEEDS } from './types.ts';

const R8414 = (s: string) => rfc(8414, s);

/**
 * Authorization server metadata (RFC 8414; OpenID Connect Discovery 1.0). Publishing metadata is optional in
 * OAuth 2.0: a target whose metadata the kit cannot find (no discoveryUrl in the profile, nothing at the
 * well-known URLs) is "not testable" here, never failed. Every clause is graded by its own word: REQUIRED members
 * are MUST; a list that merely leaves out something the server does is SHOULD (RFC 8414 defines the lists as
 * what the server supports, without a keyword on their accuracy).
 */
export const DISCOVERY_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-DISC-01',
    title: 'The metadata document is answered with 200 and a JSON object (application/json)',
    level: 'MUST',
    source: 'RFC 8414 §3.2 (a successful response MUST use 200 and return a JSON object as application/json)',
    link: R8414('3.2'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-DISC-02',
    title: 'The metadata issuer is identical to the issuer identifier, and to the iss of the tokens',
    level: 'MUST',
    source: 'RFC 8414 §3.3 (issuer MUST be identical); RFC 9068 §4; OpenID Connect Discovery 1.0 §4.3',
    link: R8414('3.3'),
    component: 'idp',
    profile: 'core',
    note: 'Compared as strings, exactly: a trailing slash is a different issuer (resource servers compare iss byte for byte).',
  },
  {
    id: 'REQ-DISC-03',
    title: 'The metadata names the token endpoint (token_endpoint, an absolute URL)',
    level: 'MUST',
    source: 'RFC 8414 §2 (token_endpoint REQUIRED unless only the implicit grant is supported)',
    link: R8414('2'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-DISC-11',
    title: 'The token_endpoint the metadata names answers token requests: a token or an OAuth error, never 404',
    level: 'MUST',
    source: 'RFC 8414 §2 (token_endpoint: URL of the authorization server\'s token endpoint); RFC 6749 §3.2, §5.1, §5.2',
    link: R8414('2'),
    component: 'idp',
    profile: 'core',
    note:
      'When the profile takes the token endpoint from the metadata and it answers 404, this is the one finding: every other ' +
      'check that needs a token reports itself blocked by it (the start-up check finds it).',
  },
  {
    id: 'REQ-DISC-04',
    title: 'The metadata names a jwks_uri that answers with a JWK Set (a JSON object with a keys array) holding the key the access tokens are signed with',
    level: 'MUST',
    source: 'RFC 8414 §2 (jwks_uri); RFC 7517 §5 (keys REQUIRED); RFC 9068 §4; OpenID Connect Discovery 1.0 §3 (jwks_uri REQUIRED)',
    link: R8414('2'),
    component: 'idp',
    profile: 'core',
    capability: 'jwt-access-tokens',
    note: 'RFC 8414 makes jwks_uri OPTIONAL; for a target whose access tokens are signed JWTs it is where resource servers get the keys, and §2 says the document contains the signing key(s). Where the metadata names the set the profile does, REQ-JWT-07 judges the signing key there; where it names another set (support/discovery/metadata-keys.ts), a token that verifies with the profile\'s set and not with the metadata\'s fails here.',
  },
  {
    id: 'REQ-DISC-05',
    title: 'The published JWK Set holds public keys only: no private (d, p, q, dp, dq, qi, oth) or symmetric (k) key material',
    level: 'MUST',
    source: 'RFC 7517 §9.2 (private and symmetric keys MUST be protected from disclosure); OpenID Connect Discovery 1.0 §3 (jwks_uri)',
    link: rfc(7517, '9.2'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-DISC-06',
    title: 'grant_types_supported lists client_credentials',
    level: 'SHOULD',
    source: 'RFC 8414 §2 (grant_types_supported: the grant types the server supports; default ["authorization_code", "implicit"])',
    link: R8414('2'),
    component: 'idp',
    profile: 'core',
    note:
      'A list without client_credentials, or no list (its default excludes it), tells clients the grant seed 001 documents ' +
      'is not supported. No keyword binds the accuracy of the list: a warning.',
  },
  {
    id: 'REQ-DISC-07',
    title: 'token_endpoint_auth_methods_supported, when present, lists client_secret_basic',
    level: 'SHOULD',
    source: 'RFC 8414 §2 (default client_secret_basic); RFC 6749 §2.3.1 (MUST support HTTP Basic)',
    link: R8414('2'),
    component: 'idp',
    profile: 'core',
    note: 'Whether Basic works is REQ-CAUTH-01 (MUST); a list that leaves it out misleads clients: a warning.',
  },
  {
    id: 'REQ-DISC-08',
    title: 'token_endpoint_auth_methods_supported lists client_secret_post (absent, its default is client_secret_basic alone)',
    level: 'SHOULD',
    source: 'RFC 8414 §2; seed 001 (credentials in the body)',
    link: seed(SEEDS.integrationGuide),
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-post',
  },
  {
    id: 'REQ-DISC-09',
    title: 'The metadata has response_types_supported (a JSON array)',
    level: 'MUST',
    source: 'RFC 8414 §2 (response_types_supported REQUIRED)',
    link: R8414('2'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-DISC-10',
    title: 'The issuer identifier is an https URL without query or fragment',
    level: 'MUST',
    source: 'RFC 8414 §2 (issuer: a URL that uses the https scheme and has no query or fragment components)',
    link: R8414('2'),
    component: 'idp',
    profile: 'core',
    note: 'Loopback issuers (127.0.0.0/8, ::1, localhost) may use http: local test deployments never leave the machine.',
  },
];
