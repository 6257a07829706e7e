//! Refusing settings that do not exist.
//!
//! The built-in `default.toml` sets every setting there is, so its keys are
//! the list of valid names. A key in a settings file or a `FRAUDSTAT_`
//! variable outside that list is a mistake; it is refused with the nearest
//! valid name, the way cargo and git answer a mistyped subcommand.

use std::collections::BTreeSet;
use std::path::Path;

use super::ENV_PREFIX;

/// A setting named in a file or the environment that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration: unknown setting {name} in {origin}{}", hint(.suggestion))]
pub struct UnknownSetting {
    /// The name as written (`fetch.allow_private_address`,
    /// `FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESS`).
    pub name: String,
    /// The file or "the environment".
    pub origin: String,
    /// The closest valid name, written the same way, if one is close.
    pub suggestion: Option<String>,
}

fn hint(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean {s}?"),
        None => "; `fraudstat settings` lists every setting".to_string(),
    }
}

/// Variables starting with `FRAUDSTAT_` that are not settings but are read
/// by the binary itself.
const OTHER_VARIABLES: &[&str] = &["FRAUDSTAT_CONFIG_DIR"];

/// The valid dotted keys (`fetch.timeout_secs`).
pub(super) struct Known {
    keys: BTreeSet<String>,
    sections: BTreeSet<String>,
    /// Every valid variable name, for suggestions.
    env_names: Vec<String>,
}

impl Known {
    /// The keys of the built-in defaults.
    pub(super) fn from_defaults(defaults: &str) -> Known {
        let table: toml::Table =
            toml::from_str(defaults).expect("the built-in default.toml parses");
        let mut keys = BTreeSet::new();
        flatten("", &table, &mut keys);
        let sections = table.keys().cloned().collect();
        let env_names = keys
            .iter()
            .map(|k| env_name(k))
            .chain(OTHER_VARIABLES.iter().map(|s| s.to_string()))
            .collect();
        Known {
            keys,
            sections,
            env_names,
        }
    }

    /// Refuses any key of a settings file that is not a setting.
    pub(super) fn check_file(&self, path: &Path, text: &str) -> Result<(), UnknownSetting> {
        // A file that does not parse is reported by the loader, with the
        // line; only its names are judged here.
        let Ok(table) = toml::from_str::<toml::Table>(text) else {
            return Ok(());
        };
        let mut keys = BTreeSet::new();
        flatten("", &table, &mut keys);
        match keys
            .iter()
            .find(|k| !self.keys.contains(*k) && !self.is_section(k))
        {
            Some(key) => Err(UnknownSetting {
                name: key.clone(),
                origin: path.display().to_string(),
                suggestion: closest(key, self.keys.iter().map(String::as_str)).map(str::to_string),
            }),
            None => Ok(()),
        }
    }

    /// Refuses a `FRAUDSTAT_` variable that looks like a setting but is not
    /// one. Variables that do not look like settings at all (a test
    /// harness's `FRAUDSTAT_SOAK_SECS`) are left alone: the prefix is
    /// shared with the project's scripts.
    pub(super) fn check_env(&self, name: &str) -> Result<(), UnknownSetting> {
        let Some(rest) = name
            .strip_prefix(ENV_PREFIX)
            .and_then(|r| r.strip_prefix('_'))
        else {
            return Ok(());
        };
        if OTHER_VARIABLES.contains(&name) {
            return Ok(());
        }
        let suggestion =
            || closest(name, self.env_names.iter().map(String::as_str)).map(str::to_string);
        let unknown = |suggestion| UnknownSetting {
            name: name.to_string(),
            origin: "the environment".to_string(),
            suggestion,
        };
        if rest.contains("__") {
            let key = rest.to_lowercase().replace("__", ".");
            if self.keys.contains(&key) {
                return Ok(());
            }
            return Err(unknown(suggestion()));
        }
        // One underscore where two belong, or a near miss of a valid name.
        let lower = rest.to_lowercase();
        let names_a_section = self
            .sections
            .iter()
            .any(|s| lower.starts_with(&format!("{s}_")));
        match suggestion() {
            Some(s) => Err(unknown(Some(s))),
            None if names_a_section => Err(unknown(None)),
            None => Ok(()),
        }
    }

    fn is_section(&self, key: &str) -> bool {
        self.sections.contains(key)
    }
}

/// `fetch.timeout_secs` → `FRAUDSTAT_FETCH__TIMEOUT_SECS`.
fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}_{}", key.replace('.', "__").to_uppercase())
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeSet<String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            _ => {
                out.insert(key);
            }
        }
    }
}

/// The candidate nearest to `name` if it is near enough to be what was
/// meant: at most a third of the name's length in edits (and at most 4),
/// or a word cut short or run on (`…_CONFIG_DIRECTORY` for `…_CONFIG_DIR`).
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let budget = (name.chars().count() / 3).clamp(1, 4);
    let name = name.to_lowercase();
    candidates
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let distance = strsim::levenshtein(&name, &lower);
            let cut_or_run_on = name.starts_with(&lower) || lower.starts_with(&name);
            (distance <= budget || cut_or_run_on).then_some((distance, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known::from_defaults(super::super::built_in::file("default.toml").unwrap())
    }

    #[test]
    fn every_default_is_known_and_a_typo_is_not() {
        let k = known();
        assert!(k.keys.contains("fetch.allow_private_addresses"));
        assert!(
            k.check_env("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES")
                .is_ok()
        );
        let e = k
            .check_env("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESS")
            .unwrap_err();
        assert_eq!(
            e.suggestion.as_deref(),
            Some("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES")
        );
    }

    #[test]
    fn one_underscore_for_two_and_near_misses_are_caught() {
        let k = known();
        let e = k.check_env("FRAUDSTAT_FETCH_TIMEOUT_SECS").unwrap_err();
        assert_eq!(
            e.suggestion.as_deref(),
            Some("FRAUDSTAT_FETCH__TIMEOUT_SECS")
        );
        assert!(k.check_env("FRAUDSTAT_CONFIG_DIRS").is_err());
        assert!(
            k.check_env("FRAUDSTAT_WORKER_SOMETHING_ELSE_ENTIRELY")
                .is_err()
        );
        // The project's scripts' own variables are not settings.
        assert!(k.check_env("FRAUDSTAT_SOAK_SECS").is_ok());
        assert!(k.check_env("FRAUDSTAT_CONFIG_DIR").is_ok());
        assert!(k.check_env("FRAUDSTATX").is_ok());
    }

    #[test]
    fn files_are_checked_key_by_key() {
        let k = known();
        let p = Path::new("mine.toml");
        assert!(k.check_file(p, "[fetch]\ntimeout_secs = 3\n").is_ok());
        let e = k.check_file(p, "[fetch]\ntimeout_sec = 3\n").unwrap_err();
        assert_eq!(e.name, "fetch.timeout_sec");
        assert_eq!(e.suggestion.as_deref(), Some("fetch.timeout_secs"));
        let e = k.check_file(p, "[fetchh]\ntimeout_secs = 3\n").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("fetch.timeout_secs"));
        assert!(e.to_string().contains("mine.toml"), "{e}");
    }
}
