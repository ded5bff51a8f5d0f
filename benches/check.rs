//! `thr check` speed on a generated 10,000-line scenario, side by side with CPython
//! compiling the same program written in Python.
//!
//! ```text
//! cargo bench --bench check
//! ```
//!
//! The scenario is generated deterministically from a fixed seed out of four templates
//! (locks and pools; producers and consumers on a condition; barriers, rlocks, locals and
//! comprehensions; events, semaphores, timers and priority queues), with every declaration
//! and function renamed per copy, so it checks clean. It is written, with its Python
//! translation, to a temporary directory, then timed:
//!
//! 1. in process: `thr::diag::analyze` (parse and check), and parse and check apart;
//! 2. end to end: the release binary running `thr check FILE` (`THR_BIN` overrides the
//!    binary cargo built for this bench);
//! 3. CPython (`THR_PYTHON`, default `python3`, resolved to the interpreter itself rather
//!    than a launcher script): `compile(src, path, "exec")` in process, and
//!    `python3 -m py_compile FILE` end to end.
//!
//! Each figure is the median of `THR_BENCH_RUNS` runs (default 21) after one warm-up run.
//! `THR_BENCH_DIR=DIR` keeps the generated `scenario.thr` and `scenario.py` in DIR.
//! The requirement is that `thr check` of the 10,000-line file takes under 50 ms.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::thr_bin;
use thr::diag::analyze;
use thr::source::SourceFile;

/// Lines in the generated scenario.
const LINES: usize = 10_000;
/// The requirement for `thr check` of that file, end to end.
const TARGET: Duration = Duration::from_millis(50);

// ───────────────────────────── The scenario ─────────────────────────────

/// A small deterministic generator (SplitMix64), so the scenario is the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// One template in both languages. `@i` is the copy's number; `@a`, `@b`, `@c` are small
/// random constants; `@d` a duration (`@ds` the same in seconds, for Python).
struct Template {
    thr: &'static str,
    py: &'static str,
}

