//! Turning values into text the way Python does: `str`, `repr`, format specs
//! (`{x:>5}`, `{t:.2f}`) and `%`-formatting.

use super::exc::{Exc, value_error};
use super::value::Value;

/// Python's `str(v)`.
pub fn str_of(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Exception(e) => e.message(),
        _ => repr_of(v),
    }
}

/// Python's `repr(v)`.
pub fn repr_of(v: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, v, 0);
    out
}

fn write_repr(out: &mut String, v: &Value, depth: usize) {
    if depth > 50 {
        out.push_str("...");
        return;
    }
    match v {
        Value::None => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&float_repr(*f)),
        Value::Str(s) => out.push_str(&str_repr(s)),
        Value::Tuple(items) => {
            out.push('(');
            write_items(out, items, depth);
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        Value::List(l) => {
            let items = l.items.lock().clone();
            out.push('[');
            write_items(out, &items, depth);
            out.push(']');
        }
        Value::Dict(d) => {
            let items: Vec<(Value, Value)> = d
                .items
                .lock()
                .iter()
                .map(|(k, v)| (k.0.clone(), v.clone()))
                .collect();
            out.push('{');
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, k, depth + 1);
                out.push_str(": ");
                write_repr(out, v, depth + 1);
            }
            out.push('}');
        }
        Value::Range(r) => {
            if r.2 == 1 {
                out.push_str(&format!("range({}, {})", r.0, r.1));
            } else {
                out.push_str(&format!("range({}, {}, {})", r.0, r.1, r.2));
            }
        }
        Value::Func(f) => out.push_str(&format!("<function {}>", f.name())),
        Value::Builtin(b) => out.push_str(&format!("<built-in function {}>", b.name())),
        Value::Method(m) => out.push_str(&format!("<bound method {} of {}>", m.1, repr_of(&m.0))),
        Value::Object(o) => out.push_str(&o.repr()),
        Value::ExcType(k) => out.push_str(&format!("<class '{}'>", k.name())),
        Value::Exception(e) => {
            out.push_str(e.kind.name());
            out.push('(');
            write_items(out, &e.args, depth);
            out.push(')');
        }
        Value::Iter(_) => out.push_str("<iterator>"),
    }
}

fn write_items(out: &mut String, items: &[Value], depth: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_repr(out, item, depth + 1);
    }
}

/// Python's repr of a float: the shortest text that reads back the same, in fixed
/// notation for exponents from -4 to 15 and scientific notation otherwise.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("exponent is a number");
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let text = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{text}")
    } else {
        let rest = if digits.len() > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{}{rest}e{esign}{:02}", &digits[..1], exp.abs())
    }
}

