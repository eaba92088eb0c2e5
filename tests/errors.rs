//! Bad scenarios, and exactly what the loader says about them: every message, its
//! source snippet and caret, its help line, and the final count.
//!
//! Each test writes the scenario and the expected report out in full, so this file is
//! also a catalogue of the loader's messages. To see what the loader says about a file
//! of your own, run `cafe check FILE`.

mod common;

use std::path::Path;

use async_cafe::scenario;

/// Loads `text` as the scenario file `bad.toml` and returns the rendered report.
fn report(text: &str) -> String {
    common::load_err("bad", text)
}

/// Asserts that the report on `text` is exactly `expected`. Both are written in the
/// tests starting on the line after their opening quote.
#[track_caller]
fn check(text: &str, expected: &str) {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    assert_report(&report(text), expected);
}

#[track_caller]
fn assert_report(got: &str, expected: &str) {
    if got != expected {
        let line = got.lines().zip(expected.lines()).position(|(g, e)| g != e);
        let line = line.unwrap_or(got.lines().count().min(expected.lines().count()));
        panic!("the report differs from line {}:\n--- expected\n{expected}\n--- got\n{got}", line + 1);
    }
}

/// A TOML syntax error stops loading: nothing else is checked (not even the cooks).
#[test]
fn toml_syntax_error() {
    check(
        r#"
[kitchen]
cooks = 0

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended" duration = 5 }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: TOML syntax: missing comma between key-value pairs, expected `,`
  ┌─ bad.toml:5:47
  │
5 │ steps = [{ name = "brew", kind = "unattended" duration = 5 }]
  │                                               ^ here
  │
  = help: a scenario is a TOML file (https://toml.io); docs/scenario-format.md describes it

error: bad.toml has 1 problem
"#,
    );
}

/// An unknown field, with the field it is probably a typo of.
#[test]
fn unknown_field_suggests_the_closest() {
    check(
        r#"
[kitchen]
cook = 2

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: unknown field `cook` in [kitchen]
  ┌─ bad.toml:2:1
  │
2 │ cook = 2
  │ ^^^^ unknown field
  │
  = help: did you mean `cooks`? [kitchen] takes: cooks, equipment, cook_cost, currency, policy

error: bad.toml has 1 problem
"#,
    );
}

/// A known field in the wrong table says where it belongs.
#[test]
fn field_in_the_wrong_table() {
    check(
        r#"
cooks = 2

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: unknown field `cooks` in a scenario
  ┌─ bad.toml:1:1
  │
1 │ cooks = 2
  │ ^^^^^ unknown field
  │
  = help: `cooks` belongs in [kitchen]

error: bad.toml has 1 problem
"#,
    );
}

/// A value of the wrong type.
#[test]
fn wrong_type() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = "5 s" }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: `duration` must be a number of seconds or a distribution, found a string
  ┌─ bad.toml:2:59
  │
2 │ steps = [{ name = "brew", kind = "unattended", duration = "5 s" }]
  │                                                           ^^^^^ expected a number or a distribution
  │
  = help: write it like `duration = 3`, or draw it at random: `duration = { dist = "uniform_int", min = 1, max = 5 }`

error: bad.toml has 1 problem
"#,
    );
}

/// Durations must be finite and at least 0: each bad one is reported.
#[test]
fn negative_nan_and_infinite_durations() {
    check(
        r#"
[recipes.coffee]
steps = [
    { name = "grind", kind = "hands-on", duration = -1 },
    { name = "brew", kind = "unattended", duration = nan },
    { name = "pour", kind = "hands-on", duration = inf },
]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: `duration` must be a finite number of seconds that is at least 0, found -1
  ┌─ bad.toml:3:53
  │
3 │     { name = "grind", kind = "hands-on", duration = -1 },
  │                                                     ^^ negative
  │
  = help: write it like `duration = 3`

error: `duration` must be a finite number of seconds that is at least 0, found nan
  ┌─ bad.toml:4:54
  │
4 │     { name = "brew", kind = "unattended", duration = nan },
  │                                                      ^^^ not a number
  │
  = help: write it like `duration = 3`

error: `duration` must be a finite number of seconds that is at least 0, found inf
  ┌─ bad.toml:5:52
  │
5 │     { name = "pour", kind = "hands-on", duration = inf },
  │                                                    ^^^ infinite
  │
  = help: write it like `duration = 3`

error: bad.toml has 3 problems
"#,
    );
}

/// `after` naming a step the recipe does not have.
#[test]
fn after_names_a_step_that_does_not_exist() {
    check(
        r#"
[recipes.coffee]
steps = [
    { name = "grind", kind = "hands-on", duration = 1 },
    { name = "brew", kind = "unattended", duration = 5, after = ["grnd"] },
]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: `brew` waits for unknown step `grnd`
  ┌─ bad.toml:4:66
  │
4 │     { name = "brew", kind = "unattended", duration = 5, after = ["grnd"] },
  │                                                                  ^^^^^^ no such step
  │
  = help: did you mean `grind`? The steps of recipe `coffee` are: grind, brew

error: bad.toml has 1 problem
"#,
    );
}

/// `uses` naming equipment the kitchen does not have.
#[test]
fn uses_names_equipment_that_does_not_exist() {
    check(
        r#"
[kitchen]
equipment = { coffee_machine = 2 }

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5, uses = "coffee_machin" }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: unknown equipment `coffee_machin`
  ┌─ bad.toml:5:69
  │
5 │ steps = [{ name = "brew", kind = "unattended", duration = 5, uses = "coffee_machin" }]
  │                                                                     ^^^^^^^^^^^^^^^ not in the kitchen
  │
  = help: did you mean `coffee_machine`? The kitchen has: coffee_machine; or declare `coffee_machin` in [kitchen.equipment]

error: bad.toml has 1 problem
"#,
    );
}

/// Every problem with `after` in one recipe at once: an unknown step, a step
/// waiting for itself, and a cycle of two others.
#[test]
fn every_after_problem_of_a_recipe_at_once() {
    check(
        r#"
[recipes.r]
steps = [
  { name = "a", kind = "hands-on", duration = 1, after = ["zz"] },
  { name = "b", kind = "hands-on", duration = 1, after = ["b"] },
  { name = "c", kind = "hands-on", duration = 1, after = ["d"] },
  { name = "d", kind = "hands-on", duration = 1 },
]
[menu]
x = "r"
[customers]
list = [{ item = "x" }]
"#,
        r#"
error: `a` waits for unknown step `zz`
  ┌─ bad.toml:3:59
  │
3 │   { name = "a", kind = "hands-on", duration = 1, after = ["zz"] },
  │                                                           ^^^^ no such step
  │
  = help: the steps of recipe `r` are: a, b, c, d

error: step `b` of recipe `r` waits for itself
  ┌─ bad.toml:4:59
  │
4 │   { name = "b", kind = "hands-on", duration = 1, after = ["b"] },
  │                                                           ^^^ itself
  │
  = help: remove `b` from its own `after`

error: the steps of recipe `r` wait for each other in a cycle: `c` → `d` → `c`
  ┌─ bad.toml:5:59
  │
5 │   { name = "c", kind = "hands-on", duration = 1, after = ["d"] },
  │                                                           ^^^ `d` comes later in the recipe
  │
  = help: → means "waits for"; `d` has no `after`, so it waits for the step before it. Remove `d` from the `after` of `c`, or list `d` before `c`: a step can only wait for earlier steps

error: bad.toml has 3 problems
"#,
    );
}

