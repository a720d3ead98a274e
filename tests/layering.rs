//! The `use` graph of `src` has no circle outside `src/tui` (issue 12): a
//! reader can follow the layers from `domain` outwards without meeting the
//! same module twice.
//!
//! The graph is read from the source text. A file belongs to a module
//! (`src/cli/export.rs` is `cli::export`); it names another module with a
//! `crate::…` or `super::…` path, in a `use` or inline, the longest prefix
//! that is a module file counting. Checked are:
//! - the parts (`domain`, `store`, `report`, `export`, `cli`, `tui`, …):
//!   between them no circle at all;
//! - inside each part but `tui`, its direct submodules: no circle between
//!   siblings (a submodule using its own part's items is nesting, not a
//!   circle; `tui` has its own circle, which the desk issue removes);
//! - inside `cli`, also the parser (`cli/mod.rs`): a command file never
//!   reaches back into it, which is how `cli.rs` and `cli_export.rs` used to
//!   import each other.
//!
//! Test modules (`mod tests` and `tests.rs`) are left out: they may use
//! anything.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every module of `src` by its path ("" for the crate root) and its source
/// without its test module.
fn modules() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    collect(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
        &mut Vec::new(),
        &mut out,
    );
    out
}

fn collect(dir: &Path, at: &mut Vec<String>, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .to_string();
        if path.is_dir() {
            at.push(name);
            collect(&path, at, out);
            at.pop();
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") || name == "tests" {
            continue;
        }
        let mut module = at.clone();
        if !matches!(name.as_str(), "mod" | "lib" | "main") {
            module.push(name);
        }
        let text = fs::read_to_string(&path).expect("source is readable");
        let test_module = [
            "#[cfg(test)]\nmod tests",
            "#[cfg(test)]\npub(crate) mod tests",
        ]
        .iter()
        .filter_map(|m| text.find(m))
        .min();
        let code = match test_module {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        out.insert(module.join("::"), code);
    }
}

/// The paths after `prefix` in `code` (`crate::a::b::C` gives `a::b::C`),
/// with the names inside `{…}` groups each as their own path.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[i + prefix.len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let path = path.trim_end_matches(':').to_string();
        if rest[path.len()..].trim_start_matches(':').starts_with('{') {
            let group_start = rest.find('{').expect("group");
            let group_end = rest[group_start..]
                .find('}')
                .map_or(rest.len(), |e| group_start + e);
            for name in rest[group_start + 1..group_end].split(',') {
                let name = name.trim().split([' ', ':']).next().unwrap_or("");
                if !name.is_empty() && name != "self" {
                    found.push(format!("{path}::{name}"));
                }
            }
        }
        found.push(path);
    }
    found
}

/// The longest prefix of `path` that is a module.
fn module_of(path: &[&str], modules: &BTreeMap<String, String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| modules.contains_key(m))
}

/// Which module names which, file by file.
fn graph(modules: &BTreeMap<String, String>) -> Graph {
    let mut g = Graph::new();
    for (module, code) in modules {
        let here: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
        let mut named = BTreeSet::new();
        for path in paths_after(code, "crate::") {
            let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            named.extend(module_of(&segs, modules));
        }
        let parent = &here[..here.len().saturating_sub(1)];
        for path in paths_after(code, "super::") {
            let mut segs = parent.to_vec();
            segs.extend(path.split("::").filter(|s| !s.is_empty()));
            named.extend(module_of(&segs, modules));
        }
        named.remove(module);
        g.insert(module.clone(), named);
    }
    g
}

/// The graph seen from far: every module taken as `view` says (None: left
/// out), without edges to itself.
fn seen_as(g: &Graph, view: impl Fn(&str) -> Option<String>) -> Graph {
    let mut out = Graph::new();
    for (from, tos) in g {
        let Some(a) = view(from) else { continue };
        for to in tos {
            if let Some(b) = view(to).filter(|b| *b != a) {
                out.entry(a.clone()).or_default().insert(b);
            }
        }
    }
    out
}

/// A circle in `g`, as the modules along it, if there is one.
fn circle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        at: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == at) {
            let mut c = path[i..].to_vec();
            c.push(at.to_string());
            return Some(c);
        }
        if done.contains(at) {
            return None;
        }
        path.push(at.to_string());
        for next in g.get(at).into_iter().flatten() {
            if let Some(c) = visit(g, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(at.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|start| visit(g, start, &mut Vec::new(), &mut done))
}

fn depth(module: &str, n: usize) -> Option<String> {
    let segs: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    (segs.len() >= n).then(|| segs[..n].join("::"))
}

#[test]
fn the_parts_of_src_use_each_other_without_a_circle() {
    let g = graph(&modules());
    let parts = seen_as(&g, |m| depth(m, 1));
    assert!(
        parts.contains_key("cli") && parts.contains_key("report"),
        "{parts:?}"
    );
    assert_eq!(circle(&parts), None, "the parts of src in a circle");
}

#[test]
fn inside_each_part_but_the_tui_the_modules_use_each_other_without_a_circle() {
    let modules = modules();
    let g = graph(&modules);
    let siblings = seen_as(&g, |m| depth(m, 2).filter(|m| !m.starts_with("tui::")));
    assert!(siblings.contains_key("cli::export"), "{siblings:?}");
    assert_eq!(circle(&siblings), None, "modules of one part in a circle");
}

#[test]
fn a_command_file_never_reaches_back_into_the_parser() {
    let g = graph(&modules());
    let cli = seen_as(&g, |m| {
        (m == "cli" || m.starts_with("cli::")).then(|| depth(m, 2).unwrap_or_else(|| "cli".into()))
    });
    assert!(
        cli.get("cli").is_some_and(|to| to.contains("cli::export")),
        "{cli:?}"
    );
    assert_eq!(
        circle(&cli),
        None,
        "cli/mod.rs and a command file in a circle"
    );
}

#[test]
fn the_scan_sees_a_circle_when_there_is_one() {
    let code = "use crate::a::{b::X, c};\nfn f() { super::d::g(); crate::e::h() }";
    let found = paths_after(code, "crate::");
    assert_eq!(found, ["a::b", "a::c", "a", "e::h"]);
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert_eq!(circle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        circle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
