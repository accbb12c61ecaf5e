import { type Requirement, rfc } from './types.ts';

const R7523 = (s: string) => rfc(7523, s);
const OIDC_CORE_9 = 'https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication';

/**
 * client_secret_jwt (issue 19): the client authenticates at the token endpoint with a JWT it MACs (HS256/384/512) with
 * its own client secret as the key (OpenID Connect Core §9; RFC 7523 §2.2, §3; RFC 7521 §4.2). The same checks as
 * private_key_jwt (jwt-client-auth.ts), made by the same code: every negative check sends an assertion that is correct
 * but for the one defect, after the correct one got a token (REQ-CSJWT-01, the positive control).
 *
 * Profile: core, not asymmetric-client-auth. The key is the client secret, so this is a shared-secret method beside
 * client_secret_basic and client_secret_post (OpenID Connect Core §9 lists the four together; FAPI 2.0 admits only
 * the asymmetric ones). Every requirement binds targets that claim `client-secret-jwt` (profile clients.secretJwt),
 * so core stays as it was for a target without such a client. Levels follow RFC 7523 §3's words: where only
 * OpenID Connect Core binds the client (jti present, used once) and RFC 7523 leaves the server free (MAY), a token
 * is a warning.
 */
export const CLIENT_SECRET_JWT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-CSJWT-01',
    title: 'A client assertion MACed with the client\'s secret (HS256; iss = sub = client_id, aud = the authorization server, exp, jti) authenticates the client: the token endpoint issues an access token',
    level: 'MUST',
    source: 'RFC 7523 §2.2, §3 (the JWT\'s conditions; item 9 "digitally signed or have a Message Authentication Code (MAC) applied"); RFC 7521 §4.2; OpenID Connect Core §9 (client_secret_jwt)',
    link: R7523('2.2'),
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-jwt',
    note:
      'The target claims client_secret_jwt for this client (profile clients.secretJwt); OpenID Connect Core §9 keys the HMAC with the ' +
      'octets of the UTF-8 client secret. It is every negative check\'s positive control. The aud is the token endpoint URL, else the issuer.',
  },
  {
    id: 'REQ-CSJWT-02',
    title: 'A client_secret_jwt assertion whose aud does not name the authorization server is refused, with no token',
    level: 'MUST',
    source: 'RFC 7523 §3 item 3 ("The authorization server MUST reject any JWT that does not contain its own identity as the intended audience")',
    link: R7523('3'),
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-jwt',
  },
  {
    id: 'REQ-CSJWT-03',
    title: 'A client_secret_jwt assertion whose exp has passed (by ten minutes) is refused, with no token',
    level: 'MUST',
    source: 'RFC 7523 §3 item 4 ("The authorization server MUST reject any JWT with an expiration time that has passed, subject to allowable clock skew")',
    link: R7523('3'),
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-jwt',
  },
  {
    id: 'REQ-CSJWT-04',
    title: 'A client_secret_jwt assertion without a jti is refused, with no token',
    level: 'SHOULD',
    source: 'OpenID Connect Core §9 (jti REQUIRED in a client authentication JWT); RFC 7523 §3 item 7 ("The JWT MAY contain a jti")',
    link: OIDC_CORE_9,
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-jwt',
    note:
      'RFC 7523 makes jti optional; OpenID Connect Core requires it of the client and says nothing of the server refusing it. A server ' +
      'that takes an assertion without jti conforms to RFC 7523, so a token is a warning. It is worth one: without a jti the server ' +
      'cannot tell a replayed assertion from a new one (REQ-CSJWT-05).',
  },
  {
    id: 'REQ-CSJWT-05',
    title: 'A client_secret_jwt assertion sent a second time (the same jti, still unexpired) is refused, with no token',
    level: 'SHOULD',
    source: 'RFC 7523 §3 item 7 (the server "MAY ensure that JWTs are not replayed"); OpenID Connect Core §9 ("These tokens MUST only be used once")',
    link: R7523('3'),
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-jwt',
    note: 'The replay refusal is a MAY in RFC 7523; OpenID Connect Core\'s "used once" binds the client that makes the token. A second token is a warning, never a failure.',
  },
  {
    id: 'REQ-CSJWT-06',
    title: 'A client_secret_jwt assertion MACed with another secret than the client\'s is refused, with no token',
    level: 'MUST',
    source: 'RFC 7523 §3 item 9 ("The authorization server MUST reject JWTs with an invalid signature or Message Authentication Code")',
    link: R7523('3'),
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-jwt',
    note: 'The claims are the positive control\'s, the MAC keyed with a random secret: a server that checks no MAC (or checks it with the wrong key) takes it.',
  },
  {
    id: 'REQ-CSJWT-07',
    title: 'An unsecured client_secret_jwt assertion (alg "none") is refused, with no token',
    level: 'MUST',
    source: 'RFC 7523 §3 item 9 ("The JWT MUST be digitally signed or have a Message Authentication Code (MAC) applied by the issuer. The authorization server MUST reject JWTs with an invalid signature or MAC"); RFC 8725 §3.1',
    link: R7523('3'),
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-jwt',
  },
  {
    id: 'REQ-CSJWT-08',
    title: 'A refused client_secret_jwt assertion is answered with the error invalid_client',
    level: 'MUST',
    source: 'RFC 7523 §3.2 (for an invalid client JWT "The value of the error parameter MUST be the invalid_client error code"); RFC 6749 §5.2',
    link: R7523('3.2'),
    component: 'idp',
    profile: 'core',
    capability: 'client-secret-jwt',
    note: 'Judged on every refusal of REQ-CSJWT-02..07 that is a JSON error object; 400 or 401 (RFC 6749 §5.2).',
  },
];
