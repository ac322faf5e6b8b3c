//! The adapters (`src/api`, JSON, and `src/web`, HTML) reach the registry through the service
//! layer only: no file of theirs names the db layer. A path names it when it resolves to
//! `crate::db` or below, however it is written: `crate::db::x`, `use crate::{db, auth}`,
//! `super::super::db` from `src/api/x.rs`, `super::db` from `src/api/mod.rs`, or an alias of the
//! crate root (`use crate as c`, `use super::super as root`) through which it could. Comments
//! and string literals do not count; a module of the adapter that happens to be called `db`
//! (`crate::api::db`) is not the db layer.

use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn the_adapters_never_name_the_db_layer() {
    let found = violations(&adapter_files());
    assert!(
        found.is_empty(),
        "the adapters must call src/service, not the db layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_every_way_of_naming_the_db_layer() {
    let api_file = ["api", "records"];
    let api_mod = ["api"];
    let named = |module: &[&str], source: &str| !db_paths(module, source).is_empty();
    // Named.
    assert!(named(&api_file, "use crate::db;"));
    assert!(named(&api_file, "use crate::db::records::{self, events};"));
    assert!(named(&api_file, "use crate::{auth::Viewer, db::Stored};"));
    assert!(named(&api_file, "use crate::{auth::{Viewer}, db};"));
    assert!(named(&api_file, "use crate::db as store;"));
    assert!(named(&api_file, "fn f() { crate::db::lists::run(conn); }"));
    assert!(named(
        &api_file,
        "fn f() { crate :: db :: lists::run(conn); }"
    ));
    assert!(named(&api_file, "use super::super::db::enterprises;"));
    assert!(named(&api_file, "use super::super::{db, auth};"));
    assert!(named(&api_file, "use super::super as root;"));
    assert!(named(&api_file, "use crate::{self as root};"));
    assert!(named(&api_mod, "use super::db::history::ChangeContext;"));
    assert!(named(
        &["web", "pages", "home"],
        "use super::super::super::db;"
    ));
    assert!(named(&api_file, "/* a */ use crate::db; // b"));
    assert!(named(&api_file, "use crate::db::{self as store};"));
    // Not named.
    assert!(!named(&api_file, "// the handlers never call crate::db"));
    assert!(!named(&api_file, "/// see `crate::db::records`"));
    assert!(!named(&api_file, "/* crate::db */ fn f() {}"));
    assert!(!named(&api_file, r#"const S: &str = "crate::db::x";"#));
    assert!(!named(
        &api_file,
        r##"const S: &str = r#"use crate::db;"#;"##
    ));
    assert!(!named(
        &api_file,
        "use crate::service::records::{self, Visible};"
    ));
    assert!(!named(
        &api_file,
        "use crate::dbx::y; use crate::service::db;"
    ));
    assert!(!named(&api_file, "use super::db::X;"));
    assert!(!named(&api_mod, "use self::db::X;"));
    assert!(!named(&api_file, "use super::{self as api};"));
    assert!(!named(
        &api_file,
        "fn f<'a>(x: &'a str) -> char { let c = '\"'; 'x' }"
    ));
    assert!(!named(&api_file, "fn f() { let v = db::open(); }"));
}

// ---------------------------------------------------------------------------------------------

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every `.rs` file under `src/api` and `src/web` (when there is one).
fn adapter_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["src/api", "src/web"] {
        collect(&root().join(dir), &mut files);
    }
    assert!(
        files.iter().any(|f| relative(f) == "src/api/mod.rs"),
        "src/api not found"
    );
    files.sort();
    files
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("readable directory").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// `file:line: path` for every path of `files` that names the db layer.
fn violations(files: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    for file in files {
        let source = fs::read_to_string(file).expect("readable source");
        let rel = relative(file);
        for (line, path) in db_paths(&module_of(&rel), &source) {
            out.push(format!("{rel}:{line}: {path}"));
        }
    }
    out
}

/// The module path of a source file: `src/api/mod.rs` is `api`, `src/web/pages/home.rs` is
/// `web::pages::home`.
fn module_of(rel: &str) -> Vec<&str> {
    let inner = rel.strip_prefix("src/").unwrap_or(rel);
    let inner = inner.strip_suffix(".rs").unwrap_or(inner);
    let mut parts: Vec<&str> = inner.split('/').collect();
    if parts.last() == Some(&"mod") {
        parts.pop();
    }
    parts
}

// ---------------------------------------------------------------------------------------------
// A small reader of Rust paths: enough to find every path, in `use` trees and in code.

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Semi,
    Other,
}

/// The tokens of `source` with their lines; comments, strings and characters are left out.
fn tokens(source: &str) -> Vec<(usize, Token)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && matches!(at(i + 2), '"' | '#')))
        {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (1..=hashes).all(|h| at(j + h) == '#') {
                    j += 1 + hashes;
                    break;
                }
                line += usize::from(chars[j] == '\n');
                j += 1;
            }
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // A character ('x', '\n', '\u{1F600}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c == '_' || c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && (chars[i] == '_' || chars[i].is_alphanumeric()) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push((
                line,
                Token::Ident(word.trim_start_matches("r#").to_string()),
            ));
        } else if c == ':' && at(i + 1) == ':' {
            out.push((line, Token::PathSep));
            i += 2;
        } else {
            out.push((
                line,
                match c {
                    '{' => Token::Open,
                    '}' => Token::Close,
                    ',' => Token::Comma,
                    ';' => Token::Semi,
                    _ => Token::Other,
                },
            ));
            i += 1;
        }
    }
    out
}