/// Steps waiting for each other in a cycle: the message names every step of it, and the
/// caret points at the `after` name that looks forward.
#[test]
fn dependency_cycle() {
    check(
        r#"
[recipes.breakfast]
steps = [
    { name = "toast", kind = "unattended", duration = 1, after = ["butter"] },
    { name = "brew", kind = "unattended", duration = 5 },
    { name = "butter", kind = "hands-on", duration = 1 },
]

[menu]
Breakfast = "breakfast"

[customers]
list = [{ item = "Breakfast" }]
"#,
        r#"
error: the steps of recipe `breakfast` wait for each other in a cycle: `toast` → `butter` → `brew` → `toast`
  ┌─ bad.toml:3:67
  │
3 │     { name = "toast", kind = "unattended", duration = 1, after = ["butter"] },
  │                                                                   ^^^^^^^^ `butter` comes later in the recipe
  │
  = help: → means "waits for"; `butter` and `brew` have no `after`, so each waits for the step before it. Remove `butter` from the `after` of `toast`, or list `butter` before `toast`: a step can only wait for earlier steps

error: bad.toml has 1 problem
"#,
    );
}

/// A step needing equipment that has no units could never start.
#[test]
fn equipment_with_capacity_zero() {
    check(
        r#"
[kitchen]
equipment = { coffee_machine = 0 }

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5, uses = "coffee_machine" }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: `coffee_machine` has capacity 0, so this step could never start
  ┌─ bad.toml:5:69
  │
5 │ steps = [{ name = "brew", kind = "unattended", duration = 5, uses = "coffee_machine" }]
  │                                                                     ^^^^^^^^^^^^^^^^ no capacity
  │
  = help: give `coffee_machine` a capacity of at least 1 in [kitchen.equipment]

error: bad.toml has 1 problem
"#,
    );
}

/// A customer ordering something the menu does not have.
#[test]
fn customer_orders_an_item_not_on_the_menu() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"
Mocha = "coffee"

[customers]
list = [{ item = "Latte" }, { item = "Moca" }]
"#,
        r#"
error: `Moca` is not on the menu
  ┌─ bad.toml:9:38
  │
9 │ list = [{ item = "Latte" }, { item = "Moca" }]
  │                                      ^^^^^^ not on the menu
  │
  = help: did you mean `Mocha`? The menu has: Latte, Mocha

error: bad.toml has 1 problem
"#,
    );
}

/// An unknown placeholder: the caret points at the placeholder itself, even inside a
/// string with escapes.
#[test]
fn unknown_placeholder_points_at_the_placeholder() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]

[narrative]
served = "Here is your \"{item}\", {custmer}!"
"#,
        r#"
error: unknown placeholder `{custmer}`
   ┌─ bad.toml:11:36
   │
11 │ served = "Here is your \"{item}\", {custmer}!"
   │                                    ^^^^^^^^^ here
   │
   = help: did you mean `{customer}`? Placeholders here: {mode}, {menu}, {customers}, {scenario}, {unit}, {time}, {order}, {customer}, {item}, {arrival}, {results}; write `{{` for a literal brace

error: bad.toml has 1 problem
"#,
    );
}

/// A placeholder that exists, but not at this moment.
#[test]
fn placeholder_from_another_moment() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]

[narrative]
arrival = "Order {order}: {step}"
"#,
        r#"
error: placeholder `{step}` is not available in `arrival` lines (it is in `step_start` and `step_finish` lines)
   ┌─ bad.toml:11:27
   │
11 │ arrival = "Order {order}: {step}"
   │                           ^^^^^^ here
   │
   = help: Placeholders here: {mode}, {menu}, {customers}, {scenario}, {unit}, {time}, {order}, {customer}, {item}, {arrival}; write `{{` for a literal brace

error: bad.toml has 1 problem
"#,
    );
}

/// A kitchen without cooks (its equipment is still known to the steps that use it).
#[test]
fn zero_cooks() {
    check(
        r#"
[kitchen]
cooks = 0
equipment = { coffee_machine = 1 }

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5, uses = "coffee_machine" }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: a kitchen needs at least one cook
  ┌─ bad.toml:2:9
  │
2 │ cooks = 0
  │         ^ no cooks
  │
  = help: write `cooks = 1` or more

error: bad.toml has 1 problem
"#,
    );
}

/// A menu with nothing on it (the customers are not told that their item is not on it).
#[test]
fn empty_menu() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]

[customers]
list = [{ item = "Latte" }]
"#,
        r#"
error: the menu is empty
  ┌─ bad.toml:4:1
  │
4 │ [menu]
  │ ^^^^^^ empty menu
  │
  = help: add `[menu]` with one `ITEM = "RECIPE"` line per item, like `Latte = "coffee"`

error: bad.toml has 1 problem
"#,
    );
}

/// A file that does not exist (`scenario::load_file`): the problem is the file itself.
#[test]
fn missing_file() {
    let err = scenario::load_file(Path::new("no/such/scenario.toml")).unwrap_err();
    assert_report(
        &err.render(),
        r#"error: cannot read no/such/scenario.toml: No such file or directory (os error 2)
 = help: check the path, or run `cafe list` for the built-in scenarios

error: no/such/scenario.toml has 1 problem
"#,
    );
}

/// What a scenario must have is reported about the file as a whole.
#[test]
fn missing_sections() {
    check(
        r#"
name = "empty"
"#,
        r#"
error: the scenario has no recipes
 = in bad.toml
 = help: add a `[recipes.NAME]` table with `[[recipes.NAME.steps]]`; see docs/scenario-format.md

error: the scenario has no menu
 = in bad.toml
 = help: add `[menu]` with one `ITEM = "RECIPE"` line per item, like `Latte = "coffee"`

error: the scenario has no customers
 = in bad.toml
 = help: add `[customers]` with `list = [...]`, `replay = "day.csv"` or `[customers.generate]`

error: bad.toml has 3 problems
"#,
    );
}

/// Every problem at once, in file order, then the count.
#[test]
fn several_problems_are_all_reported_in_file_order() {
    check(
        r#"
name = "rush-hour"
unit = "minutes"

[kitchen]
cooks = 2
equipment = { espresso_machine = 1 }

[recipes.coffee]
steps = [
    { name = "grind", kind = "hands-on", duration = -1 },
    { name = "brew", kind = "unatended", duration = 2, uses = "espresso", after = ["grind"] },
]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }, { item = "Cappuccino", arrival = 1 }]

[narrative]
served = "Enjoy your {itme}!"
"#,
        r#"
