/**
 * Steps of features/introspection.feature and features/revocation.feature (issue 19: RFC 7662, RFC 7009). Each
 * step makes one call into support/oauth/introspection.ts or revocation.ts; tokens are fresh ones of the kit's own.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { stateKey } from '../support/scenario-state.ts';
import { NotTestableError } from '../support/verdict/not-testable.ts';
import { foreignIssuerToken } from '../support/jwt/genuine.ts';
import { decodeJwt } from '../support/jwt/decode.ts';
import {
  freshTokenOf,
  introspect,
  introspectingClient,
  introspectionControl,
  judgeActive,
  judgeDisclosesNothing,
  judgeInactive,
  judgeMembersDescribeToken,
  judgeNeverIssuedInactive,
  judgeNothingMoreWhenInactive,
  notAllowedClient,
  unknownToken,
  type OwnToken,
} from '../support/oauth/introspection.ts';
import {
  judgeGatewayRefusesRevoked,
  judgeRevocationAnswered200,
  judgeRevokedInactive,
  judgeUnauthenticatedRevocationRefused,
  revocationAccepted,
  revoke,
  serveBeforeRevocation,
  MAX_REVOCATION_WAIT_SECONDS,
} from '../support/oauth/revocation.ts';

const OWN = stateKey<OwnToken>('the kit\'s fresh access token (the scenario needs "Given a fresh access token of ...")');
const OTHER = stateKey<{ token: string; what: string }>('the token introspected that is not the kit\'s own');
const CALLER = stateKey<{ requirement: 'REQ-INTRO-06' | 'REQ-INTRO-07' | 'REQ-INTRO-08'; who: string }>('who introspected the token');
const REVOKED_AT = stateKey<number>('when the token was revoked');

/** The longest token lifetime the kit waits out in the expiry check. */
const MAX_EXPIRY_WAIT_SECONDS = 60;

function needsIntrospection(world: CtkWorld): void {
  if (world.target.capabilities['token-introspection'] !== true) {
    throw new NotTestableError('the target does not claim token-introspection, so whether the token is active cannot be seen', { remedy: 'describe introspection in the target profile if the IdP offers it (RFC 7662)' });
  }
}

Given('a fresh access token of the system client', async function (this: CtkWorld) {
  this.state.remember(OWN, await freshTokenOf(this, this.target.clients.system));
});

Given('a fresh access token of the system client that introspection reports active', async function (this: CtkWorld) {
  needsIntrospection(this);
  const own = this.state.remember(OWN, await freshTokenOf(this, this.target.clients.system));
  await introspectionControl(this, own);
});

Given('a fresh access token of the short-TTL client that introspection reports active', async function (this: CtkWorld) {
  const client = this.target.clients.shortTtl;
  if (!client) throw new NotTestableError('the target profile names no short-TTL client', { remedy: 'name clients.shortTtl (a client whose tokens live a few seconds)' });
  const own = this.state.remember(OWN, await freshTokenOf(this, client));
  await introspectionControl(this, own);
});

Given('a genuine access token of another issuer', async function (this: CtkWorld) {
  const foreign = await foreignIssuerToken(this);
  this.state.remember(OTHER, { token: foreign.token, what: foreign.description });
});

When('the token has expired', { timeout: (MAX_EXPIRY_WAIT_SECONDS + 30) * 1000 }, async function (this: CtkWorld) {
  const own = this.state.recall(OWN);
  // The longest of what the token, the token response and the profile say: a wrong expires_in must not shorten the wait.
  const exp = decodeJwt(own.token)?.claims.exp;
  const fromExp = typeof exp === 'number' ? exp - Date.now() / 1000 : 0;
  const wait = Math.max(fromExp, own.lifetimeSeconds ?? 0, own.client.ttlSeconds ?? 0) + 2;
  if (wait > MAX_EXPIRY_WAIT_SECONDS) {
    throw new NotTestableError(`the token of ${own.client.clientId} lives ${Math.round(wait - 2)} s; the kit waits at most ${MAX_EXPIRY_WAIT_SECONDS} s for it to expire`, { remedy: 'name a client whose tokens live a few seconds as clients.shortTtl' });
  }
  await new Promise((r) => setTimeout(r, wait * 1000));
});

When('the introspecting client introspects the token', async function (this: CtkWorld) {
  const other = this.state.has(OTHER) ? this.state.recall(OTHER).token : undefined;
  await introspect(this, other ?? this.state.recall(OWN).token, { client: introspectingClient(this.target) });
});

When('the introspecting client introspects a token the server never issued', async function (this: CtkWorld) {
  this.state.remember(OTHER, { token: unknownToken(), what: 'a random string the server never issued' });
  await introspect(this, this.state.recall(OTHER).token, { client: introspectingClient(this.target) });
});

