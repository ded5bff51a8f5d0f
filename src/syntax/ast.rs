//! The abstract syntax tree of a scenario.
//!
//! Every node carries a byte [`Span`] (through [`Spanned`]); equality ignores spans, so a
//! file and its formatted form parse to equal trees. The tree keeps what the user wrote
//! (parentheses are [`ExprKind::Paren`] nodes, durations keep their unit) so the
//! pretty-printer can re-emit it faithfully.

use super::span::{Span, Spanned};

/// A name as written, with its span.
pub type Ident = Spanned<String>;
/// An expression node.
pub type Expr = Spanned<ExprKind>;
/// A statement or declaration node.
pub type Stmt = Spanned<StmtKind>;
/// A braced block of statements; its span covers the braces.
pub type Block = Spanned<Vec<Stmt>>;

/// A whole scenario: declarations and main-thread statements, in source order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// Top-level items in order.
    pub body: Vec<Stmt>,
}

/// The kinds of synchronisation object a top-level declaration can create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// `lock NAME`: `threading.Lock()`.
    Lock,
    /// `rlock NAME`: `threading.RLock()`.
    RLock,
    /// `condition NAME` or `condition NAME(LOCK)`.
    Condition,
    /// `semaphore NAME(N)`.
    Semaphore,
    /// `bounded semaphore NAME(N)`.
    BoundedSemaphore,
    /// `event NAME`.
    Event,
    /// `barrier NAME(PARTIES, action=F, timeout=T)`.
    Barrier,
    /// `queue NAME(maxsize=N)`: FIFO.
    Queue,
    /// `lifo queue NAME(...)`.
    LifoQueue,
    /// `priority queue NAME(...)`.
    PriorityQueue,
    /// `local NAME`: per-thread attributes.
    Local,
    /// `pool NAME(max_workers=N, thread_name_prefix=S)`.
    Pool,
}

impl ObjectKind {
    /// The declaration keyword(s), as written in a scenario.
    pub fn keyword(self) -> &'static str {
        match self {
            ObjectKind::Lock => "lock",
            ObjectKind::RLock => "rlock",
            ObjectKind::Condition => "condition",
            ObjectKind::Semaphore => "semaphore",
            ObjectKind::BoundedSemaphore => "bounded semaphore",
            ObjectKind::Event => "event",
            ObjectKind::Barrier => "barrier",
            ObjectKind::Queue => "queue",
            ObjectKind::LifoQueue => "lifo queue",
            ObjectKind::PriorityQueue => "priority queue",
            ObjectKind::Local => "local",
            ObjectKind::Pool => "pool",
        }
    }

    /// Every kind, in the order the language reference lists them.
    pub const ALL: [ObjectKind; 12] = [
        ObjectKind::Lock,
        ObjectKind::RLock,
        ObjectKind::Condition,
        ObjectKind::Semaphore,
        ObjectKind::BoundedSemaphore,
        ObjectKind::Event,
        ObjectKind::Barrier,
        ObjectKind::Queue,
        ObjectKind::LifoQueue,
        ObjectKind::PriorityQueue,
        ObjectKind::Local,
        ObjectKind::Pool,
    ];
}

