//! Problems that another problem once hid: each is reported by the first `cafe
//! check`, beside the other, rather than only once the other is fixed. (What refers
//! to a part that has a problem is still not reported again: a step using a piece of
//! equipment whose entry is broken, an `after` naming one of two steps of one name.)

mod common;

use async_cafe::scenario;

/// Asserts that the report on `text` (file `bad.toml`) is exactly `expected`; both are
/// written starting on the line after their opening quote.
#[track_caller]
fn check(text: &str, expected: &str) {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    assert_report(&common::load_err("bad", text), expected);
}

#[track_caller]
fn assert_report(got: &str, expected: &str) {
    assert!(got == expected, "the report differs:\n--- expected\n{expected}\n--- got\n{got}");
}

/// A piece of equipment whose capacity cannot be read does not hide a step using a
/// piece the kitchen does not declare at all; a step using the broken piece is not
/// reported again.
#[test]
fn unknown_equipment_beside_a_broken_piece() {
    check(
        r#"
[kitchen]
equipment = { oven = 2, mixer = "1" }

[recipes.bread]
steps = [
    { name = "mix", kind = "hands-on", duration = 10, uses = "mixer" },
    { name = "bake", kind = "unattended", duration = 40, uses = "ovens" },
]

[menu]
Loaf = "bread"

[customers]
list = [{ item = "Loaf" }]
"#,
        r#"
error: the capacity of `mixer` must be a whole number, found a string
  ┌─ bad.toml:2:33
  │
2 │ equipment = { oven = 2, mixer = "1" }
  │                                 ^^^ expected a whole number
  │
  = help: write it like `mixer = 2`

error: unknown equipment `ovens`
  ┌─ bad.toml:7:65
  │
7 │     { name = "bake", kind = "unattended", duration = 40, uses = "ovens" },
  │                                                                 ^^^^^^^ not in the kitchen
  │
  = help: did you mean `oven`? The kitchen has: oven, mixer; or declare `ovens` in [kitchen.equipment]

error: bad.toml has 2 problems
"#,
    );
}

/// When `equipment` itself cannot be read, no name is known to be missing from it.
#[test]
fn no_unknown_equipment_when_the_table_cannot_be_read() {
    let report = common::load_err(
        "bad",
        r#"
[kitchen]
equipment = ["oven"]

[recipes.bread]
steps = [{ name = "bake", kind = "unattended", duration = 40, uses = "oven" }]

[menu]
Loaf = "bread"

[customers]
list = [{ item = "Loaf" }]
"#,
    );
    assert!(report.contains("`equipment` must be a table"), "{report}");
    assert!(!report.contains("unknown equipment"), "{report}");
    assert!(report.contains("has 1 problem\n"), "{report}");
}

/// Two steps of one name do not hide an `after` naming no step at all; an `after`
/// naming the shared name is not reported (which of the two is meant, and so any
/// cycle or repetition, cannot be known until they are renamed).
#[test]
fn unknown_after_beside_two_steps_of_one_name() {
    check(
        r#"
[recipes.croissant]
steps = [
    { name = "laminate", kind = "hands-on", duration = 30 },
    { name = "proof", kind = "unattended", duration = 120, after = ["lamiante"] },
    { name = "bake", kind = "unattended", duration = 18, after = ["proof"] },
    { name = "bake", kind = "unattended", duration = 2, after = ["bake", "bake"] },
]

[menu]
Croissant = "croissant"

[customers]
list = [{ item = "Croissant" }]
"#,
        r#"
error: `proof` waits for unknown step `lamiante`
  ┌─ bad.toml:4:69
  │
4 │     { name = "proof", kind = "unattended", duration = 120, after = ["lamiante"] },
  │                                                                     ^^^^^^^^^^ no such step
  │
  = help: did you mean `laminate`? The steps of recipe `croissant` are: laminate, proof, bake, bake

error: recipe `croissant` has two steps named `bake`
  ┌─ bad.toml:6:14
  │
6 │     { name = "bake", kind = "unattended", duration = 2, after = ["bake", "bake"] },
  │              ^^^^^^ duplicate name
  │
  = help: give every step of a recipe its own name

error: bad.toml has 2 problems
"#,
    );
}

