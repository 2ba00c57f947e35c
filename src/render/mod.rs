//! Rendering: the documents people sign.
//!
//! `context` builds what templates see of a convention; `template` renders
//! base.md with Tera and the French filters.

pub mod checks;
pub mod context;
pub mod template;
