"""Views of the portal: ``public`` (anyone), ``space`` (company representatives)."""
