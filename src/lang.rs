//! What the language provides without declarations: object kinds and their methods,
//! builtin functions and error types, and the call signatures that bind arguments.
//! Shared by the checker and the VM so that what checks is what runs.

pub mod builtins;
pub mod kinds;
pub mod signature;
