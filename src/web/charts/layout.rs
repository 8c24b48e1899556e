//! Where every part of a chart goes: pure functions from the numbers and the translated labels
//! to plain data — rectangles, text positions, ticks, legend entries, labels already fitted to
//! their room, links and hover titles — that the templates under `templates/charts/` draw.
//!
//! Coordinates are in chart units: every chart is [`WIDTH`] units wide and as tall as it needs.
//! Label widths are estimated from the characters (no font metrics on the server), a little
//! wide. Texts are returned as they are (askama escapes them when they are drawn), less the
//! control characters XML cannot carry at all.

use std::fmt;

use super::input::{Fill, Month, Row, Segment, Series};
use crate::domain::text::{group_thousands, shorten};

/// Width of every chart in SVG units (its `viewBox`); the page scales it.
pub const WIDTH: f64 = 400.0;
/// Font size of labels, in SVG units.
pub const FONT: f64 = 13.0;
/// Font size of axis labels (ticks, months).
pub const SMALL: f64 = 11.0;
/// Side of a legend's colour box.
const SWATCH: f64 = 12.0;
/// Room between the columns of a legend.
const KEY_GAP: f64 = 16.0;
/// Height of one line of a legend.
const KEY_LINE: f64 = 20.0;
/// Height of the 100 % bar.
const BAR: f64 = 28.0;
/// Height of one bar of [`bars`].
const ROW_BAR: f64 = 14.0;
/// Height of the plot of [`trend`], without its labels.
const PLOT: f64 = 150.0;

/// A coordinate or length in chart units. Prints with at most two decimals and no trailing
/// zeros, and as 0 when it is not a finite number, so the SVG stays short and valid.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.is_finite() {
            return f.write_str("0");
        }
        let rounded = format!("{:.2}", (self.0 * 100.0).round() / 100.0);
        match rounded.trim_end_matches('0').trim_end_matches('.') {
            "-0" => f.write_str("0"),
            text => f.write_str(text),
        }
    }
}

/// A point in chart units, such as where a text starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// From the left edge.
    pub x: Num,
    /// From the top edge (for a text, its baseline).
    pub y: Num,
}

impl Point {
    fn new(x: f64, y: f64) -> Self {
        Point {
            x: Num(x),
            y: Num(y),
        }
    }
}

/// A rectangle in chart units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: Num,
    /// Top edge.
    pub y: Num,
    /// Width, never negative.
    pub width: Num,
    /// Height, never negative.
    pub height: Num,
}

impl Rect {
    fn new(x: f64, y: f64, width: f64, height: f64) -> Self {
        Rect {
            x: Num(x),
            y: Num(y),
            width: Num(width),
            height: Num(height),
        }
    }

    /// Whether there is anything to see.
    fn is_empty(&self) -> bool {
        !(self.width.0 > 0.0 && self.height.0 > 0.0)
    }
}

/// A horizontal line from `x1` to `x2` at height `y`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    /// Where it starts.
    pub x1: Num,
    /// Where it ends.
    pub x2: Num,
    /// Its height.
    pub y: Num,
}

/// A round point marker: its centre and radius.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Marker {
    /// Centre, from the left.
    pub cx: Num,
    /// Centre, from the top.
    pub cy: Num,
    /// Radius.
    pub r: Num,
}

impl Marker {
    fn new(cx: f64, cy: f64, r: f64) -> Self {
        Marker {
            cx: Num(cx),
            cy: Num(cy),
            r: Num(r),
        }
    }
}

/// How a series' shapes are painted: the CSS class that gives their colour, and the pattern
/// of the chart's own `<defs>` drawn over it (`hatch` or `cross`), if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    /// A series class from `static/app.css`, such as `c-ontime`.
    pub class: &'static str,
    /// The id suffix of the hatch pattern laid over the colour.
    pub pattern: Option<&'static str>,
}

impl Look {
    fn of(series: &Series) -> Self {
        let pattern = match series.fill {
            Fill::Solid => None,
            Fill::Hatched => Some("hatch"),
            Fill::CrossHatched => Some("cross"),
        };
        Look {
            class: series.class,
            pattern,
        }
    }
}

