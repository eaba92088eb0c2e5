//! The HTML report in a real browser: headless Chromium renders the `lunch` report,
//! a comparison of `cafe` and one of the dispatch policies of `rush-hour`; the
//! rendered DOM must hold every bar, the screenshot must show the page (and the bars'
//! colours), and the console must stay silent. The sweep's page too: its table must
//! sort when a header is clicked.
//!
//! Chromium is found through `CAFE_CHROMIUM`, or as `chromium` or `chromium-browser`
//! on the PATH. Without it these tests fail, unless `CAFE_SKIP_BROWSER=1`.
//!
//! Console errors: Chromium started with `--enable-logging=stderr --v=0` writes every
//! console message of the page (errors, uncaught exceptions, logs alike) to stderr as
//! a line with `:CONSOLE` in it. The report has no script (the sweep's page one,
//! to sort its table) and should never log anything, so any such line fails the test. `the_console_check_catches_errors`
//! proves the check works by injecting a `console.error` and an uncaught exception
//! into a copy of a report.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_cafe::engine::Mode;
use async_cafe::ops;
use async_cafe::view::html_report::{self, ReportRun};
use common::load_builtin;

const WINDOW: (u32, u32) = (1280, 2000);
const TIMEOUT: Duration = Duration::from_secs(60);

/// The browser, or `None` when the tests may be skipped.
fn chromium() -> Option<PathBuf> {
    let skip = std::env::var("CAFE_SKIP_BROWSER").is_ok_and(|v| v == "1");
    if let Some(p) = std::env::var_os("CAFE_CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(p.is_file() || skip, "CAFE_CHROMIUM={} is not a file", p.display());
        return p.is_file().then_some(p);
    }
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            skip,
            "Chromium is needed for the browser tests of the HTML report and was not found: \
             install it (Debian: apt-get install chromium), point CAFE_CHROMIUM at it, \
             or set CAFE_SKIP_BROWSER=1 to skip these tests"
        );
        // Straight to stderr, past the test harness's capture, so that it shows.
        let _ = writeln!(std::io::stderr(), "report_browser: skipped (CAFE_SKIP_BROWSER=1 and no Chromium)");
    }
    found
}

