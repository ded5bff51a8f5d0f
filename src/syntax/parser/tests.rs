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