/// A label as shown: cut with "…" when it did not fit its room, and then the whole label for
/// a hover title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fitted {
    /// What is printed.
    pub shown: String,
    /// The whole label, when `shown` is cut.
    pub whole: Option<String>,
}

impl Fitted {
    fn new(label: &str, room: f64, size: f64) -> Self {
        let shown = fit(label, room, size);
        let whole = (shown != label).then(|| xml_text(label));
        Fitted {
            shown: xml_text(&shown),
            whole,
        }
    }
}

/// A text that needs no fitting (a number), and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// Where it is anchored.
    pub at: Point,
    /// What it says.
    pub text: String,
}

/// A value's coloured rectangle, with the hover title naming it and its number, and the page
/// that lists what it counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// Where it is drawn; never empty.
    pub area: Rect,
    /// Its series' colour and hatch.
    pub look: Look,
    /// "Series: 1.234", or "Category – Series: 1.234".
    pub title: String,
    /// The page it links to.
    pub href: Option<String>,
}

/// The chart around its parts: its size and accessible name and description.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Always [`WIDTH`].
    pub width: Num,
    /// Whole units, enough for every part.
    pub height: Num,
    /// The accessible name.
    pub title: String,
    /// The accessible description.
    pub desc: String,
}

impl Frame {
    fn new(title: &str, desc: &str, height: f64) -> Self {
        Frame {
            width: Num(WIDTH),
            height: Num(height.ceil()),
            title: xml_text(title),
            desc: xml_text(desc),
        }
    }
}

/// One entry of a legend: the series' mark, its label and perhaps its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// A colour box, or a line with a marker for a series drawn as a line.
    pub mark: Mark,
    /// The series' colour and hatch.
    pub look: Look,
    /// Where the label starts.
    pub at: Point,
    /// The series' label, fitted to its column.
    pub label: Fitted,
    /// The series' value, printed bold after the label.
    pub value: Option<String>,
}

/// How a legend entry shows its series.
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// A box filled like the series' shapes.
    Swatch(Rect),
    /// A short line with a marker on it.
    Line(Line, Marker),
}

/// The 100 % bar of [`stacked_bar`].
#[derive(Clone, Debug, PartialEq)]
pub struct StackedBar {
    /// Size, name and description.
    pub frame: Frame,
    /// The whole bar, drawn under the parts (all of it when nothing counts).
    pub track: Rect,
    /// One part per value above zero, left to right, together exactly as wide as the chart.
    pub parts: Vec<Part>,
    /// Each series with its value.
    pub legend: Vec<Key>,
}

/// The bars per category of [`bars`].
#[derive(Clone, Debug, PartialEq)]
pub struct Bars {
    /// Size, name and description.
    pub frame: Frame,
    /// Each series.
    pub legend: Vec<Key>,
    /// One per category, top to bottom.
    pub rows: Vec<BarRow>,
}

/// One category of [`Bars`]: its label above its bar, the bar's parts, its total after it.
#[derive(Clone, Debug, PartialEq)]
pub struct BarRow {
    /// Where the label starts.
    pub at: Point,
    /// The category's label, fitted to the chart's width.
    pub label: Fitted,
    /// The page of the whole category, the label's link.
    pub href: Option<String>,
    /// The parts of the bar, left to right.
    pub parts: Vec<Part>,
    /// The total, just after the end of the bar.
    pub total: Text,
}

/// The monthly trend of [`trend`].
#[derive(Clone, Debug, PartialEq)]
pub struct Trend {
    /// Size, name and description.
    pub frame: Frame,
    /// The two column series and the line.
    pub legend: Vec<Key>,
    /// The y axis, bottom to top.
    pub ticks: Vec<Tick>,
    /// The parts of every month's column.
    pub columns: Vec<Part>,
    /// The baseline, drawn over the columns' lower edges.
    pub axis: Line,
    /// The line; none without months.
    pub line: Option<TrendLine>,
    /// The month labels that are shown.
    pub months: Vec<MonthLabel>,
}

/// One value of the y axis: its grid line (none at 0, where the axis is) and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// The grid line across the plot.
    pub grid: Option<Line>,
    /// The number, right-aligned left of the plot.
    pub label: Text,
}

