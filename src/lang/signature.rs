//! Call signatures, written the way Python's documentation writes them, and argument
//! binding with Python's error messages.
//!
//! A signature is parsed from text such as `put(item, block=True, timeout=None)` or
//! `submit(fn, /, *args, **kwargs) -> Future`, so the tables in [`super::kinds`] and
//! [`super::builtins`] read like the reference they come from. The same binder checks
//! calls statically (with the shape of a call) and will bind them at run time.

/// How a parameter takes its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamMode {
    /// Before `/`: by position only.
    PositionalOnly,
    /// By position or by keyword.
    Normal,
    /// `*args`.
    VarArgs,
    /// After `*` or `*args`: by keyword only.
    KeywordOnly,
    /// `**kwargs`.
    VarKw,
}

/// One parameter of a signature.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSpec {
    /// Its name.
    pub name: String,
    /// How it takes its argument.
    pub mode: ParamMode,
    /// Its default as written (`None` when required).
    pub default: Option<String>,
}

/// A callable's parameters, name and (optionally) the kind of value it returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Signature {
    /// The callable's name, as used in messages (`put`, `Thread`).
    pub name: String,
    /// Parameters in order.
    pub params: Vec<ParamSpec>,
    /// What the call returns, as written after `->` (`Thread`, `bool`), if given.
    pub returns: Option<String>,
}

impl Signature {
    /// Parses `name(params) -> ret`. Panics on a malformed table entry (a programming error
    /// in the built-in tables, caught by their tests).
    pub fn parse(text: &str) -> Signature {
        let (head, returns) = match text.split_once(" -> ") {
            Some((h, r)) => (h, Some(r.trim().to_string())),
            None => (text, None),
        };
        let open = head.find('(').expect("signature has `(`");
        let name = head[..open].trim().to_string();
        let inner = head[open + 1..]
            .trim_end()
            .strip_suffix(')')
            .expect("signature ends in `)`");
        let mut params: Vec<ParamSpec> = Vec::new();
        let mut mode = ParamMode::Normal;
        for raw in inner.split(", ").map(str::trim).filter(|s| !s.is_empty()) {
            match raw {
                "/" => {
                    params
                        .iter_mut()
                        .for_each(|p| p.mode = ParamMode::PositionalOnly);
                }
                "*" => mode = ParamMode::KeywordOnly,
                _ => {
                    let (name, default) = match raw.split_once('=') {
                        Some((n, d)) => (n, Some(d.to_string())),
                        None => (raw, None),
                    };
                    let (name, pmode) = if let Some(n) = name.strip_prefix("**") {
                        (n, ParamMode::VarKw)
                    } else if let Some(n) = name.strip_prefix('*') {
                        mode = ParamMode::KeywordOnly;
                        (n, ParamMode::VarArgs)
                    } else {
                        (name, mode)
                    };
                    params.push(ParamSpec {
                        name: name.to_string(),
                        mode: pmode,
                        default,
                    });
                }
            }
        }
        Signature {
            name,
            params,
            returns,
        }
    }

    /// The signature as Python's documentation would print it: `put(item, block=True)`.
    pub fn display(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut star_done = false;
        for (i, p) in self.params.iter().enumerate() {
            if p.mode == ParamMode::KeywordOnly && !star_done {
                parts.push("*".into());
            }
            let mut s = match p.mode {
                ParamMode::VarArgs => format!("*{}", p.name),
                ParamMode::VarKw => format!("**{}", p.name),
                _ => p.name.clone(),
            };
            star_done |= matches!(p.mode, ParamMode::VarArgs | ParamMode::KeywordOnly);
            if let Some(d) = &p.default {
                s.push('=');
                s.push_str(d);
            }
            parts.push(s);
            let next_not_posonly = self
                .params
                .get(i + 1)
                .is_none_or(|n| n.mode != ParamMode::PositionalOnly);
            if p.mode == ParamMode::PositionalOnly && next_not_posonly {
                parts.push("/".into());
            }
        }
        format!("{}({})", self.name, parts.join(", "))
    }

    /// Names accepted as keywords.
    pub fn keywords(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(|p| matches!(p.mode, ParamMode::Normal | ParamMode::KeywordOnly))
            .map(|p| p.name.as_str())
    }
}

