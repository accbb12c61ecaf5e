import { type Requirement, rfc } from './types.ts';

const R9068 = (s: string) => rfc(9068, s);

/**
 * The access token as an RFC 9068 JWT, judged at the IdP: what the kit reads in a token it was issued.
 * Every requirement binds targets that claim `jwt-access-tokens` (RFC 9068 / seed 003): an IdP with opaque
 * tokens, or with JWTs it does not promise to keep in RFC 9068 shape (Keycloak's typ "JWT"), is not judged here.
 * How the gateway treats forged or stale tokens is the gateway's REQ-BEARER-04/05/12 (support/requirements/bearer.ts).
 */
export const JWT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-JWT-01',
    title: 'The access token is a signed JWT in JWS compact serialization (header.claims.signature, JSON header and claims)',
    level: 'MUST',
    source: 'RFC 9068 §2.1 (JWT access tokens MUST be signed); RFC 7515 §7.1; RFC 7519 §7.2',
    link: R9068('2.1'),
    component: 'idp',
    profile: 'core',
    capability: 'jwt-access-tokens',
  },
  {
    id: 'REQ-JWT-02',
    title: 'The access token header has typ "at+jwt" (or "application/at+jwt")',
    level: 'MUST',
    source: 'RFC 9068 §2.1 (MUST include this media type in typ)',
    link: R9068('2.1'),
    component: 'idp',
    profile: 'core',
    capability: 'rfc9068-access-tokens',
    note: 'The media type is compared case-insensitively (RFC 7515 §4.1.9 with RFC 6838); "application/at+jwt" is the long form the RFC allows.',
  },
  {
    id: 'REQ-JWT-03',
    title: 'The access token carries iss, exp, aud, sub, client_id, iat and jti (exp and iat as NumericDate)',
    level: 'MUST',
    source: 'RFC 9068 §2.2 (each REQUIRED); RFC 7519 §4.1',
    link: R9068('2.2'),
    component: 'idp',
    profile: 'core',
    capability: 'rfc9068-access-tokens',
  },
  {
    id: 'REQ-JWT-04',
    title: 'The access token is not an unsecured JWT: alg is never "none"',
    level: 'MUST',
    source: 'RFC 9068 §2.1 (MUST NOT use "none"); RFC 8725 §3.1',
    link: R9068('2.1'),
    component: 'idp',
    profile: 'core',
    capability: 'jwt-access-tokens',
  },
  {
    id: 'REQ-JWT-05',
    title: 'The access token is signed with an asymmetric algorithm (RS*, PS*, ES*, EdDSA)',
    level: 'SHOULD',
    source: 'RFC 9068 §2.1 (asymmetric cryptography is RECOMMENDED)',
    link: R9068('2.1'),
    component: 'idp',
    profile: 'core',
    capability: 'jwt-access-tokens',
    note: 'With a symmetric (HS*) token every resource server holds a key that can mint tokens, and the kit cannot verify it.',
  },
  {
    id: 'REQ-JWT-06',
    title: 'The iss claim is exactly the issuer identifier of the authorization server',
    level: 'MUST',
    source: 'RFC 9068 §2.2 (iss), §4 (MUST exactly match the issuer identifier); RFC 8414 §2',
    link: R9068('4'),
    component: 'idp',
    profile: 'core',
    capability: 'jwt-access-tokens',
  },
  {
    id: 'REQ-JWT-07',
    title: 'The signature verifies with a key the issuer publishes at its jwks_uri (chosen by kid)',
    level: 'MUST',
    source: 'RFC 9068 §4 (resource servers MUST use the keys provided by the authorization server); RFC 7515 §5.2; RFC 7517 §5',
    link: R9068('4'),
    component: 'idp',
    profile: 'core',
    capability: 'jwt-access-tokens',
  },
  {
    id: 'REQ-JWT-08',
    title: 'The aud claim contains the API audience the gateway expects',
    level: 'MUST',
    source: 'RFC 9068 §2.2 (aud REQUIRED), §3 (a default resource indicator when none was requested), §4',
    link: R9068('3'),
    component: 'idp',
    profile: 'core',
    capability: 'rfc9068-access-tokens',
    note: 'The expected audience is the one the target profile names (audience): the value its gateway validates.',
  },
  {
    id: 'REQ-JWT-09',
    title: 'A token issued for a requested scope carries a scope claim',
    level: 'SHOULD',
    source: 'RFC 9068 §2.2.3 (SHOULD include a scope claim)',
    link: R9068('2.2.3'),
    component: 'idp',
    profile: 'core',
    capability: 'rfc9068-access-tokens',
  },
  {
    id: 'REQ-JWT-10',
    title: 'After a signing-key rotation, tokens issued before it still verify against the JWKS and are still accepted',
    level: 'SHOULD',
    source: 'RFC 7517 §5 (a JWK Set holds several keys); RFC 9068 §4 (key chosen by kid); OpenID Connect Core §10.1.1 (rollover)',
    link: 'https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys',
    component: 'idp',
    profile: 'core',
    capability: 'signing-key-rotation',
    note:
      'No clause orders the old key to stay published; removing it at once breaks every token still in use before ' +
      'its exp, which is what rollover through kid exists to avoid. Graded SHOULD for that reason.',
  },
  {
    id: 'REQ-JWT-11',
    title: 'After a signing-key rotation, new tokens are signed with a newly published key (new kid) and the gateway accepts them',
    level: 'MUST',
    source: 'RFC 9068 §4 (keys provided by the authorization server, chosen by kid); RFC 7517 §4.5',
    link: R9068('4'),
    component: 'idp',
    profile: 'core',
    capability: 'signing-key-rotation',
    note: 'The gateway is given up to 35 s to fetch the new key set (jose and most libraries re-fetch an unknown kid after a 30 s cooldown).',
  },
  {
    id: 'REQ-JWT-12',
    title: 'The client_id claim names the client that requested the token',
    level: 'MUST',
    source: 'RFC 9068 §2.2 (client_id: the client that requested the token, RFC 8693 §4.3)',
    link: R9068('2.2'),
    component: 'idp',
    profile: 'core',
    // RFC 9068 makes client_id REQUIRED; a plain JWT access token is bound by nothing that asks for it (seed 003's
    // client_id == sub rule is judged by REQ-ID-01/02 under their own capability).
    capability: 'rfc9068-access-tokens',
  },
];
