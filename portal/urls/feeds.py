"""Private calendar feeds (namespace ``feeds``): calendar apps cannot log in."""

app_name = "feeds"

urlpatterns: list = []
