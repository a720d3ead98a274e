//! The key map as data: which key does what, where, and how help describes
//! it. The help popup and the hint bar are both generated from `BINDINGS`, so
//! they can never drift from the keys that really work.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::action::{Action, Edit, View};

/// Where a binding applies. The app says which scopes are active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    /// Views with a list of cases.
    Table,
    /// The Cases view only.
    Cases,
    /// The Flow view.
    Flow,
    /// The Case review view.
    Meeting,
    /// The stoplight board (view 3) only.
    Stoplight,
    /// Changing the selected case (lists and the case screen).
    Edit,
    CaseScreen,
    Form,
    Search,
    Help,
    /// A yes/no question.
    Confirm,
    /// Looking at a past date.
    Past,
    /// The waiting lists (view 1).
    Waitlist,
}

impl Scope {
    /// The order of the sections in the help popup.
    pub const HELP_ORDER: [Scope; 14] = [
        Scope::Global,
        Scope::Past,
        Scope::Table,
        Scope::Waitlist,
        Scope::Cases,
        Scope::Stoplight,
        Scope::Flow,
        Scope::Meeting,
        Scope::Edit,
        Scope::CaseScreen,
        Scope::Form,
        Scope::Search,
        Scope::Confirm,
        Scope::Help,
    ];

    /// Translation key of the section title in help.
    pub fn title_key(self) -> &'static str {
        match self {
            Scope::Global => "tui.scope.global",
            Scope::Table => "tui.scope.table",
            Scope::Cases => "tui.scope.cases",
            Scope::Flow => "flow_view.scope",
            Scope::Meeting => "meeting_view.scope",
            Scope::Stoplight => "board_view.scope",
            Scope::Edit => "tui.scope.edit",
            Scope::CaseScreen => "tui.scope.case_screen",
            Scope::Form => "tui.scope.form",
            Scope::Search => "tui.scope.search",
            Scope::Help => "tui.scope.help",
            Scope::Confirm => "tui.scope.confirm",
            Scope::Past => "tui.scope.past",
            Scope::Waitlist => "tui.scope.waitlist",
        }
    }

    /// Scopes in which typed characters are text, not commands.
    fn takes_text(self) -> bool {
        matches!(self, Scope::Form | Scope::Search)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Code(KeyCode),
    /// With Ctrl held.
    Ctrl(KeyCode),
}

impl Key {
    /// How help and the hint bar show the key.
    pub fn label(self) -> String {
        match self {
            Key::Char(c) => c.to_string(),
            Key::Code(code) => match code {
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::BackTab => "Shift-Tab".into(),
                KeyCode::Backspace => "Backspace".into(),
                KeyCode::Delete => "Del".into(),
                other => format!("{other:?}"),
            },
            Key::Ctrl(KeyCode::Char(c)) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Ctrl(code) => format!("Ctrl-{}", Key::Code(code).label()),
        }
    }

    fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Key::Char(c) => !ctrl && ev.code == KeyCode::Char(c),
            Key::Code(code) => !ctrl && ev.code == code,
            Key::Ctrl(code) => ctrl && ev.code == code,
        }
    }
}

pub struct Binding {
    pub key: Key,
    pub action: Action,
    /// Translation key of the description in help and the hint bar.
    pub help: &'static str,
    pub scope: Scope,
    /// Shown in the hint bar (help shows every binding).
    pub hint: bool,
}

const fn bind(key: Key, action: Action, help: &'static str, scope: Scope, hint: bool) -> Binding {
    Binding {
        key,
        action,
        help,
        scope,
        hint,
    }
}

use Key::{Char as C, Code as K, Ctrl};
use Scope::*;

