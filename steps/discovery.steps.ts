/** Steps of features/discovery.feature (RFC 8414, OpenID Connect Discovery, RFC 7517). */
import { stateKey } from '../support/scenario-state.ts';
import { Given, When, Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { CtkWorld } from '../support/world.ts';
import { check } from '../support/verdict/check.ts';
import { isTagged, taggedRequirement } from '../support/oauth/scenario.ts';
import { markNotTestable } from '../support/oauth/token-requests.ts';
import { theIssued } from '../support/oauth/issued.ts';
import { judgeIssuerAgainstMetadata } from '../support/jwt/claims.ts';
import { fetchJwks, privateMaterialIn, type FetchedJwks } from '../support/jwt/jwks.ts';
import { judgeMetadataSetSigns } from '../support/discovery/metadata-keys.ts';
import { judgeTokenEndpointAnswers, requestTokenAtMetadataEndpoint } from '../support/discovery/token-endpoint.ts';
import { jwksUriOf } from '../support/target/target.ts';
import {
  findMetadata,
  judgeIssuerForm,
  judgeJwksUriMember,
  judgeListed,
  judgeMetadataDocument,
  judgeMetadataIssuer,
  judgeResponseTypes,
  judgeTokenEndpointMember,
  METADATA_REMEDY,
  rememberMetadata,
  theMetadata,
} from '../support/discovery/metadata.ts';

const JWKS = stateKey<{ uri: string; fetched: FetchedJwks }>('JWK Set');

Given('the authorization server metadata of the target', async function (this: CtkWorld) {
  const found = await findMetadata(this);
  if ('notFound' in found) return markNotTestable(this, { notTestable: found.notFound, remedy: METADATA_REMEDY });
  // Only the document scenario judges an unreadable document; the others have nothing to look at.
  if (!found.metadata && !isTagged(this, 'REQ-DISC-01')) {
    return markNotTestable(this, { notTestable: `the metadata at ${found.url} is not a JSON object (REQ-DISC-01 judges that)`, remedy: METADATA_REMEDY });
  }
  rememberMetadata(this, found);
});

Then('the metadata answer is 200 with a JSON object, as application\\/json', function (this: CtkWorld) {
  judgeMetadataDocument(this, theMetadata(this));
});

Then('the metadata issuer is exactly the issuer identifier of the target', function (this: CtkWorld) {
  judgeMetadataIssuer(this, theMetadata(this), this.target);
});

Then('the access token\'s iss is exactly the metadata issuer', function (this: CtkWorld) {
  judgeIssuerAgainstMetadata(this, theIssued(this), theMetadata(this).metadata?.issuer);
});

Then('the metadata issuer is an https URL without query or fragment, unless on a loopback address', function (this: CtkWorld) {
  judgeIssuerForm(this, theMetadata(this));
});

Then('the metadata names the token endpoint as an absolute URL', function (this: CtkWorld) {
  judgeTokenEndpointMember(this, theMetadata(this));
});

When('the system client requests a token at the token_endpoint the metadata names', async function (this: CtkWorld) {
  const result = await requestTokenAtMetadataEndpoint(this, theMetadata(this));
  if ('notTestable' in result) return markNotTestable(this, { notTestable: result.notTestable, remedy: METADATA_REMEDY });
});

Then('the answer is a token endpoint\'s: a token or an OAuth error, never 404', function (this: CtkWorld) {
  judgeTokenEndpointAnswers(this, this.lastExchange());
});

Then('the metadata has response_types_supported as a JSON array', function (this: CtkWorld) {
  judgeResponseTypes(this, theMetadata(this));
});

/** RFC 8414 §2 defaults of the list members (undefined: none stated). */
const DEFAULTS: Readonly<Record<string, readonly string[]>> = {
  grant_types_supported: ['authorization_code', 'implicit'],
  token_endpoint_auth_methods_supported: ['client_secret_basic'],
};

Then('the metadata lists {string} in {word}', function (this: CtkWorld, value: string, member: string) {
  const requirement = taggedRequirement(this, ['REQ-DISC-06', 'REQ-DISC-07', 'REQ-DISC-08'], 'the metadata list step');
  judgeListed(this, theMetadata(this), requirement, member, value, DEFAULTS[member]);
});

When('the caller fetches the JWK Set at the jwks_uri the metadata names', async function (this: CtkWorld) {
  const uri = judgeJwksUriMember(this, theMetadata(this));
  this.state.remember(JWKS, { uri, fetched: await fetchJwks(this, uri) });
});

When('the caller fetches the issuer\'s JWK Set', async function (this: CtkWorld) {
  // The metadata's jwks_uri when the kit finds metadata (it is what resource servers use), else the profile's.
  const found = await findMetadata(this);
  const fromMetadata = 'notFound' in found ? undefined : found.metadata?.jwks_uri;
  const uri = typeof fromMetadata === 'string' ? fromMetadata : jwksUriOf(this.target);
  this.state.remember(JWKS, { uri, fetched: await fetchJwks(this, uri) });
});

Then('the answer is a JWK Set: a JSON object with a keys array', function (this: CtkWorld) {
  const { uri, fetched } = this.state.recall(JWKS);
  check(this, { requirement: 'REQ-DISC-04', expected: `200 with a JWK Set ({"keys": [...]}) at ${uri}`, observed: fetched.exchange }, () => {
    expect(fetched.exchange.response?.status, 'status').to.equal(200);
    expect(fetched.keys, 'keys array').to.be.an('array');
  });
});

Then('the set holds the key the target signs its access tokens with', function (this: CtkWorld) {
  const { uri, fetched } = this.state.recall(JWKS);
  return judgeMetadataSetSigns(this, uri, fetched);
});

Then('no key in the set has private or symmetric key members', function (this: CtkWorld) {
  const { uri, fetched } = this.state.recall(JWKS);
  if (!fetched.keys) return markNotTestable(this, { notTestable: `no JWK Set could be read at ${uri}`, remedy: 'check jwksUri in the target profile' });
  const exposed = privateMaterialIn(fetched.keys);
  check(
    this,
    {
      requirement: 'REQ-DISC-05',
      expected: `only public key members (kty, n, e, crv, x, y, kid, use, alg, x5c ...) in the JWK Set at ${uri}`,
      observed: exposed.map((k) => `key ${k.kid} publishes ${k.members.join(', ')}`).join('; '),
    },
    () => expect(exposed).to.be.empty,
  );
});
