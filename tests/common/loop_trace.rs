//! The event loop's passes and handles, as the traced Python program prints them
//! and as the engine's loop events name them, and each machine's line as the loop
//! view shows it: `tests/differential.rs` compares the two on random scenarios,
//! `tests/loop_view.rs` on the built-ins.

use std::collections::BTreeMap;

use async_cafe::event::{AwaitPoint, Coroutine, Event, LoopHandle};
use async_cafe::model::Scenario;
use async_cafe::view::event_loop::LoopView;

/// Put before the data of the asynchronous program: prints `@@ pass` before the
/// first handle of each pass of `BaseEventLoop._run_once` that runs one of the
/// program's, and `@@ NAME` before each such handle runs: a task resuming
/// (`o1/brew: await boil`, `o1: gather`, `main: sleep`, `o1/fry: acquire stove`,
/// `o1/boil: start`), an `asyncio.sleep` timer (`sleep done o1/boil`), a `gather`
/// callback (`gather o1`, `gather main`), and `wait_for`'s `_release_waiter`
/// (`release waiter o1`, its timer `timeout o1`). Handles of asyncio's own (the end
/// of `run_until_complete`) are not printed. Before each handle it prints, it also
/// prints each machine (by name) whose semaphore changed since, in the loop view's
/// words: `@@ ≡ oven: 1 of 1 in use · handed a unit, not yet woken: order 2 · step
/// bake · waiting: order 3 · step bake` (in use: the capacity less `_value`;
/// `_waiters` whose future is done are handed a unit, the others, pending or
/// cancelled, wait). Installed once per process (a batch runs many programs), with
/// fresh state per program.
pub const LOOP_TRACE: &str = r#"import asyncio.base_events as _be
import asyncio.events as _ev
import functools as _ft
import inspect as _inspect

_ev._cafe_state = {"pass": False, "names": {}, "creator": {}, "globals": globals(), "machines": {}}


def _cafe_name(task):
    names = _ev._cafe_state["names"]
    if task in names:
        return names[task]
    coro = task.get_coro()
    frame = getattr(coro, "cr_frame", None)
    if frame is None:
        return None
    loc, code = frame.f_locals, coro.cr_code.co_name
    if code == "main":
        name = "main"
    elif code == "run_order":
        name = loc["o"]["id"]
    elif code == "run_step":
        name = loc["o"]["id"] + "/" + loc["s"]["name"]
    else:
        return None
    names[task] = name
    return name


def _cafe_at(task):
    coro = task.get_coro()
    if _inspect.getcoroutinestate(coro) == _inspect.CORO_CREATED:
        return "start"
    # Down the chain of coroutines awaiting one another to the innermost, which
    # awaits the future the task waits for (`_fut_waiter`), or yields bare.
    obj, last, fut = coro, None, task._fut_waiter
    while obj is not None:
        code = getattr(obj, "cr_code", None) or getattr(obj, "gi_code", None)
        if code is None:
            break
        last = code.co_name
        obj = obj.cr_await if hasattr(obj, "cr_await") else getattr(obj, "gi_yieldfrom", None)
    if isinstance(fut, asyncio.Task):
        return "await " + _cafe_name(fut).split("/")[-1]
    if type(fut).__name__ == "_GatheringFuture":
        return "gather"
    if last in ("sleep", "__sleep0"):
        return "sleep"
    if last == "acquire":
        return "acquire " + coro.cr_frame.f_locals["s"]["uses"]
    if last in ("wait_for", "_cancel_and_wait"):
        return "wait_for"
    return "? " + str(last)


def _cafe_handle(h):
    state = _ev._cafe_state
    cb, args = h._callback, h._args or ()
    owner = getattr(cb, "__self__", None)
    if isinstance(owner, asyncio.Task):
        name = _cafe_name(owner)
        return None if name is None else name + ": " + _cafe_at(owner)
    fn = cb.func if isinstance(cb, _ft.partial) else cb
    fname = getattr(fn, "__name__", "")
    if fname == "_set_result_unless_cancelled":
        task = state["creator"].get(args[0])
        name = task and _cafe_name(task)
        return name and "sleep done " + name
    if fname == "_done_callback" and args and isinstance(args[0], asyncio.Task):
        child = _cafe_name(args[0])
        return child and "gather " + (child.split("/")[0] if "/" in child else "main")
    if fname == "_release_waiter":
        waiter = cb.args[0] if isinstance(cb, _ft.partial) else args[0]
        task = state["creator"].get(waiter)
        name = task and _cafe_name(task)
        kind = "timeout " if isinstance(h, asyncio.TimerHandle) else "release waiter "
        return name and kind + name
    return None


