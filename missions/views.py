from django.http import HttpRequest, HttpResponse


def mission_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def mission_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse("")
