//! The Python program a scenario behaves like: the canonical program of
//! `CANONICAL.md` (asynchronous or synchronous kitchen, with the patience and balking
//! of `docs/scenario-format.md`), with the scenario's orders as data and its own
//! narrative lines, runnable under CPython 3.11 with no packages.
//!
//! The program prints the narrative in real time, scaled by the scenario's speed;
//! `python3 PROGRAM.py --virtual` runs it at once on a virtual-time event loop (a
//! `SelectorEventLoop` whose clock jumps to the next timer, timers due at the same
//! instant firing in the order they were armed, `time.sleep` moving the clock without
//! letting the loop run), and prints exactly what `cafe run --clock virtual` prints.
//!
//! A pure function of the scenario: [`program`] draws the orders (with the seed it
//! is given) and writes the text; it runs nothing.

use std::fmt::{self, Write as _};

use crate::model::{Mode, Policy, Scenario, StepIx, StepKind};
use crate::orders::{Order, OrderSource};
use crate::template::{
    Lines, NumFormat, Piece, Var, format_number, insert_article, python_list, python_repr,
};
use crate::time::Ticks;

/// Why a scenario has no canonical Python program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uncovered {
    /// What the canonical programs do not cover, and why.
    pub reason: String,
}

impl fmt::Display for Uncovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Uncovered {}

/// Whether `sc` run in the `mode` kitchen is one the canonical programs cover: one
/// cook (one event loop) serving ready work first in, first out, as asyncio does.
pub fn covered(sc: &Scenario, mode: Mode) -> Result<(), Uncovered> {
    let cooks = sc.kitchen.cooks;
    if cooks != 1 {
        return Err(Uncovered {
            reason: format!(
                "{} has {cooks} cooks: the canonical Python program has one cook, one event loop \
                 (several cooks share one ready queue, which no single asyncio loop does; see CANONICAL.md)",
                sc.name
            ),
        });
    }
    if mode == Mode::Async && sc.kitchen.policy != Policy::Fifo {
        return Err(Uncovered {
            reason: format!(
                "{} dispatches ready work by the policy {}: asyncio's loop runs it first in, first out \
                 (only policy = \"fifo\" has a Python program)",
                sc.name,
                sc.kitchen.policy.name()
            ),
        });
    }
    Ok(())
}

/// The most orders a program lists: it holds every order as data (some 250 bytes
/// each, so 25 MB of Python here), and CPython would take many minutes to run more.
pub const MAX_PROGRAM_ORDERS: usize = 100_000;

/// The Python program `sc` behaves like in the `mode` kitchen, its customers drawn
/// from `seed`; an error when the canonical programs do not cover it ([`covered`]),
/// or it would list more than [`MAX_PROGRAM_ORDERS`] orders.
pub fn program(sc: &Scenario, mode: Mode, seed: u64) -> Result<String, Uncovered> {
    covered(sc, mode)?;
    let mut orders = Vec::new();
    let mut source = OrderSource::new(sc, seed);
    let mut order = Order::default();
    while source.next_into(&mut order) {
        if orders.len() == MAX_PROGRAM_ORDERS {
            return Err(Uncovered {
                reason: format!(
                    "{} lets in more than {} customers: the Python program lists every order as data, and would be too large to read or run; show a shorter day (`count` or `until`)",
                    sc.name,
                    crate::time::thousands(MAX_PROGRAM_ORDERS as u64)
                ),
            });
        }
        orders.push(order.clone());
    }
    let w = Writer { sc, mode, orders: &orders };
    let mut out = String::new();
    w.head(&mut out, seed);
    w.data(&mut out);
    out.push_str(COMMON);
    out.push_str(match mode {
        Mode::Async => ASYNC_BODY,
        Mode::Sync => SYNC_BODY,
    });
    Ok(out)
}

struct Writer<'a> {
    sc: &'a Scenario,
    mode: Mode,
    orders: &'a [Order],
}

/// A moment a line can be about: an order, and a step of it.
#[derive(Clone, Copy)]
struct About<'a> {
    order: Option<&'a Order>,
    step: Option<usize>,
    end: bool,
}