/// Python's repr of a string: single quotes unless the text has a `'` and no `"`.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
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
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        s.width = chars[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .unwrap_or(0);
    }
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        s.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(value_error("Format specifier missing precision"));
        }
        s.precision = chars[start..i].iter().collect::<String>().parse().ok();
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
    let unknown = |c: char| {
        value_error(format!(
            "Unknown format code '{c}' for object of type '{}'",
            v.type_name()
        ))
    };
    let (body, numeric) = match v {
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => {
            let f = match v {
                Value::Float(f) => *f,
                Value::Int(i) => *i as f64,
                Value::Bool(b) => *b as i64 as f64,
                _ => unreachable!(),
            };
            let int = match v {
                Value::Int(i) => Some(*i),
                Value::Bool(b) => Some(*b as i64),
                _ => None,
            };
            let text = match (s.kind, int) {
                (None | Some('d') | Some('n'), Some(i)) => group(&i.abs().to_string(), s.grouping),
                (
                    Some('d') | Some('n') | Some('x') | Some('X') | Some('o') | Some('b')
                    | Some('c'),
                    None,
                ) => {
                    return Err(unknown(s.kind.unwrap()));
                }
                (Some('x'), Some(i)) => {
                    prefixed(s.alternate, "0x", format!("{:x}", i.unsigned_abs()))
                }
                (Some('X'), Some(i)) => {
                    prefixed(s.alternate, "0X", format!("{:X}", i.unsigned_abs()))
                }
                (Some('o'), Some(i)) => {
                    prefixed(s.alternate, "0o", format!("{:o}", i.unsigned_abs()))
                }
                (Some('b'), Some(i)) => {
                    prefixed(s.alternate, "0b", format!("{:b}", i.unsigned_abs()))
                }
                (Some('c'), Some(i)) => char::from_u32(i as u32)
                    .map(String::from)
                    .unwrap_or_default(),
                (Some('f') | Some('F'), _) => group_float(
                    &format!("{:.*}", s.precision.unwrap_or(6), f.abs()),
                    s.grouping,
                ),
                (Some('e') | Some('E'), _) => {
                    let t = sci(f.abs(), s.precision.unwrap_or(6));
                    if s.kind == Some('E') {
                        t.to_uppercase()
                    } else {
                        t
                    }
                }
                (Some('%'), _) => format!("{:.*}%", s.precision.unwrap_or(6), f.abs() * 100.0),
                (Some('g') | Some('G'), _) | (None, None) => match (s.kind, s.precision) {
                    (None, None) => float_repr(f.abs()),
                    _ => general(f.abs(), s.precision.unwrap_or(6)),
                },
                (Some(c), _) => return Err(unknown(c)),
            };
            let negative = f.is_sign_negative() && !(f == 0.0 && int.is_some());
            let sign = if negative && (int.map_or(f != 0.0 || f.is_sign_negative(), |i| i < 0)) {
                "-"
            } else {
                match s.sign {
                    Some('+') => "+",
                    Some(' ') => " ",
                    _ => "",
                }
            };
            (format!("{sign}{text}"), true)
        }
        _ => {
            if let Some(c) = s.kind.filter(|&c| c != 's') {
                return Err(unknown(c));
            }
            if s.sign.is_some() {
                return Err(value_error("Sign not allowed in string format specifier"));
            }
            let mut text = str_of(v);
            if let Some(p) = s.precision {
                text = text.chars().take(p).collect();
            }
            (text, false)
        }
    };
    Ok(pad(&body, &s, numeric))
}

fn prefixed(alternate: bool, prefix: &str, digits: String) -> String {
    if alternate {
        format!("{prefix}{digits}")
    } else {
        digits
    }
}

