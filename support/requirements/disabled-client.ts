import { type Requirement, rfc } from './types.ts';

/**
 * A client the operator has disabled gets no new token (issue 19, under revocation). No RFC keyword says so: RFC 6749
 * §5.2 defines invalid_client as "Client authentication failed (e.g., unknown client, ...)" and leaves what makes it
 * fail to the server; RFC 7592 §2.3 describes (without a keyword, for a deleted client) that its client_id can no
 * longer be used at the token endpoint. "Disabled" is the deployment's own word for that, so the requirement is the
 * deployment's claim (SEED level: judged only where the profile names a disabled client, then a token is a failure).
 */
export const DISABLED_CLIENT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-CAUTH-11',
    title: 'A client the target has disabled (clients.disabled) gets no access token, though it sends the credentials it had',
    level: 'SEED',
    source:
      'the deployment\'s claim (clients.disabled: a client its operator has disabled); RFC 6749 §5.2 (invalid_client: "Client authentication failed (e.g., unknown client, ...)"); RFC 7592 §2.3 (a deleted client\'s client_id can no longer be used at the token endpoint, stated without a keyword)',
    link: rfc(6749, '5.2'),
    component: 'idp',
    profile: 'core',
    capability: 'disabled-client',
    note:
      'No clause makes this a MUST; the profile\'s statement that the client is disabled is the promise judged. The kit cannot disable ' +
      'a client on a real target, so the profile names one (its id and the secret it had). The answer must be an error (4xx) without an ' +
      'access token; its code is not graded (invalid_client and unauthorized_client both fit RFC 6749 §5.2). The kit cannot tell a ' +
      'disabled client from a wrong secret by the answer: the system client\'s token from the same request shape is the control, and the ' +
      'secret given must be the client\'s real one.',
  },
];