def _cafe_machines():
    state = _ev._cafe_state
    sems, caps = state["globals"].get("equipment") or {}, state["globals"]["EQUIPMENT"]
    for name in sorted(sems):
        sem, cap = sems[name], caps[name]
        handed, waiting = [], []
        for fut in sem._waiters or ():
            order, step = _cafe_name(state["creator"][fut]).split("/")
            who = "order " + order[1:] + " \u00b7 step " + step
            (handed if fut.done() and not fut.cancelled() else waiting).append(who)
        line = name + ": " + str(cap - sem._value) + " of " + str(cap) + " in use"
        if handed:
            line += " \u00b7 handed a unit, not yet woken: " + ", ".join(handed)
        if waiting:
            line += " \u00b7 waiting: " + ", ".join(waiting)
        if state["machines"].get(name, name + ": 0 of " + str(cap) + " in use") != line:
            state["machines"][name] = line
            print("@@ \u2261 " + line)


if not hasattr(_ev, "_cafe_installed"):
    _ev._cafe_installed = True
    _cafe_run_orig = _ev.Handle._run
    _cafe_once_orig = _be.BaseEventLoop._run_once
    _cafe_future_orig = _be.BaseEventLoop.create_future

    def _cafe_run(self):
        name = _cafe_handle(self)
        if name is not None:
            _cafe_machines()
            if _ev._cafe_state["pass"]:
                _ev._cafe_state["pass"] = False
                print("@@ pass")
            print("@@ " + name)
        return _cafe_run_orig(self)

    def _cafe_once(self):
        _ev._cafe_state["pass"] = True
        return _cafe_once_orig(self)

    def _cafe_future(self):
        fut = _cafe_future_orig(self)
        task = asyncio.current_task(self)
        if task is not None:
            _ev._cafe_state["creator"][fut] = task
        return fut

    _ev.Handle._run = _cafe_run
    _be.BaseEventLoop._run_once = _cafe_once
    _be.BaseEventLoop.create_future = _cafe_future

"#;

/// A coroutine as the traced Python program names it: `main`, `o1`, `o1/boil`.
fn coroutine_name(sc: &Scenario, task: Coroutine<'_>) -> String {
    match task {
        Coroutine::Main => "main".into(),
        Coroutine::Order(order) => format!("o{}", order.id),
        Coroutine::Step(order, step) => {
            format!("o{}/{}", order.id, sc.recipe_of(order.item).steps[step as usize].name)
        }
    }
}

/// A handle as [`LOOP_TRACE`] prints it.
pub fn handle_name(sc: &Scenario, handle: LoopHandle<'_>) -> String {
    match handle {
        LoopHandle::Resume { task, at } => {
            let at = match at {
                AwaitPoint::Start => "start".to_string(),
                AwaitPoint::Sleep => "sleep".into(),
                AwaitPoint::Gather => "gather".into(),
                AwaitPoint::WaitFor => "wait_for".into(),
                AwaitPoint::Step(d) => {
                    let order = task.order().expect("a step awaits a step of its order");
                    format!("await {}", sc.recipe_of(order.item).steps[d as usize].name)
                }
                AwaitPoint::Equipment(e) => format!("acquire {}", sc.kitchen.equipment[e as usize].name),
            };
            format!("{}: {at}", coroutine_name(sc, task))
        }
        LoopHandle::SleepDone { task } => format!("sleep done {}", coroutine_name(sc, task)),
        LoopHandle::GatherDone { owner } => format!("gather {}", coroutine_name(sc, owner)),
        LoopHandle::ReleaseWaiter { order } => format!("release waiter o{order}"),
        LoopHandle::Timeout { order } => format!("timeout o{}", order.id),
        LoopHandle::CancelledTimer { .. } => unreachable!("a cancelled timer is skipped, never run"),
    }
}

/// Each machine's line as the loop view shows it, printed as [`LOOP_TRACE`] prints
/// it: before a handle, `@@ ≡ LINE` for each machine (by name) whose line changed.
pub struct Machines<'s> {
    view: LoopView<'s>,
    /// By name: the view's last line of the machine, and the last one printed.
    lines: BTreeMap<String, (String, String)>,
}

impl<'s> Machines<'s> {
    /// Every machine of `sc` idle.
    pub fn new(sc: &'s Scenario) -> Self {
        let lines = sc
            .kitchen
            .equipment
            .iter()
            .map(|e| {
                let idle = format!("{}: 0 of {} in use", e.name, e.capacity);
                (e.name.clone(), (idle.clone(), idle))
            })
            .collect();
        Machines { view: LoopView::new(sc, sc.seed, false), lines }
    }

    /// Takes the run's next event (every one, the loop's own included).
    pub fn event(&mut self, e: &Event<'_>) {
        let lines = &mut self.lines;
        self.view.event(e, |line| {
            if let Some(line) = line.strip_prefix("        ≡ ") {
                let name = line.split(':').next().expect("a machine's line names it");
                lines.get_mut(name).expect("a machine of the scenario").0 = line.to_string();
            }
        });
    }

    /// The `@@ ≡` lines of the machines whose line changed since the last call.
    pub fn changed(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        for (now, printed) in self.lines.values_mut() {
            if now != printed {
                printed.clone_from(now);
                out.push(format!("@@ ≡ {now}"));
            }
        }
        out
    }
}
