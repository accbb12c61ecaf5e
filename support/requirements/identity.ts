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
      '(CWE-290, authentication bypass by spoofing). The caller forges every part of the identity, not only the subject: a kind ' +
      '"system" and a role no identity system grants (ctk-forged-role), in the identity header and in each forwarded header the ' +
      'profile names; a customer\'s token is forged too, since a system client is already of kind system. The kind is compared ' +
      'with what the same token gets without forged headers: a wrong kind for every token is REQ-ID-03\'s or -07\'s finding.',
  },
  {
    id: 'REQ-ID-10',
    title: 'No customer id is a client id: neither a test customer\'s id nor the sub of their token names a client of the target',
    level: 'SEED',
    source:
      'seed 003 ("Ist der client_id claim ... mit dem sub claim identisch, handelt es sich um einen JWT-Token der für einen client ' +
      'credentials flow ausgestellt wurde" — "darf alles"; otherwise "der sub-claim enthält die Kundenidentifizierung")',
    link: seed(SEEDS.kusyProtocol),
    component: 'idp',
    profile: 'human-identity',
    capability: 'client-id-equals-sub',
    note:
      'The meeting tells the two kinds of token apart by their ids alone, so customer ids and client ids must not overlap: a customer ' +
      'whose id is the front end\'s client id gets a token with client_id == sub, read as a system token that "darf alles"; one whose ' +
      'id is another client\'s shares the subject of that client\'s own tokens. Judged against every client id the profile names.',
  },
  {
    id: 'REQ-ID-11',
    title: 'The system client is offered no on-behalf grant: it cannot exchange a customer\'s token for one of its own (RFC 8693 token exchange)',
    level: 'SEED',
    source:
      'seed 003 ("on-behalf" auth flow, "die Identität eines Kundens anzunehmen" — "Abgelehnt"; "Kusy wird weiterhin JWT-Token ohne ' +
      'Kundenbezug verwenden"); RFC 8693 §2.1',
    link: seed(SEEDS.kusyProtocol),
    component: 'idp',
    profile: 'human-identity',
    capability: 'client-id-equals-sub',
    note:
      'Judged by asking: the system client sends a token-exchange request with a customer\'s token as subject_token. Any refusal ' +
      'passes; a token fails. Listing token exchange in grant_types_supported is no failure by itself (Keycloak lists it; another ' +
      'client may use it): the check reports whether the metadata lists it, and judges what the token endpoint does.',
  },
  {
    id: 'REQ-ID-12',
    title: 'A human token may not write another customer\'s data: the write the same token may make on its own customer\'s data is refused for another\'s',
    level: 'SEED',
    source: 'seed 003 ("darf nur das, was der hinterlegte Kunde darf": only what the customer in sub may — writes as much as reads)',
    link: seed(SEEDS.kusyProtocol),
    component: 'component',
    profile: 'human-identity',
    capability: 'customer-scoping',
    note:
      'Checked only on a write route the profile names (gateway.routes.customerWrite: POST, PUT or PATCH, never DELETE), first on ' +
      'the customer\'s own data as the positive control. The seed names no status: 403 and 404 both conform; a 2xx does not.',
  },
];
