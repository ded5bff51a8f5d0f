//! Parser tests: precedence, layout rules and recovery.

use super::*;
use crate::syntax::ast::*;

fn one_expr(src: &str) -> Expr {
    let p = parse(src);
    assert!(p.errors.is_empty(), "{src}: {:?}", p.errors);
    match p.module.body.into_iter().next().map(|s| s.node) {
        Some(StmtKind::Expr(e)) => e,
        other => panic!("{src}: not an expression statement: {other:?}"),
    }
}

/// The expression with explicit parentheses everywhere, for precedence tests.
fn shape(e: &Expr) -> String {
    match &e.node {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Unary { op, operand } => format!("({} {})", op.symbol(), shape(operand)),
        ExprKind::Binary { op, left, right } => {
            format!("({} {} {})", shape(left), op.symbol(), shape(right))
        }
        ExprKind::Logic { op, left, right } => {
            format!("({} {} {})", shape(left), op.symbol(), shape(right))
        }
        ExprKind::Compare { left, ops } => {
            let rest: Vec<String> = ops
                .iter()
                .map(|(o, e)| format!("{} {}", o.symbol(), shape(e)))
                .collect();
            format!("({} {})", shape(left), rest.join(" "))
        }
        ExprKind::IfElse { test, body, orelse } => {
            format!(
                "({} if {} else {})",
                shape(body),
                shape(test),
                shape(orelse)
            )
        }
        ExprKind::Paren(inner) => shape(inner),
        other => format!("{other:?}"),
    }
}

#[test]
fn python_precedence() {
    for (src, want) in [
        ("-2 ** 2", "(- (2 ** 2))"),
        ("2 ** -1", "(2 ** (- 1))"),
        ("2 ** 3 ** 2", "(2 ** (3 ** 2))"),
        ("a - b - c", "((a - b) - c)"),
        ("a + b * c", "(a + (b * c))"),
        ("not a == b", "(not (a == b))"),
        ("not a and b", "((not a) and b)"),
        ("a or b and c", "(a or (b and c))"),
        ("a < b <= c", "(a < b <= c)"),
        ("(a < b) < c", "((a < b) < c)"),
        ("a | b ^ c & d << 1 + 2", "(a | (b ^ (c & (d << (1 + 2)))))"),
        ("a if b else c if d else e", "(a if b else (c if d else e))"),
        ("x not in y or x is not z", "((x not in y) or (x is not z))"),
        ("-a * b", "((- a) * b)"),
    ] {
        assert_eq!(shape(&one_expr(src)), want, "{src}");
    }
}

#[test]
fn newlines_end_statements_except_inside_brackets() {
    let p = parse("x = a\n-b\ny = f(1,\n  2)\nz = [1,\n2]; w = {1:\n 2}\n");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.module.body.len(), 5);
}

#[test]
fn durations_are_seconds_with_units() {
    let e = one_expr("250ms");
    assert!(
        matches!(e.node, ExprKind::Duration { amount, unit: TimeUnit::Millis } if amount == 250.0)
    );
    assert!(matches!(
        one_expr("1.5s").node,
        ExprKind::Duration {
            unit: TimeUnit::Secs,
            ..
        }
    ));
    assert!(matches!(
        one_expr("1m").node,
        ExprKind::Duration {
            unit: TimeUnit::Minutes,
            ..
        }
    ));
    assert!(matches!(
        one_expr("10us").node,
        ExprKind::Duration {
            unit: TimeUnit::Micros,
            ..
        }
    ));
}

#[test]
fn contextual_declaration_words_are_names_elsewhere() {
    let p = parse("lock lock\nqueue.put(1)\nthread = 3\n");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert!(matches!(
        p.module.body[0].node,
        StmtKind::Object {
            kind: ObjectKind::Lock,
            ..
        }
    ));
    assert!(matches!(p.module.body[1].node, StmtKind::Expr(_)));
    assert!(matches!(p.module.body[2].node, StmtKind::Assign { .. }));
}

#[test]
fn recovery_reports_errors_of_several_items() {
    let p = parse("x = \ny = 1\ndef f() {\n  z = )\n}\nw = (\n");
    // The unbalanced `(` on the last line is found first, before parsing.
    assert_eq!(p.errors.len(), 1);
    let p = parse("x = \ny = 1\ndef f() {\n  z = * 2\n}\nw = 3 3\n");
    assert_eq!(p.errors.len(), 3, "{:?}", p.errors);
    assert_eq!(p.module.body.len(), 1);
}

