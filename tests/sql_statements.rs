//! Every static SQL statement of `src/db/` still matches the schema: a renamed or dropped
//! column, table or function fails here, in seconds and with the statement's place, rather
//! than somewhere in the long suite (docs/decisions.md, "A describe-check of the SQL").
//!
//! Reads the sources as text and takes the string literal each `sqlx::query…(` and
//! `raw_sql(` is called with; then has PostgreSQL parse and describe each one on a freshly
//! migrated database, without running it. Statements built at run time (`&format!(…)`,
//! `concat!(…)`, a variable, `QueryBuilder`) are counted and listed, not checked.
//!
//! A server of its own rather than the harness's (`tests/common/`), whose start also loads
//! the demo data: a schema change that breaks the demo data would stop it before this check
//! could say which statements are wrong.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use remediation_portal::db;
use remediation_portal::embedded::{EmbeddedOptions, EmbeddedPostgres};
use sqlx::postgres::{PgConnectOptions, PgTypeInfo};
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};

/// The directories whose statements are checked (all of the portal's SQL but the demo data's
/// and the programs', `tests/architecture.rs` makes sure).
const CHECKED_DIRS: [&str; 1] = ["src/db"];

/// Fewer static statements than this means the extractor lost its way (there were 147 when
/// the check was written).
const AT_LEAST: usize = 140;

/// The functions whose first argument is a statement.
const CALLS: [&str; 7] = [
    "query",
    "query_as",
    "query_scalar",
    "raw_sql",
    "query_with",
    "query_as_with",
    "query_scalar_with",
];

/// Statements whose parameter types PostgreSQL cannot infer from the text alone (`$1 -
/// interval '1 day'` reads `$1` as an interval, `set kind = $2` as text), though they run: the
/// code binds typed values, and the driver sends those types with the statement. They are
/// given here the same way, so the statements are checked whole and stay as they are
/// (some are the jobs' tuned statements): (file, a fragment of the statement, the types of
/// `$1`, `$2`… as the code binds them). An entry that matches no statement fails the check.
const PARAMETER_TYPES: [(&str, &str, &[&str]); 9] = [
    (
        "src/db/auth.rs",
        "insert into unknown_sign_ins",
        &["text", "int4", "timestamptz"],
    ),
    (
        "src/db/auth.rs",
        "delete from login_attempts where created_at < $1 - interval",
        &["timestamptz"],
    ),
    (
        "src/db/auth.rs",
        "delete from unknown_sign_ins",
        &["timestamptz"],
    ),
    (
        "src/db/auth.rs",
        "delete from form_submissions where created_at < $1 - interval",
        &["timestamptz"],
    ),
    (
        "src/db/email_outbox.rs",
        "update email_outbox set attempts = attempts + 1",
        &["int8", "timestamptz", "text", "timestamptz", "text", "text"],
    ),
    (
        "src/db/job_notices.rs",
        "with due as",
        &["date", "int4", "int4[]"],
    ),
    (
        "src/db/job_notices.rs",
        "with open_reports as",
        &["date", "int4"],
    ),
    (
        "src/db/job_runs.rs",
        "delete from job_runs where job = $1",
        &["text", "timestamptz"],
    ),
    (
        "src/db/notifications.rs",
        "insert into notifications (user_id, kind, task_id, extension_request_id",
        &[
            "int8[]",
            "notification_kind",
            "int8",
            "int8",
            "int8",
            "jsonb",
            "timestamptz",
        ],
    ),
];

/// What a call is given as its statement.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Statement {
    /// A string literal: the statement's text.
    Static(String),
    /// Anything else, built at run time: the source text it starts with.
    Dynamic(String),
}

/// A call that takes a statement, at a line of a file (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Call {
    line: usize,
    statement: Statement,
}

/// A token of Rust source, with the byte offset it starts at.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    /// A string literal, its escapes decoded.
    Str(String),
    Punct(char),
}