error: unknown time unit `minutes`
  ┌─ bad.toml:2:8
  │
2 │ unit = "minutes"
  │        ^^^^^^^^^ unknown unit
  │
  = help: did you mean `min`? Units: ms, s, min, h

error: `duration` must be a finite number of seconds that is at least 0, found -1
   ┌─ bad.toml:10:53
   │
10 │     { name = "grind", kind = "hands-on", duration = -1 },
   │                                                     ^^ negative
   │
   = help: write it like `duration = 3`

error: unknown step kind `unatended`
   ┌─ bad.toml:11:29
   │
11 │     { name = "brew", kind = "unatended", duration = 2, uses = "espresso", after = ["grind"] },
   │                             ^^^^^^^^^^^ unknown kind
   │
   = help: did you mean `unattended`? A step is `hands-on` (it occupies a cook) or `unattended` (a machine or timer works)

error: unknown equipment `espresso`
   ┌─ bad.toml:11:63
   │
11 │     { name = "brew", kind = "unatended", duration = 2, uses = "espresso", after = ["grind"] },
   │                                                               ^^^^^^^^^^ not in the kitchen
   │
   = help: did you mean `espresso_machine`? The kitchen has: espresso_machine; or declare `espresso` in [kitchen.equipment]

error: `Cappuccino` is not on the menu
   ┌─ bad.toml:18:38
   │
18 │ list = [{ item = "Latte" }, { item = "Cappuccino", arrival = 1 }]
   │                                      ^^^^^^^^^^^^ not on the menu
   │
   = help: the menu has: Latte; to sell it, add `Cappuccino = "RECIPE"` to [menu]

error: unknown placeholder `{itme}`
   ┌─ bad.toml:21:22
   │
21 │ served = "Enjoy your {itme}!"
   │                      ^^^^^^ here
   │
   = help: did you mean `{item}`? Placeholders here: {mode}, {menu}, {customers}, {scenario}, {unit}, {time}, {order}, {customer}, {item}, {arrival}, {results}; write `{{` for a literal brace

error: bad.toml has 6 problems
"#,
    );
}

/// A replayed day's problems point into the CSV file, cell by cell.
#[test]
fn replayed_day_with_bad_rows() {
    let scenario = r#"[options]
flavour = ["Vanilla", "Caramel"]

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers]
replay = "monday.csv"
"#;
    let monday = r#"arrival,item,flavour,brew
0,Latte,Vanilla,4
soon,Latte,Caramel,
2,Latte,Hazelnut,3
"#;
    let err = scenario::Source::new("bad", scenario).file("monday.csv", monday).load().unwrap_err();
    assert_report(
        &err.render(),
        r#"error: `soon` is not a time: times are finite numbers of seconds that are at least 0
  ┌─ monday.csv:3:1
  │
3 │ soon,Latte,Caramel,
  │ ^^^^ not a time
  │
  = help: write it like `2.5`

error: `Hazelnut` is not a value of option `flavour`
  ┌─ monday.csv:4:9
  │
4 │ 2,Latte,Hazelnut,3
  │         ^^^^^^^^ unknown value
  │
  = help: values: Vanilla, Caramel

error: bad.toml has 2 problems
"#,
    );
}

/// An option named like a placeholder: `{step}` could not print both.
#[test]
fn option_named_like_a_placeholder() {
    check(
        r#"
[options]
step = ["small", "large"]

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5, on_start = "A {step} coffee" }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte", options = { step = "small" } }]
"#,
        r#"
error: option `step` has the name of a placeholder
  ┌─ bad.toml:2:1
  │
2 │ step = ["small", "large"]
  │ ^^^^ reserved name
  │
  = help: `{step}` already prints something else in narrative lines: rename the option

error: bad.toml has 1 problem
"#,
    );
}