const REPLAY: &str = r#"
[options]
milk = ["whole", "oat"]

[recipes.latte]
steps = [{ name = "brew", kind = "unattended", duration = 3 }]

[menu]
Latte = "latte"

[customers]
replay = "tuesday.csv"
"#;

fn replay_report(csv: &'static str) -> String {
    scenario::Source::new("bad", REPLAY).file("tuesday.csv", csv).load().unwrap_err().render()
}

/// An unknown column does not hide the rows' problems: its cells are left unread,
/// every other cell is checked.
#[test]
fn rows_are_checked_beside_an_unknown_column() {
    assert_report(
        &replay_report("arrival,item,milk,Brew\n0,Latte,oat,4\nabc,Latte,oat,4\n2,Mocha,soy,x\n"),
        r#"error: unknown CSV column `Brew`
  ┌─ tuesday.csv:1:19
  │
1 │ arrival,item,milk,Brew
  │                   ^^^^ unknown column
  │
  = help: did you mean `brew`? Columns: arrival, item, customer, patience, milk, brew

error: `abc` is not a time: times are finite numbers of seconds that are at least 0
  ┌─ tuesday.csv:3:1
  │
3 │ abc,Latte,oat,4
  │ ^^^ not a time
  │
  = help: write it like `2.5`

error: `Mocha` is not on the menu
  ┌─ tuesday.csv:4:3
  │
4 │ 2,Mocha,soy,x
  │   ^^^^^ not on the menu
  │
  = help: the menu has: Latte

error: `soy` is not a value of option `milk`
  ┌─ tuesday.csv:4:9
  │
4 │ 2,Mocha,soy,x
  │         ^^^ unknown value
  │
  = help: values: whole, oat

error: bad.toml has 4 problems
"#,
    );
}

/// A missing column and a column given twice do not hide the rows' problems either.
#[test]
fn rows_are_checked_beside_a_missing_or_repeated_column() {
    let report = replay_report("arrival,item,item\n0,Latte,Latte\n-1,Latte,Latte\n");
    assert!(report.contains("the CSV has two `item` columns"), "{report}");
    assert!(report.contains("the CSV has no `milk` column"), "{report}");
    assert!(report.contains("`-1` is not a time"), "{report}");
    assert!(report.contains("has 3 problems\n"), "{report}");
}

/// An empty cell where a value is needed says which, at its place, and what to write.
#[test]
fn empty_cells_are_named_at_their_place() {
    assert_report(
        &replay_report("arrival,item,milk\n0,Latte,\n,Latte,oat\n2,,oat\n3, ,oat\n"),
        r#"error: the `milk` cell is empty
  ┌─ tuesday.csv:2:9
  │
2 │ 0,Latte,
  │         ^ empty
  │
  = help: write the customer's `milk`: whole, oat

error: the `arrival` cell is empty
  ┌─ tuesday.csv:3:1
  │
3 │ ,Latte,oat
  │ ^ empty
  │
  = help: write when the customer came, like `2.5`

error: the `item` cell is empty
  ┌─ tuesday.csv:4:3
  │
4 │ 2,,oat
  │   ^ empty
  │
  = help: write what the customer ordered: Latte

error: the `item` cell is empty
  ┌─ tuesday.csv:5:4
  │
5 │ 3, ,oat
  │    ^ empty
  │
  = help: write what the customer ordered: Latte

error: bad.toml has 4 problems
"#,
    );
    // Following the help loads the day.
    let fixed = "arrival,item,milk\n0,Latte,oat\n1,Latte,oat\n2,Latte,oat\n3,Latte,oat\n";
    let sc = scenario::Source::new("bad", REPLAY).file("tuesday.csv", fixed).load();
    assert!(sc.is_ok(), "{}", sc.err().map(|e| e.render()).unwrap_or_default());
}
