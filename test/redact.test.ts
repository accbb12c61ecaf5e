/**
 * Secrets never reach reports (support/http/redact.ts): every registered secret in clear, URL- and form-encoded, a
 * secret containing another masked whole, characters that mean something in a regular expression taken literally.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact, registerSecrets } from '../support/http/redact.ts';

test('every form of every registered secret is masked, the longest whole', () => {
  registerSecrets(['s3cr', 's3cret-longer', 'p@ss w+rd.*', 'x(y)z[1]$&', 'ab']);
  const text = [
    'short s3cr',
    'long s3cret-longer',
    'clear p@ss w+rd.*',
    `url ${encodeURIComponent('p@ss w+rd.*')}`,
    `form ${encodeURIComponent('p@ss w+rd.*').replace(/%20/g, '+')}`,
    'regexp x(y)z[1]$&',
    'too short to register: ab',
  ].join('\n');
  const out = redact(text);
  for (const secret of ['s3cr', 'cret-longer', 'longer', 'p@ss', 'w+rd', 'p%40ss', 'x(y)z']) assert.ok(!out.includes(secret), `${secret} leaked:\n${out}`);
  assert.match(out, /^long \[REDACTED\]$/m, 'the longer secret is masked whole');
  assert.match(out, /ab$/, 'a two-character string is no registered secret');
});

test('a secret registered later is masked from then on', () => {
  assert.equal(redact('later-secret-value'), 'later-secret-value');
  registerSecrets(['later-secret-value']);
  assert.equal(redact('x later-secret-value y'), 'x [REDACTED] y');
});