/// Every path in `source` (a file of module `module`) that names the db layer, with its line.
fn db_paths(module: &[&str], source: &str) -> Vec<(usize, String)> {
    let toks = tokens(source);
    let mut paths: Vec<(usize, Vec<String>, bool)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let starts_path = i == 0 || toks[i - 1].1 != Token::PathSep;
        match &toks[i].1 {
            Token::Ident(word) if word == "use" => {
                i = use_tree(&toks, i + 1, Vec::new(), &mut paths);
            }
            Token::Ident(_) | Token::PathSep if starts_path => {
                let (next, path, line) = plain_path(&toks, i);
                if !path.is_empty() {
                    paths.push((line, path, false));
                }
                i = next.max(i + 1);
            }
            _ => i += 1,
        }
    }
    paths
        .into_iter()
        .filter(|(_, path, in_use)| names_db(module, path, *in_use))
        .map(|(line, path, _)| (line, path.join("::")))
        .collect()
}

/// A path in code, `a::b::c` or `::a::b`; the index after it.
fn plain_path(toks: &[(usize, Token)], mut i: usize) -> (usize, Vec<String>, usize) {
    let line = toks[i].0;
    let mut path = Vec::new();
    if toks[i].1 == Token::PathSep {
        path.push(String::new());
        i += 1;
    }
    while let Some((_, Token::Ident(word))) = toks.get(i) {
        path.push(word.clone());
        if toks.get(i + 1).map(|t| &t.1) == Some(&Token::PathSep) {
            i += 2;
        } else {
            i += 1;
            break;
        }
    }
    (i, path, line)
}

/// Reads a `use` tree from `i` under `prefix`, pushing each path it brings in (an alias's
/// target, `self` as its parent); the index after it.
fn use_tree(
    toks: &[(usize, Token)],
    mut i: usize,
    mut prefix: Vec<String>,
    paths: &mut Vec<(usize, Vec<String>, bool)>,
) -> usize {
    if toks.get(i).map(|t| &t.1) == Some(&Token::PathSep) {
        prefix.push(String::new());
        i += 1;
    }
    loop {
        match toks.get(i) {
            Some((line, Token::Ident(word))) => {
                let line = *line;
                if word == "as" {
                    // `… as name`: the path stands as it is; skip the alias.
                    paths.push((line, prefix.clone(), true));
                    return skip_alias(toks, i + 2);
                }
                // `{self, …}` is the path so far; a leading `self` is the module itself.
                if word != "self" || prefix.is_empty() {
                    prefix.push(word.clone());
                }
                i += 1;
                match toks.get(i).map(|t| &t.1) {
                    Some(Token::PathSep) => i += 1,
                    Some(Token::Ident(next)) if next == "as" => {}
                    _ => {
                        paths.push((line, prefix, true));
                        return i;
                    }
                }
            }
            Some((_, Token::Open)) => {
                i += 1;
                loop {
                    match toks.get(i).map(|t| &t.1) {
                        Some(Token::Close) => return i + 1,
                        Some(Token::Comma) => i += 1,
                        None => return i,
                        _ => i = use_tree(toks, i, prefix.clone(), paths),
                    }
                }
            }
            Some((_, Token::Other)) => {
                // `*`
                return i + 1;
            }
            _ => return i,
        }
    }
}

fn skip_alias(toks: &[(usize, Token)], i: usize) -> usize {
    i.min(toks.len())
}

/// Does `path`, written in module `module`, resolve into `crate::db`? In a `use`, an alias of
/// the crate root counts too (anything could be reached through it).
fn names_db(module: &[&str], path: &[String], in_use: bool) -> bool {
    let words: Vec<&str> = path.iter().map(String::as_str).collect();
    let absolute: Option<Vec<&str>> = match words.as_slice() {
        ["crate", rest @ ..] => Some(rest.to_vec()),
        ["", "ecredit", rest @ ..] | ["ecredit", rest @ ..] => Some(rest.to_vec()),
        ["self", rest @ ..] => Some(module.iter().copied().chain(rest.iter().copied()).collect()),
        ["super", ..] => {
            let ups = words.iter().take_while(|w| **w == "super").count();
            (ups <= module.len()).then(|| {
                module[..module.len() - ups]
                    .iter()
                    .copied()
                    .chain(words[ups..].iter().copied())
                    .collect()
            })
        }
        _ => None,
    };
    match absolute.as_deref() {
        Some(["db", ..]) => true,
        Some([]) => in_use,
        _ => false,
    }
}
