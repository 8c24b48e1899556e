//! A unit's report as files: `/reports/{id}.docx`, the document the print view lays out, for
//! offices that edit it in Word before it is signed (written in memory with docx-rs, a report
//! being a few pages, off the async runtime); `/reports/{id}.xlsx`, its annex as a workbook
//! (docs/reports.md, "The document"). The router takes `{id}` whole, so [`report_or_file`]
//! reads the suffix and sends the rest to the report's page.
//!
//! Layout: A4 portrait with the margins of Decree 30/2020 for the report, page numbers centred
//! in the header from page 2; the annex in a section of its own on A4 landscape. What Word
//! would need and docx-rs cannot write: a header row repeated on each page of a table.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Header, LineSpacing, LineSpacingType, PageMargin,
    PageNum, PageOrientationType, PageSize, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    ParagraphBorders, Run, RunFonts, Section, SpecialIndentType, Table, TableCell,
    TableCellMargins, TableLayoutType, TableRow, WidthType,
};

use super::reports::{self, ReportDocument, class_label, report_document, status_label};
use crate::domain::document;
use crate::domain::export::{Column, Value};
use crate::domain::files::clean_name;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::export::{FileName, download as download_response, sheet_download};
use crate::web::session::Session;
use crate::web::state::AppState;

pub const DOCX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Twips (1/1440 inch) in a millimetre, as Word measures pages.
const TWIPS_PER_MM: f64 = 56.7;

/// A4 in twips, portrait.
const A4_WIDTH: u32 = 11906;
const A4_HEIGHT: u32 = 16838;

/// Font sizes in half-points, as Word counts them.
const BODY: usize = 28;
const HEADING: usize = 26;
const RECIPIENTS_TITLE: usize = 24;
const RECIPIENT: usize = 22;
const FIGURES_TABLE: usize = 22;
const ANNEX_TABLE: usize = 20;

/// The body's first-line indent: 1.27 cm.
const FIRST_LINE: i32 = 720;

/// 6 pt between paragraphs, in twentieths of a point.
const AFTER_PARAGRAPH: u32 = 120;

fn mm(millimetres: u32) -> u32 {
    (f64::from(millimetres) * TWIPS_PER_MM).round() as u32
}

/// A page's margins: 20 mm at the top and bottom, `left` and `right` millimetres at the
/// sides; the page number 10 mm from the top.
fn margins(left: u32, right: u32) -> PageMargin {
    let twips = |millimetres| mm(millimetres) as i32;
    PageMargin::new()
        .top(twips(20))
        .bottom(twips(20))
        .left(twips(left))
        .right(twips(right))
        .header(twips(10))
        .footer(twips(10))
}

/// `GET /reports/{id}`, `/reports/{id}.docx`, `/reports/{id}.xlsx`: the report's page, or the
/// report as a Word file or its annex as a workbook.
pub async fn report_or_file(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    match raw.rsplit_once('.') {
        None => reports::show(&state, ctx, &session, &raw)
            .await
            .map(IntoResponse::into_response),
        Some((id, "docx")) => docx(&state, ctx, &session, id).await,
        Some((id, "xlsx")) => annex_xlsx(&state, ctx, &session, id).await,
        Some(_) => Err(AppError::NotFound),
    }
}

/// The columns of the annex's workbook.
const ANNEX_COLUMNS: [Column; 14] = [
    Column {
        key: "annex.number",
        width: 6.0,
        wrap: false,
    },
    Column {
        key: "annex.shortcoming",
        width: 36.0,
        wrap: true,
    },
    Column {
        key: "annex.source",
        width: 18.0,
        wrap: true,
    },
    Column {
        key: "export.code",
        width: 12.0,
        wrap: false,
    },
    Column {
        key: "annex.task",
        width: 48.0,
        wrap: true,
    },
    Column {
        key: "annex.lead",
        width: 20.0,
        wrap: true,
    },
    Column {
        key: "annex.coordinators",
        width: 24.0,
        wrap: true,
    },
    Column {
        key: "annex.leader",
        width: 20.0,
        wrap: true,
    },
    Column {
        key: "annex.officers",
        width: 20.0,
        wrap: true,
    },
    Column {
        key: "annex.original_deadline",
        width: 12.0,
        wrap: false,
    },
    Column {
        key: "annex.deadline",
        width: 12.0,
        wrap: false,
    },
    Column {
        key: "annex.result",
        width: 48.0,
        wrap: true,
    },
    Column {
        key: "annex.status",
        width: 16.0,
        wrap: false,
    },
    Column {
        key: "annex.class",
        width: 20.0,
        wrap: false,
    },
];

