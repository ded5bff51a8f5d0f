//! The renderer on made-up events: odd inputs draw a well-formed picture without panicking,
//! and long runs stay small.

use std::sync::Arc;

use super::render;
use crate::sync::lock::Lock;
use crate::sync::{Body, Object};
use crate::syntax::Span;
use crate::trace::event::{Event, Kind, Outcome};
use crate::vm::world::{Settings, StdOutput, World};

fn world() -> Arc<World> {
    let file = crate::source::SourceFile::new("t.thr", "x = 1\ny = 2\n");
    let analysis = crate::diag::analyze(&file);
    let program = Arc::new(crate::compile::compile(&analysis.module));
    World::new(program, file, Arc::new(StdOutput), Settings::default())
}

fn ev(step: u64, time: f64, tid: u32, kind: Kind) -> Event {
    Event {
        step,
        time,
        tid,
        span: Span::new(0, 1),
        kind,
    }
}

fn call(object: &Arc<Object>, op: &'static str, outcome: Outcome) -> Kind {
    Kind::Call {
        object: Some(object.clone()),
        op,
        outcome,
        result: "acquired".into(),
    }
}

/// Parses the picture; returns the lanes' `data-thread` names.
fn lanes(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("lane"))
        .map(|n| n.attribute("data-thread").unwrap_or_default().to_string())
        .collect()
}

#[test]
fn no_events_draw_an_empty_picture() {
    let w = world();
    for seeded in [true, false] {
        let svg = render(&w, &[], &[], seeded);
        assert!(lanes(&svg).is_empty());
        assert!(svg.contains("no events were recorded"));
    }
}

#[test]
fn odd_events_do_not_panic() {
    let w = world();
    let lock = Object::new("g<&>", Body::Lock(Lock::default()));
    let names = vec!["MainThread".to_string(), String::new(), "T\u{1}2".into()];
    let events = vec![
        // A thread with no Start, one that ends without starting, a spawned thread that
        // never runs, a release by a thread that does not hold the lock, a sleep that
        // never ends, times out of order, not a number and infinite.
        ev(
            1,
            0.5,
            2,
            Kind::Read {
                var: "x".into(),
                value: "1".into(),
            },
        ),
        ev(2, 0.1, 0, call(&lock, "acquire", Outcome::Ok)),
        ev(
            3,
            f64::NAN,
            1,
            Kind::End {
                error: Some("ValueError: <bad>".into()),
            },
        ),
        ev(4, 0.2, 0, Kind::Spawn { child: 7 }),
        ev(5, 0.3, 2, call(&lock, "release", Outcome::Ok)),
        ev(6, 0.3, 2, call(&lock, "acquire", Outcome::Failed)),
        ev(
            7,
            0.4,
            0,
            Kind::Block {
                object: None,
                why: "for its sleep".into(),
                deadline: None,
            },
        ),
        ev(8, f64::INFINITY, 2, call(&lock, "acquire", Outcome::Raised)),
        ev(9, -1.0, 2, Kind::End { error: None }),
    ];
    for seeded in [true, false] {
        for n in 0..=events.len() {
            let svg = render(&w, &names, &events[..n], seeded);
            lanes(&svg);
        }
        let svg = render(&w, &names, &events, seeded);
        assert_eq!(lanes(&svg), ["MainThread", "?", "T\u{FFFD}2", "?"]);
    }
}

#[test]
fn a_long_run_stays_small() {
    let w = world();
    let lock = Object::new("guard", Body::Lock(Lock::default()));
    let names: Vec<String> = (0..4).map(|i| format!("T{i}")).collect();
    let mut events = Vec::new();
    for i in 0..150_000u64 {
        let tid = (i % 4) as u32;
        let kind = match i % 3 {
            0 => call(&lock, "acquire", Outcome::Ok),
            1 => Kind::Write {
                var: "x".into(),
                value: i.to_string(),
            },
            _ => call(&lock, "release", Outcome::Ok),
        };
        events.push(ev(i + 1, i as f64 * 1e-6, tid, kind));
    }
    for seeded in [true, false] {
        let svg = render(&w, &names, &events, seeded);
        assert!(svg.len() < 3_000_000, "{} bytes", svg.len());
        assert_eq!(lanes(&svg).len(), 4);
    }
}