impl Writer<'_> {
    fn head(&self, out: &mut String, seed: u64) {
        let sc = self.sc;
        let kitchen = match self.mode {
            Mode::Async => "asynchronous kitchen: one cook, one asyncio event loop",
            Mode::Sync => "synchronous kitchen: one cook, one order at a time",
        };
        let _ = writeln!(out, "\"\"\"{}: {}", sc.name.replace('\\', "/").replace('"', "'"), kitchen);
        let _ = writeln!(
            out,
            "\nThe program this scenario behaves like (CANONICAL.md), written by\n\
             `cafe show {} --python{}{}`.\n\n\
             python3 THIS.py            prints the narrative in real time ({} scenario seconds a second)\n\
             python3 THIS.py --virtual  runs it at once on a virtual clock\n\"\"\"\n",
            sc.name.replace('\\', "/").replace('"', "'"),
            if self.mode == Mode::Sync { " --mode sync" } else { "" },
            if seed == sc.seed { String::new() } else { format!(" --seed {seed}") },
            crate::time::short(sc.speed),
        );
        if self.mode == Mode::Async {
            out.push_str("import asyncio\n");
        }
        out.push_str("import heapq\nimport sys\nimport time\n\n");
    }

    fn data(&self, out: &mut String) {
        let sc = self.sc;
        let unit = sc.unit;
        let _ =
            writeln!(out, "UNIT = {:?}  # the scenario's time unit; every time below is in it", unit.name());
        let _ =
            writeln!(out, "TICKS = {}  # nanoseconds in one unit: the engine's clock ticks", unit.ticks());
        let _ = writeln!(out, "SECONDS = {:?}  # seconds in one unit", unit.seconds());
        let _ = writeln!(out, "SPEED = {:?}  # scenario seconds per real second", sc.speed);
        out.push_str("EQUIPMENT = {");
        for (i, e) in sc.kitchen.equipment.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            python_repr(out, &e.name);
            let _ = write!(out, ": {}", e.capacity);
        }
        out.push_str("}\n");
        let _ = writeln!(out, "BALK = {}", sc.balk.map_or("None".to_string(), |k| k.to_string()));
        let n = &sc.narrative;
        let none = About { order: None, step: None, end: false };
        out.push_str("START_LINES = ");
        self.lines(out, &n.service_start, none);
        out.push_str("\nEND_LINES = ");
        self.lines(out, &n.service_end, About { end: true, ..none });
        out.push_str("\nORDERS = [\n");
        for o in self.orders {
            let recipe = sc.recipe_of(o.item);
            let at = About { order: Some(o), step: None, end: false };
            let _ = write!(
                out,
                "    {{\"id\": \"o{}\", \"arrival\": {}, \"patience\": {}, \"results\": ",
                o.id,
                self.time(o.arrival),
                o.patience.map_or("None".to_string(), |p| self.time(p)),
            );
            python_list(out, recipe.steps.iter().map(|s| s.result.as_deref()));
            out.push_str(",\n     \"lines\": {");
            let hooks = [
                ("arrival", recipe.on_arrival.as_ref().unwrap_or(&n.arrival)),
                ("served", recipe.on_served.as_ref().unwrap_or(&n.served)),
                ("left", &n.left),
                ("balked", &n.balked),
                ("between", if self.mode == Mode::Sync { &n.between } else { &Lines(vec![]) }),
            ];
            self.hooks(out, &hooks, at);
            out.push_str("},\n     \"steps\": [\n");
            for (i, s) in recipe.steps.iter().enumerate() {
                out.push_str("        {\"name\": ");
                python_repr(out, &s.name);
                let kind = if s.kind == StepKind::HandsOn { "hands-on" } else { "unattended" };
                let _ = write!(
                    out,
                    ", \"kind\": \"{kind}\", \"duration\": {}, \"after\": [",
                    self.time(o.durations[i])
                );
                for (j, &a) in s.after.iter().enumerate() {
                    if j > 0 {
                        out.push_str(", ");
                    }
                    python_repr(out, &recipe.steps[a as usize].name);
                }
                out.push_str("], \"uses\": ");
                match s.uses {
                    Some(e) => python_repr(out, &sc.kitchen.equipment[e as usize].name),
                    None => out.push_str("None"),
                }
                out.push_str(",\n         \"lines\": {");
                let at = About { step: Some(i), ..at };
                let hooks = [
                    ("start", s.on_start.as_ref().unwrap_or(&n.step_start)),
                    ("finish", s.on_finish.as_ref().unwrap_or(&n.step_finish)),
                ];
                self.hooks(out, &hooks, at);
                out.push_str("}},\n");
            }
            out.push_str("    ]},\n");
        }
        out.push_str("]\n");
    }

    /// A time in the scenario's unit, as a Python float that reads back as the ticks.
    fn time(&self, t: Ticks) -> String {
        format!("{:?}", self.sc.unit.from_ticks(t))
    }

    /// `"name": [lines], ...` for the hooks that print something.
    fn hooks(&self, out: &mut String, hooks: &[(&str, &Lines)], at: About<'_>) {
        let mut first = true;
        for (name, lines) in hooks {
            if lines.is_empty() {
                continue;
            }
            if !first {
                out.push_str(", ");
            }
            first = false;
            let _ = write!(out, "\"{name}\": ");
            self.lines(out, lines, at);
        }
    }

    /// Lines as a Python list of lists of pieces: a string is printed as it is; a
    /// tuple is filled in when the line is printed (`("time", 2)`: the time with 2
    /// decimals, `None` for the shortest form).
    fn lines(&self, out: &mut String, lines: &Lines, at: About<'_>) {
        out.push('[');
        for (i, template) in lines.0.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let mut pieces: Vec<String> = Vec::new();
            let mut text = String::new();
            let flush = |text: &mut String, pieces: &mut Vec<String>| {
                if !text.is_empty() {
                    let mut lit = String::new();
                    python_repr(&mut lit, text);
                    pieces.push(lit);
                    text.clear();
                }
            };
            for piece in &template.pieces {
                match piece {
                    Piece::Text(s) => text.push_str(s),
                    Piece::Article(var) => {
                        let start = text.len();
                        self.fixed(&mut text, *var, NumFormat::Shortest, at);
                        insert_article(&mut text, start);
                    }
                    Piece::Var(var, fmt) => match self.runtime(*var, *fmt, at) {
                        Some(p) => {
                            flush(&mut text, &mut pieces);
                            pieces.push(p);
                        }
                        None => self.fixed(&mut text, *var, *fmt, at),
                    },
                }
            }
            flush(&mut text, &mut pieces);
            let _ = write!(out, "[{}]", pieces.join(", "));
        }
        out.push(']');
    }

    /// A placeholder only known when the line is printed, as a Python tuple.
    fn runtime(&self, var: Var, fmt: NumFormat, at: About<'_>) -> Option<String> {
        let places = match fmt {
            NumFormat::Shortest => "None".to_string(),
            NumFormat::Fixed(n) => n.to_string(),
        };
        match var {
            Var::Time => Some(format!("(\"time\", {places})")),
            Var::Elapsed if at.end => Some(format!("(\"elapsed\", {places})")),
            Var::Customers if at.end && self.sc.customer_count().is_none() => Some("(\"served\",)".into()),
            Var::Results if at.end && at.order.is_none() => Some("(\"results\",)".into()),
            _ => None,
        }
    }

    /// A placeholder known in advance, as the narrative prints it.
    fn fixed(&self, out: &mut String, var: Var, fmt: NumFormat, at: About<'_>) {
        let sc = self.sc;
        let step = at.step.map(|s| s as StepIx);
        if crate::view::narrative::known_var(out, sc, self.mode, var, fmt, at.order, step) {
            return;
        }
        match var {
            Var::Customers => match sc.customer_count() {
                Some(n) => format_number(out, n as f64, NumFormat::Shortest),
                None => out.push('?'),
            },
            // Known in advance only where it is zero (outside the end of service).
            Var::Time | Var::Elapsed => format_number(out, 0.0, fmt),
            Var::Results => match at.order {
                Some(o) => python_list(out, sc.recipe_of(o.item).steps.iter().map(|s| s.result.as_deref())),
                None => out.push_str("[]"),
            },
            // One cook: cook 1 does every hands-on step; the synchronous cook every step.
            Var::Cook => {
                let s = at.step.expect("step placeholders are only allowed at step moments");
                let o = at.order.expect("order placeholders are only allowed at order moments");
                let hands_on = sc.recipe_of(o.item).steps[s].kind == StepKind::HandsOn;
                if hands_on || self.mode == Mode::Sync {
                    out.push('1');
                }
            }
            _ => unreachable!("{var:?} is known from the scenario, the order and the step"),
        }
    }
}

