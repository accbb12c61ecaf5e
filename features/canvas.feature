@gateway
Feature: Canvas specifics: the component is reached through the gateway only, and trusts only its identity (seed 000)
  Seed 000: a client calls a component's API "using the gateway URL provided by the API Gateway", and the gateway
  "will integrate with the Identity Management System and add a token to the API header that includes details from
  the Identity Management System (user, roles)". The component relies on that identity: nobody may reach it around
  the gateway, and nothing a caller writes into the identity header may get through, not even a duplicated one.
  (A token of another API's audience is refused by REQ-BEARER-04; that the roles or scopes arrive at all, REQ-ID-06.)

  @REQ-CANVAS-01
  Scenario: A call that goes around the gateway straight to the component is not served
    When the component's protected route is called at the component's own URL, without a token and with a forged identity header
    Then the component does not serve the call that went around the gateway

  @REQ-ID-09
  Scenario: A forged identity header sent twice, in two letter cases, is not passed on either
    Given a gateway caller holding a valid access token of the system client
    When the identity echo is called with that token and each forged identity header sent twice, in two letter cases
    Then the component sees the token's identity, not the forged one

  @REQ-CANVAS-02
  Scenario: The roles the identity system grants arrive at the component
    Given a gateway caller holding a valid access token of the system client
    When the identity echo is called with that token
    Then the component received every role the token grants
