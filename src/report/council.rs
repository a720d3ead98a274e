//! The council report (SPEC 10): the municipality's picture of a period,
//! never with names. Every figure comes from the same computations as
//! `report flow`, `export waitlist`, `export stoplight` and `forecast`; this
//! module only arranges them in chapters with a chart beside each table.

use chrono::NaiveDate;

use crate::domain::flow::{FlowReport, LeadStep, Percentiles};
use crate::domain::forecast::Runs;
use crate::domain::picture::{EvaluationMoments, MomentCounts};
use crate::domain::stoplight::{ColorTally, StoplightAggregate};
use crate::domain::waitlist::{Queue, QueueSummary};
use crate::export::{Booklet, Cell, Chart, ChartKind, Figure, Section, Series, Table};
use crate::present;
use crate::present::i18n::{Catalog, Lang};

use super::forecast::{Forecast, expected_span, note, queue_sentence};

/// Everything the report shows, loaded for its period.
pub struct CouncilFacts {
    pub flow: FlowReport,
    /// The waiting lists' summaries at each month end of the period (the
    /// last one is `to`, or today when `to` lies ahead).
    pub waitlists: Vec<(NaiveDate, Vec<QueueSummary>)>,
    /// The stoplight aggregate at each six-weekly date in the period.
    pub boards: Vec<(NaiveDate, StoplightAggregate)>,
    /// The evaluation moments due in the period (SPEC 1.7, 10).
    pub evaluations: EvaluationMoments,
    pub forecast: Forecast,
}

/// The six-weekly dates of the stoplight in [from, to]: `to` and every 42
/// days before it, oldest first.
pub fn six_weekly_dates(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = std::iter::successors(Some(to), |&d| {
        Some(crate::domain::six_weekly::previous_date(d)).filter(|&p| p >= from)
    })
    .collect();
    dates.reverse();
    dates
}

pub fn council(facts: &CouncilFacts, runs: Runs, cat: &Catalog) -> Booklet {
    let f = &facts.flow;
    let col = |k: &str| cat.t(&format!("column.{k}")).to_string();
    let period = [("from", present::date(f.from)), ("to", present::date(f.to))];
    let mut lines = super::flow_lines(f, cat);
    lines.truncate(2);
    let summary = vec![
        (col("referrals"), Cell::int(f.referrals)),
        (col("inflow"), Cell::int(f.inflow)),
        (col("outflow"), Cell::int(f.outflow)),
        (
            col("balance_pct"),
            f.balance_pct.map_or_else(
                || Cell::text(present::NONE),
                |b| Cell::Number {
                    value: b,
                    shown: present::signed(cat, b),
                },
            ),
        ),
        (col("open_at_end"), Cell::int(f.open_at_end)),
        (
            cat.t("council.re_referrals").to_string(),
            Cell::int(f.re_referrals),
        ),
    ];
    Booklet {
        lang: match cat.lang {
            Lang::Nl => "nl",
            Lang::En => "en",
        },
        title: cat.fill("council.title", &period),
        subtitle: cat.t("council.subtitle").to_string(),
        lines,
        summary,
        sections: vec![
            waiting_section(facts, cat),
            flow_section(f, cat),
            lead_time_section(f, cat),
            referrer_section(f, cat),
            stoplight_section(&facts.boards, cat),
            evaluation_section(&facts.evaluations, cat),
            turning_18_section(f, cat),
            forecast_section(&facts.forecast, cat),
        ],
        colophon: cat.fill(
            "council.colophon",
            &[
                ("at", crate::export::generated_at()),
                ("runs", runs.runs.to_string()),
                ("seed", runs.seed.to_string()),
            ],
        ),
    }
}

fn table(title: String, headers: Vec<String>, rows: Vec<Vec<Cell>>) -> Table<'static> {
    Table {
        sheet: title.clone(),
        title,
        note: None,
        keys: Vec::new(),
        headers,
        rows: rows.into(),
    }
}

fn opt_days(v: Option<i64>) -> Cell {
    v.map_or_else(|| Cell::text(present::NONE), Cell::Int)
}

fn opt_value(v: Option<i64>) -> Option<f64> {
    v.map(|x| x as f64)
}