/// A statement, or (at top level) a declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `shared NAME = EXPR`.
    Shared { name: Ident, value: Expr },
    /// `lock NAME`, `queue NAME(maxsize=3)`, ...; `args` is `None` without parentheses.
    Object {
        kind: ObjectKind,
        name: Ident,
        args: Option<Vec<Arg>>,
    },
    /// `def NAME(PARAMS) { ... }`.
    Def(Box<FuncDef>),
    /// `thread NAME { ... }` or `daemon thread NAME { ... }`.
    Thread {
        name: Ident,
        daemon: bool,
        body: Block,
    },
    /// An expression on its own line (usually a call).
    Expr(Expr),
    /// `a = b = EXPR`: one or more targets.
    Assign { targets: Vec<Expr>, value: Expr },
    /// `TARGET op= EXPR`.
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `if C { } elif C { } else { }`.
    If {
        branches: Vec<(Expr, Block)>,
        orelse: Option<Block>,
    },
    /// `while C { }`.
    While { test: Expr, body: Block },
    /// `for TARGET in ITER { }`.
    For {
        target: Expr,
        iter: Expr,
        body: Block,
    },
    /// `with A, B as n { }`.
    With { items: Vec<WithItem>, body: Block },
    /// `try { } except ... { } else { } finally { }`.
    Try {
        body: Block,
        handlers: Vec<Handler>,
        orelse: Option<Block>,
        finalbody: Option<Block>,
    },
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `pass`.
    Pass,
    /// `return [EXPR]`.
    Return(Option<Expr>),
    /// `assert TEST[, MSG]`.
    Assert { test: Expr, msg: Option<Expr> },
    /// `raise [EXPR]`.
    Raise(Option<Expr>),
    /// `del TARGET, ...`.
    Del(Vec<Expr>),
}

/// A function definition.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncDef {
    /// The function's name.
    pub name: Ident,
    /// Its parameters, in order.
    pub params: Vec<Param>,
    /// Its body.
    pub body: Block,
}

/// One `with` item: the object and an optional `as NAME`.
#[derive(Debug, Clone, PartialEq)]
pub struct WithItem {
    /// The object entered.
    pub expr: Expr,
    /// The name bound by `as`.
    pub alias: Option<Ident>,
}

/// An `except` clause; its span covers the keyword through the block.
pub type Handler = Spanned<HandlerNode>;

/// The parts of an `except` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct HandlerNode {
    /// The error types caught; empty for a bare `except`.
    pub types: Vec<Ident>,
    /// The name bound by `as`.
    pub name: Option<Ident>,
    /// The handler's block.
    pub body: Block,
}

/// How a parameter collects its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// An ordinary parameter, positional or by keyword.
    Normal,
    /// `*args`: the remaining positional arguments, as a tuple.
    VarArgs,
    /// `**kwargs`: the remaining keyword arguments, as a dict.
    VarKw,
}

/// A parameter of a `def` or `lambda`.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: Ident,
    /// Its default value, if any.
    pub default: Option<Expr>,
    /// Ordinary, `*args` or `**kwargs`.
    pub kind: ParamKind,
}

/// An argument in a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `EXPR`.
    Pos(Expr),
    /// `NAME=EXPR`.
    Kw(Ident, Expr),
    /// `*EXPR`.
    Star(Expr),
    /// `**EXPR`.
    DoubleStar(Expr),
}

impl Arg {
    /// The span of the whole argument (keyword name included).
    pub fn span(&self) -> Span {
        match self {
            Arg::Pos(e) | Arg::Star(e) | Arg::DoubleStar(e) => e.span,
            Arg::Kw(name, e) => name.span.to(e.span),
        }
    }

    /// The argument's value expression.
    pub fn value(&self) -> &Expr {
        match self {
            Arg::Pos(e) | Arg::Kw(_, e) | Arg::Star(e) | Arg::DoubleStar(e) => e,
        }
    }
}

/// The unit of a duration literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// `ns`
    Nanos,
    /// `us`
    Micros,
    /// `ms`
    Millis,
    /// `s`
    Secs,
    /// `m`
    Minutes,
    /// `h`
    Hours,
}

