// Real-browser end-to-end test of the web page (GET /) against a running brainscan API.
//
//   node page.e2e.mjs <baseUrl> <outDir> <scan.jpg> <not-an-image.txt> [<slice.dcm>...]
//
// With DICOM slices of one series (three, from WebPageE2EIT), step 10 checks the layout at 375
// and 1280 px for a JPEG, one DICOM slice and the whole series: the verdict before the image on
// a phone, the heading below the sticky notice, the score on one line, no "100 %", the heatmap
// only when asked (DICOM too) and words that match what is drawn.
//
// Drives Debian's Chromium (/usr/bin/chromium) headless through playwright-core, with a fresh
// profile, and blocks every request that is not to the base URL's origin, so nothing leaves the
// machine. Exits 0 when every step passed; otherwise prints "FAIL <step>: <why>", saves
// failure.png in outDir and exits 1. Run by WebPageE2EIT (./mvnw verify).
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [baseUrl, outDir, scanPath, textPath, ...dicomPaths] = process.argv.slice(2);
// Made-up patient data inside the DICOM slices: none of it may reach the page.
const PRIVATE = JSON.parse(process.env.BRAINSCAN_E2E_PRIVATE || '[]');
if (!textPath) {
  console.error('usage: node page.e2e.mjs <baseUrl> <outDir> <scan image> <text file>');
  process.exit(2);
}
const ORIGIN = new URL(baseUrl).origin;
const NOTICE = 'Research use only. Not a medical device; not for diagnosis.';
const WATCHDOG_MS = 400_000; // 17 s on an idle machine; 156 and 212 s on 2 cores shared with five builds
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

mkdirSync(outDir, { recursive: true });
const profile = mkdtempSync(path.join(tmpdir(), 'brainscan-e2e-'));
const files = mkdtempSync(path.join(tmpdir(), 'brainscan-e2e-files-'));
const blocked = [];
const pageProblems = [];
let context;
let page;
let step = 'launch';

const watchdog = setTimeout(() => {
  console.error(`FAIL ${step}: the browser test ran over ${WATCHDOG_MS / 1000} s`);
  process.exit(1);
}, WATCHDOG_MS);

/** The page's score text: three decimals, never 1.000 or 0.000. */
function fmtScore(v) {
  if (v >= 0.9995) return '> 0.999';
  if (v < 0.0005) return '< 0.001';
  return v.toFixed(3);
}

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

/**
 * File choosers of the page, in order. Listening from the start keeps Playwright's interception
 * on before any key is pressed; a waitForEvent begun together with the key press can miss it.
 */
function fileChoosers(p) {
  const ready = [];
  let wake = null;
  p.on('filechooser', (c) => {
    ready.push(c);
    if (wake) wake();
  });
  return (timeout = 10_000) => new Promise((resolve, reject) => {
    if (ready.length) return resolve(ready.shift());
    const timer = setTimeout(() => reject(new Error(`no file chooser opened within ${timeout / 1000} s`)), timeout);
    wake = () => {
      clearTimeout(timer);
      wake = null;
      resolve(ready.shift());
    };
  });
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
  check(/^([01]\.\d{3}|> 0\.999|< 0\.001)$/.test(score) && score !== '1.000' && score !== '0.000',
    `score text is "${score}"`);
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

/**
 * Visible text below the WCAG AA contrast ratio (4.5:1, or 3:1 for large text) against its
 * background: the first opaque background up the tree, with translucent ones blended over it.
 */
async function contrastProblems(p) {
  return p.evaluate(() => {
    const rgba = (s) => {
      const m = s.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const v = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
      return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
    };
    const background = (node) => {
      const layers = [];
      for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
        const c = rgba(getComputedStyle(n).backgroundColor);
        if (c && c[3] > 0) {
          layers.push(c);
          if (c[3] >= 1) break;
        }
      }
      let out = [255, 255, 255];
      for (const c of layers.reverse()) out = out.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
      return out;
    };
    const lum = (c) => {
      const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const problems = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const e = t.parentElement;
      if (!t.textContent.trim() || !e || seen.has(e) || e.closest('[hidden], .visually-hidden, noscript, script, style')) continue;
      seen.add(e);
      const r = e.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.display === 'none' || e.closest('[disabled]')) continue;
      const fg = rgba(s.color);
      const bg = background(e);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(s.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        problems.push(`"${t.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1 (${s.color} on rgb(${bg.map(Math.round)}))`);
      }
    }
    return problems;
  });
}