fn queue_label(cat: &Catalog, q: Queue) -> String {
    cat.label("queue", q.code()).to_string()
}

fn waiting_section(facts: &CouncilFacts, cat: &Catalog) -> Section {
    let mut lines = Vec::new();
    if let Some((on, last)) = facts.waitlists.last() {
        for s in last {
            lines.push(cat.fill(
                "council.waiting_now",
                &[
                    ("queue", queue_label(cat, s.queue)),
                    ("date", present::date(*on)),
                    ("gross", s.gross.total.to_string()),
                    ("net", s.net.total.to_string()),
                    ("red", s.gross.red.to_string()),
                ],
            ));
        }
    }
    let categories: Vec<String> = facts
        .waitlists
        .iter()
        .map(|(d, _)| present::date(*d))
        .collect();
    let series = Queue::ALL
        .iter()
        .map(|&q| Series {
            name: queue_label(cat, q),
            values: facts
                .waitlists
                .iter()
                .map(|(_, s)| {
                    s.iter()
                        .find(|x| x.queue == q)
                        .map(|x| x.gross.total as f64)
                })
                .collect(),
        })
        .collect();
    // One row per month end; the care queue also has its net list and
    // bridging care (which only the care queue knows).
    let columns: [(Queue, &[&str]); 3] = [
        (Queue::Intake, &["gross", "over_norm"]),
        (Queue::Decision, &["gross", "over_norm"]),
        (
            Queue::Care,
            &["gross", "net", "over_norm", "over_norm_bridging"],
        ),
    ];
    let mut headers = vec![cat.t("council.col_date").to_string()];
    for (q, keys) in &columns {
        for k in keys.iter() {
            headers.push(format!(
                "{}: {}",
                queue_label(cat, *q),
                cat.t(&format!("council.col_{k}"))
            ));
        }
    }
    let rows = facts
        .waitlists
        .iter()
        .map(|(d, summaries)| {
            let mut row = vec![Cell::text(present::date(*d))];
            for (q, keys) in &columns {
                let Some(s) = summaries.iter().find(|s| s.queue == *q) else {
                    continue;
                };
                for k in keys.iter() {
                    row.push(Cell::int(match *k {
                        "gross" => s.gross.total,
                        "net" => s.net.total,
                        "over_norm" => s.gross.red,
                        // Red in the gross list that gets bridging care.
                        _ => s.gross.red - s.net.red,
                    }));
                }
            }
            row
        })
        .collect();
    Section {
        title: cat.t("council.waiting_title").to_string(),
        lines,
        figures: vec![Figure {
            chart: Some(Chart {
                kind: ChartKind::Lines,
                caption: cat.t("council.waiting_caption").to_string(),
                categories,
                series,
            }),
            table: table(cat.t("council.waiting_table").to_string(), headers, rows),
        }],
    }
}

