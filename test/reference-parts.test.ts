/**
 * The reference's optional parts (mTLS listeners, JWKS relay) start only for runs that select a scenario needing
 * them (issue 18: the fault-injection runs start the stack ~270 times). A part left out must never turn a selected
 * scenario into a pass: the scenarios that need it are found by their tags, and a stack without the part claims
 * neither capability.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_REFERENCE_PARTS, encodeReferenceParts, referencePartsForCucumberArgs, referencePartsFromEnv, selectedScenarios } from '../support/target/reference-parts.ts';
import { ReferenceStack } from '../reference/stack.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';

test('the parts follow the selected features and tags', () => {
  assert.deepEqual(referencePartsForCucumberArgs(['features/token-issuance.feature', 'features/bearer-errors.feature']), { mtls: false, jwksRelay: false });
  assert.deepEqual(referencePartsForCucumberArgs(['features/mtls.feature']), { mtls: true, jwksRelay: false });
  assert.deepEqual(referencePartsForCucumberArgs(['features/jwks-robustness.feature:12']), { mtls: false, jwksRelay: true });
  assert.deepEqual(referencePartsForCucumberArgs(['features/', '--tags', 'not @client']), ALL_REFERENCE_PARTS);
  assert.deepEqual(referencePartsForCucumberArgs(['features/', '--tags', '@REQ-TOK-01']), { mtls: false, jwksRelay: false });
  assert.deepEqual(referencePartsForCucumberArgs(['features/', '--tags', '@REQ-JWKS-04']), { mtls: false, jwksRelay: true });
  assert.deepEqual(referencePartsForCucumberArgs(['features/**/*.feature']), ALL_REFERENCE_PARTS, 'a glob selects everything: more parts, never fewer');
  assert.deepEqual(referencePartsForCucumberArgs(['--name', 'x']), ALL_REFERENCE_PARTS, 'an option the reader does not know: all parts');
});

test('every scenario that needs mTLS or the relay is found by its tags', () => {
  const mtls = selectedScenarios([], '@mtls');
  assert.ok(mtls.length > 0);
  for (const scenario of selectedScenarios(['features/mtls.feature'])) assert.ok(scenario.tags.includes('@mtls'), scenario.name);
  for (const scenario of selectedScenarios(['features/jwks-robustness.feature'])) assert.ok(scenario.tags.includes('@jwks-relay'), scenario.name);
});

test('the environment carries the parts to the hooks; unset means all', () => {
  for (const parts of [{ mtls: false, jwksRelay: false }, { mtls: true, jwksRelay: false }, { mtls: false, jwksRelay: true }, ALL_REFERENCE_PARTS]) {
    assert.deepEqual(referencePartsFromEnv(encodeReferenceParts(parts)), parts);
  }
  assert.deepEqual(referencePartsFromEnv(undefined), ALL_REFERENCE_PARTS);
  assert.deepEqual(referencePartsFromEnv(''), ALL_REFERENCE_PARTS);
});

test('a stack without the parts claims neither mTLS nor JWKS control, so their scenarios cannot pass', async () => {
  const stack = await ReferenceStack.start({ parts: { mtls: false, jwksRelay: false } });
  try {
    const description = describeReferenceTarget(stack.urls, { faults: [] });
    assert.equal(description.capabilities['jwks-control'], false);
    assert.equal(description.capabilities['mtls-client-auth'], undefined);
    assert.equal(description.capabilities['certificate-bound-tokens'], undefined);
    assert.equal(description.jwksRelay, undefined);
    assert.equal(description.mtls, undefined);
  } finally {
    await stack.stop();
  }
});
