//! Helpers for forms: reading typed values from what was typed, and forms with files.

use crate::db::files::NewFile;
use crate::domain::input::{Invalid, clean};

/// A form with nothing in it but its CSRF token (a button that does one thing).
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// Trimmed text (see [`clean`]); `None` when empty.
pub fn optional(value: &str) -> Option<String> {
    let text = clean(value);
    (!text.is_empty()).then_some(text)
}

pub use crate::domain::input::id as id_of;

/// The ids of the boxes checked in a group of checkboxes, sorted, without repeats; `None` if
/// one of them is not an id (no page of the portal sends that).
pub fn ids_of(raw: &[String]) -> Option<Vec<i64>> {
    let mut ids = raw.iter().map(|r| id_of(r)).collect::<Option<Vec<i64>>>()?;
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

/// True for a checked checkbox.
pub fn checked(value: &Option<String>) -> bool {
    value
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A file sent with a form, received into a file on disk.
#[derive(Debug)]
pub struct Upload {
    pub field: String,
    pub file_name: String,
    pub content: crate::db::files::Spooled,
}

/// A multipart form (one with files) posted by a signed-in user, CSRF token checked. A body over
/// the upload limit is not an error here: `too_large` says so, for the form to explain.
#[derive(Debug, Default)]
pub struct MultipartForm {
    pub fields: std::collections::HashMap<String, String>,
    pub files: Vec<Upload>,
    pub too_large: bool,
}

/// A multipart form not read yet: the handler checks who may send it first, so a refused
/// upload is answered before its body is received, then reads it with [`UploadForm::read`].
pub struct UploadForm {
    session: super::session::Session,
    multipart: axum::extract::Multipart,
}

impl axum::extract::FromRequest<super::state::AppState> for UploadForm {
    type Rejection = super::error::AppError;

    async fn from_request(
        request: axum::extract::Request,
        state: &super::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        use super::error::AppError;
        let session = request
            .extensions()
            .get::<super::session::Session>()
            .cloned()
            .ok_or(AppError::Unauthenticated)?;
        // Reads the headers only; the body is read part by part by `read`.
        let multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|_| AppError::BadRequest)?;
        Ok(UploadForm { session, multipart })
    }
}

impl UploadForm {
    /// Receives the form: text fields in memory, files into files on disk under the data
    /// directory, a piece at a time; then checks the CSRF token.
    pub async fn read(
        self,
        state: &super::state::AppState,
    ) -> Result<MultipartForm, super::error::AppError> {
        use super::error::AppError;
        let UploadForm {
            session,
            mut multipart,
        } = self;
        let limit = state.config.max_upload_bytes as u64;
        let spool_dir = state.config.data_dir.join("uploads");
        let mut form = MultipartForm::default();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    form.too_large = true;
                    break;
                }
                Err(_) => return Err(AppError::BadRequest),
            };
            let name = field.name().unwrap_or("").to_owned();
            // A file whose name is not UTF-8 is still a file: kept under a repaired name,
            // never read as a text field and dropped.
            let file_name = field
                .file_name()
                .map(str::to_owned)
                .or_else(|| raw_file_name(field.headers()));
            match file_name {
                Some(file_name) => {
                    let mut field = field;
                    let mut content = crate::db::files::Spooled::create(&spool_dir)
                        .await
                        .map_err(|e| AppError::Internal(e.into()))?;
                    loop {
                        match field.chunk().await {
                            Ok(Some(chunk)) => {
                                if content.size() + chunk.len() as u64 > limit {
                                    form.too_large = true;
                                    break;
                                }
                                content
                                    .write(&chunk)
                                    .await
                                    .map_err(|e| AppError::Internal(e.into()))?;
                            }
                            Ok(None) => break,
                            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                                form.too_large = true;
                                break;
                            }
                            Err(_) => return Err(AppError::BadRequest),
                        }
                    }
                    if form.too_large {
                        break;
                    }
                    content
                        .finish()
                        .await
                        .map_err(|e| AppError::Internal(e.into()))?;
                    if !file_name.is_empty() || content.size() > 0 {
                        form.files.push(Upload {
                            field: name,
                            file_name,
                            content,
                        });
                    }
                }
                None => {
                    let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                    // As for every form (see `CsrfForm`): no person types a NUL.
                    if text.contains('\0') {
                        return Err(AppError::BadRequest);
                    }
                    form.fields.insert(name, text);
                }
            }
        }
        // The token comes first in the portal's forms, so it is read even when the file was
        // too large.
        let sent = form.fields.get(super::extract::CSRF_FIELD);
        super::extract::check_csrf(&session, sent.map(String::as_str))?;
        Ok(form)
    }
}

