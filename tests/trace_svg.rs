//! `thr run --timeline FILE.svg`: the SVG is well-formed XML with one lane per thread, an
//! axis and a legend; seeded runs draw the same bytes every time; deadlocked and stopped
//! runs still get their picture; text is escaped; long runs stay small.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{TempDir, run_limited, thr};
use roxmltree::{Document, Node};

const LIMIT: Duration = Duration::from_secs(120);

/// A run's timeline and its JSON Lines trace.
struct Drawn {
    code: i32,
    svg: String,
    /// Thread names by tid, from the trace (threads that ran and threads spawned).
    threads: BTreeMap<u64, String>,
}

/// Runs `thr run ARGS FILE --timeline … --trace-format jsonl --trace=…` in a fresh
/// directory; `file` is relative to the crate root unless absolute.
fn draw(args: &[&str], file: &str) -> Drawn {
    let dir = TempDir::new("svg");
    let svg_path = dir.path.join("out.svg");
    let trace_path = dir.path.join("out.jsonl");
    let mut cmd = thr();
    cmd.args(["--color", "never", "run"])
        .args(args)
        .arg("--timeline")
        .arg(&svg_path)
        .args(["--trace-format", "jsonl"])
        .arg(format!("--trace={}", trace_path.display()))
        .arg(file);
    let out = run_limited(&mut cmd, b"", LIMIT);
    let svg = std::fs::read_to_string(&svg_path).unwrap_or_else(|e| {
        panic!(
            "no timeline for {file} {args:?}: {e}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let trace = std::fs::read_to_string(&trace_path).expect("the trace is written");
    let mut threads = BTreeMap::new();
    for line in trace.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let tid = v["tid"].as_u64().expect("tid");
        threads.insert(tid, v["thread"].as_str().expect("thread").to_string());
        if let (Some(child), Some(name)) = (v["child"].as_u64(), v["child_name"].as_str()) {
            threads.entry(child).or_insert_with(|| name.to_string());
        }
    }
    Drawn {
        code: out.status.code().unwrap_or(-1),
        svg,
        threads,
    }
}

fn class_is(n: &Node, class: &str) -> bool {
    n.attribute("class") == Some(class)
}

fn groups<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && class_is(n, class))
        .collect()
}

/// All text inside `n`, titles excluded, one string per `<text>`.
fn texts(n: Node) -> Vec<String> {
    n.descendants()
        .filter(|t| t.has_tag_name("text"))
        .map(|t| {
            t.children()
                .filter(|c| c.is_text())
                .filter_map(|c| c.text())
                .collect()
        })
        .collect()
}

/// Checks the picture's structure; returns the lanes as (tid, name).
fn check(d: &Drawn, what: &str) -> Vec<(u64, String)> {
    let doc = Document::parse(&d.svg).unwrap_or_else(|e| panic!("{what}: not XML: {e}"));
    let root = doc.root_element();
    assert!(root.has_tag_name("svg"), "{what}: root is not <svg>");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg"),
        "{what}"
    );
    let num = |a: &str| -> f64 {
        root.attribute(a)
            .unwrap_or_else(|| panic!("{what}: no {a}"))
            .parse()
            .unwrap_or_else(|e| panic!("{what}: {a}: {e}"))
    };
    let (w, h) = (num("width"), num("height"));
    assert!(w >= 800.0 && h >= 100.0, "{what}: {w}x{h}");
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {w} {h}").as_str()),
        "{what}"
    );
    // Self-contained: nothing refers outside the file.
    for bad in ["href", "@import", "url(", "<script"] {
        assert!(!d.svg.contains(bad), "{what}: contains {bad}");
    }
    let background = root.children().find(|n| n.has_tag_name("rect"));
    assert_eq!(
        background.and_then(|r| r.attribute("fill")),
        Some("#fff"),
        "{what}: no white background"
    );

    let lanes: Vec<(u64, String)> = groups(&doc, "lane")
        .iter()
        .map(|g| {
            let tid = g.attribute("data-tid").expect("data-tid").parse().unwrap();
            (tid, g.attribute("data-thread").expect("data-thread").into())
        })
        .collect();
    let expected: Vec<(u64, String)> = d.threads.clone().into_iter().collect();
    assert_eq!(lanes, expected, "{what}: one lane per thread, by number");

    let axis = groups(&doc, "axis");
    assert_eq!(axis.len(), 1, "{what}: one axis");
    let labels = texts(axis[0]);
    assert!(labels.len() >= 3, "{what}: axis labels {labels:?}");

    let legend = groups(&doc, "legend");
    assert_eq!(legend.len(), 1, "{what}: one legend");
    let words = texts(legend[0]);
    for w in [
        "running", "blocked", "sleeping", "finished", "put", "get", "print",
    ] {
        assert!(
            words.iter().any(|t| t == w),
            "{what}: legend lacks {w}: {words:?}"
        );
    }
    lanes
}