/// What a call passes, as far as can be known before running it.
#[derive(Debug, Clone, Default)]
pub struct CallShape<'a> {
    /// Number of positional arguments (not counting `*xs`).
    pub positional: usize,
    /// Keyword argument names, in order.
    pub keywords: Vec<&'a str>,
    /// A `*xs` is present: the number of positional arguments is unknown.
    pub star: bool,
    /// A `**kw` is present: further keywords are unknown.
    pub double_star: bool,
}

/// Why a call does not fit a signature. `Display` gives Python's `TypeError` message.
#[derive(Debug, Clone, PartialEq)]
pub enum BindError {
    /// Too many positional arguments.
    TooManyPositional {
        /// Callable name.
        name: String,
        /// Fewest positional parameters that must be filled.
        min: usize,
        /// Most positional parameters.
        max: usize,
        /// How many were given.
        given: usize,
    },
    /// Required parameters left without a value.
    Missing {
        /// Callable name.
        name: String,
        /// The missing parameters.
        params: Vec<String>,
        /// True for keyword-only parameters.
        keyword_only: bool,
    },
    /// A keyword no parameter has.
    UnexpectedKeyword {
        /// Callable name.
        name: String,
        /// The keyword.
        keyword: String,
    },
    /// A parameter given both by position and by keyword.
    MultipleValues {
        /// Callable name.
        name: String,
        /// The parameter.
        param: String,
    },
    /// A positional-only parameter given by keyword.
    PositionalOnlyByKeyword {
        /// Callable name.
        name: String,
        /// The parameter.
        param: String,
    },
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Python's list of quoted names: `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`.
fn quoted_list(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        n => format!("{}, and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindError::TooManyPositional {
                name,
                min,
                max,
                given,
            } => {
                let takes = if min == max {
                    plural(*max, "positional argument")
                } else {
                    format!("from {min} to {max} positional arguments")
                };
                let was = if *given == 1 { "was" } else { "were" };
                write!(f, "{name}() takes {takes} but {given} {was} given")
            }
            BindError::Missing {
                name,
                params,
                keyword_only,
            } => {
                let kind = if *keyword_only {
                    "keyword-only"
                } else {
                    "positional"
                };
                let what = plural(params.len(), &format!("required {kind} argument"));
                write!(f, "{name}() missing {what}: {}", quoted_list(params))
            }
            BindError::UnexpectedKeyword { name, keyword } => {
                write!(f, "{name}() got an unexpected keyword argument '{keyword}'")
            }
            BindError::MultipleValues { name, param } => {
                write!(f, "{name}() got multiple values for argument '{param}'")
            }
            BindError::PositionalOnlyByKeyword { name, param } => write!(
                f,
                "{name}() got some positional-only arguments passed as keyword arguments: '{param}'"
            ),
        }
    }
}

