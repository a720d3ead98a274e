//! One self-contained HTML file (SPEC 10): inline CSS, charts as inline SVG,
//! no script, no font or image from elsewhere (a Content-Security-Policy
//! says so to the browser), print styles for A4 with no chart cut across
//! pages. Every chart stands beside its table, and series differ in shape
//! (hatching, dashes, markers) and are labelled, never in colour alone.

use std::fmt::Write;

use super::booklet::{Booklet, Chart, ChartKind, Figure, Section};
use super::document::Table;
use super::strip_controls;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1b1b1b; background: #fff; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
  line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #1b1b1b; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.subtitle { color: #444; margin-top: 0; }
.lead p { font-size: 1.05rem; margin: .3rem 0; }
dl.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
  gap: .4rem 1rem; margin: 1rem 0; }
dl.summary div { border: 1px solid #999; border-radius: 4px; padding: .4rem .6rem; }
dl.summary dt { font-size: .85rem; color: #444; }
dl.summary dd { margin: 0; font-size: 1.25rem; font-weight: 600; }
figure { margin: 1rem 0 1.5rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; max-height: 18rem; display: block; }
figcaption { font-size: .9rem; color: #333; margin-bottom: .3rem; }
table { border-collapse: collapse; font-size: .85rem; margin: .4rem 0; }
th, td { border: 1px solid #bbb; padding: .15rem .45rem; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { font-size: .85rem; color: #444; }
footer { margin-top: 2rem; font-size: .8rem; color: #555; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-before: auto; }
  figure, table, dl.summary { break-inside: avoid; page-break-inside: avoid; }
  figure svg { max-height: 8cm; }
}
"#;

/// Shades that stay apart in greyscale too; the hatching tells them apart.
const FILLS: [&str; 6] = [
    "#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#404040",
];
const DASHES: [&str; 6] = ["", "6 3", "2 3", "10 3 2 3", "1 2", "8 6"];

pub fn render(b: &Booklet) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        b.lang,
        esc(&b.title)
    );
    let _ = write!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n</header>\n<div class=\"lead\">\n",
        esc(&b.title),
        esc(&b.subtitle)
    );
    for line in &b.lines {
        let _ = writeln!(out, "<p>{}</p>", esc(line));
    }
    out.push_str("</div>\n<dl class=\"summary\">\n");
    for (label, value) in &b.summary {
        let _ = writeln!(
            out,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            esc(label),
            esc(&value.shown())
        );
    }
    out.push_str("</dl>\n");
    for (i, s) in b.sections.iter().enumerate() {
        section(&mut out, i, s);
    }
    let _ = write!(
        out,
        "<footer><p>{}</p></footer>\n</body>\n</html>\n",
        esc(&b.colophon)
    );
    out
}

fn section(out: &mut String, index: usize, s: &Section) {
    let _ = writeln!(out, "<section>\n<h2>{}</h2>", esc(&s.title));
    for line in &s.lines {
        let _ = writeln!(out, "<p>{}</p>", esc(line));
    }
    for (j, f) in s.figures.iter().enumerate() {
        figure(out, &format!("c{index}-{j}"), f);
    }
    out.push_str("</section>\n");
}

fn figure(out: &mut String, id: &str, f: &Figure) {
    out.push_str("<figure>\n");
    let _ = writeln!(out, "<h3>{}</h3>", esc(&f.table.title));
    if let Some(chart) = &f.chart {
        let _ = writeln!(out, "<figcaption>{}</figcaption>", esc(&chart.caption));
        svg(out, id, chart);
    }
    table(out, &f.table);
    out.push_str("</figure>\n");
}

fn table(out: &mut String, t: &Table) {
    if let Some(note) = &t.note {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(note));
    }
    out.push_str("<table>\n<thead><tr>");
    for h in &t.headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    // Council tables are built whole; drawing them cannot fail.
    let _ = t.rows.each(&mut |row| {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if c.is_figure() { " class=\"n\"" } else { "" };
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let close = if i == 0 { "th" } else { "td" };
            let _ = write!(out, "<{tag}{class}>{}</{close}>", esc(&c.shown()));
        }
        out.push_str("</tr>\n");
        Ok(())
    });
    out.push_str("</tbody>\n</table>\n");
}

