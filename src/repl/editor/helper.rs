//! The rustyline [`Helper`]: completion, hints and highlighting for `.thr` input.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anstyle::{AnsiColor, Style};
use parking_lot::RwLock;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::Validator;
use rustyline::{Cmd, ConditionalEventHandler, Context, Event, EventContext, Helper, RepeatCount};

use super::complete::{self, Target};
use super::lex;
use crate::repl::Known;

/// The names the session knows, refreshed by the editor after each input and read by the
/// completer while a line is edited.
pub type KnownNames = Arc<RwLock<Vec<Known>>>;

/// Completion, hints and highlighting for the REPL's line editor.
///
/// Multi-line input is decided by the editor's loop (with the engine's parser) rather than
/// by a [`Validator`], so that continuation lines get their own `... ` prompt, which
/// rustyline's validator can't show.
pub struct ThrHelper {
    known: KnownNames,
    color: bool,
    files: FilenameCompleter,
}

impl ThrHelper {
    /// A helper reading declared names from `known`; `color` turns highlighting on.
    pub fn new(known: KnownNames, color: bool) -> ThrHelper {
        ThrHelper {
            known,
            color,
            files: FilenameCompleter::new(),
        }
    }
}

/// A hint that is only shown: accepting it (right arrow) inserts nothing, since a
/// signature is documentation, not text to type.
pub struct ShownHint(String);

impl Hint for ShownHint {
    fn display(&self) -> &str {
        &self.0
    }

    fn completion(&self) -> Option<&str> {
        None
    }
}

impl Completer for ThrHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, target, candidates) = complete::complete(line, pos, &self.known.read());
        if let Target::File(_) = target {
            return self.files.complete(line, pos, ctx);
        }
        let pairs = candidates
            .into_iter()
            .map(|c| Pair {
                display: c.display,
                replacement: c.replacement,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ThrHelper {
    type Hint = ShownHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<ShownHint> {
        complete::hint(line, pos, &self.known.read()).map(ShownHint)
    }
}

impl Highlighter for ThrHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(lex::highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if self.color {
            let s = Style::new().bold().fg_color(Some(AnsiColor::Green.into()));
            Cow::Owned(format!("{}{prompt}{}", s.render(), s.render_reset()))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            let s = Style::new().dimmed();
            Cow::Owned(format!("{}{hint}{}", s.render(), s.render_reset()))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        // Colours depend on the text only, so moving the cursor changes nothing.
        self.color && kind != CmdKind::MoveCursor
    }
}

impl Validator for ThrHelper {}

/// Ctrl-C at the prompt: on an empty `>>> ` line it does nothing (no new line, no new
/// prompt); otherwise it interrupts the line as usual, and the editor drops what was typed.
pub struct CtrlC {
    /// An unfinished input is waiting for more lines (a `... ` prompt is shown).
    pub pending: Arc<AtomicBool>,
}

impl ConditionalEventHandler for CtrlC {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        (ctx.line().is_empty() && !self.pending.load(Ordering::SeqCst)).then_some(Cmd::Noop)
    }
}

impl Helper for ThrHelper {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::kinds::Kind;
    use rustyline::history::DefaultHistory;

    fn helper(color: bool) -> ThrHelper {
        let known = Arc::new(RwLock::new(vec![Known {
            name: "guard".into(),
            kind: Some(Kind::Lock),
        }]));
        ThrHelper::new(known, color)
    }

    #[test]
    fn completes_hints_and_paints() {
        let h = helper(true);
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let (start, pairs) = h.complete("x = gu", 6, &ctx).unwrap();
        assert_eq!(start, 4);
        assert_eq!(pairs[0].replacement, "guard");
        let (_, pairs) = h.complete("guard.rel", 9, &ctx).unwrap();
        assert_eq!(pairs[0].replacement, "release(");
        assert_eq!(
            h.hint("guard.release(", 14, &ctx).map(|x| x.0),
            Some(")".to_string())
        );
        assert!(h.highlight("lock l", 0).contains("\x1b["));
        assert!(h.highlight_prompt(">>> ", true).contains(">>> "));
        assert!(h.highlight_char("x", 1, CmdKind::Other));
        // Shown hints are not inserted.
        assert_eq!(ShownHint("x".into()).completion(), None);
    }

    #[test]
    fn no_colour_means_no_escapes() {
        let h = helper(false);
        assert_eq!(h.highlight("lock l # c", 0), "lock l # c");
        assert_eq!(h.highlight_prompt("... ", true), "... ");
        assert_eq!(h.highlight_hint(")"), ")");
        assert!(!h.highlight_char("x", 1, CmdKind::Other));
    }

    #[test]
    fn load_completes_file_names() {
        let dir = std::env::temp_dir().join(format!("thr-complete-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("scenario_one.thr"), "").unwrap();
        let h = helper(false);
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let line = format!(":load {}/scen", dir.display());
        let (_, pairs) = h.complete(&line, line.len(), &ctx).unwrap();
        assert!(
            pairs
                .iter()
                .any(|p| p.replacement.ends_with("scenario_one.thr"))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
