/** Steps of the one-cause-one-finding fixture (test/one-cause-one-finding.test.ts): they pretend to judge, they send nothing. */
import { When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { check, reportRootCause } from '../../support/verdict/check.ts';
import type { CtkWorld } from '../../support/world.ts';

When('the check on {word} holds', function (this: CtkWorld, id: string) {
  check(this, { requirement: id, expected: 'the documented behaviour', observed: 'the documented behaviour' }, () => {});
});

When('the answer shows {word}\'s root cause, which explains {word}', function (this: CtkWorld, root: string, dependent: string) {
  reportRootCause(this, { requirement: root, expected: 'no token without client authentication', observed: 'HTTP 200 with an access_token' }, () => expect(true, 'a token issued').to.equal(false), [
    { requirement: dependent, expected: 'no token for a wrong secret' },
  ], { why: 'a request without any client authentication gets a token too' });
});

When('the answer shows {word}\'s root cause in passing, which explains {word}', function (this: CtkWorld, root: string, dependent: string) {
  reportRootCause(this, { requirement: root, expected: 'no token without client authentication', observed: 'HTTP 200 with an access_token' }, () => expect(true, 'a token issued').to.equal(false), [
    { requirement: dependent, expected: 'no token for a wrong secret' },
  ], { why: 'a request without any client authentication gets a token too', inPassing: true });
});

When('the root {word} holds, so {word} is judged on its own', function (this: CtkWorld, root: string, dependent: string) {
  const held = reportRootCause(this, { requirement: root, expected: 'no token without client authentication', observed: 'HTTP 401' }, () => expect(false).to.equal(false), [
    { requirement: dependent, expected: 'no token for a wrong secret' },
  ], { why: 'never written' });
  if (held) check(this, { requirement: dependent, expected: 'no token for a wrong secret', observed: 'HTTP 401 invalid_client' }, () => {});
});
