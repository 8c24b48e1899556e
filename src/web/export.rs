//! Lists downloaded as spreadsheets. XLSX: a workbook written a row at a time by a blocking
//! task (rust_xlsxwriter's constant memory mode flushes each row to a temporary file), saved
//! into another temporary file, then sent from it. CSV: sent as it is written. Either way the
//! rows pass through a bounded channel, so a download holds a few hundred of them in memory
//! however long its list is; the temporary files are created already deleted (no name on
//! disk), so nothing is left behind whatever happens.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::PathBuf;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use tokio::sync::mpsc;

use crate::domain::dates::format_date;
use crate::domain::export::{Column, UTF8_BOM, Value, push_csv_record};
use crate::domain::files::content_disposition_with;
use crate::web::error::AppError;

pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// Rows on their way from the database to a writer: all that an export holds of its list.
const ROWS_IN_FLIGHT: usize = 256;

/// CSV is sent in pieces of about this many bytes.
const CSV_PIECE: usize = 64 * 1024;

/// Pieces of CSV waiting to be sent.
const PIECES_IN_FLIGHT: usize = 4;

/// A workbook of one worksheet, written by a blocking task as its rows come.
pub struct SheetWriter {
    rows: mpsc::Sender<Vec<Value>>,
    done: tokio::task::JoinHandle<Result<File, XlsxError>>,
}

impl SheetWriter {
    /// Starts a workbook whose sheet `name` has `columns` under `headings`, its temporary
    /// files in `dir` (created if needed).
    pub fn start(
        dir: PathBuf,
        name: String,
        columns: &'static [Column],
        headings: Vec<String>,
    ) -> SheetWriter {
        let (rows, received) = mpsc::channel(ROWS_IN_FLIGHT);
        let done = tokio::task::spawn_blocking(move || {
            write_workbook(&dir, &name, columns, &headings, received)
        });
        SheetWriter { rows, done }
    }

    /// Adds the next row; false when the writer has stopped ([`Self::finish`] says why).
    pub async fn push(&self, row: Vec<Value>) -> bool {
        self.rows.send(row).await.is_ok()
    }

    /// Ends the sheet: the workbook, in a temporary file ready to be read from its start.
    pub async fn finish(self) -> Result<File, AppError> {
        drop(self.rows);
        let written = self
            .done
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("the sheet writer")))?;
        written.map_err(|e| AppError::Internal(anyhow::Error::new(e).context("writing a sheet")))
    }
}

