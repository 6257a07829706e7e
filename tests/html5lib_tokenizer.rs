//! The html5lib tokenizer tests (tests/fixtures/html5lib, MIT licence in
//! its LICENSE, from html5lib-tests 224991ec; test3 gzipped) through our tokenizer
//! (`fraudstat::clean::html::html5lib_tokens`).
//!
//! Compared: start tags (name, attributes, self-closing flag), end tags
//! (name) and character data, adjacent characters merged. Not compared:
//! parse errors, comment data and doctypes (the tree builder reads none of
//! them; the tokens after a comment or doctype are compared, so where each
//! one ends is). Skipped, by rule (see `skip_reason`) or by name
//! (`SKIPPED`), with the reason each time; the test fails if a test not
//! skipped fails, if a test skipped by name passes (take it off the list),
//! or if fewer than `PASS_FLOOR` pass.

use std::path::Path;

use fraudstat::clean::html::html5lib_tokens;
use serde_json::Value;

/// Files run (all of their tests, less the skipped ones).
const FILES: &[&str] = &[
    "test1.test",
    "test2.test",
    "test3.test.gz",
    "test4.test",
    "escapeFlag.test",
    "contentModelFlags.test",
    "domjs.test",
    "entities.test",
    "numericEntities.test",
    "unicodeChars.test",
];

/// Tests passing at least (raise it when the count goes up).
const PASS_FLOOR: usize = 2694;

/// Tests skipped by `file: description`, each with why its difference does
/// not matter to the tree builder. Every one must still fail.
const SKIPPED: &[(&str, &str)] = &[];

/// Why a whole class of tests is skipped, or `None` to run it.
fn skip_reason(state: &str, input: &str) -> Option<&'static str> {
    if state == "CDATA section state" {
        // CDATA sections exist only in foreign content (SVG, MathML), whose
        // content the tree builder drops whole.
        return Some("CDATA section state: only in foreign content, dropped");
    }
    if input.contains('\0') {
        // The tokenizer passes NUL through; the tree builder drops it in
        // every state, where the Standard keeps U+FFFD in RCDATA, RAWTEXT,
        // script data, tag and attribute names: no visible text differs.
        return Some("NUL: dropped by the tree builder, not replaced");
    }
    None
}

/// Undoes the `\uXXXX` escaping of `doubleEscaped` tests; `None` for a lone
/// surrogate, which no Rust string holds (decoding replaces it first).
fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("\\u") {
        out.push_str(&rest[..at]);
        let hex = rest.get(at + 2..at + 6)?;
        let code = u32::from_str_radix(hex, 16).ok()?;
        out.push(char::from_u32(code)?);
        rest = &rest[at + 6..];
    }
    out.push_str(rest);
    Some(out)
}

fn unescape_value(v: &Value) -> Option<Value> {
    Some(match v {
        Value::String(s) => Value::String(unescape(s)?),
        Value::Array(a) => Value::Array(a.iter().map(unescape_value).collect::<Option<_>>()?),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| Some((unescape(k)?, unescape_value(v)?)))
                .collect::<Option<_>>()?,
        ),
        other => other.clone(),
    })
}

/// The expected tokens as compared: no comments, doctypes or parse errors,
/// adjacent characters merged, a `false` self-closing flag dropped.
fn expected(output: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for tok in output {
        let Some(t) = tok.as_array() else { continue };
        match t.first().and_then(Value::as_str) {
            Some("Character") => {
                let s = t.get(1).and_then(Value::as_str).unwrap_or_default();
                if let Some(Value::Array(prev)) = out.last_mut()
                    && prev.first().and_then(Value::as_str) == Some("Character")
                {
                    let joined = format!("{}{s}", prev[1].as_str().unwrap_or_default());
                    prev[1] = Value::String(joined);
                } else {
                    out.push(serde_json::json!(["Character", s]));
                }
            }
            Some("StartTag") => {
                let mut t = t.clone();
                if t.get(3) == Some(&Value::Bool(false)) {
                    t.truncate(3);
                }
                out.push(Value::Array(t));
            }
            Some("EndTag") => out.push(Value::Array(t.clone())),
            _ => {}
        }
    }
    out
}

/// A test file, gunzipped if its name ends in `.gz` (test3, 350 KB raw).
fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("html5lib test file");
    if path.extension().is_some_and(|e| e == "gz") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
            .expect("gzip");
        text
    } else {
        String::from_utf8(bytes).expect("UTF-8")
    }
}

#[test]
fn html5lib_tokenizer_tests_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html5lib");
    let (mut passed, mut skipped, mut failed) = (0usize, 0usize, Vec::new());
    let mut skipped_by_reason: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut listed_but_passing = Vec::new();
    for file in FILES {
        let text = read(&dir.join(file));
        let doc: Value = serde_json::from_str(&text).expect("html5lib JSON");
        let tests = doc["tests"].as_array().expect("tests");
        for t in tests {
            let desc = t["description"].as_str().unwrap_or_default();
            let double = t["doubleEscaped"].as_bool().unwrap_or(false);
            let (input, output) = if double {
                match (
                    unescape(t["input"].as_str().unwrap_or_default()),
                    unescape_value(&t["output"]),
                ) {
                    (Some(i), Some(o)) => (i, o),
                    _ => {
                        skipped += 1;
                        *skipped_by_reason
                            .entry("lone surrogate: no Rust string holds one")
                            .or_default() += t["initialStates"].as_array().map_or(1, Vec::len);
                        continue;
                    }
                }
            } else {
                (
                    t["input"].as_str().unwrap_or_default().to_string(),
                    t["output"].clone(),
                )
            };
            let want = expected(output.as_array().map(Vec::as_slice).unwrap_or_default());
            let states: Vec<&str> = match t["initialStates"].as_array() {
                Some(s) => s.iter().filter_map(Value::as_str).collect(),
                None => vec!["Data state"],
            };
            for state in states {
                if let Some(why) = skip_reason(state, &input) {
                    skipped += 1;
                    *skipped_by_reason.entry(why).or_default() += 1;
                    continue;
                }
                let got = html5lib_tokens(&input, state, t["lastStartTag"].as_str())
                    .expect("a state the harness knows");
                let listed = SKIPPED.iter().any(|(f, d)| *f == *file && *d == desc);
                let ok = got == want;
                if listed {
                    skipped += 1;
                    *skipped_by_reason.entry("listed in SKIPPED").or_default() += 1;
                    if ok {
                        listed_but_passing.push(format!("{file}: {desc}"));
                    }
                } else if ok {
                    passed += 1;
                } else {
                    failed.push(format!(
                        "{file}: {desc} [{state}]\n  input {input:?}\n  want  {}\n  got   {}",
                        Value::Array(want.clone()),
                        Value::Array(got)
                    ));
                }
            }
        }
    }
    println!(
        "html5lib tokenizer: {passed} passed, {skipped} skipped, {} failed",
        failed.len()
    );
    for (why, n) in &skipped_by_reason {
        println!("  skipped {n}: {why}");
    }
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    assert!(
        listed_but_passing.is_empty(),
        "skipped by name but passing now (take them off SKIPPED): {listed_but_passing:?}"
    );
    assert!(
        passed >= PASS_FLOOR,
        "{passed} passed, fewer than {PASS_FLOOR}"
    );
}