/// Names are printed on terminals, in tables and in the timeline's lanes: a name
/// the scenario gives with a control character or a bidirectional control is
/// refused, at that character (here an escape like `\u001b`), wherever it is. A
/// narrative line may hold a tab, and a multi-line string's line breaks, `\r\n`
/// included, separate its lines.
#[test]
fn control_characters_in_names_are_refused_at_the_character() {
    check(
        r#"
[kitchen]
equipment = { "oven\u001b[31m" = 1 }

[options]
milk = ["oat", "whole\u202e"]

[recipes."coffee\u0007"]
steps = [{ name = "brew\tnow", kind = "unattended", duration = 5 }]

[recipes.tea]
steps = [{ name = "steep", kind = "unattended", duration = 3, result = "tea\r" }]

[menu]
"Latte\n" = "coffee\u0007"
Tea = "tea"

[customers]
list = [{ name = "Ada\u0000", item = "Tea", options = { milk = "oat" } }]

[narrative]
arrival = "{customer}\tordered {item}"
served = "\u001b]0;owned\u0007{customer} served"
"#,
        r#"
error: an equipment name contains an escape character (U+001B)
  ┌─ bad.toml:2:20
  │
2 │ equipment = { "oven\u001b[31m" = 1 }
  │                    ^^^^^^ control character
  │
  = help: a terminal obeys control characters (they change colours, move the cursor, set the window's title): remove it

error: a value of option `milk` contains a bidirectional control character (U+202E)
  ┌─ bad.toml:5:22
  │
5 │ milk = ["oat", "whole\u202e"]
  │                      ^^^^^^ bidirectional control
  │
  = help: it reorders the text printed after it, so what is shown is not what is written: remove it

error: a recipe's name contains a bell character (U+0007)
  ┌─ bad.toml:7:17
  │
7 │ [recipes."coffee\u0007"]
  │                 ^^^^^^ control character
  │
  = help: a terminal obeys control characters (they change colours, move the cursor, set the window's title): remove it

error: a step's name contains a tab (U+0009)
  ┌─ bad.toml:8:24
  │
8 │ steps = [{ name = "brew\tnow", kind = "unattended", duration = 5 }]
  │                        ^^ control character
  │
  = help: a name is printed on one line, in tables and in the timeline's lanes: write it without tabs or line breaks

error: a step's `result` contains a carriage return (U+000D)
   ┌─ bad.toml:11:76
   │
11 │ steps = [{ name = "steep", kind = "unattended", duration = 3, result = "tea\r" }]
   │                                                                            ^^ control character
   │
   = help: a name is printed on one line, in tables and in the timeline's lanes: write it without tabs or line breaks

error: a menu item's name contains a line break (U+000A)
   ┌─ bad.toml:14:7
   │
14 │ "Latte\n" = "coffee\u0007"
   │       ^^ control character
   │
   = help: a name is printed on one line, in tables and in the timeline's lanes: write it without tabs or line breaks

error: a customer's name contains a NUL character (U+0000)
   ┌─ bad.toml:18:22
   │
18 │ list = [{ name = "Ada\u0000", item = "Tea", options = { milk = "oat" } }]
   │                      ^^^^^^ control character
   │
   = help: a terminal obeys control characters (they change colours, move the cursor, set the window's title): remove it

error: a line of `narrative.served` contains an escape character (U+001B)
   ┌─ bad.toml:22:11
   │
22 │ served = "\u001b]0;owned\u0007{customer} served"
   │           ^^^^^^ control character
   │
   = help: a terminal obeys control characters (they change colours, move the cursor, set the window's title): remove it

error: bad.toml has 8 problems
"#,
    );
    // The scenario's name and summary too; a message quoting a name (an unknown
    // field) writes its control characters as escapes.
    check(
        "name = \"caf\u{e9}\\u001b]0;x\"\nsummary = \"\u{202e}Two\"\n\"x\\u0007\" = 1\n",
        r#"
error: the scenario has no recipes
 = in bad.toml
 = help: add a `[recipes.NAME]` table with `[[recipes.NAME.steps]]`; see docs/scenario-format.md

error: the scenario has no menu
 = in bad.toml
 = help: add `[menu]` with one `ITEM = "RECIPE"` line per item, like `Latte = "coffee"`

error: the scenario has no customers
 = in bad.toml
 = help: add `[customers]` with `list = [...]`, `replay = "day.csv"` or `[customers.generate]`

error: the scenario's `name` contains an escape character (U+001B)
  ┌─ bad.toml:1:13
  │
1 │ name = "café\u001b]0;x"
  │             ^^^^^^ control character
  │
  = help: a terminal obeys control characters (they change colours, move the cursor, set the window's title): remove it

error: `summary` contains a bidirectional control character (U+202E)
  ┌─ bad.toml:2:12
  │
2 │ summary = "�Two"
  │            ^ bidirectional control
  │
  = help: it reorders the text printed after it, so what is shown is not what is written: remove it

error: unknown field `x\u{7}` in a scenario
  ┌─ bad.toml:3:1
  │
3 │ "x\u0007" = 1
  │ ^^^^^^^^^ unknown field
  │
  = help: a scenario takes: name, summary, unit, speed, seed, kitchen, options, recipes, menu, customers, narrative

error: bad.toml has 6 problems
"#,
    );
    // A tab in a narrative line, and Windows' line ends in a multi-line string.
    let sc = scenario::load_str(
        "ok",
        "[recipes.tea]\nsteps = [{ name = \"steep\", kind = \"unattended\", duration = 3 }]\n[menu]\nTea = \"tea\"\n[customers]\nlist = [{ item = \"Tea\" }]\n[narrative]\narrival = \"\"\"\r\nHello\r\n{item}\tnow\r\n\"\"\"\n",
    )
    .unwrap();
    use async_cafe::engine::{self, Mode, VirtualClock};
    let mut narrator = async_cafe::view::narrative::Narrator::new(&sc, Mode::Async);
    let mut text = String::new();
    let mut sink = |e: &async_cafe::event::Event<'_>| {
        narrator.event(e, |_, line| {
            text.push_str(line);
            text.push('\n');
        })
    };
    engine::run(&sc, Mode::Async, 0, &mut VirtualClock, &mut sink);
    assert_eq!(text, "Hello\nTea\tnow\n\n");
}

/// A replayed day: a row with more or fewer values than the header names columns is
/// said in those words, at the row; a customer's name with a control character is
/// refused at it.
#[test]
fn replayed_day_with_ragged_rows_and_a_control_character() {
    let scenario = "[recipes.coffee]\nsteps = [{ name = \"brew\", kind = \"unattended\", duration = 5 }]\n[menu]\nLatte = \"coffee\"\n[customers]\nreplay = \"monday.csv\"\n";
    let monday = "arrival,item,customer\n0,Latte\n1,Latte,Ada,x\n2,Latte,Gr\u{1b}[2Jace\n";
    let err = scenario::Source::new("bad", scenario).file("monday.csv", monday).load().unwrap_err();
    assert_report(
        &err.render(),
        r#"error: row 2 has 2 values, but the header names 3 columns
  ┌─ monday.csv:2:1
  │
2 │ 0,Latte
  │ ^^^^^^^ wrong number of values
  │
  = help: give every row one value per column, in the header's order (arrival,item,customer); leave a cell empty with nothing between its commas

error: row 3 has 4 values, but the header names 3 columns
  ┌─ monday.csv:3:1
  │
3 │ 1,Latte,Ada,x
  │ ^^^^^^^^^^^^^ wrong number of values
  │
  = help: give every row one value per column, in the header's order (arrival,item,customer); leave a cell empty with nothing between its commas

error: a customer's name contains an escape character (U+001B)
  ┌─ monday.csv:4:11
  │
4 │ 2,Latte,Gr␛[2Jace
  │           ^ control character
  │
  = help: a terminal obeys control characters (they change colours, move the cursor, set the window's title): remove it

error: bad.toml has 3 problems
"#,
    );
}

/// A line far longer than a terminal is drawn as a window of it around the
/// problem, `…` marking what is left out, with the column counted in the whole line.
#[test]
fn a_long_line_is_shown_as_a_window_around_the_problem() {
    let items: Vec<String> =
        (0..40).map(|i| format!("{{ item = \"{}\" }}", if i == 30 { "Tee" } else { "Tea" })).collect();
    let text = format!(
        "[recipes.tea]\nsteps = [{{ name = \"steep\", kind = \"unattended\", duration = 3 }}]\n[menu]\nTea = \"tea\"\n[customers]\nlist = [{}]\n",
        items.join(", ")
    );
    let column = text.lines().nth(5).unwrap().find("\"Tee\"").unwrap() + 1;
    assert_eq!(column, 558);
    check(
        &text,
        r#"
error: `Tee` is not on the menu
  ┌─ bad.toml:6:558
  │
6 │ …m = "Tea" }, { item = "Tea" }, { item = "Tee" }, { item = "Tea" }, { item = "Tea" }, { item = "Tea" }, { item = "Tea" },…
  │                                          ^^^^^ not on the menu
  │
  = help: did you mean `Tea`? The menu has: Tea

error: bad.toml has 1 problem
"#,
    );
}

/// However many problems there are, the report shows the first 100 in file order
/// and counts the others by kind; the error keeps the first 1,000 of them.
#[test]
fn past_a_hundred_problems_the_rest_are_counted() {
    let items: Vec<String> = (0..1_500).map(|i| format!("{{ item = \"y{i}\" }}")).collect();
    let text = format!(
        "[kitchen]\ncooks = 0\n[recipes.tea]\nsteps = [{{ name = \"steep\", kind = \"unattended\", duration = 3 }}]\n[menu]\nTea = \"tea\"\n[customers]\nlist = [{}]\n",
        items.join(", ")
    );
    let err = scenario::load_str("bad", &text).unwrap_err();
    assert_eq!((err.count(), err.problems.len()), (1_501, 1_000));
    assert_eq!(err.omitted, vec![("not on the menu".to_string(), 501)]);
    assert_eq!(err.problems[0].message, "a kitchen needs at least one cook");
    assert_eq!(err.problems[1].message, "`y0` is not on the menu");
    assert_eq!(err.problems[999].message, "`y998` is not on the menu");
    let report = err.render();
    assert_eq!(report.matches("\nerror: ").count() + 1, 101, "{report}");
    assert!(report.contains("error: `y98` is not on the menu") && !report.contains("`y99`"), "{report}");
    assert!(
        report.ends_with(
            "\n… and 1,401 more problems (not on the menu: 1,401)\n\nerror: bad.toml has 1,501 problems\n"
        ),
        "{report}"
    );
}

mod never_panics {
    use async_cafe::builtin::BUILTINS;
    use async_cafe::scenario;
    use proptest::prelude::*;

    /// Any bytes that are valid UTF-8, and any damage to a real scenario, give a
    /// scenario or a rendered error, never a panic.
    fn load(text: &str) {
        let day = "arrival,item,brew\n0,coffee,4\nx,tea,-1\n";
        if let Err(e) = scenario::Source::new("fuzz", text).file("coffee_shop_408.csv", day).load() {
            let text = e.render();
            assert!(text.contains("error"), "{text}");
            // Nothing a terminal would obey, and no line longer than a problem's
            // words (a source line is a window of at most 120 characters).
            assert!(!text.chars().any(|c| scenario::diag::forbidden(c) && c != '\n'), "{text:?}");
            assert!(text.lines().all(|l| l.chars().count() <= scenario::diag::MAX_TEXT + 20), "{text}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn damaged_builtins(which in 0..BUILTINS.len(), cuts in prop::collection::vec((any::<prop::sample::Index>(), 0usize..12, "[a-z0-9 =\\[\\]{}\",.\\n-]{0,6}"), 1..4)) {
            let mut text = BUILTINS[which].toml.to_string();
            for (at, len, insert) in cuts {
                let mut start = at.index(text.len() + 1);
                while !text.is_char_boundary(start) { start -= 1; }
                let mut end = (start + len).min(text.len());
                while !text.is_char_boundary(end) { end += 1; }
                text.replace_range(start..end, &insert);
            }
            load(&text);
        }

        #[test]
        fn arbitrary_text(text in "\\PC{0,200}") {
            load(&text);
        }

        /// Control characters (raw, which TOML refuses, or escaped in strings and
        /// keys) and lines hundreds of characters long.
        #[test]
        fn control_characters_and_long_lines(
            text in "([a-z =\\[\\]{}\",\\n\\x00-\\x1f\\x7f\u{85}\u{202e}é]|\\\\u001b|\\\\t|item = \"|name = \"){0,60}",
            pad in 0usize..400,
        ) {
            load(&format!("{}{text}", "é".repeat(pad)));
            load(&format!("[recipes.r]\nsteps = [{{ name = \"{}{text}\", kind = \"hands-on\", duration = 1 }}]\n", "x".repeat(pad)));
        }
    }
}

/// Patience, balking and the dispatch policy: each problem at its place.
#[test]
fn bad_patience_balking_and_policy() {
    check(
        r#"
[kitchen]
policy = "fastest"
[recipes.r]
steps = [{ name = "a", kind = "hands-on", duration = 1 }]
[menu]
r = "r"
[customers]
patience = -1
balk = -2
list = [{ item = "r", patience = "soon" }]
"#,
        r#"
error: unknown dispatch policy `fastest`
  ┌─ bad.toml:2:10
  │
2 │ policy = "fastest"
  │          ^^^^^^^^^ unknown policy
  │
  = help: use one of fifo, unattended-first, longest-chain

error: `patience` must be a finite number of seconds that is at least 0, found -1
  ┌─ bad.toml:8:12
  │
8 │ patience = -1
  │            ^^ negative
  │
  = help: write it like `patience = 3`

error: `balk` must be from 0 to 4294967295, found -2
  ┌─ bad.toml:9:8
  │
9 │ balk = -2
  │        ^^ out of range
  │
  = help: write it like `balk = 5`

error: `patience` must be a number, found a string
   ┌─ bad.toml:10:34
   │
10 │ list = [{ item = "r", patience = "soon" }]
   │                                  ^^^^^^ expected a number
   │
   = help: write it like `patience = 5`

error: bad.toml has 4 problems
"#,
    );
}

/// A recipe of more steps than the engine can number is refused, with its count.
#[test]
fn a_recipe_of_too_many_steps() {
    let steps: Vec<String> =
        (0..65_536).map(|i| format!("{{ name = \"s{i}\", kind = \"hands-on\", duration = 1 }}")).collect();
    let text = format!(
        "[recipes.t]\nsteps = [{}]\n[menu]\nt = \"t\"\n[customers.generate]\ncount = 1\ninterarrival = 1\n",
        steps.join(", ")
    );
    let got = report(&text);
    assert!(
        got.starts_with("error: recipe `t` has 65536 steps, more than the 65535 a recipe can have\n"),
        "{}",
        &got[..got.len().min(400)]
    );
    assert!(got.contains("bad.toml:2:9"), "{}", &got[..got.len().min(400)]);
    assert!(got.contains("help: split the work into fewer, longer steps"), "{}", &got[..got.len().min(400)]);
}

/// Every time is at most the longest a run can count (250,000 hours), in the scenario's
/// unit: a fixed duration, a distribution's bound, a patience, a first arrival, a
/// schedule's `until`.
#[test]
fn times_past_the_longest_a_run_can_count() {
    check(
        r#"
[recipes.bread]
steps = [
    { name = "prove", kind = "unattended", duration = 1e19 },
    { name = "bake", kind = "unattended", duration = { dist = "uniform", min = 0, max = 1e300 } },
]

[menu]
Loaf = "bread"

[customers]
patience = 1e300

[customers.generate]
until = 3600
first_arrival = 1e10
schedule = [{ until = 1e300, rate = 1 }, { rate = 2 }]
"#,
        r#"
error: `duration` must be at most 900,000,000 s, the longest time a run can count, found 1e19
  ┌─ bad.toml:3:55
  │
3 │     { name = "prove", kind = "unattended", duration = 1e19 },
  │                                                       ^^^^ too long
  │
  = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: `max` must be at most 900,000,000 s, the longest time a run can count, found 1e300
  ┌─ bad.toml:4:89
  │
4 │     { name = "bake", kind = "unattended", duration = { dist = "uniform", min = 0, max = 1e300 } },
  │                                                                                         ^^^^^ too long
  │
  = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: `patience` must be at most 900,000,000 s, the longest time a run can count, found 1e300
   ┌─ bad.toml:11:12
   │
11 │ patience = 1e300
   │            ^^^^^ too long
   │
   = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: `first_arrival` must be at most 900,000,000 s, the longest time a run can count, found 1e10
   ┌─ bad.toml:15:17
   │
15 │ first_arrival = 1e10
   │                 ^^^^ too long
   │
   = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: `first_arrival` does not go with `schedule`
   ┌─ bad.toml:15:17
   │
15 │ first_arrival = 1e10
   │                 ^^^^ not with a schedule
   │
   = help: a schedule's arrivals start at 0: give the first piece a rate of 0 until they should start

error: `until` must be at most 900,000,000 s, the longest time a run can count, found 1e300
   ┌─ bad.toml:16:23
   │
16 │ schedule = [{ until = 1e300, rate = 1 }, { rate = 2 }]
   │                       ^^^^^ too long
   │
   = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: bad.toml has 6 problems
"#,
    );
}

/// Parameters each finite, whose sums or derived values are not: weights adding up
/// past the largest number, a lognormal whose spread overflows, a gamma whose mean is
/// too long.
#[test]
fn distributions_whose_derived_values_are_not_finite() {
    check(
        r#"
[recipes.coffee]
steps = [
    { name = "grind", kind = "hands-on", duration = { dist = "empirical", values = [1, 2], weights = [1e308, 1e308] } },
    { name = "brew", kind = "unattended", duration = { dist = "lognormal", mean = 1e-200, sd = 1 } },
    { name = "pour", kind = "hands-on", duration = { dist = "gamma", shape = 1e300, scale = 1 } },
]

[menu]
Latte = "coffee"
Mocha = "coffee"

[customers.generate]
count = 100
rate = 1
mix = { Latte = 1e308, Mocha = 1e308 }
"#,
        r#"
error: the weights add up to more than the largest number (about 1.8e308)
  ┌─ bad.toml:3:102
  │
3 │     { name = "grind", kind = "hands-on", duration = { dist = "empirical", values = [1, 2], weights = [1e308, 1e308] } },
  │                                                                                                      ^^^^^^^^^^^^^^ too large
  │
  = help: only their ratios matter: scale them down, like `weights = [3, 1]`

error: `duration`: a lognormal distribution's sd (1) is too large beside its mean (1e-200)
  ┌─ bad.toml:4:54
  │
4 │     { name = "brew", kind = "unattended", duration = { dist = "lognormal", mean = 1e-200, sd = 1 } },
  │                                                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ impossible distribution
  │
  = help: its sd can be at most 1e150 times its mean (beyond that its spread is not a number)

error: `duration`: a gamma distribution's mean (shape × scale = 1e300) is more than 900,000,000 s, the longest time a run can count
  ┌─ bad.toml:5:52
  │
5 │     { name = "pour", kind = "hands-on", duration = { dist = "gamma", shape = 1e300, scale = 1 } },
  │                                                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ impossible distribution
  │
  = help: its mean is shape × scale: make one of them smaller

error: the mix's weights add up to more than the largest number (about 1.8e308)
   ┌─ bad.toml:15:7
   │
15 │ mix = { Latte = 1e308, Mocha = 1e308 }
   │       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ too large
   │
   = help: only their ratios matter: scale them down, like `mix = { Latte = 3, Mocha = 1 }`

error: bad.toml has 4 problems
"#,
    );
}

/// Interarrival times of 0 and only an `until`: customers would keep coming at one instant.
#[test]
fn a_door_that_never_closes() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers.generate]
until = 10
interarrival = 0
"#,
        r#"
error: every interarrival time is 0, so the door never closes: customers would keep coming at one instant until `until`
  ┌─ bad.toml:9:16
  │
9 │ interarrival = 0
  │                ^ too many customers
  │
  = help: add `count = 1000` (the most customers to let in), or bring them less often

error: bad.toml has 1 problem
"#,
    );
}

/// A rate so high that `until` would let in more customers than a run can hold.
#[test]
fn too_many_customers_without_a_count() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers.generate]
until = 60
rate = 1e300
"#,
        r#"
error: [customers.generate] would let in about 6.00e301 customers before `until`, more than the 1,000,000,000 it can let in without a `count`
  ┌─ bad.toml:9:8
  │
9 │ rate = 1e300
  │        ^^^^^ too many customers
  │
  = help: add `count = 1000` (the most customers to let in), or bring them less often

error: bad.toml has 1 problem
"#,
    );
}

