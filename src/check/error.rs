//! Check diagnostics: each problem found before running is one variant, with its own code,
//! message, labels and help.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::syntax::Span;

/// A problem found by the static checks.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
#[non_exhaustive]
pub enum CheckError {
    /// A name that is not a local, a declaration or a builtin.
    #[error("undefined name `{name}`")]
    #[diagnostic(code("thr::check::undefined-name"))]
    UndefinedName {
        /// The name.
        name: String,
        /// Where it is used.
        #[label("not defined")]
        span: SourceSpan,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },
    /// A method call the object's kind does not support.
    #[error("{prose} has no method `{method}`")]
    #[diagnostic(code("thr::check::unknown-method"))]
    UnknownMethod {
        /// The object's kind, with its article ("a lock").
        prose: &'static str,
        /// The method called.
        method: String,
        /// The method name in the call.
        #[label("`{object}` is {prose}")]
        span: SourceSpan,
        /// The object, as written.
        object: String,
        /// The kind's methods.
        #[help]
        help: String,
    },
    /// An attribute the object's kind does not have.
    #[error("{prose} has no attribute `{attribute}`")]
    #[diagnostic(code("thr::check::unknown-attribute"))]
    UnknownAttribute {
        /// The object's kind, with its article.
        prose: &'static str,
        /// The attribute.
        attribute: String,
        /// Where.
        #[label("`{object}` is {prose}")]
        span: SourceSpan,
        /// The object, as written.
        object: String,
        /// What it has.
        #[help]
        help: String,
    },
    /// Too many or too few arguments.
    #[error("{message}")]
    #[diagnostic(code("thr::check::wrong-arg-count"))]
    WrongArgCount {
        /// Python's `TypeError` message.
        message: String,
        /// The call.
        #[label("{label}")]
        span: SourceSpan,
        /// The label on the call.
        label: String,
        /// The definition, for user functions.
        #[label("defined here")]
        definition: Option<SourceSpan>,
        /// The signature.
        #[help]
        help: String,
    },
    /// A keyword argument the callee does not take.
    #[error("{message}")]
    #[diagnostic(code("thr::check::unknown-keyword"))]
    UnknownKeyword {
        /// Python's `TypeError` message.
        message: String,
        /// The keyword.
        #[label("no parameter has this name")]
        span: SourceSpan,
        /// The definition, for user functions.
        #[label("defined here")]
        definition: Option<SourceSpan>,
        /// The accepted keywords.
        #[help]
        help: String,
    },
    /// Two top-level declarations of one name.
    #[error("`{name}` is declared twice")]
    #[diagnostic(code("thr::check::duplicate-declaration"))]
    DuplicateDeclaration {
        /// The name.
        name: String,
        /// The first declaration.
        #[label("first declared here")]
        first: SourceSpan,
        /// The second.
        #[label("declared again here")]
        span: SourceSpan,
        /// Advice.
        #[help]
        help: String,
    },
    /// Assignment to a declared object, function or thread.
    #[error("cannot assign to {what} `{name}`")]
    #[diagnostic(
        code("thr::check::assign-to-declaration"),
        help("`{name}` names {what} for the whole scenario; use another name for the variable")
    )]
    AssignToDeclaration {
        /// The name.
        name: String,
        /// What it is ("the lock", "the function").
        what: String,
        /// The assignment target.
        #[label("assigned here")]
        span: SourceSpan,
        /// The declaration.
        #[label("declared here")]
        declared: SourceSpan,
    },
    /// A parameter or other binding named like a `shared` variable.
    #[error("`{name}` shadows the shared variable `{name}`")]
    #[diagnostic(
        code("thr::check::shadowed-shared"),
        help("shared names can't be reused for parameters or bound names; rename this one")
    )]
    ShadowedShared {
        /// The name.
        name: String,
        /// The binding.
        #[label("binds a new `{name}` here")]
        span: SourceSpan,
        /// The shared declaration.
        #[label("shared here")]
        declared: SourceSpan,
    },
    /// `break` outside a loop.
    #[error("`break` outside a loop")]
    #[diagnostic(
        code("thr::check::break-outside-loop"),
        help("`break` leaves the innermost `for` or `while`; there is none here")
    )]
    BreakOutsideLoop {
        /// Where.
        #[label("not inside `for` or `while`")]
        span: SourceSpan,
    },
    /// `continue` outside a loop.
    #[error("`continue` outside a loop")]
    #[diagnostic(
        code("thr::check::continue-outside-loop"),
        help(
            "`continue` starts the next turn of the innermost `for` or `while`; there is none here"
        )
    )]
    ContinueOutsideLoop {
        /// Where.
        #[label("not inside `for` or `while`")]
        span: SourceSpan,
    },
    /// `return` outside a function.
    #[error("`return` outside a function")]
    #[diagnostic(
        code("thr::check::return-outside-def"),
        help("`return` belongs in a `def` (or a `thread` block, where it ends the thread)")
    )]
    ReturnOutsideDef {
        /// Where.
        #[label("the main thread's statements are not a function")]
        span: SourceSpan,
    },
    /// `except X` or `raise X` with an unknown error type.
    #[error("unknown error type `{name}`")]
    #[diagnostic(code("thr::check::unknown-exception"))]
    UnknownException {
        /// The name.
        name: String,
        /// Where.
        #[label("not an error type")]
        span: SourceSpan,
        /// The known types.
        #[help]
        help: String,
    },
    /// Statements after `return`, `break`, `continue` or `raise`.
    #[error("unreachable code")]
    #[diagnostic(
        code("thr::check::unreachable-code"),
        severity(Warning),
        help("remove these statements, or move them before the `{cause}`")
    )]
    Unreachable {
        /// The statement that leaves the block.
        cause: String,
        /// The unreachable statements.
        #[label("never runs")]
        span: SourceSpan,
        /// The statement that makes them unreachable.
        #[label("any code after this `{cause}` is unreachable")]
        exit: SourceSpan,
    },
    /// A declaration inside a block.
    #[error("`{keyword}` declarations belong at the top level")]
    #[diagnostic(
        code("thr::check::nested-declaration"),
        help(
            "declarations are shared by the whole scenario: move this one out of the block, to the top level of the file"
        )
    )]
    NestedDeclaration {
        /// The declaration keyword.
        keyword: String,
        /// Where.
        #[label("inside a block")]
        span: SourceSpan,
    },
    /// Calling something that is not a function.
    #[error("`{name}` is {prose}, which cannot be called")]
    #[diagnostic(code("thr::check::not-callable"))]
    NotCallable {
        /// The callee.
        name: String,
        /// Its kind, with article.
        prose: &'static str,
        /// The call.
        #[label("called here")]
        span: SourceSpan,
        /// Advice.
        #[help]
        help: String,
    },
    /// `with X` where X is not a context manager.
    #[error("{prose} cannot be used with `with`")]
    #[diagnostic(
        code("thr::check::not-a-context-manager"),
        help("`with` works with locks, rlocks, conditions, semaphores and pools")
    )]
    NotContextManager {
        /// The kind, with article.
        prose: &'static str,
        /// Where.
        #[label("`{object}` is {prose}")]
        span: SourceSpan,
        /// The object, as written.
        object: String,
    },
    /// An argument of the wrong kind where the kind is known before running.
    #[error("{message}")]
    #[diagnostic(code("thr::check::wrong-argument-kind"))]
    WrongArgumentKind {
        /// What is wrong.
        message: String,
        /// The argument.
        #[label("this is {prose}")]
        span: SourceSpan,
        /// The argument's kind, with article.
        prose: &'static str,
        /// What to pass instead.
        #[help]
        help: String,
    },
    /// A declaration's initial value uses a shared name declared further down.
    #[error("`{name}` is used before it is declared")]
    #[diagnostic(
        code("thr::check::used-before-declaration"),
        help("declarations are set up in file order; move `{name}`'s declaration above this one")
    )]
    UsedBeforeDeclaration {
        /// The name.
        name: String,
        /// The use.
        #[label("used here")]
        span: SourceSpan,
        /// The declaration.
        #[label("declared here")]
        declared: SourceSpan,
    },
}