fn flow_section(f: &FlowReport, cat: &Catalog) -> Section {
    let col = |k: &str| cat.t(&format!("column.{k}")).to_string();
    let series = |name: &str, get: fn(&crate::domain::flow::MonthFlow) -> usize| Series {
        name: col(name),
        values: f.monthly.iter().map(|m| Some(get(m) as f64)).collect(),
    };
    let monthly = Figure {
        chart: Some(Chart {
            kind: ChartKind::Bars,
            caption: cat.t("council.flow_caption").to_string(),
            categories: f.monthly.iter().map(|m| month(&m.month)).collect(),
            series: vec![
                series("referrals", |m| m.referrals),
                series("inflow", |m| m.inflow),
                series("outflow", |m| m.outflow),
            ],
        }),
        table: table(
            cat.t("report.by_month").to_string(),
            ["month", "referrals", "inflow", "outflow"]
                .map(col)
                .to_vec(),
            f.monthly
                .iter()
                .map(|m| {
                    vec![
                        Cell::text(month(&m.month)),
                        Cell::int(m.referrals),
                        Cell::int(m.inflow),
                        Cell::int(m.outflow),
                    ]
                })
                .collect(),
        ),
    };
    let care_type = |t: crate::domain::CareType| cat.label("care_type", t.code()).to_string();
    let by_care_type = Figure {
        chart: None,
        table: table(
            cat.t("report.by_care_type").to_string(),
            vec![
                col("care_type"),
                col("inflow"),
                col("outflow"),
                col("open_at_end"),
                cat.t("council.trajectories_started").to_string(),
                cat.t("council.trajectories_ended").to_string(),
                cat.t("council.trajectory_days").to_string(),
            ],
            f.by_care_type
                .iter()
                .map(|(t, x)| {
                    let tr = f
                        .trajectories_by_care_type
                        .get(t)
                        .copied()
                        .unwrap_or_default();
                    vec![
                        Cell::text(care_type(*t)),
                        Cell::int(x.inflow),
                        Cell::int(x.outflow),
                        Cell::int(x.open_at_end),
                        Cell::int(tr.started),
                        Cell::int(tr.ended),
                        tr.mean_length_days.map_or_else(
                            || Cell::text(present::NONE),
                            |v| Cell::Number {
                                value: v,
                                shown: present::decimal(cat, v),
                            },
                        ),
                    ]
                })
                .collect(),
        ),
    };
    let destinations = Figure {
        chart: Some(Chart {
            kind: ChartKind::Bars,
            caption: cat.t("council.destination_caption").to_string(),
            categories: f
                .by_destination
                .keys()
                .map(|d| cat.t(&format!("council.dest_{}", d.code())).to_string())
                .collect(),
            series: vec![Series {
                name: col("outflow"),
                values: f.by_destination.values().map(|&n| Some(n as f64)).collect(),
            }],
        }),
        table: table(
            cat.t("council.destination_table").to_string(),
            vec![cat.t("council.destination").to_string(), col("outflow")],
            f.by_destination
                .iter()
                .map(|(d, n)| {
                    vec![
                        Cell::text(cat.t(&format!("council.dest_{}", d.code()))),
                        Cell::int(*n),
                    ]
                })
                .collect(),
        ),
    };
    let mut lines = super::flow_lines(f, cat);
    lines.drain(..lines.len().min(2));
    Section {
        title: cat.t("council.flow_title").to_string(),
        lines,
        figures: vec![
            monthly,
            destinations,
            by_care_type,
            Figure {
                chart: None,
                table: provider_table(f, cat),
            },
        ],
    }
}

/// `YYYY-MM` → `MM-YYYY`, like the dates.
fn month(m: &str) -> String {
    m.split_once('-')
        .map_or_else(|| m.to_string(), |(y, mm)| format!("{mm}-{y}"))
}

