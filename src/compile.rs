//! AST to code: turns a checked [`Module`] into a [`Program`] of stack-machine code.
//!
//! The main thread's code first creates the `def`s (so every declaration can call any
//! function), then sets up the declarations in file order, starts the `thread` blocks in
//! declaration order, and finally runs the top-level statements.

pub mod code;
mod decl;
mod expr;
mod prelude;
pub mod repl;
pub mod scope;
mod stmt;

use std::collections::HashMap;
use std::sync::Arc;

use code::{Code, CodeId, Op, Program};
use scope::{Slot, function_names};

use crate::syntax::Span;
use crate::syntax::ast::*;
use crate::vm::value::Value;

pub use prelude::{PRELUDE, prelude_function};

/// Compiles a checked module.
pub fn compile(module: &Module) -> Program {
    let mut shared = HashMap::new();
    let mut globals = HashMap::new();
    let (mut shared_names, mut global_names) = (Vec::new(), Vec::new());
    for item in &module.body {
        let (name, table, names) = match &item.node {
            StmtKind::Shared { name, .. } => (name, &mut shared, &mut shared_names),
            StmtKind::Object { name, .. } | StmtKind::Thread { name, .. } => {
                (name, &mut globals, &mut global_names)
            }
            StmtKind::Def(def) => (&def.name, &mut globals, &mut global_names),
            _ => continue,
        };
        table.entry(name.node.clone()).or_insert_with(|| {
            names.push(Arc::from(name.node.as_str()));
            names.len() as u32 - 1
        });
    }
    let mut c = Compiler::new(shared, globals);
    let main = Arc::new(c.main(module));
    Program {
        main,
        shared_names,
        global_names,
        thread_blocks: c.thread_blocks,
    }
}

/// Where control goes for `break` and `continue`, and what must be undone on the way.
struct Loop {
    /// A `for` loop (its iterator is on the stack and `break` must pop it).
    is_for: bool,
    continue_to: u32,
    breaks: Vec<usize>,
    /// Length of the cleanup stack when the loop started.
    cleanup_depth: usize,
}

/// Something to undo when `break`, `continue` or `return` leaves a construct early.
#[derive(Clone, Copy)]
enum Cleanup<'m> {
    /// A `for` loop's iterator is on the stack.
    ForIter,
    /// A `try` with `finally`: pop its handler and run the finally block.
    Finally(&'m Block),
    /// A `try` with `except` clauses: pop its handler.
    Except,
    /// A `with` object is on the stack: pop its handler and release it.
    With,
    /// A `with` on global `i`: pop its handler and release it.
    WithGlobal(u32),
    /// Inside an `except` clause: stop handling the error.
    Handler,
    /// An error is on the stack (inside a `finally` block on the error path).
    PendingError,
}

/// A function-like body being compiled.
struct FnBuilder<'m> {
    code: Code,
    slots: HashMap<String, Slot>,
    /// Comprehension variables, innermost last.
    comps: Vec<HashMap<String, Slot>>,
    /// Locals that lambdas capture (and so live in cells).
    captured: std::collections::HashSet<String>,
    /// A lambda: its free variables resolve in the enclosing builder.
    is_lambda: bool,
    /// For each captured cell of a lambda, where the enclosing builder keeps it.
    free_sources: Vec<Slot>,
    loops: Vec<Loop>,
    cleanups: Vec<Cleanup<'m>>,
    consts: HashMap<ConstKey, u32>,
    /// The local holding a `return` value while cleanups run.
    return_slot: Option<u32>,
}

/// Constants deduplicated by value.
#[derive(Hash, PartialEq, Eq)]
enum ConstKey {
    Int(i64),
    Float(u64),
    Str(String),
    Other(usize),
}

struct Compiler<'m> {
    shared: HashMap<String, u32>,
    globals: HashMap<String, u32>,
    fns: Vec<FnBuilder<'m>>,
    thread_blocks: Vec<u32>,
    /// Compiling the prelude.
    internal: bool,
}

/// How a name is reached.
enum Access {
    Slot(Slot),
    Shared(u32),
    Global(u32),
    Builtin(crate::vm::builtins::Builtin),
    Exception(crate::vm::exc::ExcKind),
    Constant(&'static str),
    Undefined,
}

impl<'m> Compiler<'m> {
    fn new(shared: HashMap<String, u32>, globals: HashMap<String, u32>) -> Self {
        Compiler {
            shared,
            globals,
            fns: Vec::new(),
            thread_blocks: Vec::new(),
            internal: false,
        }
    }

    fn f(&mut self) -> &mut FnBuilder<'m> {
        self.fns.last_mut().expect("a function is being built")
    }

