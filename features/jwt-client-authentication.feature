@asymmetric-client-auth @idp @requires-private-key-jwt
Feature: Asymmetric client authentication with signed JWTs (private_key_jwt)
  RFC 7523 §2.2 and OpenID Connect Core §9: a client authenticates at the token endpoint with a JWT it signed with
  its own private key; the authorization server holds only the public key the client registered (Keycloak: Credentials
  -> Client Authenticator "Signed JWT"; Auth0: Credentials -> Authentication Method "Private Key JWT"). The kit holds
  the private key (profile privateKeyJwtClient) and signs the assertions itself. Every faulty assertion follows a
  correct one that got a token, so a refusal is about the one defect; RFC 7523 §3.2 makes every refusal
  invalid_client. Faulty assertions go out from client IPs of their own, so the IP block of seed 001 never hits the run.

  Rule: A correctly signed assertion authenticates the client (RFC 7523 §3)

    @REQ-PKJWT-01
    Scenario: A client assertion signed with the client's registered key obtains an access token
      iss and sub are the client_id, aud the token endpoint (else the issuer), exp a minute ahead, jti fresh.
      When the private_key_jwt client requests a token with a correctly signed client assertion
      Then the token endpoint authenticates the client by its assertion and issues an access token

  Rule: An assertion the server must not trust is refused with invalid_client (RFC 7523 §3, §3.2; RFC 8725 §3.1)

    @REQ-PKJWT-08
    Scenario Outline: A client assertion with <defect> is refused
      When the private_key_jwt client requests a token with a client assertion that has <defect>
      Then the token endpoint refuses the assertion with invalid_client and issues no token

      @REQ-PKJWT-02
      Examples: aud (RFC 7523 §3 item 3)
        | defect                       |
        | an aud naming another server |

      @REQ-PKJWT-03
      Examples: exp (RFC 7523 §3 item 4)
        | defect                |
        | an exp that has passed |

      @REQ-PKJWT-05
      Examples: no signature (RFC 7523 §3 item 9)
        | defect                      |
        | alg "none" and no signature |

      @REQ-PKJWT-06
      Examples: algorithm confusion (RFC 8725 §3.1)
        | defect                                |
        | an HS256 MAC keyed with its public key |

      @REQ-PKJWT-07
      Examples: another key (RFC 7523 §3 item 9)
        | defect                    |
        | a key it never registered |

  Rule: An assertion is used once (RFC 7523 §3 item 7 leaves it to the server: a warning)

    @REQ-PKJWT-04 @REQ-PKJWT-08
    Scenario: A client assertion sent a second time is refused
      RFC 7523 lets the server remember used jti values (MAY); OpenID Connect Core §9 says the assertion is used only
      once. A second token for the same assertion is a warning, never a failure.
      When the private_key_jwt client sends the client assertion that just got it a token a second time
      Then the token endpoint refuses the assertion with invalid_client and issues no token
