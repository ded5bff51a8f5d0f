//! Loading scenario text from files or stdin, with clear errors for everything that is not
//! a readable UTF-8 text file.

use std::io::Read;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource};
use thiserror::Error;

/// Scenario files larger than this are refused (spans are 32-bit, and no scenario needs it).
pub const MAX_SOURCE_BYTES: usize = 16 << 20;

/// A scenario's text and the name it is reported under.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as given, or `<stdin>`.
    pub name: String,
    /// The text (a leading byte-order mark removed).
    pub text: Arc<str>,
}

/// Why a scenario could not be loaded.
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum LoadError {
    /// No file at the path.
    #[error("cannot read `{name}`: no such file")]
    #[diagnostic(
        code("thr::io::not-found"),
        help("check the path; it is relative to the current directory")
    )]
    NotFound {
        /// The path.
        name: String,
    },
    /// The path is a directory.
    #[error("`{name}` is a directory, not a scenario file")]
    #[diagnostic(
        code("thr::io::is-a-directory"),
        help("pass the .thr files inside it, for example `{name}/*.thr`")
    )]
    IsDirectory {
        /// The path.
        name: String,
    },
    /// The bytes are not UTF-8.
    #[error(
        "`{name}` is not UTF-8 text: byte 0x{byte:02X} at line {line}, column {column} is invalid"
    )]
    #[diagnostic(
        code("thr::io::not-utf8"),
        help("scenarios are UTF-8 text files; is this the file you meant?")
    )]
    NotUtf8 {
        /// The path.
        name: String,
        /// The first invalid byte.
        byte: u8,
        /// Its line (1-based).
        line: usize,
        /// Its column (1-based, in characters).
        column: usize,
    },
    /// The file contains NUL bytes.
    #[error("`{name}` looks like a binary file: it has a NUL byte at line {line}, column {column}")]
    #[diagnostic(
        code("thr::io::binary"),
        help("scenarios are text files; is this the file you meant?")
    )]
    Binary {
        /// The path.
        name: String,
        /// Line of the first NUL (1-based).
        line: usize,
        /// Column of the first NUL (1-based).
        column: usize,
    },
    /// The file is over [`MAX_SOURCE_BYTES`].
    #[error("`{name}` is too large: over {limit} bytes")]
    #[diagnostic(
        code("thr::io::too-large"),
        help("scenarios are small programs; split this one up")
    )]
    TooLarge {
        /// The path.
        name: String,
        /// The limit.
        limit: usize,
    },
    /// Any other I/O error.
    #[error("cannot read `{name}`: {message}")]
    #[diagnostic(code("thr::io::error"))]
    Io {
        /// The path.
        name: String,
        /// The system's message.
        message: String,
    },
}

impl SourceFile {
    /// A source from text already in memory.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Reads `path`, or stdin when `path` is `-`.
    pub fn load(path: &str) -> Result<SourceFile, LoadError> {
        let io = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound { name: path.into() },
            std::io::ErrorKind::IsADirectory => LoadError::IsDirectory { name: path.into() },
            _ => LoadError::Io {
                name: path.into(),
                message: e.to_string(),
            },
        };
        let mut bytes = Vec::new();
        let limit = MAX_SOURCE_BYTES as u64 + 1;
        if path == "-" {
            std::io::stdin()
                .lock()
                .take(limit)
                .read_to_end(&mut bytes)
                .map_err(io)?;
            return SourceFile::from_bytes("<stdin>", bytes);
        }
        let file = std::fs::File::open(path).map_err(io)?;
        if file.metadata().map_err(io)?.is_dir() {
            return Err(LoadError::IsDirectory { name: path.into() });
        }
        file.take(limit).read_to_end(&mut bytes).map_err(io)?;
        SourceFile::from_bytes(path, bytes)
    }

    /// Validates `bytes` as scenario text.
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<SourceFile, LoadError> {
        if bytes.len() > MAX_SOURCE_BYTES {
            return Err(LoadError::TooLarge {
                name: name.into(),
                limit: MAX_SOURCE_BYTES,
            });
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let (line, column) = line_col(std::str::from_utf8(&bytes[..at]).unwrap_or(""));
                return Err(LoadError::NotUtf8 {
                    name: name.into(),
                    byte: bytes[at],
                    line,
                    column,
                });
            }
        };
        if let Some(at) = text.find('\0') {
            let (line, column) = line_col(&text[..at]);
            return Err(LoadError::Binary {
                name: name.into(),
                line,
                column,
            });
        }
        let text = text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text);
        Ok(SourceFile::new(name, text))
    }

    /// The source as miette wants it for rendering snippets.
    pub fn named(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(&self.name, self.text.clone())
    }
}

/// Line and column (1-based; the column counts characters) just after `before`.
fn line_col(before: &str) -> (usize, usize) {
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_text() {
        assert!(matches!(
            SourceFile::from_bytes("x", b"ab\n\xffc".to_vec()),
            Err(LoadError::NotUtf8 {
                byte: 0xff,
                line: 2,
                column: 1,
                ..
            })
        ));
        assert!(matches!(
            SourceFile::from_bytes("x", b"a\0".to_vec()),
            Err(LoadError::Binary {
                line: 1,
                column: 2,
                ..
            })
        ));
        let ok = SourceFile::from_bytes("x", "\u{feff}lock a".as_bytes().to_vec()).unwrap();
        assert_eq!(&*ok.text, "lock a");
    }
}