/// SPEC 10: the evaluation moments due in the period and the share held on
/// time (by due + 14 days), per month of the due date.
fn evaluation_section(e: &EvaluationMoments, cat: &Catalog) -> Section {
    let t = |k: &str| cat.t(&format!("council.eval_{k}")).to_string();
    let share = |c: &MomentCounts| {
        c.share_on_time_pct().map_or_else(
            || Cell::text(present::NONE),
            |v| Cell::Number {
                value: v,
                shown: present::percent(cat, v),
            },
        )
    };
    let cells = |label: String, c: &MomentCounts| {
        vec![
            Cell::text(label),
            Cell::int(c.due),
            Cell::int(c.on_time),
            Cell::int(c.late),
            Cell::int(c.missed),
            Cell::int(c.open),
            share(c),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = e.months.iter().map(|(m, c)| cells(month(m), c)).collect();
    rows.push(cells(t("total"), &e.total));
    type Count = fn(&MomentCounts) -> usize;
    let kinds: [(&str, Count); 4] = [
        ("on_time", |c| c.on_time),
        ("late", |c| c.late),
        ("missed", |c| c.missed),
        ("open", |c| c.open),
    ];
    let series = kinds
        .iter()
        .map(|(k, get)| Series {
            name: t(k),
            values: e.months.values().map(|c| Some(get(c) as f64)).collect(),
        })
        .collect();
    let c = &e.total;
    let line = if c.due == 0 {
        t("none")
    } else {
        cat.fill(
            "council.eval_line",
            &[
                ("due", c.due.to_string()),
                ("on_time", c.on_time.to_string()),
                (
                    "pct",
                    c.share_on_time_pct()
                        .map_or_else(|| present::NONE.to_string(), |v| present::percent(cat, v)),
                ),
                ("late", c.late.to_string()),
                ("missed", c.missed.to_string()),
                ("open", c.open.to_string()),
            ],
        )
    };
    Section {
        title: t("title"),
        lines: vec![line, t("explained")],
        figures: vec![Figure {
            chart: Some(Chart {
                kind: ChartKind::Bars,
                caption: t("caption"),
                categories: e.months.keys().map(|m| month(m)).collect(),
                series,
            }),
            table: table(
                t("table"),
                ["month", "due", "on_time", "late", "missed", "open", "share"]
                    .map(t)
                    .to_vec(),
                rows,
            ),
        }],
    }
}

fn provider_table(f: &FlowReport, cat: &Catalog) -> Table<'static> {
    let col = |k: &str| cat.t(&format!("column.{k}")).to_string();
    table(
        cat.t("council.provider_table").to_string(),
        [
            "provider",
            "inflow",
            "outflow",
            "open_at_end",
            "median_wait_to_care_days",
        ]
        .map(col)
        .to_vec(),
        f.by_provider
            .iter()
            .map(|(p, x)| {
                vec![
                    Cell::text(p),
                    Cell::int(x.inflow),
                    Cell::int(x.outflow),
                    Cell::int(x.open_at_end),
                    opt_days(x.median_wait_to_care_days),
                ]
            })
            .collect(),
    )
}

/// The tables of the newer flow figures (SPEC 4), for `report flow` in
/// Markdown and XLSX: the same tables the council report shows.
pub fn flow_tables(f: &FlowReport, cat: &Catalog) -> Vec<Table<'static>> {
    let flow = flow_section(f, cat);
    let mut out: Vec<Table<'static>> = flow.figures.into_iter().skip(1).map(|x| x.table).collect();
    for s in [
        lead_time_section(f, cat),
        referrer_section(f, cat),
        turning_18_section(f, cat),
    ] {
        out.extend(s.figures.into_iter().map(|x| x.table));
    }
    out
}

fn lead_time_section(f: &FlowReport, cat: &Catalog) -> Section {
    let step = |s: LeadStep| cat.t(&format!("council.step_{}", s.code())).to_string();
    let three = |p: &Percentiles| [Cell::int(p.count), opt_days(p.median), opt_days(p.p90)];
    let rows = f
        .lead_times
        .iter()
        .map(|(s, t)| {
            let mut row = vec![Cell::text(step(*s))];
            row.extend(three(&t.all));
            row.extend(three(&t.regular));
            row.extend(three(&t.urgent));
            row
        })
        .collect();
    let mut headers = vec![cat.t("council.step").to_string()];
    for group in ["all", "regular", "urgent"] {
        for k in ["count", "median", "p90"] {
            headers.push(cat.fill(
                &format!("council.lead_{k}"),
                &[(
                    "group",
                    cat.t(&format!("council.group_{group}")).to_string(),
                )],
            ));
        }
    }
    let values = |get: fn(&Percentiles) -> Option<i64>| {
        f.lead_times
            .values()
            .map(|t| opt_value(get(&t.all)))
            .collect()
    };
    Section {
        title: cat.t("council.lead_title").to_string(),
        lines: vec![cat.t("council.lead_explained").to_string()],
        figures: vec![Figure {
            chart: Some(Chart {
                kind: ChartKind::Bars,
                caption: cat.t("council.lead_caption").to_string(),
                categories: f.lead_times.keys().map(|s| step(*s)).collect(),
                series: vec![
                    Series {
                        name: cat.t("council.median").to_string(),
                        values: values(|p| p.median),
                    },
                    Series {
                        name: cat.t("council.p90").to_string(),
                        values: values(|p| p.p90),
                    },
                ],
            }),
            table: table(cat.t("council.lead_table").to_string(), headers, rows),
        }],
    }
}

