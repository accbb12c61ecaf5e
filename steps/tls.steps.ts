/**
 * Steps of features/tls.feature (issue 19, RFC 9325): each one call into support/tls/judges.ts.
 */
import { When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { VERSION_NAMES, type TlsVersion } from '../support/tls/probes.ts';
import { PLAIN_HTTP_REQUEST, judgeCertificateNamesHost, judgeCertificateValid, judgePlainHttpNotProcessed, judgeVersionNotNegotiated, judgeVersionSupported, sendTokenRequestOverPlainHttp } from '../support/tls/judges.ts';

const versionNamed = (name: string): TlsVersion => {
  const found = (Object.keys(VERSION_NAMES) as TlsVersion[]).find((v) => VERSION_NAMES[v] === name);
  if (!found) throw new TypeError(`unknown TLS version "${name}" in the feature: use ${Object.values(VERSION_NAMES).join(', ')}`);
  return found;
};
const REQUIREMENT_OF: Readonly<Record<TlsVersion, string>> = { TLSv1: 'REQ-TLS-01', 'TLSv1.1': 'REQ-TLS-02', 'TLSv1.2': 'REQ-TLS-03', 'TLSv1.3': 'REQ-TLS-04' };

Then('no https endpoint of the target negotiates {string} offered alone', async function (this: CtkWorld, name: string) {
  const version = versionNamed(name);
  await judgeVersionNotNegotiated(this, version, REQUIREMENT_OF[version]);
});

Then('every https endpoint of the target negotiates {string} offered alone', async function (this: CtkWorld, name: string) {
  const version = versionNamed(name);
  await judgeVersionSupported(this, version, REQUIREMENT_OF[version]);
});

Then('every https endpoint of the target presents a certificate that names its host', async function (this: CtkWorld) {
  await judgeCertificateNamesHost(this);
});

Then('every https endpoint of the target presents a certificate that a verifying client accepts', async function (this: CtkWorld) {
  await judgeCertificateValid(this);
});

When('the kit sends a token request with a marker client and a wrong secret to the plain-http twin of the token endpoint', async function (this: CtkWorld) {
  this.state.remember(PLAIN_HTTP_REQUEST, await sendTokenRequestOverPlainHttp(this));
});

Then('the plain-http twin does not process the credentials', function (this: CtkWorld) {
  judgePlainHttpNotProcessed(this, this.state.recall(PLAIN_HTTP_REQUEST));
});
