// Real-browser end-to-end test of the web page (GET /) against a running brainscan API.
//
//   node page.e2e.mjs <baseUrl> <outDir> <scan.jpg> <not-an-image.txt>
//
// Drives Debian's Chromium (/usr/bin/chromium) headless through playwright-core, with a fresh
// profile, and blocks every request that is not to the base URL's origin, so nothing leaves the
// machine. Exits 0 when every step passed; otherwise prints "FAIL <step>: <why>", saves
// failure.png in outDir and exits 1. Run by WebPageE2EIT (./mvnw verify).
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [baseUrl, outDir, scanPath, textPath] = process.argv.slice(2);
if (!textPath) {
  console.error('usage: node page.e2e.mjs <baseUrl> <outDir> <scan image> <text file>');
  process.exit(2);
}
const ORIGIN = new URL(baseUrl).origin;
const NOTICE = 'Research use only. Not a medical device; not for diagnosis.';
const WATCHDOG_MS = 100_000;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

mkdirSync(outDir, { recursive: true });
const profile = mkdtempSync(path.join(tmpdir(), 'brainscan-e2e-'));
const blocked = [];
const pageProblems = [];
let context;
let page;
let step = 'launch';

const watchdog = setTimeout(() => {
  console.error(`FAIL ${step}: the browser test ran over ${WATCHDOG_MS / 1000} s`);
  process.exit(1);
}, WATCHDOG_MS);

function check(condition, message) {
  if (!condition) throw new Error(message);
}
function pass(message) {
  console.log(`ok   ${step}: ${message}`);
}

async function newPage() {
  const p = await context.newPage();
  p.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));
  p.on('console', (m) => {
    // A 4xx answer is logged by Chromium as "Failed to load resource"; the page shows those itself.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageProblems.push(`console: ${m.text()}`);
  });
  return p;
}

/** Passes POST /classify through, keeping each answer (status and JSON) for comparison with the page. */
async function recordClassify(p) {
  const answers = [];
  await p.route((url) => url.pathname.endsWith('/classify'), async (route) => {
    const res = await route.fetch();
    const text = await res.text();
    answers.push({ status: res.status(), body: JSON.parse(text) });
    await route.fulfill({ response: res, body: text });
  });
  return answers;
}

async function openPage(p) {
  const res = await p.goto(baseUrl, { waitUntil: 'load' });
  check(res && res.status() === 200, `GET ${baseUrl} answered ${res && res.status()}`);
  check((res.headers()['content-security-policy'] || '').includes("default-src 'self'"), 'the page has no CSP header');
  await p.waitForFunction(() => !/loading/i.test(document.getElementById('model-line').textContent));
  const modelLine = await p.textContent('#model-line');
  check(/brainscan-cnn|Model \S+ \S+/.test(modelLine) && !/unavailable/.test(modelLine),
    `the model line says "${modelLine}"`);
  const notice = (await p.textContent('.notice')).replace(/\s+/g, ' ').trim();
  check(notice.includes(NOTICE), `the notice says "${notice}"`);
  check(await p.isVisible('.notice'), 'the notice is not visible');
}

/** Waits until the detail view shows the named file in a finished state (done or error). */
async function waitForDetail(p, name, state, timeout = 30_000) {
  await p.waitForFunction(([n, s]) => {
    const d = document.getElementById('detail');
    return d && !d.hidden && document.getElementById('detail-name').textContent === n && d.dataset.state === s;
  }, [name, state], { timeout }).catch(async () => {
    const d = await p.evaluate(() => {
      const x = document.getElementById('detail');
      return x ? `${x.dataset.state} / ${document.getElementById('detail-name').textContent} / `
        + `${document.getElementById('error-box').innerText}` : 'no detail view';
    });
    throw new Error(`the detail view never showed ${name} as ${state} (it shows: ${d})`);
  });
}

async function checkResult(p) {
  const label = await p.getAttribute('#result-label', 'data-label');
  const labelText = await p.textContent('#result-label');
  check(['tumor', 'no_tumor'].includes(label), `label is "${label}"`);
  check(['Tumour', 'No tumour'].includes(labelText), `label text is "${labelText}"`);
  const score = await p.textContent('#result-score');
  check(/^[01]\.\d{3}$/.test(score), `score text is "${score}"`);
  const tier = await p.getAttribute('#tier-badge', 'data-tier');
  check(['low', 'medium', 'high'].includes(tier), `tier is "${tier}"`);
  check(await p.isVisible('#tier-badge'), 'the tier badge is not visible');
  const range = await p.textContent('#tier-range');
  check(/score/.test(range), `the tier range says "${range}"`);
  check(await p.isVisible('#gauge-threshold'), 'the decision threshold is not marked on the score bar');
  check(await p.isVisible('#heatmap-toggle'), 'the heatmap toggle is not visible');
  return { label, score, tier, range };
}

