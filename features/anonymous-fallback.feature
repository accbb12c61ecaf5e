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
