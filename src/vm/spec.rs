//! Format specs (`format(v, spec)`, f-string fields such as `{x:>5}` and `{t:.2f}`) and
//! `str.format`, following Python's format mini-language.

use std::sync::Arc;

use super::exc::{Exc, exc, kind, value_error};
use super::format::{ascii_of, float_repr, repr_of, str_of};
use super::value::Value;

/// A parsed spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
#[derive(Debug, Default)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alternate: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_spec(spec: &str) -> Result<Spec, Exc> {
    let chars: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        s.fill = Some(chars[0]);
        s.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        s.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        s.sign = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        s.alternate = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
        chars[start..*i].iter().collect::<String>()
    };
    s.width = digits(&mut i).parse().unwrap_or(0);
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        s.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let p = digits(&mut i);
        if p.is_empty() {
            return Err(value_error("Format specifier missing precision"));
        }
        s.precision = p.parse().ok();
    }
    if i < chars.len() {
        s.kind = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() {
        return Err(value_error("Invalid format specifier"));
    }
    Ok(s)
}

/// Python's `format(v, spec)`.
pub fn format_value(v: &Value, spec: &str) -> Result<String, Exc> {
    if spec.is_empty() {
        return Ok(str_of(v));
    }
    let s = parse_spec(spec)?;
    match v {
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => format_number(v, &s),
        _ => {
            if let Some(c) = s.kind.filter(|&c| c != 's') {
                return Err(unknown_code(c, v));
            }
            if s.sign.is_some() {
                return Err(value_error("Sign not allowed in string format specifier"));
            }
            let mut text = str_of(v);
            if let Some(p) = s.precision {
                text = text.chars().take(p).collect();
            }
            Ok(pad(&s, "", &text, false))
        }
    }
}

fn unknown_code(c: char, v: &Value) -> Exc {
    value_error(format!(
        "Unknown format code '{c}' for object of type '{}'",
        v.type_name()
    ))
}

/// Numbers: the sign, a prefix (`0x`), and the digits, then padding.
fn format_number(v: &Value, s: &Spec) -> Result<String, Exc> {
    let int = match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    };
    let f = match v {
        Value::Float(f) => *f,
        _ => int.unwrap_or(0) as f64,
    };
    let negative = match int {
        Some(i) => i < 0,
        None => f.is_sign_negative() && !f.is_nan(),
    };
    let mut prefix = "";
    let body = match (s.kind, int) {
        (Some('c'), Some(i)) => char::from_u32(i as u32)
            .map(String::from)
            .unwrap_or_default(),
        (None | Some('d') | Some('n'), Some(i)) => {
            group(&i.unsigned_abs().to_string(), s.grouping, 3)
        }
        (Some(k @ ('x' | 'X' | 'o' | 'b')), Some(i)) => {
            let digits = match k {
                'x' => format!("{:x}", i.unsigned_abs()),
                'X' => format!("{:X}", i.unsigned_abs()),
                'o' => format!("{:o}", i.unsigned_abs()),
                _ => format!("{:b}", i.unsigned_abs()),
            };
            if s.alternate {
                prefix = match k {
                    'x' => "0x",
                    'X' => "0X",
                    'o' => "0o",
                    _ => "0b",
                };
            }
            group(&digits, s.grouping, 4)
        }
        (Some(k @ ('d' | 'n' | 'c' | 'x' | 'X' | 'o' | 'b')), None) => {
            return Err(unknown_code(k, v));
        }
        (kind, _) if !f.is_finite() => {
            let text = if f.is_nan() { "nan" } else { "inf" };
            let text = if matches!(kind, Some('F' | 'E' | 'G')) {
                text.to_uppercase()
            } else {
                text.to_string()
            };
            if kind == Some('%') {
                format!("{text}%")
            } else {
                text
            }
        }
        (Some('f' | 'F'), _) => group_float(
            &format!("{:.*}", s.precision.unwrap_or(6), f.abs()),
            s.grouping,
        ),
        (Some(k @ ('e' | 'E')), _) => {
            let t = sci(f.abs(), s.precision.unwrap_or(6));
            if k == 'E' { t.to_uppercase() } else { t }
        }
        (Some('%'), _) => format!(
            "{}%",
            group_float(
                &format!("{:.*}", s.precision.unwrap_or(6), f.abs() * 100.0),
                s.grouping
            )
        ),
        (Some(k @ ('g' | 'G')), _) => {
            let t = general(f.abs(), s.precision.unwrap_or(6), s.alternate);
            let t = group_float(&t, s.grouping);
            if k == 'G' { t.to_uppercase() } else { t }
        }
        (None, _) => match s.precision {
            // Like `g`, but fixed-point results keep a digit after the point.
            Some(p) => {
                let t = general(f.abs(), p.max(1), s.alternate);
                let t = if t.contains(['.', 'e']) {
                    t
                } else {
                    format!("{t}.0")
                };
                group_float(&t, s.grouping)
            }
            None => group_float(&float_repr(f.abs()), s.grouping),
        },
        (Some(c), _) => return Err(unknown_code(c, v)),
    };
    let sign = if negative {
        "-"
    } else {
        match s.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    };
    Ok(pad(s, &format!("{sign}{prefix}"), &body, true))
}

