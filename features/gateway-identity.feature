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

  @REQ-ID-09 @requires-anonymous-fallback
  Scenario: A forged identity header does not make an anonymous caller somebody
    When the public route is called without credentials but with forged identity headers
    Then the component served the public route to an anonymous caller
