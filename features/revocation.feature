@introspection @idp
Feature: Token revocation (RFC 7009)
  A client tells the authorization server it no longer needs a token. The kit revokes fresh tokens of its own (never
  one another scenario uses), a token the server never issued, and a token without client authentication, then asks
  introspection (where the target claims it) and the gateway (within the bound the profile declares) whether the
  token is gone. A gateway that validates self-contained JWTs keeps accepting a revoked token until it expires unless
  it learns of the revocation; no clause forbids that, so the bound is the deployment's to state
  (limits.revocationSeconds), and without one the gateway check is not applicable. Only where the target claims
  token-revocation (profile: revocation).

  @REQ-REVOKE-01
  Scenario: Revoking a valid token is answered 200
    Given a fresh access token of the system client
    When the system client revokes the token
    Then the revocation is answered 200

  @REQ-REVOKE-02
  Scenario: Revoking a token the server never issued is answered 200, not an error
    When the system client revokes a token the server never issued
    Then the revocation of the unknown token is answered 200

  @REQ-REVOKE-03
  Scenario: A revoked token is no longer active
    Given a fresh access token of the system client that introspection reports active
    When the system client revokes the token
    Then introspection reports the revoked token inactive

  @REQ-REVOKE-04
  Scenario: The gateway refuses a revoked token it served before, within the bound the target declares
    The request before the revocation is the refusal's positive control, and shows a gateway that caches its decision
    per token. Without limits.revocationSeconds the check does not apply (recorded with the reason): nothing is sent
    to the gateway and nothing is waited for.
    Given a fresh access token of the system client
    And the caller has called the protected route with that token before its revocation
    When the system client revokes the token
    Then the gateway refuses the revoked token within the declared bound

  @REQ-REVOKE-05
  Scenario: A revocation without client authentication is refused and revokes nothing
    Given a fresh access token of the system client
    When the token is revoked without client authentication
    Then the revocation is refused and the token stays active
