//! Literals: numbers, durations, strings with Python's escapes, f-strings.

use super::stmt::{Builder, Result, kids};
use super::{Pair, Rule};
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::span::{Span, Spanned};

impl Builder<'_> {
    /// A number, duration, string or f-string literal.
    pub(super) fn literal(&self, p: Pair<'_>) -> Result<Expr> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::integer => ExprKind::Int(
                parse_int(p.as_str()).ok_or(SyntaxError::IntegerTooLarge { span: span.into() })?,
            ),
            Rule::float => ExprKind::Float(parse_float(p.as_str())),
            Rule::duration => {
                let mut k = p.into_inner();
                let amount = parse_float(k.next().unwrap().as_str());
                let unit = match k.next().unwrap().as_str() {
                    "ns" => TimeUnit::Nanos,
                    "us" => TimeUnit::Micros,
                    "ms" => TimeUnit::Millis,
                    "s" => TimeUnit::Secs,
                    "m" => TimeUnit::Minutes,
                    _ => TimeUnit::Hours,
                };
                ExprKind::Duration { amount, unit }
            }
            Rule::string => {
                let mut raw = false;
                let mut text = String::new();
                for k in p.into_inner() {
                    match k.as_rule() {
                        Rule::raw_prefix => raw = true,
                        _ => {
                            let body = k.into_inner().next().unwrap();
                            let at = self.span(&body).start as usize;
                            text = if raw {
                                body.as_str().to_string()
                            } else {
                                unescape(body.as_str(), at)?
                            };
                        }
                    }
                }
                ExprKind::Str(text)
            }
            Rule::fstring => {
                let body = p.into_inner().next().unwrap();
                ExprKind::FString(self.fstring_parts(body)?)
            }
            r => unreachable!("not a literal: {r:?}"),
        };
        Ok(Spanned::new(kind, span))
    }

    /// The parts of an f-string body or of a format spec.
    fn fstring_parts(&self, p: Pair<'_>) -> Result<Vec<FPart>> {
        let mut parts: Vec<FPart> = Vec::new();
        let push_text = |parts: &mut Vec<FPart>, s: &str| match parts.last_mut() {
            Some(FPart::Text(t)) => t.push_str(s),
            _ => parts.push(FPart::Text(s.to_string())),
        };
        for k in p.into_inner() {
            match k.as_rule() {
                Rule::fs_lbrace => push_text(&mut parts, "{"),
                Rule::fs_rbrace => push_text(&mut parts, "}"),
                Rule::fs_text_dq | Rule::fs_text_sq => {
                    let at = self.span(&k).start as usize;
                    push_text(&mut parts, &unescape(k.as_str(), at)?)
                }
                Rule::fs_spec_text => push_text(&mut parts, k.as_str()),
                Rule::fs_field => parts.push(FPart::Field(Box::new(self.fstring_field(k)?))),
                r => unreachable!("not an f-string part: {r:?}"),
            }
        }
        Ok(parts)
    }

    fn fstring_field(&self, p: Pair<'_>) -> Result<FField> {
        let field_start = p.as_span().start();
        let mut k = kids(p);
        let expr = self.expr(k.next().unwrap())?;
        let mut field = FField {
            expr,
            debug_text: None,
            conversion: None,
            spec: None,
        };
        for part in k {
            match part.as_rule() {
                Rule::fs_debug => {
                    // Everything from after `{` through `=` and the blanks after it.
                    let text = &part.get_input()[field_start + 1..part.as_span().end()];
                    field.debug_text = Some(text.to_string());
                }
                Rule::fs_conversion => field.conversion = part.as_str().chars().nth(1),
                _ => field.spec = Some(self.fstring_parts(part)?),
            }
        }
        Ok(field)
    }
}

/// Parses an integer literal (`123`, `1_000`, `0xff`, `0o17`, `0b101`); `None` on overflow.
pub(crate) fn parse_int(text: &str) -> Option<i64> {
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    let (radix, body) = match digits.get(..2) {
        Some("0x" | "0X") => (16, &digits[2..]),
        Some("0o" | "0O") => (8, &digits[2..]),
        Some("0b" | "0B") => (2, &digits[2..]),
        _ => (10, &digits[..]),
    };
    i64::from_str_radix(body, radix).ok()
}

/// Parses a float literal (underscores allowed between digits).
pub(crate) fn parse_float(text: &str) -> f64 {
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    digits.parse().unwrap_or(f64::INFINITY)
}

/// Decodes Python's string escapes. `at` is the file offset of `text`, for errors.
pub(crate) fn unescape(text: &str, at: usize) -> Result<String> {
    if !text.contains('\\') {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\r' => {
                chars.next_if(|&(_, c)| c == '\n');
            }
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap();
                for _ in 0..2 {
                    match chars.peek() {
                        Some(&(_, d @ '0'..='7')) => {
                            value = value * 8 + d.to_digit(8).unwrap();
                            chars.next();
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let len = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut hex = String::new();
                for _ in 0..len {
                    match chars.peek() {
                        Some(&(_, d)) if d.is_ascii_hexdigit() => {
                            hex.push(d);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                let decoded = (hex.len() == len)
                    .then(|| u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32))
                    .flatten();
                match decoded {
                    Some(ch) => out.push(ch),
                    None => {
                        let end = at + i + 2 + hex.len();
                        return Err(SyntaxError::invalid_expression(
                            format!("invalid \\{e} escape"),
                            format!("`\\{e}` takes exactly {len} hex digits naming a character"),
                            Span::new(at + i, end),
                        ));
                    }
                }
            }
            other => {
                // Python keeps unknown escapes as they are.
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_every_radix() {
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("0xff"), Some(255));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int("9223372036854775808"), None);
    }

    #[test]
    fn escapes_decode_like_python() {
        assert_eq!(
            unescape(r"a\nb\t\\\'\x41\u00e9\101\q", 0).unwrap(),
            "a\nb\t\\'AéA\\q"
        );
        assert!(unescape(r"\xZ1", 0).is_err());
    }
}
