//! The UI's worker: loading and computing a view's data off the UI thread,
//! so that the screen never waits on the store (issue 17).
//!
//! One thread with its own read-only connection runs jobs (boxed closures
//! over the store) one at a time. Every request carries a key (which load it
//! is: a view, the search, a case-list page) and a generation number. A new
//! request for a key supersedes the older one of the same key: a queued one
//! is dropped unrun, a running one is told to stop and its SQL is
//! interrupted (`sqlite3_interrupt`), and any result it still produces is
//! never delivered. Requests for other keys are kept: a result for a view
//! the person left is delivered, and the UI keeps it without drawing it.
//!
//! The UI thread never blocks on the worker: `poll` takes what arrived, if
//! anything. Dropping the worker (or `shutdown`) stops it without waiting
//! for the running job, so `q` quits at once.

pub mod loads;
pub mod memory;

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rusqlite::InterruptHandle;

use crate::domain::Msg;
use crate::store::crypt::Key;
use crate::store::{Result, Store};

/// The thread's name: a panic hook can tell a job's panic (caught, the
/// worker goes on) from one of the UI thread.
pub const THREAD_NAME: &str = "stroom-worker";

/// Progress is sent at most this often: a loop may report every row.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// A load or computation the worker runs with its read-only store.
pub type Job<T> = Box<dyn FnOnce(&Store, &Progress<'_>) -> Result<T> + Send>;

/// A job from a closure (the closure's argument types come from here).
pub fn job<T>(f: impl FnOnce(&Store, &Progress<'_>) -> Result<T> + Send + 'static) -> Job<T> {
    Box::new(f)
}

/// A request's number: each request gets a higher one than the last.
pub type Generation = u64;

/// What the UI hears from the worker.
#[derive(Debug)]
pub enum Update<K, T> {
    /// How far a long job is (`done` of `total`, when known).
    Progress {
        key: K,
        generation: Generation,
        done: u64,
        total: Option<u64>,
    },
    /// A job's result: what it returned, or why it failed.
    Done {
        key: K,
        generation: Generation,
        result: Result<T>,
    },
}

/// Handed to a job: to report progress, and to learn that it was
/// superseded (or the worker is stopping) so that a long loop can end.
pub struct Progress<'a> {
    cancelled: &'a AtomicBool,
    send: &'a dyn Fn(u64, Option<u64>),
    last_sent: Cell<Option<Instant>>,
}

impl Progress<'_> {
    /// Whether the result is no longer wanted.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// Err when the result is no longer wanted, for `?` in a long loop.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Msg::new("tui.worker.cancelled"))
        } else {
            Ok(())
        }
    }

    /// Tells the UI how far the job is; Err when it is no longer wanted.
    pub fn report(&self, done: u64, total: Option<u64>) -> Result<()> {
        self.check()?;
        let now = Instant::now();
        if self
            .last_sent
            .get()
            .is_none_or(|t| now.duration_since(t) >= PROGRESS_EVERY)
        {
            self.last_sent.set(Some(now));
            (self.send)(done, total);
        }
        Ok(())
    }
}

struct Request<K, T> {
    key: K,
    generation: Generation,
    job: Job<T>,
    cancelled: Arc<AtomicBool>,
}

/// The job being run, so that a newer request can stop it.
struct Running<K> {
    key: K,
    cancelled: Arc<AtomicBool>,
}

struct Queue<K, T> {
    pending: VecDeque<Request<K, T>>,
    running: Option<Running<K>>,
    stopping: bool,
}

struct Shared<K, T> {
    queue: Mutex<Queue<K, T>>,
    wake: Condvar,
    /// Interrupts the worker connection's running statement.
    interrupt: InterruptHandle,
}

