//! The front end's first half: text to an abstract syntax tree.
//!
//! [`parse`] turns source text into a [`ast::Module`] plus [`SyntaxError`]s; every node has
//! a byte [`Span`]. pest is used only inside [`parser`].

pub mod ast;
pub mod error;
pub mod parser;
pub mod printer;
pub mod scan;
pub mod span;
pub mod visit;

pub use error::SyntaxError;
pub use parser::{Parsed, parse};
pub use span::{Span, Spanned};
