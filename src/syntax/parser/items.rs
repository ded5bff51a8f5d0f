//! The item loop: parsing top-level items one after the other from some offset, and
//! cutting a long text in two so that the halves can be parsed on two threads.

use super::{MAX_SYNTAX_ERRORS, expected, parse_item, skip_trivia, stmt};
use crate::syntax::ast::Stmt;
use crate::syntax::error::SyntaxError;
use crate::syntax::scan::Scan;

/// Native stack of the thread that parses the second half: as much as the `thr` binary
/// gives its main thread, so that deep input fares the same in either half.
const PARSER_STACK_SIZE: usize = 256 << 20;

/// What parsing one item gave.
pub(super) enum Outcome {
    /// The item, built.
    Item(Stmt),
    /// Its error, and whether nothing but trivia follows the error (for
    /// [`super::Parsed::incomplete`]; always true for errors found while building).
    Error(SyntaxError, bool),
}

/// The items parsed from one offset on.
pub(super) struct Run {
    /// One outcome per item, in order.
    pub(super) outcomes: Vec<Outcome>,
    /// Where the next item would start.
    pub(super) next: usize,
    /// True when the run stopped because it had [`MAX_SYNTAX_ERRORS`] errors, with text left.
    pub(super) capped: bool,
}

/// Parses the items that start in `from..to` (the last one may end after `to`).
pub(super) fn parse_run(src: &str, scan: &Scan, from: usize, to: usize) -> Run {
    let mut run = Run {
        outcomes: Vec::new(),
        next: from,
        capped: false,
    };
    let mut errors = 0;
    let mut pos = from;
    while pos < to {
        if errors >= MAX_SYNTAX_ERRORS {
            run.capped = true;
            break;
        }
        let next = match parse_item(&src[pos..]) {
            Ok(mut pairs) => {
                let pair = pairs.next().expect("item_entry yields one statement");
                let end = pos + pair.as_span().end();
                let builder = stmt::Builder::new(src, pos, &scan.comments);
                run.outcomes.push(match builder.stmt(pair) {
                    Ok(s) => Outcome::Item(s),
                    Err(e) => {
                        errors += 1;
                        Outcome::Error(e, true)
                    }
                });
                end
            }
            Err(e) => {
                let (error, offset) = expected::convert(e, src, pos);
                errors += 1;
                let at_end = skip_trivia(src, offset) >= src.len();
                run.outcomes.push(Outcome::Error(error, at_end));
                let resume = scan.resume_after(offset, src.len());
                // A block on the lines after the error belongs to the broken item.
                let next = skip_trivia(src, resume);
                if src.as_bytes().get(next) == Some(&b'{') {
                    scan.resume_after(next + 1, src.len())
                } else {
                    resume
                }
            }
        };
        pos = skip_trivia(src, next);
    }
    run.next = pos;
    run
}

/// Parses the items from `start` on in two runs, `start..split` on this thread and `split..`
/// on another, where `split` is from [`split_point`]. When the first run does not end
/// exactly at `split` (an item went on past it, or the error cap was reached), its result
/// stands and the rest is parsed again after it, so the outcome is always that of one run.
pub(super) fn parse_halves(src: &str, scan: &Scan, start: usize, split: usize) -> Vec<Run> {
    std::thread::scope(|s| {
        let second = std::thread::Builder::new()
            .name("thr-parse".into())
            .stack_size(PARSER_STACK_SIZE)
            .spawn_scoped(s, || parse_run(src, scan, split, src.len()));
        let first = parse_run(src, scan, start, split);
        let second = second.ok().and_then(|h| h.join().ok());
        match second {
            _ if first.capped => vec![first],
            Some(second) if first.next == split => vec![first, second],
            _ => {
                let rest = parse_run(src, scan, first.next, src.len());
                vec![first, rest]
            }
        }
    })
}

/// An offset near the middle of the text where an item very likely starts: just after a
/// top-level newline that is not a line continuation, where the next line does not continue
/// the item before (`else`, `elif`, `except`, `finally`, or a block's `{`). Only a guess:
/// [`parse_halves`] checks that the first half really ends there.
pub(super) fn split_point(src: &str, scan: &Scan, start: usize) -> Option<usize> {
    let middle = start + (src.len() - start) / 2;
    let (before, after) = scan
        .top_newlines
        .split_at(scan.top_newlines.partition_point(|&n| (n as usize) < middle));
    // The newlines nearest the middle, alternately after and before it.
    (0..32)
        .flat_map(|i| [after.get(i), before.iter().rev().nth(i)])
        .flatten()
        .find_map(|&n| item_starts_after(src, start, n as usize))
}

/// The offset of the item that starts after the top-level newline at `n`, if one does.
fn item_starts_after(src: &str, start: usize, n: usize) -> Option<usize> {
    let before = src.as_bytes().get(start..n)?;
    if before.ends_with(b"\\") || before.ends_with(b"\\\r") {
        return None;
    }
    let at = skip_trivia(src, n);
    let rest = &src[at..];
    let continues = ["else", "elif", "except", "finally"].iter().any(|kw| {
        rest.strip_prefix(kw)
            .is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    });
    (at > start && at < src.len() && !continues && !rest.starts_with('{')).then_some(at)
}