/// The line of [`Trend`]: one point per month, each a marker with a hover title and link.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendLine {
    /// The line series' colour class.
    pub class: &'static str,
    /// The points, left to right.
    pub points: Vec<Dot>,
}

/// One point of the trend line.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    /// Where it is.
    pub marker: Marker,
    /// "Month – Series: 12".
    pub title: String,
    /// The page it links to.
    pub href: Option<String>,
}

/// A month label, centred under its column, on one line or two.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthLabel {
    /// The first line's baseline.
    pub y: Num,
    /// Each line: where its centre is, how far below the previous line, what it says.
    pub lines: Vec<LabelLine>,
}

/// One line of a [`MonthLabel`].
#[derive(Clone, Debug, PartialEq)]
pub struct LabelLine {
    /// The centre.
    pub x: Num,
    /// Below the previous line by this much (0 for the first).
    pub dy: Num,
    /// What it says.
    pub text: String,
}

/// One horizontal 100 % bar split into the series, and a legend with each series' value.
/// `values[i]` belongs to `series[i]` (what has no partner is left out).
pub fn stacked_bar(
    title: &str,
    desc: &str,
    series: &[Series],
    values: &[Segment],
    sep: char,
) -> StackedBar {
    let total: i128 = series.iter().zip(values).map(|(_, v)| v.amount()).sum();
    let parts = stack(series, values)
        .into_iter()
        .filter_map(|(s, v, start, end)| {
            let (x0, x1) = (scale(start, total, WIDTH), scale(end, total, WIDTH));
            let title = format!("{}: {}", s.label, group_thousands(v.amount(), sep));
            part(s, v, title, Rect::new(x0, 0.0, x1 - x0, BAR))
        })
        .collect();
    let entries: Vec<Entry> = series
        .iter()
        .zip(values)
        .map(|(s, v)| Entry {
            value: Some(group_thousands(v.amount(), sep)),
            ..Entry::new(s)
        })
        .collect();
    let top = BAR + 10.0;
    let (legend, legend_height) = legend(&entries, top);
    StackedBar {
        frame: Frame::new(title, desc, top + legend_height),
        track: Rect::new(0.0, 0.0, WIDTH, BAR),
        parts,
        legend,
    }
}

/// One horizontal stacked bar per category under the legend, each with its label above it,
/// scaled to the largest total, and its total printed at the end of the bar.
pub fn bars(title: &str, desc: &str, series: &[Series], rows: &[Row], sep: char) -> Bars {
    let entries: Vec<Entry> = series.iter().map(Entry::new).collect();
    let (legend, legend_height) = legend(&entries, 0.0);
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
    let axis = Axis {
        max,
        length: WIDTH - value_room,
    };
    let first = legend_height + 8.0;
    let row_height = FONT + 5.0 + ROW_BAR + 10.0;
    let bar_rows: Vec<BarRow> = rows
        .iter()
        .zip(&totals)
        .enumerate()
        .map(|(i, (row, total))| {
            let top = first + row_height * i as f64;
            bar_row(row, *total, series, &axis, top, sep)
        })
        .collect();
    let height = first + row_height * rows.len() as f64;
    Bars {
        frame: Frame::new(title, desc, height),
        legend,
        rows: bar_rows,
    }
}

/// Values up to `max` drawn over `length` units.
struct Axis {
    max: i128,
    length: f64,
}

impl Axis {
    /// Where value `v` ends.
    fn at(&self, v: i128) -> f64 {
        scale(v, self.max, self.length)
    }
}

/// One category of [`bars`], its label's top at `top`.
fn bar_row(row: &Row, total: i128, series: &[Series], axis: &Axis, top: f64, sep: char) -> BarRow {
    let bar_top = top + FONT + 5.0;
    let parts = stack(series, &row.values)
        .into_iter()
        .filter_map(|(s, v, start, end)| {
            let (x0, x1) = (axis.at(start), axis.at(end));
            let title = format!(
                "{} – {}: {}",
                row.label,
                s.label,
                group_thousands(v.amount(), sep)
            );
            part(s, v, title, Rect::new(x0, bar_top, x1 - x0, ROW_BAR))
        })
        .collect();
    let end = axis.at(total);
    BarRow {
        at: Point::new(0.0, top + FONT),
        label: Fitted::new(&row.label, WIDTH, FONT),
        href: row.href.as_deref().map(xml_text),
        parts,
        total: Text {
            at: Point::new(end + 4.0, bar_top + ROW_BAR / 2.0 + FONT * 0.35),
            text: group_thousands(total, sep),
        },
    }
}

