"""Admin of matchmaking: suggestions (see the package's docstring)."""
