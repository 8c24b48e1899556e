//! The message catalog: every visible string of the interface comes from `vi.toml` or
//! `en.toml`, looked up by key. Vietnamese is the reference language; a test checks that both
//! catalogs have the same keys and that every key used in the code and templates exists.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header that the portal speaks, honouring
    /// q-values (`en-US,en;q=0.9,vi;q=0.8` → English).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (position, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            let Some(lang) = Lang::from_code(primary) else {
                continue;
            };
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((bq, bpos, _)) => q > bq || (q == bq && position < bpos),
            };
            if better {
                best = Some((q, position, lang));
            }
        }
        best.map(|(_, _, lang)| lang)
    }

    /// The catalog of this language.
    pub fn catalog(self) -> &'static Catalog {
        static VI: OnceLock<Catalog> = OnceLock::new();
        static EN: OnceLock<Catalog> = OnceLock::new();
        match self {
            Lang::Vi => VI.get_or_init(|| Catalog::parse(include_str!("vi.toml"))),
            Lang::En => EN.get_or_init(|| Catalog::parse(include_str!("en.toml"))),
        }
    }
}

/// Messages of one language, by dotted key (`nav.tasks`).
#[derive(Debug)]
pub struct Catalog {
    messages: HashMap<String, String>,
}

impl Catalog {
    /// Parses a TOML catalog; tables nest keys (`[nav] tasks = "…"` is `nav.tasks`).
    /// The catalogs are compiled in and tested, so a malformed one is a programming error.
    fn parse(source: &str) -> Catalog {
        let table: toml::Table = source.parse().expect("message catalog is valid TOML");
        let mut messages = HashMap::new();
        flatten("", &table, &mut messages);
        Catalog { messages }
    }

    /// The message for `key`; a missing key shows itself, so it is noticed rather than hidden.
    pub fn get<'a>(&'static self, key: &'a str) -> &'a str {
        match self.messages.get(key) {
            Some(message) => message.as_str(),
            None => {
                tracing::warn!(key, "missing message");
                key
            }
        }
    }

    /// The message for `key`, if the catalog has one (for keys built from data, which fall
    /// back to something else rather than show the key).
    pub fn find(&'static self, key: &str) -> Option<&'static str> {
        self.messages.get(key).map(String::as_str)
    }

    /// The message for `key` with `{name}` placeholders filled in.
    pub fn format(&'static self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        let mut out = self.get(key).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(t) => flatten(&full, t, out),
            other => panic!("message {full} must be a string, found {other}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn accept_language_picks_the_preferred_known_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("vi-VN,vi;q=0.9,en;q=0.8"),
            Some(Lang::Vi)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=1, en;q=0.5, vi;q=0.7"),
            Some(Lang::Vi)
        );
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn both_catalogs_have_the_same_keys() {
        let vi: BTreeSet<&str> = Lang::Vi.catalog().keys().collect();
        let en: BTreeSet<&str> = Lang::En.catalog().keys().collect();
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(only_vi.is_empty(), "missing in en.toml: {only_vi:?}");
        assert!(only_en.is_empty(), "missing in vi.toml: {only_en:?}");
    }

    #[test]
    fn placeholders_are_filled() {
        let text = Lang::En
            .catalog()
            .format("pagination.page_of_total", &[("a", &2), ("b", &7)]);
        assert_eq!(text, "Page 2 of 7");
    }

    /// Every `t("key")` in the templates and every `"…​.…"` label key in the code exists.
    #[test]
    fn every_used_key_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = BTreeSet::new();
        for dir in ["templates", "src"] {
            collect_keys(&root.join(dir), &mut used);
        }
        assert!(
            used.len() > 50,
            "the scan found too few keys: {}",
            used.len()
        );
        for lang in Lang::ALL {
            let missing: Vec<_> = used
                .iter()
                .filter(|k| !lang.catalog().contains(k))
                .collect();
            assert!(missing.is_empty(), "{lang:?} catalog lacks {missing:?}");
        }
    }

    fn collect_keys(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_keys(&path, out);
                continue;
            }
            let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
                continue;
            };
            if !matches!(ext, "html" | "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // t("key") and format("key", …) calls in templates and code.
            for marker in ["t(\"", "format(\"", "tf(\""] {
                for piece in text.split(marker).skip(1) {
                    if let Some(end) = piece.find('"') {
                        let key = &piece[..end];
                        if is_message_key(key) {
                            out.insert(key.to_owned());
                        }
                    }
                }
            }
            // Label keys returned by the domain enums: "status.done" and the like.
            if ext == "rs" && (path.ends_with("status.rs") || path.ends_with("domain/plan.rs")) {
                for piece in text.split("=> \"").skip(1) {
                    if let Some(end) = piece.find('"') {
                        let key = &piece[..end];
                        if is_message_key(key) {
                            out.insert(key.to_owned());
                        }
                    }
                }
            }
        }
    }

    fn is_message_key(key: &str) -> bool {
        key.contains('.')
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
            && !key.starts_with('.')
            && !key.ends_with('.')
    }
}