/// The clock and the narrative's lines, shared by both kitchens.
const COMMON: &str = r#"

# ---- the clock: real time scaled by SPEED, or a virtual clock (--virtual) -------

VIRTUAL = "--virtual" in sys.argv[1:]
WALL = 1.0 if VIRTUAL else SECONDS / SPEED  # seconds of this program's clock per unit


def ticks(units):
    """A time in the scenario's unit as whole ticks (nanoseconds), rounded half up."""
    return int(units * TICKS + 0.5)


class Clock:
    ticks = 0  # the virtual clock, in ticks: one virtual second is one unit


if VIRTUAL:
    import itertools

    def _sleep(seconds):  # time.sleep: blocks; the loop runs nothing meanwhile
        Clock.ticks += ticks(seconds)

    time.sleep = _sleep
    time.perf_counter = time.monotonic = lambda: Clock.ticks / TICKS

    if "asyncio" in globals():
        class Timer(asyncio.TimerHandle):
            """Timers due at the same tick fire in the order they were armed."""
            __slots__ = ("_seq",)
            _counter = itertools.count()

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._seq = next(self._counter)

            def __lt__(self, other):
                return (self._when, self._seq) < (other._when, other._seq)

            def __le__(self, other):
                return (self._when, self._seq) <= (other._when, other._seq)

            def __gt__(self, other):
                return (self._when, self._seq) > (other._when, other._seq)

            def __ge__(self, other):
                return (self._when, self._seq) >= (other._when, other._seq)

            def __eq__(self, other):
                return self is other

            __hash__ = object.__hash__

        class VirtualLoop(asyncio.SelectorEventLoop):
            """A SelectorEventLoop whose clock jumps to the next timer."""

            def __init__(self):
                super().__init__()
                self._clock_resolution = 0.5 / TICKS
                poll = self._selector.select

                def select(timeout=None):
                    ready = poll(0)
                    if ready or timeout == 0:
                        return ready
                    if timeout is None:
                        raise RuntimeError("the virtual loop would wait forever")
                    Clock.ticks = max(Clock.ticks, ticks(self._scheduled[0]._when))
                    return []

                self._selector.select = select

            def time(self):
                return Clock.ticks / TICKS

            def call_at(self, when, callback, *args, context=None):
                self._check_closed()
                # Whole ticks, so that timers due at the same tick compare equal.
                timer = Timer(ticks(when) / TICKS, callback, args, self, context)
                if timer._source_traceback:
                    del timer._source_traceback[-1]
                heapq.heappush(self._scheduled, timer)
                timer._scheduled = True
                return timer

        class Policy(asyncio.DefaultEventLoopPolicy):
            def new_event_loop(self):
                return VirtualLoop()

        asyncio.set_event_loop_policy(Policy())

