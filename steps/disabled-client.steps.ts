/** Steps of features/disabled-client.feature (issue 19, REQ-CAUTH-11): one call into support/oauth/disabled-client.ts each. */
import { When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { isNotTestable, markNotTestable, theSituation } from '../support/oauth/token-requests.ts';
import { disabledClient, judgeDisabledClientRefused, requestAsDisabledClient } from '../support/oauth/disabled-client.ts';

When('the disabled client requests a token with the credentials it had', async function (this: CtkWorld) {
  const client = disabledClient(this);
  if (isNotTestable(client)) return markNotTestable(this, client);
  const result = await requestAsDisabledClient(this, client);
  if (isNotTestable(result)) return markNotTestable(this, result);
});

Then('the token endpoint refuses the disabled client and issues no token', function (this: CtkWorld) {
  judgeDisabledClientRefused(this, this.lastExchange(), theSituation(this));
});
