// Café Studio's page: plain JavaScript, no build step, nothing from the network.
// Every number it shows comes from the studio's API (docs/studio.md); the page only
// lays them out and plays the run's events back.
'use strict';

const $ = (id) => document.getElementById(id);
// The HTML report's colours for each activity (the same lanes and colours).
const COLOURS = { 'hands-on': '#f28e2b', 'standing by': '#e15759', unattended: '#4e79a7', waiting: '#b8b0ac' };
const IDLE = '#e8e8e8';
const SVG = 'http://www.w3.org/2000/svg';

const state = { builtins: [], name: 'scenario', result: null, t: 0, end: 0, playing: false, sweep: null };

/** Calls the API; an error reply becomes an Error with its problems. */
async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch('/api' + path, init);
  const data = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}`, problems: [] }));
  if (!res.ok) {
    const err = new Error(data.error || `${res.status}`);
    err.problems = data.problems || [];
    throw err;
  }
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}


// ---- tabs -------------------------------------------------------------------

function showTab(name) {
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === name);
  for (const p of document.querySelectorAll('.page')) p.classList.toggle('active', p.id === name);
  if (name === 'history') loadHistory();
}
$('history-older').addEventListener('click', () => loadHistory(true));
for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => showTab(b.dataset.tab));

// ---- the editor ---------------------------------------------------------------

// CodeMirror 5 (assets/vendor/codemirror, embedded): line numbers, TOML
// highlighting, undo; the problems' lines are marked and listed below it.
const editor = CodeMirror.fromTextArea($('toml'), {
  mode: 'toml',
  lineNumbers: true,
  indentUnit: 4,
  viewportMargin: Infinity,
  gutters: ['problem-gutter', 'CodeMirror-linenumbers'],
});
// For the browser test and the curious: `studio.editor` is the CodeMirror instance.
window.studio = { editor };
let markedLines = [];
let checkTimer = null;
let checkSeq = 0;

editor.on('change', () => {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 300);
});

/** Marks the lines with problems (a class on the line, a dot in the gutter). */
function markProblems(problems) {
  for (const handle of markedLines) editor.removeLineClass(handle, 'background', 'bad-line');
  editor.clearGutter('problem-gutter');
  markedLines = [];
  for (const p of problems.filter((x) => x.line)) {
    const line = Math.min(p.line - 1, editor.lineCount() - 1);
    markedLines.push(editor.addLineClass(line, 'background', 'bad-line'));
    editor.setGutterMarker(line, 'problem-gutter', el('span', { class: 'problem-dot', title: p.message, text: '●' }));
  }
}

/** Checks the editor's text (debounced) and lists every problem at its place. */
async function check() {
  const seq = ++checkSeq;
  let res;
  try {
    res = await api('POST', '/check', { toml: editor.getValue(), name: state.name });
  } catch (e) {
    res = { ok: false, problems: e.problems, summary: null, error: e.message };
  }
  if (seq !== checkSeq) return;
  const list = $('problems');
  list.replaceChildren();
  for (const p of res.problems) {
    const where = p.line ? `line ${p.line}, column ${p.column}` : p.file;
    const item = el('li', { class: 'problem', 'data-line': p.line ?? '', 'data-column': p.column ?? '' });
    item.append(el('span', { class: 'where', text: where }), el('span', { class: 'message', text: p.message }));
    if (p.help) item.append(el('span', { class: 'help', text: `help: ${p.help}` }));
    if (p.line) item.addEventListener('click', () => jumpTo(p.line, p.column));
    list.append(item);
  }
  const count = res.count ?? res.problems.length;
  if (count > res.problems.length) {
    list.append(el('li', { class: 'problem', text: `… and ${count - res.problems.length} more problems` }));
  }
  const box = $('check');
  box.className = 'check ' + (res.ok ? 'ok' : 'bad');
  box.textContent = res.ok
    ? res.summary + (res.warnings.length ? ' — ' + res.warnings.join(' ') : '')
    : res.error || `${count} problem${count === 1 ? '' : 's'}`;
  $('run').disabled = !res.ok;
  showSliders(res.ok ? res.kitchen : null);
  markProblems(res.problems);
}

function jumpTo(line, column) {
  editor.focus();
  editor.setSelection({ line: line - 1, ch: column - 1 }, { line: line - 1, ch: column });
  editor.scrollIntoView({ line: line - 1, ch: column - 1 }, 60);
}

function setScenario(name, toml) {
  state.name = name;
  editor.setValue(toml);
  editor.clearHistory();
  check();
}

async function loadBuiltins() {
  state.builtins = await api('GET', '/builtins');
  const group = $('builtins');
  for (const b of state.builtins) group.append(el('option', { value: b.name, text: b.name }));
  $('builtin').addEventListener('change', () => pick($('builtin').value));
  await loadSaved();
  pick(state.builtins.some((b) => b.name === 'lunch') ? 'lunch' : state.builtins[0].name);
}

/** The user's saved scenarios, in the picker. */
async function loadSaved() {
  state.saved = await api('GET', '/scenarios');
  $('saved').replaceChildren(...state.saved.map((s) => el('option', { value: `saved:${s.name}`, text: s.name })));
}

function pick(value) {
  $('builtin').value = value;
  if (value.startsWith('saved:')) {
    const s = state.saved.find((x) => `saved:${x.name}` === value);
    $('builtin-summary').textContent = `Yours, saved ${new Date(s.saved * 1000).toLocaleString()}`;
    $('save-name').value = s.name;
    setScenario(s.name, s.toml);
    return;
  }
  const b = state.builtins.find((x) => x.name === value);
  $('builtin-summary').textContent = b.summary;
  setScenario(b.name, b.toml);
}

$('save').addEventListener('click', async () => {
  const name = $('save-name').value.trim();
  $('save-status').textContent = '';
  try {
    const saved = await api('PUT', `/scenarios/${encodeURIComponent(name)}`, { toml: editor.getValue() });
    await loadSaved();
    state.name = saved.name;
    $('builtin').value = `saved:${saved.name}`;
    $('save-status').textContent = `saved as ${saved.name}`;
    check();
  } catch (e) {
    $('save-status').textContent = e.message;
  }
});

// ---- running and showing both kitchens ---------------------------------------------

let runSeq = 0;

/** Runs both kitchens on the editor's text; only the latest of overlapping runs is shown. */
async function runBoth() {
  const seq = ++runSeq;
  const body = { toml: editor.getValue(), name: state.name };
  if ($('seed').value !== '') body.seed = Number($('seed').value);
  if ($('policy').value) body.policy = $('policy').value;
  $('run-error').textContent = '';
  $('run').disabled = true;
  $('run').textContent = 'Running…';
  try {
    const result = await api('POST', '/compare', body);
    if (seq === runSeq) show(result);
  } catch (e) {
    if (seq === runSeq) $('run-error').textContent = e.message;
  } finally {
    if (seq === runSeq) {
      $('run').disabled = false;
      $('run').textContent = 'Run both kitchens';
    }
  }
}
$('run').addEventListener('click', runBoth);

// ---- the kitchen's sliders ------------------------------------------------------------

// One slider for the cooks, one per kind of equipment (and the arrival rate of
// customers generated at a Poisson rate), built from the check's `kitchen`. Moving
// one writes its value into the TOML (`POST /api/edit`: the text stays the truth,
// its comments kept) and, 0.3 s after the last move, runs both kitchens again.
const sliders = { names: '', inputs: new Map(), pending: new Map(), editSeq: 0, editTimer: null, runTimer: null };

function sliderSpecs(kitchen) {
  const specs = [{ name: 'cooks', label: 'Cooks', value: kitchen.cooks, min: 1, max: Math.max(8, kitchen.cooks * 2), step: 1 }];
  for (const e of kitchen.equipment) {
    specs.push({ name: `equipment.${e.name}`, label: e.name.replaceAll('_', ' '), value: e.capacity, min: 1, max: Math.max(6, e.capacity * 2), step: 1 });
  }
  if (kitchen.rate !== null && kitchen.rate !== undefined) {
    const r = kitchen.rate;
    const step = Number((r / 20).toPrecision(1));
    specs.push({ name: 'arrivals.rate', label: `Customers per ${kitchen.unit}`, value: r, min: step, max: Number((r * 4).toPrecision(2)), step });
  }
  return specs;
}

/** Shows the kitchen's sliders (or hides them when the scenario has problems). */
function showSliders(kitchen) {
  if (!kitchen) {
    $('sliders').hidden = true;
    return;
  }
  $('sliders').hidden = false;
  const specs = sliderSpecs(kitchen);
  const names = specs.map((x) => x.name).join(' ');
  // The same parameters: only the values the user is not moving follow the text.
  if (names === sliders.names) {
    for (const spec of specs) {
      const input = sliders.inputs.get(spec.name);
      if (sliders.pending.size || document.activeElement === input) continue;
      if (spec.value > Number(input.max)) input.max = String(spec.max);
      input.value = String(spec.value);
      input.nextElementSibling.value = String(spec.value);
    }
    return;
  }
  sliders.names = names;
  sliders.inputs.clear();
  const list = $('slider-list');
  list.replaceChildren();
  for (const spec of specs) {
    const id = `slider-${spec.name.replace(/[^a-z0-9_-]/gi, '-')}`;
    const input = el('input', { id, type: 'range', min: spec.min, max: spec.max, step: spec.step, 'data-param': spec.name });
    input.value = String(spec.value);
    const shown = el('output', { for: id, 'aria-live': 'polite', text: String(spec.value) });
    input.addEventListener('input', () => {
      shown.value = input.value;
      sliders.pending.set(spec.name, Number(input.value));
      clearTimeout(sliders.editTimer);
      sliders.editTimer = setTimeout(writeSliders, 60);
    });
    list.append(el('label', { for: id, text: spec.label }), input, shown);
    sliders.inputs.set(spec.name, input);
  }
}

/** Writes the sliders' new values into the editor's text, then runs both kitchens (debounced). */
async function writeSliders() {
  const set = Object.fromEntries(sliders.pending);
  sliders.pending.clear();
  const seq = ++sliders.editSeq;
  let edited;
  try {
    edited = await api('POST', '/edit', { toml: editor.getValue(), name: state.name, set });
  } catch (e) {
    $('run-error').textContent = e.message;
    return;
  }
  if (seq !== sliders.editSeq) return;
  replaceText(edited.toml);
  clearTimeout(sliders.runTimer);
  sliders.runTimer = setTimeout(runBoth, 300);
}

/** Puts `text` in the editor, changing only the lines that differ (the cursor and scroll stay). */
function replaceText(text) {
  const now = editor.getValue().split('\n');
  const next = text.split('\n');
  if (now.length !== next.length) {
    const scroll = editor.getScrollInfo();
    editor.setValue(text);
    editor.scrollTo(scroll.left, scroll.top);
    return;
  }
  editor.operation(() => {
    next.forEach((line, i) => {
      if (line !== now[i]) editor.replaceRange(line, { line: i, ch: 0 }, { line: i, ch: now[i].length }, '+slider');
    });
  });
}

function unitOf(result) {
  return result.sides[0].report.time_unit;
}

function fmtTime(s, unit) {
  return `${(s / unit.seconds).toFixed(2)} ${unit.name}`;
}

/** Shows a comparison (or a single run, as one side): totals, why, kitchens, stats. */
function show(result) {
  pause();
  state.result = result;
  $('play').disabled = false;
  $('scrub').disabled = false;
  const unit = unitOf(result);
  state.end = Math.max(...result.sides.map((s) => s.makespan_s), 0);
  $('results').hidden = false;

  const totals = $('totals');
  totals.replaceChildren();
  for (const side of result.sides) {
    totals.append(el('div', { class: 'total', 'data-mode': side.mode },
      el('span', { class: 'label', text: `${side.label} kitchen` }),
      el('strong', { class: 'value', text: fmtTime(side.makespan_s, unit) })));
  }
  if (result.speedup !== undefined) {
    totals.append(el('div', { class: 'total speedup' },
      el('span', { class: 'label', text: 'speedup' }),
      el('strong', { class: 'value', text: `${result.speedup.toFixed(2)}×` })));
  }
  $('why').replaceChildren(
    ...(result.why || []).map((w) => el('li', { text: w })),
    ...(result.warnings || []).map((w) => el('li', { class: 'warning', text: w })));

  const kitchens = $('kitchens');
  kitchens.replaceChildren();
  state.views = result.sides.map((side) => kitchenView(side, unit));
  for (const v of state.views) kitchens.append(v.root);
  $('stats').replaceChildren(statsTable(result.sides, unit));
  const id = result.id;
  if (id === undefined) {
    $('links').replaceChildren(`Entries ${result.compared.join(' and ')} of the history, side by side.`);
    seek(0);
    return;
  }
  $('links').replaceChildren(
    'Export: ',
    ...['report.html', 'report.json', 'report.csv'].filter((f) => f !== 'report.csv' || result.sides.length === 1)
      .flatMap((f) => [el('a', { href: `/api/history/${id}/${f}`, target: '_blank', text: f }), ' ']));
  seek(0);
}

function statsTable(sides, unit) {
  const t = (s) => fmtTime(s, unit);
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const rows = [
    ['total time', (s) => t(s.stats.total_s)],
    ['served', (s) => String(s.stats.served)],
    ['left', (s) => String(s.stats.left)],
    ['mean wait', (s) => t(s.stats.wait.mean_s)],
    ['p95 wait', (s) => t(s.stats.wait.p95_s)],
    ['mean time in system', (s) => t(s.stats.time_in_system.mean_s)],
    ['throughput per hour', (s) => s.stats.throughput_per_hour.toFixed(1)],
    ...sides[0].stats.cooks.slice(0, 8).map((c, i) => [`cook ${c.cook} hands-on`, (s) => (s.stats.cooks[i] ? pct(s.stats.cooks[i].hands_on_share) : '–')]),
    ...sides[0].stats.equipment.map((e) => [`${e.name} utilisation`, (s) => {
      const same = s.stats.equipment.find((x) => x.name === e.name);
      return same ? pct(same.utilisation) : '–';
    }]),
  ];
  const table = el('table', { class: 'stats' });
  table.append(el('tr', {}, el('th', { text: '' }), ...sides.map((s) => el('th', { text: s.label }))));
  for (const [name, f] of rows) table.append(el('tr', {}, el('td', { text: name }), ...sides.map((s) => el('td', { text: f(s) }))));
  return table;
}

/** The SVG kitchen, the narrative and the timeline of one side, with `update(t)`. */
function kitchenView(side, unit) {
  const root = el('div', { class: 'side', 'data-mode': side.mode });
  root.append(el('h3', { text: `${side.label} kitchen` }));
  const cooks = side.lanes.filter((l) => l.kind === 'cook').slice(0, 12);
  const units = side.lanes.filter((l) => l.kind === 'equipment').slice(0, 24);
  const W = 520;
  const perRow = 6;
  const unitRows = Math.ceil(units.length / perRow);
  const H = 90 + unitRows * 56 + 70;
  const svg = el('svg:svg', { viewBox: `0 0 ${W} ${H}`, class: 'kitchen', role: 'img', 'aria-label': `${side.label} kitchen` });
  const cookShapes = cooks.map((lane, i) => {
    const x = 45 + (i % 6) * 80;
    const g = el('svg:g', { class: 'cook' });
    const body = el('svg:circle', { cx: x, cy: 30, r: 18, fill: IDLE, stroke: '#555' });
    const label = el('svg:text', { x, y: 62, 'text-anchor': 'middle', class: 'name', text: lane.label });
    const doing = el('svg:text', { x, y: 76, 'text-anchor': 'middle', class: 'doing', text: 'idle' });
    g.append(body, label, doing);
    svg.append(g);
    return { lane, body, doing };
  });
  const unitShapes = units.map((lane, i) => {
    const x = 12 + (i % perRow) * 84;
    const y = 92 + Math.floor(i / perRow) * 56;
    const box = el('svg:rect', { x, y, width: 76, height: 32, rx: 5, fill: IDLE, stroke: '#555', class: 'unit' });
    const label = el('svg:text', { x: x + 38, y: y + 20, 'text-anchor': 'middle', class: 'unit-label', text: lane.label });
    const doing = el('svg:text', { x: x + 38, y: y + 45, 'text-anchor': 'middle', class: 'doing', text: '' });
    svg.append(box, label, doing);
    return { lane, box, doing };
  });
  const cy = 92 + unitRows * 56 + 20;
  svg.append(el('svg:text', { x: 12, y: cy, class: 'name', text: 'Waiting' }));
  // Every customer in the café not yet served: ordered, their order on its way.
  const queue = el('svg:g', { class: 'queue' });
  svg.append(queue);
  const served = el('svg:text', { x: 12, y: cy + 40, class: 'served', text: '' });
  svg.append(served);
  root.append(svg);

  // A live run's events, lines and spans keep coming: these arrays grow under the
  // view, and each update shows what has come.
  const events = side.report.events;
  const lines = side.report.narrative;
  const narrative = el('ol', { class: 'narrative' });
  const items = [];
  function grow() {
    while (items.length < lines.length) {
      const l = lines[items.length];
      const li = el('li', {}, el('span', { class: 'at', text: (l.t_s / unit.seconds).toFixed(2) }), el('span', { text: l.line || ' ' }));
      narrative.append(li);
      items.push(li);
    }
  }
  grow();
  root.append(narrative);
  const timeline = timelineView(side.lanes);
  timeline.draw(state.end);
  root.append(timeline.svg);
  // A live timeline's axis: stretched by half as much again whenever the run passes its end.
  let axis = 0;
  let drawn = 0;

  let current = -1;
  function update(t) {
    // A span still open (a live run's) has no end yet.
    const at = (lane) => lane.spans.find((s) => s[0] <= t && t < (s[1] ?? Infinity));
    for (const c of cookShapes) {
      const s = at(c.lane);
      c.body.setAttribute('fill', s ? COLOURS[s[2]] : IDLE);
      c.doing.textContent = s ? `${s[4] ?? s[2]} #${s[3]}` : 'idle';
    }
    for (const u of unitShapes) {
      const s = at(u.lane);
      u.box.setAttribute('fill', s ? COLOURS[s[2]] : IDLE);
      u.doing.textContent = s ? `${s[4] ?? ''} #${s[3]}` : '';
    }
    let waiting = 0, done = 0, left = 0;
    for (const e of events) {
      if (e.t_s > t) break;
      if (e.kind === 'arrived') waiting++;
      else if (e.kind === 'served') { waiting--; done++; }
      else if (e.kind === 'left' || e.kind === 'balked') { waiting--; left++; }
    }
    queue.replaceChildren();
    const shown = Math.min(waiting, 40);
    for (let i = 0; i < shown; i++) {
      queue.append(el('svg:circle', { cx: 90 + i * 11, cy: cy - 4, r: 4.5, class: 'customer' }));
    }
    if (waiting > shown) queue.append(el('svg:text', { x: 90 + shown * 11 + 6, y: cy, class: 'name', text: `+${waiting - shown}` }));
    served.textContent = `Served: ${done}` + (left ? `   Left unserved: ${left}` : '');
    root.dataset.served = String(done);
    root.dataset.waiting = String(waiting);
    // The narrative line of the moment: the last one printed by `t`.
    grow();
    let now = -1;
    for (let i = 0; i < lines.length && lines[i].t_s <= t; i++) now = i;
    if (now !== current) {
      if (current >= 0) items[current].classList.remove('now');
      if (now >= 0) {
        items[now].classList.add('now');
        narrative.scrollTop = Math.max(0, items[now].offsetTop - narrative.offsetTop - narrative.clientHeight / 2);
      }
      current = now;
    }
    if (side.live && (t > axis || performance.now() - drawn > 100)) {
      if (t > axis) axis = t * 1.5;
      timeline.draw(axis, t);
      drawn = performance.now();
    }
    timeline.at(t);
  }
  return { root, update };
}

