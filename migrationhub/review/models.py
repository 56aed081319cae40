"""The review app's tables: none. The review is a read side over the other apps (ADR 0011); its
facts live in memory per process (`selectors.Snapshot`) and its PDFs in the shared cache."""
