//! The module structure of `src/` (docs/architecture.md, "Rules"): no two modules import each
//! other, directly or through others, and the layers only look down.
//!
//! Reads the sources as text: every `use` tree and every `crate::…`/`super::…` path outside the
//! unit tests is an edge from the file's module to the deepest module the path names. And every
//! SQL statement lives in `db` (one function per statement), apart from the demo data (`seed`)
//! and the programs beside the library (`src/bin/`, not read here).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module path (`web::ctx`) → the source of the file that defines it.
fn modules() -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    collect(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
        &mut Vec::new(),
        &mut found,
    );
    found
}

fn collect(dir: &Path, prefix: &mut Vec<String>, found: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            // `src/bin/` holds programs, not modules of the library.
            if prefix.is_empty() && name == "bin" {
                continue;
            }
            prefix.push(name);
            collect(&path, prefix, found);
            prefix.pop();
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut module = prefix.clone();
            if !matches!(name.as_str(), "mod" | "lib" | "main") {
                module.push(name);
            }
            found.insert(module.join("::"), fs::read_to_string(&path).unwrap());
        }
    }
}

/// The source without its unit tests (`#[cfg(test)] mod … { … }`).
fn without_tests(source: &str) -> String {
    let mut kept = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find("#[cfg(test)]\nmod ") {
        kept.push_str(&rest[..at]);
        let block = &rest[at..];
        let mut depth = 0;
        let mut end = block.len();
        for (i, c) in block.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &block[end..];
    }
    kept.push_str(rest);
    kept
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or("").trim();
        return vec![path.trim_end_matches("::*").to_owned()];
    };
    let prefix = tree[..open].trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand)
        .map(|p| match p.as_str() {
            "self" => prefix.to_owned(),
            _ if prefix.is_empty() => p,
            _ => format!("{prefix}::{p}"),
        })
        .collect()
}

/// The module `path` names, seen from `module`, if it names one of the crate's modules. (A
/// module's `super` is its parent and its children are below it, whether it is a `mod.rs` or
/// a file.)
fn resolve(path: &str, module: &str, modules: &BTreeMap<String, String>) -> Option<String> {
    let mut segments: Vec<&str> = path.split("::").map(str::trim).collect();
    let mut base: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    match segments.first().copied() {
        Some("crate") => {
            base.clear();
            segments.remove(0);
        }
        Some("super") | Some("self") => {
            while let Some(first) = segments.first().copied() {
                match first {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                segments.remove(0);
            }
        }
        Some(first) => {
            // A child module named without a prefix, else an external crate.
            let child = [module, first]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("::");
            if !modules.contains_key(&child) {
                return None;
            }
        }
        None => return None,
    }
    let full: Vec<&str> = base.into_iter().chain(segments).collect();
    (1..=full.len())
        .rev()
        .map(|n| full[..n].join("::"))
        .find(|candidate| modules.contains_key(candidate))
}

/// Every module each module imports from.
fn imports(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges = BTreeMap::new();
    for (module, source) in modules {
        let source = without_tests(source);
        let source = source.as_str();
        let mut paths = Vec::new();
        let mut lines = source.lines();
        while let Some(line) = lines.next() {
            let line = line.trim_start();
            let line = line
                .strip_prefix("pub(crate) ")
                .or_else(|| line.strip_prefix("pub "))
                .unwrap_or(line);
            let Some(tree) = line.strip_prefix("use ") else {
                continue;
            };
            let mut statement = tree.to_owned();
            while !statement.contains(';') {
                let Some(next) = lines.next() else { break };
                statement.push_str(next);
            }
            paths.extend(expand(statement.split(';').next().unwrap_or("")));
        }
        for prefix in ["crate::", "super::"] {
            for (at, _) in source.match_indices(prefix) {
                let path: String = source[at..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                // `crate::{…}` and `super::*` belong to `use` statements, read above.
                if !path.ends_with(':') {
                    paths.push(path);
                }
            }
        }
        let targets: BTreeSet<String> = paths
            .iter()
            .filter_map(|p| resolve(p, module, modules))
            .filter(|target| target != module)
            .collect();
        edges.insert(module.clone(), targets);
    }
    edges
}

/// The cycles of the import graph (strongly connected components of more than one module).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: finishing order on the graph, then components on the reversed graph.
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        seen: &mut BTreeSet<&'a str>,
        order: &mut Vec<&'a str>,
    ) {
        if !seen.insert(node) {
            return;
        }
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, seen, order);
        }
        order.push(node);
    }
    let mut reversed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in edges {
        for to in targets {
            reversed.entry(to.clone()).or_default().insert(from.clone());
        }
    }
    let (mut seen, mut order) = (BTreeSet::new(), Vec::new());
    for node in edges.keys() {
        visit(node, edges, &mut seen, &mut order);
    }
    let mut assigned = BTreeSet::new();
    let mut found = Vec::new();
    for node in order.into_iter().rev() {
        let mut component = Vec::new();
        visit(node, &reversed, &mut assigned, &mut component);
        if component.len() > 1 {
            component.sort();
            found.push(component.into_iter().map(str::to_owned).collect());
        }
    }
    found
}