/** The lanes drawn as bars on one time axis, with a cursor at the moment shown.
 * `draw(end, now)` draws them up to `end`; a span still open (a live run's) ends at `now`. */
function timelineView(lanes) {
  const W = 520, left = 110, row = 16;
  const svg = el('svg:svg', { class: 'timeline' });
  const cursor = el('svg:line', { x1: left, x2: left, y1: 0, y2: 0, class: 'cursor' });
  let x = () => left;
  function draw(end, now = end) {
    const shown = lanes.slice(0, 40);
    const H = shown.length * row + 24;
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    x = (s) => left + (end > 0 ? (Math.min(s, end) / end) * (W - left - 8) : 0);
    svg.replaceChildren();
    shown.forEach((lane, i) => {
      const y = i * row + 4;
      svg.append(el('svg:text', { x: left - 6, y: y + 11, 'text-anchor': 'end', class: 'lane', text: lane.label }));
      if (lane.life) svg.append(el('svg:rect', { x: x(lane.life[0]), y, width: Math.max(0.5, x(lane.life[1]) - x(lane.life[0])), height: row - 4, fill: '#dde3ec' }));
      for (const s of lane.spans) {
        const until = s[1] ?? now;
        const bar = el('svg:rect', { x: x(s[0]), y, width: Math.max(0.8, x(until) - x(s[0])), height: row - 4, fill: COLOURS[s[2]], class: 'bar' });
        bar.append(el('svg:title', { text: `${s[4] ?? ''} #${s[3]}: ${s[2]}` }));
        svg.append(bar);
      }
    });
    cursor.setAttribute('y2', H - 18);
    svg.append(cursor);
  }
  return {
    svg,
    draw,
    at(t) {
      cursor.setAttribute('x1', x(t));
      cursor.setAttribute('x2', x(t));
    },
  };
}

