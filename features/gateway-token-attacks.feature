@gateway @jwt
Feature: The gateway withstands attacks through a token's header and size
  Published gateway holes do not forge the signature; they make the gateway pick the wrong key or choke on the token.
  A token names where to fetch its key (jku, x5u), or its kid is a path or a piece of SQL for a key lookup; it marks
  an extension as critical that the gateway cannot know; or it is simply larger than the gateway's proxy takes in a
  header. RFC 9068 §4 lets a resource server verify only with the keys its authorization server provides, RFC 7515
  §4.1.11 makes a JWS with a critical extension the recipient does not understand invalid, and RFC 9110 §15.6 leaves
  no room for a 5xx when the client's input is bad. Each attack is presented next to a valid token the gateway serves
  (the positive control), so a gateway that refuses everything passes none of them.

  Rule: The gateway never takes its key from the token, and a kid is only a name (RFC 9068 §4, RFC 8725 §3.10)

    @REQ-BEARER-04 @REQ-BEARER-05 @REQ-BEARER-20 @REQ-BEARER-12 @requires-jwt-access-tokens
    Scenario Outline: The gateway refuses a token <attack>
      Given a token with the claims of the system client's access token, <attack>
      When the caller calls the protected route with that token
      Then the gateway refuses the token with 401 and error "invalid_token"

      Examples:
        | attack                                                                                    |
        | signed with a key of the kit's that a JWK Set URL in its header offers (jku)              |
        | signed with a key of the kit's whose self-signed certificate an X.509 URL in its header offers (x5u) |
        | signed with HS256 and an empty secret, under a kid that climbs to /dev/null               |
        | signed with HS256 and a secret of its own, under a kid that smuggles SQL into a key lookup |

  Rule: A correctly signed token is refused for what its header or its iat says (RFC 7515 §4.1.11, RFC 9068 §4, RFC 7519 §4.1.6)

    # Each is presented after the signer's plain token was served: a gateway that does not trust the signer would
    # refuse these for their key alone.
    @REQ-BEARER-17 @REQ-BEARER-05 @REQ-BEARER-20 @requires-test-token-signer @requires-jwt-access-tokens
    Scenario: The gateway refuses a correctly signed token whose crit names an extension it does not understand
      Given a token the trusted test signer made from the claims of the system client's access token, whose crit header lists an extension no gateway understands
      When the caller calls the protected route with that token
      Then the gateway refuses the token it cannot fully understand with 401 and error "invalid_token"

    # An ID token with typ "JWT" is access-token-format.feature's row (REQ-BEARER-04, MUST); one without typ at all
    # is read both ways from RFC 9068 §4's wording, so its refusal is a SHOULD here.
    @REQ-BEARER-18 @requires-test-token-signer @requires-jwt-access-tokens @requires-rfc9068-access-tokens
    Scenario: The gateway refuses a correctly signed token that does not say it is an access token
      Given a token the trusted test signer made from the claims of the system client's access token, without a typ header
      When the caller calls the protected route with that token
      Then the gateway refuses the token that does not say it is an access token

    # RFC 7519 §4.1.6 defines iat but no clause obliges a resource server to refuse one in the future: issue 20 asks
    # for it, so a gateway that serves this token is warned (SHOULD). Any 4xx refuses it; a 5xx is REQ-BEARER-12's.
    @REQ-BEARER-19 @requires-test-token-signer @requires-jwt-access-tokens
    Scenario: The gateway refuses a correctly signed token issued an hour in the future
      Given a token the trusted test signer made from the claims of the system client's access token, issued an hour in the future
      When the caller calls the protected route with that token
      Then the gateway refuses the token issued in the future with a 4xx

  Rule: An oversized token is refused with a 4xx, whatever status the gateway picks for it (RFC 9110 §15.6, §5.4)

    # 401, 400 and 431 (RFC 6585 §5) all refuse it: REQ-BEARER-05's 401 invalid_token, and REQ-BEARER-20's challenge,
    # are not asked of a header the gateway's proxy may not take in at all.
    @REQ-BEARER-04 @REQ-BEARER-12
    Scenario Outline: The gateway refuses a forged token of <size> KiB without a server error
      Given a forged token of <size> KiB for the system client
      When the caller calls the protected route with that token
      Then the gateway refuses it with a 4xx, neither a 5xx nor no answer

      Examples:
        | size |
        | 16   |
        | 64   |

    # Under the 16 KiB many servers take in, so the token reaches the validator: a kid of over 8 KiB is what the gateway
    # looks up, caches and logs.
    @REQ-BEARER-04 @REQ-BEARER-12
    Scenario: The gateway refuses a forged token whose kid is kilobytes long without a server error
      Given a forged token of 12 KiB for the system client, most of it a kid in its header
      When the caller calls the protected route with that token
      Then the gateway refuses it with a 4xx, neither a 5xx nor no answer