/// A file that passed the checks: a kind the portal accepts (by content), within the size limit.
#[derive(Debug)]
pub struct CheckedFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub content: crate::db::files::Spooled,
}

impl CheckedFile {
    pub fn as_new(&self) -> NewFile<'_> {
        NewFile {
            file_name: &self.file_name,
            content_type: self.content_type,
            content: crate::db::files::Content::Spooled(&self.content),
        }
    }
}

/// Most files one form takes at once.
pub const MAX_FILES_PER_FORM: usize = 10;

/// Checks the files sent in `field` of a multipart form: each recognised by its content as
/// PDF, Word, Excel or an image, the request within the size limit. `Err` is the message for
/// the form, in the user's language; `required` asks for at least one file.
/// The file name of a part whose `filename` is not valid UTF-8 (which the multipart parser
/// does not report), with each invalid sequence replaced by `_`.
fn raw_file_name(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::CONTENT_DISPOSITION)?
        .as_bytes();
    let at = value
        .windows(9)
        .enumerate()
        .find(|(i, w)| {
            w.eq_ignore_ascii_case(b"filename=")
                && (*i == 0 || value[i - 1] == b';' || value[i - 1].is_ascii_whitespace())
        })
        .map(|(i, _)| i + 9)?;
    let rest = &value[at..];
    let raw = match rest.strip_prefix(b"\"") {
        Some(quoted) => {
            &quoted[..quoted
                .iter()
                .position(|b| *b == b'"')
                .unwrap_or(quoted.len())]
        }
        None => &rest[..rest.iter().position(|b| *b == b';').unwrap_or(rest.len())],
    };
    Some(String::from_utf8_lossy(raw).replace('\u{FFFD}', "_"))
}

pub fn check_files(
    form: &mut MultipartForm,
    field: &str,
    max_upload_bytes: usize,
    required: bool,
) -> Result<Vec<CheckedFile>, Invalid> {
    use crate::domain::files::{clean_name, sniff, stored_name};
    if form.too_large {
        let limit = crate::domain::text::size_label(max_upload_bytes as u64);
        return Err(Invalid::with("files.too_large", limit));
    }
    // The files move out of the form (no copy of what may be megabytes); the extractor left
    // out empty file fields already.
    let uploads: Vec<Upload> = std::mem::take(&mut form.files)
        .into_iter()
        .filter(|f| f.field == field)
        .collect();
    if uploads.is_empty() && required {
        return Err(Invalid::new("files.missing"));
    }
    if uploads.len() > MAX_FILES_PER_FORM {
        return Err(Invalid::with("files.too_many", MAX_FILES_PER_FORM));
    }
    uploads
        .into_iter()
        .map(|upload| match sniff(upload.content.sample()) {
            Some(kind) if upload.content.size() > 0 => {
                let name = stored_name(kind, &upload.file_name);
                Ok(CheckedFile {
                    content_type: kind.content_type(&name),
                    file_name: name,
                    content: upload.content,
                })
            }
            _ => Err(Invalid::with(
                "files.forbidden_type_named",
                clean_name(&upload.file_name),
            )),
        })
        .collect()
}

/// The files as the commands store them, or why they were refused.
pub fn new_files(checked: &Result<Vec<CheckedFile>, Invalid>) -> Result<Vec<NewFile<'_>>, Invalid> {
    match checked {
        Ok(files) => Ok(files.iter().map(CheckedFile::as_new).collect()),
        Err(invalid) => Err(invalid.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue, header};

    #[test]
    fn a_name_that_is_not_utf8_is_repaired() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_bytes(b"form-data; name=\"file\"; filename=\"b\xe1o c\xe1o.pdf\"")
                .unwrap(),
        );
        assert_eq!(raw_file_name(&headers).as_deref(), Some("b_o c_o.pdf"));
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("form-data; name=\"note\""),
        );
        assert_eq!(raw_file_name(&headers), None);
    }

    #[test]
    fn text_drops_what_the_database_cannot_store() {
        assert_eq!(optional(" \0 "), None);
        assert_eq!(optional(" 20/KH "), Some("20/KH".to_owned()));
    }

    #[test]
    fn ids_from_checkboxes() {
        let raw = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(ids_of(&raw(&["3", " 1", "3"])), Some(vec![1, 3]));
        assert_eq!(ids_of(&raw(&[])), Some(vec![]));
        assert_eq!(ids_of(&raw(&["1", "x"])), None);
        assert_eq!(ids_of(&raw(&["0"])), None);
        assert_eq!(id_of("-4"), None);
    }
}