/// A misspelled field is one problem, not also the field it misspells, missing.
#[test]
fn a_misspelled_field_is_one_problem() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", durration = 5 }]

[menu]
Latte = "coffee"

[customers]
list = [{ itme = "Latte" }]
"#,
        r#"
error: unknown field `durration` in step 1 of recipe `coffee`
  ┌─ bad.toml:2:48
  │
2 │ steps = [{ name = "brew", kind = "unattended", durration = 5 }]
  │                                                ^^^^^^^^^ unknown field
  │
  = help: did you mean `duration`? step 1 of recipe `coffee` takes: name, kind, duration, uses, after, result, on_start, on_finish

error: unknown field `itme` in a customer
  ┌─ bad.toml:8:11
  │
8 │ list = [{ itme = "Latte" }]
  │           ^^^^ unknown field
  │
  = help: did you mean `item`? a customer takes: name, arrival, item, options, durations, patience

error: bad.toml has 2 problems
"#,
    );
}

/// A real-clock speed faster than the longest run counts in seconds.
#[test]
fn a_speed_too_fast() {
    check(
        r#"
speed = 1e308

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte", arrival = 0 }]
"#,
        r#"
error: `speed` must be at most 1,000,000, found 1e308
  ┌─ bad.toml:1:9
  │
1 │ speed = 1e308
  │         ^^^^^ too fast
  │
  = help: a run that should take no time at all runs on the virtual clock (`cafe run --clock virtual`): write a smaller speed, like `speed = 60`

error: bad.toml has 1 problem
"#,
    );
}

