//! The prelude: functions written in thr that the runtime calls (a thread's body, a timer,
//! `Condition.wait_for`, barriers, pool workers, sorting with a key; see
//! `src/vm/prelude.thr`).
//!
//! Each function stands alone (it uses only builtins, never another prelude function), so
//! each is parsed and compiled by itself, once per process, the first time it is needed:
//! a run that starts one thread pays for the few lines of `__thr_run`, not for the whole
//! prelude (parsing all of it took about 0.7 ms, a tenth of a short run).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

use super::Compiler;
use super::code::Code;
use crate::syntax::ast::StmtKind;

/// The prelude's source (see `src/vm/prelude.thr`).
pub const PRELUDE: &str = include_str!("../vm/prelude.thr");

/// One prelude function: its text (from its `def` to the next top-level `def`) and, once
/// compiled, its code.
type Function = (&'static str, OnceLock<Arc<Code>>);

/// The prelude's functions by name. Finding them is a scan for lines that start with
/// `def `, not a parse.
static FUNCTIONS: LazyLock<HashMap<&'static str, Function>> = LazyLock::new(|| {
    let starts: Vec<usize> = PRELUDE
        .match_indices("def ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || PRELUDE.as_bytes()[i - 1] == b'\n')
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let end = starts.get(k + 1).copied().unwrap_or(PRELUDE.len());
            let text = &PRELUDE[start..end];
            let name = text["def ".len()..]
                .split('(')
                .next()
                .unwrap_or_default()
                .trim();
            (name, (text, OnceLock::new()))
        })
        .collect()
});

/// The compiled prelude function `name`, or `None` if the prelude has no such function.
pub fn prelude_function(name: &str) -> Option<Arc<Code>> {
    let (text, code) = FUNCTIONS.get(name)?;
    Some(code.get_or_init(|| compile_one(text)).clone())
}

/// Compiles the one `def` of `text`.
fn compile_one(text: &'static str) -> Arc<Code> {
    let parsed = crate::syntax::parse(text);
    assert!(
        parsed.errors.is_empty(),
        "the prelude parses: {:?}",
        parsed.errors
    );
    // Leaked: the tree must outlive the compiler's borrows, and there is one per function
    // per process.
    let module: &'static crate::syntax::ast::Module = Box::leak(Box::new(parsed.module));
    let [item] = &module.body[..] else {
        panic!("one prelude function per text, found {}", module.body.len());
    };
    let StmtKind::Def(def) = &item.node else {
        panic!("a prelude text holds a `def`");
    };
    let mut c = Compiler::new(HashMap::new(), HashMap::new());
    c.internal = true;
    c.begin(&def.name.node, &def.params, &def.body.node, false, None);
    c.body(&def.body.node);
    Arc::new(c.finish().0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every function of the prelude is found and compiles on its own.
    #[test]
    fn every_prelude_function_compiles_alone() {
        let names: Vec<&str> = FUNCTIONS.keys().copied().collect();
        assert!(names.len() >= 9, "found only {names:?}");
        for name in names {
            assert!(name.starts_with("__thr_"), "{name}");
            let code = prelude_function(name).expect("listed");
            assert!(code.internal && !code.ops.is_empty(), "{name}");
        }
        assert!(prelude_function("__thr_missing").is_none());
    }
}