/// Plot area inside the SVG's 800 × 300 box.
const W: f64 = 800.0;
const H: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 58.0;

fn svg(out: &mut String, id: &str, c: &Chart) {
    let max = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |m, &v| m.max(v));
    let top = nice_ceiling(max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h * (1.0 - v / top);
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n<defs>",
        esc(&c.caption)
    );
    for (i, fill) in FILLS.iter().enumerate() {
        // Series 0 solid; the others hatched at different angles and spacing.
        let angle = [0, 45, -45, 90, 0, 30][i];
        let gap = 4 + i;
        let _ = write!(
            out,
            "<pattern id=\"{id}p{i}\" patternUnits=\"userSpaceOnUse\" width=\"{gap}\" height=\"{gap}\" \
             patternTransform=\"rotate({angle})\"><rect width=\"{gap}\" height=\"{gap}\" fill=\"{}\"/>\
             <rect width=\"{}\" height=\"{gap}\" fill=\"{fill}\"/></pattern>",
            if i == 0 { fill } else { "#fff" },
            if i == 0 { gap as f64 } else { 2.0 }
        );
    }
    out.push_str("</defs>\n");
    // Axis and grid with values.
    for k in 0..=4 {
        let v = top * k as f64 / 4.0;
        let yy = y(v);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#ccc\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            yy + 4.0,
            axis_label(v)
        );
    }
    let n = c.categories.len().max(1);
    let band = plot_w / n as f64;
    let label_every = n.div_ceil(12);
    for (i, cat) in c.categories.iter().enumerate() {
        if i % label_every != 0 {
            continue;
        }
        let x = LEFT + band * (i as f64 + 0.5);
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" \
             transform=\"rotate(-35 {x:.1} {:.1})\">{}</text>",
            H - BOTTOM + 14.0,
            H - BOTTOM + 14.0,
            esc(cat)
        );
    }
    match c.kind {
        ChartKind::Bars => bars(out, id, c, band, &y),
        ChartKind::Lines => lines(out, c, band, &y),
    }
    legend(out, id, c);
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{}\" stroke=\"#333\"/>\
         <line x1=\"{LEFT}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#333\"/>\n</svg>\n",
        H - BOTTOM,
        W - RIGHT,
        H - BOTTOM,
        H - BOTTOM
    );
}

fn bars(out: &mut String, id: &str, c: &Chart, band: f64, y: &dyn Fn(f64) -> f64) {
    let k = c.series.len().max(1) as f64;
    let width = (band * 0.8 / k).max(1.0);
    for (s_i, s) in c.series.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let x = LEFT + band * i as f64 + band * 0.1 + width * s_i as f64;
            let top = y(*v);
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{width:.1}\" height=\"{:.1}\" \
                 fill=\"url(#{id}p{})\" stroke=\"{}\" stroke-width=\"1\"><title>{}: {}</title></rect>",
                (H - BOTTOM - top).max(0.0),
                s_i % FILLS.len(),
                FILLS[s_i % FILLS.len()],
                esc(&s.name),
                axis_label(*v)
            );
        }
    }
}

fn lines(out: &mut String, c: &Chart, band: f64, y: &dyn Fn(f64) -> f64) {
    for (s_i, s) in c.series.iter().enumerate() {
        let colour = FILLS[s_i % FILLS.len()];
        let dash = DASHES[s_i % DASHES.len()];
        let points: Vec<(f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (LEFT + band * (i as f64 + 0.5), y(v))))
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" \
             stroke-dasharray=\"{dash}\"/>",
            path.join(" ")
        );
        for &(x, yy) in &points {
            marker(out, s_i, x, yy, colour);
        }
        // The series' name at its last point: no legend lookup needed.
        if let Some(&(x, yy)) = points.last() {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
                x + 8.0,
                yy + 4.0,
                esc(&short(&s.name))
            );
        }
    }
}

