//! The compiled form of a scenario: stack-machine code for each function-like body.
//!
//! A thread's execution state is data (frames of `pc` + locals, and an operand stack), so a
//! thread can stop at any visible step and resume later without Rust recursion; that is
//! what lets the seeded driver interleave threads one step at a time.

use std::sync::Arc;

use crate::syntax::Span;
use crate::syntax::ast::{BinOp, CmpOp, ObjectKind, UnaryOp};
use crate::vm::builtins::Builtin;
use crate::vm::exc::ExcKind;
use crate::vm::value::Value;

/// Index of a nested code object in its parent's [`Code::children`].
pub type CodeId = u32;

/// One instruction. Operands are indices into the code's tables or jump targets (`pc`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// Push `consts[i]`.
    Const(u32),
    /// Push local slot `i` (error when unbound).
    LoadLocal(u32),
    /// Pop into local slot `i`.
    StoreLocal(u32),
    /// Copy the top into local slot `i`, keeping it (a peephole form of `StoreLocal` +
    /// `LoadLocal` of the same slot: `x = f()` followed by a use of `x`).
    StoreLocalKeep(u32),
    /// Unbind local slot `i` (`del x`).
    DelLocal(u32),
    /// Push the value of own cell `i` (a local that lambdas capture).
    LoadCell(u32),
    /// Pop into own cell `i`.
    StoreCell(u32),
    /// Push the value of captured cell `i` (a lambda's free variable).
    LoadFree(u32),
    /// Pop into captured cell `i`.
    StoreFree(u32),
    /// Push shared variable `i`. A visible step.
    LoadShared(u32),
    /// Pop into shared variable `i`. A visible step.
    StoreShared(u32),
    /// Push global `i` (a declared object, function or thread).
    LoadGlobal(u32),
    /// Pop into global `i` (only while declarations are set up).
    StoreGlobal(u32),
    /// Push a builtin function.
    LoadBuiltin(Builtin),
    /// Push an error type.
    LoadExcType(ExcKind),
    /// Drop the top of the stack.
    Pop,
    /// Duplicate the top.
    Dup,
    /// Duplicate the two top items.
    DupTwo,
    /// Swap the two top items.
    Rot2,
    /// Move the top item under the next two: `a b c` → `c a b`.
    Rot3,
    /// Apply a unary operator to the top.
    Unary(UnaryOp),
    /// Pop two, push `a op b`.
    Binary(BinOp),
    /// Replace the top `a` with `a op consts[i]` (a peephole form of `Const` + `Binary`).
    BinaryConst(BinOp, u32),
    /// Pop two, push `a op= b` (augmented assignment: a list is extended or repeated in
    /// place, and errors name the operator `op=`).
    InplaceBinary(BinOp),
    /// Replace the top `a` with `a op= consts[i]` (a peephole form of `Const` +
    /// `InplaceBinary`).
    InplaceBinaryConst(BinOp, u32),
    /// Pop two, push `a op b`.
    Compare(CmpOp),
    /// Replace the top `a` with `a op consts[i]` (a peephole form of `Const` + `Compare`).
    CompareConst(CmpOp, u32),
    /// Continue at `pc`.
    Jump(u32),
    /// Pop; continue at `pc` when false.
    JumpIfFalse(u32),
    /// Pop; continue at `pc` when true.
    JumpIfTrue(u32),
    /// If the top is false continue at `pc` keeping it, else pop it (`and`).
    JumpIfFalseOrPop(u32),
    /// If the top is true continue at `pc` keeping it, else pop it (`or`).
    JumpIfTrueOrPop(u32),
    /// Pop `n` items into a list.
    BuildList(u32),
    /// Pop `n` items into a tuple.
    BuildTuple(u32),
    /// Pop `n` key/value pairs into a dict.
    BuildDict(u32),
    /// Pop `n` strings and concatenate them (f-strings).
    BuildString(u32),
    /// Pop an item, append it to the list `n` below the top (comprehensions).
    ListAppend(u32),
    /// Pop a key and value, set them in the dict `n` below the top.
    DictSet(u32),
    /// Format the top for an f-string field: conversion (`0`, `r`, `s`, `a`) and whether a
    /// spec string is on top of the value.
    Format(u8, bool),
    /// Replace the top with its attribute `names[i]`.
    GetAttr(u32),
    /// Pop object and value; set attribute `names[i]`.
    SetAttr(u32),
    /// Pop an object; delete its attribute `names[i]` (`del obj.attr`).
    DelAttr(u32),
    /// Pop container and index; push the item.
    GetItem,
    /// Pop container, index and value; store.
    SetItem,
    /// Pop container and index; delete.
    DelItem,
    /// Pop container, lower, upper and step (`None` when missing); push the slice.
    GetSlice,
    /// Pop value, container, lower, upper and step; assign the slice (`xs[a:b] = v`).
    SetSlice,
    /// Pop container, lower, upper and step; delete the slice.
    DelSlice,
    /// Replace the top with an iterator over it.
    GetIter,
    /// Push the iterator's next item, or pop the iterator and continue at `pc` when done.
    ForIter(u32),
    /// `ForIter` whose item goes straight into local slot `slot` (a peephole form).
    ForIterStore {
        /// Where to continue when done.
        exit: u32,
        /// The loop variable's slot.
        slot: u32,
    },
    /// Pop a sequence of exactly `n` items and push them, last first.
    Unpack(u32),
    /// Pop a `*` argument and append its items to the list below it (positional arguments
    /// gathered from the first `*xs` on).
    ExtendStar,
    /// Pop a `**` argument and add its items to the dict below it (several `**` in one call),
    /// refusing a keyword given twice; the callee (named in errors) is that many values further
    /// down.
    MergeKw(u32),
    /// Call: see [`CallShape`].
    Call(CallShape),
    /// Call method `names[i]` on the receiver below the arguments.
    CallMethod(u32, CallShape),
    /// Call method `names[name]` of global `global` (a declared object) with `args`
    /// positional arguments on the stack: `CallMethod` without pushing the receiver, so
    /// threads calling the same object do not contend on its reference count.
    CallMethodGlobal {
        /// The receiver's global slot.
        global: u32,
        /// The method's name in `names`.
        name: u32,
        /// How many positional arguments are on the stack.
        args: u16,
    },
    /// Like `Call`, but start a new thread running the call; push the thread.
    Spawn(CallShape),
    /// Like `CallMethod`, in a new thread.
    SpawnMethod(u32, CallShape),
    /// Make a function from `children[code]`, popping `defaults` default values and
    /// capturing the cells its `captures` name from the current frame.
    MakeFunction {
        /// The function's code.
        code: CodeId,
        /// How many defaults are on the stack.
        defaults: u16,
    },
    /// Make a hoisted function from `children[code]` whose defaults come later
    /// (`SetDefaults`, where its `def` is written).
    MakeFunctionLater {
        /// The function's code.
        code: CodeId,
    },
    /// Pop `count` default values and give them to the function in global `global` (made
    /// by `MakeFunctionLater`).
    SetDefaults {
        /// The function's global.
        global: u32,
        /// How many defaults are on the stack.
        count: u16,
    },
    /// Raise `NameError` for `names[i]` (a name no scope defines).
    NameError(u32),
    /// Return the top from the current function.
    Return,
    /// Pop an error (or error type) and raise it.
    Raise,
    /// Re-raise the error being handled (bare `raise`).
    Reraise,
    /// Pop the error on top of the stack and raise it again (end of a `finally` or `with`).
    RaiseTop,
    /// Push a handler: on error, unwind the stack to its current depth, push the error and
    /// continue at `pc`.
    SetupExcept(u32),
    /// Remove the innermost handler.
    PopBlock,
    /// The error on top is now being handled (for bare `raise`); `ExitHandler` ends that.
    EnterHandler,
    /// End of an `except` clause.
    ExitHandler,
    /// Pop an error; push whether it matches the error type(s) in `consts[i]`.
    MatchExc(u32),
    /// Enter `with`: call the acquire part on the top (kept on the stack); push what `as`
    /// binds. A visible step for locks, conditions and semaphores.
    EnterWith,
    /// Leave `with`: pop the object and call its release part. A visible step.
    ExitWith,
    /// `EnterWith` on global `i` (a declared object), without `as`: nothing is pushed.
    EnterWithGlobal(u32),
    /// `ExitWith` on global `i`.
    ExitWithGlobal(u32),
    /// Pop the test (and the message when the flag is set); raise `AssertionError` if false.
    Assert(bool),
    /// Pop arguments; create a declared object of `kind` named `names[name]`.
    NewObject {
        /// The kind.
        kind: ObjectKind,
        /// Its name.
        name: u32,
        /// The arguments' shape.
        shape: CallShape,
    },
    /// Create the thread object of a `thread NAME { }` block running `children[code]`.
    NewThreadBlock {
        /// The body.
        code: CodeId,
        /// Its name in `names`.
        name: u32,
        /// `daemon thread`.
        daemon: bool,
    },
    /// Start the thread blocks, in declaration order.
    StartThreadBlocks,
}