/// Monthly trend: per month a column stacking the two `columns` series and a point of the
/// `line`, over a y axis with round tick values, the month labels below.
pub fn trend(
    title: &str,
    desc: &str,
    columns: &[Series; 2],
    line: &Series,
    months: &[Month],
    sep: char,
) -> Trend {
    let entries = [
        Entry::new(&columns[0]),
        Entry::new(&columns[1]),
        Entry {
            line: true,
            ..Entry::new(line)
        },
    ];
    let (legend, legend_height) = legend(&entries, 0.0);
    let plot = Plot::new(months, legend_height + 12.0, sep);
    let (labels, label_lines) = month_labels(months, &plot);
    let height = plot.bottom + 6.0 + label_lines as f64 * (SMALL + 2.0) + 2.0;
    Trend {
        frame: Frame::new(title, desc, height),
        legend,
        ticks: plot.ticks(),
        columns: plot.columns(columns, months, sep),
        axis: plot.grid_line(plot.bottom),
        line: (!months.is_empty()).then(|| plot.line(line, months, sep)),
        months: labels,
    }
}

/// The plot area of [`trend`] and its scales.
struct Plot {
    /// The tick values and their labels.
    ticks: Vec<(i128, String)>,
    /// The value at the top of the y axis.
    axis_top: i128,
    /// Left edge of the plot (right of the tick labels).
    left: f64,
    /// The baseline.
    bottom: f64,
    /// Width of one month's slot.
    slot: f64,
}

impl Plot {
    fn new(months: &[Month], top: f64, sep: char) -> Self {
        let max = months
            .iter()
            .map(|m| (m.columns[0].amount() + m.columns[1].amount()).max(m.line.amount()))
            .max()
            .unwrap_or(0);
        let ticks: Vec<(i128, String)> = ticks(max)
            .into_iter()
            .map(|t| (t, group_thousands(t, sep)))
            .collect();
        let axis_top = ticks.last().map_or(0, |(t, _)| *t);
        let left = ticks
            .iter()
            .map(|(_, label)| text_width(label, SMALL))
            .fold(0.0, f64::max)
            + 6.0;
        let plot_width = WIDTH - left - 2.0;
        let slot = if months.is_empty() {
            plot_width
        } else {
            plot_width / months.len() as f64
        };
        Plot {
            ticks,
            axis_top,
            left,
            bottom: top + PLOT,
            slot,
        }
    }

    /// The height of value `v`.
    fn y_of(&self, v: i128) -> f64 {
        self.bottom - scale(v, self.axis_top, PLOT)
    }

    /// The centre of month `i`'s slot.
    fn centre(&self, i: usize) -> f64 {
        self.left + self.slot * (i as f64 + 0.5)
    }

    /// A line across the plot at height `y`.
    fn grid_line(&self, y: f64) -> Line {
        Line {
            x1: Num(self.left),
            x2: Num(WIDTH),
            y: Num(y),
        }
    }

    fn ticks(&self) -> Vec<Tick> {
        self.ticks
            .iter()
            .map(|(value, label)| {
                let y = self.y_of(*value);
                Tick {
                    grid: (*value > 0).then(|| self.grid_line(y)),
                    label: Text {
                        at: Point::new(self.left - 4.0, y + SMALL * 0.35),
                        text: label.clone(),
                    },
                }
            })
            .collect()
    }