When('the token is introspected without client authentication', async function (this: CtkWorld) {
  this.state.remember(CALLER, { requirement: 'REQ-INTRO-06', who: 'a caller without client authentication' });
  await introspect(this, this.state.recall(OWN).token, 'anonymous');
});

When('the introspecting client introspects the token with a wrong secret', async function (this: CtkWorld) {
  const client = introspectingClient(this.target);
  this.state.remember(CALLER, { requirement: 'REQ-INTRO-07', who: `${client.clientId} with a wrong secret` });
  await introspect(this, this.state.recall(OWN).token, { client, wrongSecret: true });
});

When('the client the target does not let introspect introspects the token', async function (this: CtkWorld) {
  const client = notAllowedClient(this.target);
  if (!client) {
    return this.notApplicable(['REQ-INTRO-08'], 'the profile names no client that may not introspect (introspection.notAllowedClient): RFC 7662 lets any authenticated client introspect', 'name introspection.notAllowedClient in the target profile if the deployment restricts introspection');
  }
  this.state.remember(CALLER, { requirement: 'REQ-INTRO-08', who: `${client.clientId}, which the profile says may not introspect` });
  await introspect(this, this.state.recall(OWN).token, { client });
});

Then('the answer says the token is active', function (this: CtkWorld) {
  judgeActive(this, this.lastExchange(), this.state.recall(OWN));
});

Then('the members the answer states describe the token', function (this: CtkWorld) {
  judgeMembersDescribeToken(this, this.lastExchange(), this.state.recall(OWN));
});

Then('the answer says the expired token is inactive', function (this: CtkWorld) {
  judgeInactive(this, 'REQ-INTRO-03', this.lastExchange(), `the expired token of ${this.state.recall(OWN).client.clientId}`);
});

Then('the answer says the token it never issued is inactive', async function (this: CtkWorld) {
  await judgeNeverIssuedInactive(this, this.lastExchange(), this.state.recall(OTHER).what);
});

Then('the inactive answer says nothing more', function (this: CtkWorld) {
  const what = this.state.has(OTHER) ? this.state.recall(OTHER).what : `the expired token of ${this.state.recall(OWN).client.clientId}`;
  judgeNothingMoreWhenInactive(this, this.lastExchange(), what);
});

Then('the caller learns nothing about the token', function (this: CtkWorld) {
  const { requirement, who } = this.state.recall(CALLER);
  judgeDisclosesNothing(this, requirement, this.lastExchange(), who);
});

// --- revocation ----------------------------------------------------------------------------------------------

Given('the caller has called the protected route with that token before its revocation', async function (this: CtkWorld) {
  await serveBeforeRevocation(this, this.state.recall(OWN));
});

When('the system client revokes the token', async function (this: CtkWorld) {
  const own = this.state.recall(OWN);
  const exchange = await revoke(this, own.token, { client: own.client });
  this.state.remember(REVOKED_AT, exchange.startedAt + exchange.durationMs);
});

When('the system client revokes a token the server never issued', async function (this: CtkWorld) {
  await revoke(this, unknownToken(), { client: this.target.clients.system });
});

When('the token is revoked without client authentication', async function (this: CtkWorld) {
  const own = this.state.recall(OWN);
  // The control: where introspection shows it, the token is active before (else REQ-INTRO-01's finding blocks this).
  if (this.target.capabilities['token-introspection'] === true) await introspectionControl(this, own);
  await revoke(this, own.token, 'anonymous');
});

Then('the revocation is answered 200', function (this: CtkWorld) {
  judgeRevocationAnswered200(this, 'REQ-REVOKE-01', this.lastExchange(), `a valid token of ${this.state.recall(OWN).client.clientId}, by that client`);
});

Then('the revocation of the unknown token is answered 200', function (this: CtkWorld) {
  judgeRevocationAnswered200(this, 'REQ-REVOKE-02', this.lastExchange(), 'a random string the server never issued');
});

Then('introspection reports the revoked token inactive', async function (this: CtkWorld) {
  revocationAccepted(this.lastExchange());
  await judgeRevokedInactive(this, this.state.recall(OWN));
});

Then('the revocation is refused and the token stays active', async function (this: CtkWorld) {
  await judgeUnauthenticatedRevocationRefused(this, this.lastExchange(), this.state.recall(OWN));
});

Then('the gateway refuses the revoked token within the declared bound', { timeout: (MAX_REVOCATION_WAIT_SECONDS + 30) * 1000 }, async function (this: CtkWorld) {
  revocationAccepted(this.lastExchange());
  await judgeGatewayRefusesRevoked(this, this.state.recall(OWN), this.state.recall(REVOKED_AT));
});