    /// Appends an instruction; returns its index.
    fn emit(&mut self, op: Op, span: Span) -> usize {
        let code = &mut self.f().code;
        code.ops.push(op);
        code.spans.push(span);
        code.ops.len() - 1
    }

    /// The index the next instruction will get.
    fn here(&mut self) -> u32 {
        self.f().code.ops.len() as u32
    }

    /// Points the jump at `at` to `target`.
    fn patch(&mut self, at: usize, target: u32) {
        let op = &mut self.f().code.ops[at];
        *op = match *op {
            Op::Jump(_) => Op::Jump(target),
            Op::JumpIfFalse(_) => Op::JumpIfFalse(target),
            Op::JumpIfTrue(_) => Op::JumpIfTrue(target),
            Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(target),
            Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(target),
            Op::ForIter(_) => Op::ForIter(target),
            Op::SetupExcept(_) => Op::SetupExcept(target),
            other => unreachable!("not a jump: {other:?}"),
        };
    }

    /// Patches the jump at `at` to the next instruction.
    fn patch_here(&mut self, at: usize) {
        let here = self.here();
        self.patch(at, here);
    }

    fn constant(&mut self, v: Value) -> u32 {
        let f = self.f();
        let key = match &v {
            Value::Int(i) => ConstKey::Int(*i),
            Value::Float(x) => ConstKey::Float(x.to_bits()),
            Value::Str(s) => ConstKey::Str(s.to_string()),
            _ => ConstKey::Other(f.code.consts.len()),
        };
        if let Some(&i) = f.consts.get(&key) {
            return i;
        }
        f.code.consts.push(v);
        let i = f.code.consts.len() as u32 - 1;
        f.consts.insert(key, i);
        i
    }

    fn name(&mut self, n: &str) -> u32 {
        let names = &mut self.f().code.names;
        match names.iter().position(|x| &**x == n) {
            Some(i) => i as u32,
            None => {
                names.push(Arc::from(n));
                names.len() as u32 - 1
            }
        }
    }

    /// Adds a finished nested code object to the current one; returns its index.
    fn add_child(&mut self, code: Code) -> CodeId {
        let children = &mut self.f().code.children;
        children.push(Arc::new(code));
        children.len() as CodeId - 1
    }

    /// Starts building a function-like body.
    fn begin(
        &mut self,
        name: &str,
        params: &'m [Param],
        body: &'m [Stmt],
        is_lambda: bool,
        lambda_body: Option<&'m Expr>,
    ) {
        let shared = &self.shared;
        let mut names = function_names(params, body, &|n| shared.contains_key(n));
        if let Some(b) = lambda_body {
            let mut inner = std::collections::HashSet::new();
            collect_nested_lambda_free(b, &mut inner);
            names.captured = inner;
        }
        let mut code = Code {
            name: Arc::from(name),
            is_function: true,
            internal: self.internal,
            ..Code::default()
        };
        let mut slots = HashMap::new();
        for (i, local) in names.locals.iter().enumerate() {
            code.local_names.push(Arc::from(local.as_str()));
            if names.captured.contains(local) {
                let cell = code.own_cells;
                code.own_cells += 1;
                code.cell_names.push(Arc::from(local.as_str()));
                if i < params.len() {
                    code.param_cells.push((i as u32, cell));
                }
                slots.insert(local.clone(), Slot::Cell(cell));
            } else {
                slots.insert(local.clone(), Slot::Local(i as u32));
            }
        }
        code.locals = names.locals.len() as u32;
        code.params = signature_of(name, params);
        self.fns.push(FnBuilder {
            code,
            slots,
            comps: Vec::new(),
            captured: names.captured,
            is_lambda,
            free_sources: Vec::new(),
            loops: Vec::new(),
            cleanups: Vec::new(),
            consts: HashMap::new(),
            return_slot: None,
        });
    }

    /// Finishes the current body; returns its code and its builder.
    fn finish(&mut self) -> (Code, FnBuilder<'m>) {
        let mut f = self.fns.pop().expect("a function is being built");
        let mut code = std::mem::take(&mut f.code);
        peephole(&mut code);
        (code, f)
    }

    /// A new hidden local slot (comprehension variables, saved return values).
    fn hidden_local(&mut self, name: &str) -> Slot {
        let f = self.f();
        if f.captured.contains(name) {
            let cell = f.code.own_cells;
            f.code.own_cells += 1;
            f.code.cell_names.push(Arc::from(name));
            return Slot::Cell(cell);
        }
        let slot = f.code.locals;
        f.code.locals += 1;
        f.code.local_names.push(Arc::from(name));
        Slot::Local(slot)
    }