// ---- playing ----------------------------------------------------------------------

function seek(t) {
  state.t = Math.max(0, Math.min(t, state.end));
  const unit = state.result ? unitOf(state.result) : { seconds: 1, name: 's' };
  $('clock').textContent = fmtTime(state.t, unit);
  $('scrub').value = state.end > 0 ? String(Math.round((state.t / state.end) * 1000)) : '0';
  for (const v of state.views || []) v.update(state.t);
}

let lastFrame = null;
function frame(now) {
  if (!state.playing) return;
  if (lastFrame !== null) {
    // A whole run plays in 10 seconds at 1×.
    const rate = (state.end / 10) * Number($('speed').value);
    seek(state.t + ((now - lastFrame) / 1000) * rate);
  }
  lastFrame = now;
  if (state.t >= state.end) return pause();
  requestAnimationFrame(frame);
}

function play() {
  if (state.t >= state.end) seek(0);
  state.playing = true;
  lastFrame = null;
  $('play').textContent = '❚❚ Pause';
  requestAnimationFrame(frame);
}

function pause() {
  state.playing = false;
  $('play').textContent = '▶ Play';
}

$('play').addEventListener('click', () => (state.playing ? pause() : play()));
$('scrub').addEventListener('input', () => {
  pause();
  seek((Number($('scrub').value) / 1000) * state.end);
});

