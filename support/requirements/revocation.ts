import { type Requirement, rfc } from './types.ts';

/**
 * Token revocation (RFC 7009, issue 19): a client tells the authorization server that a token is no longer needed.
 * Every requirement binds targets that claim `token-revocation` (profile: revocation). Whether the token is gone is
 * seen through introspection (REQ-REVOKE-03, where `token-introspection` is claimed too) and at the gateway
 * (REQ-REVOKE-04, within the bound the profile declares: a gateway that validates self-contained JWTs keeps
 * accepting a revoked token until it expires unless it learns of the revocation).
 */
export const REVOCATION_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-REVOKE-01',
    title: 'Revoking a valid access token of the calling client answers 200',
    level: 'MUST',
    source: 'RFC 7009 §2.2 (the server responds with HTTP status code 200 if the token has been revoked successfully)',
    link: rfc(7009, '2.2'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-revocation',
    note: 'The clause states the answer without a keyword, as the protocol\'s definition of success: a client acts on 200 only.',
  },
  {
    id: 'REQ-REVOKE-02',
    title: 'Revoking a token the server does not know (a random string) answers 200, not an error',
    level: 'MUST',
    source: 'RFC 7009 §2.2 (200 also "if the client submitted an invalid token"; invalid tokens do not cause an error response)',
    link: rfc(7009, '2.2'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-revocation',
    note: 'The clause states the answer without a keyword; "the client cannot handle such an error in a reasonable way", so an error here is a defect.',
  },
  {
    id: 'REQ-REVOKE-03',
    title: 'A revoked access token is no longer active: introspection answers "active": false right after the revocation',
    level: 'MUST',
    source: 'RFC 7009 §2.1 (the invalidation takes place immediately, and the token cannot be used again after the revocation); RFC 7662 §2.2',
    link: rfc(7009, '2.1'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-revocation',
    note: 'Judged where the target also claims token-introspection (the authorization server\'s own view); else not testable with that reason.',
  },
  {
    id: 'REQ-REVOKE-04',
    title: 'The gateway refuses a revoked access token within the bound the target declares (limits.revocationSeconds)',
    level: 'SEED',
    source: 'the deployment\'s claim (limits.revocationSeconds); RFC 7009 §2.1 (propagation delay: some servers may know of the invalidation later)',
    link: rfc(7009, '2.1'),
    component: 'gateway',
    profile: 'introspection',
    capability: 'token-revocation',
    note:
      'A gateway that validates self-contained JWTs accepts a revoked token until its exp unless it introspects or reads a ' +
      'revocation list: no clause forbids that, so the bound is the deployment\'s to state. Without limits.revocationSeconds ' +
      'the check is not applicable, with that reason.',
  },
  {
    id: 'REQ-REVOKE-05',
    title: 'A revocation request without client authentication is refused (400/401) and revokes nothing',
    level: 'MUST',
    source: 'RFC 7009 §2.1 (the server first validates the client credentials; confidential clients MUST authenticate)',
    link: rfc(7009, '2.1'),
    component: 'idp',
    profile: 'introspection',
    capability: 'token-revocation',
  },
];
