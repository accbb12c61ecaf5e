/** Steps of features/customer-deletes.feature (seed 003 for deletes): one call into support/identity/customer-deletes.ts each. */
import { When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { stateKey } from '../support/scenario-state.ts';
import { scenarioRequirements } from '../support/oauth/scenario.ts';
import { deleteAnotherCustomersRecord, judgeOtherCustomerDeleteRefused, type DeleteAttempt } from '../support/identity/customer-deletes.ts';

const ATTEMPT = stateKey<Extract<DeleteAttempt, { kind: 'attempted' }>>("another customer's delete");

When('another test customer deletes the disposable record of the customer the profile names', async function (this: CtkWorld) {
  const attempt = await deleteAnotherCustomersRecord(this);
  if (attempt.kind === 'not-testable') return this.notTestable(scenarioRequirements(this), attempt.reason, attempt.remedy);
  this.state.remember(ATTEMPT, attempt);
});

Then('the delete is refused and the record is still there for its owner', async function (this: CtkWorld) {
  await judgeOtherCustomerDeleteRefused(this, 'REQ-ID-15', this.state.recall(ATTEMPT));
});
