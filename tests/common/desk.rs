//! The desk (the terminal UI) on a sandbox: the context `stroom` builds
//! when it starts, here with a fixed day, language and user, and the desk
//! drawn on a test terminal, read back as whole screens.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use stroom::context::Context;
use stroom::context::config::{Config, Paths};
use stroom::present::i18n::Lang;
use stroom::tui::{Action, App, views};

use super::Sandbox;

impl Sandbox {
    /// The context of a desk on this sandbox's database, its config file
    /// `config.toml` beside it (absent unless a test writes it), on `today`.
    pub fn context(&self, config: Config, lang: Lang, today: &str, actor: &str) -> Context {
        let today = stroom::domain::dates::parse_date(today).expect("an ISO date");
        Context::new(
            config,
            lang,
            today,
            self.db.clone(),
            Paths {
                data_dir: self.dir.path().to_path_buf(),
                config_file: self.path("config.toml"),
            },
            actor,
        )
    }
}

/// A desk drawn on a test terminal, on a sandbox of its own (kept as long
/// as the desk). Test files add their own constructors and steps.
pub struct Ui {
    pub app: App,
    pub term: Terminal<TestBackend>,
    pub sandbox: Sandbox,
}

impl Ui {
    /// `app` on `sandbox`, drawn at `width` by `height`.
    pub fn on(sandbox: Sandbox, app: App, width: u16, height: u16) -> Ui {
        Ui {
            app,
            term: Terminal::new(TestBackend::new(width, height)).expect("a test terminal"),
            sandbox,
        }
    }

    pub fn act(&mut self, actions: &[Action]) -> &mut Ui {
        for a in actions {
            self.app.step(*a);
        }
        self
    }

    /// Types `text`, one key a character.
    pub fn typ(&mut self, text: &str) -> &mut Ui {
        for c in text.chars() {
            self.app.step(Action::Input(c));
        }
        self
    }

    /// The whole screen as text, each line without its trailing blanks.
    pub fn screen(&mut self) -> String {
        self.term
            .draw(|f| views::draw(&self.app, f))
            .expect("a drawn frame");
        let buf = self.term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}
