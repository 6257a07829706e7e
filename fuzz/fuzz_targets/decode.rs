//! `decode::decode` on arbitrary bytes with an arbitrary `Content-Type`.
#![no_main]

use fraudstat::decode::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first line, if short, doubles as the Content-Type header.
    let (ct, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) if i < 80 => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        _ => (None, data),
    };
    let page = decode(body, ct);
    let _ = decode(data, None);
    assert!(!page.charset.is_empty());
});
