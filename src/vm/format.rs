//! Turning values into text the way Python does: `str`, `repr`, format specs
//! (`{x:>5}`, `{t:.2f}`) and `%`-formatting.

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
            c if !super::printable::is_printable(c) => match c as u32 {
                n @ 0..=0xff => out.push_str(&format!("\\x{n:02x}")),
                n @ 0x100..=0xffff => out.push_str(&format!("\\u{n:04x}")),
                n => out.push_str(&format!("\\U{n:08x}")),
            },
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `ascii(v)`: the repr with non-ASCII characters escaped.
pub fn ascii_of(v: &Value) -> String {
    let mut out = String::new();
    for c in repr_of(v).chars() {
        match c as u32 {
            0..=0x7f => out.push(c),
            n @ 0x80..=0xff => out.push_str(&format!("\\x{n:02x}")),
            n @ 0x100..=0xffff => out.push_str(&format!("\\u{n:04x}")),
            n => out.push_str(&format!("\\U{n:08x}")),
        }
    }
    out
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
    fn reprs() {
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a\nb"), "'a\\nb'");
        let t = Value::tuple(vec![Value::Int(1)]);
        assert_eq!(repr_of(&t), "(1,)");
        assert_eq!(ascii_of(&Value::str("é€😀")), "'\\xe9\\u20ac\\U0001f600'");
    }
}
