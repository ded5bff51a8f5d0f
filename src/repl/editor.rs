//! The REPL's terminal front end, on `rustyline`.
