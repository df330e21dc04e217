"""The catalog site: a static page built from catalog.md (and the paper store), searchable in the browser."""
