import { type Requirement, rfc } from './types.ts';

const R7523 = (s: string) => rfc(7523, s);

/**
 * Asymmetric client authentication (issue 19): RFC 7523 private_key_jwt, the client authenticating with a JWT it signed
 * with its own private key (RFC 7521 §4.2, OpenID Connect Core §9). The kit must hold that private key (profile
 * privateKeyJwtClient) to sign assertions; each negative check sends an assertion that is correct but for the one
 * defect under test, after the correct one got a token (the positive control, REQ-PKJWT-01). Levels follow RFC 7523 §3's
 * own words; where no clause makes the server refuse (a replayed jti) the expectation is a warning.
 */
export const JWT_CLIENT_AUTH_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-PKJWT-01',
    title: 'A client assertion signed with the client\'s registered key (iss = sub = client_id, aud = the authorization server, exp, jti) authenticates the client: the token endpoint issues an access token',
    level: 'MUST',
    source: 'RFC 7523 §2.2, §3 (the JWT\'s conditions), §3.1; RFC 7521 §4.2 (client_assertion_type, client_assertion); OpenID Connect Core §9 (private_key_jwt)',
    link: R7523('2.2'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'private-key-jwt',
    note:
      'The target claims private_key_jwt for this client (profile privateKeyJwtClient); an assertion that meets every condition of ' +
      'RFC 7523 §3 and is signed with the key the client registered authenticates it. It is also every negative check\'s positive control: ' +
      'a refusal of a faulty assertion says something only where the correct one gets a token. The aud is the token endpoint URL, which ' +
      '§3 item 3 names as a value the server accepts; where that is refused, the issuer identifier is tried (OpenID Connect Core §9 allows both).',
  },
  {
    id: 'REQ-PKJWT-02',
    title: 'A client assertion whose aud does not name the authorization server is refused, with no token',
    level: 'MUST',
    source: 'RFC 7523 §3 item 3 ("The authorization server MUST reject any JWT that does not contain its own identity as the intended audience"); RFC 7521 §5.2',
    link: R7523('3'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'private-key-jwt',
    note: 'The assertion is the positive control\'s but for aud: another server\'s token endpoint (an assertion made for one server must not open another).',
  },
  {
    id: 'REQ-PKJWT-03',
    title: 'A client assertion whose exp has passed (by ten minutes, beyond any clock skew) is refused, with no token',
    level: 'MUST',
    source: 'RFC 7523 §3 item 4 ("The authorization server MUST reject any JWT with an expiration time that has passed, subject to allowable clock skew between systems")',
    link: R7523('3'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'private-key-jwt',
    note: 'exp is 600 s in the past (iat 900 s): no clock skew a server allows reaches that far, so a refusal is not about the clocks.',
  },
  {
    id: 'REQ-PKJWT-04',
    title: 'A client assertion sent a second time (the same jti, still unexpired) is refused, with no token',
    level: 'SHOULD',
    source: 'RFC 7523 §3 item 7 (the server "MAY ensure that JWTs are not replayed"); OpenID Connect Core §9 (jti: "These tokens MUST only be used once"); RFC 7521 §5.2',
    link: R7523('3'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'private-key-jwt',
    note:
      'RFC 7523 leaves replay protection to the server (MAY); OpenID Connect Core\'s "MUST only be used once" is said of the token ' +
      'and binds the client that makes it as much as the server. A server that takes the same assertion twice conforms to RFC 7523, ' +
      'so a second token is a warning, never a failure. It is worth the warning: a captured assertion then authenticates whoever ' +
      'replays it until its exp. The first use must get a token (the control).',
  },
  {
    id: 'REQ-PKJWT-05',
    title: 'An unsigned client assertion (alg "none") is refused, with no token',
    level: 'MUST',
    source: 'RFC 7523 §3 item 9 ("The JWT MUST be digitally signed or have a Message Authentication Code (MAC) applied by the issuer. The authorization server MUST reject JWTs with an invalid signature or Message Authentication Code"); RFC 8725 §3.1',
    link: R7523('3'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'private-key-jwt',
    note: 'An unsecured JWS (RFC 7515 Appendix A.5) carries no signature at all: anyone who knows the client id could write it.',
  },
  {
    id: 'REQ-PKJWT-06',
    title: 'A client assertion MACed with HS256 using the client\'s public key as the secret (algorithm confusion) is refused, with no token',
    level: 'MUST',
    source: 'RFC 7523 §3 item 9 (the server MUST reject JWTs with an invalid signature or MAC); RFC 8725 §3.1 ("MUST NOT use any other algorithms"), §3.2 (each key used with exactly one algorithm)',
    link: rfc(8725, '3.1'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'private-key-jwt',
    note:
      'The public key is public: a server that verifies an HS256 MAC with the client\'s public key as the HMAC secret (the key ' +
      'material it holds for the client, in PEM form) lets anyone authenticate as the client. The client registered an asymmetric key, ' +
      'so no MAC made with it is valid (RFC 8725 §3.2: one key, one algorithm).',
  },
  {
    id: 'REQ-PKJWT-07',
    title: 'A client assertion signed with a key the client did not register (naming the registered key\'s kid) is refused, with no token',
    level: 'MUST',
    source: 'RFC 7523 §3 item 9 (the server "MUST reject JWTs with an invalid signature"); OpenID Connect Core §9 (private_key_jwt: the client "has registered a public key")',
    link: R7523('3'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'private-key-jwt',
    note:
      'The kit makes a fresh key pair of the same type and algorithm and signs the positive control\'s claims with it. The header names ' +
      'the registered key\'s kid (where it has one) and carries the new public key as jwk, as an attacker would: a server that trusts a ' +
      'key the assertion brings along, or that checks no signature, takes it.',
  },
  {
    id: 'REQ-PKJWT-08',
    title: 'A refused client assertion is answered with the error invalid_client',
    level: 'MUST',
    source: 'RFC 7523 §3.2 (for an invalid client JWT "The value of the error parameter MUST be the invalid_client error code"); RFC 7521 §4.2.1; RFC 6749 §5.2',
    link: R7523('3.2'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'private-key-jwt',
    note:
      'Judged on every refusal of REQ-PKJWT-02..07 that is a JSON error object (the error format is REQ-TOK-09\'s). The status of an ' +
      'invalid_client answer may be 400 or 401 (RFC 6749 §5.2 requires 401 only where the client used the Authorization header).',
  },
];
