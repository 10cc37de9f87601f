"""Steps that browser tests share, so every test signs in the way a person does."""

from playwright.sync_api import expect


def sign_in(page, base_url: str, username: str, password: str, next_url: str = "") -> None:
    """Sign an officer in through the login form. With ``next_url``, the form sends the officer
    there and the caller waits for what it expects; without, wait for the signed-in header."""
    suffix = f"?next={next_url}" if next_url else ""
    page.goto(f"{base_url}/accounts/login/{suffix}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    if not next_url:
        expect(page.locator(".who")).to_be_visible()