fn group(digits: &str, sep: Option<char>) -> String {
    let Some(sep) = sep else {
        return digits.to_string();
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn group_float(text: &str, sep: Option<char>) -> String {
    match text.split_once('.') {
        Some((int, frac)) => format!("{}.{frac}", group(int, sep)),
        None => group(text, sep),
    }
}

/// `{:e}` in Python's style: `1.500000e+00`.
fn sci(f: f64, precision: usize) -> String {
    let t = format!("{f:.precision$e}");
    let (m, e) = t.split_once('e').expect("exponent");
    let e: i32 = e.parse().expect("number");
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// `{:g}`: fixed or scientific, whichever Python's rules pick, without trailing zeros.
fn general(f: f64, precision: usize) -> String {
    let p = precision.max(1);
    if f == 0.0 {
        return "0".into();
    }
    let exp = f.abs().log10().floor() as i32;
    let strip = |t: String| {
        if t.contains('.') {
            let t = t.trim_end_matches('0');
            t.trim_end_matches('.').to_string()
        } else {
            t
        }
    };
    if exp < -4 || exp >= p as i32 {
        let t = sci(f, p - 1);
        let (m, e) = t.split_once('e').expect("exponent");
        format!("{}e{e}", strip(m.to_string()))
    } else {
        strip(format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, f))
    }
}

fn pad(body: &str, s: &Spec, numeric: bool) -> String {
    let len = body.chars().count();
    if len >= s.width {
        return body.to_string();
    }
    let fill = s.fill.unwrap_or(if s.zero && s.align.is_none() {
        '0'
    } else {
        ' '
    });
    let align = s.align.unwrap_or(if s.zero && numeric {
        '='
    } else if numeric {
        '>'
    } else {
        '<'
    });
    let n = s.width - len;
    let fills = |k: usize| fill.to_string().repeat(k);
    match align {
        '<' => format!("{body}{}", fills(n)),
        '^' => format!("{}{body}{}", fills(n / 2), fills(n - n / 2)),
        '=' => {
            let (sign, rest) = match body.chars().next() {
                Some(c @ ('-' | '+' | ' ')) => (c.to_string(), &body[1..]),
                _ => (String::new(), body),
            };
            format!("{sign}{}{rest}", fills(n))
        }
        _ => format!("{}{body}", fills(n)),
    }
}

/// Python's `text % args` for strings.
pub fn percent_format(text: &str, args: &Value) -> Result<String, Exc> {
    let items: Vec<Value> = match args {
        Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    let mut next = items.into_iter();
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || matches!(d, '.' | '-' | '+' | ' ' | '#') {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let Some(conv) = chars.next() else {
            return Err(value_error("incomplete format"));
        };
        if conv == '%' {
            out.push('%');
            continue;
        }
        let arg = next
            .next()
            .ok_or_else(|| super::exc::type_error("not enough arguments for format string"))?;
        let piece = match conv {
            's' => str_of(&arg),
            'r' | 'a' => repr_of(&arg),
            'd' | 'i' | 'u' => match &arg {
                Value::Float(f) => format_value(&Value::Int(f.trunc() as i64), "")?,
                _ => format_value(&arg, "d")?,
            },
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'x' | 'X' | 'o' => {
                let precision = if spec.contains('.') {
                    ""
                } else if matches!(conv, 'f' | 'F' | 'e' | 'E') {
                    ".6"
                } else {
                    ""
                };
                format_value(&arg, &format!("{precision}{conv}"))?
            }
            c => return Err(value_error(format!("unsupported format character '{c}'"))),
        };
        // Width, precision and flags apply as in Python's printf-style formatting.
        let (flags, rest): (String, String) = spec
            .chars()
            .partition(|c| matches!(c, '-' | '+' | ' ' | '#'));
        let (width, precision) = match rest.split_once('.') {
            Some((w, p)) => (w.to_string(), Some(p.to_string())),
            None => (rest, None),
        };
        let piece = match (&precision, conv) {
            (Some(p), 'f' | 'F' | 'e' | 'E' | 'g' | 'G') => {
                format_value(&arg, &format!(".{p}{conv}"))?
            }
            (Some(p), 's' | 'r') => piece
                .chars()
                .take(p.parse().unwrap_or(usize::MAX))
                .collect(),
            _ => piece,
        };
        let width: usize = width.parse().unwrap_or(0);
        let len = piece.chars().count();
        if len < width {
            let fill = " ".repeat(width - len);
            if flags.contains('-') {
                out.push_str(&piece);
                out.push_str(&fill);
            } else {
                out.push_str(&fill);
                out.push_str(&piece);
            }
        } else {
            out.push_str(&piece);
        }
    }
    if next.next().is_some() {
        return Err(super::exc::type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python() {
        for (f, want) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1.5e16, "1.5e+16"),
            (1e-5, "1e-05"),
            (123.456, "123.456"),
            (0.0001, "0.0001"),
            (-2.5, "-2.5"),
            (1e22, "1e+22"),
            (100.0, "100.0"),
        ] {
            assert_eq!(float_repr(f), want);
        }
    }

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
            (Value::str("ab"), ">4", "  ab"),
            (Value::str("ab"), "*^6", "**ab**"),
            (Value::Float(0.25), ".1%", "25.0%"),
            (Value::Float(12345.678), "e", "1.234568e+04"),
            (Value::Float(0.00001234), "g", "1.234e-05"),
            (Value::Int(7), "+d", "+7"),
        ];
        for (v, spec, want) in cases {
            assert_eq!(format_value(&v, spec).unwrap(), want, "{spec}");
        }
        assert!(format_value(&Value::str("x"), "d").is_err());
    }

    #[test]
    fn percent_formatting() {
        let args = Value::tuple(vec![Value::str("a"), Value::Int(3), Value::Float(1.5)]);
        assert_eq!(
            percent_format("%s=%d (%.2f) %%", &args).unwrap(),
            "a=3 (1.50) %"
        );
        assert_eq!(
            percent_format(
                "%5d|%-3s|",
                &Value::tuple(vec![Value::Int(42), Value::str("x")])
            )
            .unwrap(),
            "   42|x  |"
        );
    }

    #[test]
    fn reprs() {
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a\nb"), "'a\\nb'");
        let t = Value::tuple(vec![Value::Int(1)]);
        assert_eq!(repr_of(&t), "(1,)");
    }
}
