"""Admin of matchmaking: requests (see the package's docstring)."""
