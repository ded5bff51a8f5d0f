//! `text % args`: Python's printf-style string formatting.

use super::exc::{Exc, type_error, value_error};
use super::format::{ascii_of, repr_of, str_of};
use super::spec::format_value;
use super::value::Value;

/// One conversion: `%[(key)][flags][width][.precision]type`.
#[derive(Default)]
struct Conversion {
    key: Option<String>,
    left: bool,
    plus: bool,
    space: bool,
    alternate: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
    kind: char,
}

/// Python's `text % args`.
pub fn percent_format(text: &str, args: &Value) -> Result<String, Exc> {
    let mapping = matches!(args, Value::Dict(_));
    let items: Vec<Value> = match args {
        Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    let mut next = items.into_iter();
    let mut used_mapping = false;
    let mut out = String::new();
    let total = text.chars().count();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let conv = parse(&mut chars)?;
        if conv.kind == '%' {
            out.push('%');
            continue;
        }
        let arg = match &conv.key {
            Some(key) => {
                let Value::Dict(d) = args else {
                    return Err(type_error("format requires a mapping"));
                };
                used_mapping = true;
                let k = Value::str(key.as_str()).to_key().map_err(type_error)?;
                d.items.lock().get(&k).cloned().ok_or_else(|| {
                    super::exc::Exception::new(
                        super::exc::kind::KeyError,
                        vec![Value::str(key.as_str())],
                    )
                })?
            }
            None => next
                .next()
                .ok_or_else(|| type_error("not enough arguments for format string"))?,
        };
        // The conversion character's index, for the error naming an unknown one.
        let at = total - chars.clone().count() - 1;
        out.push_str(&convert(&conv, &arg, at)?);
    }
    if !used_mapping && !mapping && next.next().is_some() {
        return Err(type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

fn parse(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<Conversion, Exc> {
    let mut conv = Conversion::default();
    if chars.peek() == Some(&'(') {
        chars.next();
        let mut key = String::new();
        loop {
            match chars.next() {
                Some(')') => break,
                Some(c) => key.push(c),
                None => return Err(value_error("incomplete format key")),
            }
        }
        conv.key = Some(key);
    }
    while let Some(&c) = chars.peek() {
        match c {
            '-' => conv.left = true,
            '+' => conv.plus = true,
            ' ' => conv.space = true,
            '#' => conv.alternate = true,
            '0' => conv.zero = true,
            _ => break,
        }
        chars.next();
    }
    let digits = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        let mut d = String::new();
        while let Some(&c) = chars.peek().filter(|c| c.is_ascii_digit()) {
            d.push(c);
            chars.next();
        }
        d
    };
    conv.width = digits(chars).parse().unwrap_or(0);
    if chars.peek() == Some(&'.') {
        chars.next();
        conv.precision = Some(digits(chars).parse().unwrap_or(0));
    }
    conv.kind = chars
        .next()
        .ok_or_else(|| value_error("incomplete format"))?;
    Ok(conv)
}

fn convert(conv: &Conversion, arg: &Value, at: usize) -> Result<String, Exc> {
    let sign = if conv.plus {
        "+"
    } else if conv.space {
        " "
    } else {
        ""
    };
    let align = if conv.left { "<" } else { "" };
    let zero = if conv.zero && !conv.left { "0" } else { "" };
    let width = if conv.width > 0 {
        conv.width.to_string()
    } else {
        String::new()
    };
    let alt = if conv.alternate { "#" } else { "" };
    let number = |v: &Value, what: &str| -> Result<Value, Exc> {
        match v {
            Value::Int(_) | Value::Bool(_) | Value::Float(_) => Ok(v.clone()),
            other => Err(type_error(format!(
                "%{} format: {what} is required, not {}",
                conv.kind,
                other.type_name()
            ))),
        }
    };
    match conv.kind {
        'd' | 'i' | 'u' => {
            let v = match number(arg, "a real number")? {
                Value::Float(f) => Value::Int(f.trunc() as i64),
                v => v,
            };
            format_value(&v, &format!("{align}{sign}{zero}{width}d"))
        }
        'x' | 'X' | 'o' => {
            let v = match arg {
                Value::Int(_) | Value::Bool(_) => arg.clone(),
                other => {
                    return Err(type_error(format!(
                        "%{} format: an integer is required, not {}",
                        conv.kind,
                        other.type_name()
                    )));
                }
            };
            format_value(&v, &format!("{align}{sign}{alt}{zero}{width}{}", conv.kind))
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let v = number(arg, "a real number")?;
            let precision = conv.precision.unwrap_or(6);
            format_value(
                &v,
                &format!("{align}{sign}{alt}{zero}{width}.{precision}{}", conv.kind),
            )
        }
        'c' => {
            let ch = match arg {
                Value::Int(i) => char::from_u32(*i as u32)
                    .ok_or_else(|| value_error("%c arg not in range(0x110000)"))?,
                Value::Str(s) if s.chars().count() == 1 => s.chars().next().expect("one char"),
                _ => return Err(type_error("%c requires int or char")),
            };
            format_value(&Value::str(ch.to_string()), &format!("{align}{width}"))
        }
        's' | 'r' | 'a' => {
            let text = match conv.kind {
                's' => str_of(arg),
                'r' => repr_of(arg),
                _ => ascii_of(arg),
            };
            let text: String = match conv.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            };
            let align = if conv.left { "<" } else { ">" };
            format_value(&Value::str(text), &format!("{align}{width}"))
        }
        c => Err(value_error(format!(
            "unsupported format character '{c}' (0x{:x}) at index {at}",
            c as u32
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str, args: Vec<Value>) -> String {
        percent_format(text, &Value::tuple(args)).unwrap()
    }

    #[test]
    fn like_python() {
        assert_eq!(
            fmt(
                "%s=%d (%.2f) %%",
                vec![Value::str("a"), Value::Int(3), Value::Float(1.5)]
            ),
            "a=3 (1.50) %"
        );
        assert_eq!(
            fmt("%5d|%-3s|", vec![Value::Int(42), Value::str("x")]),
            "   42|x  |"
        );
        assert_eq!(
            fmt(
                "%05d|%+d|% d|%#x|%c",
                vec![
                    Value::Int(42),
                    Value::Int(7),
                    Value::Int(7),
                    Value::Int(255),
                    Value::Int(65)
                ]
            ),
            "00042|+7| 7|0xff|A"
        );
        assert_eq!(fmt("%a", vec![Value::str("é")]), "'\\xe9'");
        let e = percent_format("%d", &Value::str("x")).unwrap_err();
        assert_eq!(e.message(), "%d format: a real number is required, not str");
    }
}