const TEMPLATES: &[Template] = &[
    // Locks, conditions, semaphores, queues, a pool; a def with loops, `with`, `try`,
    // f-strings and comprehensions; a thread block; spawn and futures.
    Template {
        thr: r#"shared total_@i = 0
shared log_@i = []
lock guard_@i
condition ready_@i(guard_@i)
semaphore slots_@i(@a)
event done_@i
queue jobs_@i(maxsize=@b)
pool workers_@i(max_workers=@a)

def work_@i(n, scale=2, *rest, **extra) {
    acc = 0
    for k in range(n) {
        with guard_@i {
            total_@i += k * scale
            log_@i.append(f"step {k} of {n}: {total_@i:>6}")
        }
        if k % 3 == 0 {
            acc += k
        } elif k % 3 == 1 {
            acc -= 1
        } else {
            pass
        }
    }
    try {
        item = jobs_@i.get(timeout=1)
    } except Empty {
        item = None
    } finally {
        slots_@i.release()
    }
    squares = [v * v for v in range(n) if v % 2 == 0]
    table = {str(v): v for v in squares}
    return acc + len(table)
}

thread ticker_@i {
    while not done_@i.is_set() {
        sleep(@d)
        jobs_@i.put(randint(1, @c))
    }
}

t_@i = spawn work_@i(@c, scale=@a)
f_@i = workers_@i.submit(work_@i, @b)
done_@i.set()
t_@i.join(timeout=2)
assert f_@i.result() >= 0, f"result of copy @i"
"#,
        py: r#"total_@i = 0
log_@i = []
guard_@i = Lock()
ready_@i = Condition(guard_@i)
slots_@i = Semaphore(@a)
done_@i = Event()
jobs_@i = Queue(maxsize=@b)
workers_@i = ThreadPoolExecutor(max_workers=@a)

def work_@i(n, scale=2, *rest, **extra):
    global total_@i
    acc = 0
    for k in range(n):
        with guard_@i:
            total_@i += k * scale
            log_@i.append(f"step {k} of {n}: {total_@i:>6}")
        if k % 3 == 0:
            acc += k
        elif k % 3 == 1:
            acc -= 1
        else:
            pass
    try:
        item = jobs_@i.get(timeout=1)
    except Empty:
        item = None
    finally:
        slots_@i.release()
    squares = [v * v for v in range(n) if v % 2 == 0]
    table = {str(v): v for v in squares}
    return acc + len(table)

def _ticker_@i():
    while not done_@i.is_set():
        sleep(@ds)
        jobs_@i.put(randint(1, @c))

ticker_@i = Thread(target=_ticker_@i)
ticker_@i.start()

t_@i = spawn(work_@i, @c, scale=@a)
f_@i = workers_@i.submit(work_@i, @b)
done_@i.set()
t_@i.join(timeout=2)
assert f_@i.result() >= 0, f"result of copy @i"
"#,
    },
    // Producers and consumers on a condition; a lifo queue, a bounded semaphore, a daemon
    // thread.
    Template {
        thr: r#"shared buffer_@i = []
shared produced_@i = 0
condition cv_@i
lifo queue stack_@i(maxsize=0)
bounded semaphore gate_@i(@a)

def produce_@i(count, tag="p") {
    for k in range(count) {
        with cv_@i {
            buffer_@i.append((tag, k))
            produced_@i += 1
            cv_@i.notify()
        }
    }
}

def consume_@i(limit) {
    got = []
    while len(got) < limit {
        with cv_@i {
            while not buffer_@i {
                cv_@i.wait(timeout=0.5)
            }
            got.append(buffer_@i.pop(0))
        }
    }
    return got
}

daemon thread watcher_@i {
    with gate_@i {
        stack_@i.put_nowait(produced_@i)
    }
}

p_@i = spawn produce_@i(@b, tag="c@i")
c_@i = spawn consume_@i(@b)
p_@i.join(); c_@i.join()
print(f"copy @i: {produced_@i} items, {stack_@i.qsize()} marks", sep="")
"#,
        py: r#"buffer_@i = []
produced_@i = 0
cv_@i = Condition()
stack_@i = LifoQueue(maxsize=0)
gate_@i = BoundedSemaphore(@a)

def produce_@i(count, tag="p"):
    global produced_@i
    for k in range(count):
        with cv_@i:
            buffer_@i.append((tag, k))
            produced_@i += 1
            cv_@i.notify()

def consume_@i(limit):
    got = []
    while len(got) < limit:
        with cv_@i:
            while not buffer_@i:
                cv_@i.wait(timeout=0.5)
            got.append(buffer_@i.pop(0))
    return got

def _watcher_@i():
    with gate_@i:
        stack_@i.put_nowait(produced_@i)

watcher_@i = Thread(target=_watcher_@i, daemon=True)
watcher_@i.start()

p_@i = spawn(produce_@i, @b, tag="c@i")
c_@i = spawn(consume_@i, @b)
p_@i.join(); c_@i.join()
print(f"copy @i: {produced_@i} items, {stack_@i.qsize()} marks", sep="")
"#,
    },
    // Barriers, rlocks, thread-locals, lambdas, sorting, try/except/else, dict
    // comprehensions, Thread objects.
    Template {
        thr: r#"rlock reentrant_@i
barrier start_@i(@a, timeout=5s)
local ctx_@i
shared scores_@i = {"a": @b, "b": @c}

def nested_@i(depth) {
    with reentrant_@i {
        if depth > 0 {
            return nested_@i(depth - 1) + 1
        }
        return 0
    }
}

def runner_@i(idx, weight=1.5) {
    ctx_@i.value = idx
    start_@i.wait()
    key = lambda kv: kv[1] * weight
    ranked = sorted(scores_@i.items(), key=key, reverse=True)
    try {
        if ranked[0][1] < 0 {
            raise ValueError(f"negative score {ranked[0]!r}")
        }
    } except (ValueError, KeyError) as err {
        print(err)
    } else {
        scores_@i["r" + str(idx)] = nested_@i(@a)
    }
    return {k: v for k, v in ranked if v > 0}
}

threads_@i = [Thread(target=runner_@i, args=(n,), name=f"r@i-{n}") for n in range(@a)]
for th in threads_@i {
    th.start()
}
for th in threads_@i {
    th.join()
}
"#,
        py: r#"reentrant_@i = RLock()
start_@i = Barrier(@a, timeout=5)
ctx_@i = local()
scores_@i = {"a": @b, "b": @c}

def nested_@i(depth):
    with reentrant_@i:
        if depth > 0:
            return nested_@i(depth - 1) + 1
        return 0

def runner_@i(idx, weight=1.5):
    ctx_@i.value = idx
    start_@i.wait()
    key = lambda kv: kv[1] * weight
    ranked = sorted(scores_@i.items(), key=key, reverse=True)
    try:
        if ranked[0][1] < 0:
            raise ValueError(f"negative score {ranked[0]!r}")
    except (ValueError, KeyError) as err:
        print(err)
    else:
        scores_@i["r" + str(idx)] = nested_@i(@a)
    return {k: v for k, v in ranked if v > 0}

threads_@i = [Thread(target=runner_@i, args=(n,), name=f"r@i-{n}") for n in range(@a)]
for th in threads_@i:
    th.start()
for th in threads_@i:
    th.join()
"#,
    },
    // Events, semaphores, a priority queue, a pool used with `with`, `wait`, `map`,
    // timers, `while True` with break and continue, tuple unpacking.
    Template {
        thr: r#"event go_@i
semaphore permits_@i(@a)
priority queue tasks_@i(maxsize=100)
pool exec_@i(max_workers=@a, thread_name_prefix="d@i")

def job_@i(x) {
    with permits_@i {
        go_@i.wait(timeout=1)
        tasks_@i.put((x % 7, x))
        return x ** 2 // 3
    }
}

def drain_@i() {
    total = 0
    while True {
        try {
            prio, val = tasks_@i.get_nowait()
        } except Empty {
            break
        }
        if val % 2 == 0 {
            continue
        }
        total += val
    }
    return total
}

timer_@i = Timer(@d, lambda: go_@i.set())
timer_@i.start()
with exec_@i {
    futs_@i = [exec_@i.submit(job_@i, x) for x in range(@c)]
    finished_@i, pending_@i = wait(futs_@i, timeout=5, return_when=ALL_COMPLETED)
    squares_@i = list(exec_@i.map(job_@i, range(@c)))
}
assert drain_@i() >= 0 and len(squares_@i) == @c, "drained"
"#,
        py: r#"go_@i = Event()
permits_@i = Semaphore(@a)
tasks_@i = PriorityQueue(maxsize=100)
exec_@i = ThreadPoolExecutor(max_workers=@a, thread_name_prefix="d@i")

def job_@i(x):
    with permits_@i:
        go_@i.wait(timeout=1)
        tasks_@i.put((x % 7, x))
        return x ** 2 // 3

def drain_@i():
    total = 0
    while True:
        try:
            prio, val = tasks_@i.get_nowait()
        except Empty:
            break
        if val % 2 == 0:
            continue
        total += val
    return total

timer_@i = Timer(@ds, lambda: go_@i.set())
timer_@i.start()
with exec_@i:
    futs_@i = [exec_@i.submit(job_@i, x) for x in range(@c)]
    finished_@i, pending_@i = wait(futs_@i, timeout=5, return_when=ALL_COMPLETED)
    squares_@i = list(exec_@i.map(job_@i, range(@c)))
assert drain_@i() >= 0 and len(squares_@i) == @c, "drained"
"#,
    },
];

