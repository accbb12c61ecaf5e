@sender-constrained @dpop
Feature: DPoP-bound tokens at the introspection endpoint (RFC 9449 §6.2)
  A resource server that introspects a DPoP-bound token (an opaque one, typically) cannot read the binding from the
  token: the introspection answer conveys it, as cnf.jkt, the thumbprint of the key the token is bound to, and calls
  the token a DPoP token wherever it names a token_type. Without them a gateway either refuses the client's own proofs
  or serves the token as a plain Bearer token. The gateway's side (a proof of that key, for this request and this
  token) is judged by the DPoP feature on the same target.

  Rule: The introspection answer conveys the binding (RFC 9449 §6.2)

    @REQ-DPOP-11 @REQ-DPOP-12 @requires-token-introspection
    Scenario: The introspection answer for a DPoP-bound token names the proof's key and the DPoP token type
      When the system client requests a token with a valid DPoP proof
      And the introspecting client introspects the DPoP-bound token
      Then the introspection answer's cnf.jkt is the thumbprint of the proof's key
      And the introspection answer's token_type, where it states one, is "DPoP"
