// Café Studio in a real browser: Debian's headless Chromium, driven by
// playwright-core (which downloads no browser). Starts `cafe studio` on a free port
// with a fresh history, then: runs lunch and sees 15 and 10 minutes, plays the
// animation and scrubs it; runs it live on the real clock and sees the kitchen,
// narrative and timeline advance, then stops it; types a mistake and sees it
// located; runs a small sweep and sees its progress and answer; restarts the studio
// and reopens the run from the history; pages through the history; moves the
// kitchen's sliders on rush-hour and sees the TOML and the results change; moves the
// takeaway counter's arrival-rate slider. Screenshots go to target/studio-browser/.
//
// CAFE_BIN: the `cafe` binary (default target/debug/cafe); CAFE_CHROMIUM: the
// browser (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cafe = process.env.CAFE_BIN || path.join(root, 'target/debug/cafe');
const shots = path.join(root, 'target/studio-browser');
const dir = mkdtempSync(path.join(tmpdir(), 'cafe-studio-browser-'));
const db = path.join(dir, 'history.sqlite3');
mkdirSync(shots, { recursive: true });

let browser, page, studio, url;
const problems = [];

/** Starts `cafe studio` on a free port; resolves with its URL. */
function startStudio() {
  return new Promise((resolve, reject) => {
    const child = spawn(cafe, ['studio', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the studio did not start: ${out}`)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0] });
      }
    });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => reject(new Error(`the studio exited (${code}): ${out}`)));
  });
}

function stopStudio(s) {
  return new Promise((resolve) => {
    s.child.removeAllListeners('exit');
    s.child.on('exit', (code, signal) => resolve({ code, signal }));
    s.child.kill('SIGTERM');
  });
}

async function shot(name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

before(async () => {
  studio = await startStudio();
  url = studio.url;
  browser = await chromium.launch({
    executablePath: process.env.CAFE_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) problems.push(`left the studio: ${r.url()}`); });
});

after(async () => {
  await browser?.close();
  if (studio) await stopStudio(studio);
  rmSync(dir, { recursive: true, force: true });
});

test('lunch runs both kitchens: 15 and 10 minutes, an animation that plays and scrubs', async () => {
  await page.goto(url);
  await page.selectOption('#builtin', 'lunch');
  await page.waitForSelector('#check.ok');
  await page.click('#run');
  const totals = page.locator('.total .value');
  await totals.first().waitFor();
  assert.deepEqual(await totals.allTextContents(), ['15.00 min', '10.00 min', '1.50×']);
  assert.match(await page.textContent('#why'), /stood by 13 min of 15 min/);
  assert.equal(await page.textContent('#clock'), '0.00 min');
  await shot('1-lunch-start');

  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#clock').textContent !== '0.00 min');
  await page.waitForFunction(() => [...document.querySelectorAll('.side')].every((s) => s.dataset.served === '1'), null, { timeout: 20000 });
  assert.equal(await page.textContent('#clock'), '15.00 min');
  await shot('2-lunch-played');

  // Scrub to the middle: 7.50 min; the asynchronous cook has finished the avocado
  // and the pasta is still on the stove in both kitchens.
  await page.locator('#scrub').fill('500');
  assert.equal(await page.textContent('#clock'), '7.50 min');
  const served = await page.$$eval('.side', (s) => s.map((x) => x.dataset.served));
  assert.deepEqual(served, ['0', '0']);
  const now = await page.$$eval('.side', (s) => s.map((x) => x.querySelector('.narrative li.now')?.textContent ?? ''));
  assert.ok(now.every((line) => line.length > 0), `a narrative line is highlighted on each side: ${now}`);
  const stove = await page.$$eval('.side rect.unit', (r) => r.map((x) => x.getAttribute('fill')));
  assert.ok(stove.includes('#4e79a7'), `a unit is busy unattended at 7.5 min: ${stove}`);
  await shot('3-lunch-scrubbed');
});

test('a live run on the real clock animates as it happens, then is a finished run', async () => {
  await page.click('#live-box summary');
  await page.fill('#live-speed', '600');
  await page.click('#live-start');
  await page.waitForFunction(() => /: done$/.test(document.querySelector('#live-status').textContent), null, { timeout: 20000 });
  // Once ended, the run is shown as any finished run, at its last moment.
  await page.waitForSelector('#stats table.stats');
  assert.deepEqual(await page.locator('.total .value').allTextContents(), ['10.00 min']);
  assert.equal(await page.textContent('#clock'), '10.00 min');
  const lines = await page.$$eval('.side .narrative li', (l) => l.map((x) => x.lastChild.textContent));
  assert.equal(lines.length, 8);
  assert.equal(lines[0], 'Preparing lunch.');
  assert.equal(lines[7], 'Eating after 10 min of prep time.');
  assert.equal(await page.$eval('.side', (s) => s.dataset.served), '1');
  assert.ok(!(await page.isDisabled('#scrub')), 'the finished run scrubs');
  await shot('4-live-done');
});

test('a slow live run shows its kitchen, narrative and timeline advancing, and can be stopped', async () => {
  // Lunch at ×30: 10 minutes in 20 seconds of wall time.
  await page.fill('#live-speed', '30');
  await page.click('#live-start');
  await page.waitForFunction(() => /: running$/.test(document.querySelector('#live-status').textContent));
  const clock = () => page.textContent('#clock');
  const minutes = async () => parseFloat(await clock());
  // The avocado: the cook hands-on (orange), the stove unattended (blue), while it runs.
  await page.waitForFunction(() => document.querySelector('.side .cook circle')?.getAttribute('fill') === '#f28e2b', null, { timeout: 10000 });
  assert.ok(await page.isDisabled('#scrub'), 'a live run does not scrub');
  const units = await page.$$eval('.side rect.unit', (r) => r.map((x) => x.getAttribute('fill')));
  assert.ok(units.includes('#4e79a7'), `a unit is busy unattended: ${units}`);
  const first = await minutes();
  const cursor = await page.$eval('.side svg.timeline .cursor', (c) => Number(c.getAttribute('x1')));
  const narrated = await page.$$eval('.side .narrative li', (l) => l.length);
  assert.ok(narrated >= 1, `the narrative so far: ${narrated} lines`);
  assert.equal(await page.locator('.side .narrative li.now').count(), 1);
  assert.equal(await page.$eval('.side', (s) => s.dataset.waiting), '1', 'lunch waits in the café');
  await shot('5-live-running');
  // Past 2 minutes the avocado is peeled: the cook is idle, the pasta still boils.
  await page.waitForFunction(() => parseFloat(document.querySelector('#clock').textContent) > 2.2, null, { timeout: 10000 });
  assert.ok(await minutes() > first, 'the clock advances');
  assert.equal(await page.$eval('.side .cook circle', (c) => c.getAttribute('fill')), '#e8e8e8');
  assert.ok((await page.$$eval('.side rect.unit', (r) => r.map((x) => x.getAttribute('fill')))).includes('#4e79a7'));
  assert.ok(await page.$$eval('.side .narrative li', (l) => l.length) > narrated, 'more of the narrative');
  assert.ok(await page.locator('.side svg.timeline .bar').count() > 0, 'the timeline has bars');
  const later = await page.$eval('.side svg.timeline .cursor', (c) => Number(c.getAttribute('x1')));
  assert.notEqual(later, cursor, 'the timeline cursor moves');
  assert.match(await page.textContent('#live-status'), /: running$/);

  await page.click('#live-stop');
  await page.waitForFunction(() => /: cancelled$/.test(document.querySelector('#live-status').textContent), null, { timeout: 10000 });
  await page.waitForSelector('#stats table.stats');
  const stoppedAt = await minutes();
  assert.ok(stoppedAt >= 2 && stoppedAt < 10, `stopped part of the way: ${stoppedAt}`);
  assert.equal(await page.$eval('.side', (s) => s.dataset.served), '0');
  // What ran scrubs like a finished run, and is in the history.
  await page.locator('#scrub').fill('0');
  assert.equal(await clock(), '0.00 min');
  await page.click('button[data-tab=history]');
  const row = page.locator('#history-rows tr').first();
  await row.waitFor();
  assert.equal(await row.getAttribute('data-status'), 'cancelled');
  assert.match(await row.textContent(), /real clock ×30: stopped/);
  await page.click('button[data-tab=kitchen]');
  await shot('6-live-stopped');
});

test('a mistake typed into the editor is located at its line and column', async () => {
  const text = await page.evaluate(() => studio.editor.getValue());
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes('"stove"'));
  const ch = lines[at].indexOf('"stove"');
  // Select `"stove"` in the editor and type over it, key by key.
  await page.evaluate(({ at, ch }) => {
    studio.editor.focus();
    studio.editor.setSelection({ line: at, ch }, { line: at, ch: ch + 7 });
  }, { at, ch });
  await page.keyboard.type('"oven"');
  const problem = page.locator('.problem').first();
  await problem.waitFor();
  assert.equal(await problem.locator('.where').textContent(), `line ${at + 1}, column ${ch + 1}`);
  assert.match(await problem.locator('.message').textContent(), /unknown equipment `oven`/);
  assert.ok(await page.isDisabled('#run'));
  assert.equal(await page.locator('.CodeMirror .bad-line').count(), 1);
  assert.equal(await page.locator('.CodeMirror .problem-dot').count(), 1);
  // A click on the problem puts the cursor on it.
  await page.evaluate(() => studio.editor.setCursor({ line: 0, ch: 0 }));
  await problem.click();
  const cursor = await page.evaluate(() => studio.editor.getCursor('from'));
  assert.deepEqual([cursor.line, cursor.ch], [at, ch]);
  await shot('7-editor-problem');
  await page.evaluate((t) => studio.editor.setValue(t), text);
  await page.waitForSelector('#check.ok');
  assert.equal(await page.locator('.CodeMirror .bad-line').count(), 0);
  // Saved as one's own, it joins the picker.
  await page.fill('#save-name', 'my-lunch');
  await page.click('#save');
  await page.waitForSelector('#saved option[value="saved:my-lunch"]', { state: 'attached' });
  assert.equal(await page.textContent('#save-status'), 'saved as my-lunch');
});

test('a small sweep shows its progress and names the cheapest kitchen', async () => {
  await page.selectOption('#builtin', 'coffee-shop');
  await page.waitForSelector('#check.ok');
  await page.click('button[data-tab=sweep]');
  await page.fill('#vary', 'cooks=1..3');
  await page.fill('#target', 'mean_wait <= 2');
  await page.fill('#replications', '20');
  await page.click('#sweep-start');
  await page.waitForSelector('#sweep-result:not([hidden])', { timeout: 60000 });
  const bar = await page.$eval('#sweep-progress', (p) => [p.value, p.max]);
  assert.deepEqual(bar, [60, 60]);
  assert.match(await page.textContent('#sweep-status'), /Sweep \d+: done/);
  assert.match(await page.textContent('#sweep-answer'), /cook/);
  assert.match(await page.textContent('#sweep-table'), /cooks/);
  const frame = page.frameLocator('#sweep-page');
  await frame.locator('table').first().waitFor();
  assert.ok(await frame.locator('svg').count() > 0, "the sweep's page has its chart");
  await shot('8-sweep');
});

test('a run reopens from the history after the studio restarts', async () => {
  const stopped = await stopStudio(studio);
  assert.equal(stopped.code, 0, `Ctrl-C (SIGTERM) stops the studio cleanly: ${JSON.stringify(stopped)}`);
  studio = await startStudio();
  url = studio.url;
  await page.goto(url);
  await page.click('button[data-tab=history]');
  const row = page.locator('#history-rows tr', { hasText: 'compare' });
  await row.first().waitFor();
  assert.deepEqual(await page.$$eval('#history-rows tr', (r) => r.map((x) => x.children[2].textContent)), ['sweep', 'run', 'run', 'compare']);
  await row.locator('button.reopen').click();
  await page.waitForSelector('#kitchen.active .total');
  assert.deepEqual(await page.locator('.total .value').allTextContents(), ['15.00 min', '10.00 min', '1.50×']);
  assert.ok(await page.evaluate(() => studio.editor.getValue().includes('name = "lunch"')));
  await shot('9-reopened');
  assert.ok(await page.$('#saved option[value="saved:my-lunch"]'), 'the saved scenario is still there');
  // Two entries of the history side by side: the comparison's two kitchens and the live run.
  await page.click('button[data-tab=history]');
  await page.locator('#history-rows tr', { hasText: 'compare' }).locator('.tick').check();
  await page.locator('#history-rows tr[data-status=done]', { hasText: 'run' }).locator('.tick').check();
  assert.ok(await page.locator('#history-rows tr', { hasText: 'sweep' }).locator('.tick').isDisabled());
  await page.click('#history-compare');
  await page.waitForSelector('#kitchen.active');
  assert.deepEqual(await page.locator('.total .value').allTextContents(), ['15.00 min', '10.00 min', '10.00 min']);
  assert.equal(await page.locator('.side').count(), 3);
  await shot('10-history-compared');
  assert.deepEqual(problems, []);
});

test('the history shows a page at a time, and older entries on asking', async () => {
  // 25 more runs of the café: 29 entries in all, the page shows 20.
  await page.evaluate(async () => {
    const toml = studio.editor.getValue();
    for (let i = 0; i < 25; i++) {
      const res = await fetch('/api/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ toml, name: 'lunch', seed: i }) });
      if (!res.ok) throw new Error(await res.text());
    }
  });
  await page.click('button[data-tab=history]');
  const ids = () => page.$$eval('#history-rows tr', (r) => r.map((x) => Number(x.dataset.id)));
  await page.waitForFunction(() => document.querySelectorAll('#history-rows tr').length === 20);
  assert.ok(await page.isVisible('#history-older'), 'older entries can be shown');
  const first = await ids();
  await page.click('#history-older');
  await page.waitForFunction(() => document.querySelectorAll('#history-rows tr').length === 29);
  const all = await ids();
  assert.deepEqual(all.slice(0, 20), first);
  assert.deepEqual(all, [...all].sort((a, b) => b - a), 'newest first');
  assert.equal(new Set(all).size, 29);
  assert.equal(all[28], 1);
  assert.ok(await page.isHidden('#history-older'), 'nothing older');
  await shot('11-history-paged');
  assert.deepEqual(problems, []);
});

test("the kitchen's sliders rewrite the TOML and run both kitchens again", async () => {
  // Late: the comparisons the sliders run join the history the tests above count.
  await page.click('button[data-tab=kitchen]');
  await page.selectOption('#builtin', 'rush-hour');
  await page.waitForSelector('#check.ok');
  const cooks = page.locator('#slider-cooks');
  await cooks.waitFor();
  assert.equal(await page.textContent('#sliders legend'), 'Kitchen');
  assert.equal(await page.textContent('label[for=slider-cooks]'), 'Cooks');
  assert.equal(await page.textContent('label[for=slider-equipment-espresso_machine]'), 'espresso machine');
  assert.equal(await cooks.inputValue(), '2');
  assert.equal(await page.textContent('output[for=slider-cooks]'), '2');
  // The scenario's own seed and policy (reopening lunch from the history set its seed).
  await page.fill('#seed', '');
  await page.selectOption('#policy', '');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#totals .value')?.textContent === '177.92 min');
  const meanWait = () => page.$$eval('#stats tr', (rows) => {
    const row = rows.find((r) => r.firstChild.textContent === 'mean wait');
    return [...row.children].slice(1).map((c) => c.textContent);
  });
  assert.deepEqual(await page.locator('.total .value').allTextContents(), ['177.92 min', '176.28 min', '1.01×']);
  assert.deepEqual(await meanWait(), ['2.87 min', '0.54 min']);
  const before = await page.evaluate(() => studio.editor.getValue());

  // Two more baristas: the text says so (its comments kept), and both kitchens run again.
  await cooks.fill('4');
  assert.equal(await page.textContent('output[for=slider-cooks]'), '4');
  await page.waitForFunction(() => /^cooks = 4$/m.test(studio.editor.getValue()));
  const after = await page.evaluate(() => studio.editor.getValue());
  const changed = before.split('\n').map((l, i) => [l, after.split('\n')[i]]).filter(([a, b]) => a !== b);
  assert.deepEqual(changed, [['cooks = 2', 'cooks = 4']]);
  await page.waitForFunction(() => document.querySelector('#totals .value')?.textContent === '177.36 min', null, { timeout: 20000 });
  assert.deepEqual(await page.locator('.total .value').allTextContents(), ['177.36 min', '176.20 min', '1.01×']);
  assert.deepEqual(await meanWait(), ['0.18 min', '0.03 min']);
  assert.equal(await page.locator('.side').first().locator('.cook').count(), 4, 'four cooks drawn');
  await shot('12-sliders');

  // A second espresso machine: its line changes, the cost beside it stays.
  await page.locator('#slider-equipment-espresso_machine').fill('2');
  await page.waitForFunction(() => studio.editor.getValue().includes('espresso_machine = { capacity = 2, cost = 12 }'));
  await page.waitForSelector('#check.ok');
  assert.equal(await cooks.inputValue(), '4', 'the cooks slider keeps its value');
  assert.deepEqual(problems, []);
});

test("the takeaway counter's arrival-rate slider changes its rate", async () => {
  // The built-in whose customers come at a Poisson rate.
  await page.selectOption('#builtin', 'takeaway');
  await page.waitForSelector('#check.ok');
  const rate = page.locator('#slider-arrivals-rate');
  await rate.waitFor();
  assert.equal(await page.textContent('label[for=slider-arrivals-rate]'), 'Customers per min');
  assert.equal(await rate.inputValue(), '1');
  assert.deepEqual(await rate.evaluate((r) => [r.min, r.max, r.step]), ['0.05', '4', '0.05']);
  await page.fill('#seed', '');
  await page.selectOption('#policy', '');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#totals .value')?.textContent === '92.51 min');
  assert.deepEqual(await page.locator('.total .value').allTextContents(), ['92.51 min', '59.51 min', '1.55×']);

  // Half as many customers again: the synchronous cook falls far behind, the
  // asynchronous one keeps up (`cafe compare` of the edited text gives these).
  await rate.fill('1.5');
  assert.equal(await page.textContent('output[for=slider-arrivals-rate]'), '1.5');
  await page.waitForFunction(() => /^rate = 1\.5  # customers a minute$/m.test(studio.editor.getValue()));
  await page.waitForFunction(() => document.querySelector('#totals .value')?.textContent === '142.19 min', null, { timeout: 20000 });
  assert.deepEqual(await page.locator('.total .value').allTextContents(), ['142.19 min', '62.47 min', '2.28×']);
  await shot('13-rate-slider');
  assert.deepEqual(problems, []);
});
