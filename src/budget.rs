//! Budgets for the work a repository's templates make cpo do: memory
//! ([`limit`]) and time ([`deadline`]).
//!
//! base.md, the page templates and `templates/convention.typ` are code a
//! pull request can change, and CI runs `cpo check` and `cpo render` on
//! it. Tera renderings and check's compilation of the typst template run
//! on a worker that is abandoned after 5 s (see `render::template`), but
//! within that time a template can ask for more memory than the machine
//! has: a tera string doubled in a loop reached 2 GB in 5 s, and typst's
//! `range(400000000)` asks for 6.4 GB at once; the allocator then fails
//! and the process aborts, or the kernel kills it, or another job's. And a
//! typst template whose loops grow with a convention's data passes check's
//! sample in milliseconds, then keeps `render` busy for hours.
//!
//! [`Budgeted`] wraps the global allocator (the `cpo` binary and the
//! benchmarks install it) and counts, on a thread that set a [`limit`],
//! what the thread allocates net of what it frees, drawn a megabyte at a
//! time from a [`TOTAL`] all such threads share. Beyond its limit or the
//! total it does not try: the front end says what ran out and exits with
//! code 2 (an input cpo cannot process), before the allocation. Counting
//! is a thread-local subtraction and a sign test per allocation.
//!
//! A [`deadline`] is watched by one thread of the process, which wakes
//! when the earliest one in force passes: the front end then says what
//! took too long and exits with code 2. Setting one is a lock and a
//! wake-up, for work of milliseconds or more (a PDF).
//!
//! An allocator cannot return an error to its caller, nor can work that
//! cannot be interrupted (typst) be given up halfway: the front end says
//! what to do instead ([`on_exceeded`], [`on_overtime`]: `cli` prints and
//! exits). Without a handler a limit passed aborts the process, as a
//! failed allocation would, and a deadline is not watched.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// The global allocator `A`, with a memory limit on the threads that set one.
pub struct Budgeted<A>(pub A);

/// `LEFT` of a thread without a limit: counted like any other, it would
/// take exabytes allocated net to reach zero. One value for both kinds of
/// thread keeps the count to a subtraction and a sign test (a test for
/// "no limit" first cost render 5 % of its CPU, typst allocating that much).
const UNLIMITED: i64 = 1 << 62;

/// What all limited work of the process may hold at once, drawn by each
/// limited thread in [`CHUNK`]s: without it, each core rendering at once
/// could hold its own limit's worth.
pub const TOTAL: usize = 6 << 30;

/// How much a limited thread draws from [`TOTAL`] at a time: the shared
/// count is touched once per megabyte, not once per allocation.
const CHUNK: i64 = 1 << 20;

/// What is left of [`TOTAL`].
static POOL: AtomicI64 = AtomicI64::new(TOTAL as i64);

thread_local! {
    /// Bytes this thread may still allocate, net, before drawing again
    /// ([`UNLIMITED`] without a limit).
    static LEFT: Cell<i64> = const { Cell::new(UNLIMITED) };
    /// Bytes the current limit drew from [`POOL`], given back when it ends.
    static DRAWN: Cell<i64> = const { Cell::new(0) };
    /// What the limit is for, named in the message when it is passed.
    static WHAT: Cell<&'static str> = const { Cell::new("") };
    /// The limit (0: none).
    static LIMIT: Cell<usize> = const { Cell::new(0) };
}

/// While the returned guard lives, this thread may allocate at most
/// `bytes` (more than zero) more than it frees, and all threads under a
/// limit at most [`TOTAL`] together; `what` names the work in the message
/// given when it does not keep to them. A guard set inside another
/// replaces its limit until dropped, then the outer one counts on from
/// where it was. What a guard drew is given back when it ends, even if
/// what it allocated lives on (a rendering's output): the total bounds
/// work running at once, and never leaks.
pub fn limit(bytes: usize, what: &'static str) -> Limit {
    let previous = Limit {
        left: LEFT.get(),
        drawn: DRAWN.get(),
        what: WHAT.get(),
        limit: LIMIT.get(),
        _this_thread: std::marker::PhantomData,
    };
    LEFT.set(0);
    DRAWN.set(0);
    WHAT.set(what);
    LIMIT.set(bytes.max(1));
    previous
}

