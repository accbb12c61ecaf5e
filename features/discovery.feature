@core
Feature: Authorization server metadata
  Clients and gateways configure themselves from the issuer's metadata (RFC 8414; OpenID Connect Discovery):
  where to ask for tokens, where the signing keys are, what the server supports. The kit reads the document the
  profile names (discoveryUrl) or finds it at the well-known locations of the issuer; a target that publishes
  none is not testable here, since OAuth 2.0 does not require metadata. REQUIRED members are judged as MUST;
  lists that merely leave out something the server does are warnings.

  Rule: The metadata document identifies the issuer and its endpoints (RFC 8414 §2, §3)

    @REQ-DISC-01
    Scenario: The metadata is a JSON object served with 200
      Given the authorization server metadata of the target
      Then the metadata answer is 200 with a JSON object, as application/json

    @REQ-DISC-02
    Scenario: The metadata names exactly the issuer it was fetched for
      Given the authorization server metadata of the target
      Then the metadata issuer is exactly the issuer identifier of the target

    @REQ-DISC-02 @requires-jwt-access-tokens
    Scenario: Tokens name the issuer the metadata names
      Given the authorization server metadata of the target
      When the system client requests a token with its client id and secret
      Then the access token's iss is exactly the metadata issuer

    @REQ-DISC-10
    Scenario: The issuer identifier is an https URL
      Given the authorization server metadata of the target
      Then the metadata issuer is an https URL without query or fragment, unless on a loopback address

    @REQ-DISC-03
    Scenario: The metadata names the token endpoint
      Given the authorization server metadata of the target
      Then the metadata names the token endpoint as an absolute URL

    @REQ-DISC-11
    Scenario: The token endpoint the metadata names answers token requests
      Given the authorization server metadata of the target
      When the system client requests a token at the token_endpoint the metadata names
      Then the answer is a token endpoint's: a token or an OAuth error, never 404

    @REQ-DISC-09
    Scenario: The metadata states the response types it supports
      Given the authorization server metadata of the target
      Then the metadata has response_types_supported as a JSON array

  Rule: The signing keys are published, and only their public halves (RFC 8414 §2, RFC 7517)

    @REQ-DISC-04
    Scenario: The jwks_uri of the metadata serves a JWK Set
      Given the authorization server metadata of the target
      When the caller fetches the JWK Set at the jwks_uri the metadata names
      Then the answer is a JWK Set: a JSON object with a keys array
      And the set holds the key the target signs its access tokens with

    @REQ-DISC-05
    Scenario: The published JWK Set holds no private or symmetric key material
      When the caller fetches the issuer's JWK Set
      Then no key in the set has private or symmetric key members

  Rule: The metadata tells clients what seed 001 documents (RFC 8414 §2 lists and their defaults)

    Scenario Outline: The metadata lists <value> in <member>
      Given the authorization server metadata of the target
      Then the metadata lists "<value>" in <member>

      @REQ-DISC-06
      Examples: the grant of system users
        | value              | member                |
        | client_credentials | grant_types_supported |

      @REQ-DISC-07
      Examples: HTTP Basic, which every server must support
        | value               | member                                |
        | client_secret_basic | token_endpoint_auth_methods_supported |

      @REQ-DISC-08
      Examples: credentials in the form body
        | value              | member                                |
        | client_secret_post | token_endpoint_auth_methods_supported |
