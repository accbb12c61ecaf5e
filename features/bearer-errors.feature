@gateway
Feature: Bearer token errors at the gateway (RFC 6750 §2, §3, §3.1)
  The gateway is an OAuth 2.0 resource server (RFC 6750). A request without a token that enables access is
  refused with a WWW-Authenticate: Bearer challenge; a request that carried no Bearer credentials gets no error
  code; an invalid token is answered 401 invalid_token, a malformed request 400 invalid_request, a valid token
  lacking the route's scope 403 insufficient_scope. Seed 001 tells integrators to read exactly these answers
  ("If it contains error="invalid_token": ... request a new one immediately").

  @REQ-BEARER-01
  Scenario: A valid access token in the Authorization header reaches the protected resource
    Given a gateway caller holding a valid access token of the system client
    When the gateway is called on the protected route with that token in the Authorization header
    Then the gateway lets the request through to the resource

  @REQ-BEARER-02 @REQ-BEARER-16
  Scenario: A request without credentials is refused with 401 and a Bearer challenge
    When the gateway is called on the protected route without credentials
    # The status (REQ-BEARER-16, SHOULD: a miss is a warning and the scenario goes on) before the challenge
    # (REQ-BEARER-02, MUST: a miss stops the scenario), so a 403 without a challenge is graded on both clauses.
    Then the gateway answers with status 401
    And the gateway refuses the request with a Bearer challenge

  @REQ-BEARER-03
  Scenario Outline: A request without Bearer credentials gets no error code (<credentials>)
    When the gateway is called on the protected route with "<credentials>" instead of a Bearer token
    Then the gateway's challenge carries no error code or other error information

    Examples:
      | credentials                        |
      | no Authorization header            |
      | an HTTP Basic Authorization header |

  # The challenge is RFC 6750 §3's MUST whatever the status (REQ-BEARER-20); the 401 and the error code are §3.1's
  # SHOULD (REQ-BEARER-05, -07 below), so a 403 without a challenge for an invalid token is graded on both clauses.
  @REQ-BEARER-04 @REQ-BEARER-05 @REQ-BEARER-20
  Scenario Outline: An invalid access token is refused with 401 invalid_token (<token>)
    When the gateway is called on the protected route with the bearer token "<token>"
    Then the gateway does not let the request through to the resource
    And the gateway answers 401 with the error code "invalid_token"

    Examples:
      | token                              |
      | a random string                    |
      | a JWT with a tampered signature    |
      | a JWT naming an unknown key id     |
      | a JWT whose segments are not JSON  |

  @REQ-BEARER-04 @REQ-BEARER-06
  Scenario Outline: A malformed Authorization header is refused with 400 invalid_request (<header>)
    When the gateway is called on the protected route with the malformed Authorization header "<header>"
    Then the gateway does not let the request through to the resource
    And the gateway answers 400 with the error code "invalid_request"

    Examples:
      | header                            |
      | the scheme without a token        |
      | two tokens after the scheme       |
      | characters a token cannot contain |
      | two Authorization headers         |

  @REQ-BEARER-07 @REQ-BEARER-08 @REQ-BEARER-20
  Scenario: A valid token without the route's scope is refused with 403 insufficient_scope and never reaches the resource
    Given a gateway caller holding a valid access token of the read-only client
    When the gateway is called on the scoped route with that token in the Authorization header
    Then the gateway does not let the request through to the resource
    And the gateway answers 403 insufficient_scope naming the scope the route needs

  @REQ-BEARER-09
  Scenario Outline: The Bearer scheme is matched case-insensitively (<scheme>)
    Given a gateway caller holding a valid access token of the system client
    When the gateway is called on the protected route with that token after the scheme written "<scheme>"
    Then the gateway lets the request through to the resource

    Examples:
      | scheme |
      | bearer |
      | BEARER |
      | bEaReR |

  @REQ-BEARER-10
  Scenario: A token sent only in the URI query is refused, or validated like one in the header
    Given a gateway caller holding a valid access token of the system client
    When the gateway is called on the protected route with that token only in the access_token query parameter
    Then a gateway that serves the token from the query refuses a tampered one sent there

  @REQ-BEARER-11
  Scenario: A token sent both in the Authorization header and in the query is refused with 400 invalid_request
    Given a gateway caller holding a valid access token of the system client
    When the gateway is called on the protected route with that token in the Authorization header and in the access_token query parameter
    Then the gateway answers 400 with the error code "invalid_request"

  @REQ-BEARER-04 @REQ-BEARER-12
  Scenario Outline: A bad token never makes the gateway fail with a server error (<token>)
    When the gateway is called on the protected route with the bearer token "<token>"
    Then the gateway answers with a client error, not a server error
    And the gateway does not let the request through to the resource

    Examples:
      | token                              |
      | a random string                    |
      | a JWT naming an unknown key id     |
      | an unsigned JWT (alg none)         |
      | a JWT whose segments are not JSON  |
      | a 6 KiB string                     |

  @REQ-BEARER-13
  Scenario Outline: Every 401 carries a Bearer challenge (<case>)
    When the gateway is sent a request it must refuse: "<case>"
    Then the gateway's 401 answer carries a WWW-Authenticate header with a Bearer challenge

    Examples:
      | case                                                   |
      | no credentials on the protected route                  |
      | HTTP Basic credentials on the protected route          |
      | a random string as bearer token on the protected route |
      | a JWT with a tampered signature on the protected route |

    # The same rule on every other GET route the profile describes: a 401 there (where one comes) is judged alike.
    Examples: the other routes
      | case                                                       |
      | no credentials on the identity echo route                  |
      | a random string as bearer token on the identity echo route |
      | no credentials on the customer data route                  |
      | a random string as bearer token on the public route        |

  @REQ-BEARER-14
  Scenario: The challenge without credentials names at least one parameter such as realm
    When the gateway is called on the protected route without credentials
    Then the gateway's Bearer challenge carries at least one auth-param

  @REQ-BEARER-15
  Scenario Outline: The WWW-Authenticate header is well-formed (<case>)
    When the gateway is sent a request it must refuse: "<case>"
    Then the gateway's WWW-Authenticate header is well-formed

    Examples:
      | case                                                   |
      | no credentials on the protected route                  |
      | a JWT with a tampered signature on the protected route |
      | the scheme without a token on the protected route      |
      | a token of the read-only client on the scoped route    |
