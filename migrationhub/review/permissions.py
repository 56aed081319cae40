"""The review app's permissions: none needed. Everything it shows is public already (partnerships,
pledges, published practices, organisations and the reference vocabularies; never a person), and
it writes nothing. The only limit is on PDF rendering, a cost rather than a right (`pdf.py`)."""
