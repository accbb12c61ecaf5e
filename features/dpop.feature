@sender-constrained @dpop
Feature: Sender-constrained tokens with DPoP (RFC 9449)
  A DPoP-bound access token is worth nothing without the private key it is bound to: the client proves it holds
  the key with a fresh, signed proof (typ dpop+jwt, the public key in jwk, htm and htu of the request, iat, jti,
  and ath, the hash of the token, at the resource). The token endpoint binds the token to the proof's key (cnf.jkt)
  and refuses a proof that does not hold up; the gateway serves a bound token only with a proof of that key made
  for this request and this token, and never as a plain Bearer token. Only a target that claims DPoP
  (capabilities.dpop) is judged; the kit signs its proofs with keys of its own (ES256 unless the server's
  metadata lists other algorithms only) and follows a server's DPoP-Nonce (§8, §9). Every refusal is judged
  after the same request with a valid proof was accepted.

  Rule: The token endpoint binds a token to the proof's key (RFC 9449 §5, §6)

    @REQ-DPOP-01 @REQ-DPOP-02
    Scenario: A token request with a valid DPoP proof gets a token bound to the proof's key
      When the system client requests a token with a valid DPoP proof
      Then the token response has token_type "DPoP"
      And the access token is bound to the proof's key

  Rule: The token endpoint refuses a proof that does not hold up (RFC 9449 §4.3, §5)

    @REQ-DPOP-03 @REQ-DPOP-04
    Scenario Outline: A token request whose DPoP proof <defect> gets no token
      When the system client requests a token with a DPoP proof that <defect>
      Then the token endpoint refuses the DPoP proof with invalid_dpop_proof

      Examples:
        | defect                                       |
        | names another HTTP method (htm)              |
        | names another URI (htu)                      |
        | was made an hour ago (iat)                   |
        | is not signed (alg none)                     |
        | is signed with a symmetric algorithm (HS256) |
        | has a signature that does not verify         |
        | is typed JWT instead of dpop+jwt (typ)       |
        | carries the private key in its jwk           |

  Rule: The gateway serves a bound token only with a proof of its key, for this request and this token (RFC 9449 §7)

    @REQ-DPOP-05
    Scenario: A DPoP-bound token with a valid proof is served
      When the system client calls the protected route with its DPoP-bound token and a valid proof
      Then the gateway serves the DPoP request

    @REQ-DPOP-06
    Scenario: A DPoP-bound token sent as a plain Bearer token is refused
      A stolen bound token must be worth nothing without its key (§7.2). An unbound token of the same client is
      still served as Bearer (REQ-BEARER-01).
      When the system client sends its DPoP-bound token as a Bearer token without a proof
      Then the gateway refuses the DPoP request

    @REQ-DPOP-06
    Scenario: A DPoP-bound token sent as a Bearer token is refused even with a valid proof beside it
      When the system client sends its DPoP-bound token as a Bearer token with a valid proof beside it
      Then the gateway refuses the DPoP request

    @REQ-DPOP-07 @REQ-DPOP-10
    Scenario: A proof signed by another key than the token's is refused, with a DPoP challenge
      When the system client sends its DPoP-bound token with a proof signed by another key
      Then the gateway refuses the DPoP request
      And the 401 carries a DPoP challenge

    @REQ-DPOP-08
    Scenario Outline: A proof that <defect> is refused
      When the system client sends its DPoP-bound token with a proof that <defect>
      Then the gateway refuses the DPoP request

      Examples:
        | defect                           |
        | carries no ath                   |
        | carries the ath of another token |
        | names another HTTP method (htm)  |
        | names another URI (htu)          |
        | was made an hour ago (iat)       |

    @REQ-DPOP-09
    Scenario: A proof sent a second time is refused
      §11.1 lets a server keep the jti values it has seen ("can"): a replay that is served is a warning.
      When the system client sends a DPoP proof the gateway has already served a second time
      Then the gateway refuses the DPoP request
