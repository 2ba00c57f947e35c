//! cpo: conventions pluriannuelles d'objectifs as plain text in git.
//!
//! The pipeline, in the order data flows:
//!
//! ```text
//! repo (work tree | git revision) -> model (parse, spans) -> check (rules)
//!                                  -> merge (base + centre -> Convention, provenance)
//!                                  -> render (HTML, Markdown, PDF)
//!                                  -> diff (two snapshots, merged, compared)
//! ```
//!
//! [`repo`] reads files from the work tree or a git revision; [`model`]
//! parses them into spanned trees and typed structs, reporting problems as
//! [`diag::Diagnostic`]s instead of failing; [`check`] runs the rule
//! catalogue; [`merge`] resolves one convention per centre; [`render`]
//! writes the documents people sign; [`diff`] compares two periods or two
//! revisions. [`cli`] is the only module that prints.

pub mod check;
pub mod cli;
pub mod diag;
pub mod diff;
pub mod fr;
pub mod ident;
pub mod lifecycle;
pub mod merge;
pub mod model;
pub mod render;
pub mod repo;
pub mod schema;
pub mod seal;
pub mod synth;
