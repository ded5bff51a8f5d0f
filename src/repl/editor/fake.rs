//! A stand-in [`Engine`] for testing the front end without running scenarios: it records
//! what it is fed, learns declared names from the parser, and fakes threads just enough:
//! a `thread` whose body says `while True` never ends (joining it blocks until interrupted),
//! and one that says `print("TEXT")` prints TEXT from another thread a moment later.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

use crate::lang::kinds::Kind;
use crate::repl::{Engine, Flow, Known};
use crate::syntax::ast::StmtKind;
use crate::vm::world::Output;

/// What a fake engine was asked to do, shared with the test.
#[derive(Default)]
pub struct Log {
    /// Inputs fed, in order.
    pub fed: Vec<String>,
    /// The `abandon` argument of each `exit`.
    pub exits: Vec<bool>,
}

/// The fake engine.
pub struct Fake {
    out: Arc<dyn Output>,
    log: Arc<Mutex<Log>>,
    known: Vec<Known>,
    forever: Vec<String>,
    stop: Arc<AtomicBool>,
}

impl Fake {
    /// A fake writing to `out` and recording into `log`.
    pub fn new(out: Arc<dyn Output>, log: Arc<Mutex<Log>>) -> Fake {
        Fake {
            out,
            log,
            known: Vec::new(),
            forever: Vec::new(),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Blocks until interrupted; true when it was.
    fn block(&self) -> bool {
        for _ in 0..3000 {
            if self.stop.swap(false, Ordering::SeqCst) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    fn learn(&mut self, name: &str, kind: Kind) {
        self.known.push(Known {
            name: name.to_string(),
            kind: Some(kind),
        });
    }
}

impl Engine for Fake {
    fn feed(&mut self, input: &str) -> Flow {
        self.log.lock().fed.push(input.to_string());
        self.stop.store(false, Ordering::SeqCst);
        let trimmed = input.trim();
        if trimmed == ":quit" {
            return Flow::Quit;
        }
        if trimmed.starts_with(':') {
            self.out.out(&format!("command {trimmed}\n"));
            return Flow::Continue;
        }
        if let Some(name) = trimmed.strip_suffix(".join()")
            && self.forever.iter().any(|t| t == name)
        {
            if self.block() {
                self.out.err("KeyboardInterrupt\n");
            }
            return Flow::Continue;
        }
        let parsed = crate::syntax::parse(input);
        for stmt in &parsed.module.body {
            match &stmt.node {
                StmtKind::Object { kind, name, .. } => {
                    self.learn(&name.node, Kind::of_object(*kind))
                }
                StmtKind::Def(def) => self.learn(&def.name.node, Kind::Function),
                StmtKind::Thread { name, body, .. } => {
                    self.learn(&name.node, Kind::Thread);
                    let text = input
                        .get(body.span.start as usize..body.span.end as usize)
                        .unwrap_or("");
                    if text.contains("while True") {
                        self.forever.push(name.node.clone());
                    } else if let Some(rest) = text.split_once("print(\"").map(|(_, r)| r) {
                        let said = rest.split('"').next().unwrap_or("").to_string();
                        let out = self.out.clone();
                        std::thread::spawn(move || {
                            std::thread::sleep(Duration::from_millis(300));
                            out.out(&format!("{said}\n"));
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some(e) = parsed.errors.first() {
            self.out.err(&format!("SyntaxError: {e}\n"));
        }
        Flow::Continue
    }

    fn needs_more(&self, text: &str) -> bool {
        crate::syntax::parse(text).incomplete
    }

    fn known(&self) -> Vec<Known> {
        self.known.clone()
    }

    fn interrupter(&self) -> Arc<dyn Fn() + Send + Sync> {
        let stop = self.stop.clone();
        Arc::new(move || stop.store(true, Ordering::SeqCst))
    }

    fn exit(&mut self, abandon: bool) {
        self.log.lock().exits.push(abandon);
        if !abandon && !self.forever.is_empty() {
            self.block();
        }
    }
}
