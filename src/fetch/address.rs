//! Which IP addresses a worker may connect to.
//!
//! A URL in the queue comes from outside; without this check it could make
//! the worker reach the cloud metadata service (169.254.169.254), the broker's
//! management port or anything else on its own network.
//!
//! The reference is IANA's special-purpose address registries (IPv4 and
//! IPv6: <https://www.iana.org/assignments/iana-ipv4-special-registry> and
//! <https://www.iana.org/assignments/iana-ipv6-special-registry>).
//!
//! IPv6 is judged by allow-list: only global unicast, `2000::/3`, can be
//! public, because IANA hands out unicast space from nowhere else. So
//! everything outside it is refused without listing it, and a block IANA
//! reserves there later is refused before anyone writes it down here:
//! `::/128`, `::1`, IPv4-compatible `::/96`, IPv4-translated
//! `::ffff:0:0:0/96` (RFC 2765), local-use NAT64 `64:ff9b:1::/48`
//! (RFC 8215: its operator picks where the IPv4 address sits, so it cannot
//! be read back), discard-only `100::/64`, SRv6 SIDs `5f00::/16`, unique
//! local `fc00::/7`, link-local `fe80::/10`, site-local `fec0::/10`,
//! multicast `ff00::/8`. Two forms outside `2000::/3` carry an IPv4
//! address that is reached instead, and are judged as that address:
//! IPv4-mapped `::ffff:0:0/96` (the kernel dials IPv4) and the well-known
//! NAT64 prefix `64:ff9b::/96` (RFC 6052; IANA lists it as globally
//! reachable, a translator forwards to the embedded address).
//!
//! Inside `2000::/3`, [`REFUSED_V6`] lists the blocks that are not hosts a
//! worker has business with. 6to4 (`2002::/16`) and Teredo (`2001::/32`)
//! also embed IPv4 addresses, but they are refused whatever those are
//! rather than judged by them: 6to4 is deprecated (RFC 7526), Teredo is a
//! client-side NAT traversal no web server is reached through, IANA marks
//! neither as globally reachable, a site on either is reachable at its IPv4
//! address directly, and reading the embedded address right for every
//! relay and NAT flavour is more code to get wrong than refusing costs.
//!
//! `fetch.allowed_networks` is matched against the address as dialled, so
//! allowing `10.0.0.0/8` does not open the 6to4 or NAT64 spelling of a
//! `10.x` address, and allowing such a spelling has to be done explicitly.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// True when `ip` is routable on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast (RFC 7526: deprecated)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18/15
        || a >= 240) // reserved
}

/// Global unicast, the only IPv6 space that can hold a public address.
const GLOBAL_UNICAST: Network = Network::v6(0x2000, 0, 3);

/// The well-known NAT64 prefix, `64:ff9b::/96`: the last 32 bits are the
/// IPv4 address a translator connects to.
const NAT64_WELL_KNOWN: Network = Network::v6(0x0064, 0xff9b, 96);

/// Blocks inside `2000::/3` that are refused, from IANA's IPv6
/// special-purpose registry. What lies outside `2000::/3` needs no entry:
/// it is refused as a whole.
const REFUSED_V6: [(Network, &str); 4] = [
    // The whole IETF block rather than its entries one by one: Teredo
    // 2001::/32, benchmarking 2001:2::/48, ORCHID 2001:10::/28, ORCHIDv2
    // 2001:20::/28, and anycast and AS112 services no article is served
    // from (real allocations begin at 2001:200::).
    (
        Network::v6(0x2001, 0, 23),
        "IETF protocol assignments (RFC 2928), Teredo included",
    ),
    (Network::v6(0x2001, 0x0db8, 32), "documentation (RFC 3849)"),
    (
        Network::v6(0x2002, 0, 16),
        "6to4 (RFC 3056, deprecated by RFC 7526)",
    ),
    (Network::v6(0x3fff, 0, 20), "documentation (RFC 9637)"),
];

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // An IPv4 address hiding in IPv6 clothes is judged as the IPv4 address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    if NAT64_WELL_KNOWN.contains(IpAddr::V6(ip)) {
        let [.., a, b, c, d] = ip.octets();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    GLOBAL_UNICAST.contains(IpAddr::V6(ip))
        && !REFUSED_V6
            .iter()
            .any(|(net, _)| net.contains(IpAddr::V6(ip)))
}