/// The report's annex as a workbook: the rows the page and the print view show, as submitted
/// once the report is, else as they stand now.
async fn annex_xlsx(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    raw: &str,
) -> Result<Response, AppError> {
    let doc = report_document(state, &ctx, session, raw).await?;
    let rows = doc
        .annex
        .iter()
        .enumerate()
        .map(|(n, a)| {
            vec![
                Value::Number(n as i64 + 1),
                Value::text(a.shortcoming.clone()),
                Value::text(a.sources.clone()),
                Value::text(a.task_code.clone()),
                Value::text(a.task_title.clone()),
                Value::text(a.lead_unit.clone()),
                Value::text(a.coordinators.clone()),
                Value::text(a.leader_in_charge.clone()),
                Value::text(a.officers.clone()),
                Value::date(a.original_deadline),
                Value::date(a.deadline),
                Value::text(a.result.clone()),
                Value::text(status_label(&ctx, &a.status)),
                Value::text(class_label(&ctx, &a.class)),
            ]
        })
        .collect();
    let headings = ANNEX_COLUMNS
        .iter()
        .map(|c| ctx.t(c.key).to_owned())
        .collect();
    let report = &doc.report;
    let period = report.period().code();
    let name = FileName {
        ascii: format!(
            "phu-luc-bao-cao-{}-{period}.xlsx",
            document::unit_symbol(&report.unit_code)
        ),
        full: clean_name(&format!(
            "Phụ lục báo cáo {} {period}.xlsx",
            report.unit_name
        )),
    };
    let dir = state.config.data_dir.join("exports");
    let sheet = ctx.t("annex.sheet_name").to_owned();
    sheet_download(dir, sheet, &ANNEX_COLUMNS, headings, rows, &name).await
}

/// The report as a Word file, holding what the print view shows (as submitted once it is,
/// else as it stands now, marked as a draft).
async fn docx(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    raw: &str,
) -> Result<Response, AppError> {
    let doc = report_document(state, &ctx, session, raw).await?;
    let labels = Labels {
        states: doc
            .annex
            .iter()
            .map(|a| [status_label(&ctx, &a.status), class_label(&ctx, &a.class)])
            .collect(),
        draft: doc.draft.then(|| ctx.t("print.draft").to_owned()),
    };
    let name = file_name(&doc);
    let bytes = tokio::task::spawn_blocking(move || write(&doc, &labels))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("the Word writer")))?
        .map_err(|e| AppError::Internal(e.context("writing a Word file")))?;
    let length = u64::try_from(bytes.len()).ok();
    Ok(download_response(
        Body::from(bytes),
        DOCX_CONTENT_TYPE,
        &name,
        length,
    ))
}

/// `bao-cao-SXD-2026-Q4.docx`, shown as "Báo cáo Sở Xây dựng 2026-Q4.docx".
fn file_name(doc: &ReportDocument) -> FileName {
    let report = &doc.report;
    let period = report.period().code();
    let unit = report.unit_name.replace(['/', '\\'], "-");
    FileName {
        ascii: format!(
            "bao-cao-{}-{period}.docx",
            document::unit_symbol(&report.unit_code)
        ),
        full: clean_name(&format!("Báo cáo {unit} {period}.docx")),
    }
}