/// A fresh directory for one test, under the target directory as before, removed
/// when it is dropped.
fn scratch(name: &str) -> tempfile::TempDir {
    let prefix = format!("report-browser-{name}-");
    tempfile::Builder::new().prefix(&prefix).tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

struct Ran {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `page` with `action` (such as `--dump-dom`), with its own
/// profile so that tests can run at once, killing it if it hangs.
fn browse(chromium: &Path, dir: &Path, page: &Path, action: &str) -> Ran {
    static N: AtomicUsize = AtomicUsize::new(0);
    let profile = dir.join(format!("profile-{}", N.fetch_add(1, Ordering::Relaxed)));
    let (out, err) = (dir.join("chromium.out"), dir.join("chromium.err"));
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
        .arg(action)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium took more than {TIMEOUT:?} on {action}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let ran = Ran {
        stdout: std::fs::read_to_string(&out).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err).unwrap_or_default(),
    };
    let _ = std::fs::remove_dir_all(&profile);
    assert!(status.success(), "Chromium {action} failed ({status}):\n{}", ran.stderr);
    ran
}

/// What the page said on the console: every line Chromium logged for it.
fn console_messages(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// The screenshot's pixels, as RGB(A) bytes, with its size.
fn decode(png_path: &Path) -> (u32, u32, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    (info.width, info.height, channels, buf)
}

fn hex(c: &str) -> [u8; 3] {
    let v = u32::from_str_radix(c.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// Renders `runs` of `name` in Chromium and checks the DOM, the screenshot and the
/// console.
fn check_in_browser(name: &str, runs: &[Mode], colours: &[(&str, &str)]) {
    let Some(_) = chromium() else { return };
    let sc = load_builtin(name);
    let runs: Vec<ReportRun> = runs.iter().map(|&m| ops::report_run(&sc, m, sc.seed).unwrap()).collect();
    check_runs_in_browser(name, &runs, colours, &[]);
}

/// Renders the report of `runs` of the built-in `name` in Chromium and checks the
/// DOM (which must also hold each of `texts`), the screenshot (in which each of
/// `colours` must cover at least 2,000 pixels) and the console.
fn check_runs_in_browser(name: &str, runs: &[ReportRun], colours: &[(&str, &str)], texts: &[&str]) {
    let Some(chromium) = chromium() else { return };
    let started = Instant::now();
    let sc = load_builtin(name);
    let spans: usize = runs.iter().flat_map(|r| &r.trace.lanes).map(|l| l.spans.len()).sum();
    let html = html_report::html(&sc, runs);
    let scratch = scratch(name);
    let dir = scratch.path();
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, &html).unwrap();

    // The DOM as rendered: every span is a bar, in its SVG.
    let dom = browse(&chromium, dir, &page, "--dump-dom");
    assert!(dom.stdout.contains("</html>"), "no DOM dumped:\n{}", dom.stderr);
    assert_eq!(dom.stdout.matches(r#"class="bar""#).count(), spans, "bars in the rendered DOM");
    assert_eq!(dom.stdout.matches(r#"<svg class="timeline""#).count(), 2 * runs.len());
    assert!(dom.stdout.contains(r#"class="chart""#));
    for text in texts {
        assert!(dom.stdout.contains(text), "{text:?} is not in the rendered DOM");
    }

    // The screenshot: the page is drawn, and the bars with it.
    let shot = dir.join(format!("{name}.png"));
    let screenshot = browse(&chromium, dir, &page, &format!("--screenshot={}", shot.display()));
    let (w, h, channels, pixels) = decode(&shot);
    assert_eq!((w, h), WINDOW);
    let px = |i: usize| &pixels[i * channels..i * channels + 3];
    // Ink: pixels neither white (the sections) nor the page's background (its
    // top-left corner): text, rules, bars and charts.
    let background = px(0).to_vec();
    let total = (w * h) as usize;
    let ink = (0..total).filter(|&i| px(i) != background.as_slice() && px(i) != [255, 255, 255]).count();
    assert!(ink * 100 >= total * 5, "a blank page? only {ink} of {total} pixels have ink");
    let near = |p: &[u8], c: [u8; 3]| p.iter().zip(c).all(|(&a, b)| a.abs_diff(b) <= 6);
    for (what, colour) in colours {
        let c = hex(colour);
        let n = (0..total).filter(|&i| near(px(i), c)).count();
        assert!(n >= 2_000, "{what} ({colour}) covers only {n} pixels of the screenshot");
    }

    // The console said nothing.
    let said: Vec<&str> =
        console_messages(&dom.stderr).into_iter().chain(console_messages(&screenshot.stderr)).collect();
    assert!(said.is_empty(), "the page wrote to the console:\n{}", said.join("\n"));
    eprintln!("{name}: {spans} bars, ink on {ink} of {total} pixels, checked in {:?}", started.elapsed());
}

#[test]
fn the_lunch_report_renders() {
    // Pasta and meatloaf are unattended (blue), the avocado hands-on (orange).
    check_in_browser("lunch", &[Mode::Async], &[("unattended", "#4e79a7"), ("hands-on", "#f28e2b")]);
}

#[test]
fn the_cafe_comparison_renders() {
    // The synchronous cook stands by (red) while both machines brew (blue).
    check_in_browser(
        "cafe",
        &[Mode::Sync, Mode::Async],
        &[("unattended", "#4e79a7"), ("standing by", "#e15759")],
    );
}

#[test]
fn the_rush_hour_policy_comparison_renders() {
    // The summary says who wins, its best cells in green; the charts of who left
    // are drawn apart from the served orders' times.
    use async_cafe::model::Policy::{Fifo, LongestChain, UnattendedFirst};
    let sc = load_builtin("rush-hour");
    let runs = ops::compare_policies(
        &sc,
        &[Fifo, LongestChain, UnattendedFirst],
        &ops::CompareOptions { order_lanes: true, ..Default::default() },
    )
    .unwrap()
    .report_runs();
    check_runs_in_browser(
        "rush-hour",
        &runs,
        &[("unattended", "#4e79a7"), ("the best of each column", "#e8f3ea")],
        &[
            "Most customers served: unattended-first (159 of 178).",
            "<h4>Served orders by time in system</h4>",
            "<h4>Customers who left, by time before leaving</h4>",
        ],
    );
}

/// The console check is only worth something if it catches errors: a copy of a
/// report with a `console.error` and an uncaught exception must be caught.
#[test]
fn the_console_check_catches_errors() {
    let Some(chromium) = chromium() else { return };
    let sc = load_builtin("cafe");
    let html = html_report::html(&sc, &[ops::report_run(&sc, Mode::Async, sc.seed).unwrap()]);
    let broken = html.replacen(
        "</body>",
        "<script>console.error('cafe-selfcheck-error'); notAFunction();</script></body>",
        1,
    );
    let scratch = scratch("selfcheck");
    let dir = scratch.path();
    let page = dir.join("broken.html");
    std::fs::write(&page, broken).unwrap();
    let ran = browse(&chromium, dir, &page, "--dump-dom");
    let said = console_messages(&ran.stderr);
    assert!(
        said.iter().any(|l| l.contains("cafe-selfcheck-error")),
        "console.error not caught:\n{}",
        ran.stderr
    );
    assert!(
        said.iter().any(|l| l.contains("notAFunction")),
        "uncaught exception not caught:\n{}",
        ran.stderr
    );
}

/// The sweep's page in a browser: its table sorts when a header is clicked (its
/// script is the only one, inline), the chosen configuration stays highlighted
/// wherever it goes, and the console stays silent. A script added after the page's
/// clicks the cost header twice (descending), then the rate's, and writes the
/// orders it sees into the DOM for the dump.
#[test]
fn the_sweep_page_sorts_its_table_when_a_header_is_clicked() {
    let Some(chromium) = chromium() else { return };
    use async_cafe::ops::Batch;
    use async_cafe::sweep;
    let sc = load_builtin("rush-hour");
    let varies = [
        sweep::parse_vary("cooks=1..4", &sc).unwrap(),
        sweep::parse_vary("equipment.espresso_machine=1..2", &sc).unwrap(),
    ];
    let s =
        ops::sweep(&sc, &varies, &Batch { seed: Some(7), replications: 4, threads: 1, ..Batch::default() })
            .unwrap();
    let targets = [
        sweep::parse_target("p95_time_in_system <= 6", &s.metrics).unwrap(),
        sweep::parse_target("left_share <= 0.05", &s.metrics).unwrap(),
    ];
    let html = sweep::html(&s, &targets);
    let probe = r#"<script>
const table = document.querySelector("table.sweep");
const heads = Array.from(table.tHead.rows[0].cells);
const col = name => heads.findIndex(th => th.textContent.replace(/\s/g, "") === name);
const order = c => Array.from(table.tBodies[0].rows).map(tr => tr.cells[c].textContent).join(",");
const cost = col("cost");
heads[cost].click();
const up = order(cost);
heads[cost].click();
const down = order(cost);
heads[col("left")].click();
const left = Array.from(table.tBodies[0].rows).map(tr => tr.cells[col("left")].dataset.v).join(",");
const best = table.querySelector("tr.best").cells[cost].textContent;
document.body.insertAdjacentHTML("beforeend",
  `<p id="probe" data-up="${up}" data-down="${down}" data-left="${left}" data-best="${best}" data-sort="${heads[col("left")].getAttribute("aria-sort")}"></p>`);
</script></body>"#;
    let probed = html.replacen("</body>", probe, 1);
    let scratch = scratch("sweep");
    let dir = scratch.path();
    let (page, probed_page) = (dir.join("sweep.html"), dir.join("probed.html"));
    std::fs::write(&page, &html).unwrap();
    std::fs::write(&probed_page, &probed).unwrap();

    // As it is: the table is drawn and nothing is said on the console.
    let plain = browse(&chromium, dir, &page, "--dump-dom");
    assert!(plain.stdout.contains(r#"<table class="sweep">"#), "no table:\n{}", plain.stderr);
    let said = console_messages(&plain.stderr);
    assert!(said.is_empty(), "the page wrote to the console:\n{}", said.join("\n"));

    // Clicked: the rows follow the column, ascending then descending.
    let ran = browse(&chromium, dir, &probed_page, "--dump-dom");
    let said = console_messages(&ran.stderr);
    assert!(said.is_empty(), "the page wrote to the console:\n{}", said.join("\n"));
    // The probe's paragraph, not the script's source that writes it.
    let at = ran.stdout.rfind(r#"<p id="probe""#).unwrap_or_else(|| panic!("no probe in\n{}", ran.stdout));
    let probe = &ran.stdout[at..];
    let attr = |name: &str| {
        let key = format!("data-{name}=\"");
        let from = probe.find(&key).unwrap() + key.len();
        probe[from..].split('"').next().unwrap().to_string()
    };
    let costs = |list: String| -> Vec<f64> {
        list.split(',').map(|c| c.parse().unwrap_or_else(|_| panic!("{list}"))).collect()
    };
    let mut sorted: Vec<f64> = s.rows.iter().map(|r| r.cost).collect();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(costs(attr("up")), sorted);
    sorted.reverse();
    assert_eq!(costs(attr("down")), sorted);
    let left = costs(attr("left"));
    assert!(left.windows(2).all(|w| w[0] <= w[1]), "left share ascending: {left:?}");
    assert_eq!(attr("sort"), "ascending");
    // The chosen configuration is still highlighted after the sorts.
    let best = sweep::answers_all(&s, &targets)[0].best.expect("a kitchen meets both targets");
    assert_eq!(attr("best"), format!("{}", s.rows[best].cost));
}