/// A network an operator allows despite it not being public (an in-cluster
/// source), written as `10.0.0.0/8`, `fd00::/8` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// The IPv6 network whose first two 16-bit groups are `a` and `b`.
    const fn v6(a: u16, b: u16, prefix: u8) -> Self {
        Self {
            addr: IpAddr::V6(Ipv6Addr::new(a, b, 0, 0, 0, 0, 0, 0)),
            prefix,
        }
    }

    /// Parses `addr` or `addr/prefix`; `None` when it is neither.
    pub fn parse(s: &str) -> Option<Self> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (s.trim().parse::<IpAddr>().ok()?, None),
        };
        let addr = canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { addr, prefix })
    }

    /// True when `ip` lies in this network (IPv4-mapped IPv6 counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 addresses as the IPv4 address they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// Which addresses a fetcher may connect to: public ones, plus the
/// networks the operator allowed, or everything when private addresses are
/// switched on.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    allow_all: bool,
    allowed: Vec<Network>,
}

impl AddressPolicy {
    /// Builds the policy; unparsable networks were refused by settings
    /// validation already and are skipped here.
    pub fn new(allow_all: bool, networks: &[String]) -> Self {
        Self {
            allow_all,
            allowed: networks.iter().filter_map(|n| Network::parse(n)).collect(),
        }
    }

    /// True when every address may be fetched.
    pub fn allows_all(&self) -> bool {
        self.allow_all
    }