impl CheckError {
    /// The span a reader looks at first; diagnostics are sorted by it.
    pub fn primary(&self) -> Span {
        let s = match self {
            CheckError::UndefinedName { span, .. }
            | CheckError::UnknownMethod { span, .. }
            | CheckError::UnknownAttribute { span, .. }
            | CheckError::WrongArgCount { span, .. }
            | CheckError::UnknownKeyword { span, .. }
            | CheckError::DuplicateDeclaration { span, .. }
            | CheckError::AssignToDeclaration { span, .. }
            | CheckError::ShadowedShared { span, .. }
            | CheckError::BreakOutsideLoop { span }
            | CheckError::ContinueOutsideLoop { span }
            | CheckError::ReturnOutsideDef { span }
            | CheckError::UnknownException { span, .. }
            | CheckError::Unreachable { span, .. }
            | CheckError::NestedDeclaration { span, .. }
            | CheckError::NotCallable { span, .. }
            | CheckError::NotContextManager { span, .. }
            | CheckError::UsedBeforeDeclaration { span, .. }
            | CheckError::WrongArgumentKind { span, .. } => span,
        };
        Span::new(s.offset(), s.offset() + s.len())
    }

    /// True for warnings (the file still runs).
    pub fn is_warning(&self) -> bool {
        matches!(self, CheckError::Unreachable { .. })
    }
}
