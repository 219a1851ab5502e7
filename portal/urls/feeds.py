"""Private calendar feeds (namespace ``feeds``): calendar apps cannot log in, so the secret
token in the address is the only key (see ``views.agendas.calendar_feed``).
"""

from django.urls import path

from ..views import agendas

app_name = "feeds"

urlpatterns = [
    path("<str:token>.ics", agendas.calendar_feed, name="calendar"),
]
