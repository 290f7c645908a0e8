//! A counting global allocator for tests that bound memory by construction:
//! peak heap bytes and allocation count of one closure, on the calling
//! thread only (tests in the same binary run on other threads and are not
//! counted). Counting bytes, not time, keeps these tests deterministic.
//!
//! The one test binary (`tests/it/main.rs`) installs it as its global
//! allocator; a test measures with:
//!
//! ```ignore
//! use crate::support::alloc;
//! let (result, usage) = alloc::measure(|| work());
//! ```
#![allow(unsafe_code, dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Delegates to the system allocator, counting on the thread that measures.
pub struct Counting;

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static CURRENT: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn grow(bytes: usize) {
    // `try_with`: the thread's counters may be gone while it exits.
    let _ = ON.try_with(|on| {
        if on.get() {
            let _ = CURRENT.try_with(|c| {
                let now = c
                    .get()
                    .saturating_add(isize::try_from(bytes).unwrap_or(isize::MAX));
                c.set(now);
                let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
            });
            let _ = COUNT.try_with(|n| n.set(n.get() + 1));
        }
    });
}

fn shrink(bytes: usize) {
    let _ = ON.try_with(|on| {
        if on.get() {
            let _ = CURRENT.try_with(|c| {
                c.set(
                    c.get()
                        .saturating_sub(isize::try_from(bytes).unwrap_or(isize::MAX)),
                );
            });
        }
    });
}

// SAFETY: every call is passed to `System` unchanged; the counters are
// thread-local cells with const initialisers, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size());
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        shrink(layout.size());
        grow(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// What one measured closure cost on the heap.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// The most bytes live at once, above what was live when it started.
    pub peak_bytes: usize,
    /// How many allocations (and reallocations) it made.
    pub allocations: usize,
}

/// Runs `f` on this thread, counting its heap use. Not reentrant.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    CURRENT.with(|c| c.set(0));
    PEAK.with(|p| p.set(0));
    COUNT.with(|n| n.set(0));
    ON.with(|on| on.set(true));
    let out = f();
    ON.with(|on| on.set(false));
    let usage = Usage {
        peak_bytes: usize::try_from(PEAK.with(Cell::get)).unwrap_or(0),
        allocations: COUNT.with(Cell::get),
    };
    (out, usage)
}

/// Runs `f` on a new thread with a stack of `bytes`, returning its result;
/// a stack overflow aborts the whole test binary, which is the failure.
pub fn on_stack<T: Send + 'static>(bytes: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(bytes)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .expect("the thread did not panic")
}

/// Checks that cost grows linearly: for measurements at sizes x1, x2, x4,
/// x8 of the same input shape, each doubling at most `factor` times the
/// previous, and peak bytes at most `per_byte` times the input bytes.
/// Returns a message naming the first figure that breaks a bound.
pub fn linear(
    what: &str,
    runs: &[(usize, Usage)],
    per_byte: usize,
    factor: f64,
) -> Result<(), String> {
    for (input, usage) in runs {
        if usage.peak_bytes > per_byte.saturating_mul(*input).max(64 * 1024) {
            return Err(format!(
                "{what}: {input} input bytes peaked at {} heap bytes, over {per_byte} x input",
                usage.peak_bytes
            ));
        }
    }
    for pair in runs.windows(2) {
        let [(_, a), (_, b)] = pair else { continue };
        #[allow(clippy::cast_precision_loss)]
        let (pa, pb) = (a.peak_bytes.max(4096) as f64, b.peak_bytes as f64);
        #[allow(clippy::cast_precision_loss)]
        let (ca, cb) = (a.allocations.max(64) as f64, b.allocations as f64);
        if pb > pa * factor || cb > ca * factor {
            return Err(format!(
                "{what}: doubling the input took peak bytes {} -> {} and allocations {} -> {}, over x{factor}",
                a.peak_bytes, b.peak_bytes, a.allocations, b.allocations
            ));
        }
    }
    Ok(())
}
