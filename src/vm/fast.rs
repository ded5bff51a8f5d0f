//! The interpreter's inner loop for the common instructions.
//!
//! [`Task::run_fast`] runs instructions of the current frame for as long as each is one of
//! the simple, frequent kinds (locals, constants, shared variables, jumps, integer
//! arithmetic, range loops, handler set-up, `with` on a declared lock) and its fast case
//! applies, holding the frame, the operand stack and the code's tables in locals instead of
//! looking them up for every instruction. Anything else goes back to [`Task::exec`], which
//! handles every instruction in full; the fast loop never changes what a program does.

use super::exc::Exc;
use super::task::{Handler, Step, Task};
use super::value::{Value, pop_bool, pop_int, push_bool, push_copy, set_int};
use crate::compile::code::Op;
use crate::sync::Body;
use crate::sync::wait::spin_briefly;
use crate::syntax::ast::{BinOp, CmpOp};

/// Backward jumps one seeded step may take without a visible step (see
/// [`Task::run_fast`]).
pub(super) const LOOP_BUDGET: u32 = 10_000;

/// Why the fast loop stopped.
pub(super) enum Exit {
    /// The next instruction needs [`Task::exec`] (the frame's `pc` is at it).
    Slow,
    /// Stopped before a second visible step (seeded stepping).
    Stop(Step),
    /// An instruction raised (the frame's `pc` is past it, as after `exec`).
    Raise(Exc),
}

/// `a op b` on integers when it cannot overflow; `None` for other operators.
#[inline(always)]
fn int_arith(op: BinOp, a: i64, b: i64) -> Option<i64> {
    match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b),
        _ => None,
    }
}

#[inline(always)]
fn int_compare(op: CmpOp, a: i64, b: i64) -> Option<bool> {
    Some(match op {
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        _ => return None,
    })
}

/// `a op b` when the fast loop can tell at once: integers ordered or equal, and `is` /
/// `is not` against None (None is one value, so identity is its variant).
#[inline(always)]
fn quick_compare(op: CmpOp, a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (&Value::Int(x), &Value::Int(y)) => int_compare(op, x, y),
        (x, Value::None) if matches!(op, CmpOp::Is | CmpOp::IsNot) => {
            Some(matches!(x, Value::None) == (op == CmpOp::Is))
        }
        _ => None,
    }
}

/// Drops the top of the stack without reading it back whole (see `pop_int`): a scalar
/// just written in parts would stall.
#[inline(always)]
fn drop_top(stack: &mut Vec<Value>) {
    if pop_int(stack).is_none() {
        stack.truncate(stack.len().saturating_sub(1));
    }
}

