//! cpo: conventions pluriannuelles d'objectifs as plain text in git.
//!
//! The pipeline, in the order data flows:
//!
//! ```text
//! repo (work tree | git revision | editor buffers) -> model (parse, spans)
//!   -> check (rules; merge: base + centre -> Convention, provenance)
//!   -> render (HTML, Markdown, PDF) | diff (two checked periods) | export | seal
//! ```
//!
//! [`pipeline::Project`] drives it: `Project::open(root)?.check(&options)`
//! gives a [`pipeline::Checked`] — the findings and every period's
//! conventions, resolved once — that rendering, comparing, exporting and
//! sealing consume. [`repo`] reads files (only regular files inside the
//! repository); [`model`] parses them into spanned trees and typed structs,
//! reporting problems as [`diag::Diagnostic`]s instead of failing;
//! [`check`] runs the rule catalogue and [`merge`] resolves conventions;
//! [`render`] writes the documents people sign; [`diff`] compares two
//! periods or two revisions. [`fr`] owns French: wording and typography.
//! [`cli`] parses arguments, calls the pipeline and is the only module
//! that prints. [`budget`] limits the memory (in the allocator) and the
//! time of the work templates make cpo do.

pub mod budget;
pub mod check;
pub mod cli;
pub mod diag;
pub mod diff;
pub mod escape;
pub mod fr;
pub mod ident;
pub mod lifecycle;
pub mod lsp;
pub mod merge;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod repo;
pub mod schema;
pub mod seal;
pub mod synth;
