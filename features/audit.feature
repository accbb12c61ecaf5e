@core @audit
Feature: Authentication attempts are recorded in an audit log
  Seed 004: "The authentication operation is recorded" — every attempt, the successful and the failed, with who
  claimed to be whom, how it ended and when. A log that people read is no place for credentials: no client
  secret, password or access token may appear in it, in clear or encoded. The kit reads the log where the
  target lets it (the reference's control plane); elsewhere these checks are not testable.

  @REQ-AUD-01
  Scenario: A successful client authentication is recorded
    When the system client requests a token with HTTP Basic authentication
    Then the audit log records a successful attempt of the system client, with its time

  @REQ-AUD-02
  Scenario: A failed client authentication is recorded
    When the system client requests a token with HTTP Basic authentication and a wrong secret
    Then the audit log records a failed attempt of the system client, with its time

  @REQ-AUD-03
  Scenario: The audit log holds no secret, password or token
    Given the system client has obtained a token and has been refused with a wrong secret
    Then no client secret, user password or access token appears in the audit log, in clear or encoded
