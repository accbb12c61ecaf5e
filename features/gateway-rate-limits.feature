@rate-limits @load
Feature: Rate limit and IP block at the gateway (the deployment's own claims)
  Canvas deployments limit their APIs at the gateway: Kong's rate-limiting plugin (`second: 20, limit_by: ip`),
  APISIX limit-count, HAProxy stick tables, mod_qos. No seed promises it; the target profile claims it
  (capabilities gateway-rate-limiting and gateway-ip-blocking) and states the numbers (limits.gateway). A target
  that does not claim them gets "not applicable" here. Every check sends a valid token of the system client to the
  protected route from client IPs of its own (sourceAddresses), is served from that IP first, announces what it
  will send, and stays within limits.maxRequestsPerSecond and limits.maxRequestsPerRun. RFC 6585 §4: 429 Too Many
  Requests, Retry-After MAY.

  @REQ-GRL-01
  Scenario: Requests from one IP up to the gateway's stated limit per second are all served
    Given a client IP of its own for the gateway's rate limit
    When that client IP calls the protected route with a valid token at the gateway's stated limit for one second
    Then the gateway serves every one of those requests

  @REQ-GRL-02
  Scenario: A burst of requests clearly beyond the gateway's limit is refused with 429
    Given a client IP of its own for the gateway's rate limit
    When that client IP calls the protected route with a valid token in a burst far beyond the gateway's stated limit
    Then the gateway refuses the excess of the burst with 429

  @REQ-GRL-09
  Scenario: The gateway's limit is no higher than claimed
    Given a client IP of its own for the gateway's rate limit
    When that client IP calls the protected route with a valid token back to back until the first 429
    Then the gateway served no more requests before it than its stated limit allows

  @REQ-GRL-03
  Scenario: A Retry-After on the gateway's 429 is well-formed
    Given a client IP of its own that the gateway has rate-limited
    Then every Retry-After on the gateway's 429 answers to that client IP is delay-seconds or an HTTP-date

  @REQ-GRL-07
  Scenario: An IP the gateway rate-limited does not limit another IP
    Given a bystander client IP of its own, which the gateway serves with a valid token
    And a client IP of its own that the gateway has rate-limited
    When the bystander client IP calls the protected route while the first is still rate-limited at the gateway
    Then the gateway serves the bystander client IP

  @REQ-GRL-08
  Scenario: An IP the gateway rate-limited is served again once its second has passed
    Given a client IP of its own that the gateway has rate-limited
    When that client IP waits as long as the gateway's 429 asked and calls the protected route again
    Then the gateway serves that client IP again

  @REQ-GRL-04
  Scenario: Repeated invalid tokens from one IP get that IP blocked at the gateway
    Given a client IP of its own for the gateway's IP block
    When that client IP sends as many invalid tokens as the gateway blocks after
    Then the gateway refuses a valid token from that client IP

  @REQ-GRL-06
  Scenario: An IP the gateway blocked does not block another IP
    Given a bystander client IP of its own, which the gateway serves with a valid token
    And a client IP of its own that the gateway has blocked after invalid tokens
    When the bystander client IP calls the protected route with a valid token
    Then the gateway serves the bystander client IP

  @REQ-GRL-05
  Scenario: An IP the gateway blocked stays blocked for the stated block time and is served again after it
    Given a client IP of its own that the gateway has blocked after invalid tokens
    When that client IP calls the protected route with a valid token half-way through the gateway's stated block time, then waits out the block time from that request and calls it again
    Then the gateway refuses the valid token half-way through the block time
    And the gateway serves that client IP again
