"""Review of the Global Compact's implementation: coverage, gaps, the partnership network, trends and country, regional and objective reports."""
