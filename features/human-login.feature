@human-login
Feature: Human login in a browser (authorization code with PKCE)
  Seeds 000, 003 and 004: humans reach the APIs through a web front end that logs them in; their tokens carry
  the customer as sub (client_id != sub) and let them see only their own customer's data. The kit plays that
  front end: it starts the authorization code flow with PKCE S256 (RFC 6749 §4.1, RFC 7636) in a real
  Chromium, the test user types their credentials on the identity provider's own login page, and the front end
  receives the code at its redirect URI and redeems it with its code_verifier. Every browser step attaches a
  screenshot; password fields are masked in them and the password appears in no log.

  @REQ-HUM-01 @REQ-PKCE-01 @browser @requires-human-login
  Scenario: A customer logs in on the login page and the front end redeems the code for an access token
    When the first test customer logs in on the login page
    Then the browser comes back to the front end with an authorization code
    When the front end redeems the code with its code_verifier
    Then the token endpoint answers with a Bearer access token

  @REQ-HUM-02 @browser @requires-human-login
  Scenario: The identity provider returns the front end's state unchanged, URL-reserved characters included
    When the first test customer logs in on the login page with a state that needs URL encoding
    Then the redirect to the front end carries that state exactly as sent

  @REQ-ID-02 @requires-readable-token-claims @browser @requires-human-login
  Scenario: The access token of a browser login names the customer as sub and the front end as client_id
    Given the first test customer has an access token from a browser login
    Then the access token's sub is the customer's id and its client_id is the front end's

  @REQ-ID-03 @browser @requires-human-login
  Scenario: The gateway passes a browser login on to the component as a human identity
    Given the first test customer has an access token from a browser login
    When the front end calls the identity echo route with the customer's access token
    Then the component received a human identity for the customer

  @REQ-ID-04 @browser @requires-human-login
  Scenario: A customer logged in through the browser sees their own records
    Given the first test customer has an access token from a browser login
    When the front end requests the records of the first test customer with the customer's access token
    Then the component serves that customer's records and no other customer's

  @REQ-ID-04 @browser @requires-human-login
  Scenario: A customer logged in through the browser is refused another customer's records
    Given the first test customer has an access token from a browser login
    When the front end requests the records of the second test customer with the customer's access token
    Then the component refuses them without any of that customer's data

  @REQ-ID-05
  Scenario: A client-credentials token on the same route sees every customer's records
    When a system user requests the records of the first and the second test customer with a client-credentials token
    Then both answers serve that customer's records

  @REQ-HUM-03 @REQ-HUM-04 @browser @requires-human-login
  Scenario: A wrong password shows the login error and issues no code
    Wrong passwords are typed for the last test user: an identity provider that locks an account after failed
    logins (per user, besides seed 001's per-IP block) never locks the user the other scenarios log in as.

    When the last test customer submits a wrong password on the login page
    Then the browser is not sent back to the front end with a code
    And the login page shows a login error

  @REQ-PKCE-02 @browser @requires-human-login
  Scenario: A code redeemed with a wrong code_verifier is refused with invalid_grant
    Given the first test customer has logged in through the browser
    When the front end redeems the code with a code_verifier that differs in its last character
    Then the token endpoint refuses the wrong code_verifier with invalid_grant and issues no token

  @REQ-PKCE-02 @browser @requires-human-login
  Scenario: A code redeemed without a code_verifier is refused
    Given the first test customer has logged in through the browser
    When the front end redeems the code without a code_verifier
    Then the token endpoint refuses the missing code_verifier and issues no token

  @REQ-PKCE-03 @browser @requires-human-login
  Scenario: An authorization code cannot be redeemed twice
    Given the first test customer has logged in through the browser
    And the front end has redeemed the code for an access token
    When the front end redeems the same code again
    Then the token endpoint refuses the second redemption with invalid_grant and issues no token

  @REQ-HUM-05 @browser @requires-human-login
  Scenario: A code redeemed with another redirect_uri than its login's is refused with invalid_grant
    Given the first test customer has logged in through the browser
    When the front end redeems the code with a redirect_uri other than the one it logged in with
    Then the token endpoint refuses the other redirect_uri with invalid_grant and issues no token

  @REQ-RL-04 @browser @requires-human-login
  Scenario: Wrong passwords typed on the login page count towards the IP block
    Given a browser with a client IP of its own, from which a client gets a token
    When the last test customer types a wrong password on the login page as often as the target blocks after
    Then a token request from that client IP gets no token