/**
 * Line breaks inside a word (between two letters or digits) in the elements matching the
 * selector, found from where each character is laid out; and how many lines they span.
 */
async function midWordBreaks(p, selector) {
  return p.evaluate((sel) => {
    const found = [];
    let lines = 0;
    for (const e of document.querySelectorAll(sel)) {
      if (!e.getClientRects().length || e.closest('[hidden]')) continue;
      const chars = [];
      const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        for (let i = 0; i < t.length; i++) {
          const r = document.createRange();
          r.setStart(t, i);
          r.setEnd(t, i + 1);
          const rect = r.getClientRects()[0];
          if (rect && rect.width > 0) chars.push({ ch: t.data[i], top: rect.top });
        }
      }
      lines += chars.length ? 1 : 0;
      for (let i = 1; i < chars.length; i++) {
        if (chars[i].top > chars[i - 1].top + 2) {
          lines++;
          if (/[A-Za-z0-9]/.test(chars[i - 1].ch) && /[A-Za-z0-9]/.test(chars[i].ch)) {
            const text = chars.map((c) => c.ch).join('');
            found.push(`${sel} "${text.slice(Math.max(0, i - 10), i)}|${text.slice(i, i + 10)}"`);
          }
        }
      }
    }
    return { found, lines };
  }, selector);
}

