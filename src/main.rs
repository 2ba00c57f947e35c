//! The `cpo` binary: parse the command line, run it, exit with its code.
//! Errors are printed by `cpo::cli`, never returned from `main` (a returned
//! error would print a backtrace where `RUST_BACKTRACE` is set).

use std::process::ExitCode;

/// mimalloc: measured against glibc's allocator on this project's
/// benchmarks, `cpo check` of 2 000 centres takes 0.80× the CPU at the same
/// peak memory and rendering PDFs 0.91× the CPU (0.76× the wall time).
/// It may back its memory with transparent huge pages (where the kernel
/// allows them: `always` or `madvise` in
/// /sys/kernel/mm/transparent_hugepage/enabled): a check of 2 000 centres
/// then takes 0.89× the wall time (30 000 page faults become 1 000) for
/// about 17 MB more at its peak (138 to 142 MB then, 134 to 140 MB since TOML is
/// read in one pass; budget 150). They were kept
/// off while the model was larger (145 MB without them, 165 MB with);
/// with Markdown sections and locations made smaller (125 MB without)
/// they fit. Rendering, which allocates and frees far more, gains nothing
/// from them: 1.03× the CPU (more time in the kernel), the same wall time,
/// 250 MB instead of 190 for 60 conventions (11 A/B pairs each). One
/// setting for every command, chosen for `check`, which runs most often
/// (CI, the editor). The benchmarks use the same allocator.
///
/// Wrapped in [`cpo::budget::Budgeted`]: a thread rendering a repository's
/// template may allocate only so much (see that module).
#[global_allocator]
static GLOBAL: cpo::budget::Budgeted<mimalloc::MiMalloc> =
    cpo::budget::Budgeted(mimalloc::MiMalloc);

fn main() -> ExitCode {
    cpo::cli::main()
}
