//! The TOML node parser and the typed reading of centre, base and
//! configuration files with recovery (`node::from_node_all`). The parser
//! reads most files in one pass and leaves the rest to toml's `DeTable`:
//! whatever it reads must be exactly what `DeTable` reads.

#![no_main]

use cpo::diag::FileId;
use cpo::model::node;
use cpo::model::{BaseFile, CentreFile, Config};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tree) = node::parse_toml(FileId(0), text) else {
        return;
    };
    match node::parse_toml_with_detable(FileId(0), text) {
        Ok(slow) => assert!(slow == tree, "the one-pass reading differs from toml's"),
        Err(_) => panic!("the one-pass reading took a file toml refuses"),
    }
    let _ = node::from_node_all::<CentreFile>(tree.clone());
    let _ = node::from_node_all::<BaseFile>(tree.clone());
    let _ = node::from_node_all::<Config>(tree.clone());
    let _ = tree.to_json();
    let _ = tree.to_toml();
});
