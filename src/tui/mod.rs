//! The terminal UI: a coordinator's day at the desk (SPEC 8). A new screen
//! goes in `views` (drawing) with its state and keys beside `app`/`update`.
//!
//! One thread reads terminal events and sends them over a channel; the main
//! loop turns each into an `Action`, lets `App::step` apply it, and redraws
//! only when something changed. About once a second it asks SQLite whether
//! another coordinator wrote (`PRAGMA data_version`) and reloads only then.

pub mod action;
pub mod agenda_item;
pub mod app;
pub mod board;
pub mod board_row;
pub mod case_list;
pub mod compact;
pub mod export;
pub mod flow;
pub mod forms;
pub mod keymap;
pub mod layout;
pub mod log;
pub mod meeting;
pub mod row_filter;
pub mod theme;
pub mod turns;
pub mod update;
pub mod views;
pub mod waitlist;
pub mod worker;

use std::io::{self, Stdout};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::context::Context;
use crate::domain::Msg;

pub use action::{Action, View};
pub use app::App;

/// How often the loop asks whether another connection wrote.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// How often the loop looks for a load's result while one runs.
const FRAME: Duration = Duration::from_millis(16);
/// After this long without a key (and no load running) the memory the
/// loads freed is handed back (`worker::memory`).
const IDLE: Duration = Duration::from_millis(500);

type Term = Terminal<CrosstermBackend<Stdout>>;

pub fn run(ctx: &Context) -> Result<(), Msg> {
    let (mut log, warning) = log::Log::open(&ctx.paths.log_file());
    if let Some(w) = warning {
        eprintln!("stroom: {}", ctx.catalog().render(&w));
    }
    log.line(format_args!("start on {}", ctx.db_path.display()));
    let store = ctx.open_store()?;
    let mut terminal = enter().map_err(terminal_error)?;
    let result = event_loop(&mut terminal, ctx, store, log);
    leave();
    result
}

fn terminal_error(e: io::Error) -> Msg {
    Msg::new("tui.terminal_error").arg("reason", e)
}

/// Raw mode, the alternate screen and mouse reports; a panic hook puts the
/// terminal back before the panic message is printed.
fn enter() -> io::Result<Term> {
    install_panic_hook(leave);
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Makes a panic anywhere (any thread but the worker's) first run
/// `restore`, then report as before: the person never sees a garbled,
/// raw-mode terminal.
pub fn install_panic_hook(restore: fn()) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The worker turns a job's panic into an error on the status line
        // and goes on: the screen stays, and nothing is printed over it.
        if std::thread::current().name() == Some(worker::THREAD_NAME) {
            return;
        }
        restore();
        previous(info);
    }));
}

/// Restores the terminal; safe to call more than once.
fn leave() {
    // Each step is tried even when an earlier one fails: a half-restored
    // terminal is still better than none.
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen
    );
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), crossterm::cursor::Show);
}

/// Reads terminal events on their own thread, so the main loop can wait
/// for either an event or the poll timeout.
fn spawn_input() -> Receiver<Event> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        while let Ok(ev) = crossterm::event::read() {
            if tx.send(ev).is_err() {
                break;
            }
        }
    });
    rx
}

fn event_loop(
    terminal: &mut Term,
    ctx: &Context,
    store: crate::store::Store,
    log: log::Log,
) -> Result<(), Msg> {
    let size = terminal.size().map_err(terminal_error)?;
    let mut app = App::with_worker(ctx, store, size.width, size.height)?.with_log(log);
    app.retention_notice()?;
    app.defer_slow = true;
    let events = spawn_input();
    let draw = |terminal: &mut Term, app: &App| {
        terminal
            .draw(|f| views::draw(app, f))
            .map(|_| ())
            .map_err(terminal_error)
    };
    draw(terminal, &app)?;
    let mut last_poll = Instant::now();
    let mut last_key = Instant::now();
    loop {
        // While a view's load runs, look for its result every frame.
        let wait = match app.loader.is_busy() {
            true => FRAME,
            false => POLL_EVERY.saturating_sub(last_poll.elapsed()),
        };
        let event = events.recv_timeout(wait);
        if event.is_ok() {
            last_key = Instant::now();
        }
        let mut dirty = match event {
            // A paste arrives whole; it is typed into the field a
            // character at a time, through the same checks as typing.
            Ok(Event::Paste(text)) => text
                .chars()
                .filter(|c| !c.is_control())
                .fold(false, |dirty, c| app.step(Action::Input(c)) | dirty),
            Ok(ev) => keymap::action_for_event(&app.scopes(), &ev).is_some_and(|a| app.step(a)),
            Err(RecvTimeoutError::Timeout) => {
                // A pause: what the loads freed goes back to the system
                // now, when no key waits on the allocator's locks.
                if last_key.elapsed() >= IDLE && !app.loader.is_busy() {
                    worker::memory::hand_back_if_due();
                }
                false
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if app.quit {
            app.let_go();
            break;
        }
        dirty |= app.poll_loads();
        if last_poll.elapsed() >= POLL_EVERY {
            last_poll = Instant::now();
            dirty |= app.poll_external();
        }
        if dirty {
            draw(terminal, &app)?;
        }
        // Slow work runs after the screen said it started.
        if app.run_pending() {
            draw(terminal, &app)?;
        }
    }
    app.log.line("quit");
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    static RESTORED: AtomicBool = AtomicBool::new(false);

    fn restore() {
        RESTORED.store(true, Ordering::SeqCst);
    }

    #[test]
    fn a_panic_restores_the_terminal_before_it_is_reported() {
        super::install_panic_hook(restore);
        // A job's panic on the worker leaves the terminal alone.
        let worker = std::thread::Builder::new()
            .name(super::worker::THREAD_NAME.into())
            .spawn(|| panic!("boom in a job"))
            .unwrap()
            .join();
        assert!(worker.is_err());
        assert!(!RESTORED.load(Ordering::SeqCst));
        let result = std::thread::spawn(|| panic!("boom in a view")).join();
        // Put the default hook back for the other tests.
        let _ = std::panic::take_hook();
        assert!(result.is_err());
        assert!(RESTORED.load(Ordering::SeqCst));
    }
}
