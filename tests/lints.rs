//! Every package of the workspace follows the workspace's lints (`[lints] workspace =
//! true`), so that `cargo clippy` holds each to the same table; a package that left
//! it out would silently lint by the defaults alone.

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
