@core @jwt
Feature: Access tokens are RFC 9068 JWTs, and the gateway trusts only the genuine ones
  Seed 003: APIs read the access token itself — client_id equal to sub marks a system user. So the token is a
  JWT in the shape RFC 9068 fixes: typed at+jwt, signed with a key the issuer publishes at its jwks_uri, with
  iss, exp, aud, sub, client_id, iat and jti. The gateway validates each token the way RFC 9068 §4 and RFC 8725
  tell a resource server to, so a token that is unsigned, signed with the wrong key or the wrong algorithm, or
  correctly signed but for another issuer or audience, outside its validity, or of another type, never gets
  through. Extra claims (Auth0's azp and gty, Keycloak's realm_access) are allowed and not judged.

  Rule: The access token the IdP issues is an RFC 9068 JWT

    @REQ-JWT-01
    Scenario: The access token is a signed JWT
      Given the system client has been issued an access token
      Then the access token is a JWS in compact serialization with a JSON header and claims set

    @REQ-JWT-02
    Scenario: The access token declares itself an RFC 9068 access token
      Given the system client has been issued an access token
      Then the access token's typ header is "at+jwt"

    @REQ-JWT-03
    Scenario Outline: The access token carries the claim <claim>
      Given the system client has been issued an access token
      Then the access token carries the claim "<claim>"

      Examples:
        | claim     |
        | iss       |
        | exp       |
        | aud       |
        | sub       |
        | client_id |
        | iat       |
        | jti       |

    @REQ-JWT-04
    Scenario: The access token is not an unsecured JWT
      Given the system client has been issued an access token
      Then the access token's alg is not "none"

    @REQ-JWT-05
    Scenario: The access token is signed with an asymmetric algorithm
      Given the system client has been issued an access token
      Then the access token is signed with an asymmetric algorithm

    @REQ-JWT-06
    Scenario: The access token names its issuer exactly
      Given the system client has been issued an access token
      Then the access token's iss is the issuer identifier of the target

    @REQ-JWT-07
    Scenario: The signature verifies with a key the issuer publishes
      Given the system client has been issued an access token
      Then the access token's signature verifies with the key its kid names in the issuer's JWK Set

    @REQ-JWT-08
    Scenario: The access token is meant for the API behind the gateway
      Given the system client has been issued an access token
      Then the access token's aud contains the API audience

    @REQ-JWT-12
    Scenario: The access token names the client that requested it
      Given the system client has been issued an access token
      Then the access token's client_id is the id of the client that requested it

    @REQ-ID-01
    Scenario: A client credentials token has sub equal to client_id (seed 003)
      Given the system client has been issued an access token
      Then the access token's sub equals its client_id, the id of the client

    @REQ-JWT-09
    Scenario: A token issued for a requested scope carries a scope claim
      When the system client requests a token for the first of its scopes
      Then the access token carries a scope claim

  Rule: The gateway refuses tokens that are not genuine (RFC 9068 §4, RFC 8725 §2.1, §3.1)

    @REQ-BEARER-04 @REQ-BEARER-05 @REQ-BEARER-20 @REQ-BEARER-12 @requires-jwt-access-tokens
    Scenario Outline: The gateway refuses a copy of a valid token <forgery>
      Given a copy of the system client's access token <forgery>
      When the caller calls the protected route with that token
      Then the gateway refuses the token with 401 and error "invalid_token"

      Examples:
        | forgery                                                                  |
        | unsigned, with alg "none"                                                |
        | signed with HS256, using the issuer's public key as the HMAC secret     |
        | signed with a key pair the issuer never published, under the issuer's kid |
        | signed with a key pair the issuer never published, under a kid of its own |
        | unsigned, with alg "None"                                                |
        | unsigned, with alg "NONE"                                                |
        | signed with a key pair of its own whose public key the header carries (jwk) |

  Rule: The gateway refuses genuinely signed tokens that are not valid for it (RFC 9068 §4, RFC 7519 §4.1)

    @REQ-BEARER-01 @requires-test-token-signer @requires-jwt-access-tokens
    Scenario: The gateway accepts a token of the trusted signer that carries a valid token's claims
      Given a token from the trusted test signer with the claims of the system client's access token
      When the caller calls the protected route with that token
      Then the gateway lets the request through to the protected resource

    @REQ-BEARER-04 @REQ-BEARER-05 @REQ-BEARER-20 @requires-test-token-signer @requires-jwt-access-tokens
    Scenario Outline: The gateway refuses a correctly signed token <defect>
      Given a token from the trusted test signer with the claims of the system client's access token, but <defect>
      When the caller calls the protected route with that token
      Then the gateway refuses the token with 401 and error "invalid_token"

      Examples:
        | defect                                                     |
        | issued by another issuer                                   |
        | meant for another audience                                 |
        | expired longer ago than the gateway's clock leeway         |
        | not valid before a time beyond the gateway's clock leeway  |
        # RFC 9068 §4, and for plain JWTs RFC 8725 §3.9: where the issuer issues tokens for more than one audience
        # (the profile's gateway.audience says so), a token whose aud is "not present" MUST be rejected.
        | without an aud claim                                       |

      # typ at+jwt and a required exp and iss are RFC 9068's (§2.1, §2.2, §4); RFC 7519 §4.1 makes them optional, and
      # compares iss only where present. A gateway of plain JWTs whose IdP issues typ "JWT" is right to accept these.
      # iss MUST exactly match the issuer (RFC 9068 §4, RFC 8414 §3.3): one trailing slash more is no match.
      @requires-rfc9068-access-tokens
      Examples: RFC 9068 access tokens
        | defect                                                             |
        | with typ "JWT" instead of "at+jwt"                                 |
        | without an exp claim                                               |
        | without an iss claim                                               |
        | with an iss that differs from the issuer only by a trailing slash |

    # What a real IdP offers instead of a test signer: a second issuer (another realm, another tenant) and a client
    # whose tokens are for another API. Their tokens are genuine, and still not valid at this gateway. The kit reads
    # the token's iss / aud to know it is what the profile says: from a JWT, or for an opaque token through the
    # target's introspection (aud) and the profile (foreignIssuer.issuer), so opaque-token targets are judged too.
    @REQ-BEARER-04 @REQ-BEARER-05 @REQ-BEARER-20 @requires-foreign-issuer
    Scenario: The gateway refuses a genuine token of another issuer
      Given a genuine access token that another issuer issued to its client
      When the caller calls the protected route with that token
      Then the gateway refuses the token with 401 and error "invalid_token"

    @REQ-BEARER-04 @REQ-BEARER-05 @REQ-BEARER-20 @requires-other-audience-client
    Scenario: The gateway refuses a genuine token issued for another audience
      Given a genuine access token the IdP issued to a client for another API
      When the caller calls the protected route with that token
      Then the gateway refuses the token with 401 and error "invalid_token"
