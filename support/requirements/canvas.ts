import { type Requirement, seed, SEEDS } from './types.ts';

/**
 * Canvas specifics (issue 20, seed 000): what an ODA canvas deployment adds around a component. Seed 000: "when the
 * client calls an API exposed by a component (using the gateway URL provided by the API Gateway and token provided by
 * the IDM ...), the API Gateway will integrate with the Identity Management System and add a token to the API header
 * that includes details from the Identity Management System (user, roles)". The component trusts what the gateway
 * adds; so it must not be served to a caller who goes around the gateway, where such a path exists.
 *
 * Related checks that live elsewhere: a caller's own (also duplicated) identity headers never reach the component
 * (REQ-ID-09), a token for another API's audience is refused (REQ-BEARER-04 with clients.otherAudience or the test
 * signer), the roles/scopes arrive (REQ-ID-06).
 */
export const CANVAS_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-CANVAS-01',
    title: "The component serves nobody who goes around the gateway: a direct call to its own URL, even with a forged identity header, is refused or cannot connect",
    level: 'SEED',
    source: 'seed 000 (clients call a component through the gateway URL; the gateway adds the identity the component relies on)',
    link: seed(SEEDS.canvas),
    component: 'component',
    profile: 'gateway',
    note:
      'Judged only where the profile names the component\'s own URL (gateway.componentUrl): a deployment whose component is reachable ' +
      'only through the gateway (a network policy, a service mesh) has no such URL, and the check does not apply there. Any answer but a 2xx ' +
      'passes, a refused or reset connection too; the forged identity is the one the spoofing check sends (REQ-ID-09), kind system.',
  },
  {
    id: 'REQ-CANVAS-02',
    title: 'Every role the identity system grants in the token (its roles claim) arrives at the component among the roles',
    level: 'SEED',
    source: 'seed 000 (the gateway adds "details from the Identity Management System (user, roles)"); RFC 9068 §2.2.3.1 (roles)',
    link: seed(SEEDS.canvas),
    component: 'gateway',
    profile: 'gateway',
    capability: 'identity-propagation',
    note:
      'REQ-ID-06 passes when the token\'s scopes arrive, even where its roles are dropped; this one judges the roles claim itself. A token ' +
      'without a roles claim has no roles to pass on: the check does not apply then (the reference issues roles with its variation ' +
      'extra-access-token-claims). Where the echo format lists roles and scopes in one list (the default pointers), a role is found in that list.',
  },
];