pub const BINDINGS: &[Binding] = &[
    bind(
        C('1'),
        Action::Show(View::Waitlist),
        "tui.key.view_waitlist",
        Global,
        false,
    ),
    bind(
        C('2'),
        Action::Show(View::Cases),
        "tui.key.view_cases",
        Global,
        false,
    ),
    bind(
        C('3'),
        Action::Show(View::Stoplight),
        "tui.key.view_stoplight",
        Global,
        false,
    ),
    bind(
        C('4'),
        Action::Show(View::Flow),
        "tui.key.view_flow",
        Global,
        false,
    ),
    bind(
        C('5'),
        Action::Show(View::Meeting),
        "tui.key.view_meeting",
        Global,
        false,
    ),
    bind(
        C('n'),
        Action::NewReferral,
        "tui.key.new_referral",
        Global,
        true,
    ),
    bind(
        C('t'),
        Action::TimeTravel,
        "tui.key.time_travel",
        Global,
        true,
    ),
    bind(C('e'), Action::Export, "tui.key.export", Global, true),
    bind(C('?'), Action::Help, "tui.key.help", Global, true),
    bind(C('T'), Action::Today, "tui.key.today", Past, true),
    bind(C('q'), Action::Quit, "tui.key.quit", Global, true),
    bind(K(KeyCode::Esc), Action::Back, "tui.key.back", Global, false),
    bind(C('j'), Action::Down, "tui.key.down", Table, false),
    bind(K(KeyCode::Down), Action::Down, "tui.key.down", Table, false),
    bind(C('k'), Action::Up, "tui.key.up", Table, false),
    bind(K(KeyCode::Up), Action::Up, "tui.key.up", Table, false),
    bind(
        K(KeyCode::PageDown),
        Action::PageDown,
        "tui.key.page_down",
        Table,
        false,
    ),
    bind(
        K(KeyCode::PageUp),
        Action::PageUp,
        "tui.key.page_up",
        Table,
        false,
    ),
    bind(C('g'), Action::Top, "tui.key.top", Table, false),
    bind(
        K(KeyCode::Tab),
        Action::NextSection,
        "tui.key.next_queue",
        Waitlist,
        false,
    ),
    bind(K(KeyCode::Home), Action::Top, "tui.key.top", Table, false),
    bind(C('G'), Action::Bottom, "tui.key.bottom", Table, false),
    bind(
        K(KeyCode::End),
        Action::Bottom,
        "tui.key.bottom",
        Table,
        false,
    ),
    bind(K(KeyCode::Enter), Action::Open, "tui.key.open", Table, true),
    bind(C('/'), Action::Search, "tui.key.search", Cases, true),
    bind(C('/'), Action::Search, "tui.key.search", Waitlist, true),
    bind(C('/'), Action::Search, "tui.key.search", Stoplight, true),
    bind(C('f'), Action::Filter, "tui.key.filter", Cases, true),
    bind(C('f'), Action::Filter, "tui.key.filter", Waitlist, false),
    bind(C('f'), Action::Filter, "tui.key.filter", Stoplight, false),
    bind(C('/'), Action::Search, "tui.key.search", Meeting, false),
    bind(C('f'), Action::Filter, "tui.key.filter", Meeting, false),
    bind(
        C('h'),
        Action::PeriodEarlier,
        "flow_view.key_earlier",
        Flow,
        true,
    ),
    bind(
        K(KeyCode::Left),
        Action::PeriodEarlier,
        "flow_view.key_earlier",
        Flow,
        false,
    ),
    bind(
        C('l'),
        Action::PeriodLater,
        "flow_view.key_later",
        Flow,
        true,
    ),
    bind(
        K(KeyCode::Right),
        Action::PeriodLater,
        "flow_view.key_later",
        Flow,
        false,
    ),
    bind(
        C('+'),
        Action::PeriodLonger,
        "flow_view.key_longer",
        Flow,
        true,
    ),
    bind(
        C('-'),
        Action::PeriodShorter,
        "flow_view.key_shorter",
        Flow,
        true,
    ),
    bind(
        C('c'),
        Action::NextDisplay,
        "flow_view.key_display",
        Flow,
        true,
    ),
    bind(
        C('d'),
        Action::Decide,
        "meeting_view.key_decide",
        Meeting,
        true,
    ),
    bind(
        C('o'),
        Action::MeetingDate,
        "meeting_view.key_date",
        Meeting,
        true,
    ),
    bind(
        C('s'),
        Action::MeetingKind,
        "meeting_view.key_kind",
        Meeting,
        true,
    ),
    bind(
        C('p'),
        Action::MeetingProvider,
        "meeting_view.key_provider",
        Meeting,
        false,
    ),
    bind(
        C('r'),
        Action::Review,
        "board_view.key.review",
        Stoplight,
        true,
    ),
    bind(
        C('s'),
        Action::CycleGrouping,
        "board_view.key.group",
        Stoplight,
        true,
    ),
    bind(
        C('a'),
        Action::TogglePanel,
        "board_view.key.panel",
        Stoplight,
        true,
    ),
    bind(C('m'), Action::MoveCase, "tui.key.move", Edit, true),
    bind(C('D'), Action::LoadDemo, "tui_demo.key", Table, false),
    bind(C('r'), Action::Review, "tui.key.review", Edit, false),
    bind(C('w'), Action::AssignWorker, "tui.key.worker", Edit, false),
    bind(
        C('x'),
        Action::ToggleEscalated,
        "tui.key.escalated",
        Edit,
        false,
    ),
    bind(
        C('b'),
        Action::ToggleBridging,
        "tui.key.bridging",
        Edit,
        false,
    ),
    bind(
        K(KeyCode::Esc),
        Action::Back,
        "tui.key.close_case",
        CaseScreen,
        true,
    ),
    bind(
        C('j'),
        Action::Down,
        "tui.key.scroll_down",
        CaseScreen,
        false,
    ),
    bind(
        K(KeyCode::Down),
        Action::Down,
        "tui.key.scroll_down",
        CaseScreen,
        false,
    ),
    bind(C('k'), Action::Up, "tui.key.scroll_up", CaseScreen, false),
    bind(C('g'), Action::Top, "tui.key.top", CaseScreen, false),
    bind(
        K(KeyCode::Home),
        Action::Top,
        "tui.key.top",
        CaseScreen,
        false,
    ),
    bind(C('G'), Action::Bottom, "tui.key.bottom", CaseScreen, false),
    bind(
        K(KeyCode::End),
        Action::Bottom,
        "tui.key.bottom",
        CaseScreen,
        false,
    ),
    bind(
        K(KeyCode::Up),
        Action::Up,
        "tui.key.scroll_up",
        CaseScreen,
        false,
    ),
    bind(
        K(KeyCode::PageDown),
        Action::PageDown,
        "tui.key.scroll_down",
        CaseScreen,
        false,
    ),
    bind(
        K(KeyCode::PageUp),
        Action::PageUp,
        "tui.key.scroll_up",
        CaseScreen,
        false,
    ),
    bind(
        Ctrl(KeyCode::Char('s')),
        Action::Save,
        "tui.key.save",
        Form,
        true,
    ),
    bind(
        K(KeyCode::Enter),
        Action::Submit,
        "tui.key.enter_next",
        Form,
        true,
    ),
    bind(K(KeyCode::Esc), Action::Back, "tui.key.cancel", Form, true),
    bind(
        K(KeyCode::Tab),
        Action::NextField,
        "tui.key.next_field",
        Form,
        true,
    ),
    bind(
        K(KeyCode::Down),
        Action::NextField,
        "tui.key.next_field",
        Form,
        true,
    ),
    bind(
        K(KeyCode::BackTab),
        Action::PrevField,
        "tui.key.prev_field",
        Form,
        false,
    ),
    bind(
        K(KeyCode::Up),
        Action::PrevField,
        "tui.key.prev_field",
        Form,
        false,
    ),
    bind(
        K(KeyCode::Right),
        Action::ChoiceNext,
        "tui.key.choice",
        Form,
        true,
    ),
    bind(
        K(KeyCode::Left),
        Action::ChoicePrev,
        "tui.key.choice",
        Form,
        true,
    ),
    bind(
        K(KeyCode::Backspace),
        Action::Backspace,
        "tui.key.backspace",
        Form,
        false,
    ),
    bind(
        K(KeyCode::Home),
        Action::Edit(Edit::Home),
        "tui.key.line_ends",
        Form,
        false,
    ),
    bind(
        K(KeyCode::End),
        Action::Edit(Edit::End),
        "tui.key.line_ends",
        Form,
        false,
    ),
    bind(
        Ctrl(KeyCode::Left),
        Action::Edit(Edit::WordLeft),
        "tui.key.word_jump",
        Form,
        false,
    ),
    bind(
        Ctrl(KeyCode::Right),
        Action::Edit(Edit::WordRight),
        "tui.key.word_jump",
        Form,
        false,
    ),
    bind(
        K(KeyCode::Delete),
        Action::Edit(Edit::Delete),
        "tui.key.delete",
        Form,
        false,
    ),
    bind(
        Ctrl(KeyCode::Char('w')),
        Action::Edit(Edit::DeleteWord),
        "tui.key.delete_word",
        Form,
        false,
    ),
    bind(
        K(KeyCode::Enter),
        Action::Submit,
        "tui.key.search_keep",
        Search,
        true,
    ),
    bind(
        K(KeyCode::Esc),
        Action::Back,
        "tui.key.search_clear",
        Search,
        true,
    ),
    bind(
        K(KeyCode::Backspace),
        Action::Backspace,
        "tui.key.backspace",
        Search,
        false,
    ),
    bind(
        K(KeyCode::Left),
        Action::Edit(Edit::Left),
        "tui.key.cursor",
        Search,
        false,
    ),
    bind(
        K(KeyCode::Right),
        Action::Edit(Edit::Right),
        "tui.key.cursor",
        Search,
        false,
    ),
    bind(
        K(KeyCode::Home),
        Action::Edit(Edit::Home),
        "tui.key.line_ends",
        Search,
        false,
    ),
    bind(
        K(KeyCode::End),
        Action::Edit(Edit::End),
        "tui.key.line_ends",
        Search,
        false,
    ),
    bind(
        K(KeyCode::Delete),
        Action::Edit(Edit::Delete),
        "tui.key.delete",
        Search,
        false,
    ),
    bind(
        K(KeyCode::Enter),
        Action::Submit,
        "tui.key.yes",
        Confirm,
        true,
    ),
    bind(C('j'), Action::Submit, "tui.key.yes", Confirm, false),
    bind(C('y'), Action::Submit, "tui.key.yes", Confirm, false),
    bind(K(KeyCode::Esc), Action::Back, "tui.key.no", Confirm, true),
    bind(C('n'), Action::Back, "tui.key.no", Confirm, false),
    bind(
        K(KeyCode::Esc),
        Action::Back,
        "tui.key.close_help",
        Help,
        true,
    ),
    bind(C('?'), Action::Back, "tui.key.close_help", Help, false),
    bind(C('j'), Action::Down, "tui.key.scroll_down", Help, true),
    bind(
        K(KeyCode::Down),
        Action::Down,
        "tui.key.scroll_down",
        Help,
        false,
    ),
    bind(C('k'), Action::Up, "tui.key.scroll_up", Help, true),
    bind(K(KeyCode::Up), Action::Up, "tui.key.scroll_up", Help, false),
    bind(
        K(KeyCode::PageDown),
        Action::PageDown,
        "tui.key.page_down",
        Help,
        false,
    ),
    bind(
        K(KeyCode::PageUp),
        Action::PageUp,
        "tui.key.page_up",
        Help,
        false,
    ),
    bind(C('g'), Action::Top, "tui.key.top", Help, false),
    bind(K(KeyCode::Home), Action::Top, "tui.key.top", Help, false),
    bind(C('G'), Action::Bottom, "tui.key.bottom", Help, false),
    bind(
        K(KeyCode::End),
        Action::Bottom,
        "tui.key.bottom",
        Help,
        false,
    ),
];

