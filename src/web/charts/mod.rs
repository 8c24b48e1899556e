//! Charts drawn on the server as inline SVG, for pages that must work without JavaScript and
//! under a Content-Security-Policy that forbids inline styles.
//!
//! No I/O: the caller passes numbers and labels already translated, and prints the result in a
//! template (`{{ chart }}`: [`Svg`] is marked HTML-safe, everything inside it is escaped here).
//!
//! How a chart looks is split the same way as the rest of the site: the SVG carries geometry and
//! presentation attributes only (never `style`), each series names a CSS class in
//! `static/app.css` that sets its `color`, and shapes are filled with `currentColor`. Series that
//! must stay apart in grey print are drawn [`Fill::Hatched`] or [`Fill::CrossHatched`]: a white
//! hatch laid over the colour, from a `<pattern>` defined in the chart's own `<defs>`.
//!
//! Text sizes are fixed in the chart's own units: every chart is [`WIDTH`] units wide and scales
//! to the width of its container (`.chart` in the CSS caps it so text stays near body size).
//! Label widths are estimated from the characters (no font metrics on the server), a little wide.

use std::fmt::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::domain::text::{group_thousands, shorten};

/// Width of every chart in SVG units (its `viewBox`); the page scales it.
pub const WIDTH: f64 = 400.0;
/// Font size of labels, in SVG units.
const FONT: f64 = 13.0;
/// Font size of axis labels (ticks, months).
const SMALL: f64 = 11.0;
/// Text on white: the site's ink and its muted grey (6.2:1 on white).
const INK: &str = "#1d1d1f";
const MUTED: &str = "#5f6368";
/// Link text on white (the site's link colour, 6.6:1).
const LINK: &str = "#0b57d0";
/// The empty part of a 100 % bar, grid lines and the axis.
const TRACK: &str = "#eceff1";
const GRID: &str = "#d9dce1";
const AXIS: &str = "#9aa0a6";

/// One series of a chart: its already translated label and the CSS class giving its colour.
#[derive(Clone, Debug)]
pub struct Series {
    pub label: String,
    /// A class from `static/app.css` that sets `color`, such as `c-ontime`.
    pub class: &'static str,
    pub fill: Fill,
}

/// How a series' shapes are filled on top of their colour, so series stay apart in grey print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fill {
    #[default]
    Solid,
    /// White diagonal lines.
    Hatched,
    /// White diagonal lines both ways.
    CrossHatched,
}

impl Series {
    /// A series filled with its colour.
    pub fn new(label: impl Into<String>, class: &'static str) -> Self {
        Series {
            label: label.into(),
            class,
            fill: Fill::Solid,
        }
    }

    /// The same series, hatched.
    pub fn hatched(self) -> Self {
        Series {
            fill: Fill::Hatched,
            ..self
        }
    }

    /// The same series, cross-hatched.
    pub fn cross_hatched(self) -> Self {
        Series {
            fill: Fill::CrossHatched,
            ..self
        }
    }
}

/// One value of one series, with the page that lists what it counts. Values below zero count
/// as zero.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    pub value: i64,
    /// A URL of this site (escaped here), e.g. the task list filtered to what the value counts.
    pub href: Option<String>,
}

impl Segment {
    pub fn new(value: i64) -> Self {
        Segment { value, href: None }
    }

    pub fn linked(value: i64, href: impl Into<String>) -> Self {
        Segment {
            value,
            href: Some(href.into()),
        }
    }

    fn amount(&self) -> i128 {
        i128::from(self.value.max(0))
    }
}

/// One category of [`bars`]: its label, the page for the whole category, a value per series.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub label: String,
    pub href: Option<String>,
    pub values: Vec<Segment>,
}

/// One month of [`trend`]: its label ("T1/2026"), the two stacked column values and the value
/// of the line.
#[derive(Clone, Debug, Default)]
pub struct Month {
    pub label: String,
    pub columns: [Segment; 2],
    pub line: Segment,
}

/// A finished chart. Prints as itself in askama templates without escaping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every text and attribute value in it was escaped when the chart was drawn.
impl askama::filters::HtmlSafe for Svg {}

/// One horizontal 100 % bar split into the series (done on time, done late, open in time, due
/// soon, overdue), with a legend giving each series' value. `values[i]` belongs to `series[i]`
/// (what has no partner on the other side is left out); `sep` groups thousands ('.' in
/// Vietnamese, ',' in English).
pub fn stacked_bar(
    title: &str,
    desc: &str,
    series: &[Series],
    values: &[Segment],
    sep: char,
) -> Svg {
    let id = new_id();
    let mut body = String::new();
    let bar_height = 28.0;
    rect(&mut body, 0.0, 0.0, WIDTH, bar_height, TRACK);
    let pairs: Vec<(&Series, &Segment)> = series.iter().zip(values).collect();
    let total: i128 = pairs.iter().map(|(_, v)| v.amount()).sum();
    for (s, v, start, end) in stack(series, values) {
        let (x0, x1) = (scale(start, total, WIDTH), scale(end, total, WIDTH));
        let label = format!("{}: {}", s.label, group_thousands(v.amount(), sep));
        let area = Area {
            x: x0,
            y: 0.0,
            width: x1 - x0,
            height: bar_height,
        };
        shape(&mut body, &id, s, v.href.as_deref(), &label, area);
    }
    let keys: Vec<Key> = pairs
        .iter()
        .map(|(s, v)| Key {
            value: Some(group_thousands(v.amount(), sep)),
            ..Key::new(s)
        })
        .collect();
    let legend_height = legend(&mut body, &id, &keys, bar_height + 10.0);
    finish(
        &id,
        "chart-bar",
        title,
        desc,
        bar_height + 10.0 + legend_height,
        &body,
    )
}