// ---- live, on the real clock ---------------------------------------------------------

// The live run's events come as the server-sent events of docs/studio.md, in the
// formats of a finished run's result: the page grows a side of the same shape as
// they come (`report.events`, `report.narrative`, `lanes`) and animates it with the
// same kitchen view; the cursor follows the wall clock between events. Once the run
// ends (or is stopped) it is shown as any finished run, from the history.

function liveStatus(text) {
  $('live-status').textContent = text;
}

function liveEnded() {
  $('live-start').disabled = false;
  $('live-stop').disabled = true;
  $('play').disabled = false;
  $('scrub').disabled = false;
  state.live = null;
}

/** Lays out a live run's kitchen from its `start` message. */
function showLive(start) {
  pause();
  const side = {
    mode: start.mode, label: start.label, makespan_s: 0, stats: null, live: true, lanes: start.lanes,
    report: { mode: start.mode, time_unit: start.time_unit, events: [], narrative: [] },
  };
  const result = { sides: [side], live: start.id };
  state.result = result;
  state.end = 0;
  $('results').hidden = false;
  $('totals').replaceChildren(el('div', { class: 'total live-total' },
    el('span', { class: 'label', text: `${start.label} kitchen, live ×${start.speed}` }),
    el('strong', { class: 'value', id: 'live-clock', text: fmtTime(0, start.time_unit) })));
  $('why').replaceChildren();
  state.views = [kitchenView(side, start.time_unit)];
  $('kitchens').replaceChildren(state.views[0].root);
  $('stats').replaceChildren(el('p', { class: 'summary', text: 'The statistics come when the run ends.' }));
  $('links').replaceChildren();
  $('play').disabled = true;
  $('scrub').disabled = true;
  seek(0);
  return result;
}

