"""How the rules judge values: the normalised form of protocols, ports, CIDRs and booleans.

YAML and JSON may spell one value several ways (`-1` or `"-1"`, `443` or `"443"`, `TCP` or `6`, `true` or
`"true"`); every check compares the normalised form. A value that is not a literal is `MISSING` (absent) or
`UNKNOWN` (present but not resolvable), and an unknown value never establishes a violation.
"""

from __future__ import annotations

import enum
from typing import Any, Sequence


class Unset(enum.Enum):
    """Why a value is not a literal: absent from the input, or present but not resolvable."""

    MISSING = "missing"
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return self.name


MISSING = Unset.MISSING
UNKNOWN = Unset.UNKNOWN

ALL_PROTOCOLS = -1
ICMP, TCP, UDP, ICMPV6 = 1, 6, 17, 58
PROTOCOL_NUMBERS = {"tcp": TCP, "udp": UDP, "icmp": ICMP, "icmpv6": ICMPV6}
PROTOCOL_NAMES = {number: name for name, number in PROTOCOL_NUMBERS.items()}
_PROTOCOL_TEXT = {**PROTOCOL_NUMBERS, "-1": -1, "6": TCP, "17": UDP, "1": ICMP, "58": ICMPV6,
                  "TCP": TCP, "UDP": UDP, "ICMP": ICMP, "ICMPV6": ICMPV6}
ANYWHERE_IPV4, ANYWHERE_IPV6 = "0.0.0.0/0", "::/0"
LOOPBACK_IPV4, LOOPBACK_IPV6 = "127.0.0.1/32", "::1/128"


def protocol_number(value: Any) -> int | Unset:
    """Return the protocol as a number (-1 for all): `tcp`, `TCP`, `6`, `"6"` and 6.0 are all 6."""
    if type(value) is str:
        known = _PROTOCOL_TEXT.get(value)
        if known is None:
            text = value.strip().lower()
            known = PROTOCOL_NUMBERS.get(text)
            value = text if known is None else known
        else:
            value = known
    return _bounded(value, 255)


def port_number(value: Any) -> int | Unset:
    """Return the port (or ICMP type/code) as a number: 443, `"443"` and 443.0 are all 443."""
    return _bounded(value.strip() if type(value) is str else value, 65535)


def boolean(value: Any) -> bool | Unset:
    """Return True or False for `true`, `"True"`, `false`, ...; UNKNOWN for anything else (MISSING stays)."""
    if type(value) is bool:
        return value
    if type(value) is str:
        text = value.strip().lower()
        if text in ("true", "false"):
            return text == "true"
    return value if type(value) is Unset else UNKNOWN


def word(value: Any) -> str | Unset:
    """Return an enumerated word in lower case (`Required` is `required`); UNKNOWN if it is not text."""
    if type(value) is str:
        return value.strip().lower()
    return value if type(value) is Unset else UNKNOWN


def text(value: Any) -> str | Unset:
    """Return a literal as text (`443` is `"443"`); UNKNOWN for anything that is not a literal."""
    if type(value) is Unset or type(value) is str:
        return value
    return str(value) if isinstance(value, (int, float)) and type(value) is not bool else UNKNOWN


def cidr(value: Any) -> str | Unset:
    """Return a CIDR block in its canonical text (`::0/0` is `::/0`), or the text as written if it is not one."""
    if type(value) is not str:
        return value if type(value) is Unset else UNKNOWN
    text = value.strip().lower()
    if ":" in text and text not in (ANYWHERE_IPV6, LOOPBACK_IPV6):
        import ipaddress  # rare spellings only: keeps the common path free of the import

        try:
            return str(ipaddress.ip_network(text, strict=False))
        except ValueError:
            return text
    return text


def is_anywhere(block: str | Unset) -> bool:
    """Return whether a normalised CIDR block has prefix length 0 (`0.0.0.0/0`, `::/0`, host bits ignored)."""
    if type(block) is not str:
        return False
    if block in (ANYWHERE_IPV4, ANYWHERE_IPV6):
        return True
    address, _, prefix = block.rpartition("/")
    return prefix.strip() in ("0", "00") and bool(address) and (":" in address or address.count(".") == 3)


def describe_protocol(protocol: int | Unset) -> str:
    """Return the protocol as AWS prints it: `tcp`, `-1`, `50`."""
    if isinstance(protocol, Unset):
        return protocol.value
    return PROTOCOL_NAMES.get(protocol, str(protocol))


def reaches_port(protocol: int | Unset, low: int | Unset, high: int | Unset, port: int) -> bool:
    """Return whether traffic of `protocol` with ports `low`-`high` reaches `port` (AWS opens every port for -1
    and for protocols other than tcp, udp, icmp and icmpv6; tcp/udp without ports, or reversed, reach nothing)."""
    if type(protocol) is not int:
        return False
    if protocol in (TCP, UDP):
        return type(low) is int and type(high) is int and low <= port <= high
    return protocol not in (ICMP, ICMPV6)


def reached_ports(protocol: int | Unset, low: int | Unset, high: int | Unset, ports: Sequence[int]) -> tuple[int, ...]:
    """Return the ports of `ports` that `reaches_port` says the traffic reaches, in one pass."""
    if type(protocol) is not int or protocol in (ICMP, ICMPV6):
        return ()
    if protocol in (TCP, UDP):
        if type(low) is not int or type(high) is not int:
            return ()
        return tuple(port for port in ports if low <= port <= high)
    return tuple(ports)


def _bounded(value: Any, highest: int) -> int | Unset:
    """Return a whole number from -1 to `highest` given as int, float or text; UNKNOWN otherwise."""
    kind = type(value)
    if kind is str:
        value = _integer(value)
    elif kind is float and value.is_integer():
        value = int(value)
    elif kind is not int:
        return value if kind is Unset else UNKNOWN
    return value if type(value) is int and -1 <= value <= highest else UNKNOWN


def _integer(text: str) -> int | str:
    digits = text[1:] if text[:1] in "+-" else text
    return int(text) if digits.isdigit() and digits.isascii() and len(digits) < 10 else text
