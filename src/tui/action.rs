//! Everything a person can ask of the UI, as one value. The key map turns
//! terminal events into these; `App::step` applies them one at a time.

/// The five views of SPEC 8, in key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Waitlist,
    Cases,
    Stoplight,
    Flow,
    Meeting,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Waitlist,
        View::Cases,
        View::Stoplight,
        View::Flow,
        View::Meeting,
    ];

    /// The code used in translation keys and export file names.
    pub fn code(self) -> &'static str {
        match self {
            View::Waitlist => "waitlist",
            View::Cases => "cases",
            View::Stoplight => "stoplight",
            View::Flow => "flow",
            View::Meeting => "meeting",
        }
    }

    /// Whether the view is a list of cases with a selection.
    pub fn has_table(self) -> bool {
        matches!(self, View::Waitlist | View::Cases)
    }
}

/// A cursor movement or edit inside a text field or the search line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Left,
    Right,
    WordLeft,
    WordRight,
    Home,
    End,
    Backspace,
    Delete,
    DeleteWord,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Show(View),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Open the selected case.
    Open,
    /// Close a popup, leave the case screen, clear a search.
    Back,
    Search,
    Filter,
    NewReferral,
    MoveCase,
    Review,
    ToggleEscalated,
    ToggleBridging,
    AssignWorker,
    TimeTravel,
    Export,
    /// Fill an empty database with the demo team.
    LoadDemo,
    /// The stoplight board: group by the next of colour, provider, care
    /// type, worker.
    CycleGrouping,
    /// The stoplight board: show or hide the aggregate per provider and care
    /// type.
    TogglePanel,
    Help,
    // The Flow view: the period shown and what is drawn.
    PeriodEarlier,
    PeriodLater,
    PeriodLonger,
    PeriodShorter,
    NextDisplay,
    // The Case review view.
    Decide,
    MeetingDate,
    /// The other kind of meeting: weekly case review or stoplight round.
    MeetingKind,
    /// The stoplight round with one provider (or all).
    MeetingProvider,
    // In a form or the search line.
    NextField,
    PrevField,
    ChoiceNext,
    ChoicePrev,
    Submit,
    /// Save the form from any field (its own key, shown in the hint bar).
    Save,
    /// Back to today from a past date, in one key.
    Today,
    /// The waiting lists: jump to the next queue's section.
    NextSection,
    Edit(Edit),
    Input(char),
    Backspace,
    // Mouse and terminal.
    Click {
        column: u16,
        row: u16,
    },
    ScrollUp,
    ScrollDown,
    Resize {
        width: u16,
        height: u16,
    },
}
