@core @audit
Feature: Authentication attempts are recorded in an audit log
  Seed 004: "The authentication operation is recorded" — every attempt, the successful and the failed, with who
  claimed to be whom, how it ended and when; a client's at the token endpoint, and a user's on the login page
  ("A user logs on to the DataONE system"). A log that people read is no place for credentials: no client
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

  @REQ-AUD-04 @browser @requires-human-login
  Scenario: A successful login on the login page is recorded
    When the first test customer logs in on the login page, for the audit log
    Then the audit log records a successful login of that customer, with its time

  @REQ-AUD-04 @browser @requires-human-login
  Scenario: A wrong password on the login page is recorded
    Wrong passwords are typed for the last test user (an account lock per user never meets the first), from a
    client IP kept for failed logins (the run's own address never nears seed 001's IP block).

    When the last test customer types a wrong password on the login page, from a client IP kept for failed logins
    Then the audit log records a failed login of that customer, with its time

  @REQ-AUD-03 @browser @requires-human-login
  Scenario: The audit log holds no password typed on the login page
    Given the last test customer has typed a wrong password and then their own on the login page
    Then no client secret, user password or access token appears in the audit log, in clear or encoded