/** The live run's moment: the last event's time, moved on by the wall clock since, never back. */
function liveFrame() {
  const live = state.live;
  if (!live || state.result !== live.result) return;
  const wall = (performance.now() - live.wall) / 1000;
  // At most one wall second past the last event: a stalled stream does not run on.
  const t = Math.max(state.t, live.t + Math.min(wall, 1) * live.speed);
  state.end = t;
  seek(t);
  $('live-clock').textContent = fmtTime(t, live.result.sides[0].report.time_unit);
  requestAnimationFrame(liveFrame);
}

$('live-start').addEventListener('click', async () => {
  const body = { toml: editor.getValue(), name: state.name, mode: $('live-mode').value };
  if ($('seed').value !== '') body.seed = Number($('seed').value);
  if ($('policy').value) body.policy = $('policy').value;
  if ($('live-speed').value !== '') body.speed = Number($('live-speed').value);
  $('run-error').textContent = '';
  let started;
  try {
    started = await api('POST', '/live', body);
  } catch (e) {
    liveStatus(e.message);
    return;
  }
  const live = { id: started.id, speed: started.speed, t: 0, wall: performance.now(), result: null };
  state.live = live;
  liveStatus(`Live run ${started.id}, ×${started.speed}: running`);
  $('live-start').disabled = true;
  $('live-stop').disabled = false;
  const source = new EventSource(`/api/live/${started.id}/events`);
  live.source = source;
  const side = () => live.result.sides[0];
  source.addEventListener('start', (e) => {
    live.result = showLive(JSON.parse(e.data));
    live.wall = performance.now();
    requestAnimationFrame(liveFrame);
  });
  source.addEventListener('event', (e) => {
    const event = JSON.parse(e.data);
    side().report.events.push(event);
    if (event.t_s > live.t) {
      live.t = event.t_s;
      live.wall = performance.now();
    }
  });
  source.addEventListener('line', (e) => side().report.narrative.push(JSON.parse(e.data)));
  source.addEventListener('span', (e) => {
    const m = JSON.parse(e.data);
    let lane = side().lanes.find((l) => l.label === m.lane);
    if (!lane) {
      lane = { label: m.lane, kind: m.kind, spans: [] };
      side().lanes.push(lane);
    }
    lane.spans[m.index] = m.span;
  });
  source.addEventListener('end', async (e) => {
    source.close();
    const end = JSON.parse(e.data);
    const showing = live.result && state.result === live.result;
    liveEnded();
    let entry;
    try {
      entry = await api('GET', `/history/${end.id}`);
    } catch (err) {
      liveStatus(`Live run ${end.id}: ${end.status} (${err.message})`);
      return;
    }
    liveStatus(`Live run ${end.id}, ×${started.speed}: ${end.status}` + (entry.error ? ` — ${entry.error}` : ''));
    if (!showing) return;
    if (!entry.result) {
      $('run-error').textContent = `Live run ${end.id} ${end.status}: ${entry.error || 'no result'}`;
      return;
    }
    // A finished run like any other, shown at its last moment.
    show({ id: end.id, sides: sidesOf(entry) });
    seek(state.end);
  });
});

