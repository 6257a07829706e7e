//! Settings load in the documented order and bad ones name themselves.

use std::path::{Path, PathBuf};

use fraudstat::configuration::{LogFormat, Settings, SettingsError};

fn config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config")
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_match_the_interface_contract() {
    let s = Settings::load_with_env(Some(&config_dir()), None, env(&[])).unwrap();
    assert_eq!(s.amqp.url, "amqp://guest:guest@127.0.0.1:5672/%2f");
    assert_eq!(s.queues.prefix, "fraudstat");
    assert!(!s.fetch.allow_private_addresses);
    assert_eq!(s.log.format, LogFormat::Auto);
    assert!(s.rule_path(&s.rules.lexicon).starts_with(config_dir()));
}

#[test]
fn environment_overrides_nested_keys() {
    let s = Settings::load_with_env(
        Some(&config_dir()),
        None,
        env(&[
            ("FRAUDSTAT_QUEUES__PREFIX", "test-123"),
            ("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES", "true"),
            ("FRAUDSTAT_FETCH__TIMEOUT_SECS", "7"),
            ("FRAUDSTAT_LOG__FORMAT", "pretty"),
            ("FRAUDSTAT_AMQP__URL", "amqp://u:p@broker:5672/%2f"),
        ]),
    )
    .unwrap();
    assert_eq!(s.queues.prefix, "test-123");
    assert!(s.fetch.allow_private_addresses);
    assert_eq!(s.fetch.timeout_secs, 7);
    assert_eq!(s.log.format, LogFormat::Pretty);
    assert_eq!(s.amqp.url, "amqp://u:p@broker:5672/%2f");
    // The password must not reach logs through Debug.
    assert!(!format!("{s:?}").contains("u:p@"));
}

