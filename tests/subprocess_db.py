"""The address of an isolated test database for a subprocess (a CLI or the worker): on
PostgreSQL the isolated schema goes into the connection options."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import Engine, text


def url_for_subprocess(engine: Engine) -> str:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"