START = time.perf_counter()


def now():
    """The scenario's time, in ticks since service opened."""
    if VIRTUAL:
        return Clock.ticks
    return ticks((time.perf_counter() - START) / WALL)


def units(t):
    """Ticks as an amount of the scenario's unit (the nearest float)."""
    return t / TICKS


def wall(units_):
    """An amount of the scenario's unit as seconds of this program's clock."""
    return ticks(units_) / TICKS * WALL


# ---- the narrative -------------------------------------------------------------

SERVED = []  # (order number, step results) of each order served


def num(x, places):
    if places is not None:
        return f"{x:.{places}f}"
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


def say(lines, elapsed=0):
    """Prints lines: strings as they are, tuples filled in now."""
    for pieces in lines:
        out = []
        for p in pieces:
            if isinstance(p, str):
                out.append(p)
            elif p[0] == "time":
                out.append(num(units(now()), p[1]))
            elif p[0] == "elapsed":
                out.append(num(units(elapsed), p[1]))
            elif p[0] == "served":
                out.append(str(len(SERVED)))
            else:  # "results": every served order's, in order number
                out.append(str([r for _, rs in sorted(SERVED, key=lambda s: s[0]) for r in rs]))
        print("".join(out), flush=True)


def served(o):
    SERVED.append((int(o["id"][1:]), o["results"]))
    say(o["lines"].get("served", ()))
"#;

/// `CANONICAL.md`, asynchronous kitchen, with patience and balking
/// (`docs/scenario-format.md`), the scenario's lines and the clock above.
const ASYNC_BODY: &str = r#"