/// What the document says in the reader's language: each annex row's status and class, and
/// the draft's mark.
struct Labels {
    states: Vec<[String; 2]>,
    draft: Option<String>,
}

/// The Word file of `doc`.
fn write(doc: &ReportDocument, labels: &Labels) -> anyhow::Result<Vec<u8>> {
    let portrait_width = A4_WIDTH - mm(30) - mm(15);
    let landscape_width = A4_HEIGHT - 2 * mm(20);
    let page_number = || {
        Header::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_page_num(PageNum::new()),
        )
    };
    let mut report = Section::new()
        .page_size(PageSize::new().size(A4_WIDTH, A4_HEIGHT))
        .page_margin(margins(30, 15))
        .title_pg()
        .header(page_number());
    if let Some(mark) = &labels.draft {
        report = report.add_paragraph(
            line(
                run(mark, BODY).bold().color("B00020"),
                AlignmentType::Center,
            )
            .spacing(0, 240),
        );
    }
    report = report
        .add_table(heading(doc, portrait_width))
        .add_paragraph(
            line(
                run(document::REPORT_TYPE, BODY).bold(),
                AlignmentType::Center,
            )
            .spacing(360, 0),
        )
        .add_paragraph(line(
            run(&doc.summary(), BODY).bold(),
            AlignmentType::Center,
        ))
        .add_paragraph(rule(portrait_width, 25))
        .add_paragraph(
            line(run(document::ADDRESSED, BODY).bold(), AlignmentType::Center)
                .add_run(run(&format!(" {}.", document::CITY_COMMITTEE), BODY))
                .spacing(240, 240),
        );
    for (n, (title, paragraphs)) in doc.parts().into_iter().enumerate() {
        report = report.add_paragraph(
            line(run(title, BODY).bold(), AlignmentType::Both)
                .spacing(200, 80)
                .keep_next(true),
        );
        if n == 1 {
            report = report.add_paragraph(body(&doc.figures_sentence()));
            if !doc.figures.by_field.is_empty() {
                report = report
                    .add_table(figures(doc, portrait_width))
                    .add_paragraph(line(run("", BODY), AlignmentType::Left).spacing(0, 0));
            }
        }
        for paragraph in paragraphs {
            report = report.add_paragraph(body(paragraph));
        }
    }
    report = report
        .add_paragraph(body(&doc.closing()).spacing(0, 360))
        .add_table(footer(doc, portrait_width));

    let annex = annex(doc, labels, landscape_width);
    let docx = Docx::new()
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman")
                .east_asia("Times New Roman"),
        )
        .default_size(BODY)
        .add_section(report)
        .add_paragraph(
            line(
                run(document::ANNEX_TYPE, BODY).bold(),
                AlignmentType::Center,
            )
            .spacing(0, 0),
        )
        .add_paragraph(line(
            run(&doc.annex_summary(), BODY).bold(),
            AlignmentType::Center,
        ))
        .add_paragraph(
            line(run(&doc.annex_note(), BODY).italic(), AlignmentType::Center).spacing(0, 160),
        )
        .add_table(annex)
        .page_size(A4_HEIGHT, A4_WIDTH)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(margins(20, 20))
        .header(page_number());
    let mut file = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut file).map_err(anyhow::Error::new)?;
    Ok(file.into_inner())
}

/// The heading: the issuing body and the number on the left, the national title, the motto
/// and the place and date on the right; no borders.
fn heading(doc: &ReportDocument, width: u32) -> Table {
    // The issuing body and the national title in 13 pt must each hold on one line.
    let left = mm(62);
    let right = width - left;
    let mut issuer = TableCell::new().width(left as usize, WidthType::Dxa);
    if let Some(above) = &doc.above {
        issuer = issuer.add_paragraph(line(run(above, HEADING), AlignmentType::Center));
    }
    issuer = issuer
        .add_paragraph(line(run(&doc.body, HEADING).bold(), AlignmentType::Center))
        .add_paragraph(rule(left, 40))
        .add_paragraph(line(run(&doc.number, HEADING), AlignmentType::Center).spacing(120, 0));
    let nation = TableCell::new()
        .width(right as usize, WidthType::Dxa)
        .add_paragraph(line(
            run(document::NATION, HEADING).bold(),
            AlignmentType::Center,
        ))
        .add_paragraph(line(
            run(document::MOTTO, BODY).bold(),
            AlignmentType::Center,
        ))
        .add_paragraph(rule(right, 62))
        .add_paragraph(
            line(run(&doc.date_line, BODY).italic(), AlignmentType::Center).spacing(120, 0),
        );
    two_columns(issuer, nation, left, right)
}

