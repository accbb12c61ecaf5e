@authorization-endpoint
Feature: Authorization endpoint hardening (RFC 6749 §4.1, RFC 7636, RFC 9700 §2.1, RFC 9207)
  The authorization endpoint is where the browser login starts: what it decides before any login page — which
  redirect_uri it will deliver codes to, which PKCE parameters it takes — the kit sees in the first answer to a
  plain HTTP request, without a browser. It sends each request twice: as the kit's front end sends it, and
  changed; a refusal only counts where the unchanged request is not refused. A code's binding to its client and
  the issuer in the authorization response are judged on one browser login; what a reused code leaves valid and
  how long a code lives (RFC 6749 §4.1.2) on a login each.

  @REQ-AUTHZ-01 @requires-human-login
  Scenario Outline: An authorization request with a redirect_uri <variant> is not redirected to it
    When the front end's authorization request names its redirect URI <variant>
    Then the authorization endpoint does not redirect to that redirect_uri

    Examples:
      | variant                                      |
      | on another host                              |
      | with the registered host as user information |

  @REQ-AUTHZ-02 @requires-human-login
  Scenario Outline: The registered redirect URI <variant> is not redirected to
    RFC 9700 §2.1 asks for exact string matching; only the port of a loopback redirect URI may vary (RFC 8252
    §7.3): for such a URI the port is not tried (not applicable).

    When the front end's authorization request names its redirect URI <variant>
    Then the authorization endpoint does not redirect to that redirect_uri

    Examples:
      | variant                                |
      | with an extra path segment             |
      | with a suffix on its last path segment |
      | with an extra query parameter          |
      | on another port                        |

  @REQ-AUTHZ-03 @requires-human-login
  Scenario: A public client's authorization request without a code_challenge is refused
    When the public client sends an authorization request without a code_challenge
    Then the authorization endpoint refuses the request without a code_challenge

  @REQ-AUTHZ-04 @requires-human-login
  Scenario: An authorization request with code_challenge_method plain is refused
    When the front end sends an authorization request with code_challenge_method plain
    Then the authorization endpoint refuses the plain code_challenge

  @REQ-AUTHZ-06 @requires-human-login
  Scenario: An error response of the authorization endpoint names the issuer in iss
    When the front end sends an authorization request with an unsupported response_type
    Then the error response delivered to the front end carries the issuer as iss

  @REQ-AUTHZ-05 @REQ-AUTHZ-06 @browser @requires-human-login
  Scenario: The front end's code is refused to another client, and the redirect that delivered it names the issuer
    One login serves both checks: a browser login is the expensive part of a run.

    Given the first test customer has logged in through the browser
    When another client redeems the front end's code with its own credentials
    Then the token endpoint refuses the other client's redemption and issues no token
    And the redirect that delivered the code carries the issuer as iss

  @REQ-AUTHZ-07 @browser @requires-human-login
  Scenario: A code presented a second time makes the server revoke what its first redemption issued
    RFC 6749 §4.1.2: the server MUST deny the second use (REQ-PKCE-03) and SHOULD revoke the tokens the code gave.
    The kit looks where it can see a token's state, each shown valid before the code is presented again:
    introspection, the gateway where the profile declares a revocation bound, and the refresh token if any.

    Given the first test customer has logged in through the browser
    And the front end has redeemed the code for an access token
    And the kit sees where the tokens of that redemption are valid
    When the front end redeems the same code again
    Then the tokens of the code's first redemption are revoked

  @REQ-AUTHZ-08 @browser @requires-human-login
  Scenario: A code presented after the lifetime the target declares is refused with invalid_grant
    The kit waits the declared lifetime plus 2 s from the moment the code reached the front end: at most 15 s,
    unless the profile sets limits.longWaits (otherwise not testable, before any login).

    Given the target declares an authorization code lifetime the kit can wait out
    And the first test customer has logged in through the browser
    When the front end redeems the code once its declared lifetime has passed
    Then the token endpoint refuses the expired code with invalid_grant and issues no token

  @REQ-AUTHZ-09 @requires-human-login
  Scenario: The authorization code lifetime the target declares is at most ten minutes
    Then the authorization code lifetime the target declares is at most ten minutes