/// The key that always quits, whatever is open.
pub const QUIT_KEY: &str = "Ctrl-C";

/// The action of a key in the active scopes (first scope wins), or typed
/// text in a form or the search line.
pub fn action_for_key(scopes: &[Scope], ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && ev.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if ev.modifiers.contains(KeyModifiers::ALT) {
        return None;
    }
    for scope in scopes {
        if let Some(b) = BINDINGS
            .iter()
            .find(|b| b.scope == *scope && b.key.matches(ev))
        {
            return Some(b.action);
        }
        if scope.takes_text() && !ctrl {
            if let KeyCode::Char(c) = ev.code {
                return Some(Action::Input(c));
            }
        }
    }
    None
}

/// Turns any terminal event into an action.
pub fn action_for_event(scopes: &[Scope], ev: &Event) -> Option<Action> {
    match ev {
        Event::Key(k) => action_for_key(scopes, k),
        Event::Mouse(m) => action_for_mouse(m),
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        _ => None,
    }
}

fn action_for_mouse(m: &MouseEvent) -> Option<Action> {
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
            column: m.column,
            row: m.row,
        }),
        MouseEventKind::ScrollUp => Some(Action::ScrollUp),
        MouseEventKind::ScrollDown => Some(Action::ScrollDown),
        _ => None,
    }
}

