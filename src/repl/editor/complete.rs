//! What Tab offers and what the hint shows, as pure functions of the line, the cursor and
//! the names the session knows (so they are tested without a terminal).

use super::lex::{self, DECLARATIONS, KEYWORDS};
use crate::lang::builtins;
use crate::lang::kinds::Kind;
use crate::lang::signature::Signature;
use crate::repl::Known;

/// The REPL's commands, offered after `:` at the start of a line.
pub const COMMANDS: &[&str] = &[
    ":help",
    ":threads",
    ":objects",
    ":trace",
    ":load",
    ":reset",
    ":quit",
    ":mode",
    ":step",
    ":run",
    ":schedule",
];

/// One completion: what the list shows and what replaces the word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Shown in the list of candidates.
    pub display: String,
    /// Inserted in place of the word (a function gets its `(`).
    pub replacement: String,
}

impl Candidate {
    fn plain(word: &str) -> Candidate {
        Candidate {
            display: word.to_string(),
            replacement: word.to_string(),
        }
    }

    fn call(word: &str) -> Candidate {
        Candidate {
            display: word.to_string(),
            replacement: format!("{word}("),
        }
    }
}

/// What to complete at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A `:command` starting at this byte.
    Command(usize),
    /// A file name after `:load `, starting at this byte.
    File(usize),
    /// A name starting at this byte.
    Name(usize),
    /// An attribute of the object written just before the dot (`.0` is the text before the
    /// dot: its end is the object, such as `guard` or `current_thread()`), starting at
    /// this byte.
    Attribute(String, usize),
    /// Nothing (inside a string or a comment, or after something that isn't a name).
    Nothing,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The start of the name that ends at `pos`.
fn word_start(line: &str, pos: usize) -> usize {
    line[..pos]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_name_char(c))
        .last()
        .map_or(pos, |(i, _)| i)
}

/// Decides what the word before the cursor is.
pub fn target(line: &str, pos: usize) -> Target {
    if !line.is_char_boundary(pos) {
        return Target::Nothing;
    }
    let before = &line[..pos];
    let leading = before.len() - before.trim_start().len();
    if before[leading..].starts_with(':') {
        let rest = &before[leading + 1..];
        if rest.chars().all(is_name_char) {
            return Target::Command(leading);
        }
        if let Some(arg) = rest.strip_prefix("load") {
            let trimmed = arg.trim_start();
            if trimmed.len() < arg.len() {
                return Target::File(pos - trimmed.len());
            }
        }
        return Target::Nothing;
    }
    if lex::in_string_or_comment(line, pos) {
        return Target::Nothing;
    }
    let start = word_start(line, pos);
    if line[start..pos].starts_with(|c: char| c.is_ascii_digit()) {
        return Target::Nothing;
    }
    if let Some(head) = line[..start].strip_suffix('.') {
        return Target::Attribute(head.to_string(), start);
    }
    Target::Name(start)
}

/// How deep [`kind_of_expr`] follows `a.b().c` chains.
const MAX_CHAIN: usize = 8;

/// The kind of the expression that ends `text`, as far as names, attributes and the return
/// annotations of calls tell: `guard`, `current_thread()`, `pool.submit(f)`, `t.name`,
/// `"text"`. `None` when unknown.
fn kind_of_expr(text: &str, known: &[Known], depth: usize) -> Option<Kind> {
    if depth > MAX_CHAIN {
        return None;
    }
    if let Some(inner) = text.strip_suffix(')') {
        let open = open_bracket(inner)?;
        let callee = &inner[..open];
        let start = word_start(callee, callee.len());
        let name = &callee[start..];
        if name.is_empty() {
            return None;
        }
        let sig = match callee[..start].strip_suffix('.') {
            Some(receiver) => kind_of_expr(receiver, known, depth + 1)?.method(name)?,
            None => builtins::function(name)?,
        };
        return Kind::from_return(sig.returns.as_deref()?);
    }
    if text.ends_with(['"', '\'']) {
        let last = lex::tokens(text).pop()?;
        return (last.class == lex::Class::Str { closed: true }).then_some(Kind::Str);
    }
    let start = word_start(text, text.len());
    let name = &text[start..];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    match text[..start].strip_suffix('.') {
        Some(receiver) => kind_of_expr(receiver, known, depth + 1)?.attribute(name)?,
        None => kind_of(known, name),
    }
}

