"""Development entry point: ``uvicorn devtools.main:app`` (``make run``): the product app
with the login simulator mounted (see devtools/app.py)."""

from devtools.app import create_dev_app

app = create_dev_app()
