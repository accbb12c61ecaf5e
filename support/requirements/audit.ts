import { type Requirement, rfc, seed, SEEDS } from './types.ts';

/**
 * The authentication audit log (seed 004 post-condition: "The authentication operation is recorded in MN or CN
 * logs"). Judged for targets that claim `audit-log` and let the kit read the record (the reference's control
 * plane, GET /admin/audit); elsewhere not testable.
 */
export const AUDIT_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-AUD-01',
    title: 'A successful authentication is recorded with the client id, the outcome and the time',
    level: 'SEED',
    source: 'seed 004 (the authentication operation is recorded)',
    link: seed(SEEDS.dataOne),
    component: 'idp',
    profile: 'core',
    capability: 'audit-log',
  },
  {
    id: 'REQ-AUD-02',
    title: 'A failed authentication is recorded with the client id it claimed, the outcome and the time',
    level: 'SEED',
    source: 'seed 004 (the authentication operation is recorded, success or failure)',
    link: seed(SEEDS.dataOne),
    component: 'idp',
    profile: 'core',
    capability: 'audit-log',
  },
  {
    id: 'REQ-AUD-03',
    title: 'The audit log holds no client secret, password or access token, in clear or encoded',
    level: 'MUST',
    source: 'RFC 6749 §10.3 (access tokens MUST be kept confidential in storage); RFC 6819 §5.1.4.1.3; OWASP ASVS 4.0 V7.1.1',
    link: rfc(6749, '10.3'),
    component: 'idp',
    profile: 'core',
    capability: 'audit-log',
    note: 'Secrets are searched for verbatim, form- and URL-encoded, and inside a base64 "client_id:secret" Basic credential.',
  },
  {
    id: 'REQ-AUD-04',
    title: 'A human login on the login page, successful or with a wrong password, is recorded with the user, the outcome and the time',
    level: 'SEED',
    source:
      'seed 004 ("A user logs on to the DataONE system." ... "The authentication operation is recorded in MN or CN logs (depending on ' +
      'where the authentication attempt was made)")',
    link: seed(SEEDS.dataOne),
    component: 'idp',
    profile: 'human-identity',
    capability: 'audit-log',
    note:
      'Seed 004\'s trigger is a user logging on, so the login page\'s attempts belong in the log as much as a client\'s. The entry must ' +
      'name the user (username, or the customer id / sub the login gives), its outcome and a readable time within the attempt\'s window; ' +
      'the wrong password is typed from a source address of its own, and REQ-AUD-03 searches the log for the passwords typed.',
  },
];