/// The tokens of `source` (comments and whitespace left out), each with its offset.
fn tokens(source: &str) -> Vec<(usize, Token)> {
    let chars: Vec<(usize, char)> = source.char_indices().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, c)| c);
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = block_comment_end(&chars, i);
        } else if c == '"' {
            let (text, end) = normal_string(&chars, i + 1);
            found.push((at, Token::Str(text)));
            i = end;
        } else if c == '\'' {
            i = char_or_lifetime_end(&chars, i);
        } else if c.is_alphanumeric() || c == '_' {
            if let Some((text, end)) = raw_string(&chars, i) {
                found.push((at, Token::Str(text)));
                i = end;
                continue;
            }
            let start = i;
            while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().map(|&(_, c)| c).collect();
            // `b"…"`: a byte string, read as a string.
            if word == "b" && chars.get(i).map(|&(_, c)| c) == Some('"') {
                let (text, end) = normal_string(&chars, i + 1);
                found.push((at, Token::Str(text)));
                i = end;
            } else {
                found.push((at, Token::Word(word)));
            }
        } else {
            found.push((at, Token::Punct(c)));
            i += 1;
        }
    }
    found
}

/// Where the (possibly nested) block comment starting at `i` ends.
fn block_comment_end(chars: &[(usize, char)], mut i: usize) -> usize {
    let mut depth = 0;
    while i < chars.len() {
        let pair = (chars[i].1, chars.get(i + 1).map(|&(_, c)| c));
        match pair {
            ('/', Some('*')) => {
                depth += 1;
                i += 2;
            }
            ('*', Some('/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    i
}

/// Where the character literal or lifetime starting at `i` (its `'`) ends.
fn char_or_lifetime_end(chars: &[(usize, char)], i: usize) -> usize {
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    match (at(i + 1), at(i + 2)) {
        // '\n', '\'', '\u{…}': up to the closing quote.
        (Some('\\'), _) => {
            let mut k = i + 3;
            while k < chars.len() && at(k) != Some('\'') {
                k += 1;
            }
            k + 1
        }
        // 'x'
        (Some(_), Some('\'')) => i + 3,
        // 'a, '_, 'static: a lifetime; its name is read as a word next.
        _ => i + 1,
    }
}

/// A normal string literal whose text starts at `i` (after its `"`), decoded; and where it
/// ends.
fn normal_string(chars: &[(usize, char)], mut i: usize) -> (String, usize) {
    let mut text = String::new();
    while i < chars.len() {
        let c = chars[i].1;
        i += 1;
        match c {
            '"' => break,
            '\\' => i = escape(chars, i, &mut text),
            c => text.push(c),
        }
    }
    (text, i)
}

/// Decodes the escape whose first character (after the `\`) is at `i`; where it ends.
fn escape(chars: &[(usize, char)], mut i: usize, text: &mut String) -> usize {
    let Some(&(_, c)) = chars.get(i) else {
        return i;
    };
    i += 1;
    match c {
        'n' => text.push('\n'),
        'r' => text.push('\r'),
        't' => text.push('\t'),
        '0' => text.push('\0'),
        // A line continuation: the line break and the next line's leading whitespace go.
        '\n' | '\r' => {
            while i < chars.len() && chars[i].1.is_whitespace() {
                i += 1;
            }
        }
        'x' => {
            let hex: String = chars[i..(i + 2).min(chars.len())]
                .iter()
                .map(|&(_, c)| c)
                .collect();
            text.extend(u8::from_str_radix(&hex, 16).ok().map(char::from));
            i += 2;
        }
        'u' => {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && chars[end].1 != '}' {
                end += 1;
            }
            let hex: String = chars[start..end].iter().map(|&(_, c)| c).collect();
            text.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
            i = end + 1;
        }
        // \\ \" \'
        c => text.push(c),
    }
    i
}

/// A raw string literal (`r"…"`, `r#"…"#`, `br"…"`) starting at `i`: its text and where it
/// ends; `None` when no raw string starts there.
fn raw_string(chars: &[(usize, char)], i: usize) -> Option<(String, usize)> {
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let mut k = i;
    if at(k) == Some('b') {
        k += 1;
    }
    if at(k) != Some('r') {
        return None;
    }
    k += 1;
    let hashes = (k..).take_while(|&n| at(n) == Some('#')).count();
    k += hashes;
    if at(k) != Some('"') {
        return None;
    }
    let start = k + 1;
    let mut end = start;
    loop {
        if end >= chars.len() {
            return None;
        }
        if at(end) == Some('"') && (1..=hashes).all(|h| at(end + h) == Some('#')) {
            break;
        }
        end += 1;
    }
    let text = chars[start..end].iter().map(|&(_, c)| c).collect();
    Some((text, end + 1 + hashes))
}

/// Every call in `source` that takes a statement: sqlx's statement functions and
/// `QueryBuilder`s (always dynamic).
fn calls(source: &str) -> Vec<Call> {
    let tokens = tokens(source);
    let line_of = |offset: usize| source[..offset].matches('\n').count() + 1;
    let mut found = Vec::new();
    for (n, (at, token)) in tokens.iter().enumerate() {
        let Token::Word(word) = token else { continue };
        let before = n.checked_sub(1).map(|p| &tokens[p].1);
        // A method (`.query_as()`) or the definition of a function of that name.
        let method_or_definition = matches!(before, Some(Token::Punct('.')))
            || matches!(before, Some(Token::Word(w)) if w == "fn");
        if CALLS.contains(&word.as_str()) && !method_or_definition {
            let Some(argument) = argument_of(&tokens, n + 1) else {
                continue;
            };
            let statement = match &tokens[argument].1 {
                Token::Str(text) => Statement::Static(text.clone()),
                _ => Statement::Dynamic(snippet(source, tokens[argument].0)),
            };
            found.push(Call {
                line: line_of(*at),
                statement,
            });
        } else if word == "QueryBuilder" && builds(&tokens, n + 1) {
            found.push(Call {
                line: line_of(*at),
                statement: Statement::Dynamic(snippet(source, *at)),
            });
        }
    }
    found
}

/// The index of the first argument's token when the tokens from `i` are an optional
/// turbofish (`::<…>`) and an opening parenthesis.
fn argument_of(tokens: &[(usize, Token)], mut i: usize) -> Option<usize> {
    let punct = |k: usize| match tokens.get(k) {
        Some((_, Token::Punct(c))) => Some(*c),
        _ => None,
    };
    if punct(i) == Some(':') && punct(i + 1) == Some(':') && punct(i + 2) == Some('<') {
        let mut depth = 0;
        i += 2;
        loop {
            match punct(i) {
                Some('<') => depth += 1,
                Some('>') => depth -= 1,
                _ if i >= tokens.len() => return None,
                _ => {}
            }
            i += 1;
            if depth == 0 {
                break;
            }
        }
    }
    (punct(i) == Some('(') && i + 1 < tokens.len()).then_some(i + 1)
}

/// True when the tokens from `i` (after `QueryBuilder`) call its constructor:
/// `[::<…>]::new(` or `::with_capacity(`.
fn builds(tokens: &[(usize, Token)], i: usize) -> bool {
    tokens[i..]
        .iter()
        .take_while(|(_, t)| !matches!(t, Token::Punct('(' | ';' | '{' | ')')))
        .any(|(_, t)| matches!(t, Token::Word(w) if w == "new" || w == "with_capacity"))
}

/// The source from `offset` to the end of its line, at most 60 characters.
fn snippet(source: &str, offset: usize) -> String {
    let rest = source[offset..].lines().next().unwrap_or("");
    rest.chars().take(60).collect::<String>().trim().to_owned()
}

/// The statement on one line, its runs of whitespace made one space, at most 300 characters.
fn one_line(sql: &str) -> String {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// The `.rs` files under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// A call found in a file: (the file relative to the crate, the call).
type Located = (String, Call);

/// Every call in the checked directories, split into static and dynamic statements.
fn calls_in_sources() -> (Vec<Located>, Vec<Located>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (mut checked, mut skipped) = (Vec::new(), Vec::new());
    for dir in CHECKED_DIRS {
        for path in rust_files(&root.join(dir)) {
            let source = fs::read_to_string(&path).expect("a readable source file");
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string();
            for call in calls(&source) {
                match call.statement {
                    Statement::Static(_) => checked.push((name.clone(), call)),
                    Statement::Dynamic(_) => skipped.push((name.clone(), call)),
                }
            }
        }
    }
    (checked, skipped)
}

/// The entry of [`PARAMETER_TYPES`] for a statement of `file`, if any.
fn typed(file: &str, sql: &str) -> Option<usize> {
    PARAMETER_TYPES
        .iter()
        .position(|(f, fragment, _)| file == *f && sql.contains(fragment))
}

/// A migrated, empty database on an embedded server in a temporary directory (or on
/// `TEST_DATABASE_URL`'s server, in a database of its own), and what keeps it alive.
struct Schema {
    options: PgConnectOptions,
    /// The embedded server and its directory; stopped and removed when dropped.
    _server: Option<(EmbeddedPostgres, tempfile::TempDir)>,
    /// On `TEST_DATABASE_URL`'s server: where to drop the database from afterwards.
    drop_from: Option<PgConnectOptions>,
}

impl Schema {
    fn start() -> Schema {
        let name = format!("rtp_t_sql_{}", std::process::id());
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => {
                let admin: PgConnectOptions =
                    url.parse().expect("TEST_DATABASE_URL is a valid URL");
                Schema {
                    options: admin.clone().database(&name),
                    _server: None,
                    drop_from: Some(admin),
                }
            }
            _ => {
                let dir = tempfile::Builder::new()
                    .prefix("rtp-sql-")
                    .tempdir()
                    .expect("a temporary directory");
                let server = EmbeddedPostgres::start(&EmbeddedOptions {
                    data_dir: dir.path().to_path_buf(),
                    pg_bin: std::env::var_os("PG_BIN").map(PathBuf::from),
                    fast_unsafe: true,
                })
                .expect("the embedded PostgreSQL starts");
                Schema {
                    options: server.connect_options(&name),
                    _server: Some((server, dir)),
                    drop_from: None,
                }
            }
        }
    }

    /// Creates and migrates the database; a connection to it.
    async fn migrated(&self) -> PgConnection {
        let admin_options = self
            .drop_from
            .clone()
            .unwrap_or_else(|| self.options.clone().database("postgres"));
        let admin = sqlx::PgPool::connect_with(admin_options)
            .await
            .expect("connects to the server");
        let name = self.options.get_database().expect("a database name");
        assert!(
            db::ensure_database(&admin, name)
                .await
                .expect("creates the database"),
            "the database {name} exists already"
        );
        admin.close().await;
        let pool = sqlx::PgPool::connect_with(self.options.clone())
            .await
            .expect("connects to the new database");
        db::migrate(&pool).await.expect("the migrations apply");
        pool.close().await;
        self.options
            .clone()
            .disable_statement_logging()
            .connect()
            .await
            .expect("connects to the migrated database")
    }

    /// Drops the database from `TEST_DATABASE_URL`'s server (an embedded one goes whole).
    async fn finish(&self) {
        let (Some(admin), Some(name)) = (&self.drop_from, self.options.get_database()) else {
            return;
        };
        if let Ok(mut admin) = admin.connect().await {
            let drop = format!(
                "drop database if exists {} with (force)",
                db::quote_ident(name)
            );
            let _ = sqlx::raw_sql(&drop).execute(&mut admin).await;
        }
    }
}

/// `file:line: error: statement` for every static statement PostgreSQL refuses to prepare,
/// and which [`PARAMETER_TYPES`] entries were used.
async fn refusals(conn: &mut PgConnection, checked: &[Located]) -> (Vec<String>, Vec<bool>) {
    let mut refused = Vec::new();
    let mut used = vec![false; PARAMETER_TYPES.len()];
    for (file, call) in checked {
        let Statement::Static(sql) = &call.statement else {
            continue;
        };
        let types: Vec<PgTypeInfo> = match typed(file, sql) {
            Some(entry) => {
                used[entry] = true;
                PARAMETER_TYPES[entry]
                    .2
                    .iter()
                    .map(|name| PgTypeInfo::with_name(name))
                    .collect()
            }
            None => Vec::new(),
        };
        if let Err(error) = Executor::prepare_with(&mut *conn, sql.as_str(), &types).await {
            refused.push(format!("{file}:{}: {error}: {}", call.line, one_line(sql)));
        }
    }
    (refused, used)
}

#[test]
fn every_static_statement_matches_the_schema() {
    let started = Instant::now();
    let (checked, skipped) = calls_in_sources();
    assert!(
        checked.len() >= AT_LEAST,
        "found only {} static statements in {CHECKED_DIRS:?} (expected at least {AT_LEAST}): \
         the extractor no longer reads the sources right",
        checked.len()
    );
    let schema = Schema::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (refused, used) = runtime.block_on(async {
        let migrating = Instant::now();
        let mut conn = schema.migrated().await;
        let migrated_in = migrating.elapsed();
        let checking = Instant::now();
        let result = refusals(&mut conn, &checked).await;
        let _ = conn.close().await;
        schema.finish().await;
        println!(
            "{} static statements checked in {} ms ({} ms to start and migrate), {} built at \
             run time skipped:",
            checked.len(),
            checking.elapsed().as_millis(),
            migrated_in.as_millis(),
            skipped.len()
        );
        result
    });
    for (file, call) in &skipped {
        if let Statement::Dynamic(start) = &call.statement {
            println!("  skipped {file}:{}: {start}", call.line);
        }
    }
    println!("in all {} ms", started.elapsed().as_millis());
    let unused: Vec<_> = PARAMETER_TYPES
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|((file, fragment, _), _)| format!("{file}: {fragment}"))
        .collect();
    assert!(
        refused.is_empty(),
        "{} of {} statements do not match the schema (a renamed or dropped column, table, \
         type or function?):\n{}",
        refused.len(),
        checked.len(),
        refused.join("\n")
    );
    assert!(
        unused.is_empty(),
        "PARAMETER_TYPES entries that match no statement: {unused:#?}"
    );
}

#[test]
fn the_extractor_reads_literals_and_skips_built_statements() {
    let source = r####"
        // sqlx::query("in a comment") is not a call
        fn query(x: &str) {}
        let a = sqlx::query("select \"name\", '\\' from t where a = $1\
                             and b = 2");
        let b: (i64,) = sqlx::query_as::<_, (i64,)>(
            r#"select "x" from t"#,
        );
        let c = query_scalar::<_, Vec<Option<i64>>>(r"select 1");
        let d = sqlx::query_scalar(&format!("select {COLUMNS} from t"));
        let e = rows.iter().map(|r| r.query_as());
        let f = QueryBuilder::<Postgres>::new("select ");
        fn g(q: &mut QueryBuilder<'_, Postgres>) -> char { '"' }
        let h = sqlx::raw_sql("vacuum t");
    "####;
    let found = calls(source);
    let expected = [
        (
            4,
            Statement::Static("select \"name\", '\\' from t where a = $1and b = 2".into()),
        ),
        (6, Statement::Static("select \"x\" from t".into())),
        (9, Statement::Static("select 1".into())),
        (
            10,
            Statement::Dynamic("&format!(\"select {COLUMNS} from t\"));".into()),
        ),
        (
            12,
            Statement::Dynamic("QueryBuilder::<Postgres>::new(\"select \");".into()),
        ),
        (14, Statement::Static("vacuum t".into())),
    ];
    let found: Vec<(usize, Statement)> = found.into_iter().map(|c| (c.line, c.statement)).collect();
    assert_eq!(found, expected);
}

#[test]
fn escapes_decode() {
    assert_eq!(
        calls(r#"sqlx::query("a\tb\x41\u{1EA0}\n\\'\"")"#)[0].statement,
        Statement::Static("a\tbA\u{1EA0}\n\\'\"".into())
    );
    assert_eq!(
        calls("sqlx::query(br##\"a\"#b\"##)")[0].statement,
        Statement::Static("a\"#b".into())
    );
}
