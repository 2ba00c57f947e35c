//! The `cpo` binary: parse the command line, run it, exit with its code.
//! Errors are printed by `cpo::cli`, never returned from `main` (a returned
//! error would print a backtrace where `RUST_BACKTRACE` is set).

use std::process::ExitCode;

/// mimalloc, without transparent huge pages: measured against glibc's
/// allocator on this project's benchmarks, `cpo check` of 2 000 centres
/// takes 0.80× the CPU at the same peak memory and rendering PDFs 0.91×
/// the CPU (0.76× the wall time). With huge pages a check of 2 000
/// centres takes 0.84× the wall time (34 000 page faults become 1 000) but
/// 165 MB at its peak instead of 145, over the 150 MB budget of issue 10,
/// hence `no_thp`. The benchmarks use it too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cpo::cli::main()
}
