//! The examples of `docs/language.md` stay true: every `$ thr ...` command in a `console`
//! block is run on the nearest `thr` block above it (saved under the file name the command
//! uses) and must print what the documentation shows (standard output and standard error
//! as a terminal shows them, unless the command discards standard error with `2>/dev/null`;
//! a final `| head -N` is kept).
//! `thr test` examples need a directory of files and are left out.

mod common;

use std::time::Duration;

use common::{TempDir, run_limited};

/// A command of a console block, with the scenario it runs on.
struct Example {
    line: usize,
    command: String,
    expected: String,
    scenario: String,
}

fn examples(doc: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut last_thr = String::new();
    let mut lines = doc.lines().enumerate().peekable();
    while let Some((_, line)) = lines.next() {
        let kind = line.strip_prefix("```").unwrap_or_default();
        if kind != "thr" && kind != "console" {
            continue;
        }
        let mut block = Vec::new();
        for (n, l) in lines.by_ref() {
            if l == "```" {
                break;
            }
            block.push((n + 1, l));
        }
        if kind == "thr" {
            last_thr = block.iter().map(|(_, l)| format!("{l}\n")).collect();
            continue;
        }
        let mut current: Option<Example> = None;
        for (n, l) in block {
            if let Some(cmd) = l.strip_prefix("$ ") {
                out.extend(current.take());
                current = Some(Example {
                    line: n,
                    command: cmd.to_string(),
                    expected: String::new(),
                    scenario: last_thr.clone(),
                });
            } else if let Some(e) = &mut current {
                e.expected += l;
                e.expected.push('\n');
            }
        }
        out.extend(current);
    }
    out.retain(|e| !e.command.starts_with("thr test"));
    out
}

#[test]
fn the_documented_commands_print_what_the_documentation_shows() {
    let doc = std::fs::read_to_string(common::root().join("docs/language.md")).expect("the docs");
    let examples = examples(&doc);
    assert!(
        examples.len() >= 8,
        "found only {} examples",
        examples.len()
    );
    let mut failures = Vec::new();
    for e in &examples {
        let dir = TempDir::new("docs");
        // `thr ARGS [2>/dev/null | 2>&1] [| head -N]`
        let (command, pipe) = match e.command.split_once(" | ") {
            Some((c, p)) => (c, format!("| {p}")),
            None => (e.command.as_str(), String::new()),
        };
        let mut words: Vec<&str> = command.split_whitespace().collect();
        let quiet = words.last() == Some(&"2>/dev/null");
        if quiet || words.last() == Some(&"2>&1") {
            words.pop();
        }
        let args: Vec<&str> = words[1..].to_vec();
        let file = args.last().expect("a file argument");
        dir.write(file, &e.scenario);
        // Through a shell, so that standard error is merged into standard output in the
        // order it was written, as on a terminal.
        let redirect = if quiet { "2>/dev/null" } else { "2>&1" };
        let line = format!(
            "'{}' --color never {} {redirect} {pipe}",
            env!("CARGO_BIN_EXE_thr"),
            args.iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let mut cmd = std::process::Command::new("sh");
        cmd.current_dir(&dir.path).arg("-c").arg(line);
        let out = run_limited(&mut cmd, b"", Duration::from_secs(60));
        let actual = String::from_utf8_lossy(&out.stdout).into_owned();
        if actual != e.expected {
            failures.push(format!(
                "docs/language.md:{}: `{}`\n{}",
                e.line,
                e.command,
                common::diff(&e.expected, &actual, "output").unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
