@gateway
Feature: A failed authentication leaves the caller anonymous (seed 004)
  Seed 004 (DataONE use case 12): "In the event of authentication failure, the auth_token will provide identity
  equivalent to an anonymous user." Public resources stay reachable for an anonymous caller, protected ones do not.
  RFC 6750 alone would let a public route refuse a failed credential (401 invalid_token, 400 invalid_request); a
  target that claims this fallback promises seed 004's behaviour instead: the caller is served as anonymous. What
  never conforms is a failed authentication that yields protected data or an identity other than anonymous.

  @REQ-ANON-01
  Scenario: A public resource is served to a caller without credentials
    When the public route is called without credentials
    Then the public resource is served

  @REQ-ANON-02 @requires-identity-propagation
  Scenario: The component sees a caller without credentials as anonymous
    When the public route is called without credentials
    Then the component served the public route to an anonymous caller

  @REQ-ANON-03
  Scenario Outline: A failed credential on a public route is served to the caller as anonymous (<credential>)
    When the public route is called with the failed credential "<credential>"
    Then the public route is served to an anonymous caller, never refused and never to somebody

    Examples:
      | credential                      |
      | a random string                 |
      | a JWT with a tampered signature |
      | a JWT naming an unknown key id  |
      | the scheme without a token      |

  # A gateway may check the signature on a public route and skip the claims (an "optional authentication" layer):
  # the token below is correctly signed, and only its claims fail. Accepted on the protected route too, it is
  # REQ-BEARER-04's one finding, not this one.
  @REQ-ANON-03 @requires-test-token-signer @requires-jwt-access-tokens
  Scenario Outline: A correctly signed token whose claims fail is served on the public route as anonymous (<defect>)
    Given a token from the trusted test signer with the claims of the system client's access token, but <defect>
    When the public route is called with that token
    Then the public route is served to an anonymous caller, never refused and never to somebody

    Examples:
      | defect                                             |
      | expired longer ago than the gateway's clock leeway |
      | meant for another audience                         |
      | issued by another issuer                           |

  @REQ-ANON-04
  Scenario Outline: A caller without a valid token gets no protected data (<credential>, <route> route)
    When an anonymous caller with "<credential>" calls the <route> route
    Then the anonymous caller gets no protected data

    Examples:
      | credential                      | route         |
      | no credentials                  | protected     |
      | a random string                 | protected     |
      | the scheme without a token      | protected     |
      | no credentials                  | customer data |
      | a JWT with a tampered signature | customer data |
      | no credentials                  | identity echo |

  @REQ-ANON-05
  Scenario Outline: A failed login yields no more than an anonymous identity (<login>)
    When a login fails: <login>
    Then the failed login gave no access token, or one that opens no protected resource

    Examples:
      | login                                |
      | the system client with a wrong secret |
      | the first test customer with a wrong password |