/// One horizontal stacked bar per category (e.g. per field of state management), its label
/// above it, the bars scaled to the largest total and each total printed at the end of its bar.
/// A label too long for the width is cut with "…" and shown whole on hover.
pub fn bars(title: &str, desc: &str, series: &[Series], rows: &[Row], sep: char) -> Svg {
    let id = new_id();
    let mut body = String::new();
    let keys: Vec<Key> = series.iter().map(Key::new).collect();
    let mut y = legend(&mut body, &id, &keys, 0.0) + 8.0;
    let totals: Vec<i128> = rows
        .iter()
        .map(|r| {
            r.values
                .iter()
                .take(series.len())
                .map(Segment::amount)
                .sum()
        })
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0);
    let value_room = bold_width(&group_thousands(max, sep), FONT) + 8.0;
    let bar_room = WIDTH - value_room;
    let bar_height = 14.0;
    for (row, total) in rows.iter().zip(&totals) {
        let baseline = y + FONT;
        open_link(&mut body, row.href.as_deref());
        label_text(
            &mut body,
            &row.label,
            0.0,
            baseline,
            WIDTH,
            row.href.is_some(),
        );
        close_link(&mut body, row.href.as_deref());
        let top = y + FONT + 5.0;
        for (s, v, start, end) in stack(series, &row.values) {
            let (x0, x1) = (scale(start, max, bar_room), scale(end, max, bar_room));
            let label = format!(
                "{} – {}: {}",
                row.label,
                s.label,
                group_thousands(v.amount(), sep)
            );
            let area = Area {
                x: x0,
                y: top,
                width: x1 - x0,
                height: bar_height,
            };
            shape(&mut body, &id, s, v.href.as_deref(), &label, area);
        }
        let end = scale(*total, max, bar_room);
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" fill="{INK}" font-weight="600">{}</text>"#,
            num(end + 4.0),
            num(top + bar_height / 2.0 + FONT * 0.35),
            esc(&group_thousands(*total, sep))
        );
        y = top + bar_height + 10.0;
    }
    finish(&id, "chart-bars", title, desc, y, &body)
}

/// Monthly trend: per month a column stacking the two `columns` series (completed on time,
/// completed late) and a line with point markers for `line` (overdue at month end), over a y axis
/// with round tick values and the month labels below.
pub fn trend(
    title: &str,
    desc: &str,
    columns: &[Series; 2],
    line: &Series,
    months: &[Month],
    sep: char,
) -> Svg {
    let id = new_id();
    let mut body = String::new();
    let keys = [
        Key::new(&columns[0]),
        Key::new(&columns[1]),
        Key {
            line: true,
            ..Key::new(line)
        },
    ];
    let top = legend(&mut body, &id, &keys, 0.0) + 12.0;
    let max = months
        .iter()
        .map(|m| (m.columns[0].amount() + m.columns[1].amount()).max(m.line.amount()))
        .max()
        .unwrap_or(0);
    let ticks = ticks(max);
    let axis_top = *ticks.last().unwrap_or(&0);
    let tick_labels: Vec<String> = ticks.iter().map(|t| group_thousands(*t, sep)).collect();
    let left = tick_labels
        .iter()
        .map(|t| text_width(t, SMALL))
        .fold(0.0, f64::max)
        + 6.0;
    let plot_width = WIDTH - left - 2.0;
    let plot_height = 150.0;
    let bottom = top + plot_height;
    let y_of = |v: i128| bottom - scale(v, axis_top, plot_height);
    let axis_line = |body: &mut String, y: f64, colour: &str| {
        let _ = write!(
            body,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{colour}" stroke-width="1"/>"#,
            num(left),
            num(WIDTH),
            y = num(y),
        );
    };
    for (tick, label) in ticks.iter().zip(&tick_labels) {
        let y = y_of(*tick);
        if *tick > 0 {
            axis_line(&mut body, y, GRID);
        }
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" fill="{MUTED}" font-size="{SMALL}" text-anchor="end">{}</text>"#,
            num(left - 4.0),
            num(y + SMALL * 0.35),
            esc(label),
        );
    }
    let slot = if months.is_empty() {
        plot_width
    } else {
        plot_width / months.len() as f64
    };
    let column_width = (slot * 0.6).min(32.0);
    let centre = |i: usize| left + slot * (i as f64 + 0.5);
    for (i, m) in months.iter().enumerate() {
        for (s, v, start, end) in stack(columns, &m.columns) {
            let (y0, y1) = (y_of(start), y_of(end));
            let label = format!(
                "{} – {}: {}",
                m.label,
                s.label,
                group_thousands(v.amount(), sep)
            );
            let area = Area {
                x: centre(i) - column_width / 2.0,
                y: y1,
                width: column_width,
                height: y0 - y1,
            };
            shape(&mut body, &id, s, v.href.as_deref(), &label, area);
        }
    }
    // The baseline over the columns' white edges.
    axis_line(&mut body, bottom, AXIS);
    if !months.is_empty() {
        let points: Vec<String> = (0..months.len())
            .map(|i| format!("{},{}", num(centre(i)), num(y_of(months[i].line.amount()))))
            .collect();
        let _ = write!(
            body,
            r#"<polyline class="{}" points="{}" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linejoin="round"/>"#,
            esc(line.class),
            points.join(" ")
        );
        for (i, m) in months.iter().enumerate() {
            let label = format!(
                "{} – {}: {}",
                m.label,
                line.label,
                group_thousands(m.line.amount(), sep)
            );
            open_shape(&mut body, m.line.href.as_deref(), &label);
            marker(&mut body, line.class, centre(i), y_of(m.line.amount()), 4.0);
            close_shape(&mut body, m.line.href.as_deref());
        }
    }
    let label_lines = month_labels(&mut body, months, slot, &centre, bottom);
    let height = bottom + 6.0 + label_lines as f64 * (SMALL + 2.0) + 2.0;
    finish(&id, "chart-trend", title, desc, height, &body)
}

