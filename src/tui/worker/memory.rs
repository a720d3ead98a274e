//! Handing freed memory back to the system. A view's load reads tens of
//! megabytes it drops again (a country's board, its waiting cases); glibc
//! keeps what was freed for the next allocation, so the desk stayed at its
//! loads' peak: about 80 MB of the 252 MB resident at 1M after visiting
//! every view was freed memory nobody used. It does not lower a peak; the
//! compact rows and the streamed loads do that.
//!
//! Trimming takes the allocator's locks while it walks every arena: run
//! after each load on the worker it held the UI thread's allocations up to
//! 29 ms (view and search keys at 1M, against 8.5 ms without). So a heavy
//! load only marks that memory was freed (`freed`), and the event loop
//! hands it back once the person has not pressed a key for a while
//! (`hand_back_if_due`): nobody waits on that frame.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether a heavy load or a drop freed memory since the last trim.
static DUE: AtomicBool = AtomicBool::new(false);

/// Marks that a heavy load's reads (or a big drop) were freed.
pub fn freed() {
    DUE.store(true, Ordering::Release);
}

/// Hands the freed memory back when any was freed since the last time;
/// returns whether it did. For moments nobody waits on a frame.
pub fn hand_back_if_due() -> bool {
    let due = DUE.swap(false, Ordering::AcqRel);
    if due {
        hand_back();
    }
    due
}

/// Blocks of 256 KiB and more (a load's row vectors, its read buffers)
/// are mapped on their own and unmapped when freed. glibc raises that
/// line to the size of each mapped block freed, up to 32 MiB, so after the
/// first big load such vectors came from the arenas, where what they left
/// between live rows stayed resident: 5 MB of the desk's 101 MB at a
/// million cases after visiting every view. Called before the workers
/// start; a fixed line also stops the raising.
pub fn map_big_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a number in the allocator's parameters,
    // under its own lock; it takes no pointer.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// Returns the allocator's free memory to the system (glibc's
/// `malloc_trim`, which releases whole free pages in every arena, the
/// worker threads' too). Elsewhere nothing to do.
pub fn hand_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and only walks the allocator's
    // own free lists under its own locks; any thread may call it.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_handed_back_once_after_it_was_freed() {
        freed();
        assert!(hand_back_if_due());
        assert!(!hand_back_if_due(), "nothing freed since");
    }
}
