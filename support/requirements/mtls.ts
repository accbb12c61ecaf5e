import { type Requirement, rfc } from './types.ts';

const R8705 = (s: string) => rfc(8705, s);

/**
 * Mutual TLS (issue 19, RFC 8705): client authentication with a certificate at the token endpoint's mTLS alias (§2,
 * §5) and access tokens bound to that certificate (§3), judged at the token endpoint, in the token (or its
 * introspection) and at the gateway's mTLS listener. Client authentication binds the `mtls-client-auth` capability
 * and sits in the `asymmetric-client-auth` certification profile beside private_key_jwt (FAPI 2.0 allows exactly
 * these two); the binding binds `certificate-bound-tokens` and sits in `sender-constrained` beside DPoP. Levels
 * follow the clause's word; where RFC 8705 states what a server does without a BCP 14 keyword, the requirement is a
 * SHOULD and its note says why.
 */
export const MTLS_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-MTLS-01',
    title: 'A token request over the mTLS endpoint with the client\'s registered certificate (and its client_id, no secret) gets an access token',
    level: 'MUST',
    source: 'RFC 8705 §2 (the TLS connection "MUST have been established ... with mutual-TLS X.509 certificate authentication"; the client "MUST include the client_id parameter"), §2.1, §2.2; RFC 6749 §5.1',
    link: R8705('2'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'mtls-client-auth',
    note:
      'The positive control of every refusal check of mTLS client authentication: a server that refuses every certificate would otherwise pass them all. ' +
      'The certificate and key are the operator\'s files (profile mtls.client), or, on the reference, issued at run time by the kit\'s own test CA.',
  },
  {
    id: 'REQ-MTLS-02',
    title: 'A token request of the mTLS client without a certificate, or with a certificate that is not the one registered for it, gets no access token',
    level: 'MUST',
    source: 'RFC 8705 §2 ("The authorization server MUST enforce the binding between client and certificate, as described in either Section 2.1 or 2.2")',
    link: R8705('2'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'mtls-client-auth',
    note:
      'Judged after the same request with the registered certificate got a token (REQ-MTLS-01). The other certificates: one of another subject from a CA ' +
      'the server trusts (profile mtls.otherCertificate; on the reference the kit issues it), and one with the client\'s own subject from a CA the kit makes at ' +
      'run time, which the server cannot trust. A TLS handshake the server breaks off is a refusal too. Each refused request goes out from a client IP of its own.',
  },
  {
    id: 'REQ-MTLS-03',
    title: 'A token request refused for its certificate is answered with an RFC 6749 §5.2 error response whose error is invalid_client',
    level: 'SHOULD',
    source: 'RFC 8705 §2 ("If no certificate is presented, or that which is presented doesn\'t match ... the authorization server returns a normal OAuth 2.0 error response per Section 5.2 of [RFC6749] with the invalid_client error code")',
    link: R8705('2'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'mtls-client-auth',
    note:
      'The sentence names the code without a BCP 14 keyword, so another code, or a TLS handshake broken off before any HTTP answer (common where a TLS ' +
      'terminator checks the chain), is a warning, not a failure; REQ-MTLS-02 judges that no token was issued.',
  },
  {
    id: 'REQ-MTLS-04',
    title: 'The x5t#S256 confirmation of a token issued over mTLS is the base64url SHA-256 thumbprint (no padding) of the certificate the client presented',
    level: 'MUST',
    source: 'RFC 8705 §3.1 ("The value of the x5t#S256 member is a base64url-encoded ... SHA-256 ... hash ... of the DER encoding ... of the X.509 certificate"; it "MUST omit all trailing pad \'=\' characters"), §3.2',
    link: R8705('3.1'),
    component: 'idp',
    profile: 'sender-constrained',
    capability: 'certificate-bound-tokens',
    note:
      'Read from the JWT access token (§3.1), or for an opaque token from the introspection response (§3.2, where the profile offers introspection). ' +
      'A token that names no certificate at all is REQ-MTLS-05\'s; this requirement judges a value that is there.',
  },
  {
    id: 'REQ-MTLS-05',
    title: 'A token issued over mTLS to a client of certificate-bound tokens names its certificate: cnf.x5t#S256 in the JWT, or in the introspection response',
    level: 'SHOULD',
    source: 'RFC 8705 §3.1 ("When access tokens are represented as JSON Web Tokens (JWT) ..., the certificate hash information SHOULD be represented using the x5t#S256 confirmation method member"), §3.2, §3',
    link: R8705('3.1'),
    component: 'idp',
    profile: 'sender-constrained',
    capability: 'certificate-bound-tokens',
    note:
      '§3 allows other ways of associating the certificate "per agreement by the authorization server and the protected resource", so a token without cnf ' +
      'is a warning; the gateway checks (REQ-MTLS-06..08) still judge whether the binding holds where it matters. An opaque token without introspection is not judged here.',
  },
  {
    id: 'REQ-MTLS-06',
    title: 'The gateway serves a certificate-bound access token presented over its mTLS listener with the certificate the token is bound to',
    level: 'MUST',
    source: 'RFC 8705 §3 (the protected resource "MUST verify that the certificate matches the certificate associated with the access token"), RFC 6750 §2.1',
    link: R8705('3'),
    component: 'gateway',
    profile: 'sender-constrained',
    capability: 'certificate-bound-tokens',
    note:
      'The positive control of every refusal check of the gateway\'s certificate binding: a gateway that refuses every bound token would otherwise pass them all. ' +
      'The gateway\'s mTLS URL is the profile\'s mtls.gatewayUrl (RFC 8705 §3: mTLS-protected resources are often served on a host and port of their own).',
  },
  {
    id: 'REQ-MTLS-07',
    title: 'The gateway refuses a certificate-bound access token presented without a client certificate, or with another certificate',
    level: 'MUST',
    source: 'RFC 8705 §3 ("The protected resource MUST obtain, from its TLS implementation layer, the client certificate used for mutual TLS and MUST verify that the certificate matches ... If they do not match, the resource access attempt MUST be rejected")',
    link: R8705('3'),
    component: 'gateway',
    profile: 'sender-constrained',
    capability: 'certificate-bound-tokens',
    note: 'A stolen bound token must be worth nothing without the certificate\'s private key. A TLS handshake the gateway breaks off (no certificate) is a refusal too.',
  },
  {
    id: 'REQ-MTLS-08',
    title: 'A gateway refusing a certificate-bound token for its certificate answers 401 with error invalid_token (RFC 6750)',
    level: 'MUST',
    source: 'RFC 8705 §3 (the attempt "MUST be rejected with an error, per [RFC6750], using an HTTP 401 status code and the invalid_token error code"), RFC 6750 §3.1',
    link: R8705('3'),
    component: 'gateway',
    profile: 'sender-constrained',
    capability: 'certificate-bound-tokens',
    note: 'The code is read from the WWW-Authenticate challenge (RFC 6750 §3). A refusal without any HTTP answer (a broken-off handshake) does not apply.',
  },
  {
    id: 'REQ-MTLS-09',
    title: 'The metadata of a server that issues certificate-bound tokens says so: tls_client_certificate_bound_access_tokens true',
    level: 'SHOULD',
    source: 'RFC 8705 §3.3 (tls_client_certificate_bound_access_tokens: "OPTIONAL. Boolean value indicating server support for mutual-TLS client certificate-bound access tokens. If omitted, the default value is false.")',
    link: R8705('3.3'),
    component: 'idp',
    profile: 'sender-constrained',
    capability: 'certificate-bound-tokens',
    note: 'The parameter is OPTIONAL, but its absence says "false" to every client that reads the metadata: stricter than the clause, so a warning.',
  },
  {
    id: 'REQ-MTLS-10',
    title: 'The metadata names the mTLS token endpoint in mtls_endpoint_aliases where it differs from token_endpoint',
    level: 'SHOULD',
    source: 'RFC 8705 §5 (mtls_endpoint_aliases: "OPTIONAL. A JSON object containing alternative authorization server endpoints that, when present, an OAuth client intending to do mutual TLS uses in preference to the conventional endpoints")',
    link: R8705('5'),
    component: 'idp',
    profile: 'asymmetric-client-auth',
    capability: 'mtls-client-auth',
    note:
      'Judged only where the profile names the mTLS token endpoint and it differs from the metadata\'s token_endpoint: without the alias no client can find it ' +
      'from the metadata. The parameter is OPTIONAL, so a missing or different alias is a warning.',
  },
];
