"""Forms of the portal: ``public`` (interest forms) and ``space`` (the company space)."""