# ---- the asynchronous kitchen (CANONICAL.md) -----------------------------------

equipment = {}  # name -> asyncio.Semaphore(capacity), filled in main()
waiting = 0     # customers let in, none of whose steps has started


async def body(o, s):
    global waiting
    if not o["started"]:  # the customer stops waiting
        o["started"] = True
        waiting -= 1
    say(s["lines"].get("start", ()))
    if s["kind"] == "hands-on":
        time.sleep(wall(s["duration"]))           # the cook is busy: nothing else runs
    else:
        await asyncio.sleep(wall(s["duration"]))  # unattended: the cook is free meanwhile
    say(s["lines"].get("finish", ()))


async def run_step(o, s, deps):
    for d in deps:
        await d
    if s["uses"] is not None:
        async with equipment[s["uses"]]:
            await body(o, s)
    else:
        await body(o, s)


async def run_order(o):
    global waiting
    say(o["lines"].get("arrival", ()))
    if BALK is not None and waiting > BALK:  # too many waiting: balk
        say(o["lines"].get("balked", ()))
        return
    waiting += 1
    o["started"] = False
    step_tasks = {}
    for s in o["steps"]:  # recipe order
        deps = [step_tasks[a] for a in s["after"]]
        step_tasks[s["name"]] = asyncio.create_task(run_step(o, s, deps))
    gathered = asyncio.gather(*step_tasks.values())
    if o["patience"] is None:
        await gathered
    else:  # wait until arrival + patience
        timeout = ticks(o["arrival"]) + ticks(o["patience"]) - now()
        try:
            await asyncio.wait_for(gathered, timeout / TICKS * WALL)
        except asyncio.TimeoutError:
            if not o["started"]:
                waiting -= 1
            say(o["lines"].get("left", ()))
            return
    served(o)


async def main():
    for name, cap in EQUIPMENT.items():
        equipment[name] = asyncio.Semaphore(cap)
    say(START_LINES)
    tasks = []
    # the door: arrivals in time order; sorted() is stable, so ties keep list order
    for o in sorted(ORDERS, key=lambda o: o["arrival"]):
        delay = ticks(o["arrival"]) - now()
        if delay > 0:
            await asyncio.sleep(delay / TICKS * WALL)
        tasks.append(asyncio.create_task(run_order(o)))
    await asyncio.gather(*tasks)
    say(END_LINES, elapsed=now())


asyncio.run(main())
"#;

/// `CANONICAL.md`, synchronous kitchen, with patience and balking
/// (`docs/scenario-format.md`), the scenario's lines and the clock above.
const SYNC_BODY: &str = r#"

# ---- the synchronous kitchen (CANONICAL.md) ------------------------------------


def gone(o):  # has their patience run out?
    return o["patience"] is not None and now() > ticks(o["arrival"]) + ticks(o["patience"])


say(START_LINES)
line = []  # when each customer taken so far stopped waiting (a heap, in ticks)
# one cook serves the orders one at a time, in arrival order (stable: ties keep list order)
orders = sorted(ORDERS, key=lambda o: o["arrival"])
for i, o in enumerate(orders):
    t = now()
    arrival = ticks(o["arrival"])
    while line and line[0] <= arrival:  # the line they found
        heapq.heappop(line)
    balked = BALK is not None and len(line) > BALK
    if not balked:
        taken = max(t, arrival)
        if o["patience"] is not None:
            taken = min(taken, arrival + ticks(o["patience"]))
        heapq.heappush(line, taken)
    if arrival > t:
        time.sleep((arrival - t) / TICKS * WALL)  # idle until the next customer arrives
    say(o["lines"].get("arrival", ()))
    if balked:
        say(o["lines"].get("balked", ()))
    else:
        left = False
        for s in o["steps"]:  # recipe order; equipment is never contended
            if gone(o):  # noticed between steps
                left = True
                break
            say(s["lines"].get("start", ()))
            time.sleep(wall(s["duration"]))
            say(s["lines"].get("finish", ()))
        if left or gone(o):
            say(o["lines"].get("left", ()))
        else:
            served(o)
    if i + 1 < len(orders):
        say(o["lines"].get("between", ()))
say(END_LINES, elapsed=now())
"#;
