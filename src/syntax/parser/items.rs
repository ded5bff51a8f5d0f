//! The item loop: parsing top-level items one after the other from some offset, and
//! cutting a long text into pieces that several threads parse.

use std::sync::atomic::{AtomicUsize, Ordering};

use pest::Parser as _;

use super::{
    MAX_SYNTAX_ERRORS, PARALLEL_MIN_LEN, Rule, ThrParser, expected, parse_item, skip_trivia, stmt,
};
use crate::syntax::ast::Stmt;
use crate::syntax::error::SyntaxError;
use crate::syntax::scan::{MAX_NESTING, Scan};

/// Native stack the parser may use per level of nesting (see [`nesting_bound`]), with a wide
/// margin: at most about 1.5 KiB a level was measured in release builds (nested
/// comprehensions), 16 KiB in debug builds.
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) {
    32 << 10
} else {
    4 << 10
};

/// Native stack for everything but the nesting: the entry rules, building the tree (bounded by
/// [`super::MAX_EXPR_DEPTH`]) and the error messages.
const STACK_BASE: usize = 16 << 20;

/// Texts are cut into pieces of about this many bytes for the parser threads to share (more
/// when there are many cores): small enough to balance the work when another program keeps a
/// core busy, large enough that the extra pest calls cost nothing measurable.
const PIECE_LEN: usize = 32 << 10;

/// Parser threads at most, however many cores there are.
const MAX_THREADS: usize = 8;

/// Texts that need at most this much stack are parsed on the caller's thread.
const INLINE_STACK: usize = 512 << 10;

/// The largest native stack asked for; texts that might need more are refused.
const MAX_STACK: usize = 8 << 30;

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
    if let Some(run) = parse_whole(src, scan, from, to) {
        return run;
    }
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

/// Parses `src[from..to]`, which holds whole items, in one go: the common case of a text
/// without syntax errors, which then costs one pest call rather than one per item. `None`
/// when pest finds an error; the items are then parsed one by one for the messages.
fn parse_whole(src: &str, scan: &Scan, from: usize, to: usize) -> Option<Run> {
    let pairs = ThrParser::parse(Rule::items, &src[from..to]).ok()?;
    let mut run = Run {
        outcomes: Vec::new(),
        next: to,
        capped: false,
    };
    let mut errors = 0;
    for pair in pairs.filter(|p| p.as_rule() != Rule::EOI) {
        if errors >= MAX_SYNTAX_ERRORS {
            run.capped = true;
            run.next = from + pair.as_span().start();
            break;
        }
        let builder = stmt::Builder::new(src, from, &scan.comments);
        run.outcomes.push(match builder.stmt(pair) {
            Ok(s) => Outcome::Item(s),
            Err(e) => {
                errors += 1;
                Outcome::Error(e, true)
            }
        });
    }
    Some(run)
}

/// How deep pest may recurse on `src`: an upper bound on the brackets and `lambda`s it can be
/// inside at once, as every cycle of rules in the grammar goes through one of them (a
/// bracket, a block or f-string field brace, or a `lambda` parameter default).
///
/// The text has no more brackets open than it has brackets. Besides, outside string literals
/// they nest at most [`MAX_NESTING`] deep (the scan refuses deeper text), and inside one
/// literal at most as deep as it has brackets; that holds while pest and the scan agree on
/// where each literal ends, which only an f-string can upset (see [`Scan::fstring_hazard`]).
/// `lambda`s are counted wherever they are.
pub(super) fn nesting_bound(src: &str, scan: &Scan) -> usize {
    let all = src
        .bytes()
        .filter(|b| matches!(b, b'(' | b'[' | b'{'))
        .count();
    let brackets = if scan.fstring_hazard {
        all
    } else {
        all.min(MAX_NESTING + scan.string_brackets)
    };
    brackets + src.matches("lambda").count()
}

