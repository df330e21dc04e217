"""The domain: catalog model, entries, taxonomy, markers, proposals (pure functions)."""