const PY_PRELUDE: &str = "\
from concurrent.futures import ALL_COMPLETED, ThreadPoolExecutor, wait
from queue import Empty, LifoQueue, PriorityQueue, Queue
from random import randint
from threading import (Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore,
                       Thread, Timer, local)
from time import sleep


def spawn(f, *args, **kwargs):
    t = Thread(target=f, args=args, kwargs=kwargs)
    t.start()
    return t

";

/// The scenario (exactly [`LINES`] lines) and its Python translation.
fn generate() -> (String, String) {
    let mut rng = Rng(0x5eed_0f74_12ab);
    let (mut thr, mut py) = (String::new(), String::from(PY_PRELUDE));
    let mut copy = 0;
    loop {
        let t = &TEMPLATES[rng.int(0, TEMPLATES.len() as u64 - 1) as usize];
        let (a, b, c) = (rng.int(2, 5), rng.int(3, 20), rng.int(4, 50));
        let ms = rng.int(1, 200);
        let fill = |s: &str| {
            s.replace("@i", &copy.to_string())
                .replace("@a", &a.to_string())
                .replace("@b", &b.to_string())
                .replace("@c", &c.to_string())
                .replace("@ds", &format!("{}", ms as f64 / 1000.0))
                .replace("@d", &format!("{ms}ms"))
        };
        let (chunk, chunk_py) = (fill(t.thr), fill(t.py));
        if thr.lines().count() + 1 + chunk.lines().count() > LINES {
            break;
        }
        thr.push_str(&chunk);
        thr.push('\n');
        py.push_str(&chunk_py);
        py.push('\n');
        copy += 1;
    }
    // Fill up to the exact line count with main-thread statements.
    let mut k = 0;
    while thr.lines().count() < LINES {
        thr.push_str(&format!("pad_{k} = {k} * 2 + len(str({k}))\n"));
        py.push_str(&format!("pad_{k} = {k} * 2 + len(str({k}))\n"));
        k += 1;
    }
    (thr, py)
}

// ───────────────────────────── Measuring ─────────────────────────────