    /// True when a connection to `ip` is allowed.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.allow_all || is_public(ip) || self.allowed.iter().any(|n| n.contains(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_public_addresses() {
        for s in [
            "127.0.0.1",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::7f00:1",
            "255.255.255.255",
        ] {
            let ip: IpAddr = s.parse().unwrap();
            assert!(!is_public(ip), "{s} should be refused");
        }
    }

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    /// Each special-purpose block: an address inside is refused, and the
    /// nearest public neighbour (where there is one) is allowed, so a
    /// block written too wide would show.
    #[test]
    fn special_purpose_ipv6_blocks_are_refused_and_their_neighbours_are_not() {
        for (inside, neighbour, what) in [
            // 6to4 embedding 169.254.169.254, and one embedding 8.8.8.8:
            // refused whatever it embeds.
            ("2002:a9fe:a9fe::1", Some("2003::1"), "6to4"),
            (
                "2002:808:808::1",
                Some("2001:1fff:ffff::1"),
                "6to4 (public v4)",
            ),
            // Teredo: server 65.54.227.120, client 192.0.2.45 (RFC 4380's
            // example), and one whose client is 127.0.0.1.
            (
                "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                Some("2001:200::1"),
                "Teredo",
            ),
            ("2001:0:4136:e378:8000:63bf:80ff:fffe", None, "Teredo"),
            ("2001:2::1", None, "benchmarking"),
            ("2001:10::1", None, "ORCHID"),
            ("2001:20::1", None, "ORCHIDv2"),
            ("2001:1ff:ffff::1", Some("2001:200::1"), "IETF block's end"),
            ("2001:db8::1", Some("2001:db9::1"), "documentation"),
            (
                "2001:db8:ffff::1",
                Some("2001:db7:ffff::1"),
                "documentation",
            ),
            ("3fff::1", Some("3fff:1000::1"), "documentation 3fff::/20"),
            (
                "3fff:fff:ffff::1",
                Some("3ffe::1"),
                "documentation 3fff::/20",
            ),
            // Outside 2000::/3 nothing is public; the neighbour is the
            // public form next to it where one exists.
            (
                "64:ff9b:1::a9fe:a9fe",
                Some("64:ff9b::808:808"),
                "local NAT64",
            ),
            ("64:ff9b:1::808:808", None, "local NAT64 (public v4)"),
            (
                "::ffff:0:a9fe:a9fe",
                Some("::ffff:8.8.8.8"),
                "IPv4-translated",
            ),
            ("::ffff:0:808:808", None, "IPv4-translated (public v4)"),
            ("100::1", None, "discard-only"),
            ("100::ffff:ffff:ffff:ffff", None, "discard-only"),
            ("100:0:0:1::1", None, "dummy prefix"),
            ("5f00::1", None, "SRv6 SIDs"),
            ("fc00::1", None, "unique local"),
            ("fdff:ffff::1", None, "unique local"),
            ("fe80::1", None, "link-local"),
            ("febf::1", None, "link-local"),
            ("fec0::1", None, "site-local"),
            ("feff::1", None, "site-local"),
            ("ff02::1", None, "multicast"),
            ("ff0e::1", None, "multicast"),
            ("::", None, "unspecified"),
            ("::1", None, "loopback"),
            ("::127.0.0.1", None, "IPv4-compatible"),
            ("::8.8.8.8", None, "IPv4-compatible (public v4)"),
            (
                "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                Some("2000::1"),
                "below 2000::/3",
            ),
            ("4000::1", Some("3fff:ffff::1"), "above 2000::/3"),
        ] {
            assert!(!public(inside), "{inside} ({what}) should be refused");
            if let Some(n) = neighbour {
                assert!(public(n), "{n} (next to {what}) should be allowed");
            }
        }
    }

    #[test]
    fn well_known_nat64_and_mapped_addresses_are_judged_by_their_ipv4() {
        for (ip, want) in [
            ("64:ff9b::808:808", true),
            ("64:ff9b::a9fe:a9fe", false),
            ("64:ff9b::a00:1", false),
            ("64:ff9b::c058:6301", false),
            ("::ffff:8.8.8.8", true),
            ("::ffff:169.254.169.254", false),
            ("::ffff:192.88.99.1", false),
        ] {
            assert_eq!(public(ip), want, "{ip}");
        }
        // Only the /96 embeds an address: the rest of 64:ff9b::/32 is not
        // the well-known prefix, and lies outside 2000::/3.
        assert!(!public("64:ff9b:0:0:1::808:808"));
    }

    #[test]
    fn the_6to4_relay_anycast_block_is_refused() {
        assert!(!public("192.88.99.1"));
        assert!(!public("192.88.99.255"));
        assert!(public("192.88.98.1"));
        assert!(public("192.88.100.1"));
    }

    #[test]
    fn every_refused_block_lies_in_global_unicast() {
        for (net, what) in REFUSED_V6 {
            assert!(GLOBAL_UNICAST.contains(net.addr), "{what}");
        }
    }

    #[test]
    fn allows_public_addresses() {
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "203.119.1.1",
            "2400:3200::1",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = s.parse().unwrap();
            assert!(is_public(ip), "{s} should be allowed");
        }
    }

    #[test]
    fn allowed_networks_open_only_themselves() {
        let p = AddressPolicy::new(false, &["127.0.0.1".into(), "10.0.0.0/8".into()]);
        assert!(p.allows("127.0.0.1".parse().unwrap()));
        assert!(p.allows("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!p.allows("127.0.0.2".parse().unwrap()));
        assert!(p.allows("10.200.1.1".parse().unwrap()));
        assert!(!p.allows("169.254.169.254".parse().unwrap()));
        assert!(!p.allows("::1".parse().unwrap()));
        assert!(Network::parse("10.0.0.0/33").is_none());
        assert!(Network::parse("nonsense").is_none());
        assert!(Network::parse("::/0").is_some_and(|n| n.contains("::1".parse().unwrap())));
    }

    #[test]
    fn allowed_networks_open_refused_ipv6_blocks_only_where_listed() {
        let p = AddressPolicy::new(
            false,
            &[
                "fd00:10::/32".into(),
                "2002:a00:1::/48".into(),
                "10.0.0.0/8".into(),
            ],
        );
        let allows = |s: &str| p.allows(s.parse().unwrap());
        assert!(allows("fd00:10::5"));
        assert!(!allows("fd00:11::5"));
        assert!(allows("2002:a00:1::1"));
        assert!(!allows("2002:a9fe:a9fe::1"));
        // An IPv4 network opens the address dialled as IPv4 (mapped
        // included), not the transition spellings of it.
        assert!(allows("10.0.0.1"));
        assert!(allows("::ffff:10.0.0.1"));
        assert!(!allows("64:ff9b::a00:1"));
        assert!(!allows("::ffff:0:a00:1"));
        // Public addresses need no listing.
        assert!(allows("2400:3200::1"));
        assert!(allows("8.8.8.8"));
    }
}
