"""Serve the fake case system: python -m devtools.fake_zgw [--port 8001]."""

import argparse

import uvicorn

from devtools.fake_zgw.app import create_fake_app, demo_fake

parser = argparse.ArgumentParser(description="A fake ZGW case system with the demo municipality")
parser.add_argument("--port", type=int, default=8001)
parser.add_argument("--delay", type=float, default=0.0, help="seconds added to every answer")
args = parser.parse_args()
fake = demo_fake(f"http://127.0.0.1:{args.port}")
fake.delay = args.delay
print(f"Fake ZGW on http://127.0.0.1:{args.port} (client id mijn-zaken, secret {fake.secrets['mijn-zaken']})")
uvicorn.run(create_fake_app(fake), host="127.0.0.1", port=args.port, log_level="warning")