/// Checks that a call of `shape` fits `sig`, reporting the first problem as Python would.
pub fn check_shape(sig: &Signature, shape: &CallShape<'_>) -> Result<(), BindError> {
    let name = || sig.name.clone();
    let positional: Vec<&ParamSpec> = sig
        .params
        .iter()
        .filter(|p| matches!(p.mode, ParamMode::PositionalOnly | ParamMode::Normal))
        .collect();
    let has_varargs = sig.params.iter().any(|p| p.mode == ParamMode::VarArgs);
    let has_varkw = sig.params.iter().any(|p| p.mode == ParamMode::VarKw);
    if !shape.star && !has_varargs && shape.positional > positional.len() {
        return Err(BindError::TooManyPositional {
            name: name(),
            min: positional.iter().filter(|p| p.default.is_none()).count(),
            max: positional.len(),
            given: shape.positional,
        });
    }
    for (i, kw) in shape.keywords.iter().enumerate() {
        match sig.params.iter().position(|p| p.name == *kw) {
            Some(at) => {
                let p = &sig.params[at];
                match p.mode {
                    ParamMode::PositionalOnly if !has_varkw => {
                        return Err(BindError::PositionalOnlyByKeyword {
                            name: name(),
                            param: p.name.clone(),
                        });
                    }
                    ParamMode::Normal
                        if positional
                            .iter()
                            .position(|q| q.name == *kw)
                            .is_some_and(|pos| pos < shape.positional) =>
                    {
                        return Err(BindError::MultipleValues {
                            name: name(),
                            param: p.name.clone(),
                        });
                    }
                    ParamMode::VarArgs | ParamMode::VarKw if !has_varkw => {
                        return Err(BindError::UnexpectedKeyword {
                            name: name(),
                            keyword: kw.to_string(),
                        });
                    }
                    _ => {}
                }
                if shape.keywords[..i].contains(kw) {
                    return Err(BindError::MultipleValues {
                        name: name(),
                        param: kw.to_string(),
                    });
                }
            }
            None if has_varkw => {}
            None => {
                return Err(BindError::UnexpectedKeyword {
                    name: name(),
                    keyword: kw.to_string(),
                });
            }
        }
    }
    if shape.star || shape.double_star {
        return Ok(());
    }
    let missing: Vec<String> = positional
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            p.default.is_none()
                && *i >= shape.positional
                && !shape.keywords.contains(&p.name.as_str())
        })
        .map(|(_, p)| p.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(BindError::Missing {
            name: name(),
            params: missing,
            keyword_only: false,
        });
    }
    let missing_kw: Vec<String> = sig
        .params
        .iter()
        .filter(|p| {
            p.mode == ParamMode::KeywordOnly
                && p.default.is_none()
                && !shape.keywords.contains(&p.name.as_str())
        })
        .map(|p| p.name.clone())
        .collect();
    if !missing_kw.is_empty() {
        return Err(BindError::Missing {
            name: name(),
            params: missing_kw,
            keyword_only: true,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape<'a>(positional: usize, keywords: &[&'a str]) -> CallShape<'a> {
        CallShape {
            positional,
            keywords: keywords.to_vec(),
            ..CallShape::default()
        }
    }

    fn err(sig: &str, s: CallShape<'_>) -> String {
        check_shape(&Signature::parse(sig), &s)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn parses_and_displays_like_python_docs() {
        for text in [
            "put(item, block=True, timeout=None)",
            "submit(fn, /, *args, **kwargs)",
            "print(*args, sep=' ', end='\\n')",
            "shutdown(wait=True, *, cancel_futures=False)",
            "len(obj, /)",
        ] {
            assert_eq!(Signature::parse(text).display(), text);
        }
        assert_eq!(
            Signature::parse("spawn() -> Thread").returns.as_deref(),
            Some("Thread")
        );
    }

    #[test]
    fn python_messages_for_bad_calls() {
        let put = "put(item, block=True, timeout=None)";
        assert_eq!(
            err(put, shape(4, &[])),
            "put() takes from 1 to 3 positional arguments but 4 were given"
        );
        assert_eq!(
            err(put, shape(0, &[])),
            "put() missing 1 required positional argument: 'item'"
        );
        assert_eq!(
            err(put, shape(1, &["blok"])),
            "put() got an unexpected keyword argument 'blok'"
        );
        assert_eq!(
            err(put, shape(1, &["item"])),
            "put() got multiple values for argument 'item'"
        );
        assert_eq!(
            err("f(a, b, c)", shape(0, &[])),
            "f() missing 3 required positional arguments: 'a', 'b', and 'c'"
        );
        assert_eq!(
            err("f()", shape(1, &[])),
            "f() takes 0 positional arguments but 1 was given"
        );
        assert_eq!(
            err("len(obj, /)", shape(0, &["obj"])),
            "len() got some positional-only arguments passed as keyword arguments: 'obj'"
        );
        assert_eq!(
            err("f(*, key)", shape(0, &[])),
            "f() missing 1 required keyword-only argument: 'key'"
        );
    }

    #[test]
    fn good_calls_bind() {
        let sig = Signature::parse("submit(fn, /, *args, **kwargs)");
        assert!(check_shape(&sig, &shape(3, &["x"])).is_ok());
        let sig = Signature::parse("print(*args, sep=' ', end='\\n')");
        assert!(check_shape(&sig, &shape(5, &["end"])).is_ok());
        let star = CallShape {
            star: true,
            ..CallShape::default()
        };
        assert!(check_shape(&Signature::parse("f(a, b)"), &star).is_ok());
    }
}
