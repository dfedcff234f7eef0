"""The clinic: an organization, its sites, and the rooms and chairs at each site."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Site(Base):
    """A clinic location; every clinical row carries ``site_id`` so a network can split by site."""

    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("organization_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")


class Location(Base):
    """A room or treatment chair at a site."""

    __tablename__ = "location"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # How bedside monitors name this chair: the PV1-3 point of care ("CHAIR-03") and the
    # monitor's device id (an EUI-64 in OBX-18 or MSH-3); either identifies the treatment in it.
    point_of_care: Mapped[str | None] = mapped_column(String(40), nullable=True)
    monitor_device: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