#[test]
fn spans_exclude_trailing_comments() {
    let src = "x = 1   # one\n";
    let p = parse(src);
    assert_eq!(p.module.body[0].span.text(src), "x = 1");
}

#[test]
fn deep_input_is_refused_not_overflowed() {
    for src in [
        "(".repeat(100_000),
        format!("x = {}1", "-".repeat(100_000)),
        format!("x = {}1", "not ".repeat(50_000)),
        format!("x = 1{}", " ** 1".repeat(50_000)),
        format!("x = 1{}", " if 1 else 1".repeat(20_000)),
        format!("x = 1{}", " + 1".repeat(100_000)),
    ] {
        let p = parse(&src);
        assert!(!p.errors.is_empty());
    }
}

/// A text of at least `len` bytes made of copies of `chunk`, each copy numbered (`@` is
/// replaced by the copy's number) and passed through `edit`.
fn long_text(chunk: &str, len: usize, edit: impl Fn(usize, String) -> String) -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < len {
        text.push_str(&edit(i, chunk.replace('@', &i.to_string())));
        i += 1;
    }
    text
}

fn same_parse(text: &str) {
    let (cut, whole) = (parse_text(text, true), parse_text(text, false));
    assert_eq!(
        format!("{:?}", (&cut.module, &cut.errors, cut.incomplete)),
        format!("{:?}", (&whole.module, &whole.errors, whole.incomplete)),
    );
}

#[test]
fn a_text_cut_into_pieces_parses_as_one_run() {
    let chunk = "shared n_@ = 0\ndef f_@(a, b=2) {\n    if a {\n        return [x * b for x in \
                 range(a)]\n    }\n    else {\n        pass\n    }\n}\nt_@ = spawn f_@(3)\n\n";
    let len = 3 * PARALLEL_MIN_LEN;
    // Without errors; with errors in every piece; with few errors, and with enough of them to
    // reach the cap in one piece or only across several.
    for every in [0, 97, 13, 400] {
        same_parse(&long_text(chunk, len, |i, c| {
            if every > 0 && i % every == 5 {
                c.replace("t_", "t_ = = ")
            } else {
                c
            }
        }));
    }
    // Items that a cut must not separate: `else` after a block on the next line, and broken
    // items whose recovery runs on past the places where the text is cut.
    let blocks = long_text(chunk, len, |_, c| {
        c.replace("}\n\n", "}\nelse {\n    pass\n}\n")
    });
    same_parse(&blocks);
    let mut broken = blocks.clone();
    for k in 1..6 {
        let target = broken.len() * k / 6;
        for at in [target - 300, target - 40, target, target + 1] {
            let at = (at..).find(|&i| broken.is_char_boundary(i)).unwrap();
            broken.insert_str(at, " @ ");
        }
        same_parse(&broken);
    }
}

#[test]
fn deep_fstring_fields_do_not_overflow() {
    // Brackets inside a string are not limited by the scan; the tree builder refuses the
    // deeper ones.
    for depth in [150, 5_000, 100_000] {
        let src = format!("x = f\"{{{}1{}}}\"\n", "(".repeat(depth), ")".repeat(depth));
        let p = parse(&src);
        match depth {
            150 => assert!(p.errors.is_empty(), "{:?}", p.errors),
            _ => assert!(
                matches!(p.errors[..], [SyntaxError::ExpressionTooComplex { .. }]),
                "{depth}: {:?}",
                p.errors
            ),
        }
    }
    let src = format!("x = {}1\n", "lambda a=".repeat(20_000));
    assert!(!parse(&src).errors.is_empty());
}

#[test]
fn nesting_bound_counts_string_brackets_unless_an_fstring_could_run_on() {
    let bound = |src: &str| items::nesting_bound(src, &scan::scan(src));
    assert_eq!(bound("x = (1)\n"), 1);
    let many = format!("x = {}\n", "(1) + ".repeat(500) + "1");
    assert_eq!(bound(&many), crate::syntax::scan::MAX_NESTING);
    assert_eq!(bound(&format!("{many}y = f\"{{((1))}}\"\n")), 103);
    // A quote in a field: pest may read on past the scan's end of the string.
    let hazard = format!("{many}y = f\"{{d['a']}}\"\n");
    assert_eq!(bound(&hazard), 502);
    assert_eq!(bound("f = lambda: lambda x=lambda: 1: 2\n"), 3);
}
