@mtls
Feature: Mutual TLS: client certificates and certificate-bound tokens (RFC 8705)
  A client that authenticates with a certificate (tls_client_auth, §2) gets its token only over a TLS connection on
  which it presented the certificate registered for it, and that token is bound to the certificate (cnf x5t#S256,
  §3.1): the gateway serves it only over a connection with that same certificate (§3). Only a target that describes
  mutual TLS (profile mtls) is judged; on a real deployment the operator gives the client's certificate and key
  files, on the reference the kit makes a CA at run time and issues them. Every refusal is judged after the same
  request with the registered certificate was accepted.

  Rule: The token endpoint authenticates the client by its certificate (RFC 8705 §2)

    @REQ-MTLS-01
    Scenario: A token request with the registered certificate gets a token
      When the mTLS client requests a token with its registered certificate
      Then the token endpoint issues the mTLS client an access token

    @REQ-MTLS-02 @REQ-MTLS-03
    Scenario Outline: A token request <presenting> gets no token
      When the mTLS client asks for a token <presenting>
      Then the token endpoint refuses the mTLS client with invalid_client

      Examples:
        | presenting                                                                |
        | without a client certificate                                              |
        | with a certificate of another subject from a CA the server trusts         |
        | with a certificate of its own subject from a CA the server does not trust |

  Rule: The token is bound to the certificate (RFC 8705 §3.1, §3.2)

    @REQ-MTLS-04 @REQ-MTLS-05
    Scenario: The token issued over mutual TLS names the client's certificate
      When the mTLS client requests a token with its registered certificate
      Then the access token names the client's certificate in cnf x5t#S256

  Rule: The gateway serves a bound token only with its certificate (RFC 8705 §3)

    @REQ-MTLS-06
    Scenario: A certificate-bound token with its certificate is served
      When the mTLS client calls the gateway's mTLS listener with its bound token and its certificate
      Then the gateway serves the certificate-bound token

    @REQ-MTLS-07 @REQ-MTLS-08
    Scenario Outline: A certificate-bound token <presenting> is refused
      A stolen bound token must be worth nothing without the certificate's private key.
      When the mTLS client presents its bound token at the gateway's mTLS listener <presenting>
      Then the gateway refuses the certificate-bound token with 401 invalid_token

      Examples:
        | presenting                      |
        | without a client certificate    |
        | with another client certificate |

  Rule: The metadata tells clients about mutual TLS (RFC 8705 §3.3, §5)

    @REQ-MTLS-09 @REQ-MTLS-10
    Scenario: The metadata announces certificate-bound tokens and the mTLS token endpoint
      When the kit reads the authorization server metadata for mutual TLS
      Then the metadata says tls_client_certificate_bound_access_tokens is true
      And the metadata names the mTLS token endpoint in mtls_endpoint_aliases
