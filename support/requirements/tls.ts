import { type Requirement, rfc } from './types.ts';

/**
 * TLS on the target's https URLs (issue 19; RFC 9325 = BCP 195 with RFC 8996). They bind the IdP and the gateway of a
 * target whose URLs are https; on an http (loopback) target they are not applicable, with that reason
 * (support/target/applicability.ts, @requires-https). RFC 9852 (BCP 195, 2026) asks TLS 1.3 of NEW protocols only;
 * OAuth 2.0 is not one, so RFC 9325's levels stand.
 */
export const TLS_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-TLS-01',
    title: 'An https endpoint does not negotiate TLS 1.0: a client offering only TLS 1.0 gets no connection',
    level: 'MUST',
    source: 'RFC 9325 §3.1.1 ("Implementations MUST NOT negotiate TLS version 1.0"); RFC 8996 §2',
    link: rfc(9325, '3.1.1'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TLS-02',
    title: 'An https endpoint does not negotiate TLS 1.1: a client offering only TLS 1.1 gets no connection',
    level: 'MUST',
    source: 'RFC 9325 §3.1.1 ("Implementations MUST NOT negotiate TLS version 1.1"); RFC 8996 §3',
    link: rfc(9325, '3.1.1'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TLS-03',
    title: 'An https endpoint supports TLS 1.2: a client offering only TLS 1.2 gets a connection',
    level: 'MUST',
    source: 'RFC 9325 §3.1.1 ("Implementations MUST support TLS 1.2")',
    link: rfc(9325, '3.1.1'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TLS-04',
    title: 'An https endpoint supports TLS 1.3: a client offering only TLS 1.3 gets a connection',
    level: 'SHOULD',
    source: 'RFC 9325 §3.1.1 ("Implementations SHOULD support TLS 1.3")',
    link: rfc(9325, '3.1.1'),
    component: 'idp',
    profile: 'core',
  },
  {
    id: 'REQ-TLS-05',
    title: 'The certificate an https endpoint presents is valid for the host of its URL (subjectAltName matches)',
    level: 'MUST',
    source: 'RFC 9110 §4.3.4 (the client MUST verify that the service\'s identity is an acceptable match for the URI\'s origin server); RFC 9525 §6',
    link: rfc(9110, '4.3.4'),
    component: 'idp',
    profile: 'core',
    note:
      'The clause binds the client; a server whose certificate names another host fails every client that keeps it, so the ' +
      'kit judges the certificate presented for the URL\'s host (an IP address must be an iPAddress subjectAltName).',
  },
  {
    id: 'REQ-TLS-06',
    title: 'The certificate an https endpoint presents chains to a trusted CA and is within its validity period',
    level: 'MUST',
    source: 'RFC 9110 §4.3.4 (a certificate not valid for the origin server: the user agent MUST terminate the connection or ask the user); RFC 5280 §6.1.3 (the validity period includes the current time)',
    link: rfc(9110, '4.3.4'),
    component: 'idp',
    profile: 'core',
    note:
      'A target with a private CA gives its certificate in the profile (tls.caFile); the kit trusts it for that run only. ' +
      'The host name is judged by REQ-TLS-05, apart.',
  },
  {
    id: 'REQ-TLS-07',
    title: 'The token endpoint requires TLS: its plain-http twin (same host, port 80 or the declared plain port) does not process a token request',
    level: 'MUST',
    source: 'RFC 6749 §3.2 ("the authorization server MUST require the use of TLS ... when sending requests to the token endpoint"); RFC 6749 §2.3.1',
    link: rfc(6749, '3.2'),
    component: 'idp',
    profile: 'core',
    note:
      'A redirect that reads nothing, a refusal, or no listener at all meet the clause; a token, or an invalid_client answer ' +
      '(the credentials were judged), show that credentials sent in clear are processed. The kit sends a marker client and a ' +
      'deliberately wrong secret, so no real secret travels in clear.',
  },
];