/// One line of help or hint: the keys (joined with `/`) and the text key.
pub struct KeyHelp {
    pub keys: String,
    pub help: &'static str,
}

/// Whether an action writes to the database: refused while the screens
/// show a past date, so the hint bar does not offer it then.
pub fn writes(action: Action) -> bool {
    matches!(
        action,
        Action::NewReferral
            | Action::MoveCase
            | Action::Review
            | Action::AssignWorker
            | Action::ToggleEscalated
            | Action::ToggleBridging
            | Action::Decide
            | Action::LoadDemo
    )
}

/// The sections of the help popup, in order, with the lines that are not
/// bindings (Ctrl-C, the mouse). A person who may only read is not offered
/// the keys that change a case; a section left empty is not shown.
pub fn help_sections(may_write: bool) -> Vec<(Scope, Vec<KeyHelp>)> {
    Scope::HELP_ORDER
        .iter()
        .map(|scope| {
            let mut entries = help_where(*scope, false, |a| may_write || !writes(a));
            if *scope == Scope::Global {
                entries.push(KeyHelp {
                    keys: QUIT_KEY.to_string(),
                    help: "tui.key.quit_always",
                });
                entries.push(KeyHelp {
                    keys: MOUSE.to_string(),
                    help: "tui.key.mouse",
                });
            }
            (*scope, entries)
        })
        .filter(|(_, entries)| !entries.is_empty())
        .collect()
}

