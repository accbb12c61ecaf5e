@core
Feature: Token lifetime and expiry
  Seed 004 asks for a stated time to live for tokens that the system can alter; seed 001 tells integrators to
  watch expires_in and to get a new token when an API answers 401 with error="invalid_token". So the lifetime
  the token response states is the lifetime the token has, each client can have its own, and once a token has
  expired the gateway refuses it. The expiry checks use the short-TTL client and wait exactly until the token's
  own exp plus the gateway's clock leeway plus one second has passed — never longer, never a blind sleep. The
  expired token is one the gateway has already served before its exp: a gateway that caches its decision per token
  (an authorizer result cache, 300 s by default on AWS API Gateway) would otherwise never be seen admitting it after.

  Rule: The lifetime the IdP states is the lifetime the token has

    @REQ-TTL-01
    Scenario: expires_in is the lifetime the token itself carries
      When the system client requests a token with its client id and secret
      Then expires_in equals the token's exp minus the time of the token response, within 2 seconds

    @REQ-TTL-02
    Scenario: iat is the time the token was issued
      When the system client requests a token with its client id and secret
      Then the token's iat is within 5 seconds of the Date of the token response

    @REQ-TTL-03
    Scenario: The short-TTL client's tokens live the TTL the target declares for it
      When the short-TTL client requests a token with its client id and secret
      Then the token lives the TTL the target declares for the short-TTL client

    # A lifetime the profile declares for the ordinary clients is a claim too: a realm default changed, or a per-client
    # override lost, gives every token of theirs another lifetime while expires_in and exp still agree (REQ-TTL-01).
    @REQ-TTL-03
    Scenario Outline: <client>'s tokens live the TTL the target declares for it, where it declares one
      When <client> requests a token with its client id and secret
      Then the token lives the TTL the target declares for <client>

      Examples:
        | client               |
        | the system client    |
        | the read-only client |

  Rule: A token opens the API until it expires, and never after (RFC 7519 §4.1.4, RFC 9068 §4, RFC 6750 §3.1)

    @REQ-BEARER-01
    Scenario: A short-lived token is accepted before it expires
      Given the short-TTL client has been issued a fresh access token
      When the caller calls the protected route with that token before it expires
      Then the gateway lets the request through to the protected resource

    @REQ-BEARER-04 @REQ-BEARER-05 @REQ-BEARER-20 @timing-sensitive
    Scenario: A short-lived token the gateway served is refused with 401 invalid_token once it has expired
      The request before exp is the refusal's positive control: not served, the refusal is not judged.
      Given the short-TTL client has been issued a fresh access token
      And the caller has called the protected route with that token before it expired
      When its exp and the gateway's clock leeway have passed
      And the caller calls the protected route with that token
      Then the gateway refuses the token with 401 and error "invalid_token"
