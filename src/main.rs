//! The `thr` binary: parse the command line and hand over to the library.

use clap::Parser;

/// The front end recurses over the syntax tree; run on a thread with room for deep (but
/// bounded) nesting.
const STACK_SIZE: usize = 256 << 20;

fn main() {
    let cli = thr::cli::Cli::parse();
    let status = std::thread::Builder::new()
        .name("thr".into())
        .stack_size(STACK_SIZE)
        .spawn(move || thr::cli::run(cli))
        .map(|h| h.join().unwrap_or(101))
        .unwrap_or_else(|e| {
            eprintln!("thr: cannot start: {e}");
            101
        });
    std::process::exit(status);
}
