"""What the scheduler books into: each site's opening hours and closed days, the staff rota and
absences, and the organization's scheduling settings (staffing ratio, check-in time, reminders).

Times of day are the site's own wall-clock times (``site.timezone``); a rota line says who works
which weekday hours in which role, and an absence takes a person off the rota for whole days.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base, UTCDateTime


class SiteOpeningHours(Base):
    """The hours a site treats patients on one weekday (0 Monday .. 6 Sunday); no row: closed."""

    __tablename__ = "site_opening_hours"
    __table_args__ = (UniqueConstraint("site_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    weekday: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[time] = mapped_column(Time)
    closes_at: Mapped[time] = mapped_column(Time)


class SiteClosure(Base):
    """A whole day a site is closed (a public holiday, training day)."""

    __tablename__ = "site_closure"
    __table_args__ = (UniqueConstraint("site_id", "closed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    closed_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class StaffRota(Base):
    """A staff user's regular hours at a site on one weekday, working in ``role``
    (nurse or prescriber: the roles the scheduler counts)."""

    __tablename__ = "staff_rota"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    weekday: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)


class StaffAbsence(Base):
    """Days a staff user is away (leave, training), ``first_on`` to ``last_on`` inclusive."""

    __tablename__ = "staff_absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    first_on: Mapped[date] = mapped_column(Date)
    last_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")


class SchedulingSettings(Base):
    """The organization's scheduling choices; none is a clinical value (see core/scheduling)."""

    __tablename__ = "scheduling_settings"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    chairs_per_nurse: Mapped[int] = mapped_column(Integer)
    check_in_min: Mapped[int] = mapped_column(Integer)
    slot_step_min: Mapped[int] = mapped_column(Integer)
    max_shift_days: Mapped[int] = mapped_column(Integer)
    reminder_hours_before: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
