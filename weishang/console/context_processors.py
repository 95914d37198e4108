def console_permissions(request):
    """Which console sections the current user may open (for the navigation)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"perms_catalog": user.can("catalog"), "perms_inventory": user.can("inventory")}
