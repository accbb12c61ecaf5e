@core @rotation-client
Feature: A customer rotates its own client's secret, and nobody else can (seed 002)
  Seed 002: "Users will also be able to rotate their secret, via the UI" — their own application's secret (the
  application is associated with one user through user_metadata), and the id/secret is something "the customer will
  be able to get from the Auth UI Dashboard". The kit calls the self-service interface the profile names
  (selfServiceRotation) with the owner's human access token and with callers who do not own the client. Only where the
  target offers self-service rotation; the profile's secret is put back through the control plane after each scenario.
  No secret, the new one included, ever appears in a report.

  @REQ-ROT-06 @requires-human-login
  Scenario: The owner rotates its client's secret itself and is shown the new one
    Given the owner of the rotation client holds a human access token
    When the owner rotates the rotation client's secret through the self-service interface
    Then the owner is shown a new secret, which obtains a token

  Rule: Only the owner rotates, and only the owner sees the new secret (seed 002: "their secret")
    Each time the owner's own rotation comes first, the positive control: an interface that refuses everyone would
    prove nothing.

    @REQ-ROT-04 @requires-human-login
    Scenario Outline: <caller> cannot rotate the rotation client's secret
      Given the owner of the rotation client has rotated its secret through the self-service interface
      When <caller> asks the self-service interface to rotate the rotation client's secret
      Then the request is refused and the owner's secret still obtains a token

      Examples:
        | caller                |
        | another test customer |
        | the read-only client  |

    @REQ-ROT-05 @requires-human-login
    Scenario Outline: <caller> is shown no secret of the rotation client
      Given the owner of the rotation client has rotated its secret through the self-service interface
      When <caller> asks the self-service interface to rotate the rotation client's secret
      Then the answer shows no secret of the rotation client

      Examples:
        | caller                |
        | another test customer |
        | the read-only client  |
