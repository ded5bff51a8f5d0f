//! A forgiving one-pass tokenizer of what is being typed, for highlighting and for knowing
//! whether the cursor is inside a string or a comment (where nothing is completed).
//!
//! It is not the parser: it must work on any half-typed text, never fail, and be cheap
//! enough to run on every key press.

use anstyle::{AnsiColor, Style};

use crate::lang::builtins;

/// Reserved words of the grammar (`keyword` in `grammar/thr.pest`).
pub const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "break", "continue", "def", "del", "elif", "else", "except", "False",
    "finally", "for", "if", "in", "is", "lambda", "None", "not", "or", "pass", "raise", "return",
    "spawn", "True", "try", "while", "with",
];

/// Words that start a top-level declaration (`lock guard`, `daemon thread t { }`); they are
/// not reserved, so they are keywords only at the start of a line.
pub const DECLARATIONS: &[&str] = &[
    "shared",
    "lock",
    "rlock",
    "condition",
    "semaphore",
    "bounded",
    "event",
    "barrier",
    "queue",
    "lifo",
    "priority",
    "local",
    "pool",
    "thread",
    "daemon",
];

/// What a token is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A reserved word.
    Keyword,
    /// A declaration word at the start of a line.
    Declaration,
    /// A builtin function, constant or error type.
    Builtin,
    /// Any other name.
    Name,
    /// A string literal; `closed` is false when its closing quote is still missing.
    Str {
        /// The closing quote is there.
        closed: bool,
    },
    /// A number or a duration (`250ms`).
    Number,
    /// `# ...` to the end of the line.
    Comment,
    /// A REPL command (`:load`) at the start of the input.
    Command,
    /// Punctuation, operators, spaces.
    Other,
}

