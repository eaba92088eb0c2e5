//! The house's rules that a compiler does not check: every package of the workspace
//! follows the workspace's lints (`[lints] workspace = true`), so that `cargo clippy`
//! holds each to the same table (a package that left it out would silently lint by the
//! defaults alone); and every source file of the library and the command reads in one
//! sitting.

use std::path::Path;

fn manifest(dir: &Path) -> toml::Table {
    let path = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse().unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_package_follows_the_workspace_lints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest(root);
    let lints = &workspace["workspace"]["lints"];
    assert!(
        lints.get("rust").is_some() && lints.get("clippy").is_some(),
        "the root has no [workspace.lints]"
    );

    let members = workspace["workspace"]["members"].as_array().expect("members");
    assert!(members.len() >= 2, "members: {members:?}");
    for member in members {
        let member = member.as_str().expect("a member is a path");
        let package = manifest(&root.join(member));
        let follows = package
            .get("lints")
            .and_then(|l| l.get("workspace"))
            .and_then(toml::Value::as_bool)
            .unwrap_or(false);
        assert!(follows, "package `{member}` lacks `[lints] workspace = true`");
    }
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Issue 14: no library or command source file over 1,200 lines; split a longer one
/// by what it holds.
#[test]
fn no_source_file_is_over_1200_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("crates/cafe/src"), &mut files);
    assert!(files.len() > 50, "found only {} source files", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(path).expect("readable").lines().count();
            (lines > 1200).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "over 1,200 lines: {long:?}");
}

/// `missing_docs` is one workspace lint, not an attribute module by module: no
/// source of the library or the command raises or lowers it.
#[test]
fn missing_docs_is_a_workspace_lint() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest(root);
    let level = workspace["workspace"]["lints"]["rust"].get("missing_docs");
    assert!(
        matches!(level.and_then(toml::Value::as_str), Some("warn" | "deny")),
        "[workspace.lints.rust] missing_docs: {level:?}"
    );

    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("crates"), &mut files);
    assert!(files.len() > 10, "found only {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_start();
            let attribute = line.starts_with("#[") || line.starts_with("#![");
            assert!(
                !(attribute && line.contains("missing_docs")),
                "{}:{}: `missing_docs` is set in the workspace's Cargo.toml, not here",
                file.display(),
                n + 1
            );
        }
    }
}