/// Round tick values from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, about
/// five ticks. Only 0 when there is nothing to show.
fn ticks(max: i128) -> Vec<i128> {
    if max <= 0 {
        return vec![0];
    }
    let mut magnitude: i128 = 1;
    let step = loop {
        if let Some(step) = [1, 2, 5]
            .into_iter()
            .map(|f| f * magnitude)
            .find(|s| ceil_div(max, *s) <= 5)
        {
            break step;
        }
        magnitude *= 10;
    };
    (0..=ceil_div(max, step)).map(|i| i * step).collect()
}

/// `a / b` rounded up, for positive numbers.
fn ceil_div(a: i128, b: i128) -> i128 {
    (a + b - 1) / b
}

/// Month labels centred under their columns: on one line when they fit, else split after a "/"
/// or at a space onto two lines, and if even that is too wide only every second (third…) label.
/// Returns the number of lines used.
fn month_labels(
    body: &mut String,
    months: &[Month],
    slot: f64,
    centre: &dyn Fn(usize) -> f64,
    bottom: f64,
) -> usize {
    let room = (slot - 2.0).max(1.0);
    let widest = |split: bool| {
        months
            .iter()
            .flat_map(|m| label_lines(&m.label, split))
            .map(|l| text_width(&l, SMALL))
            .fold(0.0, f64::max)
    };
    let split = widest(false) > room;
    let every = ((widest(split) / room).ceil() as usize).max(1);
    let mut used = 0;
    for (i, m) in months.iter().enumerate().step_by(every) {
        let lines = label_lines(&m.label, split);
        used = used.max(lines.len());
        let _ = write!(
            body,
            r#"<text y="{}" fill="{MUTED}" font-size="{SMALL}" text-anchor="middle">"#,
            num(bottom + 4.0 + SMALL),
        );
        for (n, line) in lines.iter().enumerate() {
            let dy = if n == 0 { 0.0 } else { SMALL + 2.0 };
            let _ = write!(
                body,
                r#"<tspan x="{}" dy="{}">{}</tspan>"#,
                num(centre(i)),
                num(dy),
                esc(line)
            );
        }
        body.push_str("</text>");
    }
    used
}

/// A month label on one line, or split: "T1/2026" → ["T1/", "2026"], "Tháng 1 2026" →
/// ["Tháng 1", "2026"] (one line if it has neither).
fn label_lines(label: &str, split: bool) -> Vec<String> {
    let at = if split {
        label
            .rfind('/')
            .map(|i| i + 1)
            .or_else(|| label.rfind(' ').map(|i| i + 1))
    } else {
        None
    };
    match at.map(|i| label.split_at(i)) {
        Some((a, b)) if !a.trim().is_empty() && !b.is_empty() => {
            vec![a.trim_end().to_owned(), b.to_owned()]
        }
        _ => vec![label.to_owned()],
    }
}

/// One entry of a legend.
struct Key<'a> {
    series: &'a Series,
    /// The series' value, printed after its label.
    value: Option<String>,
    /// Drawn as a line with a marker instead of a box.
    line: bool,
}

impl<'a> Key<'a> {
    fn new(series: &'a Series) -> Self {
        Key {
            series,
            value: None,
            line: false,
        }
    }
}

/// The legend: a swatch and the label (and value) per series, in as many columns as fit. Returns
/// its height.
fn legend(body: &mut String, id: &str, keys: &[Key], top: f64) -> f64 {
    if keys.is_empty() {
        return 0.0;
    }
    let swatch = 12.0;
    let gap = 16.0;
    let line_height = 20.0;
    let value_width = |key: &Key| {
        key.value
            .as_deref()
            .map_or(0.0, |v| bold_width(v, FONT) + text_width(" ", FONT))
    };
    // A grid: as many equal columns as the widest entry allows, so entries line up.
    let widest = keys
        .iter()
        .map(|k| swatch + 4.0 + text_width(&k.series.label, FONT) + value_width(k))
        .fold(0.0, f64::max);
    let columns = (((WIDTH + gap) / (widest + gap)).floor() as usize).clamp(1, keys.len());
    let cell = (WIDTH + gap) / columns as f64;
    for (i, key) in keys.iter().enumerate() {
        let series = key.series;
        let x = cell * (i % columns) as f64;
        let y = top + line_height * (i / columns) as f64;
        let room = cell - gap - swatch - 4.0 - value_width(key);
        let label = fit(&series.label, room.max(FONT), FONT);
        if key.line {
            let mid = num(y + swatch / 2.0);
            let _ = write!(
                body,
                r#"<line class="{}" x1="{}" y1="{mid}" x2="{}" y2="{mid}" stroke="currentColor" stroke-width="2.5"/>"#,
                esc(series.class),
                num(x),
                num(x + swatch),
            );
            marker(body, series.class, x + swatch / 2.0, y + swatch / 2.0, 3.5);
        } else {
            let area = Area {
                x,
                y,
                width: swatch,
                height: swatch,
            };
            fill_rect(body, id, series, area);
        }
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" fill="{INK}">"#,
            num(x + swatch + 4.0),
            num(y + swatch / 2.0 + FONT * 0.35)
        );
        if label != series.label {
            let _ = write!(body, "<title>{}</title>", esc(&series.label));
        }
        body.push_str(&esc(&label));
        if let Some(value) = &key.value {
            let _ = write!(body, r#" <tspan font-weight="700">{}</tspan>"#, esc(value));
        }
        body.push_str("</text>");
    }
    line_height * keys.len().div_ceil(columns) as f64
}

