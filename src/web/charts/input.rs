//! What the pages give a chart: its series, their values with the pages they link to, the
//! categories of `charts::bars` and the months of `charts::trend`, the labels already
//! translated.

/// One series of a chart: its already translated label and the CSS class giving its colour.
#[derive(Clone, Debug)]
pub struct Series {
    /// What the legend and the hover titles call it.
    pub label: String,
    /// A class from `static/app.css` that sets `color`, such as `c-ontime`.
    pub class: &'static str,
    /// How its shapes are filled over the colour.
    pub fill: Fill,
}

/// How a series' shapes are filled on top of their colour, so series stay apart in grey print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fill {
    /// The colour alone.
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
    /// The count.
    pub value: i64,
    /// A URL of this site, e.g. the task list filtered to what the value counts.
    pub href: Option<String>,
}

impl Segment {
    /// A value that links nowhere.
    pub fn new(value: i64) -> Self {
        Segment { value, href: None }
    }

    /// A value whose shape links to `href`.
    pub fn linked(value: i64, href: impl Into<String>) -> Self {
        Segment {
            value,
            href: Some(href.into()),
        }
    }

    /// The value as drawn: never below zero, never overflowing a sum.
    pub(super) fn amount(&self) -> i128 {
        i128::from(self.value.max(0))
    }
}

/// One category of `charts::bars`: its label, the page for the whole category, a value per series.
#[derive(Clone, Debug, Default)]
pub struct Row {
    /// The category's name, above its bar.
    pub label: String,
    /// The page of the whole category, the label's link.
    pub href: Option<String>,
    /// `values[i]` belongs to the `i`-th series.
    pub values: Vec<Segment>,
}

/// One month of `charts::trend`: its label ("T1/2026"), the two stacked column values and the value
/// of the line.
#[derive(Clone, Debug, Default)]
pub struct Month {
    /// Printed under its column.
    pub label: String,
    /// The two series of the column, bottom first.
    pub columns: [Segment; 2],
    /// The point of the line.
    pub line: Segment,
}
