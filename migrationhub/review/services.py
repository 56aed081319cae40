"""The review app's services: none. The review writes nothing; it reads every other app through
its selectors (ADR 0011), so it has no audit events, history or page-cache retirements of its own:
its pages are retired when the domains it shows change."""
