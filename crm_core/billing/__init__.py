"""Call billing: the tariff table (versioned), rating each CDR, monthly bills, and outbound budgets.

- `rating`: pure rating of one call (longest prefix, band at answer, minimum then increments, Decimal);
- `tariffs`: the tariff versions and changing them;
- `charges`: ratings written when a CDR is, re-rating when the tariff changes, each CDR's charge;
- `bills`: a month's bill per client or per department, with its detail lines;
- `budgets`: monthly outbound budgets per campaign, agent and department, the alert, and `may_dial`.
"""
