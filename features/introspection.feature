@introspection @idp
Feature: Token introspection (RFC 7662)
  A protected resource asks the authorization server whether a token is active and what it stands for. The kit
  introspects fresh tokens of its own as the client the profile allows to introspect (introspection.client), and the
  same tokens as callers who must learn nothing: no client authentication, a wrong secret, a client the profile says
  may not introspect. Every negative check first sees the token introspect as active for the allowed client, so a
  refusal is about the caller. Only where the target claims token-introspection (profile: introspection). Answers
  are shown by their members, never the token.

  @REQ-INTRO-01 @REQ-INTRO-02
  Scenario: A valid access token introspects as active, with the members of that token
    Given a fresh access token of the system client
    When the introspecting client introspects the token
    Then the answer says the token is active
    And the members the answer states describe the token

  Rule: A token that is not active is answered "active": false, and nothing more (RFC 7662 §2.2)

    @REQ-INTRO-03 @REQ-INTRO-05 @requires-per-client-ttl @timing-sensitive
    Scenario: An expired access token introspects as inactive
      The short-TTL client's token, introspected as active first, then again after its lifetime and 2 s more.
      Given a fresh access token of the short-TTL client that introspection reports active
      When the token has expired
      And the introspecting client introspects the token
      Then the answer says the expired token is inactive
      And the inactive answer says nothing more

    @REQ-INTRO-04 @REQ-INTRO-05
    Scenario: A random string introspects as inactive
      When the introspecting client introspects a token the server never issued
      Then the answer says the token it never issued is inactive
      And the inactive answer says nothing more

    @REQ-INTRO-04 @requires-foreign-issuer
    Scenario: A genuine token of another issuer introspects as inactive
      Given a genuine access token of another issuer
      When the introspecting client introspects the token
      Then the answer says the token it never issued is inactive

  Rule: Only an authorized caller learns about a token (RFC 7662 §2.1, §4)

    @REQ-INTRO-06
    Scenario: An introspection request without client authentication discloses nothing
      Given a fresh access token of the system client that introspection reports active
      When the token is introspected without client authentication
      Then the caller learns nothing about the token

    @REQ-INTRO-07
    Scenario: An introspection request with a wrong client secret discloses nothing
      Given a fresh access token of the system client that introspection reports active
      When the introspecting client introspects the token with a wrong secret
      Then the caller learns nothing about the token

    @REQ-INTRO-08
    Scenario: A client the target does not let introspect learns nothing about a valid token
      Given a fresh access token of the system client that introspection reports active
      When the client the target does not let introspect introspects the token
      Then the caller learns nothing about the token