/// Parses the items of `src` from `start` on.
///
/// pest recurses without checking its stack (its `std` feature, which would, is off: the
/// check costs a fifth of the parse time), so room is made before parsing: texts whose
/// [`nesting_bound`] needs little stack are parsed on this thread, others on threads whose
/// stack is sized for it. A text long enough (and `may_split`) is cut into pieces at item
/// boundaries (see [`cut_points`]) that parser threads, one per core up to [`MAX_THREADS`],
/// take in turn, so that they share the work evenly even when other programs keep a core
/// busy. When a piece does not end exactly where the next one starts (an item went on past
/// it, or the error cap was reached), its result stands and the rest of the text is parsed
/// again after it, so the outcome is always that of one run.
pub(super) fn parse_items(
    src: &str,
    scan: &Scan,
    start: usize,
    may_split: bool,
) -> Result<Vec<Run>, SyntaxError> {
    let levels = nesting_bound(src, scan);
    let stack = levels
        .saturating_mul(STACK_PER_LEVEL)
        .saturating_add(STACK_BASE);
    // Asked only for long texts: std reads the cgroup files to answer (about 0.1 ms).
    let threads = if may_split && src.len() >= PARALLEL_MIN_LEN {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
    } else {
        1
    };
    let mut bounds = vec![start];
    if threads > 1 {
        let pieces = ((src.len() - start) / PIECE_LEN).clamp(2, 4 * threads);
        bounds.extend(cut_points(src, scan, start, pieces));
    }
    bounds.push(src.len());
    let pieces = bounds.len() - 1;
    if pieces == 1 && stack - STACK_BASE <= INLINE_STACK {
        return Ok(vec![parse_run(src, scan, start, src.len())]);
    }
    let too_large = || SyntaxError::TooLarge { levels };
    if stack > MAX_STACK {
        return Err(too_large());
    }
    let taken = AtomicUsize::new(0);
    std::thread::scope(|s| {
        // Each worker takes the next piece until none is left, and returns what it parsed.
        let work = || {
            let mut done = Vec::new();
            loop {
                let i = taken.fetch_add(1, Ordering::Relaxed);
                let Some(range) = bounds.get(i..i + 2) else {
                    return done;
                };
                done.push((i, parse_run(src, scan, range[0], range[1])));
            }
        };
        let workers = (0..threads.min(pieces))
            .map(|_| spawn(s, stack, work).map_err(|_| too_large()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut parsed: Vec<Option<Run>> = (0..pieces).map(|_| None).collect();
        for w in workers {
            let done = w
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, run) in done {
                parsed[i] = Some(run);
            }
        }
        let mut runs = Vec::with_capacity(pieces);
        for (i, run) in parsed.into_iter().enumerate() {
            let run = run.expect("every piece was parsed");
            let (capped, next) = (run.capped, run.next);
            runs.push(run);
            if capped {
                break;
            }
            if i + 1 < pieces && next != bounds[i + 1] {
                let rest = spawn(s, stack, move || parse_run(src, scan, next, src.len()))
                    .map_err(|_| too_large())?;
                runs.push(
                    rest.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
                break;
            }
        }
        Ok(runs)
    })
}

/// Starts a parser thread with a native stack of `stack` bytes.
fn spawn<'scope, T: Send + 'scope>(
    s: &'scope std::thread::Scope<'scope, '_>,
    stack: usize,
    work: impl FnOnce() -> T + Send + 'scope,
) -> std::io::Result<std::thread::ScopedJoinHandle<'scope, T>> {
    std::thread::Builder::new()
        .name("thr-parse".into())
        .stack_size(stack)
        .spawn_scoped(s, work)
}

/// Offsets that cut `src[start..]` into about `pieces` pieces of similar length, where items
/// very likely start (see [`item_starts_after`]): only a guess, which [`parse_items`] checks.
fn cut_points(src: &str, scan: &Scan, start: usize, pieces: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = Vec::with_capacity(pieces);
    for k in 1..pieces {
        let target = start + (src.len() - start) * k / pieces;
        let (before, after) = scan.top_newlines.split_at(
            scan.top_newlines
                .partition_point(|&n| (n as usize) < target),
        );
        // The newlines nearest the target, alternately after and before it.
        let cut = (0..32)
            .flat_map(|i| [after.get(i), before.iter().rev().nth(i)])
            .flatten()
            .find_map(|&n| item_starts_after(src, start, n as usize));
        if let Some(cut) = cut.filter(|&c| cuts.last().is_none_or(|&last| c > last)) {
            cuts.push(cut);
        }
    }
    cuts
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