/** The JPEG with an EXIF segment saying "rotate 90 degrees" (orientation 6) right after its start marker. */
function withExifRotation(jpeg) {
  const tiff = Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const header = Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

/**
 * Mean difference per channel between the viewer canvas (heatmap off) and each JPEG decoded by
 * the browser and drawn at the canvas size, away from the crop box's stroke.
 */
async function canvasAgainst(p, crop, jpegs) {
  return p.evaluate(async ({ crop: c, jpegs: list }) => {
    const canvas = document.getElementById('viewer-canvas');
    const w = canvas.width;
    const h = canvas.height;
    const got = canvas.getContext('2d').getImageData(0, 0, w, h).data;
    const band = 8;
    const nearBox = (x, y) => {
      const inX = x >= c.x - band && x <= c.x + c.width + band;
      const inY = y >= c.y - band && y <= c.y + c.height + band;
      return (inY && (Math.abs(x - c.x) <= band || Math.abs(x - c.x - c.width) <= band))
        || (inX && (Math.abs(y - c.y) <= band || Math.abs(y - c.y - c.height) <= band));
    };
    const out = [];
    for (const b64 of list) {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
      const off = new OffscreenCanvas(w, h);
      const octx = off.getContext('2d');
      octx.drawImage(bmp, 0, 0, w, h);
      const want = octx.getImageData(0, 0, w, h).data;
      let diff = 0;
      let n = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (nearBox(x, y)) continue;
          const i = (y * w + x) * 4;
          diff += Math.abs(want[i] - got[i]) + Math.abs(want[i + 1] - got[i + 1]) + Math.abs(want[i + 2] - got[i + 2]);
          n++;
        }
      }
      out.push(diff / n / 3);
    }
    return out;
  }, { crop, jpegs });
}

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.BRAINSCAN_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS, viewport: DESKTOP, timeout: 30_000,
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
  check(shown.score === fmtScore(api.score), `the page shows score ${shown.score}, the API said ${api.score}`);
  check(shown.tier === api.riskTier, `the page shows tier ${shown.tier}, the API said ${api.riskTier}`);
  pass(`${shown.label}, score ${shown.score}, ${shown.tier} tier (${shown.range})`);
  check(!(await page.isChecked('#heatmap-toggle')), 'the heatmap starts switched on');
  const before = await overlayCheck(page, api.crop, api.heatmapPng);
  await page.getByRole('switch', { name: /show heatmap/i }).click(); // found by its label, as assistive tech finds it
  check(await page.isChecked('#heatmap-toggle'), 'clicking the toggle did not switch the heatmap on');
  const after = await overlayCheck(page, api.crop, api.heatmapPng);
  check(after.canvas[0] === api.image.width && after.canvas[1] === api.image.height,
    `the canvas is ${after.canvas}, the image ${api.image.width}x${api.image.height}`);
  check(after.meanDiff < 1, `inside the crop box the canvas differs from the heatmap PNG by ${after.meanDiff.toFixed(2)} `
    + 'per channel: the overlay is not placed at the crop box');
  const [r, g, b] = after.edge;
  check(r < 120 && g > 150 && b > 150, `the crop box's edge pixel is rgb(${r},${g},${b}), not the box colour`);
  const lowContrast = await contrastProblems(page);
  check(lowContrast.length === 0, `text below WCAG AA contrast: ${lowContrast.join('; ')}`);
  pass(`overlay on: matches the heatmap inside the crop box (mean diff ${after.meanDiff.toFixed(3)}, `
    + `${before.meanDiff.toFixed(2)} with it off); crop box drawn`);

  const drawn = await page.evaluate(() => document.getElementById('viewer-canvas').getBoundingClientRect().width);
  check(drawn >= 500, `at ${DESKTOP.width} px the scan is drawn ${Math.round(drawn)} px wide`);
  await page.getByRole('button', { name: 'Enlarge' }).click();
  const big = await page.evaluate(() => {
    const r = document.getElementById('viewer-canvas').getBoundingClientRect();
    return { w: r.width, h: r.height, vw: innerWidth, vh: innerHeight };
  });
  check(big.w >= big.vw - 2 && big.h >= big.vh - 2, `the enlarged view is ${big.w}x${big.h} in a ${big.vw}x${big.vh} window`);
  await page.keyboard.press('Escape');
  check(await page.evaluate(() => !document.querySelector('.canvas-box.zoomed')), 'Escape did not close the enlarged view');
  pass(`the scan is drawn ${Math.round(drawn)} px wide at ${DESKTOP.width} px; Enlarge fills the window, Escape closes it`);

  step = '2 text file';
  // Under a name that is markup: the page must show it as text, never run it.
  const hostileName = `<img src=x onerror="window.__injected=1">${path.basename(textPath)}`;
  const hostilePath = path.join(files, hostileName);
  writeFileSync(hostilePath, readFileSync(textPath));
  await page.setInputFiles('#file-input', hostilePath);
  await waitForDetail(page, hostileName, 'error');
  check(await page.evaluate(() => window.__injected === undefined && !document.querySelector('main img:not(.thumb)')),
    'a file name was put into the page as HTML');
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
  const errorContrast = await contrastProblems(page);
  check(errorContrast.length === 0, `text below WCAG AA contrast: ${errorContrast.join('; ')}`);
  await page.screenshot({ path: path.join(outDir, 'desktop-error.png'), fullPage: true });
  pass(`shows ${code}: ${message} (file name shown as text, not markup)`);
  await page.click(`#scans-body tr[data-state="done"] .scan-btn`);
  await waitForDetail(page, scanName, 'done');
  check(await page.isChecked('#heatmap-toggle'), 'the heatmap switched itself off when the scan was chosen again');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(outDir, 'desktop-overlay.png'), fullPage: true });
  pass('desktop-overlay.png and desktop-error.png saved');

  step = '3 keyboard';
  await page.close();
  page = await newPage();
  const nextChooser = fileChoosers(page);
  await openPage(page);
  let focused = '';
  for (let i = 0; i < 15 && focused !== 'drop-zone'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  }
  check(focused === 'drop-zone', 'Tab never reached the drop zone');
  check(await page.getByRole('button', { name: 'Choose scan files, or drop them here', exact: true }).evaluate((e) => e === document.activeElement),
    'the focused drop zone has no accessible name saying what it does');
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  check(outline.style !== 'none' && outline.width >= 2, `the focused drop zone has no visible outline (${JSON.stringify(outline)})`);
  await page.keyboard.press('Enter');
  const chooser = await nextChooser();
  check(chooser.isMultiple(), 'the file chooser does not take several files');
  await chooser.setFiles(scanPath);
  await waitForDetail(page, scanName, 'done');
  await checkResult(page);
  pass('Tab reaches the drop zone (visible focus); Enter opens the chooser; the result appears');
  check(await page.evaluate(() => document.activeElement.id) === 'drop-zone', 'the drop zone lost focus');
  await page.keyboard.press('Space');
  await (await nextChooser()).setFiles(scanPath);
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
  const phoneContrast = await contrastProblems(page);
  check(phoneContrast.length === 0, `text below WCAG AA contrast: ${phoneContrast.join('; ')}`);
  pass(`no horizontal scroll (scrollWidth ${widths.scroll} = clientWidth ${widths.client}); phone.png saved`);

  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.tap('#scans-body tr:first-child .scan-btn').catch(() => page.click('#scans-body tr:first-child .scan-btn'));
  await page.waitForFunction(() => {
    const h = document.getElementById('detail-heading').getBoundingClientRect().top;
    const w = window;
    if (w.__lastTop === h) return true; // the smooth scroll has settled
    w.__lastTop = h;
    return false;
  }, null, { polling: 150, timeout: 5000 });
  const heading = await page.evaluate(() => ({
    top: document.getElementById('detail-heading').getBoundingClientRect().top,
    notice: document.querySelector('.notice').getBoundingClientRect().bottom,
  }));
  check(heading.top >= heading.notice, `after tapping a row the scan heading (top ${heading.top}) is under the `
    + `sticky notice (bottom ${heading.notice})`);
  pass(`tapping a row shows the scan heading below the notice (${Math.round(heading.top)} px >= ${Math.round(heading.notice)} px)`);

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
  // Dropped, not picked: a DataTransfer holding the file, as a drag from the desktop delivers it.
  const dataTransfer = await page.evaluateHandle(({ b64, name }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], name, { type: 'image/jpeg' }));
    return dt;
  }, { b64: readFileSync(scanPath).toString('base64'), name: scanName });
  await page.dispatchEvent('#drop-zone', 'dragenter', { dataTransfer });
  check(await page.evaluate(() => document.getElementById('drop-zone').classList.contains('dragging')),
    'the drop zone does not light up while a file is dragged over it');
  await page.dispatchEvent('#drop-zone', 'dragover', { dataTransfer });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
  check((await ticket).status() === 201, 'POST /uploads did not answer 201');
  await waitForDetail(page, scanName, 'done');
  await checkResult(page);
  const meta = await page.textContent('#detail-meta');
  check(meta.includes('/uploads'), `the detail does not say it went through /uploads ("${meta}")`);
  check(await page.isDisabled('#heatmap-toggle'), 'the heatmap toggle is enabled without a heatmap');
  pass('dropped, uploaded, polled GET /results, result shown (no heatmap, toggle disabled)');

  step = '6 EXIF rotation';
  await page.close();
  page = await newPage();
  const rotatedAnswers = await recordClassify(page);
  await openPage(page);
  const plain = readFileSync(scanPath);
  const rotated = withExifRotation(plain);
  const rotatedPath = path.join(files, 'rotated-exif6.jpg');
  writeFileSync(rotatedPath, rotated);
  await page.setInputFiles('#file-input', rotatedPath);
  await waitForDetail(page, 'rotated-exif6.jpg', 'done');
  const rotatedApi = rotatedAnswers[0].body;
  // The server applies the EXIF orientation (preprocessing v2 reports it), so the pixels it read
  // are the rotated picture: the canvas must show those, with the crop box on them.
  const [asPlain, asRotated] = await canvasAgainst(page, rotatedApi.crop,
    [plain.toString('base64'), rotated.toString('base64')]);
  const steps = (rotatedApi.preprocessing && rotatedApi.preprocessing.steps) || [];
  check(steps.includes('exif-orientation'), `the server did not report the EXIF orientation: ${JSON.stringify(rotatedApi.preprocessing)}`);
  check(asRotated < 2 && asPlain > 4 * asRotated + 5, `the canvas differs by ${asRotated.toFixed(2)} from the EXIF-rotated `
    + `picture the server read and by ${asPlain.toFixed(2)} from the unrotated bytes: the crop box is not on the pixels it was computed on`);
  pass(`a scan with an EXIF rotation is drawn as the server read it, rotated (diff ${asRotated.toFixed(2)}; `
    + `${asPlain.toFixed(2)} against the unrotated bytes)`);

  step = '7 phone: names and codes';
  await page.close();
  page = await newPage();
  await page.setViewportSize(PHONE);
  await openPage(page);
  const longScan = path.join(files, 'mri_2026-11-30_study-0042_series-007_slice-017_axial.jpg');
  writeFileSync(longScan, readFileSync(scanPath));
  const longText = path.join(files, 'notes-for-the-format-check_2026-11-30_v2.txt');
  writeFileSync(longText, readFileSync(textPath));
  await page.setInputFiles('#file-input', longScan);
  await waitForDetail(page, path.basename(longScan), 'done');
  await page.setInputFiles('#file-input', longText);
  await waitForDetail(page, path.basename(longText), 'error');
  const breaks = [];
  let lines = 0;
  for (const sel of ['#detail-name', '#error-code', '.scan-name', '.row-error code']) {
    const r = await midWordBreaks(page, sel);
    breaks.push(...r.found);
    lines += r.lines;
  }
  await page.click('#scans-body tr[data-state="done"] .scan-btn');
  await waitForDetail(page, path.basename(longScan), 'done');
  const detailBreaks = await midWordBreaks(page, '#detail-name');
  breaks.push(...detailBreaks.found);
  await page.screenshot({ path: path.join(outDir, 'phone-names.png'), fullPage: true });
  check(breaks.length === 0, `at ${PHONE.width} px words are cut mid-word: ${breaks.join('; ')}`);
  check(lines > 6, `the long names did not wrap at all (${lines} lines): the check proves nothing`);
  pass(`file names and error codes wrap only between words and at - _ . (${lines} lines); phone-names.png saved`);

  step = '8 rounding';
  await page.close();
  page = await newPage();
  await page.setViewportSize(DESKTOP);
  // Figures chosen to round badly: 865 of 869 (99.54 %) and 1 of 869 (0.12 %); scores 0.99996 and 0.00002.
  await page.route('**/model', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    for (const t of body.metrics.riskTiers) {
      if (t.tier === 'high') Object.assign(t, { scans: 869, tumours: 865, tumourRate: 865 / 869 });
      if (t.tier === 'low') Object.assign(t, { scans: 869, tumours: 1, tumourRate: 1 / 869 });
    }
    Object.assign(body.metrics, { tumour: 873, noTumour: 119 });
    await route.fulfill({ response: res, json: body });
  });
  const forced = [0.99996, 0.00002];
  await page.route((url) => url.pathname.endsWith('/classify'), async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    const score = forced.shift();
    Object.assign(body, { score, label: score >= 0.5 ? 'tumor' : 'no_tumor', riskTier: score >= 0.5 ? 'high' : 'low' });
    await route.fulfill({ response: res, json: body });
  });
  await openPage(page);
  await page.setInputFiles('#file-input', scanPath);
  await waitForDetail(page, scanName, 'done');
  const high = { score: await page.textContent('#result-score'), rate: await page.textContent('#tier-validation'),
    row: await page.textContent('#scans-body tr:first-child .score-text') };
  check(high.score === '> 0.999', `a score of 0.99996 is shown as "${high.score}"`);
  check(high.row.replace(/\u00a0/g, ' ') === 'score > 0.999', `the table shows "${high.row}"`);
  check(high.rate.includes('865 of the 869 scans in this tier (99.5%)') && !high.rate.includes('100%'),
    `865 of 869 is shown as "${high.rate}"`);
  check(high.rate.includes('88% of all scans had one') && /rarer/.test(high.rate),
    `the tier rate carries no prevalence caveat: "${high.rate}"`);
  await page.setInputFiles('#file-input', scanPath);
  await page.waitForFunction(() => document.querySelectorAll('#scans-body tr[data-state="done"]').length === 2
    && document.getElementById('detail').dataset.scanId === document.querySelectorAll('#scans-body tr')[1].dataset.scanId);
  const low = { score: await page.textContent('#result-score'), rate: await page.textContent('#tier-validation') };
  check(low.score === '< 0.001', `a score of 0.00002 is shown as "${low.score}"`);
  check(low.rate.includes('1 of the 869 scans in this tier (0.1%)') && !/\(0%\)/.test(low.rate),
    `1 of 869 is shown as "${low.rate}"`);
  await page.click('#model-info-link');
  check(await page.evaluate(() => document.getElementById('model-info').open), 'the validation figures link does not open them');
  const info = await page.textContent('#model-info');
  check(/sensitivity \d/.test(info) && /specificity \d/.test(info) && /ROC AUC/.test(info) && /Prevalence/.test(info),
    `the validation figures say "${info}"`);
  const modelHref = await page.getAttribute('#model-info a[href$="/model"]', 'href');
  check(modelHref && (await page.request.get(modelHref)).ok(), `the link to GET /model is "${modelHref}"`);
  await page.screenshot({ path: path.join(outDir, 'desktop-rounding.png'), fullPage: true });
  pass(`0.99996 shows "> 0.999", 0.00002 "< 0.001"; 865/869 "99.5%", 1/869 "0.1%", with the prevalence caveat; `
    + 'the header links to the validation figures and GET /model');

  if (dicomPaths.length >= 2) {
    step = '9 DICOM series';
    await page.close();
    page = await newPage();
    await page.setViewportSize(DESKTOP);
    await openPage(page);
    await page.setInputFiles('#file-input', dicomPaths);
    await page.waitForFunction((n) => document.querySelectorAll('#scans-body tr[data-state="done"]').length === n,
      dicomPaths.length, { timeout: 30_000 });
    check(await page.isVisible('#series-panel'), 'the series panel is not shown after DICOM slices of one series');
    const items = await page.$$eval('#series-list li', (lis) => lis.map((li) => li.textContent));
    check(items.length === 1, `expected one series, got ${items.length}: ${items.join(' | ')}`);
    check(items[0].includes(`${dicomPaths.length} slices`) && /Verdict (Tumour|No tumour)/.test(items[0]),
      `the series line says "${items[0]}"`);
    const text = await page.evaluate(() => document.body.innerText);
    const leaked = PRIVATE.filter((v) => v && text.includes(v));
    check(PRIVATE.length > 0 && leaked.length === 0, `patient data on the page: ${leaked.join(', ')}`);
    pass(`${dicomPaths.length} DICOM slices chosen at once: one series, "${items[0]}"; none of ${PRIVATE.length} `
      + 'made-up patient values on the page');
  }

  if (process.env.BRAINSCAN_E2E_ZIP) {
    step = '11 zip of a series';
    await page.close();
    page = await newPage();
    await page.setViewportSize(DESKTOP);
    await openPage(page);
    await page.setInputFiles('#file-input', [process.env.BRAINSCAN_E2E_ZIP]);
    await page.waitForFunction(() => document.querySelectorAll('#scans-body tr[data-state="done"]').length === 1,
      null, { timeout: 30_000 });
    check(await page.isVisible('#series-panel'), 'the series panel is not shown after a zip of a series');
    const items = await page.$$eval('#series-list li', (lis) => lis.map((li) => li.textContent));
    check(items.length === 1 && items[0].includes('2 slices') && /Verdict (Tumour|No tumour)/.test(items[0]),
      `the series line after the zip says "${items.join(' | ')}"`);
    const text = await page.evaluate(() => document.body.innerText);
    const leaked = PRIVATE.filter((v) => v && text.includes(v));
    check(leaked.length === 0, `patient data on the page: ${leaked.join(', ')}`);
    pass(`a zip of two slices dropped in: one series record, "${items[0]}"`);
  }

  if (dicomPaths.length >= 3) {
    step = '10 layout';
    const inputs = [
      { kind: 'jpeg', files: [scanPath], box: true },
      { kind: 'dicom', files: [dicomPaths[0]], box: false },
      { kind: 'series', files: dicomPaths.slice(0, 3), box: false },
    ];
    for (const viewport of [PHONE, DESKTOP]) {
      for (const input of inputs) {
        step = `10 layout ${viewport.width} px ${input.kind}`;
        await page.close();
        page = await newPage();
        await page.setViewportSize(viewport);
        // Scores and type probabilities that show rounding and wrapping at their worst: 0.99996, 1 and 0.
        await page.route((url) => url.pathname.endsWith('/classify'), async (route) => {
          const res = await route.fetch();
          const body = await res.json();
          if (res.status() === 200 && body.tumorType) {
            Object.assign(body, { score: 0.99996, label: 'tumor', riskTier: 'high' });
            const names = Object.keys(body.tumorType.probabilities);
            body.tumorType.probabilities = Object.fromEntries(names.map((n, i) => [n, i === 0 ? 1 : 0]));
            body.tumorType.label = names[0];
          }
          await route.fulfill({ response: res, json: body });
        });
        await openPage(page);
        const drop = await page.textContent('#drop-limits');
        check(/DICOM/.test(drop) && /\.zip/.test(drop), `the drop zone says "${drop}": no DICOM or zip`);
        await page.setInputFiles('#file-input', input.files);
        await page.waitForFunction((n) => document.querySelectorAll('#scans-body tr[data-state="done"]').length === n,
          input.files.length, { timeout: 30_000 });
        await waitForDetail(page, path.basename(input.files[0]), 'done');
        await page.waitForTimeout(300); // the viewer draws after an image decode; a phone's scroll settles
        const facts = await page.evaluate(() => {
          const box = (id) => {
            const e = typeof id === 'string' ? document.getElementById(id) : id;
            const r = e.getBoundingClientRect();
            return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height };
          };
          const canvas = document.getElementById('viewer-canvas');
          const score = document.getElementById('result-score');
          return {
            heading: box('detail-heading'), notice: box(document.querySelector('.notice')),
            label: box('result-label'), tier: box('tier-badge'), type: box('type-row'),
            image: box(document.querySelector('.canvas-box')), facts: box('facts-box'),
            innerHeight, scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
            scoreText: score.textContent, scoreLines: score.getClientRects().length,
            scoreHeight: score.getBoundingClientRect().height, scoreFont: parseFloat(getComputedStyle(score).fontSize),
            toggle: document.getElementById('heatmap-toggle').checked,
            canvasShown: !canvas.hidden, drawn: canvas.dataset.drawn || '',
            words: ['heatmap-note', 'viewer-caption', 'no-preview'].map((id) => {
              const e = document.getElementById(id);
              return e.hidden ? '' : e.textContent;
            }).join(' '),
            legend: !document.getElementById('heat-legend').hidden && document.getElementById('heat-legend').getClientRects().length > 0,
            text: document.body.innerText,
            types: document.getElementById('type-probs').textContent.replace(/\u00a0/g, ' '),
          };
        });
        // the verdict, then the tier, then the type, then the image on a phone; side by side on a desktop
        if (viewport === PHONE) {
          check(facts.label.bottom <= facts.tier.top && facts.tier.bottom <= facts.type.top
            && facts.type.bottom <= facts.image.top && facts.image.bottom <= facts.facts.top,
          `at ${viewport.width} px the order is not verdict, tier, type, image, facts: label ${facts.label.top}, `
            + `tier ${facts.tier.top}, type ${facts.type.top}, image ${facts.image.top}, facts ${facts.facts.top}`);
          check(facts.heading.top >= facts.notice.bottom - 1 && facts.label.bottom <= facts.innerHeight,
            `after the upload the heading (top ${facts.heading.top}) is under the notice (bottom ${facts.notice.bottom}) `
            + `or the verdict (bottom ${facts.label.bottom}) is below the fold (${facts.innerHeight})`);
          check(facts.scrollWidth <= facts.clientWidth, `at 375 px the page scrolls sideways (${facts.scrollWidth})`);
        } else {
          check(facts.image.right <= facts.label.left && facts.label.top < facts.image.bottom,
            `at ${viewport.width} px the verdict is not beside the image (image ${JSON.stringify(facts.image)}, `
            + `label ${JSON.stringify(facts.label)})`);
          check(facts.heading.top >= facts.notice.bottom - 1, `the heading (top ${facts.heading.top}) is under the notice`);
        }
        check(facts.scoreText === '> 0.999' && facts.scoreLines === 1 && facts.scoreHeight < 2 * facts.scoreFont,
          `the score "${facts.scoreText}" wraps (${facts.scoreLines} boxes, ${facts.scoreHeight} px high)`);
        check(!/\b100\s?%|\(0\s?%\)|\s0\s%/.test(facts.text), `the page shows a 100 % or 0 %: "${
          (facts.text.match(/.{0,40}(100\s?%|0\s?%).{0,20}/) || [''])[0]}"`);
        check(/> 0\.999/.test(facts.types) && /< 0\.001/.test(facts.types),
          `type probabilities of 1 and 0 are shown as "${facts.types}"`);
        // the heatmap only when asked, whatever the input; the words match what is drawn
        check(!facts.toggle && !/heatmap/.test(facts.drawn), `the heatmap is drawn while switched off (${facts.drawn})`);
        check(input.box ? facts.drawn === 'original-box' : !facts.canvasShown,
          `with the heatmap off the viewer shows "${facts.drawn}" (canvas ${facts.canvasShown ? 'shown' : 'hidden'})`);
        check(input.box === /dashed box/i.test(facts.words), `the words ${input.box ? 'do not name' : 'name'} a dashed `
          + `box: "${facts.words}"`);
        check(!/faint or no colour means little evidence/.test(facts.words) && /score is the result, not the colour/.test(facts.words)
          && facts.legend, `the heatmap's scale is not explained against the score: "${facts.words}"`);
        await page.click('label[for="heatmap-toggle"]');
        const on = await page.evaluate(() => ({
          drawn: document.getElementById('viewer-canvas').dataset.drawn || '',
          shown: !document.getElementById('viewer-canvas').hidden,
          words: ['heatmap-note', 'viewer-caption'].map((id) => document.getElementById(id).textContent).join(' '),
        }));
        check(on.shown && on.drawn === (input.box ? 'original-box-heatmap' : 'crop-heatmap'),
          `with the heatmap on the viewer shows "${on.drawn}"`);
        check(input.box === /dashed box/i.test(on.words), `with the heatmap on, the words say "${on.words}"`);
        if (input.kind === 'series') {
          const series = await page.$$eval('#series-list li', (lis) => lis.map((li) => li.textContent));
          check(series.length === 1 && series[0].includes(`${input.files.length} slices`), `the series says "${series}"`);
        }
        await page.click('label[for="heatmap-toggle"]');
        await page.screenshot({ path: path.join(outDir, `layout-${viewport.width}-${input.kind}.png`), fullPage: viewport === DESKTOP });
        pass(`${viewport === PHONE ? 'verdict, tier, type, then the image; heading below the notice' : 'verdict beside the image'}; `
          + `score "${facts.scoreText}" on one line; types "${facts.types}"; heatmap off until asked `
          + `(off: ${facts.drawn || 'no picture'}, on: ${on.drawn}); ${input.box ? 'dashed box drawn and named' : 'no box drawn or named'}`);
      }
    }
  }

  step = 'network and console';
  check(blocked.length === 0, `the page tried to reach other origins: ${blocked.join(', ')}`);
  check(pageProblems.length === 0, `the page logged problems: ${pageProblems.join(' | ')}`);
  pass('no request left the origin; no script errors or CSP violations; all text meets WCAG AA contrast');
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
  rmSync(files, { recursive: true, force: true });
}