/// A marker whose shape tells the series apart.
fn marker(out: &mut String, series: usize, x: f64, y: f64, colour: &str) {
    let _ = match series % 4 {
        0 => writeln!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{colour}\"/>"
        ),
        1 => writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\" fill=\"{colour}\"/>",
            x - 3.5,
            y - 3.5
        ),
        2 => writeln!(
            out,
            "<path d=\"M{x:.1},{:.1} l4,7 h-8 z\" fill=\"{colour}\"/>",
            y - 4.0
        ),
        _ => writeln!(
            out,
            "<path d=\"M{x:.1},{:.1} l4,4 l-4,4 l-4,-4 z\" fill=\"#fff\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
            y - 4.0
        ),
    };
}

fn legend(out: &mut String, id: &str, c: &Chart) {
    let x = W - RIGHT + 14.0;
    for (i, s) in c.series.iter().enumerate() {
        let yy = TOP + 6.0 + 18.0 * i as f64;
        let colour = FILLS[i % FILLS.len()];
        match c.kind {
            ChartKind::Bars => {
                let _ = write!(
                    out,
                    "<rect x=\"{x}\" y=\"{yy:.1}\" width=\"14\" height=\"12\" fill=\"url(#{id}p{})\" stroke=\"{colour}\"/>",
                    i % FILLS.len()
                );
            }
            ChartKind::Lines => {
                let _ = write!(
                    out,
                    "<line x1=\"{x}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{}\"/>",
                    x + 16.0,
                    yy + 6.0,
                    yy + 6.0,
                    DASHES[i % DASHES.len()]
                );
                marker(out, i, x + 8.0, yy + 6.0, colour);
            }
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
            x + 20.0,
            yy + 10.0,
            esc(&short(&s.name))
        );
    }
}

/// A name short enough for the legend column.
fn short(s: &str) -> String {
    if s.chars().count() <= 20 {
        s.to_string()
    } else {
        let cut: String = s.chars().take(19).collect();
        format!("{cut}…")
    }
}

/// 1, 2 or 5 times a power of ten, at least the maximum (and at least 1).
fn nice_ceiling(max: f64) -> f64 {
    if max <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&v| v >= max)
        .unwrap_or(max)
}

fn axis_label(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Text for HTML: escaped, no control characters.
fn esc(s: &str) -> String {
    strip_controls(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Booklet {
    /// The booklet as one self-contained HTML file.
    pub fn html(&self) -> String {
        render(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::booklet::Series;
    use crate::export::document::Cell;

    fn booklet() -> Booklet {
        let table = Table {
            title: "Per maand <b>".into(),
            sheet: "m".into(),
            note: None,
            keys: Vec::new(),
            headers: vec!["Maand".into(), "Aanmeldingen".into()],
            rows: vec![vec![Cell::text("2026-01"), Cell::int(4)]].into(),
        };
        Booklet {
            lang: "nl",
            title: "Raad & stroom".into(),
            subtitle: "01-01-2026 t/m 31-12-2026".into(),
            lines: vec!["Uitstroom blijft achter.".into()],
            summary: vec![("Aanmeldingen".into(), Cell::int(4))],
            sections: vec![Section {
                title: "Stroom".into(),
                lines: Vec::new(),
                figures: vec![Figure {
                    chart: Some(Chart {
                        kind: ChartKind::Bars,
                        caption: "Aanmeldingen per maand".into(),
                        categories: vec!["jan".into()],
                        series: vec![Series {
                            name: "Aanmeldingen".into(),
                            values: vec![Some(4.0)],
                        }],
                    }),
                    table,
                }],
            }],
            colophon: "stroom".into(),
        }
    }

    #[test]
    fn one_file_without_scripts_or_requests() {
        let html = render(&booklet());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("default-src 'none'; style-src 'unsafe-inline'; img-src data:"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("src="));
        // The only URL is the SVG namespace, which is a name, not a request.
        let without_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
        assert!(html.contains("<title>Raad &amp; stroom</title>"));
        assert!(html.contains("Per maand &lt;b&gt;"));
        assert!(html.contains("@page { size: A4"));
        assert!(html.contains("<td class=\"n\">4</td>"));
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(12.0), 20.0);
        assert_eq!(nice_ceiling(230.0), 250.0);
        assert_eq!(nice_ceiling(500.0), 500.0);
    }
}
