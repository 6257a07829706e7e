//! The settings and rule files of `config/`, compiled into the binary.
//!
//! An installed `fraudstat` must run from any directory, so it cannot rely
//! on finding `config/` next to it. Every file of that directory is built in
//! here; a config directory given with `--config-dir` (or
//! `FRAUDSTAT_CONFIG_DIR`) need only hold the files it changes, and each
//! file it lacks is the built-in one.
//!
//! Rule loaders take paths, as they always did: a file that comes from the
//! binary has a path under the virtual directory [`DIR`], and [`read`] is
//! the one function that turns any rule path into text.

use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};

/// The directory name under which built-in files appear in paths and
/// error messages. No real directory has this name.
pub const DIR: &str = "<built-in>";

/// Every built-in file by name. `tests/configuration.rs` checks that this
/// is exactly the `.toml` and `.tsv` files of `config/`.
pub const FILES: &[(&str, &str)] = &[
    ("default.toml", include_str!("../../config/default.toml")),
    ("clean.toml", include_str!("../../config/clean.toml")),
    ("html.toml", include_str!("../../config/html.toml")),
    ("decode.toml", include_str!("../../config/decode.toml")),
    ("lexicon.toml", include_str!("../../config/lexicon.toml")),
    (
        "extract-periods.toml",
        include_str!("../../config/extract-periods.toml"),
    ),
    (
        "extract-regions.toml",
        include_str!("../../config/extract-regions.toml"),
    ),
    ("gazetteer.tsv", include_str!("../../config/gazetteer.tsv")),
];

/// The built-in file called `name`, if there is one.
pub fn file(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The virtual path of the built-in file `name`.
pub fn path(name: impl AsRef<Path>) -> PathBuf {
    Path::new(DIR).join(name)
}

/// True when `path` names a built-in file rather than one on disk.
pub fn is_built_in(path: &Path) -> bool {
    path.starts_with(DIR)
}

/// Reads a rule or settings file: a virtual path from the binary, a real
/// one from disk. A real path whose directory exists but lacks the file
/// falls back to the built-in file of the same name, so a config directory
/// may hold only what it changes; a missing directory stays an error, since
/// that is a mistyped path rather than a partial override.
pub fn read(path: &Path) -> io::Result<Cow<'static, str>> {
    let built_in = || {
        path.file_name()
            .and_then(|n| n.to_str())
            .and_then(file)
            .map(Cow::Borrowed)
    };
    if is_built_in(path) {
        return built_in().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("no built-in file {}", path.display()),
            )
        });
    }
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Cow::Owned(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir_exists = path
                .parent()
                .is_some_and(|d| d.as_os_str().is_empty() || d.is_dir());
            match built_in() {
                Some(text) if dir_exists => Ok(text),
                _ => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// Reads a rule file as [`read`] does, naming the file in the error: the
/// one way every loader (cleaning, HTML, lexicon, gazetteer, decoding)
/// opens its file.
pub fn read_rule_file(path: &Path) -> Result<Cow<'static, str>, crate::error::ConfigError> {
    read(path).map_err(|source| crate::error::ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// A rule file next to `path` (the lexicon's siblings, the HTML rules
/// beside `clean.toml`): `name` in the same directory.
pub fn sibling(path: &Path, name: &str) -> std::path::PathBuf {
    path.parent()
        .map(|p| p.join(name))
        .unwrap_or_else(|| std::path::PathBuf::from(name))
}

/// Writes every built-in file into `dir` (created if missing) for a user to
/// edit; refuses to overwrite a file already there. Returns how many were
/// written.
pub fn export(dir: &Path) -> io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    for (name, _) in FILES {
        if dir.join(name).exists() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists; not overwriting it", dir.join(name).display()),
            ));
        }
    }
    for (name, text) in FILES {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(FILES.len())
}

/// Where [`read`] takes `path` from, for `fraudstat settings`.
pub fn origin(path: &Path) -> String {
    if is_built_in(path) || (!path.exists() && read(path).is_ok()) {
        format!(
            "built in ({})",
            path.file_name().unwrap_or_default().to_string_lossy()
        )
    } else {
        path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_paths_read_the_binary() {
        let text = read(&path("lexicon.toml")).unwrap();
        assert_eq!(text, file("lexicon.toml").unwrap());
        assert!(read(&path("nothing.toml")).is_err());
    }

    #[test]
    fn a_directory_lacking_a_file_falls_back_but_a_missing_directory_does_not() {
        let dir = std::env::temp_dir().join(format!("fraudstat-built-in-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("clean.toml"), "# mine").unwrap();
        assert_eq!(read(&dir.join("clean.toml")).unwrap(), "# mine");
        assert_eq!(
            read(&dir.join("html.toml")).unwrap(),
            file("html.toml").unwrap()
        );
        assert!(read(&dir.join("mine.toml")).is_err(), "not a built-in name");
        assert!(read(&dir.join("missing-dir/html.toml")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
