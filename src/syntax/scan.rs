//! A quick pass over the raw text before pest sees it.
//!
//! It finds what a grammar reports badly or dangerously: unbalanced brackets (pest would
//! report them far from their cause), brackets nested deep enough to exhaust the stack,
//! unterminated strings and control characters. It also collects comments (for `thr fmt`),
//! the newlines that end top-level items (where the parser resumes after an error, and where
//! a long text is cut for parsing on two threads), and what bounds how deep pest can recurse
//! (see [`Scan::string_brackets`]).
//! It does not tokenize: strings and comments are skipped, everything else is looked at
//! one byte at a time.

use super::{error::SyntaxError, span::Span};

/// Brackets and blocks may nest this deep; deeper input is refused before parsing.
pub const MAX_NESTING: usize = 100;

/// What the scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every comment, `#` included, in source order.
    pub comments: Vec<Span>,
    /// Offsets of newlines outside any bracket or block, in order.
    pub top_newlines: Vec<u32>,
    /// Problems found; when non-empty the text is not handed to pest.
    pub errors: Vec<SyntaxError>,
    /// The most brackets (`(`, `[`, `{`) inside one string literal. Outside strings brackets
    /// nest at most [`MAX_NESTING`] deep, but an f-string's fields may hold any expression, so
    /// pest can recurse deeper inside one; this bounds by how much.
    pub string_brackets: usize,
    /// True when the bound above may not hold: an f-string (as far as a scan can tell: a
    /// string right after `f` or `F`) has a field with a quote or `#`, or unbalanced braces,
    /// so that pest may read the field on past where the scan ends the string.
    pub fstring_hazard: bool,
}

impl Scan {
    /// Where to resume parsing after an error at `offset`: the first top-level newline at
    /// or after it, or the end of the text.
    pub fn resume_after(&self, offset: usize, text_len: usize) -> usize {
        let i = self
            .top_newlines
            .partition_point(|&n| (n as usize) < offset);
        self.top_newlines.get(i).map_or(text_len, |&n| n as usize)
    }
}

impl Scan {
    /// Records the brackets of the string literal `b[start..end]` (quotes included) and
    /// whether it is a hazardous f-string (see [`Scan::fstring_hazard`]).
    fn note_string(&mut self, b: &[u8], start: usize, end: usize) {
        let content = &b[(start + 1).min(end)..end.saturating_sub(1).max(start + 1).min(end)];
        let brackets = content
            .iter()
            .filter(|&&c| matches!(c, b'(' | b'[' | b'{'))
            .count();
        self.string_brackets = self.string_brackets.max(brackets);
        if start > 0 && matches!(b[start - 1], b'f' | b'F') && !self.fstring_hazard {
            let mut depth = 0usize;
            for &c in content {
                match c {
                    b'{' => depth += 1,
                    b'}' if depth == 0 => self.fstring_hazard = true,
                    b'}' => depth -= 1,
                    b'#' | b'"' | b'\'' => self.fstring_hazard = true,
                    _ => {}
                }
            }
            self.fstring_hazard |= depth != 0;
        }
    }
}

fn closing(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// Bytes the scan has nothing to do with: everything but comments, quotes, brackets, line
/// breaks and control characters.
const PLAIN: [bool; 256] = {
    let mut plain = [true; 256];
    let mut c = 0;
    while c < 0x20 {
        plain[c] = c == b'\t' as usize || c == 0x0C;
        c += 1;
    }
    let special = *b"#\"'()[]{}\x7F";
    let mut k = 0;
    while k < special.len() {
        plain[special[k] as usize] = false;
        k += 1;
    }
    plain
};

/// Scans `src`; see the module docs.
pub fn scan(src: &str) -> Scan {
    let b = src.as_bytes();
    let mut out = Scan::default();
    let mut stack: Vec<(u8, usize)> = Vec::new();
    // After a bracket error the nesting is meaningless; keep scanning for other problems.
    let mut brackets_ok = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if PLAIN[c as usize] {
            i += 1;
            continue;
        }
        match c {
            b'#' => {
                let end = line_end(b, i);
                let text_end = i + src[i..end].trim_end().len();
                out.comments.push(Span::new(i, text_end));
                i = end;
                continue;
            }
            b'"' | b'\'' => {
                let end = skip_string(b, i, &mut out.errors);
                out.note_string(b, i, end);
                i = end;
                continue;
            }
            b'(' | b'[' | b'{' if brackets_ok => {
                stack.push((c, i));
                if stack.len() > MAX_NESTING {
                    out.errors.push(SyntaxError::TooDeep {
                        limit: MAX_NESTING,
                        span: Span::new(i, i + 1).into(),
                    });
                    return out;
                }
            }
            b')' | b']' | b'}' if brackets_ok => match stack.pop() {
                None => {
                    out.errors.push(SyntaxError::UnopenedBracket {
                        close: c as char,
                        span: Span::new(i, i + 1).into(),
                    });
                    brackets_ok = false;
                }
                Some((open, at)) if closing(open) != c => {
                    out.errors.push(SyntaxError::MismatchedBracket {
                        open: open as char,
                        close: c as char,
                        expected: closing(open) as char,
                        open_span: Span::new(at, at + 1).into(),
                        span: Span::new(i, i + 1).into(),
                    });
                    brackets_ok = false;
                }
                Some(_) => {}
            },
            b'\n' if stack.is_empty() => {
                out.top_newlines.push(i as u32);
            }
            b'\r' if stack.is_empty() && b.get(i + 1) != Some(&b'\n') => {
                out.top_newlines.push(i as u32);
            }
            b'\t' | b'\n' | b'\r' | 0x0C => {}
            0..=0x1F | 0x7F => {
                out.errors.push(SyntaxError::InvalidCharacter {
                    what: format!("U+{:04X}", c),
                    span: Span::new(i, i + 1).into(),
                });
            }
            _ => {}
        }
        i += 1;
    }
    if brackets_ok {
        // Report the outermost unclosed bracket: inner ones are usually its consequence.
        if let Some(&(open, at)) = stack.first() {
            out.errors.push(SyntaxError::UnclosedBracket {
                open: open as char,
                close: closing(open) as char,
                span: Span::new(at, at + 1).into(),
            });
        }
    }
    out
}