/// How the mouse is named in help.
pub const MOUSE: &str = "";

/// Width of the help popup, borders included; every help line must fit in
/// it (the popup does not wrap, so that scrolling stops at its last line).
pub const HELP_WIDTH: u16 = 70;
/// Width of the keys column in help, after its two-space indent.
pub const HELP_KEYS_WIDTH: usize = 14;

/// Lines of the help popup's text: a title per section, its entries, and a
/// blank line between sections.
pub fn help_len(may_write: bool) -> u16 {
    let sections = help_sections(may_write);
    let lines: usize = sections.iter().map(|(_, e)| e.len() + 1).sum();
    (lines + sections.len().saturating_sub(1)) as u16
}

/// Bindings of one scope, keys of the same action and text joined, in
/// table order.
pub fn help_for(scope: Scope, hints_only: bool) -> Vec<KeyHelp> {
    help_where(scope, hints_only, |_| true)
}

/// The hint bar's keys of a scope whose actions pass `keep`.
pub fn help_where(scope: Scope, hints_only: bool, keep: impl Fn(Action) -> bool) -> Vec<KeyHelp> {
    let mut out: Vec<KeyHelp> = Vec::new();
    for b in BINDINGS
        .iter()
        .filter(|b| b.scope == scope && (b.hint || !hints_only) && keep(b.action))
    {
        // Keys with the same description share one line ("j/↓ down").
        match out.iter_mut().find(|h| h.help == b.help) {
            Some(h) => {
                h.keys.push('/');
                h.keys.push_str(&b.key.label());
            }
            None => out.push(KeyHelp {
                keys: b.key.label(),
                help: b.help,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn same_key_means_different_things_by_scope() {
        let j = key(KeyCode::Char('j'));
        assert_eq!(action_for_key(&[Table, Global], &j), Some(Action::Down));
        assert_eq!(action_for_key(&[Form], &j), Some(Action::Input('j')));
        assert_eq!(action_for_key(&[Global], &j), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for_key(&[Form], &ctrl_c), Some(Action::Quit));
    }

    #[test]
    fn every_fixed_key_of_the_spec_is_bound() {
        let global = [Global, Table, Cases, Edit];
        for (c, action) in [
            ('1', Action::Show(View::Waitlist)),
            ('5', Action::Show(View::Meeting)),
            ('j', Action::Down),
            ('k', Action::Up),
            ('g', Action::Top),
            ('G', Action::Bottom),
            ('/', Action::Search),
            ('n', Action::NewReferral),
            ('m', Action::MoveCase),
            ('r', Action::Review),
            ('t', Action::TimeTravel),
            ('e', Action::Export),
            ('?', Action::Help),
            ('q', Action::Quit),
        ] {
            assert_eq!(
                action_for_key(&global, &key(KeyCode::Char(c))),
                Some(action),
                "{c}"
            );
        }
    }

    #[test]
    fn help_joins_keys_of_one_action() {
        let table = help_for(Table, false);
        assert_eq!(table[0].keys, "j/↓");
        assert_eq!(table[0].help, "tui.key.down");
    }

    /// A help line longer than the popup would be cut mid-word (the mouse
    /// line was, in both languages): every line fits, in every catalog.
    #[test]
    fn every_help_line_fits_the_help_popup() {
        use crate::present::i18n::{Catalog, Lang};
        let room = usize::from(HELP_WIDTH) - 2 - 2 - HELP_KEYS_WIDTH;
        let mut too_wide = Vec::new();
        for lang in [Lang::Nl, Lang::En] {
            let cat = Catalog::get(lang);
            for (_, entries) in help_sections(true) {
                for h in entries {
                    let text = cat.t(h.help);
                    if h.keys.chars().count() > HELP_KEYS_WIDTH || text.chars().count() > room {
                        too_wide.push(format!("{lang:?} '{} {text}'", h.keys));
                    }
                }
            }
        }
        assert!(
            too_wide.is_empty(),
            "wider than the help popup: {too_wide:#?}"
        );
    }
}
