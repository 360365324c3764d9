//! Every `aws-rules §N.M` citation in the code names a section of `docs/aws-rules.md`, and no
//! citation of the old research notes (outside the repository) is left.
//!
//! A section exists when the document has a heading whose first word is its number
//! (`### 1.3 Visibility timeout and receipt handles`, `## 9 Emulator behaviour notes`).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The source trees whose comments cite the rules.
const TREES: &[&str] = &["crates", "src", "tests", "e2e"];
/// The files read in them.
const EXTENSIONS: &[&str] = &["rs", "mjs"];

/// What a citation starts with. Built from parts so that this file does not cite anything.
fn citation_prefix() -> String {
    format!("aws-rules {}", '\u{a7}')
}

/// The old form, citing the notes the simulator was built from (not in the repository).
fn old_citation() -> String {
    format!("facts {}", '\u{a7}')
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` / `.mjs` file under `dir`, skipping build output, dependencies and hidden
/// directories, in path order.
fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if path.is_dir() {
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            source_files(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            out.push(path);
        }
    }
}

/// The section number at the start of `text` (`1.3` of `1.3)` or `1.3.`), if any.
fn section_number(text: &str) -> Option<String> {
    let mut end = 0;
    let bytes = text.as_bytes();
    loop {
        let start = end;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        if end == start {
            // Only possible at the start: a dot is taken only when a digit follows it.
            return None;
        }
        if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
            end += 1;
        } else {
            return Some(text[..end].to_string());
        }
    }
}

/// The section numbers with a heading in the document.
fn headings(doc: &str) -> BTreeSet<String> {
    let mut sections = BTreeSet::new();
    let mut in_code = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim_start();
        let first = title.split_whitespace().next().unwrap_or_default();
        let first = first.trim_end_matches('.');
        if let Some(n) = section_number(first) {
            if n == first {
                sections.insert(n);
            }
        }
    }
    sections
}

/// The sections a line cites: every `§N.M` from the first citation prefix to the end of the
/// line, so that `aws-rules §3.1–§3.3, §3.11` yields all three.
fn cited_sections(line: &str, prefix: &str) -> Vec<String> {
    let Some(at) = line.find(prefix) else {
        return Vec::new();
    };
    line[at..]
        .split('\u{a7}')
        .skip(1)
        .filter_map(section_number)
        .collect()
}

#[test]
fn section_numbers_are_read_up_to_the_first_non_number() {
    assert_eq!(section_number("1.3"), Some("1.3".to_string()));
    assert_eq!(section_number("1.13)."), Some("1.13".to_string()));
    assert_eq!(section_number("9, moto"), Some("9".to_string()));
    assert_eq!(section_number("4.1."), Some("4.1".to_string()));
    assert_eq!(section_number("x"), None);
    let p = citation_prefix();
    assert_eq!(
        cited_sections(&format!("(see {p}3.1\u{2013}\u{a7}3.3, \u{a7}3.11)."), &p),
        ["3.1", "3.3", "3.11"]
    );
    assert!(cited_sections("\u{a7}1.2 without the prefix", &p).is_empty());
    let doc = "# Title\n## 1 SQS\n### 1.3 Visibility\n### 1.10. FIFO\n```\n### 7.7 code\n```\n";
    assert_eq!(
        headings(doc).into_iter().collect::<Vec<_>>(),
        ["1", "1.10", "1.3"]
    );
}

#[test]
fn every_citation_names_a_section_of_the_rules_document() {
    let root = repo_root();
    let doc_path = root.join("docs/aws-rules.md");
    let doc = fs::read_to_string(&doc_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", doc_path.display()));
    let sections = headings(&doc);
    assert!(
        sections.contains("1.3"),
        "docs/aws-rules.md has no section headings? {sections:?}"
    );

    let mut files = Vec::new();
    for tree in TREES {
        source_files(&root.join(tree), &mut files);
    }
    assert!(files.len() > 50, "found only {} source files", files.len());

    let prefix = citation_prefix();
    let old = old_citation();
    let mut problems = Vec::new();
    let mut citations = 0;
    for file in &files {
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        for (i, line) in text.lines().enumerate() {
            for section in cited_sections(line, &prefix) {
                citations += 1;
                if !sections.contains(&section) {
                    problems.push(format!(
                        "{shown}:{}: cites {prefix}{section}, but docs/aws-rules.md has no heading {section}",
                        i + 1
                    ));
                }
            }
            if line.to_lowercase().contains(&old) {
                problems.push(format!(
                    "{shown}:{}: cites the old notes ({old}…); write {prefix}N.M (docs/aws-rules.md)",
                    i + 1
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} bad citation(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(citations > 100, "found only {citations} citations");
}
