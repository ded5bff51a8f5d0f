//! The front end's second half: static checks on a parsed scenario.
//!
//! [`check`] resolves every name, checks calls against the signatures of `def`s, builtins
//! and object methods, and finds misplaced statements, before anything runs. It reports
//! every problem it finds, not just the first, sorted by position.

mod calls;
pub mod error;
mod names;
pub mod scope;
mod suggest;
mod walk;

pub use error::CheckError;

use crate::lang::kinds::Kind;
use crate::syntax::Span;
use crate::syntax::ast::Module;
use scope::Globals;

/// A map keyed by names. The checker looks names up tens of thousands of times in a large
/// file; std's default SipHash guards against crafted keys, which names in a scenario are not
/// worth guarding against, at several times the cost of FxHash.
pub type NameMap<'m, V> = rustc_hash::FxHashMap<&'m str, V>;

/// Checks `module` (parsed from `src`) and returns its problems, sorted by position.
pub fn check(src: &str, module: &Module) -> Vec<CheckError> {
    let mut cx = Checker {
        src,
        globals: Globals::collect(module),
        errors: Vec::new(),
        scopes: Vec::new(),
        main_locals: NameMap::default(),
        current_item: 0,
        block_depth: 0,
    };
    cx.module(module);
    let mut errors = cx.errors;
    errors.sort_by_key(|e| (e.primary().start, e.primary().end));
    errors.dedup();
    errors
}

/// What kind of body a scope belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    /// The initial values of declarations: no locals, evaluated in file order.
    Init,
    /// The main thread's top-level statements.
    Main,
    /// A `def`.
    Def,
    /// A `thread` block.
    Thread,
    /// A lambda (nested in another scope).
    Lambda,
    /// A comprehension (nested in another scope).
    Comp,
}

impl ScopeKind {
    /// Lambdas and comprehensions see the names of the scope around them.
    fn is_nested(self) -> bool {
        matches!(self, ScopeKind::Lambda | ScopeKind::Comp)
    }
}

/// What is known of a local variable's value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LocalKind {
    /// No simple assignment seen yet.
    Unset,
    /// Every assignment so far gives this kind.
    Known(Kind),
    /// Assigned values of several or unknown kinds.
    Unknown,
}

#[derive(Debug)]
struct Scope<'m> {
    kind: ScopeKind,
    locals: NameMap<'m, LocalKind>,
    /// Loops enclosing the statement being checked (function-level scopes only).
    loops: usize,
}

/// The checker's state while walking one module.
struct Checker<'m> {
    src: &'m str,
    globals: Globals<'m>,
    errors: Vec<CheckError>,
    /// Innermost last.
    scopes: Vec<Scope<'m>>,
    /// The main thread's locals and where each is first bound, for the help on names a
    /// function uses but cannot see.
    main_locals: NameMap<'m, Span>,
    /// Index of the top-level item being checked.
    current_item: usize,
    /// How many blocks deep the statement being checked is (0: the file's top level).
    block_depth: usize,
}
