"""Admin of matchmaking: meetings (see the package's docstring)."""
