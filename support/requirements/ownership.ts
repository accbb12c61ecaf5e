import { type Requirement, rfc, seed, SEEDS } from './types.ts';

/**
 * Issue 22: who may act on what a customer owns. Seed 002: "Users will also be able to rotate their secret, via the
 * UI" — their own application's secret ("the Application ID is stored in the Auth0 User's user_metadata object, so
 * that we know which application a user is associated with"), and the customer is the one who gets "the id/secret
 * ... from the Auth UI Dashboard". Seed 003: a customer's token "darf nur das, was der hinterlegte Kunde darf", for
 * deletes as for reads and writes (REQ-ID-04, REQ-ID-12).
 */
export const OWNERSHIP_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-ROT-04',
    title: 'Only the owner rotates its client\'s secret: another customer\'s or client\'s credentials are refused at the self-service rotation interface, and the owner\'s secret keeps working',
    level: 'SEED',
    source: 'seed 002 ("Users will also be able to rotate their secret, via the UI"; the application is associated with one user through user_metadata)',
    link: seed(SEEDS.selfHosted),
    component: 'idp',
    profile: 'core',
    capability: 'self-service-rotation',
    note:
      'Judged on the self-service interface the profile names (selfServiceRotation), after the owner\'s own rotation as the positive ' +
      'control. Any 4xx refuses; a 2xx, a 5xx or no answer does not, and neither does a refusal after which the owner\'s secret stopped working.',
  },
  {
    id: 'REQ-ROT-05',
    title: 'A client\'s new secret is shown only to its owner: the answer to another caller\'s rotation request holds no secret of the client',
    level: 'SEED',
    source: 'seed 002 ("This new Application will have an associated client_id, and client_secret, which the customer will be able to get from the Auth UI Dashboard")',
    link: seed(SEEDS.selfHosted),
    component: 'idp',
    profile: 'core',
    capability: 'self-service-rotation',
    note: 'The answer is searched for a value where the owner\'s answer holds the secret, and for every secret of the client the kit knows, in clear and encoded.',
  },
  {
    id: 'REQ-ROT-06',
    title: 'The owner rotates its client\'s secret through the self-service interface and is shown the new secret, which obtains a token',
    level: 'SEED',
    source: 'seed 002 ("Users will also be able to rotate their secret, via the UI"; the customer puts the new value into the .env file)',
    link: seed(SEEDS.selfHosted),
    component: 'idp',
    profile: 'core',
    capability: 'self-service-rotation',
  },
  {
    id: 'REQ-ID-15',
    title: 'A human token may not delete another customer\'s data: a DELETE on a disposable record of another customer is refused, and the record stays',
    level: 'SEED',
    source: 'seed 003 ("darf nur das, was der hinterlegte Kunde darf": only what the customer in sub may — deletes as much as reads)',
    link: seed(SEEDS.kusyProtocol),
    component: 'component',
    profile: 'human-identity',
    capability: 'customer-deletes',
    note:
      'Opt-in: only on a record the profile names as one the kit may delete (gateway.routes.customerDelete), because a broken target ' +
      'deletes it. The record\'s owner reads it first (the positive control: it exists, the path is right) and again after the refused ' +
      'DELETE. The seed names no status: any 4xx refuses; a 2xx, or a record gone afterwards, does not.',
  },
  {
    id: 'REQ-ID-16',
    title: 'The web front end\'s own system user gets a client-credentials token and is passed on as the website: a system identity with its own client id, not a human',
    level: 'SEED',
    source:
      'seed 000 ("The Web/App/Chat frontend will have a System User to authenticate as the sequence diagram above"; "a website displaying a ' +
      'catalog ... would authorize as the website, and not as the human end-user that is browsing the website")',
    link: seed(SEEDS.canvas),
    component: 'gateway',
    profile: 'gateway',
    capability: 'identity-propagation',
    note: 'Judged with the front end\'s system client the profile names (clients.frontEndSystem) through the identity echo; without it not testable.',
  },
  {
    id: 'REQ-ID-17',
    title: 'The web front end\'s system user is confined to what the front end needs: the routes the profile names as not needed refuse its token',
    level: 'SHOULD',
    source:
      'RFC 9700 §2.3 (the privileges of an access token SHOULD be restricted to the minimum required); seed 000 (the front end "will have a ' +
      'System User"); seed 003 (a client-credentials token "darf alles")',
    link: rfc(9700, '2.3'),
    component: 'gateway',
    profile: 'gateway',
    note:
      'No seed confines the front end\'s system user: seed 000 gives it a system user that authorizes "as the website", and seed 003 says a ' +
      'client-credentials token "darf alles". Confining it is RFC 9700 §2.3\'s SHOULD (least privilege), so a front-end token that reaches ' +
      'a route the profile says the front end does not need is reported as a warning, with the seeds\' words, never a failure. Judged after ' +
      'the positive control (its token reads the protected route, the catalog) on GET routes only (clients.frontEndSystem.notNeeded).',
  },
];