/// A token: its class and byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub class: Class,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits `text` into tokens covering every byte (spaces and punctuation are `Other`).
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut chars = text.char_indices().peekable();
    // At the start of a line, only spaces seen so far: a declaration word may come.
    let mut line_start = true;
    // The previous name was `daemon`, `bounded`, `lifo` or `priority`.
    let mut decl_prefix = false;
    let leading = text.len() - text.trim_start().len();
    if text[leading..].starts_with(':') {
        let end = text[leading + 1..]
            .find(|c: char| !is_name_char(c))
            .map_or(text.len(), |i| leading + 1 + i);
        out.push(Token {
            class: Class::Other,
            start: 0,
            end: leading,
        });
        out.push(Token {
            class: Class::Command,
            start: leading,
            end,
        });
        out.push(Token {
            class: Class::Other,
            start: end,
            end: text.len(),
        });
        out.retain(|t| t.start < t.end);
        return out;
    }
    while let Some(&(start, c)) = chars.peek() {
        let class;
        let mut end;
        if c == '#' {
            end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            class = Class::Comment;
            while chars.peek().is_some_and(|&(i, _)| i < end) {
                chars.next();
            }
        } else if c == '"'
            || c == '\''
            || (matches!(c, 'f' | 'F' | 'r' | 'R') && {
                let rest = &text[start + 1..];
                rest.starts_with('"') || rest.starts_with('\'')
            })
        {
            chars.next();
            let quote = if c == '"' || c == '\'' {
                c
            } else {
                chars.next().map_or('"', |(_, q)| q)
            };
            let mut closed = false;
            end = text.len();
            while let Some((i, ch)) = chars.next() {
                if ch == '\\' {
                    chars.next();
                } else if ch == quote {
                    closed = true;
                    end = i + ch.len_utf8();
                    break;
                } else if ch == '\n' {
                    end = i;
                    break;
                }
            }
            class = Class::Str { closed };
        } else if c.is_ascii_digit()
            || (c == '.' && text[start + 1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            end = start;
            while let Some(&(i, ch)) = chars.peek() {
                if is_name_char(ch) || ch == '.' {
                    end = i + ch.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            class = Class::Number;
        } else if is_name_start(c) {
            end = start;
            while let Some(&(i, ch)) = chars.peek() {
                if is_name_char(ch) {
                    end = i + ch.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &text[start..end];
            class = if KEYWORDS.contains(&word) {
                Class::Keyword
            } else if (line_start || decl_prefix) && DECLARATIONS.contains(&word) {
                Class::Declaration
            } else if builtins::all_names().any(|n| n == word) {
                Class::Builtin
            } else {
                Class::Name
            };
            decl_prefix = line_start && matches!(word, "daemon" | "bounded" | "lifo" | "priority");
            line_start = false;
            push(&mut out, class, start, end);
            continue;
        } else {
            chars.next();
            end = start + c.len_utf8();
            class = Class::Other;
            if c == '\n' || c == ';' || c == '{' || c == '}' {
                line_start = true;
            } else if !c.is_whitespace() {
                line_start = false;
            }
            if !c.is_whitespace() {
                decl_prefix = false;
            }
            push(&mut out, class, start, end);
            continue;
        }
        line_start = false;
        decl_prefix = false;
        push(&mut out, class, start, end);
    }
    out
}

/// Appends a token, merging runs of `Other`.
fn push(out: &mut Vec<Token>, class: Class, start: usize, end: usize) {
    if let Some(last) = out.last_mut()
        && last.class == Class::Other
        && class == Class::Other
        && last.end == start
    {
        last.end = end;
        return;
    }
    out.push(Token { class, start, end });
}

/// True when byte offset `pos` of `text` is inside a string or a comment.
pub fn in_string_or_comment(text: &str, pos: usize) -> bool {
    let Some(before) = text.get(..pos) else {
        return false;
    };
    matches!(
        tokens(before).last(),
        Some(Token {
            class: Class::Comment | Class::Str { closed: false },
            ..
        })
    )
}

/// The style of a class, or `None` for plain text.
fn style(class: Class) -> Option<Style> {
    let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
    Some(match class {
        Class::Keyword => fg(AnsiColor::Magenta).bold(),
        Class::Declaration => fg(AnsiColor::Blue).bold(),
        Class::Builtin => fg(AnsiColor::Cyan),
        Class::Str { .. } => fg(AnsiColor::Green),
        Class::Number => fg(AnsiColor::Yellow),
        Class::Comment => fg(AnsiColor::BrightBlack),
        Class::Command => fg(AnsiColor::Cyan).bold(),
        Class::Name | Class::Other => return None,
    })
}

/// `text` with ANSI colours; the same display width as `text`.
pub fn highlight(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for t in tokens(text) {
        let piece = &text[t.start..t.end];
        match style(t.class) {
            Some(s) => {
                out.push_str(&s.render().to_string());
                out.push_str(piece);
                out.push_str(&s.render_reset().to_string());
            }
            None => out.push_str(piece),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<(Class, &str)> {
        tokens(text)
            .into_iter()
            .filter(|t| t.class != Class::Other)
            .map(|t| (t.class, &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn tokens_cover_the_text() {
        for text in [
            "lock guard",
            "x = f\"a{b}\" # c",
            "'open",
            "sleep(250ms); t.join()",
            "é = 1.5s",
            "",
            "   :load x.thr",
            "\"\\",
        ] {
            let toks = tokens(text);
            let mut at = 0;
            for t in &toks {
                assert_eq!(t.start, at, "{text:?}: {toks:?}");
                assert!(t.end > t.start);
                at = t.end;
            }
            assert_eq!(at, text.len(), "{text:?}");
        }
    }

    #[test]
    fn classes_of_words() {
        assert_eq!(
            classes("daemon thread t { while True { sleep(10ms) } }"),
            vec![
                (Class::Declaration, "daemon"),
                (Class::Declaration, "thread"),
                (Class::Name, "t"),
                (Class::Keyword, "while"),
                (Class::Keyword, "True"),
                (Class::Builtin, "sleep"),
                (Class::Number, "10ms"),
            ]
        );
        // A declaration word in an expression is a name.
        assert_eq!(classes("x = lock")[1], (Class::Name, "lock"));
        assert_eq!(
            classes("print(f'hi') # done"),
            vec![
                (Class::Builtin, "print"),
                (Class::Str { closed: true }, "f'hi'"),
                (Class::Comment, "# done"),
            ]
        );
        assert_eq!(classes(" :load a.thr")[0], (Class::Command, ":load"));
    }

    #[test]
    fn inside_strings_and_comments() {
        assert!(in_string_or_comment("print('gu", 9));
        assert!(in_string_or_comment("x = 1 # gu", 10));
        assert!(!in_string_or_comment("print('a') + gu", 15));
        assert!(!in_string_or_comment("gu", 2));
        assert!(!in_string_or_comment("gu", 99));
    }

    #[test]
    fn highlighting_keeps_the_text() {
        let text = "with guard { count += 1 } # ok";
        let painted = highlight(text);
        assert!(painted.contains("\x1b["));
        let mut plain = String::new();
        let mut in_escape = false;
        for c in painted.chars() {
            match (in_escape, c) {
                (false, '\x1b') => in_escape = true,
                (true, 'm') => in_escape = false,
                (true, _) => {}
                (false, c) => plain.push(c),
            }
        }
        assert_eq!(plain, text);
    }
}