/// The limit in force before [`limit`], restored on drop (on the thread
/// that set it: not `Send`).
pub struct Limit {
    left: i64,
    drawn: i64,
    what: &'static str,
    limit: usize,
    _this_thread: std::marker::PhantomData<*const ()>,
}

impl Drop for Limit {
    fn drop(&mut self) {
        POOL.fetch_add(DRAWN.get(), Ordering::Relaxed);
        LEFT.set(self.left);
        DRAWN.set(self.drawn);
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
                draw();
            }
        } else {
            left.set(left.get().wrapping_add(bytes as i64));
        }
    });
}

/// What to do when a thread passes its limit or the total: given what the
/// limit was for, the limit and the total, in bytes. Set once by the
/// front end.
static ON_EXCEEDED: std::sync::OnceLock<fn(&'static str, usize, usize) -> !> =
    std::sync::OnceLock::new();

/// Say what happens when a thread passes its [`limit`] or all of them
/// [`TOTAL`]: `handler` gets what the limit was for, the limit and the
/// total, and must not return (it may allocate: the thread has no limit
/// any more). The first call wins.
pub fn on_exceeded(handler: fn(&'static str, usize, usize) -> !) {
    let _ = ON_EXCEEDED.set(handler);
}

/// Draw the chunks this thread lacks, within its limit and what is left
/// of the total.
#[cold]
#[inline(never)]
fn draw() {
    let limit = LIMIT.get();
    if limit == 0 {
        // No limit here: an exabyte request, which the allocator refuses.
        LEFT.set(UNLIMITED);
        return;
    }
    let short = LEFT.get().unsigned_abs() as i64;
    let chunks = (short + CHUNK - 1) / CHUNK * CHUNK;
    let drawn = DRAWN.get() + chunks;
    if drawn <= limit as i64 && POOL.fetch_sub(chunks, Ordering::Relaxed) >= chunks {
        DRAWN.set(drawn);
        LEFT.set(LEFT.get() + chunks);
        return;
    }
    if drawn <= limit as i64 {
        // The total ran out: this thread's draw is given back.
        POOL.fetch_add(chunks, Ordering::Relaxed);
    }
    // What follows may allocate: not against the limit any more.
    LEFT.set(UNLIMITED);
    match ON_EXCEEDED.get() {
        Some(handler) => handler(WHAT.get(), limit, TOTAL),
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

/// What to do when a [`deadline`] passes: given what it was for and the
/// time it had. Set once by the front end.
static ON_OVERTIME: std::sync::OnceLock<fn(&str, Duration) -> !> = std::sync::OnceLock::new();

/// Say what happens when a [`deadline`] passes: `handler` gets what the
/// work was and the time it had, and must not return (the work goes on
/// meanwhile on its own thread). It runs on the watching thread. The
/// first call wins; before it, deadlines are not watched.
pub fn on_overtime(handler: fn(&str, Duration) -> !) {
    let _ = ON_OVERTIME.set(handler);
}

/// The deadlines in force, for the watching thread.
struct Watched {
    /// The number of the next deadline set.
    next: u64,
    /// (number, when it passes, the time it gave, what the work is).
    running: Vec<(u64, Instant, Duration, String)>,
}

static WATCHED: Mutex<Watched> = Mutex::new(Watched {
    next: 0,
    running: Vec::new(),
});

/// Wakes the watching thread when a deadline is set.
static WAKE: Condvar = Condvar::new();

/// While the returned guard lives, the work it names must end within
/// `within`, or the front end's [`on_overtime`] handler runs (`cli`: it
/// says `what` took too long and exits with code 2). For work that cannot
/// be interrupted and whose time a repository's templates decide.
pub fn deadline(within: Duration, what: impl Into<String>) -> Deadline {
    if let Some(&handler) = ON_OVERTIME.get() {
        static WATCHING: std::sync::Once = std::sync::Once::new();
        WATCHING.call_once(|| {
            // Without a thread to watch them, deadlines are kept but not
            // watched: the work runs as long as it takes.
            let _ = std::thread::Builder::new()
                .name("cpo-deadlines".into())
                .spawn(move || watch(handler));
        });
    }
    let mut watched = lock_watched();
    let number = watched.next;
    watched.next += 1;
    // A time beyond what the clock can count is no deadline at all.
    if let Some(at) = Instant::now().checked_add(within) {
        watched.running.push((number, at, within, what.into()));
    }
    drop(watched);
    WAKE.notify_one();
    Deadline(number)
}

/// A [`deadline`] in force, lifted on drop.
#[must_use = "the deadline is lifted when this guard is dropped"]
pub struct Deadline(u64);

impl Drop for Deadline {
    fn drop(&mut self) {
        lock_watched().running.retain(|(n, ..)| *n != self.0);
    }
}

/// The deadlines, whatever a thread that held them did: the list stays
/// whole under a panic (a push, a `retain`).
fn lock_watched() -> std::sync::MutexGuard<'static, Watched> {
    WATCHED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The watching thread: sleeps until the earliest deadline in force, or
/// until one is set, and calls `handler` for the first that passed.
fn watch(handler: fn(&str, Duration) -> !) {
    let mut watched = lock_watched();
    loop {
        let now = Instant::now();
        let earliest = watched.running.iter().min_by_key(|(_, at, ..)| *at);
        match earliest {
            None => {
                watched = WAKE
                    .wait(watched)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            Some((_, at, within, what)) if *at <= now => {
                let (within, what) = (*within, what.clone());
                drop(watched);
                handler(&what, within);
            }
            Some((_, at, ..)) => {
                let wait = *at - now;
                watched = WAKE
                    .wait_timeout(watched, wait)
                    .map(|(guard, _)| guard)
                    .unwrap_or_else(|poisoned| poisoned.into_inner().0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_draw_chunks_nest_and_give_back() {
        {
            let _outer = limit(100 * CHUNK as usize, "outer");
            count(300, true);
            // One chunk drawn for 300 bytes; freeing adds to what is left.
            assert_eq!((LEFT.get(), DRAWN.get()), (CHUNK - 300, CHUNK));
            count(100, false);
            assert_eq!(LEFT.get(), CHUNK - 200);
            {
                let _inner = limit(50 * CHUNK as usize, "inner");
                count(3 * CHUNK as usize + 1, true);
                assert_eq!(DRAWN.get(), 4 * CHUNK);
                assert_eq!(WHAT.get(), "inner");
            }
            assert_eq!(
                (LEFT.get(), DRAWN.get(), WHAT.get()),
                (CHUNK - 200, CHUNK, "outer")
            );
        }
        assert_eq!((LEFT.get(), DRAWN.get()), (UNLIMITED, 0));
        // Without a limit there is room for anything a machine could give.
        count(1 << 50, true);
        assert!(LEFT.get() > 0);
        count(1 << 50, false);
    }

    #[test]
    fn deadlines_are_lifted_when_their_work_ends() {
        let in_force = |what: &str| {
            lock_watched()
                .running
                .iter()
                .filter(|(.., w)| w == what)
                .count()
        };
        let first = deadline(Duration::from_secs(60), "first test work");
        {
            let _second = deadline(Duration::from_secs(1), "second test work");
            assert_eq!(in_force("first test work"), 1);
            assert_eq!(in_force("second test work"), 1);
            // Beyond the clock: not watched, and no overflow.
            let _never = deadline(Duration::MAX, "endless test work");
            assert_eq!(in_force("endless test work"), 0);
        }
        assert_eq!(in_force("second test work"), 0);
        drop(first);
        assert_eq!(in_force("first test work"), 0);
    }
}