/// A label starting at `x`, cut with "…" to `room` units and then shown whole on hover.
fn label_text(body: &mut String, label: &str, x: f64, baseline: f64, room: f64, link: bool) {
    let shown = fit(label, room, FONT);
    let colour = if link { LINK } else { INK };
    let _ = write!(
        body,
        r#"<text x="{}" y="{}" fill="{colour}">"#,
        num(x),
        num(baseline)
    );
    if shown != label {
        let _ = write!(body, "<title>{}</title>", esc(label));
    }
    let _ = write!(body, "{}</text>", esc(&shown));
}

/// `label`, or as much of it as fits `room` units, ending in "…".
fn fit(label: &str, room: f64, size: f64) -> String {
    if text_width(label, size) <= room {
        return label.to_owned();
    }
    let mut chars = label.chars().count();
    while chars > 1 {
        chars -= 1;
        let cut = shorten(label, chars);
        if text_width(&cut, size) <= room {
            return cut;
        }
    }
    "…".to_owned()
}

/// A rectangle in chart units.
#[derive(Clone, Copy, Debug)]
struct Area {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

/// A value's shape: its coloured rectangle in a link (when it has one) with a hover title.
/// Nothing for an empty area.
/// The parts of a stack that are not empty, each with the running total where it starts and
/// where it ends (values pair with series in order; what has no partner is left out).
fn stack<'a>(
    series: &'a [Series],
    values: &'a [Segment],
) -> Vec<(&'a Series, &'a Segment, i128, i128)> {
    let mut sum = 0;
    series
        .iter()
        .zip(values)
        .filter(|(_, v)| v.amount() > 0)
        .map(|(s, v)| {
            let start = sum;
            sum += v.amount();
            (s, v, start, sum)
        })
        .collect()
}

fn shape(
    body: &mut String,
    id: &str,
    series: &Series,
    href: Option<&str>,
    title: &str,
    area: Area,
) {
    if !(area.width > 0.0 && area.height > 0.0) {
        return;
    }
    open_shape(body, href, title);
    fill_rect(body, id, series, area);
    close_shape(body, href);
}

fn open_shape(body: &mut String, href: Option<&str>, title: &str) {
    match href {
        Some(href) => {
            let _ = write!(body, r#"<a href="{}">"#, esc(href));
        }
        None => body.push_str("<g>"),
    }
    let _ = write!(body, "<title>{}</title>", esc(title));
}

fn close_shape(body: &mut String, href: Option<&str>) {
    body.push_str(if href.is_some() { "</a>" } else { "</g>" });
}

fn open_link(body: &mut String, href: Option<&str>) {
    if let Some(href) = href {
        let _ = write!(body, r#"<a href="{}">"#, esc(href));
    }
}

fn close_link(body: &mut String, href: Option<&str>) {
    if href.is_some() {
        body.push_str("</a>");
    }
}

/// A rectangle in the series' colour, a thin white edge parting it from its neighbours, and its
/// hatch on top.
fn fill_rect(body: &mut String, id: &str, series: &Series, area: Area) {
    let (x, y) = (num(area.x), num(area.y));
    let (w, h) = (num(area.width), num(area.height));
    let _ = write!(
        body,
        r##"<rect class="{}" x="{x}" y="{y}" width="{w}" height="{h}" fill="currentColor" stroke="#fff" stroke-width="1"/>"##,
        esc(series.class)
    );
    let pattern = match series.fill {
        Fill::Solid => return,
        Fill::Hatched => "hatch",
        Fill::CrossHatched => "cross",
    };
    let _ = write!(
        body,
        r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="url(#{id}-{pattern})"/>"#
    );
}

fn marker(body: &mut String, class: &str, x: f64, y: f64, r: f64) {
    let _ = write!(
        body,
        r##"<circle class="{}" cx="{}" cy="{}" r="{r}" fill="currentColor" stroke="#fff" stroke-width="1.5"/>"##,
        esc(class),
        num(x),
        num(y)
    );
}

fn rect(body: &mut String, x: f64, y: f64, width: f64, height: f64, fill: &str) {
    let _ = write!(
        body,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"/>"#,
        num(x),
        num(y),
        num(width),
        num(height)
    );
}

/// The chart around its body: the root element with its size, accessible name and
/// description, and the hatch patterns under ids of its own.
fn finish(id: &str, kind: &str, title: &str, desc: &str, height: f64, body: &str) -> Svg {
    let mut out = String::with_capacity(body.len() + 1024);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" viewBox="0 0 {} {}" role="img" aria-labelledby="{id}-title {id}-desc" font-size="{FONT}">"#,
        num(WIDTH),
        num(height.ceil()),
    );
    let _ = write!(
        out,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    let _ = write!(
        out,
        concat!(
            r#"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"#,
            r##"<rect width="2.5" height="6" fill="#fff" fill-opacity="0.6"/></pattern>"##,
            r#"<pattern id="{id}-cross" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"#,
            r##"<rect width="2" height="6" fill="#fff" fill-opacity="0.6"/><rect y="0" width="6" height="2" fill="#fff" fill-opacity="0.6"/></pattern></defs>"##
        ),
        id = id
    );
    out.push_str(body);
    out.push_str("</svg>");
    Svg(out)
}

/// An id no other chart drawn by this process has, so several charts fit on one page.
fn new_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("chart-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// `part` of `whole` as a share of `length`; 0 when `whole` is 0.
fn scale(part: i128, whole: i128, length: f64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    length * (part as f64 / whole as f64)
}

/// A coordinate: at most two decimals, no trailing zeros, never NaN or infinite.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_owned();
    }
    let rounded = (x * 100.0).round() / 100.0;
    let text = format!("{rounded:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Roughly how wide `text` is in a sans-serif font of `size` units: Arial's widths (Segoe UI,
/// Roboto and Helvetica are close) plus 8 %, for Noto Sans and others a little wider.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            ' ' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' | 'i' | 'j' | 'l' | 'I' => 0.28,
            'f' | 't' | 'r' | '(' | ')' | '/' | '-' => 0.36,
            'm' | 'w' | 'M' | 'W' | '–' | '—' => 0.88,
            '0'..='9' => 0.6,
            c if c.is_uppercase() => 0.74,
            _ => 0.57,
        })
        .sum::<f64>()
        * size
}

