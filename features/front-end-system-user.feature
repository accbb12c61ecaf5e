@gateway
Feature: The web front end's own system user (seeds 000, 003)
  Seed 000: "The Web/App/Chat frontend will have a System User to authenticate as the sequence diagram above" — the
  client credentials flow — and "a website displaying a catalog from a product catalog component would authorize as
  the website, and not as the human end-user that is browsing the website". Seed 003: a client-credentials token
  "darf alles". No seed confines the front end's system user to what the front end needs: the kit checks it as
  RFC 9700 §2.3's SHOULD (least privilege) and reports a token that reaches more as a warning, quoting the seeds.
  Needs the front end's system client in the profile (clients.frontEndSystem); without it not testable.

  @REQ-ID-16
  Scenario: The front end's system user is passed on as the website, not as a human
    When the web front end's system user calls the identity echo with its client-credentials token
    Then the component sees the front end's system user as the system, with its own client id

  @REQ-ID-17
  Scenario: The front end's system user is refused the routes the front end does not need
    First its token on the protected route, the positive control: a token refused everywhere would prove nothing.
    When the web front end's system user calls each route the profile says the front end does not need
    Then each of those routes refuses the front end's token