    fn columns(&self, series: &[Series; 2], months: &[Month], sep: char) -> Vec<Part> {
        let width = (self.slot * 0.6).min(32.0);
        months
            .iter()
            .enumerate()
            .flat_map(|(i, m)| {
                stack(series, &m.columns)
                    .into_iter()
                    .filter_map(move |(s, v, start, end)| {
                        let (y0, y1) = (self.y_of(start), self.y_of(end));
                        let title = format!(
                            "{} – {}: {}",
                            m.label,
                            s.label,
                            group_thousands(v.amount(), sep)
                        );
                        let area = Rect::new(self.centre(i) - width / 2.0, y1, width, y0 - y1);
                        part(s, v, title, area)
                    })
            })
            .collect()
    }

    fn line(&self, series: &Series, months: &[Month], sep: char) -> TrendLine {
        let points = months
            .iter()
            .enumerate()
            .map(|(i, m)| Dot {
                marker: Marker::new(self.centre(i), self.y_of(m.line.amount()), 4.0),
                title: xml_text(&format!(
                    "{} – {}: {}",
                    m.label,
                    series.label,
                    group_thousands(m.line.amount(), sep)
                )),
                href: m.line.href.as_deref().map(xml_text),
            })
            .collect();
        TrendLine {
            class: series.class,
            points,
        }
    }
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
/// Returns the labels and the number of lines used.
fn month_labels(months: &[Month], plot: &Plot) -> (Vec<MonthLabel>, usize) {
    let room = (plot.slot - 2.0).max(1.0);
    let widest = |split: bool| {
        months
            .iter()
            .flat_map(|m| label_lines(&m.label, split))
            .map(|l| text_width(&l, SMALL))
            .fold(0.0, f64::max)
    };
    let split = widest(false) > room;
    let every = ((widest(split) / room).ceil() as usize).max(1);
    let labels: Vec<MonthLabel> = months
        .iter()
        .enumerate()
        .step_by(every)
        .map(|(i, m)| MonthLabel {
            y: Num(plot.bottom + 4.0 + SMALL),
            lines: label_lines(&m.label, split)
                .iter()
                .enumerate()
                .map(|(n, line)| LabelLine {
                    x: Num(plot.centre(i)),
                    dy: Num(if n == 0 { 0.0 } else { SMALL + 2.0 }),
                    text: xml_text(line),
                })
                .collect(),
        })
        .collect();
    let used = labels.iter().map(|l| l.lines.len()).max().unwrap_or(0);
    (labels, used)
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

/// What a legend shows of one series.
struct Entry<'a> {
    series: &'a Series,
    /// The series' value, printed after its label.
    value: Option<String>,
    /// Drawn as a line with a marker instead of a box.
    line: bool,
}

impl<'a> Entry<'a> {
    fn new(series: &'a Series) -> Self {
        Entry {
            series,
            value: None,
            line: false,
        }
    }

    /// The room its value takes after the label, with the space before it.
    fn value_width(&self) -> f64 {
        self.value
            .as_deref()
            .map_or(0.0, |v| bold_width(v, FONT) + text_width(" ", FONT))
    }
}

/// The legend from `top` down: a grid of as many equal columns as the widest entry allows, so
/// entries line up, each with its mark and its label (cut to its cell). Returns the entries and
/// the legend's height.
fn legend(entries: &[Entry], top: f64) -> (Vec<Key>, f64) {
    if entries.is_empty() {
        return (Vec::new(), 0.0);
    }
    let widest = entries
        .iter()
        .map(|e| SWATCH + 4.0 + text_width(&e.series.label, FONT) + e.value_width())
        .fold(0.0, f64::max);
    let columns =
        (((WIDTH + KEY_GAP) / (widest + KEY_GAP)).floor() as usize).clamp(1, entries.len());
    let cell = (WIDTH + KEY_GAP) / columns as f64;
    let keys = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let x = cell * (i % columns) as f64;
            let y = top + KEY_LINE * (i / columns) as f64;
            key(entry, x, y, cell)
        })
        .collect();
    (keys, KEY_LINE * entries.len().div_ceil(columns) as f64)
}