/// The heading's or the footer's table: two cells side by side, no borders, no margins.
fn two_columns(left: TableCell, right: TableCell, left_width: u32, right_width: u32) -> Table {
    Table::without_borders(vec![TableRow::new(vec![left, right]).cant_split()])
        .set_grid(vec![left_width as usize, right_width as usize])
        .width((left_width + right_width) as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(0, 0, 0, 0))
}

/// The figures by field, as part II writes them: number, field, the eight counts; the total.
fn figures(doc: &ReportDocument, width: u32) -> Table {
    let number = 500;
    let count = 850;
    let field = width as usize - number - 8 * count;
    let mut grid = vec![number, field];
    grid.extend([count; 8]);
    let mut rows = vec![heading_row(&document::FIGURES_HEADINGS, FIGURES_TABLE)];
    for (n, f) in doc.figures.by_field.iter().enumerate() {
        let mut cells = vec![
            cell(&(n + 1).to_string(), FIGURES_TABLE, AlignmentType::Center),
            cell(&f.name, FIGURES_TABLE, AlignmentType::Left),
        ];
        cells.extend(
            f.counts
                .cells()
                .iter()
                .map(|c| cell(&c.to_string(), FIGURES_TABLE, AlignmentType::Right)),
        );
        rows.push(TableRow::new(cells).cant_split());
    }
    let mut total = vec![
        cell("", FIGURES_TABLE, AlignmentType::Center),
        bold_cell(document::FIGURES_TOTAL, FIGURES_TABLE, AlignmentType::Left),
    ];
    total.extend(
        doc.figures
            .lead
            .cells()
            .iter()
            .map(|c| bold_cell(&c.to_string(), FIGURES_TABLE, AlignmentType::Right)),
    );
    rows.push(TableRow::new(total).cant_split());
    grid_table(rows, grid)
}

/// The bottom of the report: "Nơi nhận:" and the recipients on the left, the signer's title
/// and name on the right; no borders.
fn footer(doc: &ReportDocument, width: u32) -> Table {
    let left = width * 12 / 25;
    let right = width - left;
    let mut recipients = TableCell::new()
        .width(left as usize, WidthType::Dxa)
        .add_paragraph(line(
            run(document::RECIPIENTS, RECIPIENTS_TITLE).bold().italic(),
            AlignmentType::Left,
        ));
    for recipient in doc.recipients() {
        recipients =
            recipients.add_paragraph(line(run(&recipient, RECIPIENT), AlignmentType::Left));
    }
    let mut signature = TableCell::new().width(right as usize, WidthType::Dxa);
    for title in &doc.signature {
        signature = signature.add_paragraph(line(run(title, BODY).bold(), AlignmentType::Center));
    }
    let signer = doc.signer.as_deref().unwrap_or_default();
    signature = signature
        .add_paragraph(line(run(signer, BODY).bold(), AlignmentType::Center).spacing(mm(25), 0));
    two_columns(recipients, signature, left, right)
}

