def account_key(request, credentials):
    return credentials.get("username")


def lockout_response(request, response, credentials, *args, **kwargs):
    from django.http import HttpResponse
    return HttpResponse(status=429)
