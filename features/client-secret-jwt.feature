@core @idp @requires-client-secret-jwt
Feature: Client authentication with JWTs MACed with the client secret (client_secret_jwt)
  OpenID Connect Core §9 and RFC 7523 §2.2: a client authenticates at the token endpoint with a JWT it MACs (HS256)
  using its own client secret as the key; the secret itself never travels (Keycloak: Credentials -> Client
  Authenticator "Signed JWT with Client Secret"; Auth0 and Okta: "Client Secret JWT"). It is a shared-secret method like
  client_secret_basic, so it is judged in the core profile, and only for a target whose profile names such a client
  (clients.secretJwt). Every faulty assertion follows a correct one that got a token, so a refusal is about the one
  defect; RFC 7523 §3.2 makes every refusal invalid_client. Faulty assertions go out from client IPs of their own.

  Rule: A correctly MACed assertion authenticates the client (RFC 7523 §3)

    @REQ-CSJWT-01
    Scenario: A client assertion MACed with the client's secret obtains an access token
      iss and sub are the client_id, aud the token endpoint (else the issuer), exp a minute ahead, jti fresh.
      When the client_secret_jwt client requests a token with a correctly signed client assertion
      Then the token endpoint authenticates the client by its assertion and issues an access token

  Rule: An assertion the server must not trust is refused with invalid_client (RFC 7523 §3 items 3, 4, 9; §3.2)

    @REQ-CSJWT-08
    Scenario Outline: A client_secret_jwt assertion with <defect> is refused
      When the client_secret_jwt client requests a token with a client assertion that has <defect>
      Then the token endpoint refuses the assertion with invalid_client and issues no token

      @REQ-CSJWT-02
      Examples: aud (RFC 7523 §3 item 3)
        | defect                       |
        | an aud naming another server |

      @REQ-CSJWT-03
      Examples: exp (RFC 7523 §3 item 4)
        | defect                 |
        | an exp that has passed |

      @REQ-CSJWT-06
      Examples: the MAC (RFC 7523 §3 item 9)
        | defect                          |
        | a MAC keyed with another secret |

      @REQ-CSJWT-07
      Examples: no MAC at all (RFC 7523 §3 item 9)
        | defect                      |
        | alg "none" and no signature |

  Rule: An assertion carries a jti and is used once (OpenID Connect Core §9; RFC 7523 §3 item 7 leaves it to the server: warnings)

    @REQ-CSJWT-04 @REQ-CSJWT-08
    Scenario: A client_secret_jwt assertion without a jti is refused
      OpenID Connect Core §9 makes jti REQUIRED of the client; RFC 7523 §3 item 7 makes it a MAY. A token is a warning.
      When the client_secret_jwt client requests a token with a client assertion that has no jti
      Then the token endpoint refuses the assertion with invalid_client and issues no token

    @REQ-CSJWT-05 @REQ-CSJWT-08
    Scenario: A client_secret_jwt assertion sent a second time is refused
      RFC 7523 lets the server remember used jti values (MAY); OpenID Connect Core §9 says the assertion is used only
      once. A second token for the same assertion is a warning, never a failure.
      When the client_secret_jwt client sends the client assertion that just got it a token a second time
      Then the token endpoint refuses the assertion with invalid_client and issues no token