/// The annex: one row per task, in the print view's twelve columns.
fn annex(doc: &ReportDocument, labels: &Labels, width: u32) -> Table {
    // Each column's share of the width.
    let shares = [8, 20, 16, 27, 15, 17, 14, 14, 15, 25, 14, 15];
    let whole: u32 = shares.iter().sum();
    let mut grid: Vec<usize> = shares
        .iter()
        .map(|s| (width * s / whole) as usize)
        .collect();
    grid[3] += width as usize - grid.iter().sum::<usize>();
    let mut rows = vec![heading_row(&document::ANNEX_HEADINGS, ANNEX_TABLE)];
    for (n, (a, [status, class])) in doc.annex.iter().zip(&labels.states).enumerate() {
        let text = |t: &str| cell(t, ANNEX_TABLE, AlignmentType::Left);
        let cells = vec![
            cell(&(n + 1).to_string(), ANNEX_TABLE, AlignmentType::Center),
            text(&a.shortcoming),
            text(&a.sources),
            text(&document::annex_task(a)),
            text(&a.lead_unit),
            text(&a.coordinators),
            text(&a.leader_in_charge),
            text(&a.officers),
            cell(
                &document::annex_deadline(a).join("\n"),
                ANNEX_TABLE,
                AlignmentType::Center,
            ),
            text(&a.result),
            text(status),
            text(class),
        ];
        rows.push(TableRow::new(cells).cant_split());
    }
    if doc.annex.is_empty() {
        rows.push(TableRow::new(vec![
            cell(document::ANNEX_EMPTY, ANNEX_TABLE, AlignmentType::Center).grid_span(12),
        ]));
    }
    grid_table(rows, grid)
}

/// A table with single borders, narrow cell margins (1 mm) and columns of the given widths.
fn grid_table(rows: Vec<TableRow>, grid: Vec<usize>) -> Table {
    let width = grid.iter().sum();
    Table::new(rows)
        .set_grid(grid)
        .width(width, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(0, 57, 0, 57))
}

/// A table's heading row: bold, centred.
fn heading_row(headings: &[&str], size: usize) -> TableRow {
    TableRow::new(
        headings
            .iter()
            .map(|h| bold_cell(h, size, AlignmentType::Center))
            .collect(),
    )
    .cant_split()
}

fn cell(text: &str, size: usize, align: AlignmentType) -> TableCell {
    TableCell::new().add_paragraph(line(run(text, size), align))
}

fn bold_cell(text: &str, size: usize, align: AlignmentType) -> TableCell {
    TableCell::new().add_paragraph(line(run(text, size).bold(), align))
}

/// A paragraph of the body: justified, its first line indented, 6 pt after it.
fn body(text: &str) -> Paragraph {
    line(run(text, BODY), AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(FIRST_LINE)),
            None,
            None,
        )
        .spacing(0, AFTER_PARAGRAPH)
}

/// A paragraph of one run, single-spaced with no space around it.
fn line(run: Run, align: AlignmentType) -> Paragraph {
    Paragraph::new().align(align).add_run(run).spacing(0, 0)
}

/// A short rule under a heading: a line `percent` of `width` long, centred.
fn rule(width: u32, percent: u32) -> Paragraph {
    let indent = (width * (100 - percent) / 200) as i32;
    let mut rule = Paragraph::new()
        .size(4)
        .indent(Some(indent), None, Some(indent), None)
        .line_spacing(
            LineSpacing::new()
                .before(0)
                .after(60)
                .line(80)
                .line_rule(LineSpacingType::Exact),
        );
    rule.property = rule.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Top)
                .val(BorderType::Single)
                .size(6),
        ),
    );
    rule
}

/// `text` in `size` half-points, its lines kept as line breaks, without the control
/// characters XML cannot hold.
fn run(text: &str, size: usize) -> Run {
    let mut run = Run::new().size(size);
    for (n, part) in text.split('\n').enumerate() {
        if n > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        let part: String = part
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        run = run.add_text(part);
    }
    run
}

/// The space before and after a paragraph, in twentieths of a point.
trait Spacing {
    fn spacing(self, before: u32, after: u32) -> Self;
}

impl Spacing for Paragraph {
    fn spacing(self, before: u32, after: u32) -> Self {
        self.line_spacing(LineSpacing::new().before(before).after(after))
    }
}
