@core
Feature: Rotation of client secrets and signing keys
  Seed 002: a customer rotates their client secret through the UI and puts the new value into their application.
  The kit rotates the secret of a client kept for that purpose (clients.rotation) through the target's control
  plane, and puts the old one back after each scenario. Signing keys rotate through the published JWK Set: new
  tokens name a new kid, and the old key stays published while tokens signed with it may still be in use.
  With several workers a key rotation runs alone (@rotation: every token is signed with the issuer's keys), and so
  does a change of the rotation client's secret (@rotation-client: no other scenario uses that client, but a
  deployment that ties its signing key to client secrets would drop every other worker's token with it).
  The old secret obtains a token just before its rotation, so that a cache of client authentications warmed by it
  (an IdP's, a token proxy's) has to let go of it; and it is tried both ways a client may send it, since a rotation
  that reaches HTTP Basic only leaves the form body open to it.

  Rule: A rotated client secret replaces the old one (seed 002)

    @REQ-ROT-01 @rotation-client
    Scenario: The new secret obtains a token after a rotation, in the form body too where the client may send it there
      Given the rotation client's secret has been rotated
      When the rotation client requests a token with its new secret
      Then the token endpoint issues an access token
      And the new secret sent in the form body obtains a token too, where the client may authenticate there

    @REQ-ROT-02 @rotation-client
    Scenario: The old secret is refused with invalid_client after a rotation, also when it obtained a token just before
      Given the rotation client has obtained a token with its secret just before the rotation
      And the rotation client's secret has been rotated
      When the rotation client requests a token with its old secret
      Then the token endpoint refuses with "invalid_client" and issues no token
      And the old secret sent again a second later gets no token either
      And the old secret sent the other way, in the form body rather than with HTTP Basic or the reverse, gets no token either

    @REQ-ROT-03 @uses-gateway @rotation-client
    Scenario: A token issued before the rotation stays valid until it expires
      Given the rotation client has been issued an access token
      And the rotation client's secret has been rotated
      When the caller calls the protected route with the token issued before the rotation
      Then the gateway lets the request through to the protected resource
      And the issuer still publishes the key that signed the token issued before the rotation

  Rule: Signing keys roll over through the JWK Set, chosen by kid (RFC 7517 §5, RFC 9068 §4)

    @REQ-JWT-11 @requires-jwt-access-tokens @uses-gateway @rotation
    Scenario: Tokens issued after a key rotation are signed with a newly published key and accepted
      Given the issuer's signing key has been rotated
      When the system client requests a token with its client id and secret
      Then the new access token is signed with a key that was not published before the rotation, and verifies with the JWK Set
      And the gateway accepts the new access token once it has fetched the new key set

    @REQ-JWT-10 @requires-jwt-access-tokens @uses-gateway @rotation
    Scenario: Tokens issued before a key rotation still verify and are still accepted
      Given the system client has been issued a fresh access token
      And the issuer's signing key has been rotated
      Then the token issued before the rotation still verifies with the issuer's JWK Set
      And the gateway still accepts the token issued before the rotation