#[test]
fn a_file_given_with_config_sits_between_defaults_and_environment() {
    let dir = std::env::temp_dir().join(format!("fraudstat-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("extra.toml");
    std::fs::write(
        &file,
        "[queues]\nprefix = \"fromfile\"\n[fetch]\ntimeout_secs = 9\n",
    )
    .unwrap();
    let s = Settings::load_with_env(
        Some(&config_dir()),
        Some(&file),
        env(&[("FRAUDSTAT_FETCH__TIMEOUT_SECS", "11")]),
    )
    .unwrap();
    assert_eq!(s.queues.prefix, "fromfile");
    assert_eq!(s.fetch.timeout_secs, 11);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_settings_stop_start_up_naming_the_setting() {
    let cases: &[(&str, &str, &str)] = &[
        ("FRAUDSTAT_FETCH__TIMEOUT_SECS", "abc", "fetch.timeout_secs"),
        ("FRAUDSTAT_FETCH__TIMEOUT_SECS", "0", "fetch.timeout_secs"),
        ("FRAUDSTAT_QUEUES__PREFIX", "has space", "queues.prefix"),
        ("FRAUDSTAT_AMQP__URL", "http://x", "amqp.url"),
        ("FRAUDSTAT_LOG__FORMAT", "xml", "log.format"),
        (
            "FRAUDSTAT_FETCH__MAX_BODY_BYTES",
            "10",
            "fetch.max_body_bytes",
        ),
    ];
    for (key, value, named) in cases {
        let err = Settings::load_with_env(Some(&config_dir()), None, env(&[(key, value)]))
            .expect_err(&format!("{key}={value} must be refused"));
        let msg = err.to_string();
        assert!(
            msg.contains(named),
            "{key}={value}: message {msg:?} does not name {named}"
        );
        if *value == "0" || *value == "has space" || *value == "http://x" || *value == "10" {
            assert!(matches!(err, SettingsError::Invalid { .. }));
        }
    }
}

#[test]
fn a_missing_config_directory_is_an_error_not_a_panic() {
    let err = Settings::load_with_env(Some(Path::new("/nonexistent/fraudstat")), None, env(&[]));
    assert!(err.is_err());
}

#[test]
fn the_rule_files_load_and_a_bad_one_names_its_key() {
    let s = Settings::load_with_env(Some(&config_dir()), None, env(&[])).unwrap();
    fraudstat::pipeline::Pipeline::load(&s).expect("the shipped rule files load");

    let dir = std::env::temp_dir().join(format!("fraudstat-decode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("decode.toml");
    std::fs::write(&bad, "fallback_encodings = [\"no-such-charset\"]\n").unwrap();
    let s = Settings::load_with_env(
        Some(&config_dir()),
        None,
        env(&[("FRAUDSTAT_RULES__DECODE", bad.to_str().unwrap())]),
    )
    .unwrap();
    let err = fraudstat::pipeline::Pipeline::load(&s).expect_err("unknown charset refused");
    assert!(err.to_string().contains("fallback_encodings"), "{err}");
    std::fs::write(&bad, "prescan_bytez = 1\n").unwrap();
    let err = fraudstat::pipeline::Pipeline::load(&s).expect_err("typo refused");
    assert!(err.to_string().contains("prescan_bytez"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The files built into the binary are exactly those of `config/`, byte
/// for byte, so the installed binary and a checkout behave the same.
#[test]
fn the_built_in_files_are_the_config_directory() {
    use fraudstat::configuration::built_in;
    let mut on_disk: Vec<String> = std::fs::read_dir(config_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml") || n.ends_with(".tsv"))
        .collect();
    on_disk.sort();
    let mut built: Vec<String> = built_in::FILES.iter().map(|(n, _)| n.to_string()).collect();
    built.sort();
    assert_eq!(built, on_disk);
    for (name, text) in built_in::FILES {
        assert_eq!(
            *text,
            std::fs::read_to_string(config_dir().join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn without_a_config_directory_the_built_in_files_are_used() {
    let s = Settings::load_with_env(None, None, env(&[])).unwrap();
    let lexicon = s.rule_path(&s.rules.lexicon);
    assert!(
        fraudstat::configuration::built_in::is_built_in(&lexicon),
        "{lexicon:?}"
    );
    fraudstat::pipeline::Pipeline::load(&s).expect("the built-in rules load");
}

/// A config directory holding only a `default.toml` changes settings; the
/// rules it lacks are the built-in ones.
#[test]
fn a_config_directory_need_hold_only_what_it_changes() {
    let dir = std::env::temp_dir().join(format!("fraudstat-partial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("default.toml"), "[queues]\nprefix = \"partial\"\n").unwrap();
    let s = Settings::load_with_env(Some(&dir), None, env(&[])).unwrap();
    assert_eq!(s.queues.prefix, "partial");
    assert_eq!(s.fetch.timeout_secs, 30, "the rest stays built in");
    fraudstat::pipeline::Pipeline::load(&s).expect("the built-in rules fill in");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A rule file read beside another (`extract-regions.toml` and
/// `gazetteer.tsv` beside `lexicon.toml`) is the config directory's when
/// the directory holds it alone: a broken one stops start-up, and a
/// changed one takes effect.
#[test]
fn a_config_directory_may_override_a_sibling_rule_file_alone() {
    let dir = std::env::temp_dir().join(format!("fraudstat-sibling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("extract-regions.toml"), "garbage = [\n").unwrap();
    let s = Settings::load_with_env(Some(&dir), None, env(&[])).unwrap();
    let err =
        fraudstat::pipeline::Pipeline::load(&s).expect_err("a broken regions file stops start-up");
    assert!(
        format!("{err}").contains("extract-regions.toml"),
        "the error names the file: {err}"
    );
    std::fs::remove_file(dir.join("extract-regions.toml")).unwrap();
    std::fs::write(dir.join("gazetteer.tsv"), "no tabs here\n").unwrap();
    assert!(
        fraudstat::pipeline::Pipeline::load(&s).is_err(),
        "a broken gazetteer stops start-up"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_settings_stop_start_up_with_the_closest_name() {
    let dir = std::env::temp_dir().join(format!("fraudstat-unknown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mine.toml");
    std::fs::write(&file, "[fetch]\nallow_private_address = true\n").unwrap();
    let err = Settings::load_with_env(None, Some(&file), env(&[])).unwrap_err();
    let SettingsError::Unknown(u) = &err else {
        panic!("not an unknown setting: {err}");
    };
    assert_eq!(u.name, "fetch.allow_private_address");
    assert_eq!(
        u.suggestion.as_deref(),
        Some("fetch.allow_private_addresses")
    );
    assert!(err.to_string().contains("mine.toml"), "{err}");

    // The same in a config directory's default.toml.
    std::fs::write(dir.join("default.toml"), "[worker]\nconcurency = 4\n").unwrap();
    let err = Settings::load_with_env(Some(&dir), None, env(&[])).unwrap_err();
    assert!(
        err.to_string().contains("did you mean worker.concurrency?"),
        "{err}"
    );

    for (name, meant) in [
        (
            "FRAUDSTAT_FETCH__TIMEOUT_SEC",
            "FRAUDSTAT_FETCH__TIMEOUT_SECS",
        ),
        (
            "FRAUDSTAT_FETCH_TIMEOUT_SECS",
            "FRAUDSTAT_FETCH__TIMEOUT_SECS",
        ),
        ("FRAUDSTAT_CONFIG_DIRECTORY", "FRAUDSTAT_CONFIG_DIR"),
    ] {
        let err = Settings::load_with_env(None, None, env(&[(name, "1")])).unwrap_err();
        assert!(
            err.to_string().contains(&format!("did you mean {meant}?")),
            "{name}: {err}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The metric ids live in three places: the lexicon the extractor
/// publishes from, the spec's taxonomy (`docs/statistics.md`) and the gold
/// validator (`scripts/validate-gold.py`). A misspelt id in the lexicon
/// would be published as is, so the three must name the same set.
#[test]
fn metric_ids_agree_between_lexicon_spec_and_gold_validator() {
    use std::collections::BTreeSet;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();

    let lexicon: toml::Value = toml::from_str(&read("config/lexicon.toml")).unwrap();
    let mut from_lexicon: BTreeSet<String> = lexicon["metric"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    from_lexicon.insert("other".into());

    let spec = read("docs/statistics.md");
    let taxonomy = spec
        .split("## Taxonomy of `metric`")
        .nth(1)
        .expect("the spec has a taxonomy section");
    let from_spec: BTreeSet<String> = taxonomy
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();

    let validator = read("scripts/validate-gold.py");
    let list = validator
        .split("METRICS = set(\"\"\"")
        .nth(1)
        .and_then(|rest| rest.split("\"\"\"").next())
        .expect("validate-gold.py lists METRICS");
    let from_validator: BTreeSet<String> = list.split_whitespace().map(str::to_string).collect();

    // Every lexicon id is in the spec; the spec and the validator agree.
    let unknown: Vec<_> = from_lexicon.difference(&from_spec).collect();
    assert!(
        unknown.is_empty(),
        "lexicon ids not in the spec: {unknown:?}"
    );
    assert_eq!(from_spec, from_validator, "spec vs validate-gold.py");
}
