"""The role table of DOMAIN.md, as permission classes: a refusal is FORBIDDEN and runs nothing."""

from typing import Any

from strawberry.permission import BasePermission

from resolvers.access import Role
from schema.context import Info

FORBIDDEN = {"code": "FORBIDDEN"}


class StaffOnly(BasePermission):
    """Writes, and the reads the portal may not make (history, recipients)."""

    message = "Your role may not use this field."
    error_extensions = FORBIDDEN

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return bool(info.context.viewer.is_staff)


class AdminOnly(BasePermission):
    """The reference list of interlocutor types is the administrators' alone."""

    message = "Only an administrator may use this field."
    error_extensions = FORBIDDEN

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return bool(info.context.viewer.role is Role.ADMIN)
