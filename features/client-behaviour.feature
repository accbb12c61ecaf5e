@client
Feature: Client behaviour: how an integration handles its tokens
  Seed 001 tells integrations how to handle client-credentials tokens: fetch one with the client id and
  secret, renew it when 80-90% of its lifetime has elapsed (and send the new one from then on), request a
  new one at once on a 401 with error="invalid_token" but not on other errors, and respect the rate limits. Seed 002 adds that the app
  keeps working on its default caches while the identity service is down. Here the kit plays the identity
  provider and the API on loopback for a client under test (the command given to `auth-ctk client`),
  records every request it makes and every result it reports, and judges what it sees.

  @REQ-CLI-01
  Scenario: The client makes the calls it is asked for, reports each one, and exits
    When the client is asked to make 5 calls with tokens that live 60 seconds
    Then it reports one result line for each of the 5 calls and exits with code 0

  @REQ-CLI-01
  Scenario: The client stops when the harness sends SIGTERM
    When the client is asked to call until stopped, and is sent SIGTERM after 3 results
    Then it exits within the 3 second grace period

  @REQ-CLI-02
  Scenario: The first token is fetched before the first API call
    When the client is asked to make 5 calls with tokens that live 60 seconds
    Then its first API call comes after it obtained a token, and every API call carries an issued token

  @REQ-CLI-03
  Scenario: Tokens are requested with a POST and a form body carrying grant_type client_credentials
    When the client is asked to make 5 calls with tokens that live 60 seconds
    Then every token request is a POST with a form-urlencoded body and grant_type "client_credentials"

  @REQ-CLI-04
  Scenario: The client authenticates at the token endpoint one way only
    When the client is asked to make 5 calls with tokens that live 60 seconds
    Then every token request authenticates the client with HTTP Basic or in the body, one way only, never in the URI

  @REQ-CLI-05
  Scenario: The client secret goes to the token endpoint only
    When the client is asked to make 5 calls with tokens that live 60 seconds
    Then the client secret appears in no request to the API

  @REQ-CLI-06
  Scenario: The access token does not follow a redirect to another host
    When the API answers the client's 2nd call with a redirect to another host
    Then no request to the other host carries an access token

  @REQ-CLI-07
  Scenario: The token is renewed before it expires, and the new token is used
    When the client keeps calling with tokens that live 5 seconds
    Then it requests a new token before the first one expires, and its calls carry the new token once it has it

  @REQ-CLI-08
  Scenario: Renewal starts when 80 to 90 percent of the token lifetime has elapsed
    When the client keeps calling with tokens that live 5 seconds
    Then its renewal request arrives when 80 to 90 percent of the 5 second lifetime has elapsed

  @REQ-CLI-09
  Scenario: A 401 with error "invalid_token" makes the client fetch one new token at once
    When the API answers the client's 2nd call with 401 and WWW-Authenticate error "invalid_token"
    Then the client requests exactly one new token before its next API call, and uses it

  @REQ-CLI-09
  Scenario: An API that refuses every token does not put the client into a re-authentication loop
    When the API answers every call with 401 and WWW-Authenticate error "invalid_token"
    Then the client re-authenticates at most once and retries at most once per call

  @REQ-CLI-10
  Scenario: The call refused with 401 "invalid_token" is retried with the new token
    When the API answers the client's 2nd call with 401 and WWW-Authenticate error "invalid_token"
    Then the refused call is sent again with the new token and the application sees status 200

  @REQ-CLI-11
  Scenario Outline: A <status> "<error>" does not start a re-authentication or retry loop
    When the API answers the client's calls from the 2nd on with <status> and WWW-Authenticate error "<error>"
    Then the client fetches at most one new token and retries at most once per refused call

    Examples:
      | status | error              |
      | 403    | insufficient_scope |
      | 400    | invalid_request    |

  @REQ-CLI-12
  Scenario Outline: A <status> "<error>" does not make the client fetch a new token
    When the API answers the client's calls from the 2nd on with <status> and WWW-Authenticate error "<error>"
    Then the client requests no new token because of the <status>

    Examples:
      | status | error              |
      | 403    | insufficient_scope |
      | 400    | invalid_request    |

  @REQ-CLI-13
  Scenario Outline: After a 429 with Retry-After from the <server>, the client waits before asking it again
    When the <server> answers a request with 429 and Retry-After: 2
    Then the client sends nothing more to the <server> for 2 seconds

    Examples:
      | server         |
      | token endpoint |
      | API            |

  @REQ-CLI-14
  Scenario: While the identity provider is down, calls are served from the cache
    When the identity provider goes down for 4 seconds right after issuing a token that lives 2 seconds
    Then every call the client reports while the identity provider is down was served, from the API or from its cache

  @REQ-CLI-15
  Scenario: When the identity provider is back, the client gets a new token and calls the API again
    When the identity provider goes down for 4 seconds right after issuing a token that lives 2 seconds
    Then within 8 seconds of its return the client has a new token and the API answered its call with 200

  @REQ-CLI-16
  Scenario: A 401 without error details does not start a re-authentication loop
    When the API answers the client's calls from the 2nd on with 401 and a WWW-Authenticate challenge without an error
    Then the client fetches at most one new token and retries at most once per call refused without error details

  @REQ-CLI-17
  Scenario: While its IP is blocked, the client does not reconnect in a loop
    When the identity provider and the API reset every connection for 3 seconds, with tokens that live 2 seconds
    Then the client makes no more connection attempts to either of them than one try and two retries per call it reports, unless it backs off

  @REQ-CLI-18
  Scenario: While its IP is blocked, the client backs off
    When the identity provider and the API reset every connection for 3 seconds, with tokens that live 2 seconds
    Then the client makes at most 2 connection attempts a second to each of them

  @REQ-CLI-19
  Scenario: After invalid_client the client stops sending the rejected secret
    When the client's secret is rotated after its first token, which lives 2 seconds, and the token endpoint answers invalid_client
    Then the client makes at most 1 token request a second in the 4 seconds after the first invalid_client

  @REQ-CLI-20
  Scenario: While the API is down, calls are served from the cache
    When the API goes down for 4 seconds after answering the client
    Then every call the client reports while the API is down was served from its cache

  @REQ-CLI-21
  Scenario: When the API is back, the client calls it again
    When the API goes down for 4 seconds after answering the client
    Then within 8 seconds of the API's return the application sees status 200 from the API again
