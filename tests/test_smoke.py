"""The page shell answers on every general page, in both languages."""

import pytest


@pytest.mark.parametrize("path", ["/", "/contact", "/toegankelijkheid"])
def test_general_pages_render_in_dutch_by_default(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="nl"' in response.text
    assert "Naar de inhoud" in response.text


def test_language_switch_sets_cookie_and_returns_to_the_page(client):
    response = client.get("/taal/en?terug=/contact", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/contact"
    page = client.get("/contact")
    assert '<html lang="en"' in page.text
    assert "Skip to main content" in page.text


def test_language_switch_refuses_to_redirect_off_site(client):
    response = client.get("/taal/en?terug=//evil.example/", follow_redirects=False)
    assert response.headers["location"] == "/"


def test_phone_hours_come_from_the_settings_in_both_languages(client):
    dutch = client.get("/contact").text
    assert "Bel 14 0123 (maandag tot en met vrijdag van 8.00 tot 17.00 uur)" in dutch
    client.cookies.set("lang", "en")
    assert "Call 14 0123 (Monday to Friday, 8 am to 5 pm)" in client.get("/contact").text
