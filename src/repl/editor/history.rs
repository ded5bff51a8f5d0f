//! Where the REPL keeps its history between sessions.

use std::path::{Path, PathBuf};

/// The history file: `THR_HISTORY` when set (empty: no history), else
/// `$XDG_STATE_HOME/thr/history`, else `~/.local/state/thr/history`; `None` when history is
/// disabled or no home is known. `env` reads a variable (the process's, or a test's).
pub fn path_from(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(explicit) = env("THR_HISTORY") {
        return (!explicit.is_empty()).then(|| PathBuf::from(explicit));
    }
    // As the XDG spec says, a relative value is invalid and ignored.
    if let Some(state) = env("XDG_STATE_HOME").filter(|s| Path::new(s).is_absolute()) {
        return Some(Path::new(&state).join("thr").join("history"));
    }
    let home = env("HOME").filter(|h| !h.is_empty())?;
    Some(Path::new(&home).join(".local/state/thr/history"))
}

/// [`path_from`] with the process's environment.
pub fn path() -> Option<PathBuf> {
    path_from(|name| std::env::var(name).ok())
}

/// Creates the directory of the history file; an error says why history can't be kept.
pub fn prepare(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Option<PathBuf> {
        path_from(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn history_path_rules() {
        let home = [("HOME", "/home/ada")];
        assert_eq!(
            with(&home),
            Some(PathBuf::from("/home/ada/.local/state/thr/history"))
        );
        assert_eq!(
            with(&[("HOME", "/home/ada"), ("XDG_STATE_HOME", "/var/state")]),
            Some(PathBuf::from("/var/state/thr/history"))
        );
        // A relative XDG_STATE_HOME is ignored.
        assert_eq!(
            with(&[("HOME", "/h"), ("XDG_STATE_HOME", "rel")]),
            Some(PathBuf::from("/h/.local/state/thr/history"))
        );
        // THR_HISTORY wins; empty disables.
        assert_eq!(
            with(&[
                ("HOME", "/h"),
                ("XDG_STATE_HOME", "/s"),
                ("THR_HISTORY", "/tmp/x")
            ]),
            Some(PathBuf::from("/tmp/x"))
        );
        assert_eq!(with(&[("HOME", "/h"), ("THR_HISTORY", "")]), None);
        // Nowhere to keep it.
        assert_eq!(with(&[]), None);
        assert_eq!(with(&[("HOME", "")]), None);
    }

    #[test]
    fn prepare_creates_the_directory() {
        let dir = std::env::temp_dir().join(format!("thr-hist-{}", std::process::id()));
        let file = dir.join("a/b/history");
        prepare(&file).unwrap();
        assert!(dir.join("a/b").is_dir());
        prepare(Path::new("history")).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
