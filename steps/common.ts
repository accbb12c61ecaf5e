/**
 * Steps and hooks every feature may use. Generic response steps judge the scenario's one requirement (its only
 * @REQ tag); a scenario judging several requirements uses the specific steps of its area instead.
 *
 * Parameter types:
 *   {ctkClient}   a client by role: "the system client", "the read-only client", "the short-TTL client",
 *                 "the rotation client", "the client without the client credentials grant", "an unknown client"
 *   {clientAuth}  how it authenticates: "HTTP Basic authentication", "its credentials in the form body",
 *                 "credentials both in HTTP Basic and in the form body", "no client authentication"
 */
import { After, Then, defineParameterType } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { CtkWorld } from '../support/world.ts';
import { check } from '../support/verdict/check.ts';
import { runCleanups, taggedRequirement } from '../support/oauth/scenario.ts';
import { AUTH_PHRASES, CLIENT_PHRASES, phrasesRegexp } from '../support/oauth/clients.ts';
import { judgeHeaderDirective } from '../support/oauth/token-response.ts';

defineParameterType({ name: 'ctkClient', regexp: phrasesRegexp(Object.keys(CLIENT_PHRASES)), transformer: (s: string) => CLIENT_PHRASES[s]! });
defineParameterType({ name: 'clientAuth', regexp: phrasesRegexp(Object.keys(AUTH_PHRASES)), transformer: (s: string) => AUTH_PHRASES[s]! });

// Puts back what a scenario changed on the target (a rotated secret), whatever the scenario's verdict.
After(async function (this: CtkWorld) {
  const errors = await runCleanups(this);
  for (const error of errors) this.log(`CLEANUP FAILED: ${error instanceof Error ? error.message : String(error)}`);
});

Then('the response status is {int}', function (this: CtkWorld, status: number) {
  const exchange = this.lastExchange();
  check(this, { requirement: taggedRequirement(this, undefined, 'the generic status step'), expected: `status ${status}`, observed: exchange }, () =>
    expect(exchange.response?.status).to.equal(status),
  );
});

Then('the response has header {string} with the directive {string}', function (this: CtkWorld, header: string, directive: string) {
  judgeHeaderDirective(this, this.lastExchange(), taggedRequirement(this, undefined, 'the generic header step'), header, directive);
});

