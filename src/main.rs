//! The `cpo` binary: parse the command line, run it, exit with its code.
//! Errors are printed by `cpo::cli`, never returned from `main` (a returned
//! error would print a backtrace where `RUST_BACKTRACE` is set).

use std::process::ExitCode;

fn main() -> ExitCode {
    cpo::cli::main()
}
