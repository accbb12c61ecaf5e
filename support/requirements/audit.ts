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
];