/// The shape of a call's arguments on the stack: `positional` values, then the `*args`
/// iterable if `star`, then the values of keywords `kw_names[kw]` if any, then the `**`
/// mapping if `double_star`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallShape {
    /// Positional arguments.
    pub positional: u16,
    /// Index into `kw_names`, or `u32::MAX` for none.
    pub kw: u32,
    /// A `*args` iterable follows the positional ones.
    pub star: bool,
    /// A `**kwargs` mapping comes last.
    pub double_star: bool,
}

impl CallShape {
    /// `n` positional arguments and nothing else.
    pub fn positional(n: u16) -> CallShape {
        CallShape {
            positional: n,
            kw: u32::MAX,
            star: false,
            double_star: false,
        }
    }
}

/// Where a lambda's captured cell comes from in the frame that makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    /// The maker's own cell `i`.
    Cell(u32),
    /// The maker's captured cell `i`.
    Free(u32),
    /// The maker's plain local `i` (its current value goes into a new cell).
    Local(u32),
}

/// A compiled function-like body.
#[derive(Debug, Default)]
pub struct Code {
    /// Its name (`count_up`, `<lambda>`, `<main>`, a thread block's name).
    pub name: Arc<str>,
    /// The instructions.
    pub ops: Vec<Op>,
    /// Source span of each instruction (for errors and traces).
    pub spans: Vec<Span>,
    /// Constants.
    pub consts: Vec<Value>,
    /// Attribute, method and object names.
    pub names: Vec<Arc<str>>,
    /// Keyword-name lists of calls.
    pub kw_names: Vec<Arc<[Arc<str>]>>,
    /// Parameters, as a signature (defaults are marked present; their values live in the
    /// function value). Parameters occupy the first local slots, in order.
    pub params: crate::lang::signature::Signature,
    /// For lambdas: the cells to capture when the function is made.
    pub captures: Vec<Capture>,
    /// Prelude code (may call objects' internal methods; hidden from tracebacks).
    pub internal: bool,
    /// The code of the functions, lambdas and thread blocks defined in this one.
    pub children: Vec<Arc<Code>>,
    /// Number of local slots (parameters first).
    pub locals: u32,
    /// Local names, for error messages.
    pub local_names: Vec<Arc<str>>,
    /// Number of cells created by each call (locals captured by lambdas).
    pub own_cells: u32,
    /// For each parameter that lives in a cell: (parameter slot, cell index); the argument
    /// is moved into the cell on entry.
    pub param_cells: Vec<(u32, u32)>,
    /// Names of own cells, then of captured cells, for error messages.
    pub cell_names: Vec<Arc<str>>,
    /// Names of captured cells.
    pub free_names: Vec<Arc<str>>,
    /// True for the bodies of `def`s and lambdas (where `return` makes sense).
    pub is_function: bool,
}

/// A whole compiled scenario.
#[derive(Debug)]
pub struct Program {
    /// The main thread's code: sets up declarations, starts thread blocks, runs statements.
    /// Every other code object is nested in it.
    pub main: Arc<Code>,
    /// Names of shared variables by slot.
    pub shared_names: Vec<Arc<str>>,
    /// Names of globals (declared objects, functions, threads) by slot.
    pub global_names: Vec<Arc<str>>,
    /// Global slots of the `thread` blocks, in declaration order.
    pub thread_blocks: Vec<u32>,
}
