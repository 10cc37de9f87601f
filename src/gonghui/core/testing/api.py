"""An API client that authenticates like a real caller: a bearer token from /api/auth/token."""

import json

from django.test import Client

from gonghui.accounts.services import token_issue


class ApiClient:
    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {token_issue(user=user)}"

    def request(self, method: str, url: str, payload=None, **params):
        kwargs = {"headers": self.headers}
        if payload is not None:
            kwargs["data"] = json.dumps(payload)
            kwargs["content_type"] = "application/json"
        elif params:
            kwargs["data"] = params
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, url, **params):
        return self.request("GET", url, **params)

    def post(self, url, payload=None):
        return self.request("POST", url, payload if payload is not None else {})

    def patch(self, url, payload):
        return self.request("PATCH", url, payload)

    def delete(self, url):
        return self.request("DELETE", url)
