//! A memory budget for the work a repository's templates make cpo do.
//!
//! base.md, the page templates and `templates/convention.typ` are code a
//! pull request can change, and CI runs `cpo check` and `cpo render` on
//! it. Their time is bounded (see `render::template`), but within that
//! time a template can ask for more memory than the machine has: a tera
//! string doubled in a loop reached 2 GB in 5 s, and typst's
//! `range(400000000)` asks for 6.4 GB at once; the allocator then fails
//! and the process aborts, or the kernel kills it, or another job's.
//!
//! [`Budgeted`] wraps the global allocator (the `cpo` binary and the
//! benchmarks install it) and counts, on a thread that set a [`limit`],
//! what the thread allocates net of what it frees. Beyond the limit it
//! does not try: it says what ran out and exits with code 2 (an input
//! cpo cannot process), before the allocation. A thread without a limit
//! pays one thread-local read per allocation.
//!
//! An allocator cannot return an error to its caller: the front end says
//! what to do instead ([`on_exceeded`]: `cli` prints and exits); without
//! one the process aborts, as on a failed allocation.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

/// The global allocator `A`, with a memory limit on the threads that set one.
pub struct Budgeted<A>(pub A);

/// `LEFT` of a thread without a limit: counted like any other, it would
/// take exabytes allocated net to reach zero. One value for both kinds of
/// thread keeps the count to a subtraction and a sign test (a test for
/// "no limit" first cost render 5 % of its CPU, typst allocating that much).
const UNLIMITED: i64 = 1 << 62;

thread_local! {
    /// Bytes this thread may still allocate, net ([`UNLIMITED`] without a limit).
    static LEFT: Cell<i64> = const { Cell::new(UNLIMITED) };
    /// What the limit is for, named in the message when it is passed.
    static WHAT: Cell<&'static str> = const { Cell::new("") };
    /// The limit, for the message.
    static LIMIT: Cell<usize> = const { Cell::new(0) };
}

/// While the returned guard lives, this thread may allocate at most
/// `bytes` (more than zero) more than it frees; `what` names the work in
/// the message printed when it does not keep to it. The limit is this
/// thread's: several threads doing such work at once may together hold
/// several limits' worth. A guard set inside another replaces its limit
/// until dropped, then the outer one counts on from where it was.
pub fn limit(bytes: usize, what: &'static str) -> Limit {
    let previous = Limit {
        left: LEFT.get(),
        what: WHAT.get(),
        limit: LIMIT.get(),
        _this_thread: std::marker::PhantomData,
    };
    LEFT.set(i64::try_from(bytes).unwrap_or(UNLIMITED).min(UNLIMITED));
    WHAT.set(what);
    LIMIT.set(bytes);
    previous
}

/// The limit in force before [`limit`], restored on drop (on the thread
/// that set it: not `Send`).
pub struct Limit {
    left: i64,
    what: &'static str,
    limit: usize,
    _this_thread: std::marker::PhantomData<*const ()>,
}

impl Drop for Limit {
    fn drop(&mut self) {
        LEFT.set(self.left);
        WHAT.set(self.what);
        LIMIT.set(self.limit);
    }
}

/// Count `bytes` more (`grow`) or fewer against this thread's limit.
/// Sizes come from `Layout`s, at most `isize::MAX`: the casts are exact.
#[inline(always)]
fn count(bytes: usize, grow: bool) {
    // A `const` thread-local without destructor is always there, even
    // while its thread is torn down.
    LEFT.with(|left| {
        if grow {
            let l = left.get().wrapping_sub(bytes as i64);
            left.set(l);
            if l < 0 {
                exceeded();
            }
        } else {
            left.set(left.get().wrapping_add(bytes as i64));
        }
    });
}

/// What to do when a thread passes its limit, given what the limit was
/// for and the limit in bytes: set once by the front end.
static ON_EXCEEDED: std::sync::OnceLock<fn(&'static str, usize) -> !> = std::sync::OnceLock::new();

/// Say what happens when a thread passes its [`limit`]: `handler` gets
/// what the limit was for and the limit in bytes, and must not return
/// (it may allocate: the thread has no limit any more). The first call wins.
pub fn on_exceeded(handler: fn(&'static str, usize) -> !) {
    let _ = ON_EXCEEDED.set(handler);
}

#[cold]
#[inline(never)]
fn exceeded() {
    // What follows may allocate: not against the limit any more.
    LEFT.set(UNLIMITED);
    if LIMIT.get() == 0 {
        // No limit here: an exabyte request, which the allocator refuses.
        return;
    }
    match ON_EXCEEDED.get() {
        Some(handler) => handler(WHAT.get(), LIMIT.get()),
        None => std::process::abort(),
    }
}

// SAFETY: every call is forwarded to `A` unchanged; counting touches
// only this thread's `Cell`s, which allocate nothing.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Budgeted<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size(), true);
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size(), true);
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(layout.size(), false);
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            count(new_size - layout.size(), true);
        } else {
            count(layout.size() - new_size, false);
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_nest_and_count_net() {
        LEFT.set(UNLIMITED);
        {
            let _outer = limit(1000, "outer");
            count(300, true);
            count(100, false);
            assert_eq!(LEFT.get(), 800);
            {
                let _inner = limit(50, "inner");
                count(20, true);
                assert_eq!((LEFT.get(), WHAT.get()), (30, "inner"));
            }
            assert_eq!((LEFT.get(), WHAT.get()), (800, "outer"));
        }
        assert_eq!(LEFT.get(), UNLIMITED);
        // Without a limit there is room for anything a machine could give.
        count(1 << 50, true);
        assert!(LEFT.get() > 0);
        count(1 << 50, false);
    }
}
