//! Handing freed memory back to the system. A view's load reads tens of
//! megabytes it drops again (a country's board, its waiting cases); glibc
//! keeps what was freed for the next allocation, so the desk stayed at its
//! loads' peak: about 80 MB of the 252 MB resident at 1M after visiting
//! every view was freed memory nobody used. It does not lower a peak; the
//! compact rows and the streamed loads do that.

/// Returns the allocator's free memory to the system (glibc's
/// `malloc_trim`, which releases whole free pages in every arena,
/// the worker threads' too). Elsewhere nothing to do. Called after a view's
/// heavy load (`loads::heavy`) and after a drop elsewhere, not per key.
pub fn hand_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and only walks the allocator's
    // own free lists under its own locks; any thread may call it.
    unsafe {
        libc::malloc_trim(0);
    }
}
