//! The documentation's references hold: every file of the workspace that README.md,
//! ARCHITECTURE.md and docs/*.md name (`src/view/stats/`, `tests/plan.rs`) is there,
//! and every link between them leads to a file and, after `#`, to one of its
//! headings. A file moved or a heading renamed fails here, not in a reader's hands.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, ARCHITECTURE.md and every page under docs/.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md"), root().join("ARCHITECTURE.md")];
    for entry in std::fs::read_dir(root().join("docs")).expect("docs/") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|x| x == "md") {
            pages.push(path);
        }
    }
    pages.sort();
    assert!(pages.len() >= 10, "found only {} pages", pages.len());
    pages
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A page's text outside its fenced code blocks (whose `#` lines are comments).
fn prose(text: &str) -> String {
    let mut fenced = false;
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The anchors of a page's headings, as GitHub makes them: lower case, every
/// character but letters, digits, `-`, `_` and spaces left out, spaces as `-`.
fn anchors(text: &str) -> BTreeSet<String> {
    prose(text)
        .lines()
        .filter_map(|line| line.trim_start_matches('#').strip_prefix(' ').filter(|_| line.starts_with('#')))
        .map(|heading| {
            heading
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

/// A workspace path as the pages write it in backticks: `src/...`, `tests/...`,
/// `crates/...` and the like, with no placeholder or pattern in it.
fn is_workspace_path(span: &str) -> bool {
    const TOP: [&str; 8] =
        ["src/", "tests/", "crates/", "benches/", "examples/", "docs/", "fuzz/", "scenarios/"];
    TOP.iter().any(|top| span.starts_with(top))
        && span.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'))
}

#[test]
fn every_path_the_docs_name_exists() {
    // ARCHITECTURE.md names a crate's files from the crate (`src/bridge.rs` of
    // crates/cafe-py), so a path may be the workspace's or a crate's.
    let mut bases = vec![root().to_path_buf(), root().join("fuzz")];
    for entry in std::fs::read_dir(root().join("crates")).expect("crates/") {
        bases.push(entry.expect("a directory entry").path());
    }
    let mut named = 0;
    let mut missing = Vec::new();
    for page in pages() {
        let text = read(&page);
        for span in text.split('`').skip(1).step_by(2).filter(|s| is_workspace_path(s)) {
            named += 1;
            if !bases.iter().any(|base| base.join(span).exists()) {
                missing.push(format!("{}: `{span}`", page.strip_prefix(root()).unwrap().display()));
            }
        }
    }
    assert!(named > 50, "found only {named} paths in the pages");
    assert!(missing.is_empty(), "the docs name files that are not there:\n{}", missing.join("\n"));
}

#[test]
fn every_link_between_the_pages_leads_somewhere() {
    let mut checked = 0;
    let mut broken = Vec::new();
    for page in pages() {
        let text = prose(&read(&page));
        for link in text.split("](").skip(1) {
            let Some(target) = link.split(')').next().filter(|t| !t.contains(' ')) else { continue };
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let path = match file {
                "" => page.clone(),
                _ => page.parent().unwrap().join(file),
            };
            let at = page.strip_prefix(root()).unwrap().display();
            if !path.exists() {
                broken.push(format!("{at}: ({target}): no such file"));
            } else if !anchor.is_empty() && !anchors(&read(&path)).contains(anchor) {
                broken.push(format!("{at}: ({target}): no heading `#{anchor}`"));
            }
        }
    }
    assert!(checked > 40, "found only {checked} links in the pages");
    assert!(broken.is_empty(), "links that lead nowhere:\n{}", broken.join("\n"));
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    let page = "# Top\n## `events.jsonl`\n```\n# a comment\n```\n### How many cooks? `cafe sweep`\n#### Lateness: what an order waited for\n";
    let want = ["top", "eventsjsonl", "how-many-cooks-cafe-sweep", "lateness-what-an-order-waited-for"];
    assert_eq!(anchors(page), want.iter().map(ToString::to_string).collect());
}

/// The README's "Using the library" example is the code `tests/readme_library.rs`
/// runs, line for line.
#[test]
fn the_readmes_library_example_is_the_one_that_runs() {
    let readme = read(&root().join("README.md"));
    let shown =
        readme.split("```rust\n").nth(1).expect("the README shows Rust code").split("```").next().unwrap();
    let test = read(&root().join("tests/readme_library.rs"));
    let run = test.split("// README: begin\n").nth(1).unwrap().split("    // README: end").next().unwrap();
    let run: String = run.lines().map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l))).collect();
    assert_eq!(run, shown, "README.md's Rust example and tests/readme_library.rs differ");
}
