"""catalog-bot: keeps a curated efficient-LLM research list (catalog.md) alive."""

__version__ = "0.1.0"
