"""The client's address: the one place that decides it (throttles, login lockout, access log).

Threat line. Every request header is written by the client unless a proxy we run overwrote it.
`X-Forwarded-For` is a list each proxy appends the address it saw to, so only its last
TRUSTED_PROXY_COUNT entries were written by our own proxies; everything left of them is
whatever the client sent. So:
- TRUSTED_PROXY_COUNT=0 (the default, the app faces clients directly): the socket address
  (REMOTE_ADDR). The header is ignored: a stranger sending a new `X-Forwarded-For` per request
  is still one client.
- TRUSTED_PROXY_COUNT=N: the Nth address from the right, i.e. the one our outermost proxy saw
  on its socket. A stranger may prepend anything; it lands left of that entry and is ignored.
  With fewer than N entries (a request that reached the app without passing every proxy) the
  socket address is used, as when the entry is not an IP address.
The address is validated and written in canonical form ("2001:DB8::1" and "2001:db8:0::1"
are the same client), so it can go into a database column, a cache key or a log line as it is.
Setting N larger than the real number of proxies hands the choice back to the client; set it
to exactly the proxies in front of the app (docs/operations.md).
"""
import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Clients with IPv6 usually hold a whole /64: counting them per address would let one client
# use 2^64 identities. Throttles count an IPv6 client by its /64 (throttle_ident).
IPV6_THROTTLE_PREFIX = 64


def parse_ip(text: str | None) -> IPAddress | None:
    """An address as a proxy writes it ("192.0.2.1", "192.0.2.1:4711", "[2001:db8::1]:443",
    "2001:db8::1"), or None when it is not one."""
    if not text:
        return None
    text = text.strip()
    if text.startswith("["):  # [IPv6]:port
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # IPv4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped  # ::ffff:192.0.2.1 is 192.0.2.1
    return address


def _client_address(request) -> IPAddress | None:
    meta = getattr(request, "META", None) or {}
    remote = parse_ip(meta.get("REMOTE_ADDR"))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote
    # Several X-Forwarded-For headers arrive joined with commas (WSGI), like one long list.
    entries = [entry for entry in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if entry.strip()]
    if len(entries) < proxies:
        return remote
    address = parse_ip(entries[-proxies])
    if address is None:
        logger.warning("X-Forwarded-For entry %d from the right is not an IP address; "
                       "using the socket address (is TRUSTED_PROXY_COUNT=%d right?)", proxies, proxies)
        return remote
    return address


def client_ip(request) -> str | None:
    """The client's address in canonical text form, or None if there is none (a test request
    without REMOTE_ADDR)."""
    address = _client_address(request)
    return str(address) if address is not None else None


def client_block(address: IPAddress) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """The addresses counted as one client: the address itself, or its /64 for IPv6 (the
    throttles and the login lockout both count clients so)."""
    if isinstance(address, ipaddress.IPv6Address):
        return ipaddress.IPv6Network(f"{address}/{IPV6_THROTTLE_PREFIX}", strict=False)
    return ipaddress.IPv4Network(address)


def client_range(ip_address: str | None) -> tuple[str, str] | None:
    """First and last address of the client block of `ip_address` (canonical text, as
    client_ip gives it), for a range filter on an address column; None without an address."""
    address = parse_ip(ip_address)
    if address is None:
        return None
    block = client_block(address)
    return str(block.network_address), str(block.broadcast_address)


def throttle_ident(request) -> str | None:
    """The key a throttle counts a client under: its address, or its /64 for IPv6."""
    address = _client_address(request)
    if address is None:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        return str(client_block(address))
    return str(address)