fn referrer_section(f: &FlowReport, cat: &Catalog) -> Section {
    let col = |k: &str| cat.t(&format!("column.{k}")).to_string();
    let route = |r: &str| cat.label("route", r).to_string();
    let routes = ["community", "team", "ambulant", "residential"];
    let referrer = |r: crate::domain::Referrer| cat.label("referrer", r.code()).to_string();
    let series = routes
        .iter()
        .enumerate()
        .map(|(i, r)| Series {
            name: route(r),
            values: f
                .by_referrer
                .values()
                .map(|x| Some([x.community, x.team, x.ambulant, x.residential][i] as f64))
                .collect(),
        })
        .collect();
    let mut headers = vec![col("referrer"), col("referrals")];
    headers.extend(routes.iter().map(|r| route(r)));
    headers.push(cat.t("council.closed_before_decision").to_string());
    let rows = f
        .by_referrer
        .iter()
        .map(|(r, x)| {
            vec![
                Cell::text(referrer(*r)),
                Cell::int(x.referrals),
                Cell::int(x.community),
                Cell::int(x.team),
                Cell::int(x.ambulant),
                Cell::int(x.residential),
                Cell::int(x.closed_before_decision),
            ]
        })
        .collect();
    Section {
        title: cat.t("council.referrer_title").to_string(),
        lines: vec![cat.fill(
            "council.re_referrals_line",
            &[("count", f.re_referrals.to_string())],
        )],
        figures: vec![Figure {
            chart: Some(Chart {
                kind: ChartKind::Bars,
                caption: cat.t("council.referrer_caption").to_string(),
                categories: f.by_referrer.keys().map(|r| referrer(*r)).collect(),
                series,
            }),
            table: table(cat.t("council.referrer_table").to_string(), headers, rows),
        }],
    }
}

