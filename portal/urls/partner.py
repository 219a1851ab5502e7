"""The partners' pages, behind a signed link (namespace ``partner``)."""

app_name = "partner"

urlpatterns: list = []
