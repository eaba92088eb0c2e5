//! A command's files go in place together ([`export::hold_commits`]): a process that
//! ends at once leaves all of them or none. (A test binary of its own: holding
//! commits is for the whole process.)

use std::fs;

use async_cafe::view::export::{self, AtomicFile, TEMP_MARK};

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn held_files_go_in_place_together_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.html"));
    fs::write(&a, "old a").unwrap();
    fs::write(&b, "old b").unwrap();
    export::hold_commits();

    // Written, and held: the old files are still there, the new ones beside them.
    AtomicFile::create(&a).unwrap().write(b"new a").unwrap();
    AtomicFile::create(&b).unwrap().write(b"new b").unwrap();
    assert_eq!(fs::read_to_string(&a).unwrap(), "old a");
    assert_eq!(fs::read_to_string(&b).unwrap(), "old b");
    assert_eq!(names(dir.path()).iter().filter(|n| n.contains(TEMP_MARK)).count(), 2);
    // Quitting at once (a second Ctrl-C): neither new file, nothing left behind.
    export::remove_temporary_files();
    assert_eq!(names(dir.path()), ["a.csv", "b.html"]);
    assert_eq!(fs::read_to_string(&a).unwrap(), "old a");
    export::commit_held().unwrap();
    assert_eq!(fs::read_to_string(&b).unwrap(), "old b");

    // Ending normally: both in place in one step.
    AtomicFile::create(&a).unwrap().write(b"new a").unwrap();
    AtomicFile::create(&b).unwrap().write(b"new b").unwrap();
    export::commit_held().unwrap();
    assert_eq!(names(dir.path()), ["a.csv", "b.html"]);
    assert_eq!(fs::read_to_string(&a).unwrap(), "new a");
    assert_eq!(fs::read_to_string(&b).unwrap(), "new b");
    // A second call has nothing left to do.
    export::commit_held().unwrap();
}
