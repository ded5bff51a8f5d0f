//! The virtual machine: values, the step loop, and the builtins, shared by both drivers.

pub mod builtins;
mod builtins_rt;
pub mod call;
pub mod exc;
mod exec;
mod fast;
pub mod format;
pub mod func;
mod iterate;
pub mod methods;
pub mod objects;
pub mod ops;
pub mod percent;
mod printable;
mod search;
pub mod seq;
pub mod shared;
pub mod spec;
pub mod task;
mod traced;
mod unicode;
pub mod value;
pub mod world;