impl TimeUnit {
    /// The suffix as written.
    pub fn suffix(self) -> &'static str {
        match self {
            TimeUnit::Nanos => "ns",
            TimeUnit::Micros => "us",
            TimeUnit::Millis => "ms",
            TimeUnit::Secs => "s",
            TimeUnit::Minutes => "m",
            TimeUnit::Hours => "h",
        }
    }

    /// Seconds per unit.
    pub fn seconds(self) -> f64 {
        match self {
            TimeUnit::Nanos => 1e-9,
            TimeUnit::Micros => 1e-6,
            TimeUnit::Millis => 1e-3,
            TimeUnit::Secs => 1.0,
            TimeUnit::Minutes => 60.0,
            TimeUnit::Hours => 3600.0,
        }
    }
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A duration literal such as `250ms`: `amount` in `unit`s.
    Duration { amount: f64, unit: TimeUnit },
    /// A string literal (escapes decoded).
    Str(String),
    /// An f-string.
    FString(Vec<FPart>),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    None,
    /// A name.
    Name(String),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `(a, b)`, `(a,)`, `()` or a bare `a, b`.
    Tuple(Vec<Expr>),
    /// `{k: v}`.
    Dict(Vec<(Expr, Expr)>),
    /// `[elt for x in xs if c]`.
    ListComp {
        elt: Box<Expr>,
        clauses: Vec<CompClause>,
    },
    /// `{k: v for x in xs}`.
    DictComp {
        key: Box<Expr>,
        value: Box<Expr>,
        clauses: Vec<CompClause>,
    },
    /// `(e)`: kept so that printing reproduces the user's grouping.
    Paren(Box<Expr>),
    /// `not e`, `-e`, `+e`, `~e`.
    Unary { op: UnaryOp, operand: Box<Expr> },
    /// Arithmetic and bitwise operators.
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a and b`, `a or b` (short-circuit).
    Logic {
        op: LogicOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// A comparison chain `a < b <= c`.
    Compare {
        left: Box<Expr>,
        ops: Vec<(CmpOp, Expr)>,
    },
    /// `body if test else orelse`.
    IfElse {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    /// `lambda params: body`.
    Lambda { params: Vec<Param>, body: Box<Expr> },
    /// `func(args)`.
    Call { func: Box<Expr>, args: Vec<Arg> },
    /// `value.attr`.
    Attribute { value: Box<Expr>, attr: Ident },
    /// `value[index]`.
    Index { value: Box<Expr>, index: Box<Expr> },
    /// `lower:upper:step`, only as an index.
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    /// `spawn func(args)`: create and start a thread running the call.
    Spawn { func: Box<Expr>, args: Vec<Arg> },
}

/// One `for ... in ... if ...` clause of a comprehension.
#[derive(Debug, Clone, PartialEq)]
pub struct CompClause {
    /// The loop target.
    pub target: Expr,
    /// The iterable.
    pub iter: Expr,
    /// Filters.
    pub ifs: Vec<Expr>,
}

/// A piece of an f-string.
#[derive(Debug, Clone, PartialEq)]
pub enum FPart {
    /// Literal text (braces already unescaped).
    Text(String),
    /// A replacement field.
    Field(Box<FField>),
}

/// A replacement field `{expr=!r:spec}` of an f-string.
#[derive(Debug, Clone, PartialEq)]
pub struct FField {
    /// The expression.
    pub expr: Expr,
    /// For `{expr=}`: the text from after `{` through `=` and the blanks after it, which
    /// is printed before the value.
    pub debug_text: Option<String>,
    /// `r`, `s` or `a` after `!`.
    pub conversion: Option<char>,
    /// The format spec after `:`; it may itself hold fields.
    pub spec: Option<Vec<FPart>>,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
    /// `+`
    Pos,
    /// `~`
    Invert,
}

/// Binary arithmetic and bitwise operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
}

/// Short-circuit operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogicOp {
    /// `and`
    And,
    /// `or`
    Or,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `is`
    Is,
    /// `is not`
    IsNot,
}

impl UnaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Not => "not",
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Invert => "~",
        }
    }
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
        }
    }
}

impl LogicOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            LogicOp::And => "and",
            LogicOp::Or => "or",
        }
    }
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
        }
    }
}

impl StmtKind {
    /// True for the forms that are declarations (allowed only at top level).
    pub fn is_declaration(&self) -> bool {
        matches!(
            self,
            StmtKind::Shared { .. }
                | StmtKind::Object { .. }
                | StmtKind::Def(_)
                | StmtKind::Thread { .. }
        )
    }
}
