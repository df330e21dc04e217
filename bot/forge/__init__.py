"""Where the catalog lives and changes are proposed: GitHub or a local git repository."""
