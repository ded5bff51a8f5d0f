//! The REPL's engine: one growing scenario and its run (see [`Session`]).