impl Task {
    /// Runs simple instructions of the current frame; see the module documentation.
    /// `stop_at_visible` and `took_step` are [`Task::step`]'s stopping rule: a visible
    /// instruction after one has been taken stops the loop before it runs.
    /// `budget` counts the backward jumps a step may still take: a loop that makes no
    /// visible step is cut into steps of [`LOOP_BUDGET`] iterations, so one thread spinning
    /// on local work cannot stall a seeded run.
    #[inline(always)]
    pub(super) fn run_fast<const TRACE: bool>(
        &mut self,
        stop_at_visible: bool,
        took_step: &mut bool,
        budget: &mut u32,
    ) -> Exit {
        let Task {
            frames,
            stack,
            world,
            tid,
            ..
        } = self;
        let Some(frame) = frames.last_mut() else {
            return Exit::Slow;
        };
        let code = &*frame.code;
        let (ops, consts) = (&code.ops[..], &code.consts[..]);
        // The program counter lives in a register while the loop runs; every way out
        // writes it back (a counter kept in the frame would go through memory at every
        // instruction).
        let mut pc = frame.pc;
        macro_rules! leave {
            ($exit:expr) => {{
                frame.pc = pc;
                return $exit;
            }};
        }
        let locals = &mut frame.locals;
        macro_rules! visible {
            () => {
                if stop_at_visible {
                    if *took_step {
                        leave!(Exit::Stop(Step::Ran));
                    }
                    *took_step = true;
                }
            };
        }
        // `ExitWithGlobal(g)` on a lock (`pc` at it), or back to `exec` for anything else.
        macro_rules! release_global {
            ($g:expr) => {{
                let Some(Value::Object(o)) = world.globals[$g as usize].get() else {
                    leave!(Exit::Slow);
                };
                let Body::Lock(l) = &o.body else {
                    leave!(Exit::Slow);
                };
                visible!();
                if let Err(e) = l.release() {
                    pc += 1;
                    leave!(Exit::Raise(e));
                }
            }};
        }
        // The next number of the range on top into local `slot` (true), or the range popped
        // at its end (false); back to `exec` for other iterators.
        macro_rules! range_next {
            ($slot:expr) => {{
                let Some(Value::Iter(it)) = stack.last_mut() else {
                    leave!(Exit::Slow);
                };
                match it.next_in_range() {
                    Some(Some(v)) => {
                        set_int(&mut locals[$slot as usize], v);
                        true
                    }
                    Some(None) => {
                        stack.pop();
                        false
                    }
                    None => leave!(Exit::Slow),
                }
            }};
        }
        // The outcome `r` of a comparison whose next instruction is at `next`: a conditional
        // jump there is taken (or not) at once, without the bool going through the stack and
        // a dispatch; otherwise the bool is pushed.
        macro_rules! compared {
            ($r:expr, $next:expr) => {{
                let (r, next): (bool, usize) = ($r, $next);
                match ops.get(next) {
                    Some(&Op::JumpIfFalse(t)) => {
                        pc = if r { next + 1 } else { t as usize };
                        continue;
                    }
                    Some(&Op::JumpIfTrue(t)) => {
                        pc = if r { t as usize } else { next + 1 };
                        continue;
                    }
                    _ => push_bool(stack, r),
                }
            }};
        }
        loop {
            match ops[pc] {
                Op::Const(i) => push_copy(stack, &consts[i as usize]),
                Op::LoadLocal(i) => match &locals[i as usize] {
                    // Scalars are copied field by field: a local integer is often just
                    // updated in place, and reading it back whole would stall (see
                    // `push_int`).
                    Some(v) => push_copy(stack, v),
                    None => leave!(Exit::Slow),
                },
                Op::StoreLocal(i) => match pop_int(stack) {
                    // Integers are moved field by field: the top was often just updated
                    // in place, and reading it back whole would stall the store buffer.
                    Some(v) => set_int(&mut locals[i as usize], v),
                    None => {
                        let v = stack.pop().expect("a value to store");
                        locals[i as usize] = Some(v);
                    }
                },
                Op::LoadShared(i) => {
                    if TRACE {
                        leave!(Exit::Slow);
                    }
                    let cell = &world.shared[i as usize];
                    // Free mode, `shared op= integer` (the peephole's `LoadShared`,
                    // `InplaceBinaryConst`, filler, `StoreShared` of the same variable): one read and
                    // a separate write, as before, without the three dispatches between them.
                    if !stop_at_visible
                        && let Some(
                            &[
                                Op::BinaryConst(b, c) | Op::InplaceBinaryConst(b, c),
                                _,
                                Op::StoreShared(j),
                            ],
                        ) = ops.get(pc + 1..pc + 4)
                        && j == i
                        && let (Some(x), &Value::Int(y)) = (cell.get_int(), &consts[c as usize])
                        && let Some(r) = int_arith(b, x, y)
                    {
                        cell.set_int(r);
                        pc += 4;
                        continue;
                    }
                    visible!();
                    cell.push_onto(stack);
                }
                Op::StoreShared(i) => {
                    if TRACE {
                        leave!(Exit::Slow);
                    }
                    visible!();
                    let cell = &world.shared[i as usize];
                    match pop_int(stack) {
                        Some(v) => cell.set_int(v),
                        None => cell.set(stack.pop().expect("a value to store")),
                    }
                }
                Op::Pop => drop_top(stack),
                Op::Jump(t) => {
                    if stop_at_visible && (t as usize) <= pc {
                        if *budget == 0 {
                            leave!(Exit::Stop(Step::Ran));
                        }
                        *budget -= 1;
                    }
                    pc = t as usize;
                    // The jump back to a range loop's head: the head is run here, saving a
                    // dispatch per iteration.
                    if let Op::ForIterStore { exit, slot } = ops[pc] {
                        pc = if range_next!(slot) {
                            pc + 2
                        } else {
                            exit as usize
                        };
                    }
                    continue;
                }
                Op::JumpIfFalse(t) | Op::JumpIfTrue(t) => {
                    let Some(b) = pop_bool(stack) else {
                        leave!(Exit::Slow);
                    };
                    if b == matches!(ops[pc], Op::JumpIfTrue(_)) {
                        pc = t as usize;
                        continue;
                    }
                }
                Op::BinaryConst(b, c) | Op::InplaceBinaryConst(b, c) => {
                    let (Some(Value::Int(x)), Value::Int(y)) =
                        (stack.last_mut(), &consts[c as usize])
                    else {
                        leave!(Exit::Slow);
                    };
                    let Some(r) = int_arith(b, *x, *y) else {
                        leave!(Exit::Slow);
                    };
                    *x = r;
                    // The `Binary` this was fused from is skipped.
                    pc += 1;
                }
                Op::Binary(b) | Op::InplaceBinary(b) => {
                    let n = stack.len();
                    let (&Value::Int(x), &Value::Int(y)) = (&stack[n - 2], &stack[n - 1]) else {
                        leave!(Exit::Slow);
                    };
                    let Some(r) = int_arith(b, x, y) else {
                        leave!(Exit::Slow);
                    };
                    pop_int(stack);
                    // Stored at once when a local takes it (`total += x`), saving a dispatch.
                    if let Some(&Op::StoreLocal(i)) = ops.get(pc + 1) {
                        pop_int(stack);
                        set_int(&mut locals[i as usize], r);
                        pc += 2;
                        continue;
                    }
                    // In place, field by field (see `push_int`).
                    if let Value::Int(slot) = &mut stack[n - 2] {
                        *slot = r;
                    }
                }
                Op::CompareConst(c, k) => {
                    let Some(r) = stack
                        .last()
                        .and_then(|a| quick_compare(c, a, &consts[k as usize]))
                    else {
                        leave!(Exit::Slow);
                    };
                    drop_top(stack);
                    // The `Compare` this was fused from is skipped.
                    compared!(r, pc + 2);
                    pc += 1;
                }
                Op::StoreLocalKeep(i) => {
                    match (stack.last(), &mut locals[i as usize]) {
                        (Some(&Value::Int(v)), slot) => set_int(slot, v),
                        (Some(v), slot) => *slot = Some(v.clone()),
                        (None, _) => leave!(Exit::Slow),
                    }
                    // The `LoadLocal` this was fused from is skipped.
                    pc += 1;
                }
                Op::Compare(c) => {
                    let n = stack.len();
                    let Some(r) = quick_compare(c, &stack[n - 2], &stack[n - 1]) else {
                        leave!(Exit::Slow);
                    };
                    drop_top(stack);
                    drop_top(stack);
                    compared!(r, pc + 1);
                }
                Op::ForIterStore { exit, slot } => {
                    if range_next!(slot) {
                        // The `StoreLocal` this was fused with is skipped.
                        pc += 1;
                    } else {
                        pc = exit as usize;
                        continue;
                    }
                }
                Op::SetupExcept(t) => frame.handlers.push(Handler {
                    target: t,
                    depth: stack.len(),
                    handling: frame.handling.len(),
                }),
                Op::PopBlock => {
                    frame.handlers.pop();
                    // The end of `with LOCK`: the release that follows is done here, saving
                    // a dispatch.
                    if let Some(&Op::ExitWithGlobal(g)) = ops.get(pc + 1) {
                        pc += 1;
                        release_global!(g);
                    }
                }
                Op::CallMethodGlobal { global, name, args } if !TRACE && !stop_at_visible => {
                    // Free mode: a call that completes at once needs no binding or context.
                    let Some(Value::Object(o)) = world.globals[global as usize].get() else {
                        leave!(Exit::Slow);
                    };
                    if !o.call_now(&code.names[name as usize], args, stack) {
                        leave!(Exit::Slow);
                    }
                    // A result nobody uses (`q.put(x)` as a statement) is dropped here,
                    // saving a dispatch.
                    if let Some(Op::Pop) = ops.get(pc + 1) {
                        drop_top(stack);
                        pc += 1;
                    }
                }
                Op::EnterWithGlobal(_) | Op::ExitWithGlobal(_) if TRACE => leave!(Exit::Slow),
                Op::EnterWithGlobal(g) => {
                    let Some(Value::Object(o)) = world.globals[g as usize].get() else {
                        leave!(Exit::Slow);
                    };
                    let Body::Lock(l) = &o.body else {
                        leave!(Exit::Slow);
                    };
                    if stop_at_visible && *took_step {
                        leave!(Exit::Stop(Step::Ran));
                    }
                    // Free mode: the holder is likely about to release it, so spin a
                    // little before the full blocking acquire. Seeded, nobody else runs
                    // meanwhile.
                    let acquire = || l.try_acquire(*tid).then_some(());
                    let got = if stop_at_visible {
                        acquire().is_some()
                    } else {
                        spin_briefly(0, acquire).is_some()
                    };
                    if !got {
                        leave!(Exit::Slow);
                    }
                    *took_step = true;
                    // The handler set-up that follows `with LOCK` is done here, saving a
                    // dispatch.
                    if let Some(&Op::SetupExcept(t)) = ops.get(pc + 1) {
                        pc += 1;
                        frame.handlers.push(Handler {
                            target: t,
                            depth: stack.len(),
                            handling: frame.handling.len(),
                        });
                    }
                }
                Op::ExitWithGlobal(g) => release_global!(g),
                _ => leave!(Exit::Slow),
            }
            pc += 1;
        }
    }
}
