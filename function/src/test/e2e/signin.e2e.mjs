// The page's sign-in (ApiAuth=JWT) in a real browser, against a stand-in OAuth 2.0 server that
// SignInE2EIT runs: the page goes to /oauth2/authorize with an S256 PKCE challenge, comes back
// with a code, trades it (and the verifier) for an access token, and sends that token as a
// bearer token to the API. Usage: node signin.e2e.mjs <page URL> <expected token>
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [baseUrl, token] = process.argv.slice(2);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const profile = mkdtempSync(path.join(tmpdir(), 'brainscan-signin-'));
const watchdog = setTimeout(() => { console.error('FAIL: over 60 s'); process.exit(1); }, 60_000);
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.BRAINSCAN_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS, timeout: 30_000,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  const modelAuth = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.endsWith('/model')) modelAuth.push(r.headers().authorization || ''); });

  await page.goto(baseUrl);
  await page.locator('#sign-in-button').waitFor({ timeout: 15_000 });
  if (modelAuth.some((a) => a)) throw new Error('a bearer token before sign-in');
  console.log('ok   signed out: the page offers sign-in');

  await page.locator('#sign-in-button').click();
  await page.locator('#sign-out-button').waitFor({ timeout: 15_000 });
  if (new URL(page.url()).search) throw new Error(`the code stays in the address bar: ${page.url()}`);
  await page.waitForFunction(() => !/loading/.test(document.getElementById('model-line').textContent), null, { timeout: 15_000 });
  if (!modelAuth.includes(`Bearer ${token}`)) throw new Error(`GET /model carried ${JSON.stringify(modelAuth)}`);
  console.log('ok   signed in: the token goes to the API as a bearer token');

  await page.reload();
  await page.locator('#sign-out-button').waitFor({ timeout: 15_000 });
  console.log('ok   reload: still signed in (this tab)');
  if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`);
  console.log('PASS signin.e2e');
} catch (e) {
  console.error(`FAIL: ${e.message}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
