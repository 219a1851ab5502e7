from django.http import HttpRequest, HttpResponse


def login_request(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def space(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
