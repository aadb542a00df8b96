from units.choices import Role


def navigation(request):
    """What the base layout needs to pick its navigation."""
    user = getattr(request, "user", None)
    roles = user.roles if user is not None and user.is_authenticated else frozenset()
    return {"user_roles": roles, "Role": Role}