$('live-stop').addEventListener('click', async () => {
  if (state.live == null) return;
  try {
    await api('DELETE', `/live/${state.live.id}`);
    liveStatus(`Live run ${state.live.id}, ×${state.live.speed}: stopping`);
  } catch (e) {
    liveStatus(e.message);
  }
});

// ---- sweeps ---------------------------------------------------------------------

const lines = (id) => $(id).value.split('\n').map((l) => l.trim()).filter(Boolean);

$('sweep-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('sweep-error').textContent = '';
  $('sweep-result').hidden = true;
  const body = {
    toml: editor.getValue(), name: state.name, vary: lines('vary'), target: lines('target'),
    replications: Number($('replications').value), mode: $('sweep-mode').value,
  };
  try {
    const started = await api('POST', '/sweeps', body);
    watchSweep(started);
  } catch (e) {
    $('sweep-error').textContent = e.message;
  }
});

function sweepProgress(p) {
  const bar = $('sweep-progress');
  bar.hidden = false;
  bar.max = Math.max(1, p.total);
  bar.value = p.done;
  const left = p.left_s != null ? `, about ${Math.ceil(p.left_s)} s left` : '';
  $('sweep-status').textContent = `${p.done}/${p.total} runs, ${p.elapsed_s.toFixed(1)} s elapsed${left}`;
}

