"""Who is acting, from where, and when: passed into every service call that reads or writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ketacare.core.errors import PermissionDenied
from ketacare.core.permissions import Action, Principal, allowed


@dataclass(frozen=True)
class Actor:
    """The staff user behind a request or command (None for the system itself) and its origin."""

    principal: Principal | None
    at: datetime
    ip_address: str | None = None

    @property
    def staff_user_id(self) -> int | None:
        return self.principal.staff_user_id if self.principal else None

    def require(self, action: Action, site_id: int | None = None) -> None:
        """Raise ``PermissionDenied`` unless the actor may do ``action`` (at ``site_id``)."""
        if self.principal is None:
            return  # the system itself (CLI init, migrations, synthetic data)
        if not allowed(self.principal, action, site_id):
            raise PermissionDenied(f"Your role does not allow {action.value} here.")

    def visible_sites(self, action: Action) -> frozenset[int] | None:
        """Sites where the actor may do ``action``; None means every site (the system)."""
        if self.principal is None:
            return None
        return self.principal.sites_allowing(action)