/** Pixels of the viewer canvas inside the crop box against the heatmap PNG drawn at the crop box. */
async function overlayCheck(p, crop, heatmapPng) {
  return p.evaluate(async ({ crop: c, png }) => {
    const canvas = document.getElementById('viewer-canvas');
    const img = new Image();
    img.src = 'data:image/png;base64,' + png;
    await img.decode();
    const off = document.createElement('canvas');
    off.width = c.width;
    off.height = c.height;
    const octx = off.getContext('2d');
    octx.drawImage(img, 0, 0, c.width, c.height);
    const m = Math.ceil(Math.max(canvas.width, canvas.height) / 160) + 4; // stay clear of the box's stroke
    const want = octx.getImageData(m, m, c.width - 2 * m, c.height - 2 * m).data;
    const got = canvas.getContext('2d').getImageData(c.x + m, c.y + m, c.width - 2 * m, c.height - 2 * m).data;
    let diff = 0;
    for (let i = 0; i < want.length; i += 4) {
      diff += Math.abs(want[i] - got[i]) + Math.abs(want[i + 1] - got[i + 1]) + Math.abs(want[i + 2] - got[i + 2]);
    }
    const edge = canvas.getContext('2d').getImageData(c.x + 3, c.y + 1, 1, 1).data;
    return { canvas: [canvas.width, canvas.height], meanDiff: diff / (want.length / 4) / 3, edge: Array.from(edge) };
  }, { crop, png: heatmapPng });
}

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS, viewport: DESKTOP, timeout: 30_000,
  });
  context.setDefaultTimeout(15_000);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === ORIGIN) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  page = await newPage();

  step = '1 upload';
  const answers = await recordClassify(page);
  await openPage(page);
  await page.setInputFiles('#file-input', scanPath);
  const scanName = path.basename(scanPath);
  await waitForDetail(page, scanName, 'done');
  check(answers.length === 1 && answers[0].status === 200, `POST /classify answered ${JSON.stringify(answers.map((a) => a.status))}`);
  const api = answers[0].body;
  check(typeof api.heatmapPng === 'string', 'the page did not ask for the heatmap (?heatmap=true)');
  const shown = await checkResult(page);
  check(shown.label === api.label, `the page shows ${shown.label}, the API said ${api.label}`);
  check(shown.score === api.score.toFixed(3), `the page shows score ${shown.score}, the API said ${api.score}`);
  check(shown.tier === api.riskTier, `the page shows tier ${shown.tier}, the API said ${api.riskTier}`);
  pass(`${shown.label}, score ${shown.score}, ${shown.tier} tier (${shown.range})`);
  check(!(await page.isChecked('#heatmap-toggle')), 'the heatmap starts switched on');
  const before = await overlayCheck(page, api.crop, api.heatmapPng);
  await page.click('label[for="heatmap-toggle"]');
  check(await page.isChecked('#heatmap-toggle'), 'clicking the toggle did not switch the heatmap on');
  const after = await overlayCheck(page, api.crop, api.heatmapPng);
  check(after.canvas[0] === api.image.width && after.canvas[1] === api.image.height,
    `the canvas is ${after.canvas}, the image ${api.image.width}x${api.image.height}`);
  check(after.meanDiff < 1, `inside the crop box the canvas differs from the heatmap PNG by ${after.meanDiff.toFixed(2)} `
    + 'per channel: the overlay is not placed at the crop box');
  const [r, g, b] = after.edge;
  check(r < 120 && g > 150 && b > 150, `the crop box's edge pixel is rgb(${r},${g},${b}), not the box colour`);
  pass(`overlay on: matches the heatmap inside the crop box (mean diff ${after.meanDiff.toFixed(3)}, `
    + `${before.meanDiff.toFixed(2)} with it off); crop box drawn`);

  step = '2 text file';
  await page.setInputFiles('#file-input', textPath);
  await waitForDetail(page, path.basename(textPath), 'error');
  check(answers.length === 2, `the page sent ${answers.length} classify requests in all, expected 2`);
  const apiError = answers[1].body.error;
  check(answers[1].status === 415 && apiError && apiError.code === 'UNSUPPORTED_FORMAT',
    `the API answered ${answers[1].status} ${JSON.stringify(answers[1].body)}`);
  const code = await page.textContent('#error-code');
  const message = await page.textContent('#error-message');
  check(code === 'UNSUPPORTED_FORMAT', `the error code shown is "${code}"`);
  check(message === apiError.message, `the message shown is "${message}", the API's "${apiError.message}"`);
  check(await page.isVisible('#error-box'), 'the error box is not visible');
  check(await page.isHidden('#verdict'), 'a verdict is shown for a failed scan');
  const rowText = await page.textContent('#scans-body tr[data-state="error"]');
  check(rowText.includes('UNSUPPORTED_FORMAT'), `the table row says "${rowText}"`);
  await page.screenshot({ path: path.join(outDir, 'desktop-error.png'), fullPage: true });
  pass(`shows ${code}: ${message}`);
  await page.click(`#scans-body tr[data-state="done"] .scan-btn`);
  await waitForDetail(page, scanName, 'done');
  check(await page.isChecked('#heatmap-toggle'), 'the heatmap switched itself off when the scan was chosen again');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(outDir, 'desktop-overlay.png'), fullPage: true });
  pass('desktop-overlay.png and desktop-error.png saved');

  step = '3 keyboard';
  await page.close();
  page = await newPage();
  await openPage(page);
  let focused = '';
  for (let i = 0; i < 15 && focused !== 'drop-zone'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  }
  check(focused === 'drop-zone', 'Tab never reached the drop zone');
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  check(outline.style !== 'none' && outline.width >= 2, `the focused drop zone has no visible outline (${JSON.stringify(outline)})`);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
  check(chooser.isMultiple(), 'the file chooser does not take several files');
  await chooser.setFiles(scanPath);
  await waitForDetail(page, scanName, 'done');
  await checkResult(page);
  pass('Tab reaches the drop zone (visible focus); Enter opens the chooser; the result appears');
  check(await page.evaluate(() => document.activeElement.id) === 'drop-zone', 'the drop zone lost focus');
  const [again] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await again.setFiles(scanPath);
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('#scans-body tr');
    return rows.length === 2 && [...rows].every((r) => r.dataset.state === 'done')
      && document.getElementById('detail').dataset.scanId === rows[1].dataset.scanId;
  }, null, { timeout: 30_000 });
  pass('Space opens the chooser too; a second row appears and is shown');

  step = '4 phone width';
  await page.setViewportSize(PHONE);
  await page.click('label[for="heatmap-toggle"]');
  await page.evaluate(() => window.scrollTo(0, 0));
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
    body: document.body.scrollWidth,
    wide: Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > 376)
      .slice(0, 5).map((e) => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')),
  }));
  check(widths.scroll <= widths.client && widths.body <= widths.client,
    `at 375 px the page scrolls sideways (scrollWidth ${widths.scroll}, clientWidth ${widths.client}; too wide: ${widths.wide})`);
  await page.screenshot({ path: path.join(outDir, 'phone.png'), fullPage: true });
  pass(`no horizontal scroll (scrollWidth ${widths.scroll} = clientWidth ${widths.client}); phone.png saved`);

  step = '5 large file via /uploads';
  await page.close();
  page = await newPage();
  await page.setViewportSize(DESKTOP);
  // Make the page treat the scan as "large": the same GET /model with a tiny syncMaxBytes.
  await page.route('**/model', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.limits.syncMaxBytes = 1000;
    await route.fulfill({ response: res, json: body });
  });
  await openPage(page);
  const ticket = page.waitForResponse((res) => res.url().endsWith('/uploads') && res.request().method() === 'POST');
  await page.setInputFiles('#file-input', scanPath);
  check((await ticket).status() === 201, 'POST /uploads did not answer 201');
  await waitForDetail(page, scanName, 'done');
  await checkResult(page);
  const meta = await page.textContent('#detail-meta');
  check(meta.includes('/uploads'), `the detail does not say it went through /uploads ("${meta}")`);
  check(await page.isDisabled('#heatmap-toggle'), 'the heatmap toggle is enabled without a heatmap');
  pass('uploaded, polled GET /results, result shown (no heatmap, toggle disabled)');

  step = 'network and console';
  check(blocked.length === 0, `the page tried to reach other origins: ${blocked.join(', ')}`);
  check(pageProblems.length === 0, `the page logged problems: ${pageProblems.join(' | ')}`);
  pass('no request left the origin; no script errors or CSP violations');
  console.log('PASS page.e2e: all steps passed');
} catch (e) {
  console.error(`FAIL ${step}: ${e.message}`);
  if (pageProblems.length) console.error(`page problems: ${pageProblems.join(' | ')}`);
  if (page) await page.screenshot({ path: path.join(outDir, 'failure.png'), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
