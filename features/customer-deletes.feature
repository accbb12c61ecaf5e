@human-identity
Feature: A customer's token may not delete another customer's data (seed 003)
  Seed 003: a token whose sub holds a customer "darf nur das, was der hinterlegte Kunde darf" — deletes as much as
  reads (REQ-ID-04) and writes (REQ-ID-12). A DELETE that a broken target honours destroys data, so this runs only
  on the one disposable record the profile names as one the kit may delete (gateway.routes.customerDelete); on a
  conforming target nothing is deleted.

  @REQ-ID-15 @requires-human-login @requires-customer-scoping
  Scenario: A human token's DELETE of another customer's disposable record is refused, and the record stays
    The record's owner reads it first, the positive control: a record that is not there would be "refused" too.
    When another test customer deletes the disposable record of the customer the profile names
    Then the delete is refused and the record is still there for its owner
