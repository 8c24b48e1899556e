//! Charts drawn on the server as inline SVG, for pages that must work without JavaScript and
//! under a Content-Security-Policy that forbids inline styles.
//!
//! No I/O: the caller passes numbers and labels already translated, and prints the result in a
//! template (`{{ chart }}`: [`Svg`] is marked HTML-safe, askama escaped everything inside it).
//!
//! A chart is made in three steps, each in its own place:
//! - [`layout`] works out where everything goes, in pure functions that return plain data
//!   (rectangles, text positions, ticks, legend entries, labels cut to fit, links, titles);
//! - the askama templates `templates/charts/*.svg` draw that data as SVG (askama escapes every
//!   text and attribute value, as it does for `.svg` files by default);
//! - `static/app.css` gives the colours: the SVG carries geometry and CSS classes only (never a
//!   colour, never `style`). Each series names a class that sets its `color`, and its shapes
//!   are filled with `currentColor`. Series that must stay apart in grey print are drawn
//!   [`Fill::Hatched`] or [`Fill::CrossHatched`]: a white hatch laid over the colour, from a
//!   `<pattern>` defined in the chart's own `<defs>`.
//!
//! Every chart is [`WIDTH`] units wide and scales to the width of its container (`.chart` in
//! the CSS caps it so text stays near body size).

mod input;
mod layout;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use askama::Template;

pub use input::{Fill, Month, Row, Segment, Series};
pub use layout::WIDTH;

/// A finished chart. Prints as itself in askama templates without escaping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    /// The SVG markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// askama escaped every text and attribute value in it when the chart was drawn.
impl askama::filters::HtmlSafe for Svg {}

/// The template of [`stacked_bar`].
#[derive(Template)]
#[template(path = "charts/stacked_bar.svg")]
struct StackedBarSvg {
    id: String,
    chart: layout::StackedBar,
}

/// The template of [`bars`].
#[derive(Template)]
#[template(path = "charts/bars.svg")]
struct BarsSvg {
    id: String,
    chart: layout::Bars,
}

/// The template of [`trend`].
#[derive(Template)]
#[template(path = "charts/trend.svg")]
struct TrendSvg {
    id: String,
    chart: layout::Trend,
}

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
    draw(&StackedBarSvg {
        id: new_id(),
        chart: layout::stacked_bar(title, desc, series, values, sep),
    })
}

/// One horizontal stacked bar per category (e.g. per field of state management), its label
/// above it, the bars scaled to the largest total and each total printed at the end of its bar.
/// A label too long for the width is cut with "…" and shown whole on hover.
pub fn bars(title: &str, desc: &str, series: &[Series], rows: &[Row], sep: char) -> Svg {
    draw(&BarsSvg {
        id: new_id(),
        chart: layout::bars(title, desc, series, rows, sep),
    })
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
    draw(&TrendSvg {
        id: new_id(),
        chart: layout::trend(title, desc, columns, line, months, sep),
    })
}

/// The chart's template rendered. The chart templates print only strings and numbers, whose
/// formatting cannot fail, so a failure is a programming error.
fn draw(chart: &impl Template) -> Svg {
    Svg(chart
        .render()
        .expect("a chart template prints only strings and numbers"))
}

/// An id no other chart drawn by this process has, so several charts fit on one page.
fn new_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("chart-{}", NEXT.fetch_add(1, Ordering::Relaxed))
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
        assert!(long.chars().count() < rows[7].label.chars().count());
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
        assert_eq!(rect.attribute("class"), Some("chart-part c-ontime"));
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
    fn colours_come_from_the_stylesheet() {
        let css = include_str!("../../../static/app.css");
        let series = status_series();
        let rows = vec![
            Row {
                label: "A".into(),
                href: Some("/a".into()),
                values: segments(&[3, 2, 1, 1, 1]),
            },
            Row {
                label: "B".into(),
                href: None,
                values: segments(&[1, 0, 4]),
            },
        ];
        for svg in [
            stacked_bar("t", "d", &series, &segments(&[5, 4, 3, 2, 1]), '.'),
            bars("t", "d", &series, &rows, '.'),
            trend_of(&months(12, |i| [i, 2, 3])),
        ] {
            let doc = check(&svg);
            for node in doc.descendants().filter(Node::is_element) {
                for a in node.attributes() {
                    let colour = matches!(
                        a.name(),
                        "stroke" | "color" | "stop-color" | "fill-opacity" | "opacity"
                    ) || (a.name() == "fill" && !a.value().starts_with("url(#"));
                    assert!(!colour, "{}={:?} on {node:?}", a.name(), a.value());
                }
                if node == doc.root_element() {
                    continue; // .chart and the kind of chart, for the page
                }
                for class in node.attribute("class").unwrap_or_default().split(' ') {
                    let styled = [' ', ','].map(|end| css.contains(&format!(".{class}{end}")));
                    assert!(
                        class.is_empty() || styled.contains(&true),
                        "class {class} is styled in app.css"
                    );
                }
            }
        }
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
        assert!(html.contains("<title id=") && html.contains("A &#38; B"));
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