/// Share red per group at each date: "12,5 % (2 van 16)".
fn red_rows<K: Clone + Ord>(
    boards: &[(NaiveDate, StoplightAggregate)],
    cat: &Catalog,
    groups: fn(&StoplightAggregate) -> &[ColorTally<K>],
    name: &dyn Fn(&Option<K>) -> String,
) -> (Vec<Series>, Vec<Vec<Cell>>) {
    let mut keys: Vec<Option<K>> = boards
        .iter()
        .flat_map(|(_, a)| groups(a).iter().map(|t| t.key.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    let find =
        |a: &StoplightAggregate, k: &Option<K>| groups(a).iter().find(|t| &t.key == k).cloned();
    let series = keys
        .iter()
        .map(|k| Series {
            name: name(k),
            values: boards
                .iter()
                .map(|(_, a)| find(a, k).map(|t| t.share_red_pct))
                .collect(),
        })
        .collect();
    let rows = keys
        .iter()
        .map(|k| {
            let mut row = vec![Cell::text(name(k))];
            row.extend(boards.iter().map(|(_, a)| match find(a, k) {
                Some(t) => Cell::Number {
                    value: t.share_red_pct,
                    shown: cat.fill(
                        "council.red_of",
                        &[
                            ("pct", present::percent(cat, t.share_red_pct)),
                            ("red", t.red.to_string()),
                            ("total", t.total.to_string()),
                        ],
                    ),
                },
                None => Cell::text(present::NONE),
            }));
            row
        })
        .collect();
    (series, rows)
}

fn stoplight_section(boards: &[(NaiveDate, StoplightAggregate)], cat: &Catalog) -> Section {
    let dates: Vec<String> = boards.iter().map(|(d, _)| present::date(*d)).collect();
    let provider = |k: &Option<String>| {
        k.clone()
            .unwrap_or_else(|| cat.t("present.no_provider").to_string())
    };
    let care_type = |k: &Option<crate::domain::CareType>| {
        k.map_or(cat.t("present.no_care_type"), |t| {
            cat.label("care_type", t.code())
        })
        .to_string()
    };
    let (p_series, p_rows) = red_rows(boards, cat, |a| &a.by_provider, &provider);
    let (_, t_rows) = red_rows(boards, cat, |a| &a.by_care_type, &care_type);
    let headers = |first: &str| {
        let mut h = vec![cat.t(&format!("column.{first}")).to_string()];
        h.extend(dates.iter().cloned());
        h
    };
    let lines = boards
        .last()
        .map(|(d, a)| {
            cat.fill(
                "council.stoplight_now",
                &[
                    ("date", present::date(*d)),
                    ("total", a.all.total.to_string()),
                    ("red", a.all.red.to_string()),
                    ("pct", present::percent(cat, a.all.share_red_pct)),
                ],
            )
        })
        .into_iter()
        .collect();
    Section {
        title: cat.t("council.stoplight_title").to_string(),
        lines,
        figures: vec![
            Figure {
                chart: Some(Chart {
                    kind: ChartKind::Lines,
                    caption: cat.t("council.stoplight_caption").to_string(),
                    categories: dates.clone(),
                    series: p_series,
                }),
                table: table(
                    cat.t("council.stoplight_provider_table").to_string(),
                    headers("provider"),
                    p_rows,
                ),
            },
            Figure {
                chart: None,
                table: table(
                    cat.t("council.stoplight_care_type_table").to_string(),
                    headers("care_type"),
                    t_rows,
                ),
            },
        ],
    }
}

fn turning_18_section(f: &FlowReport, cat: &Catalog) -> Section {
    let t = &f.turning_18;
    let items = [
        ("count", t.count),
        ("plan_ok", t.plan_ok),
        ("extended", t.extended),
        ("ended", t.ended),
        ("ended_with_follow_up", t.ended_with_follow_up),
    ];
    let label = |k: &str| cat.t(&format!("council.t18_{k}")).to_string();
    Section {
        title: cat.t("council.t18_title").to_string(),
        lines: vec![cat.t("council.t18_explained").to_string()],
        figures: vec![Figure {
            chart: Some(Chart {
                kind: ChartKind::Bars,
                caption: cat.t("council.t18_caption").to_string(),
                categories: items.iter().map(|(k, _)| label(k)).collect(),
                series: vec![Series {
                    name: cat.t("council.young_people").to_string(),
                    values: items.iter().map(|(_, n)| Some(*n as f64)).collect(),
                }],
            }),
            table: table(
                cat.t("council.t18_table").to_string(),
                vec![
                    cat.t("council.t18_what").to_string(),
                    cat.t("council.young_people").to_string(),
                ],
                items
                    .iter()
                    .map(|(k, n)| vec![Cell::text(label(k)), Cell::int(*n)])
                    .collect(),
            ),
        }],
    }
}

fn forecast_section(f: &Forecast, cat: &Catalog) -> Section {
    let days = |d: Option<NaiveDate>| d.map(|d| (d - f.as_of).num_days() as f64);
    let mut lines: Vec<String> = f.queues.iter().map(|q| queue_sentence(cat, q)).collect();
    lines.push(cat.fill(
        "forecast.method",
        &[
            ("runs", f.runs.runs.to_string()),
            ("seed", f.runs.seed.to_string()),
            ("days", crate::domain::forecast::HISTORY_DAYS.to_string()),
        ],
    ));
    let headers = vec![
        cat.t("column.queue").to_string(),
        cat.t("council.col_waiting").to_string(),
        cat.t("council.cleared").to_string(),
        cat.t("council.cleared_days_p50").to_string(),
        cat.t("council.cleared_days_p85").to_string(),
        cat.t("council.note").to_string(),
    ];
    let rows = f
        .queues
        .iter()
        .map(|q| {
            vec![
                Cell::text(queue_label(cat, q.queue)),
                Cell::int(q.waiting),
                Cell::text(expected_span(q.cleared_p50_on, q.cleared_p85_on)),
                opt_days(days(q.cleared_p50_on).map(|d| d as i64)),
                opt_days(days(q.cleared_p85_on).map(|d| d as i64)),
                Cell::text(note(cat, q).unwrap_or_default()),
            ]
        })
        .collect();
    Section {
        title: cat.t("council.forecast_title").to_string(),
        lines,
        figures: vec![Figure {
            chart: Some(Chart {
                kind: ChartKind::Bars,
                caption: cat.t("council.forecast_caption").to_string(),
                categories: f.queues.iter().map(|q| queue_label(cat, q.queue)).collect(),
                series: vec![
                    Series {
                        name: cat.t("council.p50").to_string(),
                        values: f.queues.iter().map(|q| days(q.cleared_p50_on)).collect(),
                    },
                    Series {
                        name: cat.t("council.p85").to_string(),
                        values: f.queues.iter().map(|q| days(q.cleared_p85_on)).collect(),
                    },
                ],
            }),
            table: table(cat.t("council.forecast_table").to_string(), headers, rows),
        }],
    }
}
