//! The engine's layering, read from its source (issue: one core every service plugs into).
//!
//! - `core/` knows no service and no client;
//! - a service folder (`sqs/`, `sns/`, `kinesis/`, `s3/`) depends only on `core/` and itself:
//!   what it sends a peer goes through `core::route::Router`, which the world implements;
//! - the top-level modules' import graph has no cycle (so no cycle through the world).
//!
//! It reads every `crate::<module>` path outside comments, in `use` lines and inline paths
//! alike, which is what an import graph tool would draw.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const SERVICES: &[&str] = &[
    "sqs",
    "sns",
    "kinesis",
    "s3",
    "cloudwatch",
    "lambda",
    "mq",
    "autoscaling",
    "flink",
    "kinesisvideo",
    "firehose",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `sqs/ops.rs` → `sqs`, `world.rs` → `world`.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// Top-level modules named by `crate::<name>` in `text`, comments left out.
fn references(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if modules.contains(&name) {
                out.insert(name);
            }
        }
    }
    out
}

/// module → the other top-level modules it references.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| module_of(f))
        .filter(|m| m != "lib")
        .collect();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let m = module_of(f);
        if m == "lib" {
            continue;
        }
        let text = fs::read_to_string(f).expect("read source");
        let refs = references(&text, &modules);
        let entry = g.entry(m.clone()).or_default();
        entry.extend(refs.into_iter().filter(|r| *r != m));
    }
    g
}

#[test]
fn the_core_knows_no_service_and_no_client() {
    let g = graph();
    let core = &g["core"];
    assert!(core.is_empty(), "core/ references {core:?}");
}

#[test]
fn each_service_depends_only_on_the_core() {
    let g = graph();
    for s in SERVICES {
        let deps = g.get(*s).unwrap_or_else(|| panic!("no module {s}"));
        let others: Vec<_> = deps.iter().filter(|d| *d != "core").collect();
        assert!(
            others.is_empty(),
            "{s}/ references {others:?}: a service sees only the core and itself"
        );
    }
}

#[test]
fn the_module_graph_has_no_cycle() {
    let g = graph();
    // Depth-first search with colours; a grey node met again closes a cycle.
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(1) => {
                let start = path.iter().position(|p| p == n).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for d in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, g, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if let Some(cycle) = visit(n, &g, &mut state, &mut Vec::new()) {
            panic!("import cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_reader_sees_through_comments_and_finds_inline_paths() {
    let modules: BTreeSet<String> = ["core", "sqs", "world"].map(String::from).into();
    let text = "use crate::core::time::SimTime;\n// crate::world is only named here\nlet t = crate::sqs::Queue::new(); // crate::world\n";
    let refs = references(text, &modules);
    assert_eq!(refs, ["core", "sqs"].map(String::from).into());
}