impl<K, T> Shared<K, T> {
    /// The queue, also after a panic elsewhere: it holds no half-made state
    /// (every change to it is one assignment).
    fn lock(&self) -> MutexGuard<'_, Queue<K, T>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The UI's handle on its worker thread.
pub struct Worker<K, T> {
    shared: Arc<Shared<K, T>>,
    updates: Receiver<Update<K, T>>,
    /// The newest generation asked for per key: anything older is stale.
    latest: HashMap<K, Generation>,
    next: Generation,
    thread: Option<JoinHandle<()>>,
}

impl<K, T> Worker<K, T>
where
    K: Eq + Hash + Clone + Send + 'static,
    T: Send + 'static,
{
    /// Opens the database at `path` read-only, with its key when it is
    /// encrypted, and starts the worker on it. Beside an open store,
    /// `Worker::start(store.read_only_twin()?)` does the same.
    pub fn open(path: &Path, key: Option<Key>) -> Result<Worker<K, T>> {
        Worker::start(Store::open_read_only(path, key)?)
    }

    /// Starts the worker on `store` (which it owns from now on).
    pub fn start(store: Store) -> Result<Worker<K, T>> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                pending: VecDeque::new(),
                running: None,
                stopping: false,
            }),
            wake: Condvar::new(),
            interrupt: store.conn().get_interrupt_handle(),
        });
        let (tx, updates) = mpsc::channel();
        let for_thread = Arc::clone(&shared);
        let thread = thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || serve(store, &for_thread, &tx))
            .map_err(|e| Msg::new("tui.worker.failed").arg("reason", e))?;
        Ok(Worker {
            shared,
            updates,
            latest: HashMap::new(),
            next: 1,
            thread: Some(thread),
        })
    }

    /// Asks for `job` under `key`; any earlier request of the same key is
    /// superseded. Returns the request's generation.
    pub fn submit(&mut self, key: K, job: Job<T>) -> Generation {
        let generation = self.next;
        self.next += 1;
        self.latest.insert(key.clone(), generation);
        let mut queue = self.shared.lock();
        self.supersede(&mut queue, &key);
        queue.pending.push_back(Request {
            key,
            generation,
            job,
            cancelled: Arc::new(AtomicBool::new(false)),
        });
        drop(queue);
        self.shared.wake.notify_one();
        generation
    }

    /// Drops the request of `key`, queued or running: nothing of it is
    /// delivered any more.
    pub fn cancel(&mut self, key: &K) {
        self.latest.insert(key.clone(), self.next);
        self.next += 1;
        let mut queue = self.shared.lock();
        self.supersede(&mut queue, key);
    }

    /// Drops the queued request of `key` and stops the running one. Called
    /// with the queue locked, so the running job cannot change meanwhile:
    /// the interrupt reaches that job's statement, or (between statements)
    /// lapses when the connection is next idle, never hitting a later job.
    fn supersede(&self, queue: &mut Queue<K, T>, key: &K) {
        queue.pending.retain(|r| &r.key != key);
        if let Some(running) = queue.running.as_ref().filter(|r| &r.key == key) {
            running.cancelled.store(true, Ordering::Release);
            self.shared.interrupt.interrupt();
        }
    }

    /// The next update that is still wanted, if one arrived; never waits.
    pub fn poll(&mut self) -> Option<Update<K, T>> {
        loop {
            match self.updates.try_recv() {
                Ok(update) if self.is_current(&update) => return Some(update),
                Ok(_) => continue,
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return None,
            }
        }
    }

    /// Waits up to `timeout` for the next wanted update (tests, the bench,
    /// a command-line caller; the UI polls instead).
    pub fn wait(&mut self, timeout: Duration) -> Option<Update<K, T>> {
        let until = Instant::now() + timeout;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.updates.recv_timeout(left) {
                Ok(update) if self.is_current(&update) => return Some(update),
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    fn is_current(&self, update: &Update<K, T>) -> bool {
        let (key, generation) = match update {
            Update::Progress {
                key, generation, ..
            }
            | Update::Done {
                key, generation, ..
            } => (key, *generation),
        };
        self.latest.get(key) == Some(&generation)
    }

    /// Whether a request is queued or running.
    pub fn is_busy(&self) -> bool {
        let queue = self.shared.lock();
        queue.running.is_some() || !queue.pending.is_empty()
    }

    /// Stops the worker and waits up to `within` for its thread to end;
    /// returns whether it did. A running query is interrupted; a job busy
    /// in Rust code ends when it next checks its `Progress`.
    pub fn shutdown(mut self, within: Duration) -> bool {
        self.stop();
        self.wait_for_thread(within)
    }
}

/// How long dropping the worker waits for its interrupted thread. An
/// interrupted query returns within a millisecond or two; letting it end
/// before the process exits keeps the thread out of SQLCipher while the
/// process's exit handlers tear OpenSSL down (a test binary once crashed
/// at exit). Short enough that `q` still quits at once.
const DROP_WAIT: Duration = Duration::from_millis(40);

impl<K, T> Drop for Worker<K, T> {
    /// Stops the thread and gives it `DROP_WAIT` to end: quitting never
    /// waits on a query longer than that.
    fn drop(&mut self) {
        self.stop();
        self.wait_for_thread(DROP_WAIT);
    }
}

impl<K, T> Worker<K, T> {
    /// Waits up to `within` for the stopped thread to end; a thread still
    /// running after that is left to end by itself.
    fn wait_for_thread(&mut self, within: Duration) -> bool {
        let until = Instant::now() + within;
        let Some(thread) = self.thread.take() else {
            return true;
        };
        while !thread.is_finished() {
            if Instant::now() >= until {
                return false;
            }
            thread::sleep(Duration::from_millis(2));
        }
        thread.join().is_ok()
    }

    /// Tells the thread to stop: nothing queued runs any more, the running
    /// job is cancelled and its query interrupted.
    fn stop(&mut self) {
        let mut queue = self.shared.lock();
        queue.stopping = true;
        queue.pending.clear();
        if let Some(running) = &queue.running {
            running.cancelled.store(true, Ordering::Release);
            self.shared.interrupt.interrupt();
        }
        drop(queue);
        self.shared.wake.notify_all();
    }
}

/// The worker thread: takes requests, newest first, until told to stop.
fn serve<K: Clone, T>(store: Store, shared: &Shared<K, T>, tx: &Sender<Update<K, T>>) {
    while let Some(request) = next_request(shared) {
        let Request {
            key,
            generation,
            job,
            cancelled,
        } = request;
        let send = |done, total| {
            let _ = tx.send(Update::Progress {
                key: key.clone(),
                generation,
                done,
                total,
            });
        };
        let progress = Progress {
            cancelled: &cancelled,
            send: &send,
            last_sent: Cell::new(None),
        };
        let result = run_job(&store, job, &progress);
        shared.lock().running = None;
        if cancelled.load(Ordering::Acquire) {
            continue; // superseded: nobody wants it
        }
        let done = Update::Done {
            key,
            generation,
            result,
        };
        if tx.send(done).is_err() {
            return; // the UI is gone
        }
    }
}

/// Waits for a request and marks it running; None when stopping. The
/// newest request goes first: it is what the person looks at now.
fn next_request<K: Clone, T>(shared: &Shared<K, T>) -> Option<Request<K, T>> {
    let mut queue = shared.lock();
    loop {
        if queue.stopping {
            return None;
        }
        if let Some(request) = queue.pending.pop_back() {
            queue.running = Some(Running {
                key: request.key.clone(),
                cancelled: Arc::clone(&request.cancelled),
            });
            return Some(request);
        }
        queue = shared
            .wake
            .wait(queue)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

/// Lets go of `value` on a thread of its own: a past date's million cases
/// take longer than a frame to free, and the UI thread (a key, `q`) must
/// not wait on that.
pub fn drop_elsewhere<T: Send + 'static>(value: T) {
    // When no thread can be made, the closure and the value go here.
    let _ = thread::Builder::new()
        .name("stroom-drop".into())
        .spawn(move || {
            drop(value);
            memory::freed();
        });
}

/// Runs `job` here and now on `store` (no thread, never cancelled): where
/// nothing waits on a screen, the same jobs give the same data.
pub fn run_here<T>(store: &Store, job: Job<T>) -> Result<T> {
    let never = AtomicBool::new(false);
    let progress = Progress {
        cancelled: &never,
        send: &|_, _| {},
        last_sent: Cell::new(None),
    };
    job(store, &progress)
}

/// Runs one job; a panic in it becomes an error result and the worker goes
/// on (with any transaction the job left open rolled back).
fn run_job<T>(store: &Store, job: Job<T>, progress: &Progress<'_>) -> Result<T> {
    let outcome = catch_unwind(AssertUnwindSafe(|| job(store, progress)));
    if !store.conn().is_autocommit() {
        let _ = store.conn().execute_batch("ROLLBACK");
    }
    outcome.unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Msg::new("tui.worker.failed").arg("reason", reason))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A query that never ends by itself: counting an endless recursion.
    const ENDLESS: &str =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";

    /// How long a superseded or stopped query may take to give way.
    const BOUND: Duration = Duration::from_secs(2);

    fn database() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let mut store = Store::open(&path).unwrap();
        let today = crate::domain::dates::parse_date("2026-11-22").unwrap();
        store
            .add_referral(
                &crate::store::NewReferral {
                    case_ref: Some("2026-0001".into()),
                    name: None,
                    birth_date: None,
                    referred_on: today,
                    referrer: crate::domain::Referrer::Gp,
                    urgency: crate::domain::Urgency::Regular,
                    worker: None,
                },
                today,
                "test",
            )
            .unwrap();
        (dir, path)
    }

    fn count_cases() -> Job<i64> {
        job(|store, _| store.count_cases())
    }

    /// A job that runs ENDLESS until interrupted; tells `ended` how it ended.
    fn endless(ended: Sender<String>) -> Job<i64> {
        job(move |store, _| {
            let r: rusqlite::Result<i64> = store.conn().query_row(ENDLESS, [], |r| r.get(0));
            let _ = ended.send(format!("{r:?}"));
            Ok(r?)
        })
    }

    fn done(update: Option<Update<&'static str, i64>>) -> (&'static str, Generation, Result<i64>) {
        match update {
            Some(Update::Done {
                key,
                generation,
                result,
            }) => (key, generation, result),
            other => panic!("expected a result, got {other:?}"),
        }
    }

    #[test]
    fn the_worker_reads_an_encrypted_database_with_the_stores_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("enc.db");
        let key = Key::passphrase("correct horse battery").unwrap();
        let spec = crate::store::OpenSpec {
            key: Some(key.clone()),
            ..crate::store::OpenSpec::default()
        };
        let store = Store::open_with(&path, &spec).unwrap();
        let mut worker: Worker<&str, i64> = Worker::start(store.read_only_twin().unwrap()).unwrap();
        worker.submit("cases", count_cases());
        let (_, _, result) = done(worker.wait(BOUND));
        assert_eq!(result.unwrap(), 0);
        let mut by_path: Worker<&str, i64> = Worker::open(&path, Some(key)).unwrap();
        by_path.submit("cases", count_cases());
        assert_eq!(done(by_path.wait(BOUND)).2.unwrap(), 0);
        let refused = Worker::<&str, i64>::open(&path, None).err().unwrap();
        assert_eq!(refused.key, "crypt.key_needed");
    }

    #[test]
    fn a_result_comes_back_and_poll_never_waits() {
        let (_dir, path) = database();
        let mut worker: Worker<&str, i64> = Worker::open(&path, None).unwrap();
        let t = Instant::now();
        assert!(worker.poll().is_none());
        assert!(t.elapsed() < Duration::from_millis(50));
        let g = worker.submit("cases", count_cases());
        let (key, generation, result) = done(worker.wait(BOUND));
        assert_eq!((key, generation, result.unwrap()), ("cases", g, 1));
        assert!(!worker.is_busy());
        assert!(worker.poll().is_none());
    }

    #[test]
    fn a_newer_request_interrupts_the_running_query_within_the_bound() {
        let (_dir, path) = database();
        let mut worker: Worker<&str, i64> = Worker::open(&path, None).unwrap();
        let (ended_tx, ended) = mpsc::channel();
        worker.submit("search", endless(ended_tx));
        // Let it start: the query is running once the worker is busy with it.
        thread::sleep(Duration::from_millis(100));
        assert!(ended.try_recv().is_err(), "the endless query is running");
        let t = Instant::now();
        let newer = worker.submit("search", count_cases());
        let (_, generation, result) = done(worker.wait(BOUND));
        assert!(t.elapsed() < BOUND, "took {:?}", t.elapsed());
        assert_eq!((generation, result.unwrap()), (newer, 1));
        let how = ended.recv_timeout(BOUND).unwrap();
        assert!(how.contains("interrupt"), "{how}");
        // The stale one's result was dropped, not delivered late.
        assert!(worker.wait(Duration::from_millis(100)).is_none());
    }

    #[test]
    fn a_queued_request_that_was_superseded_never_runs() {
        let (_dir, path) = database();
        let mut worker: Worker<&str, i64> = Worker::open(&path, None).unwrap();
        let (gate_tx, gate) = mpsc::channel::<()>();
        let (started_tx, started) = mpsc::channel::<()>();
        worker.submit(
            "flow",
            job(move |_, _| {
                started_tx.send(()).unwrap();
                gate.recv().unwrap();
                Ok(7)
            }),
        );
        // Wait until the job runs (a sleep is too short on a loaded machine).
        started.recv_timeout(BOUND).unwrap();
        let runs = Arc::new(AtomicUsize::new(0));
        for n in 0..5 {
            let runs = Arc::clone(&runs);
            worker.submit(
                "search",
                job(move |_, _| {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Ok(100 + n)
                }),
            );
        }
        gate_tx.send(()).unwrap();
        // Newest first: the last search, then the flow the person left,
        // whose result is kept (delivered), not dropped.
        let (key, _, result) = done(worker.wait(BOUND));
        assert_eq!((key, result.unwrap()), ("flow", 7));
        let (key, _, result) = done(worker.wait(BOUND));
        assert_eq!((key, result.unwrap()), ("search", 104));
        assert_eq!(runs.load(Ordering::SeqCst), 1, "only the newest search ran");
    }

    #[test]
    fn the_newest_pending_request_runs_first() {
        let (_dir, path) = database();
        let mut worker: Worker<&str, i64> = Worker::open(&path, None).unwrap();
        let (gate_tx, gate) = mpsc::channel::<()>();
        let (started_tx, started) = mpsc::channel::<()>();
        worker.submit(
            "board",
            job(move |_, _| {
                started_tx.send(()).unwrap();
                gate.recv().unwrap();
                Ok(1)
            }),
        );
        started.recv_timeout(BOUND).unwrap();
        worker.submit("agenda", job(|_, _| Ok(2)));
        worker.submit("waitlist", job(|_, _| Ok(3)));
        gate_tx.send(()).unwrap();
        let order: Vec<&str> = (0..3).map(|_| done(worker.wait(BOUND)).0).collect();
        assert_eq!(order, ["board", "waitlist", "agenda"]);
    }

    #[test]
    fn shutdown_while_a_query_runs_ends_the_thread_at_once() {
        let (_dir, path) = database();
        let mut worker: Worker<&str, i64> = Worker::open(&path, None).unwrap();
        let (ended_tx, _ended) = mpsc::channel();
        worker.submit("flow", endless(ended_tx));
        thread::sleep(Duration::from_millis(100));
        assert!(worker.is_busy());
        let t = Instant::now();
        assert!(worker.shutdown(BOUND), "the thread ended");
        assert!(t.elapsed() < BOUND, "took {:?}", t.elapsed());
    }

    #[test]
    fn dropping_the_worker_does_not_wait_for_its_job() {
        let (_dir, path) = database();
        let mut worker: Worker<&str, i64> = Worker::open(&path, None).unwrap();
        let (gate_tx, gate) = mpsc::channel::<()>();
        worker.submit(
            "flow",
            job(move |_, _| {
                let _ = gate.recv_timeout(Duration::from_secs(5));
                Ok(1)
            }),
        );
        thread::sleep(Duration::from_millis(50));
        let t = Instant::now();
        drop(worker);
        assert!(t.elapsed() < Duration::from_millis(100));
        drop(gate_tx);
    }

    #[test]
    fn a_panicking_job_is_an_error_and_the_worker_goes_on() {
        let (_dir, path) = database();
        let mut worker: Worker<&str, i64> = Worker::open(&path, None).unwrap();
        worker.submit(
            "board",
            job(|store, _| {
                store.conn().execute_batch("BEGIN").unwrap();
                panic!("a bug in a view load")
            }),
        );
        let (_, _, result) = done(worker.wait(BOUND));
        let err = result.unwrap_err();
        assert_eq!(err.key, "tui.worker.failed");
        assert_eq!(err.get("reason"), Some("a bug in a view load"));
        worker.submit("board", count_cases());
        assert_eq!(done(worker.wait(BOUND)).2.unwrap(), 1);
    }

    #[test]
    fn progress_arrives_and_a_cancelled_job_stops_at_its_next_check() {
        let (_dir, path) = database();
        let mut worker: Worker<&str, i64> = Worker::open(&path, None).unwrap();
        let (stopped_tx, stopped) = mpsc::channel();
        worker.submit(
            "export",
            job(move |_, progress| {
                for i in 0..1000 {
                    if let Err(e) = progress.report(i, Some(1000)) {
                        stopped_tx.send(i).unwrap();
                        return Err(e);
                    }
                    thread::sleep(Duration::from_millis(10));
                }
                Ok(1000)
            }),
        );
        match worker.wait(BOUND) {
            Some(Update::Progress {
                key, done, total, ..
            }) => assert_eq!((key, done, total), ("export", 0, Some(1000))),
            other => panic!("expected progress, got {other:?}"),
        }
        // Throttled: a second report comes no sooner than PROGRESS_EVERY.
        let t = Instant::now();
        assert!(matches!(worker.wait(BOUND), Some(Update::Progress { .. })));
        assert!(t.elapsed() >= PROGRESS_EVERY / 2, "{:?}", t.elapsed());
        worker.cancel(&"export");
        let at = stopped.recv_timeout(BOUND).unwrap();
        assert!(at < 1000);
        assert!(worker.wait(Duration::from_millis(100)).is_none());
    }

    #[test]
    fn the_worker_reads_but_cannot_write() {
        let (_dir, path) = database();
        let mut worker: Worker<&str, i64> = Worker::open(&path, None).unwrap();
        worker.submit(
            "write",
            job(|store, _| {
                store
                    .conn()
                    .execute("DELETE FROM decisions", [])
                    .map(|n| n as i64)
                    .map_err(Msg::from)
            }),
        );
        let err = done(worker.wait(BOUND)).2.unwrap_err();
        assert_eq!(err.key, "error.read_only");
        // Reading sees what the writer committed since.
        let mut writer = Store::open(&path).unwrap();
        let today = crate::domain::dates::parse_date("2026-11-22").unwrap();
        writer
            .add_referral(
                &crate::store::NewReferral {
                    case_ref: Some("2026-0002".into()),
                    name: None,
                    birth_date: None,
                    referred_on: today,
                    referrer: crate::domain::Referrer::Gp,
                    urgency: crate::domain::Urgency::Regular,
                    worker: None,
                },
                today,
                "test",
            )
            .unwrap();
        worker.submit("cases", count_cases());
        assert_eq!(done(worker.wait(BOUND)).2.unwrap(), 2);
    }

    #[test]
    fn a_missing_or_unmigrated_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.db");
        assert!(Worker::<&str, i64>::open(&missing, None).is_err());
        assert!(!missing.exists(), "nothing was created");
        let old = dir.path().join("old.db");
        rusqlite::Connection::open(&old)
            .unwrap()
            .execute_batch(&format!(
                "PRAGMA application_id = {}; PRAGMA user_version = 1; CREATE TABLE t (x);",
                crate::store::schema::APPLICATION_ID
            ))
            .unwrap();
        let err = Worker::<&str, i64>::open(&old, None).err().unwrap();
        assert_eq!(err.key, "error.cannot_open");
    }
}
