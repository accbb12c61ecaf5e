@core @idp @requires-disabled-client
Feature: A disabled client gets no new token
  An operator cuts a client off by disabling it (Keycloak: the client's "Enabled" switch; Okta: deactivating the app;
  Entra ID: disabling the service principal). No RFC keyword says what a disabled client gets: RFC 6749 §5.2 answers a
  failed client authentication with invalid_client and leaves the reasons to the server. The profile's statement that
  the client is disabled (clients.disabled, with the secret it had) is the promise judged. The kit cannot disable a
  client itself; the system client's token from the same request is the control.

  @REQ-CAUTH-11
  Scenario: A disabled client's token request with its former credentials is refused
    When the disabled client requests a token with the credentials it had
    Then the token endpoint refuses the disabled client and issues no token
