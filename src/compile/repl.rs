//! Compiling one REPL input against the session's scenario so far.
//!
//! A session's scenario grows input by input: each input's declarations get slots after
//! those of earlier inputs (so threads started earlier keep reading the same slots), and
//! the main thread's variables live in cells that outlive each input's code, so `x = 5`
//! in one input is `x` in the next. [`compile`](super::compile) for files is unchanged.

use std::collections::HashMap;
use std::sync::Arc;

use super::code::{Code, Op, Program};
use super::scope::Slot;
use super::{Compiler, FnBuilder};
use crate::syntax::Span;
use crate::syntax::ast::*;
use crate::vm::value::Value;

/// The names of a session's scenario so far, by slot.
#[derive(Debug, Default, Clone)]
pub struct Tables {
    /// Shared variables: name to slot.
    pub shared: HashMap<String, u32>,
    /// Shared variable names by slot.
    pub shared_names: Vec<Arc<str>>,
    /// Declared objects, functions and threads: name to slot.
    pub globals: HashMap<String, u32>,
    /// Global names by slot.
    pub global_names: Vec<Arc<str>>,
    /// The main thread's variables, by cell index.
    pub main_names: Vec<String>,
}

/// One compiled input.
pub struct Input {
    /// Code and slot names to install in the world (`main` is this input's code).
    pub program: Program,
    /// How many cells the main code has: the session's variables (in `main_names` order),
    /// then the echo cell, then hidden ones of this input.
    pub cells: u32,
    /// The echo cell: the value of an input that is a single expression.
    pub echo: u32,
}

/// Compiles `items` (the new input's part of a checked module) against `tables`, which
/// it extends. With `echo`, an input that is one expression statement keeps its value
/// in the last cell instead of dropping it.
pub fn compile_input(items: &[Stmt], tables: &mut Tables, echo: bool) -> Input {
    for item in items {
        let (name, table, names) = match &item.node {
            StmtKind::Shared { name, .. } => (name, &mut tables.shared, &mut tables.shared_names),
            StmtKind::Object { name, .. } | StmtKind::Thread { name, .. } => {
                (name, &mut tables.globals, &mut tables.global_names)
            }
            StmtKind::Def(def) => (&def.name, &mut tables.globals, &mut tables.global_names),
            _ => continue,
        };
        table.entry(name.node.clone()).or_insert_with(|| {
            names.push(Arc::from(name.node.as_str()));
            names.len() as u32 - 1
        });
    }
    let mut c = Compiler::new(tables.shared.clone(), tables.globals.clone());
    let (main, echo_cell) = c.repl_main(items, &mut tables.main_names, echo);
    let cells = main.own_cells;
    Input {
        program: Program {
            main: Arc::new(main),
            shared_names: tables.shared_names.clone(),
            global_names: tables.global_names.clone(),
            thread_blocks: c.thread_blocks,
        },
        cells,
        echo: echo_cell,
    }
}

impl<'m> Compiler<'m> {
    /// The main thread's code for one input: like [`Compiler::main`], but every variable
    /// of the main thread is a cell, numbered as in `main_names` (extended with the new
    /// ones), and the echo cell comes last.
    fn repl_main(
        &mut self,
        items: &'m [Stmt],
        main_names: &mut Vec<String>,
        echo: bool,
    ) -> (Code, u32) {
        self.begin("<module>", &[], items, false, None);
        let f: &mut FnBuilder<'m> = self.f();
        f.code.is_function = false;
        let new_names: Vec<String> = f.code.local_names.iter().map(|n| n.to_string()).collect();
        for n in new_names {
            if !main_names.contains(&n) {
                main_names.push(n);
            }
        }
        f.code.locals = 0;
        f.code.local_names.clear();
        f.code.cell_names.clear();
        f.slots.clear();
        for (i, n) in main_names.iter().enumerate() {
            f.slots.insert(n.clone(), Slot::Cell(i as u32));
            f.code.cell_names.push(Arc::from(n.as_str()));
            // Comprehension variables of the same name are then cells too.
            f.captured.insert(n.clone());
        }
        let echo_cell = main_names.len() as u32;
        f.code.cell_names.push(Arc::from("<echo>"));
        f.code.own_cells = echo_cell + 1;
        self.declarations(items);
        let at = Span::new(0, 0);
        if items
            .iter()
            .any(|item| matches!(item.node, StmtKind::Thread { .. }))
        {
            self.emit(Op::StartThreadBlocks, at);
        }
        let statements: Vec<&'m Stmt> = items.iter().filter(|i| !i.node.is_declaration()).collect();
        match statements.as_slice() {
            [only] if echo && matches!(only.node, StmtKind::Expr(_)) => {
                let StmtKind::Expr(e) = &only.node else {
                    unreachable!()
                };
                self.expr(e);
                self.emit(Op::StoreCell(echo_cell), only.span);
            }
            _ => statements.iter().for_each(|s| self.stmt(s)),
        }
        let none = self.constant(Value::None);
        self.emit(Op::Const(none), at);
        self.emit(Op::Return, at);
        (self.finish().0, echo_cell)
    }
}