/// The blocking part of [`SheetWriter`]: a bold, frozen heading row with an autofilter,
/// columns of the given widths, dates as dates (dd/mm/yyyy), numbers as numbers, long texts
/// wrapped; every row written as it is received (constant memory mode keeps one in memory).
fn write_workbook(
    dir: &std::path::Path,
    name: &str,
    columns: &[Column],
    headings: &[String],
    mut rows: mpsc::Receiver<Vec<Value>>,
) -> Result<File, XlsxError> {
    std::fs::create_dir_all(dir)?;
    let mut workbook = Workbook::new();
    workbook.set_tempdir(dir)?;
    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border_bottom(FormatBorder::Thin);
    let text = Format::new().set_align(FormatAlign::Top);
    let wrapped = text.clone().set_text_wrap();
    let date = text.clone().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(name)?;
    for (n, column) in (0u16..).zip(columns) {
        sheet.set_column_width(n, column.width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (n, title) in (0u16..).zip(headings) {
        sheet.write_string_with_format(0, n, title, &heading)?;
    }
    let mut last_row = 0u32;
    while let Some(values) = rows.blocking_recv() {
        last_row += 1;
        for ((n, value), column) in (0u16..).zip(&values).zip(columns) {
            let format = if column.wrap { &wrapped } else { &text };
            match value {
                Value::Text(value) => {
                    sheet.write_string_with_format(last_row, n, value, format)?;
                }
                Value::Number(value) => {
                    sheet.write_number_with_format(last_row, n, *value as f64, &text)?;
                }
                Value::Date(value) => match excel_date(*value) {
                    Some(value) => {
                        sheet.write_date_with_format(last_row, n, value, &date)?;
                    }
                    None => {
                        sheet.write_string_with_format(last_row, n, format_date(*value), &text)?;
                    }
                },
                Value::Empty => {}
            }
        }
    }
    let last_column = u16::try_from(columns.len().max(1) - 1).unwrap_or(0);
    sheet.autofilter(0, 0, last_row, last_column)?;
    let mut file = tempfile::tempfile_in(dir)?;
    workbook.save_to_writer(&mut file)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(file)
}

/// `date` as Excel counts days, if Excel has it (from 1900 on).
fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    ExcelDateTime::from_ymd(
        u16::try_from(date.year()).ok()?,
        date.month() as u8,
        date.day() as u8,
    )
    .ok()
}

/// A CSV download being written: the byte order mark and the heading row first, then each
/// row as it comes, sent in pieces.
pub struct CsvWriter {
    pieces: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: String,
}

impl CsvWriter {
    /// The writer, and the body of the response it sends into.
    pub fn start(headings: &[String]) -> (CsvWriter, Body) {
        let (pieces, received) = mpsc::channel(PIECES_IN_FLIGHT);
        let body = Body::from_stream(futures_util::stream::unfold(
            received,
            |mut received| async move { received.recv().await.map(|piece| (piece, received)) },
        ));
        let mut buffer = String::with_capacity(CSV_PIECE * 2);
        buffer.push_str(UTF8_BOM);
        let headings: Vec<Value> = headings.iter().map(Value::text).collect();
        push_csv_record(&mut buffer, &headings);
        (CsvWriter { pieces, buffer }, body)
    }

    /// Adds the next row; false when nobody reads the download any more.
    pub async fn push(&mut self, row: &[Value]) -> bool {
        push_csv_record(&mut self.buffer, row);
        if self.buffer.len() < CSV_PIECE {
            return true;
        }
        self.send().await
    }

    /// Sends what is left: the download is complete.
    pub async fn finish(mut self) {
        self.send().await;
    }

    /// Breaks the download off: the client sees an incomplete download, never one that looks
    /// complete without all its rows.
    pub async fn fail(self, error: impl std::fmt::Display) {
        let _ = self
            .pieces
            .send(Err(std::io::Error::other(error.to_string())))
            .await;
    }

    async fn send(&mut self) -> bool {
        let piece = std::mem::replace(&mut self.buffer, String::with_capacity(CSV_PIECE * 2));
        self.pieces.send(Ok(Bytes::from(piece))).await.is_ok()
    }
}

/// How a download is named: an ASCII name for old clients and the name people read.
pub struct FileName {
    pub ascii: String,
    pub full: String,
}

/// The response of a download whose `body` is of `content_type`, `length` bytes when known.
pub fn download(
    body: Body,
    content_type: &'static str,
    name: &FileName,
    length: Option<u64>,
) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&content_disposition_with(&name.ascii, &name.full)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// The body that sends `file` from where it stands, a piece at a time.
pub fn file_body(file: File) -> (Body, Option<u64>) {
    let length = file.metadata().ok().map(|m| m.len());
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    (Body::from_stream(stream), length)
}

/// A short list (a report's annex, the tracking of one period) as an XLSX download: the rows
/// are all in memory already, and go through the same writer as the long lists.
pub async fn sheet_download(
    dir: PathBuf,
    sheet_name: String,
    columns: &'static [Column],
    headings: Vec<String>,
    rows: Vec<Vec<Value>>,
    name: &FileName,
) -> Result<Response, AppError> {
    let sheet = SheetWriter::start(dir, sheet_name, columns, headings);
    for row in rows {
        if !sheet.push(row).await {
            break;
        }
    }
    let (body, length) = file_body(sheet.finish().await?);
    Ok(download(body, XLSX_CONTENT_TYPE, name, length))
}

/// A short list as a CSV download (UTF-8 with a byte order mark).
pub fn csv_download(headings: &[String], rows: &[Vec<Value>], name: &FileName) -> Response {
    let mut text = String::from(UTF8_BOM);
    let headings: Vec<Value> = headings.iter().map(|h| Value::Text(h.clone())).collect();
    push_csv_record(&mut text, &headings);
    for row in rows {
        push_csv_record(&mut text, row);
    }
    let length = text.len() as u64;
    download(Body::from(text), CSV_CONTENT_TYPE, name, Some(length))
}