/// Digits grouped from the right in `size`s with `sep` (`,` or `_`).
fn group(digits: &str, sep: Option<char>, size: usize) -> String {
    let Some(sep) = sep else {
        return digits.to_string();
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(size) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Groups the integer part of a decimal text.
fn group_float(text: &str, sep: Option<char>) -> String {
    let split = text.find(['.', 'e', 'E']).unwrap_or(text.len());
    format!("{}{}", group(&text[..split], sep, 3), &text[split..])
}

/// `{:e}` in Python's style: `1.500000e+00`.
fn sci(f: f64, precision: usize) -> String {
    let t = format!("{f:.precision$e}");
    let (m, e) = t.split_once('e').expect("an exponent");
    let e: i32 = e.parse().expect("a number");
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// `{:g}`: fixed or scientific as Python chooses, trailing zeros removed unless `#`.
fn general(f: f64, precision: usize, keep_zeros: bool) -> String {
    let p = precision.max(1);
    if f == 0.0 {
        return if keep_zeros {
            format!("{:.*}", p - 1, 0.0)
        } else {
            "0".into()
        };
    }
    // The exponent after rounding to `p` significant digits decides the notation.
    let rounded = sci(f, p - 1);
    let exp: i32 = rounded
        .split_once('e')
        .map_or(0, |(_, e)| e.parse().unwrap_or(0));
    let strip = |t: String| {
        if keep_zeros || !t.contains('.') {
            t
        } else {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    };
    if exp < -4 || exp >= p as i32 {
        let (m, e) = rounded.split_once('e').expect("an exponent");
        format!("{}e{e}", strip(m.to_string()))
    } else {
        strip(format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, f))
    }
}

/// Pads `prefix` (sign and `0x`) plus `body` to the spec's width. With `=` alignment (the
/// default when the `0` flag is given), the padding goes between the two.
fn pad(s: &Spec, prefix: &str, body: &str, numeric: bool) -> String {
    let len = prefix.chars().count() + body.chars().count();
    if len >= s.width {
        return format!("{prefix}{body}");
    }
    let fill = s.fill.unwrap_or(if s.zero { '0' } else { ' ' });
    let align = s.align.unwrap_or(match (s.zero, numeric) {
        (true, true) => '=',
        (_, true) => '>',
        _ => '<',
    });
    let n = s.width - len;
    let fills = |k: usize| fill.to_string().repeat(k);
    match align {
        '<' => format!("{prefix}{body}{}", fills(n)),
        '^' => format!("{}{prefix}{body}{}", fills(n / 2), fills(n - n / 2)),
        '=' => format!("{prefix}{}{body}", fills(n)),
        _ => format!("{}{prefix}{body}", fills(n)),
    }
}

/// `template.format(*args, **kwargs)`: fields `{}`, `{0}`, `{name}`, with `!r`/`!s`/`!a`
/// conversions and format specs.
pub fn str_format(
    template: &str,
    args: &[Value],
    kwargs: &[(Arc<str>, Value)],
) -> Result<String, Exc> {
    let mut out = String::new();
    // The next automatic field number, and whether a field was numbered by hand (Python
    // refuses to mix the two).
    let mut auto = 0;
    let mut manual = false;
    let mut lookup = |name: &str, auto: &mut usize| -> Result<&Value, Exc> {
        let index = if name.is_empty() {
            if manual {
                return Err(value_error(
                    "cannot switch from manual field specification to automatic field numbering",
                ));
            }
            *auto += 1;
            Some(*auto - 1)
        } else if let Ok(i) = name.parse::<usize>() {
            if *auto > 0 {
                return Err(value_error(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            manual = true;
            Some(i)
        } else {
            None
        };
        match index {
            Some(i) => args.get(i).ok_or_else(|| {
                exc(
                    kind::IndexError,
                    format!("Replacement index {i} out of range for positional args tuple"),
                )
            }),
            None => kwargs
                .iter()
                .find(|(k, _)| **k == *name)
                .map(|(_, v)| v)
                .ok_or_else(|| super::exc::Exception::new(kind::KeyError, vec![Value::str(name)])),
        }
    };
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => return Err(value_error("Single '}' encountered in format string")),
            '{' if chars.peek().is_none() => {
                return Err(value_error("Single '{' encountered in format string"));
            }
            '{' => {
                // The field up to its matching `}` (a spec may hold nested `{...}` fields).
                let mut field = String::new();
                let mut depth = 0;
                let mut closed = false;
                for d in chars.by_ref() {
                    match d {
                        '}' if depth == 0 => {
                            closed = true;
                            break;
                        }
                        '}' => depth -= 1,
                        '{' => depth += 1,
                        _ => {}
                    }
                    field.push(d);
                }
                if !closed {
                    return Err(value_error("expected '}' before end of string"));
                }
                let (field, spec) = field.split_once(':').unwrap_or((&field, ""));
                let (name, conversion) = match field.split_once('!') {
                    Some((n, c)) => (n, Some(c)),
                    None => (field, None),
                };
                let value = lookup(name, &mut auto)?;
                let spec = if spec.contains('{') {
                    let mut expanded = String::new();
                    let mut rest = spec;
                    while let Some(open) = rest.find('{') {
                        expanded.push_str(&rest[..open]);
                        let Some(close) = rest[open..].find('}') else {
                            return Err(value_error("unmatched '{' in format spec"));
                        };
                        let inner = &rest[open + 1..open + close];
                        expanded.push_str(&str_of(lookup(inner, &mut auto)?));
                        rest = &rest[open + close + 1..];
                    }
                    expanded.push_str(rest);
                    expanded
                } else {
                    spec.to_string()
                };
                let spec = spec.as_str();
                let converted = match conversion {
                    None => value.clone(),
                    Some("r") => Value::str(repr_of(value)),
                    Some("s") => Value::str(str_of(value)),
                    Some("a") => Value::str(ascii_of(value)),
                    Some(other) => {
                        return Err(value_error(format!("Unknown conversion specifier {other}")));
                    }
                };
                out.push_str(&format_value(&converted, spec)?);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_specs_like_python() {
        let cases: Vec<(Value, &str, &str)> = vec![
            (Value::Int(42), ">5", "   42"),
            (Value::Int(42), "<5", "42   "),
            (Value::Int(42), "^6", "  42  "),
            (Value::Int(42), "05", "00042"),
            (Value::Int(-42), "05", "-0042"),
            (Value::Int(1234567), ",", "1,234,567"),
            (Value::Float(1.23456), ".2f", "1.23"),
            (Value::Float(2.5), "8.3f", "   2.500"),
            (Value::Int(255), "x", "ff"),
            (Value::Int(255), "#x", "0xff"),
            (Value::Int(255), "#06x", "0x00ff"),
            (Value::Float(3.5), "=08.2f", "00003.50"),
            (Value::Float(1234567.891), ",", "1,234,567.891"),
            (Value::Int(255), "_b", "1111_1111"),
            (Value::str("ab"), ">4", "  ab"),
            (Value::str("ab"), "*^6", "**ab**"),
            (Value::Float(0.25), ".1%", "25.0%"),
            (Value::Float(12345.678), "e", "1.234568e+04"),
            (Value::Float(0.00001234), "g", "1.234e-05"),
            (Value::Float(f64::INFINITY), "e", "inf"),
            (Value::Float(f64::NAN), "F", "NAN"),
            (Value::Float(-f64::INFINITY), ".2f", "-inf"),
            (Value::Float(1.0), ".3", "1.0"),
            (Value::Int(7), "+d", "+7"),
        ];
        for (v, spec, want) in cases {
            assert_eq!(format_value(&v, spec).unwrap(), want, "{spec}");
        }
        assert!(format_value(&Value::str("x"), "d").is_err());
    }

    #[test]
    fn str_format_fields() {
        let kw = vec![(Arc::from("name"), Value::str("ann"))];
        let args = vec![Value::str("é"), Value::Int(3)];
        assert_eq!(
            str_format("{0} {1:>3} {0!r} {name}!", &args, &kw).unwrap(),
            "é   3 'é' ann!"
        );
        // Python refuses to mix automatic and manual numbering.
        assert!(str_format("{} {1}", &args, &kw).is_err());
        assert_eq!(str_format("{:>{}}", &args, &kw).unwrap(), "  é");
        assert!(str_format("{missing}", &args, &kw).is_err());
    }
}