/// A real-clock speed too slow to wait for, and a group of ten million.
#[test]
fn a_speed_too_slow_and_a_group_too_large() {
    check(
        r#"
speed = 1e-300

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers.generate]
until = 3600
schedule = [{ until = 60, rate = 1e10 }, { rate = 1 }]
group = 10000000
"#,
        r#"
error: `speed` must be at least 0.000001, found 1e-300
  ┌─ bad.toml:1:9
  │
1 │ speed = 1e-300
  │         ^^^^^^ too slow
  │
  = help: at that speed a second of scenario time would take over 11 days: write a larger one, like `speed = 1`

error: a group can be at most 1,000 customers, found 10,000,000
   ┌─ bad.toml:12:9
   │
12 │ group = 10000000
   │         ^^^^^^^^ too large
   │
   = help: customers who come together are a group; for a crowd, use a higher `rate` or a `count`

error: bad.toml has 2 problems
"#,
    );
}

/// A listed customer's times, with the limit in the scenario's unit.
#[test]
fn listed_times_past_the_longest_a_run_can_count() {
    check(
        r#"
unit = "h"

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte", arrival = 300000, patience = 1e6, durations = { brew = 250001 } }]
"#,
        r#"
error: `arrival` must be at most 250,000 h, the longest time a run can count, found 300000
   ┌─ bad.toml:10:37
   │
10 │ list = [{ item = "Latte", arrival = 300000, patience = 1e6, durations = { brew = 250001 } }]
   │                                     ^^^^^^ too long
   │
   = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: `patience` must be at most 250,000 h, the longest time a run can count, found 1e6
   ┌─ bad.toml:10:56
   │
10 │ list = [{ item = "Latte", arrival = 300000, patience = 1e6, durations = { brew = 250001 } }]
   │                                                        ^^^ too long
   │
   = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: the duration of `brew` must be at most 250,000 h, the longest time a run can count, found 250001
   ┌─ bad.toml:10:82
   │
10 │ list = [{ item = "Latte", arrival = 300000, patience = 1e6, durations = { brew = 250001 } }]
   │                                                                                  ^^^^^^ too long
   │
   = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: bad.toml has 3 problems
"#,
    );
}

