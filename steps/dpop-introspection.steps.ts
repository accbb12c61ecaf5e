/** Steps of features/dpop-introspection.feature (RFC 9449 §6.2): each one call into support/dpop/introspection.ts. */
import { When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { INTROSPECTED_BOUND_TOKEN, introspectBoundToken, judgeIntrospectedBinding, judgeIntrospectedTokenType } from '../support/dpop/introspection.ts';

When('the introspecting client introspects the DPoP-bound token', async function (this: CtkWorld) {
  await introspectBoundToken(this);
});

Then("the introspection answer's cnf.jkt is the thumbprint of the proof's key", function (this: CtkWorld) {
  judgeIntrospectedBinding(this, this.state.recall(INTROSPECTED_BOUND_TOKEN));
});

Then("the introspection answer's token_type, where it states one, is \"DPoP\"", function (this: CtkWorld) {
  judgeIntrospectedTokenType(this, this.state.recall(INTROSPECTED_BOUND_TOKEN));
});