/// The offset of the end of the line containing `i` (the newline itself, or the end).
fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |p| i + p)
}

/// Skips the string starting at the quote `b[start]`; returns the offset after it.
fn skip_string(b: &[u8], start: usize, errors: &mut Vec<SyntaxError>) -> usize {
    let quote = b[start];
    let mut j = start + 1;
    while j < b.len() {
        match b[j] {
            c if c == quote => return j + 1,
            b'\\' => {
                // An escaped character; a backslash before a line break continues the string.
                j += if b.get(j + 1) == Some(&b'\r') && b.get(j + 2) == Some(&b'\n') {
                    3
                } else {
                    2
                };
            }
            b'\n' | b'\r' => break,
            _ => j += 1,
        }
    }
    let end = j.min(b.len());
    errors.push(SyntaxError::UnterminatedString {
        quote: if quote == b'"' { "`\"`" } else { "`'`" }.to_string(),
        span: Span::new(start, end).into(),
    });
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_text_has_no_errors_and_finds_comments() {
        let s = scan("x = (1,\n 2) # two\nprint(\"(\")\n");
        assert!(s.errors.is_empty());
        assert_eq!(s.comments, vec![Span::new(12, 17)]);
        assert_eq!(s.top_newlines, vec![17, 28]);
    }

    #[test]
    fn unclosed_and_mismatched_brackets_are_found() {
        assert!(matches!(
            scan("f(1, 2\n").errors[..],
            [SyntaxError::UnclosedBracket { open: '(', .. }]
        ));
        assert!(matches!(
            scan("f([1, 2)\n").errors[..],
            [SyntaxError::MismatchedBracket {
                open: '[',
                close: ')',
                ..
            }]
        ));
        assert!(matches!(
            scan("x)\n").errors[..],
            [SyntaxError::UnopenedBracket { close: ')', .. }]
        ));
    }

    #[test]
    fn deep_nesting_stops_early() {
        let text = "(".repeat(100_000);
        let s = scan(&text);
        assert!(matches!(s.errors[..], [SyntaxError::TooDeep { .. }]));
    }

    #[test]
    fn unterminated_strings_and_control_characters() {
        let s = scan("x = \"abc\ny = 'ok'\u{7}\n");
        assert!(matches!(
            s.errors[..],
            [
                SyntaxError::UnterminatedString { .. },
                SyntaxError::InvalidCharacter { .. }
            ]
        ));
    }

    #[test]
    fn string_brackets_and_fstring_hazards() {
        let s = scan("x = \"(((\" + f\"{(a)}{b!r:>{w}}\" + '{'\n");
        assert_eq!((s.string_brackets, s.fstring_hazard), (4, false));
        for hazard in [
            "x = f\"{d['k']}\"\n",
            "x = f\"{x #}\"\n",
            "x = f\"}{\" + 1\n",
            "x = f'{a'\n",
            "x = F\"{{\"\n",
        ] {
            assert!(scan(hazard).fstring_hazard, "{hazard}");
        }
        assert!(!scan("x = \"{d['k']} #\"\n").fstring_hazard);
    }

    #[test]
    fn resume_point_is_the_next_top_level_newline() {
        let text = "def f() {\n  x = \n}\ny = 1\n";
        let s = scan(text);
        assert_eq!(s.resume_after(14, text.len()), 18);
        assert_eq!(s.resume_after(25, text.len()), text.len());
    }
}
