"""Reading remittance data files into plain records, one module per layout.

- `rpw`: RPW's quote-level data (two quotes per row, USD 200 and USD 500);
- `collector`: a national data collector's CSV (one quote per row, costs computed here);
- `databank`: the World Bank's published corridor series (DataBank ATCR.CORR);
- `flows`: KNOMAD inflows and outflows, and the bilateral remittance matrix;
- `common`: what they share (the reference, the quote record, the row runner, the parsers).

Readers check every row and touch no database: what they check against (`common.Reference`:
countries, currencies, names) is handed in by `services`. A file with any bad row fails with the
kernel's `ImportFailed`, every bad row reported with its number, and nothing is written.
"""
