@core @idp
Feature: Token endpoint hygiene
  What a token endpoint must not let slip besides the shape of its answers: a request that repeats a parameter,
  the client's secret repeated back in an answer, an error answer that a cache may keep, an error description
  with characters §5.2 forbids, two tokens under one jti. And the one token seed 003's rule cannot place: a
  token without client_id is no system user. Where no clause binds the server (a repeated parameter, the secret
  in an error, no-store on an error) a miss is a warning, and the requirement's note says what the expectation
  rests on. Requests that are meant to be refused go out from client IPs of their own, so the IP block of seed
  001 never hits the run.

  Rule: A request that repeats a parameter is refused with invalid_request (RFC 6749 §3.2, §5.2)

    @REQ-TOK-23 @REQ-TOK-09
    Scenario Outline: A token request that carries <parameter> twice is refused with invalid_request
      The same request without the repetition must get a token first, so a refusal is about the repetition. The
      code of the parameter's own malformed value (unsupported_grant_type, invalid_scope, invalid_client) is
      accepted too: a server that reads the two values as one malformed value refuses rightly.
      When the system client requests a token with the parameter "<parameter>" sent twice
      Then the token endpoint refuses the repeated parameter with invalid_request

      Examples:
        | parameter  |
        | grant_type |
        | scope      |

      @requires-client-secret-post
      Examples: Credentials in the form body
        | parameter |
        | client_id |

  Rule: The client secret a request carried is never repeated back

    @REQ-TOK-24
    Scenario Outline: The answer to <case> does not repeat the client secret
      When <request>
      Then the token endpoint's answer does not repeat the client secret the request carried

      Examples:
        | case                                  | request                                                                                      |
        | a wrong secret sent with HTTP Basic   | the system client requests a token with HTTP Basic authentication and a wrong secret         |
        | a request without grant_type          | the system client requests a token without a grant_type                                      |

      @requires-client-secret-post
      Examples: Credentials in the form body
        | case                                  | request                                                                                      |
        | a wrong secret in the form body       | the system client requests a token with its credentials in the form body and a wrong secret |

  Rule: Error answers tell caches not to store them too (RFC 6749 §5.2's example; a warning, no clause requires it)

    @REQ-TOK-25
    Scenario Outline: The refusal of <case> carries Cache-Control: no-store
      When <request>
      Then the error answer tells caches not to store it

      Examples:
        | case                                  | request                                                                                      |
        | a wrong secret sent with HTTP Basic   | the system client requests a token with HTTP Basic authentication and a wrong secret         |
        | a request without grant_type          | the system client requests a token without a grant_type                                      |

  Rule: Error descriptions and error URIs use only the characters RFC 6749 §5.2 allows

    @REQ-TOK-27
    Scenario: The refusals of four kinds of bad request describe their errors without a line break, a double quote or a non-ASCII character
      A server writes its error descriptions in one place, so the four answers are judged together: a description
      with CR LF in every refusal is one finding. error_description and error_uri are OPTIONAL: an answer without
      them passes. The unknown scope may be granted without it (RFC 6749 §3.3); a token is no error to judge.
      When the system client sends four requests the token endpoint refuses: a wrong secret, no grant_type, an unknown grant_type and only an unknown scope
      Then no error_description or error_uri of the error answers holds a character outside the set RFC 6749 §5.2 allows

  Rule: Every access token has a jti of its own (RFC 9068 §2.2, RFC 7519 §4.1.7)

    @REQ-TOK-26
    Scenario: Two tokens issued to the same client one right after the other carry different jti values
      Where the client has more than one scope the second request asks for its first scope only, so the two
      tokens are different even when they are issued in the same second.
      When the system client obtains two access tokens, one right after the other
      Then the two access tokens carry different jti values

  Rule: A token without client_id is no system user at the gateway (seed 003: only client_id == sub is the system)

    @gateway @REQ-ID-13 @requires-test-token-signer @requires-jwt-access-tokens
    Scenario: A token whose sub is the system client's id but that has no client_id is not passed on as the system
      The same token with client_id must arrive at the component as the system first, so the echo can tell.
      Given the trusted test signer's token with the system client's claims, and the same token without client_id
      When the identity echo is called with each of the two tokens
      Then the token without client_id is refused, or passed on as no system user

    @gateway @REQ-ID-14 @requires-test-token-signer @requires-jwt-access-tokens
    Scenario: A token whose sub is the system client's id but that has no client_id gets no customer's data
      The same token with client_id must be served the first test customer's records first (a system token "darf alles").
      Given the trusted test signer's token with the system client's claims, and the same token without client_id
      When the first test customer's data is requested with each of the two tokens
      Then the token without client_id is refused the first test customer's data
