@core @idp
Feature: Client authentication at the token endpoint
  RFC 6749 §2.3.1: the authorization server MUST support HTTP Basic for clients that have a password; seed 001
  documents the credentials in the form body too. A wrong, unknown or missing credential gets invalid_client and
  never a token (§5.2); when the client used the Authorization header the refusal is a 401 with a challenge for
  the scheme it used. Refused attempts go out from client IPs of their own (127.0.0.x), so the IP block of seed
  001 never locks the rest of the run out.

  Rule: A client authenticates with HTTP Basic, or with its credentials in the form body

    @REQ-CAUTH-01
    Scenario: Credentials in an HTTP Basic Authorization header are accepted
      When the system client requests a token with HTTP Basic authentication
      Then the token endpoint issues an access token

    @REQ-CAUTH-02
    Scenario: Credentials in the form body are accepted
      When the system client requests a token with its credentials in the form body
      Then the token endpoint issues an access token

    @REQ-CAUTH-10 @rotation-client
    Scenario: Basic credentials with characters that form-urlencoding changes are decoded by the server
      Given the system client can obtain a token with HTTP Basic authentication
      And a client whose secret contains characters that form-urlencoding changes
      When that client requests a token with HTTP Basic authentication, its id and secret form-urlencoded
      Then the token endpoint decodes the credentials and issues an access token

  Rule: A credential that does not authenticate the client gets invalid_client and no token

    @REQ-CAUTH-03 @REQ-TOK-09
    Scenario: A wrong secret sent with HTTP Basic is refused with 401 and a Basic challenge
      When the system client requests a token with HTTP Basic authentication and a wrong secret
      Then the token endpoint refuses with "invalid_client" and issues no token
      And the refusal is a 401 with a WWW-Authenticate challenge for Basic

    @REQ-CAUTH-05 @REQ-TOK-09
    Scenario: An unknown client id sent with HTTP Basic is refused with 401 and a Basic challenge
      When an unknown client requests a token with HTTP Basic authentication
      Then the token endpoint refuses with "invalid_client" and issues no token
      And the refusal is a 401 with a WWW-Authenticate challenge for Basic

    @REQ-CAUTH-04 @REQ-TOK-09 @REQ-CAUTH-09
    Scenario Outline: <case> in the form body is refused with invalid_client
      When <request>
      Then the token endpoint refuses with "invalid_client" and issues no token

      Examples:
        | case                 | request                                                                              |
        | A wrong secret       | the system client requests a token with its credentials in the form body and a wrong secret |
        | An unknown client id | an unknown client requests a token with its credentials in the form body             |

    @REQ-CAUTH-07 @REQ-CAUTH-08 @REQ-TOK-09 @REQ-CAUTH-09
    Scenario: A request without client authentication gets no token
      When the system client requests a token with no client authentication
      Then the token endpoint issues no token to the unauthenticated request, and names the error invalid_client

    # RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if they were omitted from the request". A
    # confidential client's id with no or an empty secret is no client authentication (§3.2.1); a server that checks
    # the secret only when one is sent gives anyone who knows the client id that client's tokens. invalid_request is
    # as right as invalid_client here: client_secret is REQUIRED with the client id (§2.3.1, §5.2).
    @REQ-CAUTH-07 @REQ-CAUTH-08 @REQ-TOK-09 @REQ-CAUTH-09
    Scenario Outline: <case> of a confidential client is no client authentication and gets no token
      When the system client requests a token with <credentials>
      Then the token endpoint issues no token to the client id without its secret, and names the error invalid_client or invalid_request

      Examples:
        | case                                 | credentials                                               |
        | The client id without client_secret  | its client id alone in the form body                      |
        | The client id with client_secret=    | its client id and an empty client_secret in the form body |
        | HTTP Basic with an empty password    | HTTP Basic with its client id and an empty password       |

  Rule: A client uses one authentication method per request (RFC 6749 §2.3)

    @REQ-CAUTH-06
    Scenario: Credentials sent both with HTTP Basic and in the form body are refused with invalid_request
      When the system client requests a token with credentials both in HTTP Basic and in the form body
      Then the token endpoint refuses the request that uses two authentication methods with invalid_request

  # RFC 6749 §4.4.2: "The authorization server MUST authenticate the client". A token endpoint that checks the Basic
  # secret and then takes the client_id of the form body as the client lets one client's secret buy any client's
  # tokens. A client_id without a secret is no second authentication method (§2.3): a refusal (400 invalid_request,
  # 401 invalid_client) and a token of the system client are both fine; a token that names the read-only client is not.
  Rule: A token goes to the client that authenticated (RFC 6749 §3.2.1, §4.4.2)

    @REQ-CAUTH-12
    Scenario: HTTP Basic credentials of one client with another client's id in the form body get no token of the other client
      When the system client requests a token with HTTP Basic authentication and the read-only client's id in the form body
      Then the token endpoint issues no token of the read-only client, which did not authenticate