function watchSweep(started) {
  state.sweep = started.id;
  $('sweep-start').disabled = true;
  $('sweep-cancel').disabled = false;
  sweepProgress(started);
  const source = new EventSource(`/api/sweeps/${started.id}/events`);
  source.addEventListener('progress', (e) => sweepProgress(JSON.parse(e.data)));
  source.addEventListener('end', async (e) => {
    source.close();
    const end = JSON.parse(e.data);
    if (end.done !== undefined) sweepProgress(end);
    $('sweep-start').disabled = false;
    $('sweep-cancel').disabled = true;
    const entry = await api('GET', `/history/${started.id}`);
    showSweep(entry);
  });
}

$('sweep-cancel').addEventListener('click', async () => {
  if (state.sweep === null) return;
  try {
    await api('DELETE', `/sweeps/${state.sweep}`);
    $('sweep-status').textContent += ' — cancelling';
  } catch (e) {
    $('sweep-error').textContent = e.message;
  }
});

function showSweep(entry) {
  $('sweep-status').textContent = `Sweep ${entry.id}: ${entry.status}` + (entry.error ? ` (${entry.error})` : '');
  if (!entry.result) return;
  $('sweep-result').hidden = false;
  $('sweep-answer').textContent = entry.result.answer || 'No target: every configuration is in the table.';
  $('sweep-table').textContent = entry.result.table;
  $('sweep-links').replaceChildren('Export: ',
    ...['report.html', 'report.json', 'report.csv'].flatMap((f) => [el('a', { href: `/api/history/${entry.id}/${f}`, target: '_blank', text: f }), ' ']));
  // The page of `cafe sweep --report`: the same table, sortable, and the chart.
  $('sweep-page').src = `/api/history/${entry.id}/report.html`;
}