/// One legend entry in the cell `cell` wide whose top left corner is (`x`, `y`).
fn key(entry: &Entry, x: f64, y: f64, cell: f64) -> Key {
    let middle = y + SWATCH / 2.0;
    let mark = if entry.line {
        let line = Line {
            x1: Num(x),
            x2: Num(x + SWATCH),
            y: Num(middle),
        };
        Mark::Line(line, Marker::new(x + SWATCH / 2.0, middle, 3.5))
    } else {
        Mark::Swatch(Rect::new(x, y, SWATCH, SWATCH))
    };
    let room = cell - KEY_GAP - SWATCH - 4.0 - entry.value_width();
    Key {
        mark,
        look: Look::of(entry.series),
        at: Point::new(x + SWATCH + 4.0, middle + FONT * 0.35),
        label: Fitted::new(&entry.series.label, room.max(FONT), FONT),
        value: entry.value.clone(),
    }
}

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

/// A value's part, or nothing when its area is empty.
fn part(series: &Series, value: &Segment, title: String, area: Rect) -> Option<Part> {
    (!area.is_empty()).then(|| Part {
        area,
        look: Look::of(series),
        title: xml_text(&title),
        href: value.href.as_deref().map(xml_text),
    })
}

/// `part` of `whole` as a share of `length`; 0 when `whole` is 0.
fn scale(part: i128, whole: i128, length: f64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    length * (part as f64 / whole as f64)
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

/// `text` without the characters XML does not allow anywhere (control characters other than
/// tab and line breaks, U+FFFE, U+FFFF). Not escaping: askama escapes what is left.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| match c {
            '\t' | '\n' | '\r' => true,
            '\u{FFFE}' | '\u{FFFF}' => false,
            c => *c >= ' ',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn months(n: usize, f: impl Fn(i64) -> [i64; 3]) -> Vec<Month> {
        (0..n as i64)
            .map(|i| {
                let [a, b, c] = f(i);
                Month {
                    label: format!("T{}/{}", i % 12 + 1, 2025 + i / 12),
                    columns: [Segment::new(a), Segment::linked(b, format!("/late/{i}"))],
                    line: Segment::new(c),
                }
            })
            .collect()
    }

    fn trend_of(months: &[Month]) -> Trend {
        let columns = [
            Series::new("Hoàn thành đúng hạn", "c-ontime"),
            Series::new("Hoàn thành trễ hạn", "c-late").hatched(),
        ];
        let line = Series::new("Quá hạn cuối tháng", "c-line");
        trend("Xu hướng", "Theo tháng", &columns, &line, months, '.')
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn the_parts_of_the_bar_touch_and_fill_its_width() {
        for values in [
            vec![24321, 1200, 800, 75, 3],
            vec![1, 0, 1, 0, 1],
            vec![i64::MAX, 1, 0, 0, 1],
        ] {
            let bar = stacked_bar("t", "d", &status_series(), &segments(&values), '.');
            let mut end = 0.0;
            for part in &bar.parts {
                assert!(close(part.area.x.0, end), "{values:?}: the parts touch");
                end = part.area.x.0 + part.area.width.0;
            }
            assert!(close(end, WIDTH), "{values:?}: {end}");
            assert_eq!(bar.track, Rect::new(0.0, 0.0, WIDTH, BAR));
        }
    }

    #[test]
    fn a_part_carries_its_series_title_and_link() {
        let values = vec![Segment::new(3), Segment::linked(1, "/tasks?t=late")];
        let bar = stacked_bar("t", "d", &status_series(), &values, '.');
        assert_eq!(bar.parts.len(), 2);
        let late = &bar.parts[1];
        assert_eq!(late.title, "Hoàn thành trễ hạn: 1");
        assert_eq!(late.href.as_deref(), Some("/tasks?t=late"));
        assert_eq!(
            late.look,
            Look {
                class: "c-late",
                pattern: Some("hatch")
            }
        );
        assert!(close(late.area.width.0, WIDTH / 4.0));
        assert_eq!(bar.parts[0].href, None);
    }

    #[test]
    fn the_legend_lines_its_entries_up_in_columns() {
        let chart = bars("t", "d", &status_series(), &[], '.');
        let lefts: Vec<f64> = chart.legend.iter().map(|k| k.at.x.0).collect();
        assert_eq!(lefts.len(), 5);
        assert!(close(lefts[0], SWATCH + 4.0));
        assert!(lefts[1] > lefts[0], "two entries a line: {lefts:?}");
        assert!(close(lefts[2], lefts[0]) && close(lefts[3], lefts[1]));
        assert!(close(chart.frame.height.0, 3.0 * KEY_LINE + 8.0));
        for key in &chart.legend {
            assert_eq!(key.label.whole, None, "short labels are not cut");
            assert_eq!(key.value, None);
            assert!(matches!(key.mark, Mark::Swatch(_)));
        }

        // With their values the entries are too wide for two a line.
        let values = segments(&[24321, 1200, 800, 75, 3]);
        let bar = stacked_bar("t", "d", &status_series(), &values, '.');
        assert!(bar.legend.iter().all(|k| close(k.at.x.0, SWATCH + 4.0)));
        assert_eq!(bar.legend[4].value.as_deref(), Some("3"));
        assert!(close(bar.frame.height.0, BAR + 10.0 + 5.0 * KEY_LINE));
    }

    #[test]
    fn a_label_too_long_is_cut_and_kept_whole_for_hover() {
        let long = "Quản lý nhà nước về đất đai, tài nguyên, môi trường và khoáng sản trên địa bàn";
        let fitted = Fitted::new(long, 200.0, FONT);
        assert!(fitted.shown.ends_with('…'), "{}", fitted.shown);
        assert!(text_width(&fitted.shown, FONT) <= 200.0);
        assert_eq!(fitted.whole.as_deref(), Some(long));
        let short = Fitted::new("Y tế", 200.0, FONT);
        assert_eq!((short.shown.as_str(), short.whole), ("Y tế", None));
        assert_eq!(Fitted::new(long, 1.0, FONT).shown, "…");
    }

    #[test]
    fn text_loses_only_what_xml_cannot_carry() {
        assert_eq!(xml_text("a\u{1}b\u{0}\tc\nd\u{FFFF}<&>"), "ab\tc\nd<&>");
        let values = vec![Segment::linked(1, "/x?\u{7}a=1&b")];
        let series = vec![Series::new("x\u{1}y", "c-ontime")];
        let bar = stacked_bar("t\u{2}", "d\u{3}", &series, &values, '.');
        assert_eq!(
            (bar.frame.title.as_str(), bar.frame.desc.as_str()),
            ("t", "d")
        );
        assert_eq!(bar.parts[0].title, "xy: 1");
        assert_eq!(bar.parts[0].href.as_deref(), Some("/x?a=1&b"));
        assert_eq!(bar.legend[0].label.shown, "xy");
    }

    #[test]
    fn bars_stack_below_the_legend_and_end_in_their_total() {
        let series = &status_series()[..2];
        let rows: Vec<Row> = [[30, 10], [20, 0], [0, 0]]
            .iter()
            .enumerate()
            .map(|(i, values)| Row {
                label: format!("Lĩnh vực {i}"),
                href: (i == 0).then(|| "/tasks?field=0".to_owned()),
                values: segments(values),
            })
            .collect();
        let chart = bars("t", "d", series, &rows, '.');
        let tops: Vec<f64> = chart.rows.iter().map(|r| r.at.y.0).collect();
        let legend_bottom = KEY_LINE;
        assert!(tops[0] > legend_bottom);
        let step = FONT + 5.0 + ROW_BAR + 10.0;
        assert!(close(tops[1] - tops[0], step) && close(tops[2] - tops[1], step));
        assert!(close(chart.frame.height.0, tops[2] - FONT + step));

        let first = &chart.rows[0];
        assert_eq!(first.href.as_deref(), Some("/tasks?field=0"));
        assert_eq!(first.total.text, "40");
        let end = first.parts[1].area.x.0 + first.parts[1].area.width.0;
        assert!(
            close(first.total.at.x.0, end + 4.0),
            "the total after the bar"
        );
        assert!(end < WIDTH - text_width("40", FONT), "room for the total");
        let half = chart.rows[1].parts[0].area.width.0;
        assert!(close(half * 2.0, end), "scaled to the largest total");
        assert!(chart.rows[2].parts.is_empty());
        assert_eq!(chart.rows[2].total.text, "0");
    }

    #[test]
    fn the_trend_has_a_column_and_a_point_per_month() {
        let chart = trend_of(&months(3, |i| [1000 * (i + 1), 500, 250 * i]));
        let ticks: Vec<&str> = chart.ticks.iter().map(|t| t.label.text.as_str()).collect();
        assert_eq!(ticks, ["0", "1.000", "2.000", "3.000", "4.000"]);
        assert_eq!(chart.ticks[0].grid, None, "the axis is the grid line at 0");
        assert!(chart.ticks[1..].iter().all(|t| t.grid.is_some()));
        let zero = chart.ticks[0].label.at.y.0;
        assert!(chart.ticks[4].label.at.y.0 < zero, "values go up");
        assert!(close(chart.axis.y.0 + SMALL * 0.35, zero));

        assert_eq!(chart.columns.len(), 6);
        assert_eq!(chart.columns[5].title, "T3/2025 – Hoàn thành trễ hạn: 500");
        assert_eq!(chart.columns[5].href.as_deref(), Some("/late/2"));
        let line = chart.line.expect("a line");
        assert_eq!(line.class, "c-line");
        assert_eq!(line.points.len(), 3);
        assert_eq!(line.points[1].title, "T2/2025 – Quá hạn cuối tháng: 250");
        assert!(
            close(line.points[0].marker.cy.0, chart.axis.y.0),
            "0 on the axis"
        );
        for (dot, column) in line.points.iter().zip(chart.columns.iter().step_by(2)) {
            let centre = column.area.x.0 + column.area.width.0 / 2.0;
            assert!(close(dot.marker.cx.0, centre), "the point over its column");
        }
        assert_eq!(chart.months.len(), 3);
        assert_eq!(chart.months[0].lines[0].text, "T1/2025");
        assert!(matches!(chart.legend[2].mark, Mark::Line(..)));
    }

    #[test]
    fn month_labels_split_then_thin_out() {
        let twelve = trend_of(&months(12, |i| [i, 1, 2]));
        assert_eq!(twelve.months.len(), 12);
        let forty = trend_of(&months(40, |i| [i, 1, 2]));
        assert!((5..40).contains(&forty.months.len()));
        assert_eq!(forty.months[0].lines.len(), 2, "split after the slash");
        assert_eq!(forty.months[0].lines[0].text, "T1/");
        assert_eq!(forty.months[0].lines[1].dy, Num(SMALL + 2.0));
        assert_eq!(
            label_lines("Tháng 1 2026", true),
            ["Tháng 1", "2026"],
            "or at a space"
        );
        assert_eq!(label_lines("2026", true), ["2026"]);
    }

    #[test]
    fn nothing_to_show_lays_out_an_empty_frame() {
        let series = status_series();
        let bar = stacked_bar("t", "d", &series, &segments(&[0, 0, 0, 0, 0]), '.');
        assert!(bar.parts.is_empty());
        assert_eq!(bar.legend.len(), 5);
        let none = stacked_bar("t", "d", &[], &[], '.');
        assert!(none.parts.is_empty() && none.legend.is_empty());
        assert_eq!(none.frame.height, Num(BAR + 10.0));

        let empty = bars("t", "d", &series, &[], '.');
        assert!(empty.rows.is_empty());
        assert!(empty.frame.height.0 > 0.0);

        for chart in [trend_of(&[]), trend_of(&months(4, |_| [0, 0, 0]))] {
            assert!(chart.columns.is_empty());
            assert_eq!(chart.ticks.len(), 1);
            assert_eq!(chart.ticks[0].label.text, "0");
            assert!(chart.frame.height.0.is_finite());
        }
        assert_eq!(trend_of(&[]).line, None);
        assert!(trend_of(&[]).months.is_empty());
        let flat = trend_of(&months(4, |_| [0, 0, 0])).line.expect("a line");
        assert_eq!(flat.points.len(), 4, "a point per month, even at 0");
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
        assert_eq!(Num(1.0).to_string(), "1");
        assert_eq!(Num(1.005_1).to_string(), "1.01");
        assert_eq!(Num(48.55).to_string(), "48.55");
        assert_eq!(Num(-0.001).to_string(), "0");
        assert_eq!(Num(f64::NAN).to_string(), "0");
        assert_eq!(Num(f64::INFINITY).to_string(), "0");
    }
}
