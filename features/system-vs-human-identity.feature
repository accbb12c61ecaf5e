@human-identity
Feature: System users and human users are told apart by client_id == sub (seeds 000, 003)
  Seed 003: "Ist der client_id claim im JWT-Token mit dem sub claim identisch, handelt es sich um einen JWT-Token
  der für einen client credentials flow ausgestellt wurde" — such a token "darf alles". Otherwise the token comes
  from a human login, its sub holds the customer, and it "darf nur das, was der hinterlegte Kunde darf".
  Seed 000: humans reach the APIs through a web front end; the gateway tells the component who is calling.
  These checks do not depend on how a human token was obtained (a password-style login of the test users, or a
  browser login): only on what it carries and what it is allowed.

  @REQ-ID-01 @requires-readable-token-claims
  Scenario Outline: A client-credentials token names the client itself as its subject (<client> client)
    When the <client> client obtains an access token with its client credentials
    Then the token's identity claims say client_id equals sub, both the client's id

    Examples:
      | client    |
      | system    |
      | read-only |

  @REQ-ID-02 @requires-readable-token-claims
  Scenario Outline: A human's token names the customer as subject and the front end as client (<ordinal> test customer)
    Given the <ordinal> test customer holds a human access token
    Then the human token's identity claims name the customer as sub and the web front end as client_id

    Examples:
      | ordinal |
      | first   |
      | second  |

  @REQ-ID-03 @requires-human-login
  Scenario: The gateway passes a human's token on as a human identity, the customer as subject
    Given the first test customer holds a human access token
    When the identity echo is called with the human access token
    Then the component sees a human identity whose subject is that customer

  @REQ-ID-04 @requires-human-login
  Scenario Outline: A human token reads its own customer's data (<ordinal> test customer)
    Given the <ordinal> test customer holds a human access token
    When the customer data of the <ordinal> test customer is requested with the human access token
    Then that customer's data is served, with no other customer's records in it

    Examples:
      | ordinal |
      | first   |
      | second  |

  @REQ-ID-04 @requires-human-login
  Scenario Outline: A human token is refused another customer's data (<ordinal> test customer asks for the <other>'s)
    Given the <ordinal> test customer holds a human access token
    When the customer data of the <other> test customer is requested with the human access token
    Then that customer's data is refused, none of its records shown

    Examples:
      | ordinal | other  |
      | first   | second |
      | second  | first  |

  @REQ-ID-05
  Scenario Outline: A client-credentials token reads every customer's data (<ordinal> test customer)
    When the customer data of the <ordinal> test customer is requested with the system client's access token
    Then that customer's data is served, with no other customer's records in it

    Examples:
      | ordinal |
      | first   |
      | second  |

  @REQ-ID-12 @requires-human-login
  Scenario Outline: A human token may not write another customer's data (<ordinal> test customer writes to the <other>'s)
    "Darf nur das, was der hinterlegte Kunde darf" holds for writes too. Only on the write route the profile names, and
    first on the customer's own data: a route that refuses every write would prove nothing.
    Given the <ordinal> test customer holds a human access token
    When the human access token writes to its own customer's data, then to the <other> test customer's
    Then the write on the other customer's data is refused

    Examples:
      | ordinal | other  |
      | first   | second |
      | second  | first  |

  Rule: Customers and clients never share an identity (seed 003: both alternatives to client_id == sub were rejected)

    @REQ-ID-10 @requires-human-login @requires-readable-token-claims
    Scenario Outline: A customer's id is no client's id (<ordinal> test customer)
      A customer whose id were a client's id would carry a subject that names a client: with the front end's id the
      token has client_id == sub and "darf alles"; with another client's id it shares that client's subject.
      Given the <ordinal> test customer holds a human access token
      Then neither the customer's id nor the subject of the human token is the id of a client of the target

      Examples:
        | ordinal |
        | first   |
        | second  |

    @REQ-ID-11 @requires-human-login
    Scenario: The system client cannot take on a customer's identity through an on-behalf grant
      The meeting rejected an "on-behalf" flow that lets the client "die Identität eines Kundens anzunehmen". RFC 8693
      token exchange is that flow in standard form: a customer's token in, a token for the system client out.
      Given the first test customer holds a human access token
      When the system client asks to exchange the customer's token for a token of its own
      Then no token is issued on behalf of the customer
