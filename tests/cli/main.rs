//! The integration test binary: runs the real `cpo` on fixture and example
//! repositories copied to temporary folders. One module per capability;
//! `harness` holds the builder they share.

mod harness;

mod basics;
mod check_rules;
mod corpus;
mod diff;
mod documents;
mod export;
mod formats;
mod integrity;
mod lifecycle;
mod lsp;
mod lsp_wire;
pub mod render;
mod robustness;
mod schemas;
mod templates;