/// The byte offset of the bracket still open at the end of `text` (outside strings and
/// comments), if the innermost one is a `(`.
fn open_bracket(text: &str) -> Option<usize> {
    let mut open: Vec<(char, usize)> = Vec::new();
    for t in lex::tokens(text) {
        if t.class != lex::Class::Other {
            continue;
        }
        for (i, c) in text[t.start..t.end].char_indices() {
            match c {
                '(' | '[' | '{' => open.push((c, t.start + i)),
                ')' | ']' | '}' => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    match open.last() {
        Some(&('(', at)) => Some(at),
        _ => None,
    }
}

/// The kind of `name` among the known names.
fn kind_of(known: &[Known], name: &str) -> Option<Kind> {
    known
        .iter()
        .rev()
        .find(|k| k.name == name)
        .and_then(|k| k.kind)
}

/// The names and commands that complete the word before `pos` (for `:load`, the caller
/// completes file names: this returns [`Target::File`] and no candidates). Sorted, without
/// duplicates.
pub fn complete(line: &str, pos: usize, known: &[Known]) -> (usize, Target, Vec<Candidate>) {
    let target = target(line, pos);
    let mut out: Vec<Candidate> = Vec::new();
    let start = match &target {
        Target::Command(start) => {
            let word = &line[*start..pos];
            out.extend(
                COMMANDS
                    .iter()
                    .filter(|c| c.starts_with(word))
                    .map(|c| Candidate::plain(c)),
            );
            *start
        }
        Target::File(start) => *start,
        Target::Nothing => pos,
        Target::Attribute(object, start) => {
            let prefix = &line[*start..pos];
            if let Some(kind) = kind_of_expr(object, known, 0) {
                let info = kind.info();
                out.extend(
                    info.methods
                        .iter()
                        .filter(|m| m.name.starts_with(prefix))
                        .map(|m| Candidate::call(&m.name)),
                );
                out.extend(
                    info.attributes
                        .iter()
                        .filter(|(a, _)| a.starts_with(prefix))
                        .map(|(a, _)| Candidate::plain(a)),
                );
            }
            *start
        }
        Target::Name(start) => {
            let prefix = &line[*start..pos];
            if !prefix.is_empty() {
                let words = KEYWORDS.iter().chain(DECLARATIONS);
                out.extend(
                    words
                        .filter(|w| w.starts_with(prefix))
                        .map(|w| Candidate::plain(w)),
                );
                for name in builtins::all_names().filter(|n| n.starts_with(prefix)) {
                    out.push(if builtins::function(name).is_some() {
                        Candidate::call(name)
                    } else {
                        Candidate::plain(name)
                    });
                }
                if let Some(sig) = open_call(line, *start, known) {
                    out.extend(sig.keywords().filter(|k| k.starts_with(prefix)).map(|k| {
                        Candidate {
                            display: format!("{k}="),
                            replacement: format!("{k}="),
                        }
                    }));
                }
                for k in known.iter().filter(|k| k.name.starts_with(prefix)) {
                    out.push(if k.kind == Some(Kind::Function) {
                        Candidate::call(&k.name)
                    } else {
                        Candidate::plain(&k.name)
                    });
                }
            }
            *start
        }
    };
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.display == b.display);
    (start, target, out)
}

/// The signature of the call whose arguments are being typed at `pos` (the innermost
/// bracket still open there is a call's `(`), if known.
fn open_call(line: &str, pos: usize, known: &[Known]) -> Option<&'static Signature> {
    let at = open_bracket(&line[..pos])?;
    called_signature(line, at + 1, known)
}

/// The signature of what is called by the `(` just before `pos`, if known.
fn called_signature(line: &str, pos: usize, known: &[Known]) -> Option<&'static Signature> {
    let head = line.get(..pos)?.strip_suffix('(')?;
    let start = word_start(head, head.len());
    let name = &head[start..];
    if name.is_empty() || lex::in_string_or_comment(line, pos) {
        return None;
    }
    match target(head, head.len()) {
        Target::Attribute(object, _) => kind_of_expr(&object, known, 0)?.method(name),
        Target::Name(_) => builtins::function(name),
        _ => None,
    }
}

