@gateway
Feature: The gateway passes the caller's identity on to the component (seed 000)
  Seed 000: "the API Gateway will integrate with the Identity Management System and add a token to the API header
  that includes details from the Identity Management System (user, roles)", and "for system users their
  authorization is as the system (and not a passthrough of the actual human end-user)". The kit sees what arrived
  through the target's identity echo route (gateway.routes.identityEcho), read by gateway.routes.identityEchoFormat.

  @REQ-ID-06
  Scenario Outline: The component receives the caller's subject and scopes (<client> client)
    Given a gateway caller holding a valid access token of the <client> client
    When the identity echo is called with that token
    Then the component received the token's subject
    And the component received the token's roles or scopes

    Examples:
      | client    |
      | system    |
      | read-only |

  @REQ-ID-07
  Scenario: A system user is seen as the system, under its client id, not as a human
    Given a gateway caller holding a valid access token of the system client
    When the identity echo is called with that token
    Then the component sees the system user as the system, under its client id

  @REQ-ID-08
  Scenario: The caller's access token is not passed on to the component
    Given a gateway caller holding a valid access token of the system client
    When the identity echo is called with that token
    Then the component did not receive the caller's Authorization header

  @REQ-ID-09
  Scenario: An identity header sent by the caller is not passed on: the token's identity wins
    Given a gateway caller holding a valid access token of the system client
    When the identity echo is called with that token and forged identity headers
    Then the component sees the token's identity, not the forged one

  @REQ-ID-09
  Scenario: A customer who forges identity headers stays a human with the token's roles: no kind "system", no extra role
    A gateway that overwrites only the subject it sets itself lets a caller's kind or roles header through (oauth2-proxy's
    X-Forwarded-Groups), as does an identity merged over the caller's own. A customer's token shows a forged kind
    "system"; a system client's token, already of kind system, cannot.
    Given the first test customer holds a human access token, from a login without a browser where the target offers one
    When the identity echo is called with the human access token and forged identity headers
    Then the component sees the token's identity, not the forged one

  @REQ-ID-09 @requires-anonymous-fallback
  Scenario: A forged identity header does not make an anonymous caller somebody
    When the public route is called without credentials but with forged identity headers
    Then the component served the public route to an anonymous caller
