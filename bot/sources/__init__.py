"""Where papers come from: arXiv RSS and API, offline files, curated lists."""
