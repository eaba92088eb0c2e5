//! The HTML report: one bar per span, escaped names, nothing fetched from outside,
//! both kitchens in a comparison, and a bounded size for a long day.

mod common;

use async_cafe::builtin::BUILTINS;
use async_cafe::engine::Mode;
use async_cafe::model::Scenario;
use async_cafe::ops::{self, ClockKind, RunSpec, Want};
use async_cafe::view::html_report::{self, MAX_ORDER_LANES, ReportRun};
use common::{load_as, load_builtin};

fn collect(sc: &Scenario, mode: Mode) -> ReportRun {
    ops::report_run(sc, mode, sc.seed).unwrap()
}

fn spans(run: &ReportRun) -> usize {
    run.trace.lanes.iter().map(|l| l.spans.len()).sum()
}

/// Bars of the timelines (`class="bar"` exactly: bar labels are `bar-label`).
fn bars(html: &str) -> usize {
    html.matches(r#"class="bar""#).count()
}

/// Every way a page could pull in something from elsewhere.
fn assert_self_contained(html: &str) {
    for needle in [
        "http://", "https://", "//cdn", "src=", "href=", "<link", "@import", "url(", "<script", "<img",
        "<iframe",
    ] {
        assert!(!html.contains(needle), "the report contains {needle:?}");
    }
}

fn tricky() -> Scenario {
    let toml = r#"
summary = "Tags <b>bold</b> & \"quotes\" 'too'"
[kitchen]
cooks = 2
equipment = { "<oven&>\"" = 1 }
[recipes.shot]
steps = [
    { name = "<pull & \"push\">", kind = "unattended", duration = 2, uses = "<oven&>\"" },
    { name = "<tamp>", kind = "hands-on", duration = 1, after = [] },
]
[menu]
"<Shot & 'co'>" = "shot"
[customers]
list = [{ item = "<Shot & 'co'>" }, { item = "<Shot & 'co'>" }, { item = "<Shot & 'co'>" }]
"#;
    async_cafe::scenario::Source::new("x<y&z>\"w", toml).display("x.toml").load().unwrap()
}

/// 5,000 random customers for two cooks, a grinder and an espresso machine.
fn long_day() -> Scenario {
    let toml = r#"
summary = "5,000 customers, two cooks, one espresso machine and two grinders"
[kitchen]
cooks = 2
equipment = { espresso = 1, grinder = 2 }
[recipes.flat_white]
steps = [
    { name = "grind", kind = "hands-on", duration = { dist = "uniform", min = 0.2, max = 0.6 }, uses = "grinder" },
    { name = "pull shot", kind = "unattended", duration = { dist = "uniform", min = 0.8, max = 1.4 }, uses = "espresso", after = ["grind"] },
    { name = "steam milk", kind = "hands-on", duration = 0.5, after = [] },
    { name = "pour", kind = "hands-on", duration = 0.25, after = ["pull shot", "steam milk"] },
]
[menu]
"Flat White" = "flat_white"
[customers.generate]
count = 5000
interarrival = { dist = "uniform", min = 0.5, max = 2.5 }
"#;
    load_as("long-day", toml)
}

#[test]
fn the_cafe_has_one_bar_per_span() {
    let cafe = load_builtin("cafe");
    for mode in [Mode::Sync, Mode::Async] {
        let run = collect(&cafe, mode);
        let want = spans(&run);
        assert!(want > 0);
        let html = html_report::html(&cafe, &[run]);
        assert_eq!(bars(&html), want, "{mode:?}");
        // Each bar says what it is and when, on hover.
        assert_eq!(html.matches("<title>brew (order #").count(), want, "{mode:?}");
        assert!(html.contains(r#"data-activity="unattended""#));
    }
    // The synchronous cook stands by through both brews.
    let html = html_report::html(&cafe, &[collect(&cafe, Mode::Sync)]);
    assert_eq!(html.matches(r#"data-activity="standing-by""#).count(), 2);
    assert!(html.contains("brew (order #2, Mocha)\nstanding by: 5 – 10 s (5 s)"), "{html}");
    // The second order waits 5 s before its brew: its lane shows it in the kitchen
    // from its arrival, behind the bar.
    assert!(html.contains("#2 Mocha\narrived at 0 s, served at 10 s: 10 s in the café"));
    assert_eq!(html.matches(r#"<rect class="life""#).count(), 2);
    // Time in system, from arrival to served, as the statistics count it.
    assert!(html.contains("<h4>Served orders by time in system</h4>"));
    assert!(html.contains("2 served orders, in bins of 0.5 s: each order"));
    // Nobody leaves the café: no chart of who left, and nothing left out.
    assert!(!html.contains("Customers who left") && !html.contains("Not counted"));
}

#[test]
fn every_builtin_renders_in_both_modes() {
    for b in BUILTINS {
        let sc = b.load().unwrap();
        let runs = [collect(&sc, Mode::Sync), collect(&sc, Mode::Async)];
        let want: usize = runs.iter().map(spans).sum();
        let html = html_report::html(&sc, &runs);
        assert_eq!(bars(&html), want, "{}", b.name);
        assert_self_contained(&html);
        assert!(html.starts_with("<!doctype html>"), "{}", b.name);
        assert!(html.trim_end().ends_with("</html>"), "{}", b.name);
    }
}

#[test]
fn scenario_strings_are_escaped() {
    let sc = tricky();
    let runs = [collect(&sc, Mode::Sync), collect(&sc, Mode::Async)];
    let html = html_report::html(&sc, &runs);
    for raw in ["x<y&z>\"w", "<b>bold</b>", "<oven&>\"", "<pull & \"push\">", "<tamp>", "<Shot & 'co'>"] {
        assert!(!html.contains(raw), "{raw:?} is not escaped");
    }
    for escaped in [
        "x&lt;y&amp;z&gt;",  // the name, in the title and the heading
        "&lt;b&gt;bold&lt;", // the summary
        "&lt;oven&amp;&gt;", // equipment: lane labels, tables, hover text
        "&lt;tamp&gt;",      // a step, in hover text and bar labels
        "&lt;Shot &amp; ",   // an item, in order lanes and hover text
    ] {
        assert!(html.contains(escaped), "{escaped:?} is missing");
    }
    assert_eq!(bars(&html), runs.iter().map(spans).sum::<usize>());
    assert_self_contained(&html);
}

#[test]
fn the_report_needs_nothing_from_outside() {
    let lunch = load_builtin("lunch");
    assert_self_contained(&html_report::html(&lunch, &[collect(&lunch, Mode::Async)]));
    let cafe = load_builtin("cafe");
    assert_self_contained(&html_report::html(
        &cafe,
        &[collect(&cafe, Mode::Sync), collect(&cafe, Mode::Async)],
    ));
}

#[test]
fn a_comparison_shows_both_kitchens_on_one_scale() {
    let lunch = load_builtin("lunch");
    let html = html_report::html(&lunch, &[collect(&lunch, Mode::Sync), collect(&lunch, Mode::Async)]);
    let sync = html.find(r#"<section class="run" id="run-sync">"#).expect("a synchronous section");
    let async_ = html.find(r#"<section class="run" id="run-async">"#).expect("an asynchronous section");
    assert!(sync < async_, "synchronous first");
    assert!(html[sync..async_].contains("<h2>Synchronous kitchen"));
    assert!(html[async_..].contains("<h2>Asynchronous kitchen"));
    assert!(html.contains("Synchronous and Asynchronous"), "the title names both modes");
    // 15 min against 10.
    assert!(html.contains("1.50×"), "the speedup");
    // One scale: every timeline runs to 15 min (its last tick, 14, at the same
    // place), and the asynchronous kitchen's marks where it is done.
    let axis_end = r#"<text class="tick" x="1013.2" y="20">14</text>"#;
    assert_eq!(html.matches(axis_end).count(), 4, "two kitchen and two order timelines up to 14 min");
    assert!(html[async_..].contains("done at 10 min"));
    assert!(!html[sync..async_].contains("done at"));
    // Charts for each: the histogram and the cooks (nothing ever queues at lunch).
    assert_eq!(html.matches(r#"class="chart" role="img""#).count(), 4);
    assert!(html.contains("No step ever waited for equipment in this run."));
}

#[test]
fn a_single_run_names_its_mode() {
    let lunch = load_builtin("lunch");
    let html = html_report::html(&lunch, &[collect(&lunch, Mode::Async)]);
    assert!(html.contains("<title>lunch · Asynchronous · Async Café report</title>"));
    assert!(html.contains("Pasta (10 min), meatloaf (3 min, microwave)"));
    assert!(!html.contains("run-sync"));
    assert!(html.contains("time (min)"));
    // The statistics, in minutes: 10 in total, the cook 2 minutes hands-on.
    assert!(html.contains("<td>2.00<span class=\"pct\">20.0%</span></td>"), "{html}");
    assert!(html.contains("<td>stove (4)</td>"));
    assert!(html.contains("<td>25.0%</td>"));
}

#[test]
fn a_trace_without_order_lanes_says_what_is_missing() {
    let lunch = load_builtin("lunch");
    let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: lunch.seed };
    let want = Want { trace: true, stats: true, ..Want::default() };
    let ran = ops::run(&lunch, spec, want, &mut std::io::sink()).unwrap();
    let run = ReportRun {
        mode: Mode::Async,
        policy: None,
        trace: ran.trace.unwrap(),
        stats: ran.stats.unwrap(),
        why: Vec::new(),
        event_loop: None,
    };
    let want = spans(&run);
    let html = html_report::html(&lunch, &[run]);
    assert_eq!(bars(&html), want);
    assert!(html.contains("This trace has no order lanes"));
    assert!(html.contains("No order lanes in this trace, so no per-order times to show."));
}

#[test]
fn a_long_day_stays_a_reasonable_size() {
    let sc = long_day();
    let runs = [collect(&sc, Mode::Sync), collect(&sc, Mode::Async)];
    for run in &runs {
        assert_eq!(run.stats.served, 5000);
        assert!(spans(run) > 20_000, "a busy trace: {}", spans(run));
    }
    let compare = html_report::html(&sc, &runs);
    assert_self_contained(&compare);
    assert!(compare.len() < 2_500_000, "the comparison is {} bytes", compare.len());
    assert!(bars(&compare) < 6_000, "{} bars", bars(&compare));
    for run in runs {
        let mode = run.mode;
        let html = html_report::html(&sc, &[run]);
        assert!(html.len() < 1_500_000, "{mode:?}: {} bytes", html.len());
        assert!(html.contains(&format!("Orders: the first {MAX_ORDER_LANES} of 5000")));
        assert!(html.contains("drawn in stretches of 2 pixels"), "{mode:?}");
        // The charts count every order.
        assert!(html.contains("5000 served orders, in bins of"));
    }
}

#[test]
fn customers_who_left_or_balked_are_counted_on_the_page() {
    let sc = load_builtin("rush-hour");
    let run = collect(&sc, Mode::Async);
    let (left, balked) = (run.stats.left, run.stats.balked);
    assert!(left > 0, "the rush hour loses customers");
    let html = html_report::html(&sc, &[run]);
    assert!(
        html.contains(&format!(
            r#"<span class="v">{left}</span><span class="k">left, tired of waiting</span>"#
        ))
    );
    assert!(html.contains(&format!(r#"<span class="v">{balked}</span><span class="k">did not join</span>"#)));
    // Nobody leaves the café: no such cards.
    let cafe = load_builtin("cafe");
    assert!(!html_report::html(&cafe, &[collect(&cafe, Mode::Async)]).contains("tired of waiting"));
}

#[test]
fn a_policy_comparison_names_each_policy() {
    let sc = load_builtin("bakery");
    let cmp =
        ops::compare_policies(&sc, &async_cafe::model::Policy::ALL, &ops::CompareOptions::default()).unwrap();
    let runs: Vec<ReportRun> = cmp
        .sides
        .iter()
        .map(|s| ReportRun {
            mode: s.mode,
            policy: Some(s.policy),
            trace: s.trace.clone(),
            stats: s.stats.clone(),
            why: Vec::new(),
            event_loop: None,
        })
        .collect();
    let html = html_report::html(&sc, &runs);
    assert!(html.contains("· Asynchronous · policies fifo, unattended-first and longest-chain</span></h1>"));
    for p in ["fifo", "unattended-first", "longest-chain"] {
        assert!(html.contains(&format!("<h2>Asynchronous kitchen, policy {p}<")), "{p}");
        assert!(html.contains(&format!(r#"id="run-async-{p}""#)), "{p}");
    }
    assert_self_contained(&html);
}

/// A day generated until a time has no count of customers in the scenario: the header
/// says how many came and until when (it used to say "None customers").
#[test]
fn the_header_of_a_day_generated_until_a_time_says_who_came() {
    let toml = r#"
unit = "min"
[recipes.c]
steps = [{ name = "brew", kind = "hands-on", duration = 1 }]
[menu]
C = "c"
[customers.generate]
until = 30
interarrival = { dist = "exponential", mean = 2 }
"#;
    let sc = load_as("until", toml);
    let runs = [collect(&sc, Mode::Sync), collect(&sc, Mode::Async)];
    let came = runs[0].stats.served + runs[0].stats.left + runs[0].stats.balked;
    assert!(came > 1);
    let html = html_report::html(&sc, &runs);
    assert!(html.contains(&format!("<li>{came} customers arriving until 30 min</li>")), "{}", &html[..4000]);
    assert!(!html.contains("None"));
    // A known count is said as before.
    let html = html_report::html(&load_builtin("cafe"), &[collect(&load_builtin("cafe"), Mode::Async)]);
    assert!(html.contains("<li>2 customers</li>"), "{}", &html[..4000]);
}

/// Issue 17: the histogram of time in system counted the customers who left (bars to
/// 20 min under a table whose maximum was 13.49) under a caption that said "arrival
/// to being served". Served orders only now, and who left in a chart of their own.
#[test]
fn who_left_is_charted_apart_from_the_time_in_system() {
    let sc = load_builtin("rush-hour");
    let run = collect(&sc, Mode::Async);
    let (served, left) = (run.stats.served, run.stats.left);
    let html = html_report::html(&sc, &[run]);
    let served_chart = chart(&html, "Served orders by time in system");
    assert!(served_chart.contains(&format!(
        "<figcaption>{served} served orders, in bins of 1 min: each order&#x27;s time from its customer&#x27;s arrival to being served (the time in system of the statistics). Not counted: {left} customers who left before being served (in the next chart).</figcaption>"
    )), "{served_chart}");
    // Its axis ends at the served orders' longest time (13.49 min), not at 20.
    let tick = |t: u32| format!(">\n{t}\n</text>");
    assert!(served_chart.contains(&tick(14)) && !served_chart.contains(&tick(16)), "{served_chart}");
    let left_chart = chart(&html, "Customers who left, by time before leaving");
    assert!(left_chart.contains(&format!("<figcaption>{left} customers who left before being served, in bins of 1 min: each one&#x27;s time from arrival to leaving, when their patience ran out.")), "{left_chart}");
    assert!(left_chart.contains(&tick(20)), "{left_chart}");
    // The order lanes say how each customer's time in the café ended.
    assert!(html.contains(", left unserved at "));
    assert!(html.contains("(order lanes: from the customer's arrival to served, or to leaving unserved)"));
}

/// The chart titled `title` of a report: from its heading to the end of its figure.
fn chart<'h>(html: &'h str, title: &str) -> &'h str {
    let start = html.find(&format!("<h4>{title}</h4>")).unwrap_or_else(|| panic!("no chart {title:?}"));
    let end = start + html[start..].find("</figure>").expect("a figure ends");
    &html[start..end]
}

/// Two customers at once with a patience of 3 min and 2 min brews: the asynchronous
/// kitchen brews both at once, the synchronous one makes the second wait past it.
fn impatient() -> Scenario {
    let toml = r#"
unit = "min"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 2 }]
[menu]
coffee = "coffee"
[customers]
patience = 3
list = [{ item = "coffee" }, { item = "coffee" }]
"#;
    load_as("impatient", toml)
}

#[test]
fn a_comparison_shows_who_left_in_each_kitchen() {
    let sc = impatient();
    let runs = [collect(&sc, Mode::Sync), collect(&sc, Mode::Async)];
    assert_eq!((runs[0].stats.left, runs[1].stats.left), (1, 0));
    let html = html_report::html(&sc, &runs);
    assert_eq!(html.matches("<h4>Customers who left, by time before leaving</h4>").count(), 2);
    assert!(html.contains("<figcaption>1 customer who left before being served, in bins of"), "{html}");
    assert!(html.contains("the cook, between steps, found their patience had run out"));
    assert!(html.contains("<figcaption>No customer left before being served in this run.</figcaption>"));
}

/// Statistics of no order are a dash, not 0.00 (issue 17), in the report as in the
/// text.
#[test]
fn a_day_where_everyone_left_shows_dashes_not_zeros() {
    let toml = r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]
[menu]
coffee = "coffee"
[customers]
patience = 1
list = [{ item = "coffee" }, { item = "coffee" }]
"#;
    let sc = load_as("nobody-served", toml);
    let run = collect(&sc, Mode::Async);
    assert_eq!((run.stats.served, run.stats.left), (0, 2));
    let html = html_report::html(&sc, &[run]);
    for label in ["wait", "time in system", "longest chain", "above the chain"] {
        assert!(
            html.contains(&format!("<tr><td>{label}</td><td>–</td><td>–</td><td>–</td><td>–</td></tr>")),
            "{label}"
        );
    }
    assert!(html.contains(r#"<span class="v">–</span><span class="k">mean time in system</span>"#));
    assert!(html.contains("<figcaption>No order was served. Not counted: 2 customers who left before being served (in the next chart).</figcaption>"));
}

/// `cafe compare --policy a,b,c --report` says which policy wins, as the text does.
#[test]
fn a_policy_comparison_says_which_policy_wins() {
    let report = |name: &str, policies: &[async_cafe::model::Policy]| {
        let sc = load_builtin(name);
        html_report::html(
            &sc,
            &ops::compare_policies(
                &sc,
                policies,
                &ops::CompareOptions { order_lanes: true, ..Default::default() },
            )
            .unwrap()
            .report_runs(),
        )
    };
    use async_cafe::model::Policy::{Fifo, LongestChain, UnattendedFirst};
    let html = report("bakery", &[Fifo, UnattendedFirst, LongestChain]);
    assert!(
        html.contains(r#"<p class="verdict">Fastest: longest-chain (18.00 min), 1.17× as fast as fifo.</p>"#)
    );
    // A row per policy, the best of each column marked where they differ.
    assert!(html.contains(
        r#"<tr><td>longest-chain</td><td class="best">18.00</td><td>3</td><td>9.67</td><td class="best">18.00</td><td class="best">1.17×</td></tr>"#
    ), "{}", &html[..8000]);
    assert!(html.contains(
        r#"<tr><td>fifo</td><td>21.00</td><td>3</td><td>11.00</td><td>21.00</td><td>1.00×</td></tr>"#
    ));
    // When customers are lost, who serves the most comes first; times that print
    // alike are not told apart.
    let html = report("rush-hour", &[Fifo, LongestChain, UnattendedFirst]);
    assert!(html.contains(r#"<p class="verdict">Most customers served: unattended-first (159 of 178). Every policy takes about as long: 176.20 to 176.28 min.</p>"#), "{}", &html[..8000]);
    assert!(!html.contains(r#"<td class="best">1.00×</td>"#));
    // Two policies that tie.
    let html = report("bakery", &[Fifo, UnattendedFirst]);
    assert!(html.contains(r#"<p class="verdict">Every policy takes 21.00 min.</p>"#));
    // A comparison of the two kitchens has no such summary.
    let cafe = load_builtin("cafe");
    let html = html_report::html(
        &cafe,
        &ops::compare(&cafe, &ops::CompareOptions { order_lanes: true, ..Default::default() })
            .unwrap()
            .report_runs(),
    );
    assert!(!html.contains(r#"class="policy-summary""#));
}

#[test]
fn a_small_asynchronous_run_shows_its_event_loop_and_why_its_orders_waited() {
    let lunch = load_builtin("lunch");
    let run = collect(&lunch, Mode::Async);
    let passes = run.event_loop.as_ref().expect("lunch is small enough for the loop panel");
    // The same passes as `cafe run --loop`, the closing sentences apart.
    let mut text = Vec::new();
    let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: lunch.seed };
    ops::run(&lunch, spec, Want { event_loop: true, ..Want::default() }, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.starts_with(passes.as_str()), "the panel holds the loop view's passes");
    assert!(passes.contains("pass 13 · 10.000 min") && !passes.contains("why the orders"));
    assert_eq!(
        run.why,
        [
            "No served order took longer than its recipe: each was served in the time of its longest chain of steps."
        ]
    );
    let html = html_report::html(&lunch, &[run]);
    assert!(html.contains("<details class=\"loop\">"));
    assert!(html.contains("⏸ order 1 · step avocado is hands-on: holds the loop until 2.000 min"));
    assert!(html.contains("<h3>Why the orders waited</h3>"));
    assert_self_contained(&html);

    // The synchronous kitchen has no loop, but its orders' waits are explained; a
    // busy day is too long for the panel, and its waits are explained too.
    let sync = collect(&lunch, Mode::Sync);
    assert!(sync.event_loop.is_none());
    // The synchronous cook does one step at a time: the meatloaf and the avocado
    // wait for the cook while the pasta cooks.
    assert_eq!(
        sync.why,
        ["Order 1 took 15 min, 5 min more than its longest chain of steps (10 min); along the steps that \
             decided when it was served, it waited 13 min for a cook."]
    );
    // Rush hour with a busier last hour: about 300 customers.
    let text = async_cafe::builtin::find("rush-hour").unwrap().toml;
    let day = load_as("busy", &text.replace("{ until = 180, rate = 0.8 }", "{ until = 180, rate = 3.0 }"));
    let busy = collect(&day, Mode::Async);
    assert!(busy.event_loop.is_none());
    assert_eq!(busy.why.len(), 3, "the three orders that took longest above their chain: {:?}", busy.why);
    assert!(busy.why.iter().all(|w| w.starts_with("Order ") && w.contains(" waited ")), "{:?}", busy.why);
    let html = html_report::html(&day, &[busy]);
    assert!(!html.contains("class=\"loop\"") && html.contains("<h3>Why the orders waited</h3>"));
}

#[test]
fn a_comparison_of_the_kitchens_says_why_their_totals_differ() {
    let lunch = load_builtin("lunch");
    let cmp = ops::compare(&lunch, &ops::CompareOptions { order_lanes: true, ..Default::default() }).unwrap();
    let html = cmp.report_html(&lunch);
    for reason in async_cafe::view::why::why(&cmp, &lunch) {
        assert!(html.contains(&format!("<li>{reason}</li>")), "{reason}");
    }
    assert!(html.contains("finished in 10 min instead of 15 min: 5 min sooner."));
    assert_self_contained(&html);
}