// ---- history --------------------------------------------------------------------

// The history comes a page at a time, newest first; "Show older" asks for the next.
const HISTORY_PAGE = 20;
let historyNext = null;

async function loadHistory(older = false) {
  const rows = $('history-rows');
  const before = older && historyNext !== null ? `&before=${historyNext}` : '';
  const page = await api('GET', `/history?limit=${HISTORY_PAGE}${before}`);
  if (!older) {
    rows.replaceChildren();
    $('history-compare').disabled = true;
  }
  historyNext = page.next;
  $('history-older').hidden = page.next === null;
  for (const h of page.entries) {
    const reopen = el('button', { class: 'reopen', text: 'Reopen' });
    const tick = el('input', { type: 'checkbox', class: 'tick', 'aria-label': `tick ${h.id}` });
    tick.disabled = h.kind === 'sweep' || h.status !== 'done';
    tick.addEventListener('change', () => {
      const ticked = document.querySelectorAll('#history-rows .tick:checked').length;
      $('history-compare').disabled = ticked !== 2;
    });
    reopen.addEventListener('click', () => reopenEntry(h.id));
    const when = new Date(h.created * 1000).toLocaleString();
    rows.append(el('tr', { 'data-id': h.id, 'data-status': h.status },
      el('td', {}, tick), el('td', { text: h.id }), el('td', { text: h.kind }), el('td', { text: h.name }),
      el('td', { class: `status ${h.status}`, text: h.status }),
      el('td', { text: h.headline || h.error || '' }), el('td', { text: when }), el('td', {}, reopen)));
  }
}

/** The sides an entry shows: a run's one, a comparison's two; each labelled with the entry. */
function sidesOf(entry) {
  const r = entry.result;
  if (entry.kind === 'compare') return r.sides;
  const report = r.report;
  const label = report.mode === 'sync' ? 'synchronous' : 'asynchronous';
  // A live run kept by an older studio has no lanes: its kitchen shows the customers only.
  return [{ mode: report.mode, label, makespan_s: report.makespan_s, stats: report.stats, lanes: r.lanes || [], report }];
}

$('history-compare').addEventListener('click', async () => {
  const ids = [...document.querySelectorAll('#history-rows .tick:checked')].map((t) => t.closest('tr').dataset.id);
  const entries = await Promise.all(ids.map((id) => api('GET', `/history/${id}`)));
  // Oldest first, as they were run.
  entries.sort((a, b) => a.id - b.id);
  const sides = entries.flatMap((e) => sidesOf(e).map((s) => ({ ...s, label: `#${e.id} ${e.name}, ${s.label}` })));
  showTab('kitchen');
  show({ sides, compared: entries.map((e) => e.id) });
});

async function reopenEntry(id) {
  const entry = await api('GET', `/history/${id}`);
  state.name = entry.name;
  editor.setValue(entry.scenario);
  check();
  if (entry.options && entry.options.seed !== undefined) $('seed').value = entry.options.seed;
  if (entry.kind === 'sweep') {
    showTab('sweep');
    $('vary').value = (entry.options.vary || []).join('\n');
    $('target').value = (entry.options.target || []).join('\n');
    showSweep(entry);
    return;
  }
  showTab('kitchen');
  if (!entry.result) {
    $('run-error').textContent = `Entry ${id} is ${entry.status}` + (entry.error ? `: ${entry.error}` : '');
    return;
  }
  show(entry.kind === 'compare' ? { ...entry.result, id } : { id, sides: sidesOf(entry) });
}

loadBuiltins().catch((e) => {
  $('check').textContent = `The studio did not answer: ${e.message}`;
});
