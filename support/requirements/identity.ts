import { type Requirement, rfc, seed, SEEDS } from './types.ts';

/**
 * System versus human identity (seeds 000, 003) and what the gateway passes on to the component (seed 000).
 *
 * Seed 003 is the rule: "Ist der client_id claim im JWT-Token mit dem sub claim identisch, handelt es sich um einen
 * JWT-Token der für einen client credentials flow ausgestellt wurde" ("darf alles"); otherwise the token comes from
 * a human login and "der sub-claim enthält die Kundenidentifizierung" ("darf nur das, was der hinterlegte Kunde
 * darf"). Seed 000: the gateway "will ... add a token to the API header that includes details from the Identity
 * Management System (user, roles)", and a system user authorizes "as the system (and not a passthrough of the
 * actual human end-user)". No RFC promises any of this, so these are SEED requirements, checked where the target
 * claims the capability. How a human token was obtained (password-style login, browser) does not matter to them.
 */
export const IDENTITY_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-ID-01',
    title: 'A client-credentials access token carries sub equal to client_id, both the client\'s id',
    level: 'SEED',
    source: 'seed 003 (client_id == sub marks a client-credentials token); RFC 9068 §2.2 (client_id)',
    link: seed(SEEDS.kusyProtocol),
    component: 'idp',
    profile: 'human-identity',
    capability: 'client-id-equals-sub',
    note: 'RFC 9068 §2.2 lets a client-credentials token\'s sub be any identifier of the client; seed 003 pins it to client_id.',
  },
  {
    id: 'REQ-ID-02',
    title: 'A human\'s access token carries the customer as sub and the front end\'s client id as client_id, so client_id != sub',
    level: 'SEED',
    source: 'seed 003 (otherwise the token comes from a human login and sub holds the customer id)',
    link: seed(SEEDS.kusyProtocol),
    component: 'idp',
    profile: 'human-identity',
    capability: 'human-login',
  },
  {
    id: 'REQ-ID-03',
    title: 'The gateway passes a human\'s token on as a human identity whose subject is the customer',
    level: 'SEED',
    source: 'seed 000 (the gateway adds the user from the identity system); seed 003 (client_id != sub: a human, sub = the customer)',
    link: seed(SEEDS.canvas),
    component: 'gateway',
    profile: 'human-identity',
    capability: 'identity-propagation',
  },
  {
    id: 'REQ-ID-04',
    title: 'A human token gets its own customer\'s data and is refused every other customer\'s data',
    level: 'SEED',
    source: 'seed 003 ("darf nur das, was der hinterlegte Kunde darf": only what the customer in sub may)',
    link: seed(SEEDS.kusyProtocol),
    component: 'component',
    profile: 'human-identity',
    capability: 'customer-scoping',
    note: 'The seed names no status for the refusal: 403 and 404 (hiding that the customer exists) both conform; data does not.',
  },
  {
    id: 'REQ-ID-05',
    title: 'A client-credentials token gets every customer\'s data',
    level: 'SEED',
    source: 'seed 003 (client credentials "darf alles": the token is not bound to a customer)',
    link: seed(SEEDS.kusyProtocol),
    component: 'component',
    profile: 'human-identity',
    capability: 'customer-scoping',
  },
  {
    id: 'REQ-ID-06',
    title: 'The component receives the caller\'s subject and roles (scopes) from the gateway',
    level: 'SEED',
    source: 'seed 000 (the gateway adds a token with details from the identity system: user, roles)',
    link: seed(SEEDS.canvas),
    component: 'gateway',
    profile: 'gateway',
    capability: 'identity-propagation',
  },
  {
    id: 'REQ-ID-07',
    title: 'A system user is passed on as the system (its client id, kind system), not as a human',
    level: 'SEED',
    source: 'seed 000 (system users authorize as the system, not as a passthrough of a human end-user); seed 003 (client_id == sub)',
    link: seed(SEEDS.canvas),
    component: 'gateway',
    profile: 'gateway',
    capability: 'identity-propagation',
  },
  {
    id: 'REQ-ID-08',
    title: 'The caller\'s Authorization header (its raw access token) is not passed on to the component',
    level: 'SHOULD',
    source: 'seed 000 (the gateway adds its own token with the identity system\'s details); RFC 6750 §5.2 (token disclosure)',
    link: rfc(6750, '5.2'),
    component: 'gateway',
    profile: 'gateway',
    capability: 'identity-propagation',
    note:
      'No RFC forbids a gateway to forward the caller\'s token, and some do by default (Kong keeps the header unless told to ' +
      'hide credentials). Every hop that sees the token can replay it until it expires: reported as a warning.',
  },
  {
    id: 'REQ-ID-09',
    title: 'An identity header sent by the caller is never passed on: the component sees only the identity of the validated token',
    level: 'SEED',
    source: 'seed 000 (the identity the component gets comes from the identity system, added by the gateway)',
    link: seed(SEEDS.canvas),
    component: 'gateway',
    profile: 'gateway',
    capability: 'identity-propagation',
    note:
      'No RFC clause covers the gateway-to-component header, so the level is SEED: checked, and failed when broken, wherever ' +
      'the target claims identity propagation. A gateway that passes a caller-supplied identity on lets anyone act as anyone ' +
      '(CWE-290, authentication bypass by spoofing).',
  },
];