/// The hint after the cursor: right after `obj.method(` or `builtin(`, the rest of its
/// signature (`blocking=True, timeout=-1) -> bool`). Only at the end of the line, and
/// nothing otherwise: hints stay quiet.
pub fn hint(line: &str, pos: usize, known: &[Known]) -> Option<String> {
    if pos != line.len() {
        return None;
    }
    let sig = called_signature(line, pos, known)?;
    let shown = sig.display();
    let mut rest = shown.get(sig.name.len() + 1..)?.to_string();
    if let Some(ret) = &sig.returns {
        rest.push_str(" -> ");
        rest.push_str(ret);
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<Known> {
        vec![
            Known {
                name: "guard".into(),
                kind: Some(Kind::Lock),
            },
            Known {
                name: "gate".into(),
                kind: Some(Kind::Event),
            },
            Known {
                name: "count_up".into(),
                kind: Some(Kind::Function),
            },
            Known {
                name: "mystery".into(),
                kind: None,
            },
        ]
    }

    fn shown(line: &str) -> Vec<String> {
        complete(line, line.len(), &known())
            .2
            .into_iter()
            .map(|c| c.display)
            .collect()
    }

    #[test]
    fn declared_names_keywords_and_builtins() {
        assert_eq!(shown("gu"), vec!["guard"]);
        assert_eq!(
            shown("x = g"),
            vec!["gate", "get_ident", "get_native_id", "guard"]
        );
        assert_eq!(shown("whi"), vec!["while"]);
        assert_eq!(shown("dae"), vec!["daemon"]);
        assert_eq!(shown("Brok"), vec!["BrokenBarrierError"]);
        let (start, _, c) = complete("t = spawn count", 15, &known());
        assert_eq!(start, 10);
        assert_eq!(c[0].replacement, "count_up(");
        assert_eq!(complete("pri", 3, &known()).2[0].replacement, "print(");
        // Nothing typed, inside a string or comment, or in a number: nothing offered.
        assert!(shown("").is_empty());
        assert!(shown("print('gu").is_empty());
        assert!(shown("# gu").is_empty());
        assert!(shown("x = 12").is_empty());
    }

    #[test]
    fn methods_of_the_kind_after_a_dot() {
        let info = Kind::Lock.info();
        let mut expected: Vec<String> = info.methods.iter().map(|m| m.name.clone()).collect();
        expected.extend(info.attributes.iter().map(|(a, _)| a.to_string()));
        expected.sort();
        assert_eq!(shown("guard."), expected);
        assert!(shown("guard.").contains(&"locked".to_string()));
        let (start, _, c) = complete("  gate.is", 9, &known());
        assert_eq!(start, 7);
        assert_eq!(c[0].display, "is_set");
        assert_eq!(c[0].replacement, "is_set(");
        // Unknown kinds, unknown names, chains: nothing.
        assert!(shown("mystery.").is_empty());
        assert!(shown("nobody.a").is_empty());
        assert!(shown("a.guard.").is_empty());
        assert!(shown("x = 1.").is_empty());
        assert!(shown("(guard).").is_empty());
    }

    #[test]
    fn methods_of_what_calls_and_attributes_return() {
        // Builtins and methods say what they return.
        assert!(shown("current_thread().is_").contains(&"is_alive".to_string()));
        assert!(shown("x = main_thread().getName().up").contains(&"upper".to_string()));
        assert!(shown("guard.locked().").is_empty());
        // Attributes with a known kind, and string literals.
        assert!(shown("current_thread().name.st").contains(&"startswith".to_string()));
        assert!(shown("'a,b'.sp").contains(&"split".to_string()));
        assert!(shown("print(\"x\").").is_empty());
        assert_eq!(
            hint("current_thread().join(", 22, &known()).as_deref(),
            Some("timeout=None)")
        );
    }

    #[test]
    fn commands_and_files() {
        assert_eq!(shown(":l"), vec![":load"]);
        let mut all = COMMANDS.to_vec();
        all.sort();
        assert_eq!(shown(":"), all);
        assert_eq!(target(":load ex", 8), Target::File(6));
        assert_eq!(target(":load", 5), Target::Command(0));
        assert_eq!(target(":quit now", 9), Target::Nothing);
    }

    #[test]
    fn keyword_arguments_inside_a_call() {
        assert_eq!(shown("guard.acquire(True, ti"), vec!["time", "timeout="]);
        assert_eq!(shown("print(1, se"), vec!["semaphore", "sep="]);
        assert!(shown("print(x) + se").iter().all(|c| !c.ends_with('=')));
        assert!(shown("print([se").iter().all(|c| !c.ends_with('=')));
        assert!(shown("print(\"(\", se").contains(&"sep=".to_string()));
    }

    #[test]
    fn hints_show_the_rest_of_a_signature() {
        assert_eq!(
            hint("guard.acquire(", 14, &known()).as_deref(),
            Some("blocking=True, timeout=-1) -> bool")
        );
        assert_eq!(hint("gate.set(", 9, &known()).as_deref(), Some(")"));
        assert!(hint("sleep(", 6, &known()).unwrap().starts_with("secs"));
        assert_eq!(hint("guard.acquire(", 3, &known()), None);
        assert_eq!(hint("guard.acquire(True", 18, &known()), None);
        assert_eq!(hint("mystery.f(", 10, &known()), None);
        assert_eq!(hint("print('x(", 9, &known()), None);
        assert_eq!(hint("", 0, &known()), None);
    }
}