/// A replayed day: a time past the longest a run can count, in the scenario's unit;
/// and a column given twice (which would otherwise be read twice, the last one winning).
#[test]
fn replayed_day_with_times_too_long_and_a_duplicate_column() {
    let scenario = r#"unit = "min"

[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers]
replay = "monday.csv"
"#;
    let load = |monday: &'static str| {
        scenario::Source::new("bad", scenario).file("monday.csv", monday).load().unwrap_err().render()
    };
    assert_report(
        &load("arrival,item,brew\n0,Latte,4\n2e7,Latte,3\n5,Latte,1e300\n"),
        r#"error: `2e7` is more than 15,000,000 min, the longest time a run can count
  ┌─ monday.csv:3:1
  │
3 │ 2e7,Latte,3
  │ ^^^ too long
  │
  = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: `1e300` is more than 15,000,000 min, the longest time a run can count
  ┌─ monday.csv:4:9
  │
4 │ 5,Latte,1e300
  │         ^^^^^ too long
  │
  = help: a run counts time in nanoseconds up to 250,000 h (about 28 years): write a shorter time

error: bad.toml has 2 problems
"#,
    );
    assert_report(
        &load("arrival,item,brew,item\n0,Latte,4,Mocha\n"),
        r#"error: the CSV has two `item` columns (columns 2 and 4)
  ┌─ monday.csv:1:19
  │
1 │ arrival,item,brew,item
  │                   ^^^^ duplicate column
  │
  = help: each column can be given only once: remove one of them

error: bad.toml has 1 problem
"#,
    );
}

/// Interarrival times of 0 and a count of ten million: all in the kitchen at once.
#[test]
fn too_many_customers_at_one_instant() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers.generate]
count = 10000000
interarrival = { dist = "uniform", min = 0, max = 0 }
"#,
        r#"
error: every interarrival time is 0, so all 10,000,000 customers would come in at one instant, more than the 1,000,000 a run can hold at once
  ┌─ bad.toml:8:9
  │
8 │ count = 10000000
  │         ^^^^^^^^ too many at once
  │
  = help: space them out (like `rate = 2`), or lower `count`

error: bad.toml has 1 problem
"#,
    );
}

/// Interarrival times that are nearly always 0: a billion customers at one instant
/// before the first gap, though their mean gap is a millisecond.
#[test]
fn nearly_every_interarrival_time_is_zero() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers.generate]
until = 10
interarrival = { dist = "empirical", values = [0, 1000000], weights = [1e9, 1] }
"#,
        r#"
error: 99.9999999% of the interarrival times are 0, so about 1.00e9 customers would come in at one instant, more than the 1,000,000 a run can hold at once
  ┌─ bad.toml:9:16
  │
9 │ interarrival = { dist = "empirical", values = [0, 1000000], weights = [1e9, 1] }
  │                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ too many at once
  │
  = help: space them out (like `rate = 2`), or give the 0s a smaller weight

error: bad.toml has 1 problem
"#,
    );
}

/// A rate so high that every gap rounds to 0 ns: ten million customers at one instant.
#[test]
fn a_rate_faster_than_the_clock_can_tell_apart() {
    check(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]

[menu]
Latte = "coffee"

[customers.generate]
count = 10000000
rate = 1e12
"#,
        r#"
error: every interarrival time rounds to 0 (the clock counts whole nanoseconds), so all 10,000,000 customers would come in at one instant, more than the 1,000,000 a run can hold at once
  ┌─ bad.toml:8:9
  │
8 │ count = 10000000
  │         ^^^^^^^^ too many at once
  │
  = help: space them out (like `rate = 2`), or lower `count`

error: bad.toml has 1 problem
"#,
    );
}

/// A scenario of two steps and two customers, where each syntax test below damages
/// one place.
const TWO_STEPS: &str = r#"[recipes.coffee]
steps = [
    { name = "grind", kind = "hands-on", duration = 1, on_start = "Grinding." },
    { name = "brew", kind = "unattended", duration = 4, after = ["grind"], on_start = "Brewing." },
    { name = "pour", kind = "hands-on", duration = 1, after = ["brew"], on_start = "Pouring." },
]

[menu]
Latte = "coffee"

[customers]
list = [{ item = "Latte" }, { item = "Latte", arrival = 2 }]
"#;

/// The messages of a report (its `error:` lines but the count), and the count.
fn messages(report: &str) -> (Vec<String>, String) {
    let mut lines: Vec<String> =
        report.lines().filter(|l| l.starts_with("error: ")).map(String::from).collect();
    let count = lines.pop().expect("a count");
    (lines, count)
}