/// Like [`text_width`] for bold text.
fn bold_width(text: &str, size: f64) -> f64 {
    text_width(text, size) * 1.08
}

/// Text or an attribute value for XML: the five special characters escaped, characters XML does not allow dropped.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use roxmltree::{Document, Node};

    use super::*;

    const NASTY: &str = r#"Quản lý <nhà> & "đất" 'đai'"#;

    fn status_series() -> Vec<Series> {
        vec![
            Series::new("Hoàn thành đúng hạn", "c-ontime"),
            Series::new("Hoàn thành trễ hạn", "c-late").hatched(),
            Series::new("Đang thực hiện trong hạn", "c-open"),
            Series::new("Sắp đến hạn", "c-soon"),
            Series::new("Quá hạn", "c-overdue").cross_hatched(),
        ]
    }

    fn segments(values: &[i64]) -> Vec<Segment> {
        values.iter().map(|v| Segment::new(*v)).collect()
    }

    fn rows(n: usize, values: &[i64]) -> Vec<Row> {
        (0..n)
            .map(|i| Row {
                label: format!("Lĩnh vực {i}"),
                href: Some(format!("/tasks?field={i}&status=open")),
                values: segments(values),
            })
            .collect()
    }

    fn months(n: usize, f: impl Fn(i64) -> [i64; 3]) -> Vec<Month> {
        (0..n as i64)
            .map(|i| {
                let [a, b, c] = f(i);
                Month {
                    label: format!("T{}/{}", i % 12 + 1, 2025 + i / 12),
                    columns: [Segment::new(a), Segment::new(b)],
                    line: Segment::new(c),
                }
            })
            .collect()
    }

    fn trend_of(months: &[Month]) -> Svg {
        let columns = [
            Series::new("Hoàn thành đúng hạn", "c-ontime"),
            Series::new("Hoàn thành trễ hạn", "c-late").hatched(),
        ];
        let line = Series::new("Quá hạn cuối tháng", "c-line");
        trend("Xu hướng", "Theo tháng", &columns, &line, months, '.')
    }

    /// Parses the chart and checks what every chart must be: well-formed, no inline style,
    /// labelled by its own title and description, ids unique, every number finite and no size
    /// negative.
    fn check(svg: &Svg) -> Document<'_> {
        let doc = Document::parse(svg.as_str())
            .unwrap_or_else(|e| panic!("not well-formed: {e}\n{}", svg.as_str()));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"));
        assert!(root.attribute("viewBox").is_some());
        let mut ids = HashSet::new();
        for node in doc.descendants().filter(Node::is_element) {
            assert_ne!(node.tag_name().name(), "style");
            assert!(
                node.attribute("style").is_none(),
                "inline style on {node:?}"
            );
            if let Some(id) = node.attribute("id") {
                assert!(ids.insert(id.to_owned()), "id {id} twice");
            }
            for a in node.attributes() {
                let numeric = matches!(
                    a.name(),
                    "x" | "y" | "x1" | "x2" | "y1" | "y2" | "cx" | "cy" | "r" | "dy"
                ) || (a.name() == "width" || a.name() == "height");
                if numeric {
                    let v: f64 = a
                        .value()
                        .parse()
                        .unwrap_or_else(|_| panic!("{}={:?} is not a number", a.name(), a.value()));
                    assert!(v.is_finite());
                    if matches!(a.name(), "width" | "height" | "r") {
                        assert!(v >= 0.0, "{}={v}", a.name());
                    }
                }
            }
            if let Some(points) = node.attribute("points") {
                for n in points.split([' ', ',']) {
                    assert!(n.parse::<f64>().is_ok_and(f64::is_finite), "{points}");
                }
            }
        }
        let viewbox: Vec<f64> = root
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect();
        assert!(viewbox.iter().all(|n| n.is_finite() && *n >= 0.0));
        let labelled_by = root.attribute("aria-labelledby").unwrap();
        let targets: Vec<&str> = labelled_by.split(' ').collect();
        assert_eq!(targets.len(), 2);
        let kinds: Vec<&str> = targets
            .iter()
            .map(|t| {
                let node = doc
                    .descendants()
                    .find(|n| n.attribute("id") == Some(*t))
                    .unwrap_or_else(|| panic!("no element {t}"));
                assert_eq!(node.parent(), Some(root));
                node.tag_name().name()
            })
            .collect();
        assert_eq!(kinds, ["title", "desc"]);
        doc
    }

    /// The texts people read: every `<text>`, with its tspans, without hover titles.
    fn texts(doc: &Document) -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|t| {
                t.descendants()
                    .filter(|n| n.is_text() && !n.parent().unwrap().has_tag_name("title"))
                    .map(|n| n.text().unwrap())
                    .collect::<Vec<_>>()
                    .join("")
            })
            .collect()
    }

    fn titles(doc: &Document) -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name("title"))
            .map(|n| n.text().unwrap_or_default().to_owned())
            .collect()
    }

    /// The rectangles of the series' colours (not swatches: those are 12 by 12 in the legend).
    fn shapes<'a>(doc: &'a Document) -> Vec<Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("class").is_some())
            .filter(|n| {
                n.parent()
                    .is_some_and(|p| p.has_tag_name("a") || p.has_tag_name("g"))
            })
            .collect()
    }

    fn f(node: &Node, name: &str) -> f64 {
        node.attribute(name).unwrap().parse().unwrap()
    }

    #[test]
    fn every_chart_is_well_formed() {
        let series = status_series();
        let values = segments(&[24321, 1200, 800, 75, 3]);
        check(&stacked_bar("Tình trạng", "Mô tả", &series, &values, '.'));
        check(&bars(
            "Theo lĩnh vực",
            "Mô tả",
            &series,
            &rows(6, &[5, 4, 3, 2, 1]),
            '.',
        ));
        check(&trend_of(&months(12, |i| [10 * i, i, 30 - i])));
    }

    #[test]
    fn text_is_escaped() {
        let series = vec![
            Series::new(NASTY, "c-ontime"),
            Series::new("x\u{1}y\u{0}", "c-late"),
        ];
        let values = vec![Segment::linked(3, "/tasks?a=1&b=<2>"), Segment::new(2)];
        let svg = stacked_bar(NASTY, NASTY, &series, &values, '.');
        assert!(!svg.as_str().contains("<nhà>"));
        let doc = check(&svg);
        let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(title.text(), Some(NASTY));
        let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap();
        assert_eq!(desc.text(), Some(NASTY));
        assert!(texts(&doc).contains(&format!("{NASTY} 3")));
        assert!(
            texts(&doc).contains(&"xy 2".to_owned()),
            "control characters dropped"
        );
        let link = doc.descendants().find(|n| n.has_tag_name("a")).unwrap();
        assert_eq!(link.attribute("href"), Some("/tasks?a=1&b=<2>"));
        assert!(titles(&doc).contains(&format!("{NASTY}: 3")));

        let rows = vec![Row {
            label: NASTY.to_owned(),
            href: Some("/x?a&b".to_owned()),
            values: segments(&[1]),
        }];
        let doc_bars = bars(NASTY, NASTY, &series, &rows, '.');
        assert!(texts(&check(&doc_bars)).contains(&NASTY.to_owned()));

        let mut month = months(1, |_| [1, 1, 1]);
        month[0].label = NASTY.to_owned();
        check(&trend_of(&month));
    }

    #[test]
    fn the_numbers_shown_are_the_inputs() {
        let series = status_series();
        let values = segments(&[24321, 1200, 800, 75, 3]);
        let doc_text = stacked_bar("t", "d", &series, &values, '.');
        let shown = texts(&check(&doc_text));
        for expected in [
            "Hoàn thành đúng hạn 24.321",
            "Hoàn thành trễ hạn 1.200",
            "Đang thực hiện trong hạn 800",
            "Sắp đến hạn 75",
            "Quá hạn 3",
        ] {
            assert!(
                shown.contains(&expected.to_owned()),
                "{expected} in {shown:?}"
            );
        }
        let english = stacked_bar("t", "d", &series, &values, ',');
        assert!(texts(&check(&english)).contains(&"Hoàn thành đúng hạn 24,321".to_owned()));

        let rows = vec![
            Row {
                label: "A".into(),
                href: None,
                values: segments(&[1000, 234]),
            },
            Row {
                label: "B".into(),
                href: None,
                values: segments(&[7, 0]),
            },
        ];
        let svg = bars("t", "d", &series[..2], &rows, '.');
        let doc = check(&svg);
        let shown = texts(&doc);
        assert!(shown.contains(&"1.234".to_owned()), "{shown:?}");
        assert!(shown.contains(&"7".to_owned()), "{shown:?}");
        let hover = titles(&doc);
        assert!(
            hover.contains(&"A – Hoàn thành đúng hạn: 1.000".to_owned()),
            "{hover:?}"
        );
        assert!(
            hover.contains(&"A – Hoàn thành trễ hạn: 234".to_owned()),
            "{hover:?}"
        );

        let svg = trend_of(&months(3, |i| [1000 * (i + 1), 500, 250 * i]));
        let doc = check(&svg);
        let hover = titles(&doc);
        assert!(hover.contains(&"T3/2025 – Hoàn thành đúng hạn: 3.000".to_owned()));
        assert!(hover.contains(&"T2/2025 – Quá hạn cuối tháng: 250".to_owned()));
        let shown = texts(&doc);
        for tick in ["0", "1.000", "2.000", "3.000", "4.000"] {
            assert!(shown.contains(&tick.to_owned()), "{tick} in {shown:?}");
        }
    }

    #[test]
    fn segments_fill_the_whole_bar() {
        for values in [
            vec![24321, 1200, 800, 75, 3],
            vec![1, 1, 1, 0, 0],
            vec![1, 2, 3, 5, 7],
            vec![i64::MAX, 1, 0, 0, 1],
        ] {
            let svg = stacked_bar("t", "d", &status_series(), &segments(&values), '.');
            let doc = check(&svg);
            let shapes = shapes(&doc);
            let total: f64 = shapes.iter().map(|r| f(r, "width")).sum();
            assert!((total - WIDTH).abs() < 0.05, "{values:?}: {total}");
            let mut end = 0.0;
            for shape in &shapes {
                assert!((f(shape, "x") - end).abs() < 0.011, "segments touch");
                end = f(shape, "x") + f(shape, "width");
            }
        }
    }

    #[test]
    fn bars_are_scaled_to_the_largest_total() {
        let series = status_series();
        let rows = vec![
            Row {
                label: "A".into(),
                href: None,
                values: segments(&[30, 10]),
            },
            Row {
                label: "B".into(),
                href: None,
                values: segments(&[20]),
            },
        ];
        let svg = bars("t", "d", &series, &rows, '.');
        let doc = check(&svg);
        let widths: Vec<f64> = shapes(&doc).iter().map(|r| f(r, "width")).collect();
        assert_eq!(widths.len(), 3);
        let full = widths[0] + widths[1];
        assert!((widths[0] / full - 0.75).abs() < 0.001);
        assert!((widths[2] / full - 0.5).abs() < 0.001);
        assert!(full < WIDTH, "room is left for the value label");
    }

    #[test]
    fn nothing_to_show_draws_an_empty_frame() {
        let series = status_series();
        for svg in [
            stacked_bar("t", "d", &series, &segments(&[0, 0, 0, 0, 0]), '.'),
            stacked_bar("t", "d", &series, &[], '.'),
            stacked_bar("t", "d", &[], &[], '.'),
            bars("t", "d", &series, &rows(3, &[0, 0]), '.'),
            bars("t", "d", &series, &[], '.'),
            trend_of(&months(12, |_| [0, 0, 0])),
            trend_of(&[]),
        ] {
            let doc = check(&svg);
            assert!(shapes(&doc).is_empty(), "{}", svg.as_str());
            assert!(!svg.as_str().contains("NaN") && !svg.as_str().contains("inf"));
        }
        let svg = trend_of(&months(2, |_| [0, 0, 0]));
        assert!(texts(&check(&svg)).contains(&"0".to_owned()));
    }

    #[test]
    fn a_huge_value_fits() {
        let series = status_series();
        let svg = stacked_bar("t", "d", &series, &segments(&[i64::MAX, 0, 0, 0, 0]), '.');
        let doc = check(&svg);
        assert!(texts(&doc).contains(&"Hoàn thành đúng hạn 9.223.372.036.854.775.807".into()));
        assert_eq!(shapes(&doc).len(), 1);
        assert_eq!(f(&shapes(&doc)[0], "width"), WIDTH);

        let svg = bars("t", "d", &series, &rows(2, &[i64::MAX, i64::MAX]), '.');
        let doc = check(&svg);
        assert!(texts(&doc).contains(&"18.446.744.073.709.551.614".into()));
        for text in doc.descendants().filter(|n| n.has_tag_name("text")) {
            assert!(f(&text, "x") < WIDTH, "the value label stays inside");
        }

        let svg = trend_of(&months(3, |_| [i64::MAX, i64::MAX, i64::MAX]));
        let doc = check(&svg);
        for circle in doc.descendants().filter(|n| n.has_tag_name("circle")) {
            assert!(f(&circle, "cy") > 0.0);
        }
    }

    #[test]
    fn forty_categories() {
        let mut rows = rows(40, &[3, 2, 1, 0, 5]);
        rows[7].label = "Quản lý nhà nước về đất đai, tài nguyên, môi trường và khoáng sản trên địa bàn thành phố".into();
        let svg = bars("t", "d", &status_series(), &rows, '.');
        let doc = check(&svg);
        let shown = texts(&doc);
        for i in [0, 1, 20, 39] {
            assert!(shown.contains(&format!("Lĩnh vực {i}")), "{i}");
        }
        let long = shown
            .iter()
            .find(|t| t.starts_with("Quản lý nhà nước"))
            .unwrap();
        assert!(long.ends_with('…'), "{long}");
        assert!(text_width(long, FONT) <= WIDTH);
        assert!(
            titles(&doc).contains(&rows[7].label),
            "the whole label on hover"
        );
        assert_eq!(
            doc.descendants()
                .filter(
                    |n| n.has_tag_name("a") && n.attribute("href").unwrap().contains("status=open")
                )
                .count(),
            40,
            "each category label links to its list"
        );
        let height: f64 = doc
            .root_element()
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .nth(3)
            .unwrap()
            .parse()
            .unwrap();
        assert!(height > 40.0 * 30.0);
    }

    #[test]
    fn negative_values_count_as_zero() {
        let series = status_series();
        let svg = stacked_bar("t", "d", &series, &segments(&[-5, 10, 0, -1, 10]), '.');
        let doc = check(&svg);
        let widths: Vec<f64> = shapes(&doc).iter().map(|r| f(r, "width")).collect();
        assert_eq!(widths, [WIDTH / 2.0, WIDTH / 2.0]);
        let shown = texts(&doc);
        assert!(shown.contains(&"Hoàn thành đúng hạn 0".into()), "{shown:?}");
        assert!(!svg.as_str().contains("-5"));

        let svg = bars("t", "d", &series, &rows(2, &[-100, 4]), '.');
        let shown = texts(&check(&svg));
        assert!(shown.contains(&"4".into()), "{shown:?}");

        let svg = trend_of(&months(4, |i| [-i, 2, -3]));
        let doc = check(&svg);
        assert!(!texts(&doc).iter().any(|t| t.starts_with('-')));
    }

    #[test]
    fn a_segment_with_a_page_is_a_link_with_a_hover_title() {
        let series = status_series();
        let values = vec![Segment::linked(4, "/tasks?time=overdue"), Segment::new(6)];
        let svg = stacked_bar("t", "d", &series, &values, '.');
        let doc = check(&svg);
        let links: Vec<Node> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].attribute("href"), Some("/tasks?time=overdue"));
        let first = links[0].first_element_child().unwrap();
        assert!(first.has_tag_name("title"));
        assert_eq!(first.text(), Some("Hoàn thành đúng hạn: 4"));
        let rect = links[0]
            .descendants()
            .find(|n| n.has_tag_name("rect"))
            .unwrap();
        assert_eq!(rect.attribute("class"), Some("c-ontime"));
    }

    #[test]
    fn hatched_series_use_the_charts_own_patterns() {
        let series = status_series();
        let values = segments(&[1, 1, 1, 1, 1]);
        let a = stacked_bar("t", "d", &series, &values, '.');
        let b = stacked_bar("t", "d", &series, &values, '.');
        let (doc_a, doc_b) = (check(&a), check(&b));
        let ids = |doc: &Document| -> HashSet<String> {
            doc.descendants()
                .filter_map(|n| n.attribute("id").map(str::to_owned))
                .collect()
        };
        assert!(
            ids(&doc_a).is_disjoint(&ids(&doc_b)),
            "ids differ between charts"
        );
        for doc in [&doc_a, &doc_b] {
            let ids = ids(doc);
            let fills: Vec<&str> = doc
                .descendants()
                .filter_map(|n| n.attribute("fill"))
                .filter(|f| f.starts_with("url(#"))
                .collect();
            assert_eq!(
                fills.len(),
                4,
                "late and overdue, in the bar and the legend"
            );
            for fill in fills {
                assert!(
                    ids.contains(&fill[5..fill.len() - 1]),
                    "{fill} is defined here"
                );
            }
        }
    }

    #[test]
    fn month_labels_fit_or_split_or_thin_out() {
        let twelve = trend_of(&months(12, |i| [i, 1, 2]));
        let shown = texts(&check(&twelve));
        for m in 1..=12 {
            assert!(shown.contains(&format!("T{m}/2025")), "T{m} in {shown:?}");
        }
        let three = trend_of(&months(3, |i| [i, 1, 2]));
        let doc = check(&three);
        assert!(
            doc.descendants()
                .any(|n| n.has_tag_name("tspan") && n.text() == Some("T1/2025"))
        );
        let forty = trend_of(&months(40, |i| [i, 1, 2]));
        let shown = texts(&check(&forty));
        let labels = shown.iter().filter(|t| t.starts_with('T')).count();
        assert!((5..40).contains(&labels), "{labels} month labels");
        assert!(
            shown.contains(&"T1/2025".into()),
            "the first month is labelled"
        );
    }

    #[test]
    fn round_ticks() {
        assert_eq!(ticks(0), [0]);
        assert_eq!(ticks(1), [0, 1]);
        assert_eq!(ticks(4), [0, 1, 2, 3, 4]);
        assert_eq!(ticks(7), [0, 2, 4, 6, 8]);
        assert_eq!(ticks(24), [0, 5, 10, 15, 20, 25]);
        assert_eq!(ticks(24321), [0, 5000, 10000, 15000, 20000, 25000]);
        assert_eq!(ticks(26000), [0, 10000, 20000, 30000]);
        assert_eq!(
            *ticks(2 * i128::from(i64::MAX)).last().unwrap(),
            20_000_000_000_000_000_000
        );
    }

    #[test]
    fn coordinates_are_short_and_finite() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.005_1), "1.01");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "0");
    }

    #[test]
    fn prints_unescaped_in_a_template() {
        #[derive(askama::Template)]
        #[template(source = "<figure>{{ chart }}</figure>", ext = "html")]
        struct Page {
            chart: Svg,
        }
        let chart = stacked_bar("A & B", "d", &status_series(), &segments(&[1]), '.');
        let html = askama::Template::render(&Page {
            chart: chart.clone(),
        })
        .unwrap();
        assert_eq!(html, format!("<figure>{chart}</figure>"));
        assert!(html.contains("<title id=") && html.contains("A &amp; B"));
    }

    /// Writes sample charts to look at: `CHARTS_SAMPLE_DIR=/tmp/charts-sample cargo test --lib
    /// charts -- --ignored`.
    #[test]
    #[ignore = "writes files for people to look at"]
    fn write_samples() {
        let dir = std::env::var("CHARTS_SAMPLE_DIR").expect("CHARTS_SAMPLE_DIR");
        let series = status_series();
        let values = vec![
            Segment::linked(24321, "/tasks?time=done_on_time"),
            Segment::linked(1873, "/tasks?time=done_late"),
            Segment::linked(5120, "/tasks?time=on_track"),
            Segment::linked(642, "/tasks?time=due_soon"),
            Segment::linked(1318, "/tasks?time=overdue"),
        ];
        let bar = stacked_bar(
            "Tình hình thực hiện nhiệm vụ",
            "Tỷ lệ nhiệm vụ theo tình trạng thời hạn",
            &series,
            &values,
            '.',
        );
        let fields = [
            "Quản lý nhà nước về đất đai, tài nguyên và môi trường",
            "Xây dựng & giao thông",
            "Y tế",
            "Giáo dục và đào tạo",
            "Tài chính – ngân sách",
        ];
        let rows: Vec<Row> = fields
            .iter()
            .enumerate()
            .map(|(i, label)| Row {
                label: (*label).to_owned(),
                href: Some(format!("/tasks?field={i}")),
                values: segments(&[
                    900 / (i as i64 + 1),
                    120 / (i as i64 + 1),
                    300,
                    40 * i as i64,
                    60 + 50 * i as i64,
                ]),
            })
            .collect();
        let by_field = bars(
            "Theo lĩnh vực",
            "Nhiệm vụ theo lĩnh vực quản lý nhà nước",
            &series,
            &rows,
            '.',
        );
        let trend = trend_of(&months(12, |i| {
            [
                1200 + 150 * i,
                80 + 25 * (i % 5),
                900 - 40 * i + 30 * (i % 3),
            ]
        }));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, svg) in [
            ("stacked-bar", &bar),
            ("bars", &by_field),
            ("trend", &trend),
        ] {
            std::fs::write(format!("{dir}/{name}.svg"), svg.as_str()).unwrap();
        }
    }
}
