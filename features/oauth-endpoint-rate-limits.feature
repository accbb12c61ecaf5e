@rate-limits @load
Feature: Rate limits at the other OAuth endpoints: authorization, JWKS, discovery (seed 001)
  Seed 001: "For security and reliability reasons, the OAuth2.0 endpoints are protected with rate-limiting. Up to 50
  requests per second from the same IP are allowed, further requests will be rejected with a 429 response code."
  The endpoints are plural: besides the token endpoint (rate-limits.feature), the authorization endpoint, the JWKS and
  the discovery document. The seed gives one figure and does not say whether the endpoints share it, so the kit
  applies it to each endpoint on its own, from a client IP of its own (what every reading promises), with the
  target's number (limits.tokenRequestsPerSecond). Each series starts with one request from the run's own address
  that must be served (else a refusal under load proves nothing), announces what it will send, and stays within
  limits.maxRequestsPerSecond and limits.maxRequestsPerRun.

  Scenario Outline: <endpoint> serves up to the stated limit per second from one IP and refuses the excess with 429
    Given a client IP of its own for the rate limit of <endpoint>
    When that client IP requests <endpoint> at the stated limit for one second
    Then <endpoint> serves every one of those requests
    When that client IP goes on with a burst of requests to <endpoint> far beyond the stated limit
    Then <endpoint> refuses the excess of the burst with 429

    @REQ-RL-09 @requires-human-login
    Examples: the human login's entry
      | endpoint                   |
      | the authorization endpoint |

    @REQ-RL-10
    Examples: the signing keys
      | endpoint |
      | the JWKS |

    @REQ-RL-11
    Examples: the metadata
      | endpoint               |
      | the discovery document |

  @REQ-RL-12
  Scenario: An IP rate-limited at the JWKS does not limit another IP there
    Given a bystander client IP of its own, which the JWKS serves
    And a client IP of its own that the JWKS has rate-limited
    When the bystander client IP requests the JWKS while the first is still rate-limited
    Then the JWKS serves the bystander client IP

  @REQ-RL-13
  Scenario: An IP rate-limited at the JWKS is served there again once its second has passed
    Given a client IP of its own that the JWKS has rate-limited
    When that client IP waits as long as the 429 asked and requests the JWKS again
    Then the JWKS serves that client IP again
