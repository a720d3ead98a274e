//! The message catalogs against the code: every key that the code names as a
//! literal (`Msg::new("…")`, `.t("…")`, `.fill("…", …)`) must exist in both
//! the Dutch and the English catalog, or a user would read the raw key. And
//! the vendored contract in `docs/SPEC.md` must be the shared one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use stroom::present::i18n::{Catalog, Lang};

/// The calls whose first argument is a catalog key.
const CALLS: [&str; 3] = ["Msg::new(", ".t(", ".fill("];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A dotted lower-case key such as `error.not_stroom`; anything else (a
/// variable, a format string) is not a literal key and is skipped.
fn is_key(s: &str) -> bool {
    s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
}

/// The literal keys in one source text, each with its line number.
fn keys_in(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for call in CALLS {
        let mut from = 0;
        while let Some(at) = source[from..].find(call) {
            let start = from + at + call.len();
            from = start;
            let rest = source[start..].trim_start();
            let Some(body) = rest.strip_prefix('"') else {
                continue;
            };
            let Some(end) = body.find('"') else { continue };
            let key = &body[..end];
            if is_key(key) {
                let line = source[..start].lines().count();
                found.push((line, key.to_string()));
            }
        }
    }
    found
}

#[test]
fn every_key_named_in_the_code_is_in_both_catalogs() {
    let mut files = Vec::new();
    rust_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    let mut missing = BTreeSet::new();
    let mut seen = 0;
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        for (line, key) in keys_in(&source) {
            seen += 1;
            for lang in [Lang::Nl, Lang::En] {
                if !Catalog::get(lang).keys().any(|k| *k == key) {
                    missing.insert(format!("{}:{line} {key} ({lang})", file.display()));
                }
            }
        }
    }
    assert!(
        seen > 100,
        "the scan found only {seen} keys: is it still reading the calls?"
    );
    assert!(missing.is_empty(), "keys missing from a catalog:\n{}", {
        let list: Vec<String> = missing.into_iter().collect();
        list.join("\n")
    });
}

#[test]
fn the_scan_finds_keys_across_line_breaks_and_skips_non_keys() {
    let source = "let a = Msg::new(\n    \"error.bad_date\",\n);\ncat.t(name);\ncat.fill(\"x {y}\", &[]);\ncat.t(\"ui.title\")";
    let keys: Vec<String> = keys_in(source).into_iter().map(|(_, k)| k).collect();
    assert_eq!(keys, ["error.bad_date", "ui.title"]);
}

/// The code cites "SPEC n.n"; `docs/SPEC.md` is the copy a reader of the
/// repository follows. Where the shared contract sits beside the checkout
/// (as for the team and in CI), the copy must be the same text.
#[test]
fn the_vendored_spec_is_the_shared_contract() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vendored = std::fs::read_to_string(root.join("docs/SPEC.md")).unwrap();
    assert!(vendored.contains("## 3. The stoplight"));
    match std::fs::read_to_string(root.join("../shared/SPEC.md")) {
        Ok(shared) => assert!(
            shared == vendored,
            "docs/SPEC.md differs from ../shared/SPEC.md: copy the shared contract in"
        ),
        Err(_) => {
            eprintln!("../shared/SPEC.md is not beside this checkout; only docs/SPEC.md was read")
        }
    }
}
