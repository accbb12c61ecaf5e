@rate-limits @load
Feature: Rate limits and IP blocking at the token endpoint (seed 001)
  Seed 001: "Up to 50 requests per second from the same IP are allowed, further requests will be rejected with a
  429 response code. In case we detect suspicious behavior such as continuous failed login attempts from the same
  IP, the IP will be temporarily blocked. When this happens, you will start seeing connection errors, ssl/tls
  handshake errors or something similar."
  The numbers are the target's own (limits.tokenRequestsPerSecond, limits.ipBlock). Every check sends from client
  IPs of its own (sourceAddresses), never from the address the rest of the run uses, announces what it will send,
  and stays within limits.maxRequestsPerSecond and limits.maxRequestsPerRun. Rates are measured, not assumed.

  @REQ-RL-01
  Scenario: Token requests from one IP up to the stated limit per second are all served
    Given client IPs of its own for the rate-limit check
    When one of them requests tokens at the stated limit for one second
    Then every one of those token requests gets a token

  @REQ-RL-02
  Scenario: A burst of token requests clearly beyond the limit is refused with 429
    Given a client IP of its own for the rate-limit check
    When that client IP sends a burst of token requests far beyond the stated limit
    Then the token endpoint refuses the excess of the burst with 429

  @REQ-RL-14
  Scenario: The token endpoint's limit is no higher than stated
    Given a client IP of its own for the rate-limit check
    When that client IP sends token requests back to back until the first 429
    Then no more tokens were served before it than the stated limit allows

  @REQ-RL-03
  Scenario: A 429 answer says when to retry
    Given a client IP of its own that the token endpoint has rate-limited
    Then every 429 answer to that client IP carries a valid Retry-After header

  @REQ-RL-07
  Scenario: A rate-limited IP does not limit another IP
    Given a bystander client IP of its own, from which the token endpoint issues tokens
    And a client IP of its own that the token endpoint has rate-limited
    When the bystander client IP requests a token while the first is still rate-limited
    Then the bystander client IP gets a token

  @REQ-RL-08
  Scenario: A rate-limited IP is served again once its second has passed
    Given a client IP of its own that the token endpoint has rate-limited
    When that client IP waits as long as the 429 asked and requests a token again
    Then that client IP gets a token again

  @REQ-RL-04
  Scenario: Continuous failed logins from one IP get that IP blocked
    Given a client IP of its own for the IP-block check
    When that client IP fails to log in as often as the target blocks after
    Then a token request with correct credentials from that client IP is blocked

  @REQ-RL-06
  Scenario: A blocked IP does not block another IP
    Given a bystander client IP of its own, from which the token endpoint issues tokens
    And a client IP of its own that the token endpoint has blocked after failed logins
    When the bystander client IP requests a token with correct credentials
    Then the bystander client IP gets a token

  @REQ-RL-05
  Scenario: A blocked IP stays blocked for the stated block time and is served again after it
    Given a client IP of its own that the token endpoint has blocked after failed logins
    When that client IP requests a token half-way through the stated block time, then waits out the block time from that request and requests a token again
    Then the token request half-way through the block time is blocked
    And that client IP gets a token again

