"""The guard's address rule over the whole address space (Hypothesis) and a table of the
addresses attackers actually use. The oracle is written independently of the guard: IANA's
special-purpose registries, `is_global`, and the IPv4 address inside translated IPv6 forms."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policypulse.harvest.guard import checked_addresses, refusal

# RFC 6890 / IANA special-purpose blocks that are never a publisher's web server, and the
# deprecated IPv6 forms (IPv4-compatible, site-local) no one should still publish on.
NOT_PUBLIC = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "192.88.99.0/24", "::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "fec0::/10", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32",
        "fc00::/7", "fe80::/10", "ff00::/8",
    )
]  # fmt: skip


def v4_inside(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(address.packed[-4:])
    return None


def publicly_routable(address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and v4_inside(address) is not None:
        return publicly_routable(v4_inside(address))
    return (
        address.is_global
        and not address.is_multicast
        and not any(address.version == n.version and address in n for n in NOT_PUBLIC)
    )


interesting_v4 = st.one_of(
    st.ip_addresses(v=4),
    *(st.ip_addresses(network=str(n)) for n in NOT_PUBLIC if n.version == 4),
)
embedding_v6 = interesting_v4.flatmap(
    lambda v4: st.sampled_from(
        [
            ipaddress.IPv6Address(f"::ffff:{v4}"),
            ipaddress.IPv6Address((0x2002 << 112) | (int(v4) << 80)),  # 6to4
            ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(v4)),  # NAT64
            ipaddress.IPv6Address(int(v4)),  # IPv4-compatible
        ]
    )
)
interesting_v6 = st.one_of(
    st.ip_addresses(v=6),
    embedding_v6,
    *(st.ip_addresses(network=str(n)) for n in NOT_PUBLIC if n.version == 6),
)


@settings(max_examples=400)
@given(st.one_of(interesting_v4, interesting_v6))
def test_the_guard_never_allows_an_address_that_is_not_public(address):
    if refusal(address) is None:
        assert publicly_routable(address), address
    else:
        assert not publicly_routable(address), address  # and nothing public is refused


@settings(max_examples=100)
@given(st.lists(st.one_of(interesting_v4, interesting_v6), min_size=1, max_size=4))
def test_an_answer_passes_only_when_every_address_in_it_is_public(answers):
    strings = [str(a) for a in answers]
    try:
        allowed = checked_addresses("name.example", 80, lambda host, port: strings, False)
    except Exception as exc:  # noqa: BLE001 - the assertion says which exception is allowed
        assert getattr(exc, "reason", "") == "private-address"
        assert not all(publicly_routable(a) for a in answers)
    else:
        assert allowed == strings and all(publicly_routable(a) for a in answers)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254",
        "100.100.100.200", "100.64.0.1", "0.0.0.0", "255.255.255.255", "224.0.0.251",
        "198.18.0.1", "192.0.0.170", "::1", "::", "fe80::1", "fd00:ec2::254", "fec0::1",
        "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "2002:7f00:1::",
        "2002:a9fe:a9fe::1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",
        "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1",
    ],
)  # fmt: skip
def test_attack_addresses_are_refused(address):
    assert refusal(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "151.101.0.144", "2606:4700:4700::1111", "2a00:1450:4009:81d::200e",
     "64:ff9b::808:808", "::ffff:151.101.0.144", "2002:808:808::1"],
)  # fmt: skip
def test_public_addresses_are_allowed(address):
    assert refusal(ipaddress.ip_address(address)) is None


def test_allow_private_networks_lets_loopback_through():
    assert checked_addresses("localhost", 80, lambda h, p: ["127.0.0.1"], True) == ["127.0.0.1"]
