from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from supervision.services.notifications import unread_count
from units.choices import Role


def navigation(request):
    """What the base layout needs to pick its navigation, and the bell's count
    of unread notifications (cached until the user's notifications change)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    roles = user.roles if signed_in else frozenset()

    def bell() -> int:
        if not signed_in:
            return 0
        return cache.get_or_set(f"bell:{user.pk}", lambda: unread_count(user), 3600)

    return {"user_roles": roles, "Role": Role, "bell": SimpleLazyObject(bell)}
