"""URL confs of the portal: ``public`` (namespace ``portal``) and ``space`` (``space``)."""