/// The top-level modules that may issue SQL themselves.
const SQL_MODULES: [&str; 2] = ["db", "seed"];

/// What issuing SQL looks like in a source: sqlx's statement functions and builders.
const SQL_CALLS: [&str; 5] = [
    "sqlx::query",
    "raw_sql",
    "query_as",
    "query_scalar",
    "QueryBuilder",
];

/// `module:line: text` for every line outside `SQL_MODULES` that issues SQL.
fn sql_outside_db(modules: &BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    for (module, source) in modules {
        let top = module.split("::").next().unwrap_or("");
        if SQL_MODULES.contains(&top) {
            continue;
        }
        for (number, line) in source.lines().enumerate() {
            if SQL_CALLS.iter().any(|call| line.contains(call)) {
                found.push(format!("{module}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn sql_lives_in_db() {
    let found = sql_outside_db(&modules());
    assert!(
        found.is_empty(),
        "SQL outside src/db/ (docs/architecture.md: one function per statement in \
         db/<area>.rs; only seed and src/bin/ keep their own): {found:#?}"
    );
}

#[test]
fn the_check_sees_sql_outside_db() {
    let mut modules = BTreeMap::new();
    modules.insert(
        "web::pages::x".to_owned(),
        "fn f() {}\nlet n: i64 = sqlx::query_scalar::<_, i64>(\"select 1\")".to_owned(),
    );
    modules.insert("jobs".to_owned(), "use sqlx::{PgPool, raw_sql};".to_owned());
    modules.insert(
        "db::tasks".to_owned(),
        "sqlx::query(\"select 1\")".to_owned(),
    );
    modules.insert(
        "seed::load".to_owned(),
        "QueryBuilder::new(\"insert\")".to_owned(),
    );
    assert_eq!(
        sql_outside_db(&modules),
        [
            "jobs:1: use sqlx::{PgPool, raw_sql};",
            "web::pages::x:2: let n: i64 = sqlx::query_scalar::<_, i64>(\"select 1\")",
        ]
    );
}

#[test]
fn no_module_imports_itself_through_others() {
    let modules = modules();
    assert!(modules.len() > 50, "found only {} modules", modules.len());
    let found = cycles(&imports(&modules));
    assert!(
        found.is_empty(),
        "modules that import each other (docs/architecture.md, \"Rules\"): {found:#?}"
    );
}

#[test]
fn the_layers_only_look_down() {
    // Which top-level modules each layer may use (besides itself).
    let allowed: &[(&str, &[&str])] = &[
        ("i18n", &[]),
        ("domain", &["i18n"]),
        ("config", &["i18n"]),
        ("db", &["domain", "i18n"]),
        ("notify", &["config", "db", "domain", "i18n"]),
        ("jobs", &["config", "db", "domain", "notify"]),
        ("commands", &["db", "domain", "jobs", "notify"]),
        (
            "web",
            &[
                "commands", "config", "db", "domain", "i18n", "jobs", "notify",
            ],
        ),
    ];
    let modules = modules();
    let mut wrong = Vec::new();
    for (module, targets) in imports(&modules) {
        let layer = module.split("::").next().unwrap_or("");
        let Some((_, may)) = allowed.iter().find(|(name, _)| *name == layer) else {
            continue;
        };
        for target in targets {
            let to = target.split("::").next().unwrap_or("");
            if to != layer && !may.contains(&to) {
                wrong.push(format!("{module} → {target}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:#?}");
}

#[test]
fn the_check_sees_a_cycle() {
    let mut modules = BTreeMap::new();
    modules.insert("a".to_owned(), "use crate::b::{x, y::{z}};".to_owned());
    modules.insert("b".to_owned(), "fn f() { super::c::g() }".to_owned());
    modules.insert(
        "c".to_owned(),
        "pub use crate::a;\n#[cfg(test)]\nmod tests { use crate::b; }\nfn f() { crate::d::g() }"
            .to_owned(),
    );
    modules.insert("d".to_owned(), "fn g() {}".to_owned());
    let edges = imports(&modules);
    assert_eq!(edges["c"], BTreeSet::from(["a".to_owned(), "d".to_owned()]));
    assert_eq!(
        cycles(&edges),
        vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]
    );
}

#[test]
fn use_trees_expand() {
    assert_eq!(
        expand("crate::web::{self, ctx::PageCtx, error::{AppError, not_found as nf}}"),
        [
            "crate::web",
            "crate::web::ctx::PageCtx",
            "crate::web::error::AppError",
            "crate::web::error::not_found"
        ]
    );
    assert_eq!(expand("super::*"), ["super"]);
}
