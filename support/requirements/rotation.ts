import { type Requirement, seed, SEEDS } from './types.ts';

/**
 * Client secret rotation (seed 002: "Users will also be able to rotate their secret, via the UI"). Judged only
 * for targets that claim `secret-rotation` and give the kit a way to rotate (the reference's control plane);
 * the kit rotates a dedicated client (clients.rotation) so no other scenario is disturbed.
 * Signing-key rotation is REQ-JWT-10/11 (support/requirements/jwt.ts).
 */
export const ROTATION_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-ROT-01',
    title: 'After a secret rotation, the client obtains tokens with the new secret',
    level: 'SEED',
    source: 'seed 002 (the customer rotates the secret and puts the new value into the application)',
    link: seed(SEEDS.selfHosted),
    component: 'idp',
    profile: 'core',
    capability: 'secret-rotation',
  },
  {
    id: 'REQ-ROT-02',
    title: 'After a secret rotation, the old secret is refused with invalid_client and no token',
    level: 'SEED',
    source: 'seed 002 (rotation replaces the secret); RFC 6749 §5.2 (invalid_client)',
    link: seed(SEEDS.selfHosted),
    component: 'idp',
    profile: 'core',
    capability: 'secret-rotation',
  },
  {
    id: 'REQ-ROT-03',
    title: 'A token issued before a secret rotation stays valid at the gateway until its exp',
    level: 'SEED',
    source: 'seed 002 (rotation); the reference documents that issued tokens are not revoked by it',
    link: seed(SEEDS.selfHosted),
    component: 'idp',
    profile: 'core',
    capability: 'secret-rotation',
    note:
      'Seed 002 does not say what happens to tokens already issued; the reference (like Auth0 and Keycloak) keeps ' +
      'them valid until they expire. A target that revokes them on rotation should not claim this behaviour.',
  },
];
