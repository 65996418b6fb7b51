"""Demo municipality 'Gemeente Voorbeeldstad' (minimal placeholder, replaced by the full demo set)."""

from __future__ import annotations

from sqlmodel import Session, select

from portal.models import Organisation


def load_demo_data(db: Session) -> None:
    if db.exec(select(Organisation).where(Organisation.rsin == "001234560")).first() is None:
        db.add(Organisation(name="Gemeente Voorbeeldstad", rsin="001234560", phone="14 0123",
                            email="info@voorbeeldstad.example", visiting_address="Stadhuisplein 1, 1234 AB Voorbeeldstad",
                            postal_address="Postbus 100, 1200 AA Voorbeeldstad"))
        db.commit()


if __name__ == "__main__":
    from portal.config import get_settings
    from portal.db import make_engine

    with Session(make_engine(get_settings())) as session:
        load_demo_data(session)