/// The lanes' titles (tooltips), all joined.
fn titles(svg: &str) -> String {
    let doc = Document::parse(svg).expect("XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn seeded_examples_have_a_lane_per_thread_an_axis_and_a_legend() {
    let cases: [(&str, &str, i32); 4] = [
        ("1", "examples/basics/producer_consumer.thr", 0),
        ("1", "examples/classic/sleeping_barber.thr", 0),
        ("1", "examples/classic/bounded_buffer.thr", 0),
        ("1", "examples/basics/semaphore_limit.thr", 0),
    ];
    for (seed, file, code) in cases {
        let d = draw(&["--seed", seed], file);
        assert_eq!(d.code, code, "{file}");
        let lanes = check(&d, file);
        assert!(lanes.len() >= 3, "{file}: {lanes:?}");
        assert!(
            d.svg.contains("virtual time"),
            "{file}: no virtual-time row"
        );
        let doc = Document::parse(&d.svg).unwrap();
        let axis = groups(&doc, "axis");
        assert!(texts(axis[0]).iter().any(|t| t == "step"), "{file}");
    }
}

#[test]
fn lanes_show_states_holds_and_markers_with_tooltips() {
    let d = draw(&["--seed", "1"], "examples/basics/producer_consumer.thr");
    let doc = Document::parse(&d.svg).unwrap();
    let count = |class: &str| {
        doc.descendants()
            .filter(|n| class_is(n, class) && n.ancestors().any(|a| class_is(&a, "lane")))
            .count()
    };
    for class in ["run", "blk", "slp", "fin", "put", "get", "prt", "tk"] {
        assert!(count(class) > 0, "no `{class}` in any lane");
    }
    assert!(count("put") >= 10 && count("get") >= 10);
    let all = titles(&d.svg);
    assert!(
        all.contains("blocked, waits for an item from queue `pipeline`"),
        "{all}"
    );
    assert!(
        all.contains("examples/basics/producer_consumer.thr:31"),
        "{all}"
    );
    assert!(all.contains("put queue `pipeline` → 3"), "{all}");
    // Hand-offs: a line from each put to its get.
    assert!(groups(&doc, "handoffs")[0].children().count() >= 10);

    let d = draw(&["--seed", "1"], "examples/classic/bounded_buffer.thr");
    let all = titles(&d.svg);
    assert!(all.contains("lock `mutex` held by"), "{all}");
    assert!(
        d.svg.contains("lock `mutex`</text>"),
        "no legend entry for the lock"
    );
}

#[test]
fn seeded_timelines_are_identical_run_to_run() {
    for (seed, file) in [
        ("1", "examples/basics/producer_consumer.thr"),
        ("22", "examples/classic/dining_philosophers.thr"),
        ("5", "examples/classic/readers_writers.thr"),
    ] {
        let a = draw(&["--seed", seed], file);
        let b = draw(&["--seed", seed], file);
        assert!(a.svg == b.svg, "{file}: two runs drew different pictures");
        let c = draw(&["--seed", "3"], file);
        assert!(
            c.svg != a.svg || seed == "3",
            "{file}: another seed, same picture"
        );
    }
}

#[test]
fn a_deadlocked_run_still_draws_its_timeline() {
    let file = "examples/classic/dining_philosophers.thr";
    let d = draw(&["--seed", "22"], file);
    assert_eq!(d.code, 3, "the deadlock's exit status");
    let lanes = check(&d, file);
    assert_eq!(lanes.len(), 6);
    let all = titles(&d.svg);
    assert_eq!(
        all.matches("still waiting when the run ended").count(),
        6,
        "{all}"
    );
    assert!(all.contains("waits to acquire lock `fork1`"), "{all}");
    for n in 0..5 {
        assert!(d.svg.contains(&format!("lock `fork{n}`</text>")), "fork{n}");
    }
}

#[test]
fn a_free_run_is_drawn_against_elapsed_time() {
    let file = "examples/basics/producer_consumer.thr";
    let d = draw(&[], file);
    assert_eq!(d.code, 0);
    check(&d, file);
    let doc = Document::parse(&d.svg).unwrap();
    let labels = texts(groups(&doc, "axis")[0]);
    assert!(labels.iter().any(|t| t == "elapsed"), "{labels:?}");
    // About 0.1s: ticks in ms (in s on a very slow machine).
    assert!(
        labels.iter().any(|t| t == "0 ms" || t == "0 s"),
        "{labels:?}"
    );
    let times = labels
        .iter()
        .filter(|t| t.ends_with(" ms") || t.ends_with(" s"));
    assert!(times.count() >= 3, "{labels:?}");
    assert!(!d.svg.contains("virtual time"));
}

#[test]
fn a_stopped_run_with_a_thread_that_never_started_is_drawn() {
    let file = "examples/basics/many_threads.thr";
    let d = draw(&["--seed", "1", "--max-threads", "5"], file);
    assert_eq!(d.code, 4);
    let lanes = check(&d, file);
    // Thread-5 was spawned but never started: it has a lane, and nothing in it.
    assert_eq!(lanes.len(), 6, "{lanes:?}");
    assert!(d.svg.contains("died: RuntimeError"));
}

#[test]
fn names_and_text_are_escaped() {
    let dir = TempDir::new("svg-escape");
    let file = dir.write(
        "tricky.thr",
        r#"queue q
lock l
def worker() {
    with l {
        q.put("<&>\"'\x01")
        print("tricky <&> \"quotes\" 'single' `ticks`\x01")
    }
}
t = Thread(target=worker, name="a<b&c>\"d'e`f`")
t.start()
print(q.get())
t.join()
"#,
    );
    for args in [&["--seed", "2"][..], &[]] {
        let d = draw(args, file.to_str().unwrap());
        assert_eq!(d.code, 0, "{args:?}");
        let lanes = check(&d, "tricky.thr");
        assert_eq!(lanes[1].1, "a<b&c>\"d'e`f`");
        let all = titles(&d.svg);
        assert!(
            all.contains("print → tricky <&> \"quotes\" 'single' `ticks`"),
            "{all}"
        );
    }
}

#[test]
fn long_runs_are_scaled_and_thinned() {
    // About 400,000 events.
    let file = "examples/basics/counter_race.thr";
    for args in [&["--seed", "1"][..], &[]] {
        let d = draw(args, file);
        assert_eq!(d.code, 0);
        assert!(d.svg.len() < 3_000_000, "{} bytes", d.svg.len());
        let lanes = check(&d, file);
        assert_eq!(lanes.len(), 3);
        // Nothing is drawn past the right end.
        let doc = Document::parse(&d.svg).unwrap();
        let width: f64 = doc
            .root_element()
            .attribute("width")
            .unwrap()
            .parse()
            .unwrap();
        for n in doc.descendants().filter(|n| n.has_tag_name("rect")) {
            let x: f64 = n.attribute("x").unwrap_or("0").parse().unwrap();
            let w: f64 = n.attribute("width").unwrap().parse().unwrap();
            assert!(x >= 0.0 && x + w <= width, "rect at {x} width {w}");
        }
    }
}
