@core @idp @requires-https
Feature: TLS on the target's https URLs (RFC 9325, BCP 195)
  The token endpoint, the issuer and the gateway of an https target are probed with one TLS version offered alone,
  their certificates are checked as a verifying client checks them, and the plain-http twin of the token endpoint
  is sent a token request with a marker client and a deliberately wrong secret (nothing real travels in clear).
  On a target whose URLs are http (the loopback reference) none of this applies, and the report says so. A target
  with a private CA gives its certificate in the profile (tls.caFile); the kit trusts it for the run only.

  @REQ-TLS-01
  Scenario: TLS 1.0 is not negotiated
    Then no https endpoint of the target negotiates "TLS 1.0" offered alone

  @REQ-TLS-02
  Scenario: TLS 1.1 is not negotiated
    Then no https endpoint of the target negotiates "TLS 1.1" offered alone

  @REQ-TLS-03
  Scenario: TLS 1.2 is supported
    Then every https endpoint of the target negotiates "TLS 1.2" offered alone

  @REQ-TLS-04
  Scenario: TLS 1.3 is supported
    Then every https endpoint of the target negotiates "TLS 1.3" offered alone

  @REQ-TLS-05
  Scenario: The certificate is valid for the host of the URL
    Then every https endpoint of the target presents a certificate that names its host

  @REQ-TLS-06
  Scenario: The certificate chains to a trusted CA and has not expired
    Then every https endpoint of the target presents a certificate that a verifying client accepts

  @REQ-TLS-07
  Scenario: The token endpoint does not process credentials sent over plain http
    When the kit sends a token request with a marker client and a wrong secret to the plain-http twin of the token endpoint
    Then the plain-http twin does not process the credentials
