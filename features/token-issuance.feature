@core @idp
Feature: Token issuance with the client credentials grant
  Seed 001: a system user authenticates with its client id and secret and gets an access token that says how
  long it lives; the client credentials flow issues no refresh token. RFC 6749 §4.4 and §5.1 fix the shape of
  the answer, §3.3 the scope rules, §5.2 the errors. Members a server adds to its answer (Keycloak's
  not-before-policy, refresh_expires_in: 0, session_state) are allowed and never judged. Requests that are
  meant to be refused go out from client IPs of their own, so the IP block of seed 001 never hits the run. Every
  request names the scopes the target profile declares for its client, except the one about a request without
  scope: a server that requires a scope (§3.3 allows that) is judged for it there, once.

  Rule: A successful answer is a JSON object that says what was issued and must not be cached (RFC 6749 §5.1)

    @REQ-TOK-01
    Scenario: A system client with valid credentials obtains an access token
      When the system client requests a token with its client id and secret
      Then the token endpoint issues an access token

    @REQ-TOK-02
    Scenario: The token response is a JSON object with access_token and token_type
      When the system client requests a token with its client id and secret
      Then the token response is a JSON object with a non-empty access_token and a token_type, numbers as JSON numbers

    @REQ-TOK-03
    Scenario: The token type is Bearer, in any letter case
      When the system client requests a token with its client id and secret
      Then the token_type is "Bearer", compared case-insensitively

    @REQ-TOK-04
    Scenario: The token response states how long the token lives
      When the system client requests a token with its client id and secret
      Then expires_in states the token lifetime as a positive whole number of seconds

    @REQ-TOK-05
    Scenario: The token response must not be stored by caches
      When the system client requests a token with its client id and secret
      Then the response has header "Cache-Control" with the directive "no-store"

    @REQ-TOK-06
    Scenario: The token response tells HTTP/1.0 caches not to cache it either
      When the system client requests a token with its client id and secret
      Then the response has header "Pragma" with the directive "no-cache"

    @REQ-TOK-07
    Scenario: The client credentials grant issues no refresh token
      RFC 6749 §4.4.3 says SHOULD NOT: a warning. A target that claims to follow seed 001 here is judged by the next
      scenario instead, so that one refresh token is one finding.
      When the system client requests a token with its client id and secret
      Then the token response carries no refresh token

    @REQ-TOK-22
    Scenario: A target that follows the guide issues no refresh token with the client credentials grant
      Seed 001: "the Client Credentials flow does not support refresh tokens"; a client renews with its id and secret.
      When the system client requests a token with its client id and secret
      Then the token response carries no refresh token

    @REQ-TOK-18
    Scenario: The token endpoint is reached over TLS
      Then the token endpoint is an https URL, or a loopback address

  Rule: The server grants at most what the client may have, and says so when it grants other than asked (RFC 6749 §3.3)

    @REQ-TOK-08
    Scenario: A token for one of the client's scopes names its scope when it grants another one
      When the system client requests a token for the first of its scopes
      Then the granted scope is the requested one, or the response states the scope it granted

    @REQ-TOK-12 @REQ-TOK-09 @REQ-TOK-17
    Scenario Outline: A scope the client may not have is refused, or left out of what is granted (<case>)
      When <client> requests a token for one of its scopes and <extra scope>
      Then the token endpoint refuses with invalid_scope, or issues a token whose stated scope leaves that scope out

      Examples:
        | case                   | client                | extra scope                       |
        | unknown scope          | the system client     | a scope the target does not know  |
        | another client's scope | the read-only client  | a scope the target must refuse it |

    @REQ-TOK-19 @REQ-TOK-09 @REQ-TOK-17
    Scenario: A token request without scope gets a default scope, or is refused with invalid_scope
      When the system client requests a token without a scope
      Then the token endpoint issues a token for its default scope, or refuses with "invalid_scope"

    @REQ-TOK-12
    Scenario: A request without scope is not granted by default a scope the client may not have
      When the read-only client requests a token without a scope
      Then no scope the target must refuse the read-only client is granted by default

    @REQ-TOK-12 @REQ-TOK-09 @REQ-TOK-17
    Scenario: A request for only a scope the target does not know is refused, or granted without it
      When the system client requests a token for only a scope the target does not know
      Then the token endpoint refuses with invalid_scope, or issues a token whose stated scope leaves that scope out

    @REQ-TOK-16
    Scenario: The scope the token response states is the scope inside the token
      When the system client requests a token for the first of its scopes
      Then the scope the response states is the scope claim of the access token

  Rule: Refusals name their reason with a §5.2 error code in a JSON object

    @REQ-TOK-10 @REQ-TOK-09 @REQ-TOK-17
    Scenario: A request without grant_type is refused with invalid_request
      When the system client requests a token without a grant_type
      Then the token endpoint refuses with "invalid_request" and issues no token

    @REQ-TOK-11 @REQ-TOK-09 @REQ-TOK-17
    Scenario Outline: An unknown grant type is refused with unsupported_grant_type (<grant type>)
      When the system client requests a token with grant_type "<grant type>"
      Then the token endpoint refuses with "unsupported_grant_type" and issues no token

      Examples:
        | grant type                      |
        | urn:auth-ctk:test:unknown-grant |
        | client-credentials              |

    @REQ-TOK-15 @REQ-TOK-09 @REQ-TOK-17
    Scenario: A client that is not allowed the client credentials grant is refused with unauthorized_client
      When the client without the client credentials grant requests a client credentials token
      Then the token endpoint refuses with "unauthorized_client" and issues no token

    @REQ-TOK-20 @REQ-TOK-09 @REQ-TOK-17
    Scenario: A client with only the client credentials grant is refused the password grant
      When the system client requests a token with the password grant for a test user
      Then the token endpoint refuses with "unauthorized_client" and issues no token

  Rule: Requests that break the protocol's form get no token, never a server error, never a hang

    @REQ-TOK-13
    Scenario Outline: No token for <request>
      When the system client sends <request>
      Then the token endpoint issues no token

      Examples:
        | request                                               |
        | a GET request with its parameters in the query string |
        | a POST request with its credentials in the query string |

    @REQ-TOK-14
    Scenario Outline: A token request with <body> gets a 4xx or a token, never a 5xx or a hang
      When the system client posts <body> to the token endpoint
      Then the token endpoint answers without a server error and within the request timeout

      Examples:
        | body                          |
        | a JSON body instead of a form |
        | a form padded to 1 MiB        |

    @REQ-TOK-21
    Scenario: The token request exactly as the guide shows it gets a token or a clean refusal
      The guide's sample is curl --form 'grant_type="client_credentials"' with HTTP Basic: multipart/form-data (curl
      strips the quotes). RFC 6749 §3.2 asks for a form-urlencoded body, so a refusal is right; a token is lenient.
      When the system client sends the token request exactly as the guide's curl sample does
      Then the token endpoint issues a token or refuses with a JSON error, never a server error or a hang
