/** Steps of the report fixture (verdict-kinds.feature): each one ends a scenario in one particular way. */
import { When, Then } from '@cucumber/cucumber';
import { AssertionError } from 'chai';
import { check, couldNotJudge } from '../../support/verdict/check.ts';
import { NotTestableError } from '../../support/verdict/not-testable.ts';
import type { CtkWorld } from '../../support/world.ts';

When('the check on {word} holds', function (this: CtkWorld, id: string) {
  check(this, { requirement: id, expected: 'the documented behaviour', observed: 'the documented behaviour' }, () => {});
});

When('the check on {word} misses with {string}', function (this: CtkWorld, id: string, observed: string) {
  check(this, { requirement: id, expected: '401 with WWW-Authenticate: Bearer error="invalid_token"', observed }, () => {
    throw new AssertionError('expected 200 to equal 401');
  });
});

Then('the scenario goes on', function () {});

When('the kit fails with {string}', function (message: string) {
  throw new Error(`${message}\n    at somewhere (file.ts:1:1)`);
});

When('the target has no short-TTL client for {word}', function (this: CtkWorld, id: string) {
  return this.notTestable([id], 'the target profile has no short-TTL client, and the system client token lives 300 s', 'add clients.shortTtl (a client whose tokens live a few seconds) to the target profile');
});

When('the kit fails with the system client\'s secret in its message', function (this: CtkWorld) {
  throw new Error(`unexpected answer for secret ${this.target.clients.system.clientSecret}`);
});

When('the step skips without a reason', function () {
  return 'skipped';
});

When('the judge of {word} returns without judging', function (this: CtkWorld, id: string) {
  this.log(`${id}: nothing to judge here`);
});

When('the judge of {word} could not judge because {string}', function (this: CtkWorld, id: string, why: string) {
  couldNotJudge(this, { requirement: id, expected: '401 with WWW-Authenticate: Bearer error="invalid_token"', why });
});

When('a helper throws NotTestableError because {string}', function (reason: string) {
  throw new NotTestableError(reason, { remedy: 'add clients.rotation to the target profile' });
});
