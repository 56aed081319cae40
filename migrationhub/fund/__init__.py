"""The start-up fund: contributions, proposals, allocations and a double-entry ledger."""
