@gateway @jwks-relay
Feature: The gateway and the issuer's JWK Set: no amplification, no accept it cannot verify (issue 20)
  The gateway verifies access tokens with the keys the issuer publishes in its JWK Set (RFC 7517), picked by kid.
  OpenID Connect Core §10.1.1: a verifier that sees an unfamiliar kid fetches the set again — so a caller who sends
  made-up kids must not be able to make the gateway hammer the IdP. RFC 9068 §4: the gateway MUST validate the
  signature of every token and reject it when it cannot — a key set that is down or slow is no reason to let a token
  through. A key removed from the set must stop being accepted within the bound the deployment claims. The kit sees
  the gateway's requests for the set, switches the set off, and publishes and removes a key of its own through its
  JWKS relay, which a gateway's jwks_uri points at (capability jwks-control: the reference's second gateway, or a
  deployment's test gateway named in the profile's jwksRelay); elsewhere they do not apply. They call that gateway
  only, so they run beside every other scenario, one at a time among themselves (they share the relay's counter
  and switch).

  @REQ-JWKS-01
  Scenario: Tokens with made-up kids do not make the gateway fetch the key set for each of them
    Given the kit can count the gateway's requests for the issuer's JWK Set
    When ten tokens, each naming a kid the issuer never published, are presented to the gateway one after another
    Then the gateway fetched the JWK Set at most five times for them

  @REQ-JWKS-02
  Scenario: While the JWK Set is down, a token the gateway cannot verify is refused
    Given the issuer's JWK Set answers every request with an error
    When a token signed with a key the gateway has not fetched is presented while the key set is down
    Then the gateway refuses that token, and does not let it through to the resource

  @REQ-JWKS-03
  Scenario: While the JWK Set is slow, a token the gateway cannot verify is refused
    Given the issuer's JWK Set does not answer in time
    When a token signed with a key the gateway has not fetched is presented while the key set is slow
    Then the gateway refuses that token, and does not let it through to the resource

  @REQ-JWKS-04 @requires-jwks-control
  Scenario: A key removed from the JWK Set stops being accepted within the bound the deployment states
    When a key the gateway has accepted a token for is removed from the JWK Set
    Then the gateway refuses that token within the bound the deployment states
