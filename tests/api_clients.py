from rest_framework.test import APIClient


def english_client(user=None) -> APIClient:
    """An API client that asks for English messages (tests read the message ids), logged in as
    ``user`` when one is given."""
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client