    /// Resolves `name` in builder `depth` (comprehensions, locals, then for lambdas the
    /// enclosing builders, capturing cells on the way).
    fn resolve_slot(&mut self, depth: usize, name: &str) -> Option<Slot> {
        let f = &self.fns[depth];
        if let Some(s) = f.comps.iter().rev().find_map(|c| c.get(name)) {
            return Some(*s);
        }
        if let Some(s) = f.slots.get(name) {
            return Some(*s);
        }
        if !f.is_lambda || depth == 0 {
            return None;
        }
        let outer = self.resolve_slot(depth - 1, name)?;
        let f = &mut self.fns[depth];
        let index = f.free_sources.len() as u32;
        f.free_sources.push(outer);
        f.code.free_names.push(Arc::from(name));
        let slot = Slot::Free(index);
        f.slots.insert(name.to_string(), slot);
        Some(slot)
    }

    fn access(&mut self, name: &str) -> Access {
        let depth = self.fns.len() - 1;
        if let Some(slot) = self.resolve_slot(depth, name) {
            return Access::Slot(slot);
        }
        if let Some(&i) = self.shared.get(name) {
            return Access::Shared(i);
        }
        if let Some(&i) = self.globals.get(name) {
            return Access::Global(i);
        }
        if let Some(b) = crate::vm::builtins::Builtin::from_name(name) {
            return Access::Builtin(b);
        }
        if let Some(k) = crate::vm::exc::ExcKind::from_name(name) {
            return Access::Exception(k);
        }
        if let Some(c) = crate::lang::builtins::CONSTANTS
            .iter()
            .find(|c| **c == name)
        {
            return Access::Constant(c);
        }
        Access::Undefined
    }

    /// The global slot `e` names, when it is a bare name of a declared object, function or
    /// thread (these never change once set, so calls can use them in place).
    fn global_name(&mut self, e: &Expr) -> Option<u32> {
        match &e.node {
            ExprKind::Name(n) => match self.access(n) {
                Access::Global(g) => Some(g),
                _ => None,
            },
            _ => None,
        }
    }

    /// Emits a load of `name`.
    fn load_name(&mut self, name: &str, span: Span) {
        let op = match self.access(name) {
            Access::Slot(s) => load_op(s),
            Access::Shared(i) => Op::LoadShared(i),
            Access::Global(i) => Op::LoadGlobal(i),
            Access::Builtin(b) => Op::LoadBuiltin(b),
            Access::Exception(k) => Op::LoadExcType(k),
            Access::Constant(c) => Op::Const(self.constant(Value::str(c))),
            Access::Undefined => Op::NameError(self.name(name)),
        };
        self.emit(op, span);
    }

    /// Emits a store of the top of the stack into `name`.
    fn store_name(&mut self, name: &str, span: Span) {
        let op = match self.access(name) {
            Access::Slot(s) => store_op(s),
            Access::Shared(i) => Op::StoreShared(i),
            // The checker rejects assignments to declarations; only set-up stores globals.
            Access::Global(i) => Op::StoreGlobal(i),
            _ => {
                let slot = self.hidden_local(name);
                self.f().slots.insert(name.to_string(), slot);
                store_op(slot)
            }
        };
        self.emit(op, span);
    }

    /// The main thread's code.
    fn main(&mut self, module: &'m Module) -> Code {
        self.begin("<module>", &[], &module.body, false, None);
        self.f().code.is_function = false;
        self.declarations(&module.body);
        let at = Span::new(0, 0);
        let has_thread_blocks = module
            .body
            .iter()
            .any(|item| matches!(item.node, StmtKind::Thread { .. }));
        if has_thread_blocks {
            self.emit(Op::StartThreadBlocks, at);
        }
        for item in &module.body {
            if !item.node.is_declaration() {
                self.stmt(item);
            }
        }
        let none = self.constant(Value::None);
        self.emit(Op::Const(none), at);
        self.emit(Op::Return, at);
        self.finish().0
    }

    /// A function body followed by an implicit `return None`.
    fn body(&mut self, body: &'m [Stmt]) {
        for s in body {
            self.stmt(s);
        }
        let end = body.last().map_or(Span::new(0, 0), |s| s.span);
        let none = self.constant(Value::None);
        self.emit(Op::Const(none), end);
        self.emit(Op::Return, end);
    }
}