/// One missing comma after a number used to give 11 problems: the first, then ten
/// the parser invented while guessing (a "duplicate key" for each key of the next
/// steps). Now the one that is there.
#[test]
fn a_missing_comma_is_one_problem() {
    check(
        &TWO_STEPS.replace("duration = 1, on_start = \"Grinding.\"", "duration = 1 on_start = \"Grinding.\""),
        r#"
error: TOML syntax: missing comma between key-value pairs, expected `,`
  ┌─ bad.toml:3:55
  │
3 │     { name = "grind", kind = "hands-on", duration = 1 on_start = "Grinding." },
  │                                                       ^ here
  │
  = help: a scenario is a TOML file (https://toml.io); docs/scenario-format.md describes it

error: bad.toml has 1 problem
"#,
    );
}

/// Each kind of syntax error is reported once, where it is, and nothing after it:
/// what the parser finds past a syntax error is a guess.
#[test]
fn each_syntax_error_is_reported_once() {
    let cases = [
        // (what, replaced, by, the message, where)
        (
            "missing comma, inline table",
            "duration = 1,",
            "duration = 1",
            "missing comma between key-value pairs",
            "3:55",
        ),
        (
            "missing comma, array",
            "\"Grinding.\" },",
            "\"Grinding.\" }",
            "missing comma between array elements",
            "4:5",
        ),
        ("missing comma, string", "\"brew\",", "\"brew\"", "missing comma between key-value pairs", "4:21"),
        ("unclosed bracket", "[\"grind\"]", "[\"grind\"", "string values must be quoted", "4:75"),
        (
            "unclosed inline table",
            "\"Grinding.\" },",
            "\"Grinding.\" ,",
            "missing key for inline table element",
            "4:5",
        ),
        (
            "unclosed string",
            "name = \"brew\"",
            "name = \"brew",
            "missing comma between key-value pairs",
            "4:29",
        ),
        ("unclosed header", "[menu]", "[menu", "unclosed table, expected `]`", "8:6"),
        ("bad value", "duration = 4", "duration = 4x", "string values must be quoted", "4:54"),
        ("bad word", "duration = 4", "duration = four", "invalid boolean", "4:54"),
        ("invalid escape", "\"Brewing.\"", "\"Brew\\qing.\"", "missing escaped value", "4:93"),
        ("missing =", "Latte = \"coffee\"", "Latte \"coffee\"", "key with no value, expected `=`", "9:7"),
        (
            "junk after a value",
            "Latte = \"coffee\"",
            "Latte = \"coffee\" x",
            "unexpected key or value",
            "9:18",
        ),
        (
            "two pairs on a line",
            "Latte = \"coffee\"",
            "Latte = 1 Mocha = 2",
            "unexpected key or value, expected newline",
            "9:11",
        ),
        (
            "multi-line table",
            "{ name = \"grind\", kind = \"hands-on\", duration = 1, on_start = \"Grinding.\" }",
            "{\n        name = \"grind\",\n        duration = 1\n        kind = \"hands-on\",\n    }",
            "missing comma between key-value pairs",
            "6:9",
        ),
    ];
    for (what, from, to, message, at) in cases {
        assert!(TWO_STEPS.contains(from), "{what}: `{from}` is not in the scenario");
        let got = report(&TWO_STEPS.replacen(from, to, 1));
        let (lines, count) = messages(&got);
        assert_eq!(count, "error: bad.toml has 1 problem", "{what}:\n{got}");
        assert!(lines[0].starts_with(&format!("error: TOML syntax: {message}")), "{what}:\n{got}");
        assert!(got.contains(&format!("bad.toml:{at}\n")), "{what}: not at {at}:\n{got}");
    }
}

/// Duplicate keys before the first other syntax error are certain, and each is
/// reported; after it, nothing is.
#[test]
fn duplicate_keys_are_all_reported_up_to_a_syntax_error() {
    let text = TWO_STEPS.replace(
        "Latte = \"coffee\"\n",
        "Latte = \"coffee\"\nLatte = \"coffee\"\nMocha = \"coffee\"\nMocha = \"coffee\"\n",
    );
    let (lines, count) = messages(&report(&text));
    assert_eq!(
        lines,
        ["error: TOML syntax: duplicate key `Latte`", "error: TOML syntax: duplicate key `Mocha`"]
    );
    assert_eq!(count, "error: bad.toml has 2 problems");

    let (lines, count) = messages(&report(&text.replace("[customers]", "[menu]")));
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(count, "error: bad.toml has 3 problems");

    let (lines, _) =
        messages(&report(&text.replace("Mocha = \"coffee\"\nMocha", "Mocha = \"coffee\" x\nMocha")));
    assert_eq!(
        lines,
        [
            "error: TOML syntax: duplicate key `Latte`",
            "error: TOML syntax: unexpected key or value, expected newline, `#`"
        ]
    );
}

/// A key of too many dotted parts, in a key or a table header, is shown where it is
/// (toml gives no place for it).
#[test]
fn a_key_too_deep_is_located() {
    let deep = vec!["a"; 10_000].join(".");
    for (text, at) in [
        (format!("{TWO_STEPS}\n[narrative]\n{deep} = 1\n"), "bad.toml:15:1"),
        (format!("{TWO_STEPS}\n[{deep}]\n"), "bad.toml:14:1"),
    ] {
        let got = report(&text);
        let (lines, count) = messages(&got);
        assert_eq!(lines, ["error: TOML syntax: a key with more than 80 dotted parts"]);
        assert_eq!(count, "error: bad.toml has 1 problem");
        assert!(got.contains(at), "not at {at}: {}", &got[..400]);
    }
    // 80 parts are toml's limit: the scenario's checks say what is wrong with them.
    let (lines, _) =
        messages(&report(&format!("{TWO_STEPS}\n[narrative]\n{} = 1\n", vec!["a"; 80].join("."))));
    assert_eq!(lines, ["error: unknown field `a` in [narrative]"]);
}

mod syntax_errors_are_certain {
    use async_cafe::builtin::BUILTINS;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Deleting one character of a built-in gives at most one TOML syntax error
        /// that is not a duplicate key.
        #[test]
        fn one_deleted_character(which in 0..BUILTINS.len(), at in any::<prop::sample::Index>()) {
            let mut text = BUILTINS[which].toml.to_string();
            let mut i = at.index(text.len());
            while !text.is_char_boundary(i) { i -= 1; }
            text.remove(i);
            if let Err(e) = async_cafe::scenario::load_str("fuzz", &text) {
                let syntax = e.problems.iter().filter(|p| p.message.starts_with("TOML syntax") && !p.message.contains("duplicate key"));
                prop_assert!(syntax.count() <= 1, "{}", e.render());
            }
        }
    }
}

/// Files that are not UTF-8 (saved as Latin-1, say) are reported at each line where
/// they are not, the scenario's or a replayed day's.
#[test]
fn text_that_is_not_utf8_is_located() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let render = |toml: &[u8], csv: &[u8]| {
        std::fs::write(dir.join("bad.toml"), toml).unwrap();
        std::fs::write(dir.join("day.csv"), csv).unwrap();
        let err = scenario::load_file(&dir.join("bad.toml")).unwrap_err();
        err.render().replace(&format!("{}/", dir.display()), "")
    };
    let good = "[recipes.coffee]\nsteps = [{ name = \"brew\", kind = \"unattended\", duration = 5 }]\n\
                [menu]\nLatte = \"coffee\"\n[customers]\nreplay = \"day.csv\"\n";
    let toml = good
        .replace("[menu]", "[narrative]\nserved = \"Caf\u{e9} \u{e9}\u{e9}!\"\n[menu]")
        .replace('\u{e9}', "\u{1}");
    let toml: Vec<u8> = toml.bytes().map(|b| if b == 1 { 0xE9 } else { b }).collect();
    assert_report(
        &render(&toml, b"arrival,item\n0,Latte\n"),
        r#"error: not UTF-8 text: byte 0xE9 is not part of a character
  ┌─ bad.toml:4:14
  │
4 │ served = "Caf� ��!"
  │              ^ not UTF-8
  │
  = help: save the scenario as UTF-8 text

error: bad.toml has 1 problem
"#,
    );
    assert_report(
        &render(good.as_bytes(), b"arrival,item\n0,Latte\n1,Caf\xC3\x28\n2,\xFFLatte\xFF\n"),
        r#"error: not UTF-8 text: byte 0xC3 is not part of a character
  ┌─ day.csv:3:6
  │
3 │ 1,Caf�(
  │      ^ not UTF-8
  │
  = help: save the CSV file as UTF-8 text

error: not UTF-8 text: byte 0xFF is not part of a character
  ┌─ day.csv:4:3
  │
4 │ 2,�Latte�
  │   ^ not UTF-8
  │
  = help: save the CSV file as UTF-8 text

error: bad.toml has 2 problems
"#,
    );
}
