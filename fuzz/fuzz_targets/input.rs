//! The input message parser (`input::InputMessage::parse`) on arbitrary
//! bodies, plus what a failure record keeps of a body it could not read.
#![no_main]

use fraudstat::input::{InputMessage, MAX_ID_BYTES, body_as_json, body_id};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match InputMessage::parse(data) {
        Ok(m) => {
            // What the worker relies on downstream: an http(s) URL of
            // bounded length, an id usable as an AMQP short string, and an
            // id that is stable for a redelivered copy.
            let scheme = m.url.url().scheme();
            assert!(scheme == "http" || scheme == "https", "{scheme}");
            assert!(!m.id.is_empty() && m.id.len() <= MAX_ID_BYTES);
            let again = InputMessage::parse(data).expect("parses twice");
            assert_eq!(again.id, m.id);
        }
        Err(e) => assert!(!e.0.is_empty()),
    }
    let _ = body_as_json(data);
    assert_eq!(body_id(data), body_id(data));
});
