"""ZGW settings: none means today's behaviour; unsafe ones refuse to start."""

from __future__ import annotations

import pytest

from portal.config import ConfigurationError, Settings


def test_without_zgw_settings_the_portal_is_its_own_case_store(app):
    assert app.state.settings.zgw_enabled is False
    assert app.state.zgw is None


def test_one_allow_list_for_zaken_and_documents_up_to_zaakvertrouwelijk():
    default = {"openbaar", "beperkt_openbaar", "zaakvertrouwelijk"}  # intern is for staff (RGBZ)
    assert Settings(env="test").zgw_allowed_confidentiality == default
    assert Settings(env="test", zgw_confidentiality="openbaar").zgw_allowed_confidentiality == {"openbaar"}
    wider = Settings(env="test", zgw_confidentiality="openbaar,beperkt_openbaar,intern,zaakvertrouwelijk")
    assert wider.zgw_allowed_confidentiality == default | {"intern"}  # below zaakvertrouwelijk: may be added
    for refused in ("openbaar,vertrouwelijk", "geheim", "zeer_geheim", "confidentieel", "topgeheim", " , "):
        with pytest.raises(ConfigurationError):
            _ = Settings(env="test", zgw_confidentiality=refused).zgw_allowed_confidentiality
    # the old, documents-only setting is refused with a pointer to the new one
    with pytest.raises(ConfigurationError, match="PORTAL_ZGW_CONFIDENTIALITY"):
        _ = Settings(env="test", zgw_document_confidentiality="openbaar").zgw_allowed_confidentiality


def test_production_mirror_mode_needs_secrets_and_the_webhook_header():
    base = {
        "env": "production",
        "secret_key": "x" * 40,
        "database_url": "postgresql+psycopg://a@b/c",
        "simulator_enabled": False,
        "base_url": "https://mijnzaken.example",
        "zgw_zaken_url": "https://oz.example/zaken/api/v1",
        "smtp_host": "smtp.example",
        "letter_dir": "/var/spool/letters",
    }
    with pytest.raises(ConfigurationError) as error:
        Settings(**base).check_production()
    message = str(error.value)
    assert (
        "PORTAL_ZGW_CATALOGI_URL" in message and "PORTAL_ZGW_SECRET" in message and "PORTAL_ZGW_WEBHOOK_AUTH" in message
    )
    Settings(
        **base,
        zgw_catalogi_url="https://oz.example/catalogi/api/v1",
        zgw_documenten_url="https://oz.example/documenten/api/v1",
        zgw_secret="s" * 40,
        zgw_webhook_auth="Token " + "w" * 30,
    ).check_production()


def test_the_callback_url_defaults_to_the_public_address():
    assert (
        Settings(env="test", base_url="https://mijnzaken.example/").effective_zgw_callback_url
        == "https://mijnzaken.example/api/zgw/notificaties"
    )


def test_a_wrong_confidentiality_list_stops_the_start_also_without_a_case_system(tmp_path):
    from portal.app import create_app

    with pytest.raises(ConfigurationError, match="PORTAL_ZGW_CONFIDENTIALITY"):
        create_app(Settings(env="test", var_dir=tmp_path, zgw_confidentiality="openbaar,geheim"))
