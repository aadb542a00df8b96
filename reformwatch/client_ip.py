"""The client's address, for login throttling and logs: REMOTE_ADDR, or behind a
reverse proxy the header the proxy sets (settings.CLIENT_IP_HEADER)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    header = settings.CLIENT_IP_HEADER
    if header:
        values = [v.strip() for v in request.headers.get(header, "").split(",") if v.strip()]
        # Each trusted proxy appends the address it received from; the client's
        # is the one before them. Entries further left are the client's to forge.
        count = max(settings.TRUSTED_PROXY_COUNT, 1)
        if len(values) >= count:
            address = values[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