fn runs() -> usize {
    std::env::var("THR_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(21)
}

/// The median and the minimum of some timings.
#[derive(Clone, Copy)]
struct Stat {
    median: Duration,
    min: Duration,
}

impl Stat {
    fn of(mut times: Vec<Duration>) -> Stat {
        times.sort();
        Stat {
            median: times[times.len() / 2],
            min: times[0],
        }
    }
}

/// `n` timings of `f`, after one warm-up call.
fn measure(n: usize, mut f: impl FnMut() -> Duration) -> Stat {
    f();
    Stat::of((0..n).map(|_| f()).collect())
}

fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// Wall time of one run of `cmd`, which must succeed.
fn wall(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let out = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("run command");
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

/// The Python interpreter's own path (`THR_PYTHON`, default `python3`, resolved through
/// `sys.executable`, so that a launcher such as a pyenv shim is not timed with it).
fn python_executable() -> String {
    let python = std::env::var("THR_PYTHON").unwrap_or_else(|_| "python3".into());
    Command::new(&python)
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or(python)
}

/// CPython's in-process `compile()` times of `path`: `n` runs after a warm-up.
fn python_compile(python: &str, path: &Path, n: usize) -> Option<Stat> {
    let script = "import sys, time\n\
                  p = sys.argv[1]; n = int(sys.argv[2]); src = open(p).read()\n\
                  compile(src, p, 'exec')\n\
                  for _ in range(n):\n\
                  \x20   t = time.perf_counter(); compile(src, p, 'exec'); print(time.perf_counter() - t)\n";
    let out = Command::new(python)
        .args(["-c", script])
        .arg(path)
        .arg(n.to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("{python} failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let times = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().parse().ok().map(Duration::from_secs_f64))
        .collect::<Option<Vec<_>>>()?;
    (!times.is_empty()).then(|| Stat::of(times))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// `median (min)`.
fn stat(s: Stat) -> String {
    format!("{} ({})", ms(s.median), ms(s.min))
}

fn main() {
    // `cargo bench` passes `--bench`; filters and other flags are ignored.
    let n = runs();
    let (scenario, python_src) = generate();
    // `THR_BENCH_DIR` keeps the generated files there (for profiling); by default they go
    // to a temporary directory that is removed afterwards.
    let keep = std::env::var_os("THR_BENCH_DIR").map(PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("thr-bench-check-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let thr_path = dir.join("scenario.thr");
    let py_path = dir.join("scenario.py");
    std::fs::write(&thr_path, &scenario).expect("write scenario");
    std::fs::write(&py_path, &python_src).expect("write python");

    // The scenario must be realistic: it checks clean.
    let file = SourceFile::new(thr_path.display().to_string(), scenario.as_str());
    let analysis = analyze(&file);
    if !analysis.problems.is_empty() {
        let renderer = thr::diag::Renderer::new(false);
        for p in analysis.problems.iter().take(5) {
            eprintln!("{}", renderer.render(p, Some(&file)));
        }
        panic!(
            "the generated scenario has {} problems",
            analysis.problems.len()
        );
    }

    let lines = scenario.lines().count();
    let py_lines = python_src.lines().count();
    println!(
        "scenario: {lines} lines, {} bytes, {} top-level items; Python translation: {py_lines} lines",
        scenario.len(),
        analysis.module.body.len()
    );
    println!("median of {n} runs after one warm-up\n");

    // 1. In process.
    let analyze_t = measure(n, || {
        timed(|| {
            let file = SourceFile::new("scenario.thr", scenario.as_str());
            std::hint::black_box(analyze(&file));
        })
    });
    let parse_t = measure(n, || {
        timed(|| {
            std::hint::black_box(thr::syntax::parse(&scenario));
        })
    });
    let parsed = thr::syntax::parse(&scenario);
    let check_t = measure(n, || {
        timed(|| {
            std::hint::black_box(thr::check::check(&scenario, &parsed.module));
        })
    });

    // 2. End to end.
    let bin = thr_bin();
    let e2e = measure(n, || wall(Command::new(&bin).arg("check").arg(&thr_path)));

    // 3. CPython.
    let python = python_executable();
    let py_compile = python_compile(&python, &py_path, n);
    let py_e2e = py_compile.is_some().then(|| {
        measure(n, || {
            wall(
                Command::new(&python)
                    .args(["-m", "py_compile"])
                    .arg(&py_path),
            )
        })
    });

    let ratio = |a: Stat, b: Option<Stat>| {
        b.map_or("n/a".to_string(), |b| {
            format!("{:.2}", a.median.as_secs_f64() / b.median.as_secs_f64())
        })
    };
    let opt = |d: Option<Stat>| d.map_or("n/a".to_string(), stat);
    println!("| measure, median (min) of {n} | thr | CPython | thr/CPython (medians) |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| in process: `analyze` vs `compile()` | {} | {} | {} |",
        stat(analyze_t),
        opt(py_compile),
        ratio(analyze_t, py_compile)
    );
    println!("| in process: parse only | {} | | |", stat(parse_t));
    println!("| in process: check only | {} | | |", stat(check_t));
    println!(
        "| end to end: `thr check` vs `python3 -m py_compile` | {} | {} | {} |",
        stat(e2e),
        opt(py_e2e),
        ratio(e2e, py_e2e)
    );
    println!();
    println!("binary: {}", bin.display());
    println!("python: {python}");
    println!(
        "target: `thr check` of {LINES} lines under {} end to end (median): {}",
        ms(TARGET),
        if e2e.median < TARGET {
            "MET"
        } else {
            "NOT MET"
        },
    );
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