/// Local rewrites that keep behaviour and visible steps but run fewer instructions:
/// jumps to jumps go straight to the end; `Const` + `Binary`, `Const` + `Compare`,
/// `StoreLocal` + `LoadLocal` of the same slot and `ForIter` + `StoreLocal` become one
/// instruction. Instructions are replaced in place (by `Jump` to the next one
/// where one disappears) so that no jump target moves.
fn peephole(code: &mut Code) {
    let n = code.ops.len();
    // Instructions some jump lands on must stay where they are.
    let mut target = vec![false; n + 1];
    for op in &code.ops {
        if let Op::Jump(t)
        | Op::JumpIfFalse(t)
        | Op::JumpIfTrue(t)
        | Op::JumpIfFalseOrPop(t)
        | Op::JumpIfTrueOrPop(t)
        | Op::ForIter(t)
        | Op::SetupExcept(t) = *op
        {
            target[t as usize] = true;
        }
    }
    for i in 0..n {
        match code.ops[i] {
            Op::Jump(t) => code.ops[i] = Op::Jump(thread_jumps(&code.ops, t)),
            Op::Const(c) if i + 1 < n && !target[i + 1] => {
                let fused = match code.ops[i + 1] {
                    Op::Binary(b) => Op::BinaryConst(b, c),
                    Op::InplaceBinary(b) => Op::InplaceBinaryConst(b, c),
                    Op::Compare(cmp) => Op::CompareConst(cmp, c),
                    _ => continue,
                };
                code.ops[i] = fused;
                code.spans[i] = code.spans[i + 1];
                code.ops[i + 1] = Op::Jump(i as u32 + 2);
            }
            Op::StoreLocal(slot)
                if i + 1 < n && !target[i + 1] && code.ops[i + 1] == Op::LoadLocal(slot) =>
            {
                code.ops[i] = Op::StoreLocalKeep(slot);
                code.ops[i + 1] = Op::Jump(i as u32 + 2);
            }
            Op::ForIter(exit) if i + 1 < n && !target[i + 1] => {
                if let Op::StoreLocal(slot) = code.ops[i + 1] {
                    code.ops[i] = Op::ForIterStore { exit, slot };
                    code.ops[i + 1] = Op::Jump(i as u32 + 2);
                }
            }
            _ => {}
        }
    }
}

/// Where a jump to `t` ends up when jumps to jumps are followed (a few hops at most).
fn thread_jumps(ops: &[Op], mut t: u32) -> u32 {
    let mut hops = 0;
    while let Some(Op::Jump(next)) = ops.get(t as usize) {
        if hops > 8 || *next == t {
            break;
        }
        t = *next;
        hops += 1;
    }
    t
}

/// Free names of lambdas nested inside a lambda body.
fn collect_nested_lambda_free(e: &Expr, out: &mut std::collections::HashSet<String>) {
    match &e.node {
        ExprKind::Lambda { params, body } => out.extend(scope::lambda_free_names(params, body)),
        other => {
            crate::syntax::visit::expr_children(other, &mut |c| collect_nested_lambda_free(c, out))
        }
    }
}

/// The signature of a `def` or lambda (defaults marked present, values kept elsewhere).
fn signature_of(name: &str, params: &[Param]) -> crate::lang::signature::Signature {
    use crate::lang::signature::{ParamMode, ParamSpec, Signature};
    let mut keyword_only = false;
    let params = params
        .iter()
        .map(|p| {
            let mode = match p.kind {
                ParamKind::VarArgs => {
                    keyword_only = true;
                    ParamMode::VarArgs
                }
                ParamKind::VarKw => ParamMode::VarKw,
                ParamKind::Normal if keyword_only => ParamMode::KeywordOnly,
                ParamKind::Normal => ParamMode::Normal,
            };
            ParamSpec {
                name: p.name.node.clone(),
                mode,
                default: p.default.as_ref().map(|_| String::new()),
            }
        })
        .collect();
    Signature {
        name: name.to_string(),
        params,
        returns: None,
    }
}

fn load_op(s: Slot) -> Op {
    match s {
        Slot::Local(i) => Op::LoadLocal(i),
        Slot::Cell(i) => Op::LoadCell(i),
        Slot::Free(i) => Op::LoadFree(i),
    }
}

fn store_op(s: Slot) -> Op {
    match s {
        Slot::Local(i) => Op::StoreLocal(i),
        Slot::Cell(i) => Op::StoreCell(i),
        Slot::Free(i) => Op::StoreFree(i),
    }
}

/// A listing of the compiled code of `program`, for `thr disasm`.
pub fn listing(program: &Program) -> String {
    fn walk(c: &Code, path: &str, out: &mut String) {
        out.push_str(&format!("== {path}{}\n", c.name));
        for (i, op) in c.ops.iter().enumerate() {
            out.push_str(&format!("{i:5}  {op:?}\n"));
        }
        for (i, child) in c.children.iter().enumerate() {
            walk(child, &format!("{path}{}/{i}:", c.name), out);
        }
    }
    let mut out = String::new();
    walk(&program.main, "", &mut out);
    out
}
