// End-to-end tests of the Packbench desktop app: the real binary (a
// custom-protocol build, the UI inside it) under Xvfb, driven through
// tauri-driver and WebKitWebDriver. Scans are sent as keystrokes the way a
// keyboard-wedge scanner types them (a fast burst of characters and Enter),
// never by calling the backend. The CLI, on the same SQLite file, sets up
// data and checks what the app wrote.
//
// Run through scripts/e2e.sh, which builds everything, makes a throw-away
// data directory, starts tauri-driver under xvfb-run and sets:
//
//   PACKBENCH_E2E_APP      absolute path of the app binary
//   PACKBENCH_E2E_CLI      absolute path of packbench-cli
//   PACKBENCH_E2E_SERVER   absolute path of packbench-server (the shops' webhooks)
//   PACKBENCH_DATABASE_URL the SQLite file the app and the CLI share
//   PACKBENCH_E2E_OUT      where screenshots and perf.json go
//   PACKBENCH_E2E_PORT     tauri-driver's port (4444)
//
// and, for the long runs (`make soak` sets them; scripts/soak.sh):
//
//   PACKBENCH_E2E_KILLS       kills of the crash scenario (default 5)
//   PACKBENCH_E2E_SOAK_SCANS  scanner bursts of the soak's shift (default 500)
//   PACKBENCH_E2E_SOAK_EVERY  memory sampled every this many scans (default
//                             50; 250 from 2,500 scans up)
//   PACKBENCH_E2E_SOAK_GOAL   1: the soak asserts the issue's goal (growth
//                             under 5 MB per 1,000 scans) instead of the
//                             short run's bound against a runaway leak
//   PACKBENCH_E2E_SOAK_PRINT  1: the soak's packs print their invoice and
//                             label on the CUPS PDF queue (default: off)
//   PACKBENCH_E2E_SOAK_SMAPS  1: each sample also keeps every process's
//                             /proc/PID/smaps (artifacts/e2e/smaps/), to
//                             see which mapping grows
//   PACKBENCH_E2E_SOAK_XKEYS  1: the soak's bursts are typed by xdotool
//                             instead of WebDriver's key actions
//   PACKBENCH_E2E_SEED        the crash scenario's random moments (printed)
//
// Every scenario runs even when an earlier one failed; the last line is
// `N passed, N failed`. Speed figures are measured and reported, never
// asserted.

import { remote, Key } from 'webdriverio';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const APP = need('PACKBENCH_E2E_APP');
const CLI = need('PACKBENCH_E2E_CLI');
const SERVER = need('PACKBENCH_E2E_SERVER');
const DB = need('PACKBENCH_DATABASE_URL');
const OUT = need('PACKBENCH_E2E_OUT');
const PORT = Number(process.env.PACKBENCH_E2E_PORT || 4444);
const PERF_SCANS = Number(process.env.PACKBENCH_E2E_PERF_SCANS || 120);

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`run.mjs: ${name} is not set (run scripts/e2e.sh)`);
    process.exit(2);
  }
  return v;
}

fs.mkdirSync(OUT, { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log('   ', ...a);

class Failure extends Error {}
function check(cond, msg) {
  if (!cond) throw new Failure(msg);
}
function eq(actual, expected, what) {
  if (actual !== expected) {
    throw new Failure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// ---- the CLI on the same database -------------------------------------

// The CLI acts as the demo's admin (the demo brings its users; the first
// scenario loads it in the app).
function cli(...args) {
  return cliOn(DB, ...args);
}

/** packbench-cli on database `db` (a file or a URL) as the demo's admin. */
function cliOn(db, ...args) {
  try {
    return execFileSync(CLI, ['--db', db, '--station', 'e2e-cli', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PACKBENCH_USER: 'olga', PACKBENCH_PIN: '1111' },
    });
  } catch (e) {
    const said = `${e.stderr || ''}${e.stdout || ''}`.trim() || e.message;
    const on = db === DB ? '' : `--db ${db} `;
    throw new Failure(`packbench-cli ${on}${args.join(' ')}: ${said}`);
  }
}
function cliJson(...args) {
  return JSON.parse(cli('--json', ...args));
}
const orderOf = (number) => cliJson('orders', 'show', number);
const productOf = (sku) => cliJson('products', 'show', sku);
function barcodeOf(sku) {
  const p = productOf(sku);
  const single = p.barcodes.find((b) => b.units === 1);
  check(single, `product ${sku} has no single-unit barcode`);
  return single.code;
}

// ---- the app through WebDriver ----------------------------------------

let browser = null;
let appPid = null;

/** /proc/uptime in seconds (10 ms resolution), the clock of /proc/PID/stat. */
function uptime() {
  return Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
/** Seconds since boot at which `pid` started (/proc/PID/stat field 22). */
function startedAt(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[19]) / CLK_TCK;
}
function parentOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}
function allPids() {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}
/** The running app: the process whose executable is APP. */
function findAppPid() {
  const found = [];
  for (const pid of allPids()) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/exe`) === APP) found.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found.length ? Math.max(...found) : null;
}
function alive(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(s);
  } catch {
    return false;
  }
}
function descendants(root) {
  const kids = new Map();
  for (const pid of allPids()) {
    const pp = parentOf(pid);
    if (pp !== null) kids.set(pp, [...(kids.get(pp) || []), pid]);
  }
  const out = [];
  const walk = (p) => {
    for (const c of kids.get(p) || []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}
function procName(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}
function statusKb(pid, field) {
  try {
    const m = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
function pssKb(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
/** VmRSS (and PSS) of the app and every process under it (WebKit's). */
function memory() {
  if (!appPid || !alive(appPid)) return null;
  const pids = [appPid, ...descendants(appPid)];
  const procs = pids.map((pid) => ({
    pid,
    name: procName(pid),
    rss_kb: statusKb(pid, 'VmRSS'),
    anon_kb: statusKb(pid, 'RssAnon'),
    file_kb: statusKb(pid, 'RssFile'),
    shmem_kb: statusKb(pid, 'RssShmem'),
    hwm_kb: statusKb(pid, 'VmHWM'),
    pss_kb: pssKb(pid),
  }));
  const sum = (k) => procs.reduce((a, p) => a + (p[k] || 0), 0);
  return {
    processes: procs,
    rss_mb: +(sum('rss_kb') / 1024).toFixed(1),
    peak_rss_mb: +(sum('hwm_kb') / 1024).toFixed(1),
    pss_mb: procs.every((p) => p.pss_kb !== null) ? +(sum('pss_kb') / 1024).toFixed(1) : null,
  };
}

const sel = (testid) => `[data-testid="${testid}"]`;

// ---- people: the demo's users, signing in ------------------------------

const PEOPLE = {
  admin: { login: 'olga', pin: '1111', badge: 'BADGE-0001', name: 'Ольга Смирнова' },
  supervisor: { login: 'maria', pin: '2222', badge: 'BADGE-0002', name: 'Мария Иванова' },
  packer: { login: 'anna', pin: '3333', badge: 'BADGE-0003', name: 'Анна Петрова' },
  picker: { login: 'ivan', pin: '4444', badge: 'BADGE-0004', name: 'Иван Козлов' },
  manager: { login: 'elena', pin: '5555', badge: 'BADGE-0005', name: 'Елена Соколова' },
};
// Who the station's user is now: a restarted app signs them in again.
let signedAs = null;

/** Signs `who` in on the sign-in screen: their badge scanned, or login and
 *  PIN typed and Enter. */
async function signIn(who, { badge = false } = {}) {
  await waitExists('screen-signin', 15_000);
  if (badge) {
    await scan(who.badge);
  } else {
    await fillField('signin-login', who.login);
    await fillField('signin-pin', who.pin);
    await click('signin-submit');
  }
  await waitFor(`${who.login} signed in`, async () => !(await exists('screen-signin')), 15_000);
  signedAs = who;
}

/** F12: the next person signs in at this station, which stays where it was. */
async function switchUser(who, opts) {
  await press(Key.F12);
  await signIn(who, opts);
}

/**
 * Starts a session (tauri-driver launches the app) and waits until `ready`
 * (a CSS selector) is in the page. Returns the timings of this start.
 */
async function startApp(ready, application = APP) {
  const t0 = Date.now();
  browser = await remote({
    hostname: '127.0.0.1',
    port: PORT,
    logLevel: 'warn',
    connectionRetryTimeout: 30_000,
    connectionRetryCount: 0,
    capabilities: {
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application },
    },
  });
  const tSession = Date.now();
  // Poll as fast as WebDriver answers: the moment the screen is usable.
  let found = false;
  let upFound = 0;
  while (Date.now() - t0 < 60_000) {
    const els = await browser.findElements('css selector', ready);
    if (els.length) {
      upFound = uptime();
      found = true;
      break;
    }
    await sleep(10);
  }
  const tFound = Date.now();
  check(found, `the app showed no ${ready} within 60 s`);
  await browser.execute(installKeyMonitor);
  appPid = findAppPid();
  const fromProcess = appPid ? +(upFound - startedAt(appPid)).toFixed(2) : null;
  return {
    ready,
    session_start_ms: tSession - t0,
    session_to_screen_ms: tFound - tSession,
    request_to_screen_ms: tFound - t0,
    process_start_to_screen_ms: fromProcess === null ? null : Math.round(fromProcess * 1000),
    pid: appPid,
  };
}

async function stopApp() {
  if (!browser) return;
  const pid = appPid;
  try {
    await browser.deleteSession();
  } catch (e) {
    log(`deleteSession: ${e.message}`);
  }
  browser = null;
  // The driver closes the app; make sure it is gone before the next start.
  for (let i = 0; pid && alive(pid) && i < 100; i++) await sleep(50);
  if (pid && alive(pid)) {
    log(`app ${pid} still running after the session ended; terminating it`);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  appPid = null;
}

// The page is read with small scripts: one round trip each, and what a
// person sees (the DOM the app rendered), not what the backend holds.
async function attr(testid, name) {
  return browser.execute((q, n) => document.querySelector(q)?.getAttribute(n) ?? null, sel(testid), name);
}
async function text(testid) {
  return browser.execute((q) => document.querySelector(q)?.textContent.trim() ?? null, sel(testid));
}
async function exists(testid) {
  return browser.execute((q) => document.querySelector(q) !== null, sel(testid));
}
async function waitFor(what, fn, timeout = 10_000) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeout) {
    last = await fn();
    if (last) return last;
    await sleep(25);
  }
  throw new Failure(`timed out after ${timeout} ms waiting for ${what}`);
}
const waitAttr = (testid, name, value, timeout) =>
  waitFor(`${testid} ${name}=${value}`, async () => (await attr(testid, name)) === String(value), timeout);
const waitExists = (testid, timeout) => waitFor(`${testid} on screen`, () => exists(testid), timeout);
async function waitOrderOpen(number) {
  await waitFor(`order ${number} open at the packing station`, async () => (await text('order-number')) === number);
}

async function click(testid) {
  const el = await browser.$(sel(testid));
  await el.waitForClickable({ timeout: 10_000 });
  await el.click();
}

// Every keydown the page gets, with its event.timeStamp: the clock the
// app's scanner judges a burst by. The scanner listens on window in the
// capture phase and stops the Enter that ends a scan there, ahead of any
// listener added later, so that Enter is also taken when it is stopped.
function installKeyMonitor() {
  if (window.__e2eKeys) return;
  const K = (window.__e2eKeys = { list: [], onEnter: null });
  const seen = new WeakSet();
  const rec = (e) => {
    if (e.type !== 'keydown' || seen.has(e)) return;
    seen.add(e);
    K.list.push([e.key, e.timeStamp, e.code]);
    if (e.key === 'Enter') K.onEnter?.(e);
  };
  window.addEventListener('keydown', rec, true);
  const stop = Event.prototype.stopImmediatePropagation;
  KeyboardEvent.prototype.stopImmediatePropagation = function () {
    rec(this);
    return stop.call(this);
  };
}

// The keys since `mark`, which the monitor then forgets: a shift of
// thousands of scans must not grow the page's memory by the runner's own
// record of them (the soak measures the app's).
function readKeysSince(mark) {
  const K = window.__e2eKeys;
  const got = K.list.slice(mark);
  K.list.length = 0;
  return got;
}

// The scanner's rule (ui/src/lib/scanner.ts): keys of one scan, and its
// Enter, each within 35 ms of the one before.
const SCAN_GAP_MS = 35;
/** How many times a burst the driver or xdotool typed too slowly for a
 *  scanner is sent before its test fails: on two busy cores a run of late
 *  bursts has lasted 20 bursts, so a few tries with a growing rest. */
const SCAN_TRIES = 6;
const keyGaps = []; // the largest gap inside each burst sent
let resentBursts = 0;

/** The bursts in `keys` (from the monitor): [code, largest gap]. */
function burstsOf(keys) {
  const out = [];
  let code = '';
  let gap = 0;
  let last = null;
  for (const [key, t] of keys) {
    if (key.length !== 1 && key !== 'Enter') continue; // Shift and the like
    if (last !== null && code !== '') gap = Math.max(gap, t - last);
    last = t;
    if (key === 'Enter') {
      out.push([code, gap]);
      code = '';
      gap = 0;
    } else {
      code += key;
    }
  }
  return out;
}

/**
 * Types `codes` as a scanner does: each a burst of keys and Enter, the
 * bursts `gapMs` apart, all in one WebDriver action so the timing is the
 * driver's and not this process's round trips.
 *
 * A scanner's keys come a few ms apart, and X stamps them as they come. The
 * driver instead sends one key, waits until the page has handled it, then
 * sends the next, stamped when it is sent; on a busy machine (two cores, a
 * compiler running) a key can then reach the page over 35 ms after the one
 * before, and the app rightly takes that burst for typing, not a scan. So
 * the keys are read back as the page got them: a burst that was not a
 * scanner's burst is sent again (counted in perf.json), one that was and
 * still failed fails its test. With `resend: false` the late bursts are
 * returned instead, for the caller to decide.
 */
async function scan(codes, gapMs = 0, { resend = true } = {}) {
  let todo = Array.isArray(codes) ? codes : [codes];
  for (let attempt = 1; ; attempt++) {
    const mark = await browser.execute(() => window.__e2eKeys.list.length);
    const a = browser.action('key');
    todo.forEach((code, i) => {
      if (i > 0 && gapMs > 0) a.pause(gapMs);
      for (const ch of code) a.down(ch).up(ch);
      a.down(Key.Enter).up(Key.Enter);
    });
    await a.perform(true);
    const keys = await browser.execute(readKeysSince, mark);
    const got = burstsOf(keys);
    const slow = [];
    for (const code of todo) {
      // Every key reaches the page; a late one shows as a large gap.
      const parts = got.splice(0, 1);
      const gap = parts.length ? parts[0][1] : Infinity;
      keyGaps.push(gap);
      if (!parts.length || parts[0][0] !== code || gap > SCAN_GAP_MS) slow.push([code, gap, parts[0]?.[0]]);
    }
    if (!slow.length) return [];
    if (!resend) {
      for (const [code, gap] of slow) log(`burst ${code} reached the page with a ${Math.round(gap)} ms gap between keys (the driver was late)`);
      return slow.map((x) => x[0]);
    }
    for (const [code, gap, seen] of slow) {
      log(`burst ${code} reached the page as "${seen ?? ''}" with a ${Math.round(gap)} ms gap between keys (a scanner's are under ${SCAN_GAP_MS} ms); the driver was late, sending it again`);
    }
    if (attempt === SCAN_TRIES) throw new Failure(`the driver could not type ${slow.map((x) => x[0]).join(', ')} at a scanner's pace in ${SCAN_TRIES} tries`);
    resentBursts += slow.length;
    // The app handles what it got before the next try; a machine busy for
    // a while gets a longer rest each time (0.4, 0.8 ... 2 s).
    await sleep(400 * attempt);
    todo = slow.map((x) => x[0]);
  }
}
/** A single key (a digit, F1...), as a person presses it. */
async function press(key) {
  await browser.action('key').down(key).up(key).perform(true);
}

/**
 * A tracking number the carrier's pattern accepts (core refuses one that
 * does not look like the carrier's): by the carrier's name as the hand-over
 * lists it, the one chosen there when none is given.
 */
async function trackingFor(carrier) {
  const name = carrier ?? (await browser.execute(() => document.querySelector('[data-testid="carrier-select"]')?.value ?? ''));
  const n = Date.now().toString();
  switch (name) {
    case 'СДЭК':
    case 'DHL Express':
      return n.slice(-10);
    case 'Почта России':
      return `RA${n.slice(-9)}RU`;
    case 'UPS':
      return `1Z${n.slice(-10)}ABCDEF`;
    case 'Boxberry':
      return `BB${n.slice(-10)}`;
    default:
      return `CD${n.slice(-8)}`;
  }
}

/** A scanner's burst (the code's US keys and Enter) pressed by xdotool into
 *  the focused window, with no WebDriver session needed. */
function xKeys(code) {
  const keys = [...code].map((ch) => {
    const k = US_XKEYS.get(ch);
    check(k, `no US key types ${JSON.stringify(ch)}`);
    return k;
  });
  x11('xdotool', 'key', '--delay', '0', ...keys, X_RETURN);
}

/** One scanner burst typed by xdotool into the focused window. */
async function xScan(code) {
  // Nothing reads these keys back (scan() does for its own): the monitor
  // forgets the ones before, so a shift typed this way does not grow the
  // page by the runner's record of its keys.
  await browser.execute(() => {
    if (window.__e2eKeys) window.__e2eKeys.list.length = 0;
  });
  xKeys(code);
}

/**
 * The courier's tracking label scanned at the hand-over, into the focused
 * tracking field (where a packer's scanner lands too).
 */
async function scanTracking(tracking) {
  await browser.execute((q) => document.querySelector(q)?.focus(), sel('tracking-input'));
  // Pressed by xdotool without pauses: the X server stamps the keys as it
  // gets them, so a busy page cannot split the burst (WebDriver's keys can
  // arrive 50 ms apart, and a late burst's tail would be read as a scan of
  // its own). Not sent again: the first try ships the parcel either way.
  await xScan(tracking);
}

async function linesPacked() {
  return browser.execute(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.packing [data-testid^="line-"]')].map((el) => [
        el.dataset.testid.slice(5),
        Number(el.dataset.packed),
      ]),
    ),
  );
}

/**
 * The app's window as the X server shows it (ImageMagick's `import`): the
 * app runs without WebKit's accelerated compositing (src-tauri's
 * web_view_memory), and WebDriver's own screenshot waits for a composited
 * frame that then never comes. The window is found by the app's process
 * id; its page is what WebDriver's screenshot would hold.
 */
async function grabWindow(file) {
  const pid = appPid ?? findAppPid();
  check(pid, 'no app process to take a screenshot of');
  const ids = x11('xdotool', 'search', '--onlyvisible', '--pid', String(pid)).trim().split(/\s+/).filter(Boolean);
  check(ids.length, `no visible window of the app (pid ${pid})`);
  // The largest of its windows: the main one.
  let best = null;
  for (const id of ids) {
    const g = x11('xdotool', 'getwindowgeometry', '--shell', id);
    const w = +(g.match(/^WIDTH=(\d+)/m) || [])[1];
    const h = +(g.match(/^HEIGHT=(\d+)/m) || [])[1];
    if (!best || w * h > best.area) best = { id, area: w * h };
  }
  x11('import', '-window', best.id, file);
}

const shots = [];
async function screenshot(name) {
  // The pointer off the content (no hover highlight), then time for the
  // change and its transition to reach the screen.
  await browser.action('pointer').move({ x: 2, y: 2, origin: 'viewport' }).perform(true);
  await sleep(300);
  const file = path.join(OUT, `${name}.png`);
  await grabWindow(file);
  shots.push(file);
  log(`screenshot ${path.relative(process.cwd(), file)}`);
  return file;
}

async function setLanguage(lang) {
  await click(`lang-${lang}`);
  await waitFor(`language ${lang}`, () => browser.execute(() => document.documentElement.lang).then((l) => l === lang));
  // The packer's keys must not land on the language button.
  await browser.execute(() => document.activeElement?.blur());
}

// ---- data taken from the demo warehouse -------------------------------

// When the ready orders' one-minute limit was set (first scenario).
let overdueSince = Date.now();

const data = {
  used: new Set(), // orders a scenario already took
  confirmed() {
    return cliJson('orders', 'list', '--status', 'confirmed', '--limit', '500').map((o) => o.number);
  },
  /** A confirmed order not used yet, passing `ok(detail)`. */
  take(ok = () => true) {
    for (const n of this.confirmed().sort()) {
      if (this.used.has(n)) continue;
      const d = orderOf(n);
      if (ok(d)) {
        this.used.add(n);
        return d;
      }
    }
    throw new Failure('no suitable confirmed order in the demo data');
  },
  /** A barcode of a product that is not in `order`. */
  wrongFor(order) {
    const mine = new Set(order.lines.map((l) => l.sku));
    for (const n of this.confirmed()) {
      for (const l of orderOf(n).lines) {
        if (!mine.has(l.sku)) return { sku: l.sku, code: barcodeOf(l.sku) };
      }
    }
    throw new Failure('no product outside the order found');
  },
};

const perf = {
  machine: {
    cpus: null,
    cpu_model: null,
    rendering: 'Xvfb 1366x900x24, software rendering (no GPU)',
  },
  build: process.env.PACKBENCH_E2E_PROFILE || 'debug',
};
try {
  const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
  perf.machine.cpus = (info.match(/^processor\s*:/gm) || []).length;
  perf.machine.cpu_model = (info.match(/^model name\s*:\s*(.*)$/m) || [])[1] || null;
  perf.machine.mem_total_mb = Math.round(statusLine('/proc/meminfo', 'MemTotal') / 1024);
} catch {
  // not Linux
}
function statusLine(file, field) {
  const m = fs.readFileSync(file, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'));
  return m ? Number(m[1]) : null;
}

function stats(xs) {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return { n: 0 };
  const q = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  const r = (x) => +x.toFixed(1);
  return { n: s.length, p50_ms: r(q(50)), p90_ms: r(q(90)), p99_ms: r(q(99)), max_ms: r(s[s.length - 1]), mean_ms: r(s.reduce((a, b) => a + b, 0) / s.length) };
}

// ---- the scenarios ----------------------------------------------------

const tests = [];
const test = (name, fn, timeout = 180_000) => tests.push({ name, fn, timeout });

test('first run: the welcome screen on an empty database, Enter loads the demo, the packing screen opens', async () => {
  const start = await startApp(`${sel('screen-welcome')}, ${sel('screen-error')}, ${sel('screen-packing')}`);
  perf.first_start = start;
  log(`first start (empty database): process start to welcome screen ${start.process_start_to_screen_ms} ms`);
  check(!(await exists('screen-error')), `the app shows a startup error: ${await browser.$(sel('startup-error')).getText().catch(() => '?')}`);
  check(await exists('screen-welcome'), 'no welcome screen on an empty database');
  check(!(await exists('nav-packing')), 'the welcome screen shows the navigation');

  const lang = await browser.execute(() => document.documentElement.lang);
  log(`language at first start: ${lang}`);
  for (const l of lang === 'en' ? ['en', 'ru'] : ['ru', 'en']) {
    await setLanguage(l);
    await screenshot(`${l}-1-welcome`);
  }
  await setLanguage('ru');

  // Keyboard alone: Enter anywhere on the welcome screen loads the demo,
  // whose people (and their PINs and badges) the sign-in screen shows.
  await press(Key.Enter);
  await waitExists('screen-signin', 30_000);
  check(await exists('demo-users'), "the demo's people are on the sign-in screen");
  check(!(await exists('nav-orders')), 'the sign-in screen shows the navigation');
  for (const l of ['en', 'ru']) {
    await setLanguage(l);
    await screenshot(`${l}-19-sign-in`);
  }
  // The packer scans her badge.
  await signIn(PEOPLE.packer, { badge: true });
  await waitExists('screen-packing', 30_000);
  check((await text('user')).includes(PEOPLE.packer.name), `the top bar names the packer: ${await text('user')}`);
  await waitExists('order-input');
  check(await exists('nav-orders'), 'no navigation after loading the demo');
  const active = await browser.execute(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName);
  eq(active, 'order-input', 'focus after loading the demo');
  const orders = cliJson('orders', 'list', '--limit', '500');
  check(orders.length >= 10, `the demo has ${orders.length} orders`);
  log(`demo loaded: ${orders.length} orders; ${orders.filter((o) => o.status === 'confirmed').length} confirmed`);
  // The store allows a packed order one minute before it is late: by the
  // order-desk scenario the demo's ready orders are overdue.
  cli('statuses', 'limit', 'ready', '1');
  overdueSince = Date.now();
});

test('packing by scanner: scan order 1001, a wrong item is refused, every right item makes it ready, a tracking scan ships it', async () => {
  const order = orderOf('1001');
  data.used.add('1001');
  eq(order.status, 'confirmed', 'status of 1001 before packing');
  const wrong = data.wrongFor(order);
  const codes = Object.fromEntries(order.lines.map((l) => [l.sku, barcodeOf(l.sku)]));
  log(`1001: ${order.lines.map((l) => `${l.sku} x${l.quantity} (${codes[l.sku]})`).join(', ')}; wrong item ${wrong.sku} (${wrong.code})`);

  await waitExists('order-input');
  await scan('1001');
  await waitOrderOpen('1001');
  await waitAttr('order-status', 'data-status', 'packing');
  eq(orderOf('1001').claimed_station !== null, true, '1001 claimed in the database');

  const before = await linesPacked();
  eq(Object.keys(before).sort().join(), order.lines.map((l) => l.sku).sort().join(), 'lines shown');
  await scan(wrong.code);
  await waitAttr('scan-banner', 'data-outcome', 'wrong_item');
  eq(await attr('scan-banner', 'data-tone'), 'bad', 'banner tone for a wrong item');
  await sleep(300);
  eq(JSON.stringify(await linesPacked()), JSON.stringify(before), 'lines after the wrong item');
  const afterWrong = orderOf('1001');
  eq(afterWrong.packed, 0, 'units packed in the database after the wrong item');
  eq(afterWrong.status, 'packing', 'status after the wrong item');
  check(afterWrong.scans.some((s) => s.code === wrong.code && s.outcome === 'wrong_item'), 'the refused scan is not in the history');

  for (const line of order.lines) {
    for (let i = 1; i <= line.quantity; i++) {
      await scan(codes[line.sku]);
      await waitAttr(`line-${line.sku}`, 'data-packed', i);
    }
    eq(await attr(`line-${line.sku}`, 'data-ordered'), String(line.quantity), `${line.sku} ordered`);
  }
  await waitAttr('order-status', 'data-status', 'ready');
  await waitAttr('screen-packing', 'data-phase', 'handover');
  eq(orderOf('1001').status, 'ready', 'status in the database after the last item');

  // Hand-over: the carrier the order names is chosen already; the courier
  // at the table is another one, chosen with its digit key as the screen
  // says, then the courier's tracking label is scanned.
  await waitExists('carrier-select');
  const carriers = await browser.execute(() => [...document.querySelectorAll('[data-testid="carrier-select"] option')].map((o) => o.value).filter(Boolean));
  check(carriers.length > 1, `carriers to choose from: ${carriers.join(', ')}`);
  const preselected = await browser.execute(() => document.querySelector('[data-testid="carrier-select"]').value);
  if (carriers.includes(order.delivery_method)) eq(preselected, order.delivery_method, 'carrier chosen for the order');
  const idx = carriers.findIndex((c) => c !== preselected);
  const carrier = carriers[idx];
  await browser.execute(() => document.activeElement?.blur());
  await press(String(idx + 1));
  await waitFor(`carrier ${carrier} chosen with key ${idx + 1}`, () => browser.execute(() => document.querySelector('[data-testid="carrier-select"]').value).then((v) => v === carrier));
  // A person's key press, then the scanner: not within a scan's 35 ms.
  await sleep(150);
  const tracking = await trackingFor(carrier);
  await scanTracking(tracking);
  await waitAttr('scan-banner', 'data-outcome', 'shipped');
  await waitAttr('screen-packing', 'data-phase', 'idle');
  const shipped = orderOf('1001');
  eq(shipped.status, 'shipped', 'status in the database after the tracking scan');
  eq(shipped.tracking_number, tracking, 'tracking number');
  eq(shipped.carrier, carrier, 'carrier');
  log(`1001 shipped with ${carrier} ${tracking}`);
  perf.memory_after_packing_flow = memory();
});

test('a packed order scanned at an idle station goes to the hand-over and stays ready; F6 takes its box apart with a reason', async () => {
  const ready = cliJson('orders', 'list', '--status', 'ready', '--limit', '500').map((o) => o.number).find((n) => !data.used.has(n));
  check(ready, 'the demo has a ready order');
  data.used.add(ready);
  const before = orderOf(ready);
  const kinds = (d) => d.events.map((e) => e.kind);
  const jobsBefore = cliJson('print', 'jobs', '--order', ready).length;
  log(`${ready}: ready, ${before.packed} units packed`);

  await waitAttr('screen-packing', 'data-phase', 'idle');
  await scan(ready);
  await waitOrderOpen(ready);
  await waitAttr('screen-packing', 'data-phase', 'handover');
  eq(await attr('order-status', 'data-status'), 'ready', 'status shown after scanning a packed order');
  await sleep(500);
  const after = orderOf(ready);
  eq(after.status, 'ready', 'status in the database after scanning a packed order');
  eq(after.claimed_station, null, 'nobody claims a packed order by opening it');
  eq(kinds(after).join(), kinds(before).join(), 'opening it wrote nothing to its history');
  eq(cliJson('print', 'jobs', '--order', ready).length, jobsBefore, 'print jobs after opening it: no second invoice and label');
  await screenshot('ru-14-packed-order-hand-over');

  // Taking the box apart is its own key, with a reason.
  await press(Key.F6);
  await waitExists('reason-dialog');
  await browser.$(sel('reason-input')).setValue('коробка мала');
  await click('reason-confirm');
  // A packer does not open a packed box alone: the supervisor's badge.
  await waitExists('approval-dialog');
  await scan(PEOPLE.supervisor.badge);
  await waitAttr('screen-packing', 'data-phase', 'packing');
  await waitAttr('order-status', 'data-status', 'packing');
  const taken = orderOf(ready);
  eq(taken.status, 'packing', 'status after taking it apart');
  const event = taken.events.find((e) => e.kind === 'taken_apart');
  check(event, `the history says the box was opened again: ${kinds(taken).join()}`);
  eq(event.after.reason, 'коробка мала', 'the reason in the history');
  eq(event.approved_by, PEOPLE.supervisor.name, 'the supervisor who approved it, in the history');
  eq(taken.packed, before.packed, 'what was packed stays counted');

  // Closed again (F9), then put aside: it waits, packed, for its courier.
  await press(Key.F9);
  await waitAttr('screen-packing', 'data-phase', 'handover');
  await click('put-aside');
  await waitAttr('screen-packing', 'data-phase', 'idle');
  eq(orderOf(ready).status, 'ready', 'status after putting it aside');
});

test('two scans 50 ms apart are both counted', async () => {
  // The unused confirmed order with the most units on one line: room to
  // send the pair again if the driver typed a burst too slowly.
  const maxLine = (d) => d.lines.reduce((a, l) => (l.quantity > a.quantity ? l : a));
  const candidates = data
    .confirmed()
    .filter((n) => !data.used.has(n))
    .map(orderOf)
    .filter((d) => maxLine(d).quantity >= 2)
    .sort((a, b) => maxLine(b).quantity - maxLine(a).quantity);
  check(candidates.length, 'no confirmed order with a line of 2 or more units');
  const order = candidates[0];
  data.used.add(order.number);
  const line = maxLine(order);
  const code = barcodeOf(line.sku);
  log(`order ${order.number}: ${line.sku} x${line.quantity} (${code})`);

  await scan(order.number);
  await waitOrderOpen(order.number);
  await waitAttr('order-status', 'data-status', 'packing');
  eq(await attr(`line-${line.sku}`, 'data-packed'), '0', 'packed before');

  const packedNow = async () => Number(await attr(`line-${line.sku}`, 'data-packed'));
  let before = 0;
  for (let attempt = 1; ; attempt++) {
    const late = await scan([code, code], 50, { resend: false });
    if (!late.length) {
      await waitAttr(`line-${line.sku}`, 'data-packed', before + 2);
      await sleep(500);
      eq(await packedNow(), before + 2, 'packed on screen 500 ms later');
      break;
    }
    // Not two scanner bursts 50 ms apart after all: let the app settle on
    // what it got, and send the pair again while the line has room.
    await sleep(800);
    before = await packedNow();
    log(`the pair was not typed at a scanner's pace (attempt ${attempt}); packed now ${before}`);
    check(attempt < 3 && before + 2 <= line.quantity, 'the driver could not type two bursts at a scanner\'s pace');
  }
  const d = orderOf(order.number);
  eq(d.lines.find((l) => l.id === line.id).packed, before + 2, 'packed in the database');
  const accepted = d.scans.filter((s) => s.code === code && s.outcome === 'accepted');
  eq(accepted.length, before + 2, 'accepted scans in the history');
  const [a, b] = accepted.slice(-2).map((x) => Date.parse(x.at));
  log(`the two scans were recorded ${b - a} ms apart`);
});

test('screenshots of every main screen in Russian and English', async () => {
  const langs = ['ru', 'en'];
  // One pick list for both languages, from two orders no one else uses.
  const pickOrders = [data.take(), data.take()].map((d) => d.number);
  for (const [i, lang] of langs.entries()) {
    await setLanguage(lang);

    // Packing: an accepted scan, then a refused one (red banner).
    await click('nav-packing');
    await waitExists('screen-packing');
    const order = data.take((d) => d.lines.length >= 2 && d.lines.length <= 6);
    const line = order.lines[0];
    await browser.execute(() => document.activeElement?.blur());
    await scan(order.number);
    await waitOrderOpen(order.number);
    await scan(barcodeOf(line.sku));
    await waitAttr(`line-${line.sku}`, 'data-packed', 1);
    await waitAttr('scan-banner', 'data-outcome', 'accepted');
    await screenshot(`${lang}-2-packing-accepted`);
    await scan(data.wrongFor(order).code);
    await waitAttr('scan-banner', 'data-outcome', 'wrong_item');
    await screenshot(`${lang}-3-packing-refused`);

    // Orders list, then that order's detail with its history.
    await click('nav-orders');
    await waitExists('screen-orders');
    await waitExists(`order-row-${order.number}`);
    await screenshot(`${lang}-4-orders`);
    await click(`order-row-${order.number}`);
    await waitAttr('order-detail', 'data-number', order.number);
    await screenshot(`${lang}-5-order-detail`);
    await press(Key.Escape);
    await waitExists('orders-search');

    // Pick list: made once from two confirmed orders, its first bin and
    // item scanned so the walk shows progress; the picker Иван signs in.
    await switchUser(PEOPLE.picker);
    await click('nav-picking');
    await waitExists('screen-picking');
    if (i === 0) {
      await waitFor('confirmed orders listed', () => browser.execute((n) => !!document.querySelector(`input[type="checkbox"][value="${n}"]`), pickOrders[1]));
      for (const n of pickOrders) {
        const box = await browser.$(`input[type="checkbox"][value="${n}"]`);
        await box.click();
      }
      await click('pick-from-selected');
      await waitExists('pick-list-title');
      const bin = await attr('current-bin', 'data-bin');
      const first = await browser.execute(() => document.querySelector('[data-testid^="pick-line-"]')?.dataset.testid.slice(10));
      if (bin && first) {
        await browser.execute(() => document.activeElement?.blur());
        await scan(bin);
        await waitAttr('current-bin', 'data-confirmed', 'true');
        await scan(barcodeOf(first));
        await waitAttr(`pick-line-${first}`, 'data-picked', 1);
      }
    }
    await waitExists('pick-list-title');
    await screenshot(`${lang}-6-picklist`);
    await switchUser(PEOPLE.packer, { badge: true });

    await click('nav-settings');
    await waitExists('screen-settings');
    await waitFor('settings loaded', () => exists('settings-station'));
    await screenshot(`${lang}-7-settings`);
  }
  // The owner's screens: the audit trail and the users.
  await switchUser(PEOPLE.admin);
  for (const lang of langs) {
    await setLanguage(lang);
    await press(Key.F7);
    await waitExists('screen-audit');
    await waitFor('audit entries listed', () => browser.execute(() => !!document.querySelector('[data-testid^="audit-row-"]')));
    await screenshot(`${lang}-21-audit`);
    await click('nav-settings');
    await waitExists('settings-users');
    await waitFor('users listed', () => exists(`user-row-${PEOPLE.packer.login}`));
    await browser.execute(() => document.activeElement?.blur());
    await waitFor('the users section scrolled into view', () =>
      browser.execute((q) => {
        const el = document.querySelector(q);
        el?.scrollIntoView({ block: 'start' });
        const top = el?.getBoundingClientRect().top ?? 9999;
        return top >= 0 && top < 200;
      }, sel('settings-users')),
    );
    await screenshot(`${lang}-22-users`);
  }
  await setLanguage('ru');
  await switchUser(PEOPLE.packer, { badge: true });
  // Back to the packing screen for the next scenario.
  await click('nav-packing');
  await waitExists('screen-packing');

  // Every picture must show the app, not an empty window: a real screen
  // has hundreds of colours (text, anti-aliasing), a blank one a handful.
  for (const file of shots) {
    let colours = null;
    try {
      colours = Number(execFileSync('identify', ['-format', '%k', file], { encoding: 'utf8' }).trim());
    } catch {
      // no ImageMagick: size only
    }
    const size = fs.statSync(file).size;
    check(size > 10_000, `${path.basename(file)} is only ${size} bytes`);
    if (colours !== null) check(colours > 50, `${path.basename(file)} has ${colours} colours: blank?`);
  }
});

test('speed: scan to screen over 120 scans, start-up and memory (reported, not asserted)', async () => {
  // An order with one line of many units, made through the CLI.
  const product = orderOf(data.take().number).lines[0];
  const code = barcodeOf(product.sku);
  const number = '9120';
  const csv = path.join(OUT, '..', `perf-order-${process.pid}.csv`);
  fs.writeFileSync(
    csv,
    `number,customer_name,delivery_method,currency,sku,item_name,quantity,unit_price\n` +
      `${number},Speed Test,СДЭК,RUB,${product.sku},"${product.name.replace(/"/g, '""')}",${PERF_SCANS},100.00\n`,
  );
  try {
    cli('import', 'orders', csv, '--format', 'packbench');
  } finally {
    fs.rmSync(csv, { force: true });
  }
  cli('orders', 'confirm', number);
  eq(orderOf(number).status, 'confirmed', `status of ${number}`);

  await click('nav-packing');
  await waitExists('screen-packing');
  await browser.execute(() => document.activeElement?.blur());
  await scan(number);
  await waitOrderOpen(number);
  await waitAttr('order-status', 'data-status', 'packing');

  // In the page: when the scan's Enter went down (its event.timeStamp, the
  // clock of performance.now(), from the key monitor), and when the line's
  // data-packed changed in the DOM (MutationObserver) and the frame after
  // (requestAnimationFrame: the change is in the next paint).
  await browser.execute((sku) => {
    const P = (window.__e2ePerf = { t0: null, dom: [], frame: [], skew: [], last: null });
    // The latest Enter: a burst sent again replaces its cut first try.
    window.__e2eKeys.onEnter = (e) => {
      P.t0 = e.timeStamp;
      P.skew.push(performance.now() - e.timeStamp);
    };
    const line = () => document.querySelector(`[data-testid="line-${sku}"]`);
    P.last = line()?.dataset.packed ?? null;
    const mo = new MutationObserver(() => {
      const v = line()?.dataset.packed ?? null;
      if (v === P.last || P.t0 === null) return;
      P.last = v;
      const t0 = P.t0;
      P.t0 = null;
      P.dom.push(performance.now() - t0);
      requestAnimationFrame(() => P.frame.push(performance.now() - t0));
    });
    mo.observe(document.querySelector('.packing'), {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-packed'],
    });
  }, product.sku);

  perf.memory_during_speed_run = [];
  const memPoint = (scans) => {
    const m = memory();
    if (m) perf.memory_during_speed_run.push({ scans, rss_mb: m.rss_mb, pss_mb: m.pss_mb });
  };
  memPoint(0);
  const t0 = Date.now();
  for (let i = 1; i <= PERF_SCANS; i++) {
    await scan(code);
    await waitFor(`scan ${i} measured`, () => browser.execute((n) => window.__e2ePerf.frame.length >= n, i), 10_000);
    if (i % 30 === 0) memPoint(i);
  }
  const wall = Date.now() - t0;
  const P = await browser.execute(() => window.__e2ePerf);
  eq(P.dom.length, PERF_SCANS, 'scans measured');
  eq(await attr(`line-${product.sku}`, 'data-packed'), String(PERF_SCANS), 'packed after the speed run');
  await waitAttr('order-status', 'data-status', 'ready');

  perf.scan_to_screen = {
    what: 'Enter keydown (event.timeStamp) to the line\'s data-packed changing in the DOM, measured in the page; one scan at a time (the next after the previous was shown)',
    order: number,
    sku: product.sku,
    scans: PERF_SCANS,
    dom: stats(P.dom),
    next_frame: stats(P.frame),
    enter_listener_lag_ms: stats(P.skew),
    wall_clock_per_scan_ms: +(wall / PERF_SCANS).toFixed(1),
    goal_p99_ms: 50,
  };
  log(`scan to screen over ${PERF_SCANS} scans: p50 ${perf.scan_to_screen.dom.p50_ms} ms, p99 ${perf.scan_to_screen.dom.p99_ms} ms (next frame p99 ${perf.scan_to_screen.next_frame.p99_ms} ms)`);

  perf.memory_after_speed_run = memory();
  const mem = perf.memory_after_speed_run;
  if (mem) log(`memory: RSS ${mem.rss_mb} MB (PSS ${mem.pss_mb} MB) over ${mem.processes.map((p) => p.name).join(', ')}`);
  log(`memory during the run (scans: PSS MB): ${perf.memory_during_speed_run.map((m) => `${m.scans}: ${m.pss_mb}`).join(', ')}`);

  // Start-up: a fresh process on the demo database (not empty), three times.
  perf.startup = [];
  for (let k = 0; k < 3; k++) {
    await stopApp();
    await sleep(500);
    const s = await startApp(`${sel('screen-signin')}, ${sel('screen-welcome')}, ${sel('screen-error')}`);
    check(await exists('screen-signin'), 'a new start asks who works here');
    await signIn(signedAs, { badge: true });
    await waitExists('order-input');
    perf.startup.push(s);
    log(`start ${k + 1}: process start to usable packing screen ${s.process_start_to_screen_ms} ms (session ${s.session_start_ms} ms + ${s.session_to_screen_ms} ms to the screen)`);
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  perf.startup_summary = {
    what: 'from the app process\'s start (its start time in /proc/PID/stat, 10 ms ticks) to WebDriver finding the sign-in screen (polled every ~10 ms plus a round trip; the badge scan that follows is not counted); the database holds the demo warehouse',
    median_process_start_to_screen_ms: med(perf.startup.map((s) => s.process_start_to_screen_ms)),
    median_request_to_screen_ms: med(perf.startup.map((s) => s.request_to_screen_ms)),
    goal_ms: 1500,
  };
  perf.memory_fresh_start = memory();
});

// ---- a Russian keyboard layout -----------------------------------------

// A keyboard-wedge scanner presses the keys of a US keyboard; here they are
// X key codes (evdev + 8) sent with xdotool, as the scanner's USB keyboard
// would send them. `xdotool type` is not used: it remaps keys so that the
// layout types the characters asked for, which a scanner cannot do.
const GS = '\x1d';
const US_XKEYS = new Map([
  ['\\', '51'],
  ['|', 'shift+51'],
  [' ', '65'],
  // GS as a scanner sends it: Ctrl+] (the control key for ASCII 29).
  [GS, 'ctrl+35'],
]);
for (const [first, plain, shifted] of [
  [10, '1234567890-=', '!@#$%^&*()_+'],
  [24, 'qwertyuiop[]', 'QWERTYUIOP{}'],
  [38, "asdfghjkl;'`", 'ASDFGHJKL:"~'],
  [52, 'zxcvbnm,./', 'ZXCVBNM<>?'],
]) {
  [...plain].forEach((ch, i) => US_XKEYS.set(ch, String(first + i)));
  [...shifted].forEach((ch, i) => US_XKEYS.set(ch, `shift+${first + i}`));
}
const X_RETURN = '36';
const X_BACKSPACE = '22';
const X_KEY_P = '33'; // types "з" on the Russian layout
const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock']);

function x11(tool, ...args) {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Failure(`${tool} ${args.join(' ')}: ${`${e.stderr || ''}`.trim() || e.message}`);
  }
}
const xkbLayout = () => (x11('setxkbmap', '-query').match(/^layout:\s+(\S+)/m) || [])[1];

/**
 * Presses the US keys of `code` and Enter with xdotool, 5 ms apart, as a
 * scanner does. Like scan(): the keys are read back as the page stamped
 * them (the X server's time of each key), and a burst that reached the page
 * too slowly for a scanner's is sent again. Such a gap is xdotool's own:
 * between its 5 ms pauses a busy machine (two cores, a compiler running)
 * can leave it waiting 40 ms for the processor. So the keys are sent again
 * without pauses, as the fastest scanners send them. A burst that came at a
 * scanner's pace and still failed fails its test.
 */
async function scanByKeys(code) {
  const keys = [...code].map((ch) => {
    const k = US_XKEYS.get(ch);
    check(k, `no US key types ${JSON.stringify(ch)}`);
    return k;
  });
  for (let attempt = 1; ; attempt++) {
    const mark = await browser.execute(() => window.__e2eKeys.list.length);
    x11('xdotool', 'key', '--delay', attempt === 1 ? '5' : '0', ...keys, X_RETURN);
    const got = await waitFor(`the burst for ${JSON.stringify(code)} in the page`, async () => {
      const seen = await browser.execute((m) => window.__e2eKeys.list.slice(m).some(([key]) => key === 'Enter'), mark);
      return seen ? browser.execute(readKeysSince, mark) : null;
    });
    const pressed = got.filter(([key]) => !MODIFIER_KEYS.has(key));
    let gap = 0;
    let at = 0;
    for (let i = 1; i < pressed.length; i++) {
      const g = pressed[i][1] - pressed[i - 1][1];
      if (g > gap) [gap, at] = [g, i];
    }
    keyGaps.push(gap);
    if (pressed.length === keys.length + 1 && gap <= SCAN_GAP_MS) return;
    log(`burst ${JSON.stringify(code)} reached the page as ${pressed.length} keys with a ${Math.round(gap)} ms gap before key ${at + 1} (${pressed[at]?.[2]}); a scanner's are under ${SCAN_GAP_MS} ms: sending it again without pauses`);
    if (attempt === SCAN_TRIES) throw new Failure(`xdotool could not press ${JSON.stringify(code)} at a scanner's pace in ${SCAN_TRIES} tries`);
    resentBursts++;
    await sleep(400 * attempt);
  }
}

/** Sets a text field's value as typing would end (the input event). */
async function fillField(testid, value) {
  const found = await browser.execute(
    (q, v) => {
      const el = document.querySelector(q);
      if (!el) return false;
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      return true;
    },
    sel(testid),
    value,
  );
  check(found, `${testid} on screen`);
}

/** Saves the station's GS substitute on the settings screen and waits for
 *  the answer it expects (✔ saved, ✖ refused); returns what the screen said. */
async function saveGsSubstitute(value, expect) {
  await click('nav-settings');
  await waitExists('settings-gs-substitute');
  await waitFor('the settings read', () => browser.execute((q) => !!document.querySelector(q)?.value, sel('settings-station')));
  await fillField('settings-gs-substitute', value);
  await pressButton('settings-save');
  return waitFor(`the settings message starting with ${expect}`, async () => {
    const said = await text('settings-message');
    return said?.startsWith(expect) ? said : null;
  });
}

/**
 * Types `usKeys` by key position into an empty text field under the layout
 * set now and waits for `expected` there. The window hears of a new layout
 * in its own time: what was typed before that is cleared and typed again.
 */
async function typeByKeyPosition(testid, usKeys, expected) {
  const keys = [...usKeys].map((ch) => {
    const k = US_XKEYS.get(ch);
    check(k, `no US key types ${JSON.stringify(ch)}`);
    return k;
  });
  const value = () => browser.execute((q) => document.querySelector(q)?.value, sel(testid));
  for (let attempt = 1; ; attempt++) {
    await fillField(testid, '');
    await browser.execute((q) => document.querySelector(q)?.focus(), sel(testid));
    x11('xdotool', 'key', '--delay', '20', ...keys);
    const typed = await waitFor(`${keys.length} keys typed into ${testid}`, async () => {
      const v = await value();
      return v?.length === keys.length && v;
    });
    if (typed === expected) return;
    log(`the keys of ${JSON.stringify(usKeys)} typed ${JSON.stringify(typed)} (attempt ${attempt}): the window has not seen the layout yet`);
    check(attempt < 20, `the keys of ${JSON.stringify(usKeys)} type ${JSON.stringify(typed)}, not ${JSON.stringify(expected)}`);
  }
}

/** The scan's code as the ledger shows it (ops::packing printable). */
const ledgerCode = (code) => code.replaceAll(GS, '<GS>');

test('keyboard layout: under a Russian layout an order number, SKUs, barcodes and two Chestny ZNAK codes with GS, pressed by key position, pack the order', async () => {
  await setLanguage('ru');
  // The station's scanner sends "~" for GS: the setting is checked in core
  // (a sign marking codes hold is refused) and reaches the scanner.
  const refused = await saveGsSubstitute('%', '✖');
  check(refused.includes("'%'"), `the refusal names the sign: ${refused}`);
  await saveGsSubstitute('~', '✔');
  eq(JSON.parse(fs.readFileSync(process.env.PACKBENCH_CONFIG, 'utf8')).scan_gs_substitute, '~', 'GS substitute in station.json');

  const order = data.take((d) => d.units >= 4 && d.units <= 8 && d.lines.length >= 2 && d.lines.every((l) => l.quantity <= 3) && d.lines.some((l) => l.quantity >= 2));
  const marked = order.lines.find((l) => l.quantity >= 2);
  const ean = barcodeOf(marked.sku);
  eq(ean.length, 13, `the barcode of ${marked.sku} is an EAN-13`);
  // Chestny ZNAK: GTIN-14 (01), serial (21), key id (91), signature (92).
  // Serials hold letters and signs a Russian layout types otherwise.
  const signature = 'MEUCIQC+/x;:?_.-LZ3kT9aQ2b8Yw0yN4pR7sV1uEgH=';
  const markingA = `010${ean}21Qb5'&Ja,!<z?"${GS}91ffd0${GS}92${signature}`;
  const markingB = `010${ean}21Xy7;:Kw.%>m/(${GS}91EE07${GS}92${signature}`;
  log(`order ${order.number}: ${order.lines.map((l) => `${l.sku} x${l.quantity}`).join(', ')}; marked: ${marked.sku} (${ean})`);

  // Still on the settings screen: its station name field shows what the
  // layout types.
  check(xkbLayout() === 'us', `the X layout before the switch: ${xkbLayout()}`);
  x11('setxkbmap', 'us,ru', '-option', 'grp:alt_shift_toggle');
  x11('setxkbmap', 'ru');
  try {
    eq(xkbLayout(), 'ru', 'the X layout');
    // Typing in a text field types the layout's letters: the key of P is "з".
    // The window hears of the new layout in its own time: a key typed
    // before that shows "p", is taken back and typed again.
    const station = await browser.execute((q) => {
      const el = document.querySelector(q);
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
      return el.value;
    }, sel('settings-station'));
    const fieldValue = () => browser.execute((q) => document.querySelector(q)?.value, sel('settings-station'));
    for (let attempt = 1; ; attempt++) {
      x11('xdotool', 'key', X_KEY_P);
      const typed = await waitFor('a key typed into the station name', async () => {
        const v = await fieldValue();
        return v !== station && v;
      });
      x11('xdotool', 'key', X_BACKSPACE);
      await waitFor('the station name as it was', async () => (await fieldValue()) === station);
      if (typed === `${station}з`) break;
      log(`the key of P made the station name ${JSON.stringify(typed)} (attempt ${attempt}): the window has not seen the Russian layout yet`);
      check(attempt < 20, `the key of P types ${JSON.stringify(typed.slice(station.length))} under the Russian layout, not "з"`);
    }
    log('under the Russian layout the key of P types "з" in a text field');

    // The order number, as a packer scans it with nothing in focus.
    await click('nav-packing');
    await waitExists('screen-packing');
    await browser.execute(() => document.activeElement?.blur());
    await scanByKeys(order.number);
    await waitOrderOpen(order.number);
    await waitAttr('order-status', 'data-status', 'packing');

    // The marked product: a Chestny ZNAK code with GS sent as Ctrl+] packs a
    // unit; the same code again is the same item and is refused; a second
    // code with GS sent as the station's "~" packs the next unit.
    await scanByKeys(markingA);
    await waitAttr(`line-${marked.sku}`, 'data-packed', 1);
    await waitAttr('scan-banner', 'data-outcome', 'accepted');
    await scanByKeys(markingA);
    await waitAttr('scan-banner', 'data-outcome', 'over_scan');
    eq(await attr(`line-${marked.sku}`, 'data-packed'), '1', `${marked.sku} packed after the same marked item again`);
    await scanByKeys(markingB.replaceAll(GS, '~'));
    await waitAttr(`line-${marked.sku}`, 'data-packed', 2);

    // Every other unit by SKU and by barcode in turn, the first by SKU.
    const scanned = [];
    let bySku = true;
    for (const line of order.lines) {
      for (let i = line === marked ? 3 : 1; i <= line.quantity; i++) {
        const code = bySku ? line.sku : barcodeOf(line.sku);
        scanned.push(code);
        await scanByKeys(code);
        await waitAttr(`line-${line.sku}`, 'data-packed', i);
        bySku = !bySku;
      }
    }
    check(scanned.some((c) => /[A-Z]/.test(c)) && scanned.some((c) => /^\d+$/.test(c)), `SKUs and barcodes scanned: ${scanned.join(', ')}`);
    await waitAttr('order-status', 'data-status', 'ready');
    await waitAttr('screen-packing', 'data-phase', 'handover');
    await screenshot('ru-13-packing-russian-layout');

    const d = orderOf(order.number);
    eq(d.status, 'ready', `status of ${order.number} in the database`);
    const outcomes = (code) => d.scans.filter((s) => s.code === code).map((s) => s.outcome).sort();
    eq(outcomes(ledgerCode(markingA)).join(), 'accepted,over_scan', 'the first marking code, character for character with its GS, then the same item refused');
    eq(outcomes(ledgerCode(markingB)).join(), 'accepted', 'the second marking code, its "~" turned into GS');
    for (const code of scanned) check(outcomes(code).includes('accepted'), `${code} in the ledger as scanned and accepted: ${d.scans.map((s) => s.code).join(', ')}`);
  } finally {
    x11('setxkbmap', '-option', '');
    x11('setxkbmap', 'us');
  }
  eq(xkbLayout(), 'us', 'the X layout restored');

  // Hand the parcel over so the station is free, and the substitute off.
  await browser.execute(() => document.activeElement?.blur());
  await scanTracking(await trackingFor());
  await waitAttr('screen-packing', 'data-phase', 'idle');
  eq(orderOf(order.number).status, 'shipped', `order ${order.number} shipped`);
  await saveGsSubstitute('', '✔');
  eq(JSON.parse(fs.readFileSync(process.env.PACKBENCH_CONFIG, 'utf8')).scan_gs_substitute, '', 'GS substitute cleared in station.json');
  await click('nav-packing');
  await waitExists('screen-packing');
});

const PDF_PRINTER = process.env.PACKBENCH_TEST_PRINTER || 'VirtualPDF';
const STOPPED_PRINTER = process.env.PACKBENCH_TEST_STOPPED_PRINTER || 'PackbenchStopped';
const PDF_DIR = process.env.PACKBENCH_TEST_PDF_DIR || path.join(process.env.HOME || '/root', 'PDF');

/** The complete PDF cups-pdf wrote for a job whose title contains `title`,
 *  written after `since` (ms): job ids start again with every fresh
 *  database, so an earlier run's file can carry the same title. */
async function printedPdf(title, since) {
  return waitFor(
    `a PDF titled ${title} in ${PDF_DIR} (cups-pdf's folder)`,
    () => {
      let names = [];
      try {
        names = fs.readdirSync(PDF_DIR);
      } catch {
        return null;
      }
      for (const name of names) {
        if (!name.includes(title) || !name.endsWith('.pdf')) continue;
        const file = path.join(PDF_DIR, name);
        if (fs.statSync(file).mtimeMs < since) continue;
        if (fs.readFileSync(file).includes('%%EOF')) return file;
      }
      return null;
    },
    30_000,
  );
}
/** Page size in points ("288 x 432") as pdfinfo reads it. */
function pageSize(file) {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const m = info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/);
  return m ? `${Math.round(Number(m[1]))} x ${Math.round(Number(m[2]))}` : info;
}
/** The job titles the app gives CUPS (core PrintJob::title). */
const jobTitle = (kind, number, id) => `packbench-${kind}-${number}-job${id}-`;

/** Presses a button from the keyboard (focus, Space), as a packer with a
 *  scanner in one hand does. For buttons far down a scrolled screen:
 *  WebKitWebDriver's pointer click there focuses the button but its
 *  pointer events miss it (seen on the printing settings' Save). */
async function pressButton(testid) {
  const found = await browser.execute((q) => {
    const el = document.querySelector(q);
    if (!el || el.disabled) return false;
    el.scrollIntoView({ block: 'center' });
    el.focus();
    return document.activeElement === el;
  }, sel(testid));
  check(found, `${testid} is on screen and enabled`);
  await press(Key.Space);
}

/** Chooses an option as a user's pick does (value set, change fired).
 *  WebDriver's own select opens WebKitGTK's native pop-up menu, which then
 *  swallows the next click. */
async function selectValue(testid, value) {
  // The options may still be coming (the printers are read from CUPS).
  await waitFor(`${testid} offering ${value}`, () => browser.execute((q, v) => [...(document.querySelector(q)?.options ?? [])].some((o) => o.value === v), sel(testid), value));
  const found = await browser.execute(
    (q, v) => {
      const el = document.querySelector(q);
      if (!el || ![...el.options].some((o) => o.value === v)) return false;
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    },
    sel(testid),
    value,
  );
  check(found, `${testid} offers ${value}`);
  await waitFor(`${testid} = ${value}`, () => browser.execute((q) => document.querySelector(q)?.value, sel(testid)).then((v) => v === value));
}

/** The preview's first page as the window shows it: a PNG drawn from the
 *  PDF, kept in artifacts/e2e/ as `name`.png; returns what zbarimg reads on it. */
async function previewShown(name) {
  await waitExists('preview-page-1', 20_000);
  await waitFor('the preview page decoded', () => browser.execute((q) => document.querySelector(q)?.complete && document.querySelector(q).naturalWidth > 0, sel('preview-page-1')));
  const img = await browser.execute((q) => {
    const el = document.querySelector(q);
    return { w: el.naturalWidth, h: el.naturalHeight, src: el.getAttribute('src') };
  }, sel('preview-page-1'));
  check(img.w > 300 && img.h > 300, `the preview shows a drawn page: ${img.w}x${img.h}`);
  const prefix = 'data:image/png;base64,';
  eq(img.src.slice(0, prefix.length), prefix, 'the page is the PNG drawn from the PDF');
  const file = path.join(OUT, `${name}.png`);
  fs.writeFileSync(file, Buffer.from(img.src.slice(prefix.length), 'base64'));
  try {
    return execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // zbarimg exits 4 when it finds no barcode
  }
}

test('printing: printers chosen in settings, a finished pack prints invoice and label on the printer, preview, F8, a stopped printer fails with its reason', async () => {
  const since = Date.now() - 1000;
  await setLanguage('ru');
  // Settings: the real CUPS printers are offered; the invoice and the label
  // go to the cups-pdf printer.
  await click('nav-settings');
  await waitExists('settings-printing');
  await waitFor(`${PDF_PRINTER} offered as a printer`, () => browser.execute((q, name) => [...document.querySelectorAll(`${q} option`)].some((o) => o.value === name), sel('settings-printer-invoice'), PDF_PRINTER), 15_000);
  await selectValue('settings-printer-invoice', PDF_PRINTER);
  await selectValue('settings-printer-label', PDF_PRINTER);
  await selectValue('settings-paper-label', 'label_4x6');
  await selectValue('settings-format-label', 'pdf');
  await pressButton('print-settings-save');
  await waitFor('print settings saved', async () => (await text('print-settings-message'))?.startsWith('✔'));
  const station = JSON.parse(fs.readFileSync(process.env.PACKBENCH_CONFIG, 'utf8'));
  eq(station.print.invoice.printer, PDF_PRINTER, 'invoice printer in station.json');
  eq(station.print.label.printer, PDF_PRINTER, 'label printer in station.json');
  eq(station.print.auto_print, true, 'auto-print in station.json');
  await browser.execute((q) => document.querySelector(q)?.scrollIntoView({ block: 'start' }), sel('settings-printing'));
  await screenshot('ru-8-settings-printing');

  // The label's preview from the settings: the PNG drawn from the PDF.
  await pressButton('settings-preview-label');
  await waitExists('preview-dialog');
  const sample = cliJson('orders', 'list', '--limit', '1')[0].number;
  const onLabel = await previewShown('preview-label');
  check(onLabel.includes(sample), `the label preview's order barcode scans as ${sample}: ${onLabel.join(', ')}`);
  await sleep(1500);
  await screenshot('ru-9-preview-label');
  await click('preview-close');
  await waitFor('preview closed', async () => !(await exists('preview-dialog')));

  // Pack an order: auto-print sends the invoice and the label.
  await click('nav-packing');
  await waitExists('screen-packing');
  const order = data.take((d) => d.lines.length <= 4 && d.units <= 6);
  const number = order.number;
  await browser.execute(() => document.activeElement?.blur());
  await scan(number);
  await waitOrderOpen(number);
  await waitAttr('order-status', 'data-status', 'packing');
  for (const line of order.lines) {
    const code = barcodeOf(line.sku);
    for (let i = 1; i <= line.quantity; i++) {
      await scan(code);
      await waitAttr(`line-${line.sku}`, 'data-packed', i);
    }
  }
  await waitAttr('order-status', 'data-status', 'ready');
  await waitAttr('screen-packing', 'data-phase', 'handover');
  // The strip shows both documents sent, within lp's limit.
  await waitAttr('print-item-invoice', 'data-status', 'sent', 20_000);
  await waitAttr('print-item-label', 'data-status', 'sent', 20_000);
  const invoiceJob = await attr('print-item-invoice', 'data-job-id');
  const labelJob = await attr('print-item-label', 'data-job-id');
  const invoicePdf = await printedPdf(jobTitle('invoice', number, invoiceJob), since);
  const labelPdf = await printedPdf(jobTitle('label', number, labelJob), since);
  eq(pageSize(invoicePdf), '595 x 842', 'the invoice printed on A4');
  eq(pageSize(labelPdf), '288 x 432', 'the label printed on 4x6 in');
  log(`auto-print: ${path.basename(invoicePdf)}, ${path.basename(labelPdf)}`);
  await screenshot('ru-10-packing-printed');

  // F8: print again, two new jobs on the printer.
  await press(Key.F8);
  await waitFor('F8 printed the invoice again', async () => {
    const id = await attr('print-item-invoice', 'data-job-id');
    return id !== invoiceJob && (await attr('print-item-invoice', 'data-status')) === 'sent' ? id : null;
  }, 20_000);
  const againJob = await attr('print-item-invoice', 'data-job-id');
  await printedPdf(jobTitle('invoice', number, againJob), since);
  const jobs = cliJson('print', 'jobs').filter((j) => j.key?.number === number);
  eq(jobs.length, 4, `jobs of order ${number} in the queue (auto-print + F8)`);
  check(jobs.every((j) => j.status === 'sent'), `all sent: ${jobs.map((j) => j.status).join(', ')}`);

  // The print queue: reprint the label on a stopped printer, it fails with
  // the printer's reason, and the order is not held up.
  await click('nav-printing');
  await waitExists('print-queue');
  const row = `[data-testid="print-job"][data-job-id="${labelJob}"]`;
  await waitFor(`label job ${labelJob} in the queue`, () => browser.execute((q) => !!document.querySelector(q), row));
  await selectValue(`print-target-${labelJob}`, STOPPED_PRINTER);
  await click(`print-retry-${labelJob}`);
  await waitFor(`job ${labelJob} failed on ${STOPPED_PRINTER}`, () => browser.execute((q) => document.querySelector(q)?.dataset.status, row).then((st) => st === 'failed'), 20_000);
  const message = await browser.execute((q) => document.querySelector(q)?.textContent ?? '', `${row} [data-testid="print-job-message"]`);
  check(message.includes('out of labels'), `the stopped printer's reason is shown: ${message}`);
  eq(orderOf(number).status, 'ready', 'the order is still ready to hand over');

  // Preview on the printing screen: the order's label as ZPL settings would print it.
  await selectValue('preview-kind', 'invoice');
  const input = await browser.$(sel('preview-order'));
  await input.setValue(number);
  await click('preview-show');
  const onInvoice = await previewShown('preview-invoice');
  check(onInvoice.includes(number), `the invoice preview's order barcode scans as ${number}: ${onInvoice.join(', ')}`);
  await screenshot('ru-11-print-queue');
  await setLanguage('en');
  await screenshot('en-11-print-queue');
  await click('nav-settings');
  await waitExists('settings-printing');
  await browser.execute((q) => document.querySelector(q)?.scrollIntoView({ block: 'start' }), sel('settings-printing'));
  await screenshot('en-8-settings-printing');
  await setLanguage('ru');

  // Hand the parcel over so the station is free again.
  await click('nav-packing');
  await waitExists('screen-packing');
  await waitAttr('screen-packing', 'data-phase', 'handover');
  await browser.execute(() => document.activeElement?.blur());
  await sleep(150);
  await scanTracking(await trackingFor());
  await waitAttr('screen-packing', 'data-phase', 'idle');
  eq(orderOf(number).status, 'shipped', `order ${number} shipped after printing`);

  // The label printer runs out of labels: the next pack's label fails, and
  // the failure stays on screen after the parcel is handed over.
  await click('nav-settings');
  await waitExists('settings-printing');
  await selectValue('settings-printer-label', STOPPED_PRINTER);
  await pressButton('print-settings-save');
  await waitFor('print settings saved', async () => (await text('print-settings-message'))?.startsWith('✔'));
  await click('nav-packing');
  await waitExists('screen-packing');
  const next = data.take((d) => d.lines.length <= 3 && d.units <= 4);
  await browser.execute(() => document.activeElement?.blur());
  await scan(next.number);
  await waitOrderOpen(next.number);
  for (const line of next.lines) {
    const code = barcodeOf(line.sku);
    for (let i = 1; i <= line.quantity; i++) {
      await scan(code);
      await waitAttr(`line-${line.sku}`, 'data-packed', i);
    }
  }
  await waitAttr('screen-packing', 'data-phase', 'handover');
  await sleep(150);
  await scanTracking(await trackingFor());
  await waitAttr('screen-packing', 'data-phase', 'idle');
  eq(orderOf(next.number).status, 'shipped', `order ${next.number} shipped though its label failed`);
  await waitFor(`a notice about order ${next.number}`, async () => (await text('print-failures'))?.includes(next.number), 15_000);
  const notice = await text('print-failures');
  check(notice.includes(next.number) && notice.includes('out of labels'), `the notice names the order and the reason: ${notice}`);
  await screenshot('ru-12-print-failed-notice');
  // F5 opens the queue, where the failed label waits for a retry; the notice goes.
  await press(Key.F5);
  await waitExists('screen-printing');
  check(!(await exists('print-failures')), 'the notice is gone once the queue is open');
  await waitFor('the failed label in the queue', () => browser.execute((n) => [...document.querySelectorAll('[data-testid="print-job"][data-status="failed"]')].some((el) => el.textContent.includes(n)), next.number));
  await click('nav-packing');
  await waitExists('screen-packing');
});

test('order desk: a phone order entered by scanning two products, confirmed, a quantity edited, a pinned note and a payment; the packer sees the note; shipped, delivered; an overdue order stands out', async () => {
  const [a, b] = ['PB-0026', 'PB-0051'];
  const reservedOf = (sku) => productOf(sku).stock.reduce((n, s) => n + s[2], 0);
  const before = { a: reservedOf(a), b: reservedOf(b) };
  // The supervisor Мария takes the phone order.
  await switchUser(PEOPLE.supervisor);
  await click('nav-orders');
  await waitExists('screen-orders');
  await click('new-order');
  await waitExists('new-order-form');
  await fillField('new-customer-name', 'Петров Иван');
  await fillField('new-customer-phone', '+7 912 345-67-89');
  await fillField('new-delivery-method', 'СДЭК');
  await fillField('new-delivery-cost', '350');
  await fillField('new-manager', 'Мария');
  // The scanner: two products by their barcodes into the product field.
  await click('new-product-search');
  await scan(barcodeOf(a));
  await waitExists(`new-line-${a}`);
  await scan(barcodeOf(b));
  await waitExists(`new-line-${b}`);
  await fillField(`new-price-${a}`, '450');
  await fillField(`new-price-${b}`, '1 290,50');
  await screenshot('ru-15-new-order');
  await setLanguage('en');
  await screenshot('en-15-new-order');
  await setLanguage('ru');
  await click('new-order-save');
  await waitExists('order-detail', 15_000);
  const number = await attr('order-detail', 'data-number');
  const created = orderOf(number);
  eq(created.channel, 'phone', `order ${number} came in by phone`);
  eq(created.lines.map((l) => `${l.sku}x${l.quantity}`).join(' '), `${a}x1 ${b}x1`, 'the scanned lines');
  eq(created.total_minor, 45_000 + 129_050 + 35_000, 'core priced it from what was typed');

  await click('confirm-order');
  await waitAttr('order-status', 'data-status', 'confirmed');
  eq(reservedOf(a), before.a + 1, `one ${a} reserved`);

  // Edit: a second unit of the first product; the history says before and after.
  await click('edit-order');
  await waitExists('order-edit-form');
  await fillField(`edit-qty-${a}`, '2');
  await click('edit-save');
  await waitFor('the edit saved', async () => !(await exists('order-edit-form')));
  eq(orderOf(number).lines[0].quantity, 2, 'the quantity in the database');
  eq(reservedOf(a), before.a + 2, 'the reservation followed the edit');
  const history = await text('order-detail');
  check(history.includes('× 1 → × 2'), `the history shows the edit before → after: ${history.slice(0, 400)}`);

  // A pinned note and a payment of the whole total.
  await fillField('note-text', 'позвонить перед доставкой');
  await browser.execute((q) => {
    const el = document.querySelector(q);
    if (!el.checked) el.click();
  }, sel('note-pin-new'));
  await click('add-note');
  await waitFor('the pinned note', async () => (await text('notes'))?.includes('📌 позвонить перед доставкой'));
  const total = orderOf(number).total_minor;
  await fillField('pay-amount', (total / 100).toFixed(2).replace('.', ','));
  await fillField('pay-method', 'карта');
  await click('pay');
  await waitFor('paid', () => orderOf(number).payment_status === 'paid');
  await screenshot('ru-16-order-desk');
  await setLanguage('en');
  await screenshot('en-16-order-desk');
  await setLanguage('ru');

  // The packer Анна opens it: the note stands above the lines; packs and ships.
  await switchUser(PEOPLE.packer, { badge: true });
  await click('nav-packing');
  await waitExists('screen-packing');
  await browser.execute(() => document.activeElement?.blur());
  await scan(number);
  await waitOrderOpen(number);
  await waitFor('the pinned note at packing', async () => (await text('pinned-note'))?.includes('позвонить перед доставкой'));
  for (const line of orderOf(number).lines) {
    const code = barcodeOf(line.sku);
    for (let i = 1; i <= line.quantity; i++) {
      await scan(code);
      await waitAttr(`line-${line.sku}`, 'data-packed', i);
    }
  }
  await waitAttr('screen-packing', 'data-phase', 'handover');
  await sleep(150);
  await scanTracking(await trackingFor());
  await waitAttr('screen-packing', 'data-phase', 'idle');
  eq(orderOf(number).status, 'shipped', `order ${number} shipped`);

  // Marked delivered from the order screen, by Мария.
  await switchUser(PEOPLE.supervisor);
  await click('nav-orders');
  await waitExists('screen-orders');
  await fillField('orders-search', number);
  await waitExists(`order-row-${number}`);
  await click(`order-row-${number}`);
  await waitExists('move-delivered');
  await click('move-delivered');
  await waitFor('delivered', () => orderOf(number).status === 'delivered');

  // The store renames "delivered" (here from the CLI, as an admin): the
  // app shows the store's name once it reads the lifecycle again.
  cli('statuses', 'rename', 'delivered', '--en', 'Handed over', '--ru', 'Вручён');
  await click('nav-settings');
  await waitExists('status-matrix');
  await browser.execute(() => document.activeElement?.blur());
  const showStatuses = () =>
    waitFor('the statuses section scrolled into view', () =>
      browser.execute((q) => {
        const el = document.querySelector(q);
        el?.scrollIntoView({ block: 'start' });
        const top = el?.getBoundingClientRect().top ?? 9999;
        return top >= 0 && top < 200;
      }, sel('settings-statuses')),
    );
  await showStatuses();
  await screenshot('ru-18-settings-statuses');
  await setLanguage('en');
  await showStatuses();
  await screenshot('en-18-settings-statuses');
  await setLanguage('ru');
  await click('nav-orders');
  await waitExists('screen-orders');
  await fillField('orders-search', number);
  await waitExists(`order-row-${number}`);
  await waitFor('the store\'s name on the badge', async () => (await text(`order-row-${number}`))?.includes('Вручён'));

  // An overdue order stands out: the demo's ready orders are past the
  // one-minute limit set after the demo loaded.
  await waitFor('a minute since the limit was set', async () => Date.now() - overdueSince > 61_000, 90_000);
  await fillField('orders-search', '');
  await click('tab-ready');
  await waitFor('an overdue ready order marked with words', () =>
    browser.execute(() => [...document.querySelectorAll('[data-testid^="order-row-"]')].some((r) => r.querySelector('.overdue-tag')?.textContent.includes('⚠'))),
  );
  const tab = await text('tab-ready');
  check(tab.includes('⚠'), `the ready tab counts its overdue orders: ${tab}`);
  await screenshot('ru-17-orders-overdue');
  await setLanguage('en');
  await screenshot('en-17-orders-overdue');
  await setLanguage('ru');

  // Мария's orders: the manager filter lists the phone order and only hers.
  await click('tab-all');
  await fillField('filter-manager', 'Мария');
  const hers = cliJson('orders', 'list', '--manager', 'Мария', '--limit', '500').map((o) => o.number).sort().join(' ');
  check(hers.includes(number), `order ${number} is Мария's: ${hers}`);
  const rowsShown = () => browser.execute(() => [...document.querySelectorAll('[data-testid^="order-row-"]')].map((r) => r.dataset.testid.slice('order-row-'.length)).sort().join(' '));
  await waitFor(`only Мария's orders listed (${hers})`, async () => (await rowsShown()) === hers);
  await fillField('filter-manager', '');
  await switchUser(PEOPLE.packer, { badge: true });
  await click('nav-packing');
  await waitExists('screen-packing');
});

test('people: a packer signs in by badge and packs; shipping short asks for the supervisor; a wrong PIN ten times locks the login; the audit trail finds the short-ship with both names', async () => {
  // Anna signs out; her badge signs her in again.
  await click('sign-out');
  await waitExists('screen-signin');
  await signIn(PEOPLE.packer, { badge: true });
  await click('nav-packing');
  await waitExists('screen-packing');
  await waitAttr('screen-packing', 'data-phase', 'idle');

  // An order with two units or more: one scanned, the rest shipped short.
  const order = data.take((d) => d.lines.reduce((n, l) => n + l.quantity, 0) >= 2);
  await browser.execute(() => document.activeElement?.blur());
  await scan(order.number);
  await waitOrderOpen(order.number);
  const line = order.lines[0];
  await scan(barcodeOf(line.sku));
  await waitAttr(`line-${line.sku}`, 'data-packed', 1);
  await press(Key.F9);
  await waitExists('reason-dialog');
  await browser.$(sel('reason-input')).setValue('нет на складе');
  await click('reason-confirm');
  // Not hers to decide: the supervisor's PIN. A wrong one first.
  await waitExists('approval-dialog');
  await fillField('approval-login', PEOPLE.supervisor.login);
  await fillField('approval-pin', '0000');
  await click('approval-approve');
  await waitExists('approval-refusal');
  eq(orderOf(order.number).status, 'packing', 'a wrong supervisor PIN ships nothing');
  // The language buttons sit under the dialog's backdrop: pressed as a
  // script would, so the dialog stays open for both pictures.
  for (const l of ['en', 'ru']) {
    await browser.execute((q) => document.querySelector(q)?.click(), sel(`lang-${l}`));
    await waitFor(`language ${l}`, () => browser.execute(() => document.documentElement.lang).then((x) => x === l));
    await screenshot(`${l}-20-approval`);
  }
  await fillField('approval-pin', PEOPLE.supervisor.pin);
  await click('approval-approve');
  await waitFor('the approval dialog closed', async () => !(await exists('approval-dialog')));
  await waitAttr('screen-packing', 'data-phase', 'handover');
  const packed = orderOf(order.number);
  eq(packed.status, 'ready', `order ${order.number} packed short`);
  const short = packed.events.find((e) => e.kind === 'packed_short');
  check(short, `the short-ship is in the history: ${packed.events.map((e) => e.kind).join()}`);
  eq(short.user, PEOPLE.packer.name, 'the packer did it');
  eq(short.approved_by, PEOPLE.supervisor.name, 'the supervisor approved it');
  await click('put-aside');
  await waitAttr('screen-packing', 'data-phase', 'idle');

  // Someone tries Иван's login with wrong PINs: the tenth locks it.
  await press(Key.F12);
  await waitExists('screen-signin');
  for (let k = 1; k <= 10; k++) {
    await fillField('signin-login', PEOPLE.picker.login);
    await fillField('signin-pin', '9999');
    await click('signin-submit');
    await waitFor(`wrong PIN ${k} answered`, async () => (await attr('signin-error', 'data-code')) === (k < 10 ? 'wrong_credentials' : 'locked_out') && (await attr('signin-error', 'data-attempt')) === String(k));
  }
  const locked = await text('signin-error');
  check(/15/.test(locked), `the lock says how long: ${locked}`);
  await fillField('signin-login', PEOPLE.picker.login);
  await fillField('signin-pin', PEOPLE.picker.pin);
  await click('signin-submit');
  await waitFor('the right PIN waits out the lock too', async () => (await attr('signin-error', 'data-code')) === 'locked_out' && (await attr('signin-error', 'data-attempt')) === '11');
  await screenshot('ru-23-locked');

  // The audit trail: the supervisor signs in and finds the short-ship.
  await signIn(PEOPLE.supervisor);
  await press(Key.F7);
  await waitExists('screen-audit');
  await fillField('audit-order', order.number);
  await waitFor('the short-ship in the audit trail', () =>
    browser.execute((number, supervisor) => [...document.querySelectorAll('[data-testid^="audit-row-"]')].some((r) => r.textContent.includes(number) && r.textContent.includes(supervisor)), order.number, PEOPLE.supervisor.name),
  );
  const rows = await browser.execute(() => [...document.querySelectorAll('[data-testid^="audit-row-"]')].map((r) => r.textContent));
  check(rows.some((r) => r.includes(PEOPLE.packer.name) && r.includes(PEOPLE.supervisor.name)), `one row names both: ${rows.join(' | ')}`);
  const trail = cliJson('audit', '--order', order.number, '--kind', 'packed_short');
  eq(trail.approved_by, PEOPLE.supervisor.name, 'the CLI reads the same audit trail');
  await switchUser(PEOPLE.packer, { badge: true });
});

// ---- the runner -------------------------------------------------------

test('cartons: an order packed into box S and box M by scanning their barcodes, each carton weighed by a typed weight; the settings block', async () => {
  // The store's GS1 prefix: every carton gets an SSCC.
  cli('boxes', 'settings', '--prefix', '4601234');
  const weightOf = new Map();
  const weighed = (sku) => {
    if (!weightOf.has(sku)) weightOf.set(sku, productOf(sku).weight_g);
    return weightOf.get(sku);
  };
  const units = (d) => d.lines.reduce((n, l) => n + l.quantity, 0);
  // Carton 1 takes the first line; carton 2 the rest, one unit of which
  // waits until the screenshot of both cartons is taken.
  const order = data.take((d) => d.lines.length >= 2 && units(d) - d.lines[0].quantity >= 2 && d.lines.every((l) => weighed(l.sku) > 0));
  const number = order.number;
  const [first, ...rest] = order.lines;
  const codes = Object.fromEntries(order.lines.map((l) => [l.sku, barcodeOf(l.sku)]));
  log(`${number}: ${order.lines.map((l) => `${l.sku} x${l.quantity} (${weighed(l.sku)} g)`).join(', ')}`);

  // The scenario before may leave another screen open.
  await click('nav-packing');
  await waitExists('screen-packing');
  await waitAttr('screen-packing', 'data-phase', 'idle');
  await scan(number);
  await waitOrderOpen(number);
  check((await text('cartons')).length > 0, 'the carton strip is shown');

  await scan('BOX-S');
  await waitAttr('scan-banner', 'data-outcome', 'box_opened');
  await waitAttr('carton-1', 'data-open', 'true');
  check((await text('carton-1')).includes('S'), `carton 1 is box S: ${await text('carton-1')}`);
  for (let i = 1; i <= first.quantity; i++) {
    await scan(codes[first.sku]);
    await waitAttr(`line-${first.sku}`, 'data-packed', i);
  }
  await waitAttr('carton-1', 'data-units', first.quantity);
  // Another box while carton 1 holds goods: close it first.
  await scan('BOX-M');
  await waitAttr('scan-banner', 'data-outcome', 'close_carton_first');
  eq(await attr('scan-banner', 'data-tone'), 'bad', 'banner tone for a box scanned over a full carton');

  // Ctrl+K: the close dialog; a wrong weight is refused with the difference.
  await browser.execute(() => document.activeElement?.blur());
  await browser.action('key').down(Key.Ctrl).down('k').up('k').up(Key.Ctrl).perform(true);
  await waitExists('close-carton-dialog');
  await fillField('carton-weight', '9 kg');
  await click('carton-close');
  await waitAttr('close-carton-dialog', 'data-stage', 'off');
  const off = await text('carton-note');
  check(/Вес не сходится|Weight does not match/.test(off), `the refusal says the difference: ${off}`);
  await screenshot('ru-30-carton-weight-off');
  const expected = first.quantity * weighed(first.sku) + 120; // box S is 120 g empty
  await fillField('carton-weight', `${expected} g`);
  await click('carton-close');
  await waitFor('the close dialog gone', async () => !(await exists('close-carton-dialog')));
  await waitAttr('carton-1', 'data-open', 'false');
  await waitAttr('scan-banner', 'data-outcome', 'carton_closed');
  log(`carton 1 closed: ${await text('scan-banner')}`);

  // Box M's barcode opens carton 2.
  await scan('BOX-M');
  await waitAttr('scan-banner', 'data-outcome', 'box_opened');
  await waitAttr('carton-2', 'data-open', 'true');
  const todo = rest.flatMap((l) => Array.from({ length: l.quantity }, () => l.sku));
  const last = todo.pop();
  for (const [i, sku] of todo.entries()) {
    await scan(codes[sku]);
    await waitAttr('carton-2', 'data-units', i + 1);
  }
  for (const l of ['ru', 'en']) {
    await setLanguage(l);
    await screenshot(`${l}-28-packing-cartons`);
  }
  await setLanguage('ru');

  // The last unit: auto-finish closes carton 2 (not weighed: the store
  // does not weigh every carton).
  await scan(codes[last]);
  await waitAttr('screen-packing', 'data-phase', 'handover');
  await waitAttr('carton-2', 'data-open', 'false');
  const cartons = cliJson('carton', 'list', number);
  eq(cartons.length, 2, `cartons of ${number}`);
  eq(cartons.map((c) => c.box_type).join(), 'S,M', 'boxes of the cartons');
  eq(cartons[0].weight_g, expected, 'carton 1 weight');
  check(cartons.every((c) => /^\d{18}$/.test(c.sscc ?? '')), `SSCCs: ${cartons.map((c) => c.sscc).join(', ')}`);
  await screenshot('ru-31-packing-cartons-packed');

  // The settings block, for a supervisor.
  await switchUser(PEOPLE.supervisor);
  await press(Key.F4);
  await waitExists('settings-cartons');
  await waitExists('box-S');
  await browser.execute((q) => document.querySelector(q)?.scrollIntoView({ block: 'start' }), sel('settings-cartons'));
  for (const l of ['ru', 'en']) {
    await setLanguage(l);
    await browser.execute((q) => document.querySelector(q)?.scrollIntoView({ block: 'start' }), sel('settings-cartons'));
    await screenshot(`${l}-29-settings-cartons`);
  }
  await setLanguage('ru');
  await switchUser(PEOPLE.packer);
  await press(Key.F3);
  await waitExists('screen-packing');

  // Handed over: one tracking number for both cartons (a multi-piece
  // waybill), the carrier's kind of number.
  await waitAttr('screen-packing', 'data-phase', 'handover');
  await browser.execute(() => document.activeElement?.blur());
  await sleep(150);
  const tracking = await trackingFor();
  await scanTracking(tracking);
  await waitAttr('screen-packing', 'data-phase', 'idle');
  eq(orderOf(number).status, 'shipped', `${number} shipped`);
  const parcels = cliJson('carton', 'list', number);
  eq(parcels.map((c) => c.tracking_number).join(), `${tracking},${tracking}`, 'both cartons carry the tracking number');
});


// ---- finding, moving and telling (issue 10) ---------------------------

/** A real SMTP server on loopback (scripts/smtp-sink.py, aiosmtpd) that
 * writes each message it takes as JSON into `dir`. */
async function startSmtpSink() {
  const net = await import('node:net');
  const { spawn } = await import('node:child_process');
  const port = await new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
  const dir = fs.mkdtempSync(path.join(OUT, 'smtp-'));
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const child = spawn('/usr/bin/python3', [path.join(root, 'scripts/smtp-sink.py'), String(port), dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => (String(d).includes('ready') ? resolve() : reject(new Failure(`smtp sink: ${d}`))));
    child.once('exit', (c) => reject(new Failure(`the SMTP sink exited (${c}); install python3-aiosmtpd`)));
  });
  return {
    port,
    received: () =>
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))),
    stop: () => child.stdin.end(),
  };
}

test('finding and telling: a Shopify export imported through the preview, found by phone, filtered, grouped, exported to XLSX; shipping one sends a Russian e-mail with the tracking link', async () => {
  const sink = await startSmtpSink();
  try {
    // The admin: imports, exports and sets up the store's mail.
    await switchUser(PEOPLE.admin);
    // The store's mail: the loopback server, no login, customers in Russian.
    cli('mail', 'set', '--host', '127.0.0.1', '--port', String(sink.port), '--security', 'none', '--from', 'shop@packbench-demo.ru', '--from-name', 'Магазин «Пакбенч»', '--lang', 'ru', '--enable');

    // A Shopify export with two orders of demo products.
    const sku = (n) => productOf(`PB-000${n}`).sku;
    const file = path.join(OUT, 'shopify-export.csv');
    fs.writeFileSync(
      file,
      '\ufeffName,Email,Financial Status,Currency,Shipping,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Name,Phone\n' +
        `#9101,irina.e2e@example.ru,paid,RUB,300.00,СДЭК,2026-11-20 10:00:00 +0300,1,Кружка,490.00,${sku(1)},Ирина Белова,+7 916 555-12-34\n` +
        `#9102,pavel.e2e@example.ru,pending,RUB,0,Самовывоз,2026-11-21 12:00:00 +0300,2,Товар,390.00,${sku(2)},Павел Орлов,+7 926 777-00-11\n`,
    );

    await click('nav-orders');
    await waitExists('screen-orders');
    await click('import-open');
    await waitExists('import-kind');
    await browser.$(sel('import-kind')).selectByAttribute('value', 'shopify');
    await browser.$(sel('import-path')).setValue(file);
    await click('import-path-go');
    await waitExists('import-preview-table');
    await waitFor('the preview counts two orders', async () => (await text('import-items')).includes('2'));
    const mapped = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="import-field"]')].map((el) => [el.dataset.field, el.querySelector('select')?.value ?? '']),
    );
    check(mapped.some(([f, h]) => f === 'lineitem sku' && h.toLowerCase() === 'lineitem sku'), `the SKU column is guessed: ${JSON.stringify(mapped)}`);
    await screenshot('ru-24-import-preview');
    await setLanguage('en');
    await screenshot('en-24-import-preview');
    await setLanguage('ru');
    await click('import-go');
    await waitExists('import-summary', 30_000);
    eq(await attr('import-summary', 'data-imported'), '2', 'orders imported');
    eq(orderOf('9101').status, 'new', '9101 in the database');
    await press(Key.Escape);

    // Found by the phone in another formatting.
    await click('nav-orders');
    await waitExists('screen-orders');
    await click('filters-open');
    await waitExists('filter-search');
    await browser.$(sel('filter-search')).setValue('89165551234');
    await click('filter-apply');
    await waitExists('order-row-9101');
    check(!(await exists('order-row-9102')), '9102 is not found by 9101\'s phone');
    await click('filters-clear');

    // Found by the surname typed on a Russian layout: the keys of ",tkjdf"
    // type "белова".
    await click('filters-open');
    await waitExists('filter-search');
    x11('setxkbmap', 'us,ru', '-option', 'grp:alt_shift_toggle');
    x11('setxkbmap', 'ru');
    try {
      await typeByKeyPosition('filter-search', ',tkjdf', 'белова');
    } finally {
      x11('setxkbmap', '-option', '');
      x11('setxkbmap', 'us');
    }
    await click('filter-apply');
    await waitExists('order-row-9101');
    check(!(await exists('order-row-9102')), '9102 is not found by 9101\'s surname');
    await click('filters-clear');

    // Filtered by date and delivery method, then grouped by status.
    await click('filters-open');
    await waitExists('filter-date-from');
    await browser.execute(
      (from, to) => {
        const set = (q, v) => {
          const el = document.querySelector(q);
          el.value = v;
          el.dispatchEvent(new Event('input', { bubbles: true }));
          el.dispatchEvent(new Event('change', { bubbles: true }));
        };
        set(from, '2026-11-20T00:00');
        set(to, '2026-11-22T00:00');
      },
      sel('filter-date-from'),
      sel('filter-date-to'),
    );
    await browser.execute((q) => {
      const box = [...document.querySelectorAll(q)].find((el) => el.value === 'СДЭК');
      box.click();
    }, sel('filter-delivery'));
    // Pressed where the button is when pressed: the panel's counts arrive
    // while it is open and move it, and a pointer click aimed a moment
    // earlier once landed in the delivery-cost field instead.
    await browser.execute((q) => document.querySelector(q).click(), sel('filter-apply'));
    await waitExists('order-row-9101');
    await waitFor('only 9101 in the list', async () => !(await exists('order-row-9102')));
    const chips = await browser.execute(() => [...document.querySelectorAll('[data-testid="filter-chip"]')].map((c) => c.dataset.field));
    check(chips.includes('delivery_methods') || chips.some((c) => /deliver/.test(c)), `a chip for the delivery method: ${chips}`);
    await browser.$(sel('group-by')).selectByAttribute('value', 'status');
    await waitFor('a group row for new orders', () => exists('group-row'));
    const groups = await browser.execute(() => [...document.querySelectorAll('[data-testid="group-row"]')].map((g) => g.dataset.key));
    check(groups.includes('new'), `groups by status: ${groups}`);
    await screenshot('ru-25-orders-filtered-grouped');
    await setLanguage('en');
    await screenshot('en-25-orders-filtered-grouped');
    await setLanguage('ru');

    // Exported to XLSX, read back by openpyxl.
    await click('export-open');
    await waitExists('export-go');
    await browser.$(sel('export-format')).selectByAttribute('value', 'xlsx').catch(() => {});
    await click('export-go');
    await waitExists('export-done', 30_000);
    const xlsx = (await text('export-done')).trim();
    check(fs.existsSync(xlsx), `the export is written: ${xlsx}`);
    const cells = execFileSync('/usr/bin/python3', ['-c', 'import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]\nfor row in ws.iter_rows(values_only=True):\n    print("|".join("" if v is None else str(v) for v in row))\n', xlsx], { encoding: 'utf8' });
    check(cells.split('\n').some((l) => l.startsWith('9101|')), `9101 in the XLSX:\n${cells}`);
    check(!cells.includes('9102|'), '9102 is filtered out of the export');
    await click('export-close');

    // Confirmed, packed and shipped at the packing table: the customer is
    // told in Russian, with the carrier's tracking link.
    cli('orders', 'confirm', '9101');
    const order = orderOf('9101');
    await click('nav-packing');
    await waitExists('screen-packing');
    await waitAttr('screen-packing', 'data-phase', 'idle');
    await browser.execute(() => document.activeElement?.blur());
    await scan('9101');
    await waitOrderOpen('9101');
    for (const line of order.lines) {
      for (let i = 1; i <= line.quantity; i++) {
        await scan(barcodeOf(line.sku));
        await waitAttr(`line-${line.sku}`, 'data-packed', i);
      }
    }
    await waitAttr('screen-packing', 'data-phase', 'handover');
    await browser.execute(() => document.activeElement?.blur());
    // The carrier's own kind of number (core checks it against its pattern).
    const tracking = await trackingFor();
    await sleep(150);
    await scanTracking(tracking);
    await waitAttr('screen-packing', 'data-phase', 'idle');
    const shipped = orderOf('9101');
    eq(shipped.status, 'shipped', '9101 shipped');
    eq(shipped.tracking_number, tracking, 'the tracking number scanned');
    let mail = [];
    try {
      await waitFor('the shipped e-mail at the SMTP server', () => {
        mail = sink.received();
        return mail.some((m) => m.subject === 'Заказ 9101 отправлен');
      }, 30_000);
    } catch (e) {
      throw new Failure(`${e.message}\nreceived: ${JSON.stringify(mail.map((m) => m.subject))}\noutbox:\n${cli('outbox', 'list', '--order', '9101')}`);
    }
    const sent = mail.find((m) => m.subject === 'Заказ 9101 отправлен');
    eq(sent.rcpt_tos[0], 'irina.e2e@example.ru', 'recipient');
    check(sent.text.includes(`https://www.cdek.ru/ru/tracking?order_id=${tracking}`), `the tracking link in the e-mail:\n${sent.text}`);
    check(sent.text.includes('Здравствуйте, Ирина Белова!'), `Cyrillic intact:\n${sent.text}`);
    check(mail.some((m) => m.subject === 'Заказ 9101 собран'), 'the packed e-mail too');
    log(`e-mails: ${mail.map((m) => m.subject).join('; ')}`);

    // The outbox shows them sent; Settings shows the mail server.
    // F10, as a supervisor would (the tab may sit scrolled at the bar's end).
    await browser.execute(() => document.activeElement?.blur());
    await press(Key.F10);
    await waitFor('the sent messages in the outbox', () =>
      browser.execute(() => [...document.querySelectorAll('[data-testid="outbox-row"]')].some((r) => r.dataset.order === '9101' && r.dataset.status === 'sent')),
    );
    await screenshot('ru-26-outbox');
    await setLanguage('en');
    await screenshot('en-26-outbox');
    await setLanguage('ru');
    await press(Key.F4);
    await waitExists('mail-host');
    await browser.execute((q) => document.querySelector(q)?.scrollIntoView({ block: 'start' }), sel('mail-host'));
    await sleep(300);
    await screenshot('ru-27-settings-mail');
    await setLanguage('en');
    await screenshot('en-27-settings-mail');
    await setLanguage('ru');
  } finally {
    sink.stop();
  }
});

// ---- orders that arrive by themselves (issue 15) -------------------------

/** packbench-server on the app's database and a free loopback port. */
async function startOrderServer() {
  const child = spawn(SERVER, ['--db', process.env.PACKBENCH_DATABASE_URL, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure(`packbench-server did not start within 30 s:\n${err}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(+m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Failure(`packbench-server stopped (${code}):\n${err}`));
    });
  });
  return { port, stop: () => child.kill('SIGTERM'), log: () => err };
}

test('orders that arrive by themselves: a signed Shopify webhook posted to packbench-server appears on the orders screen without a reload (twice: one order); a forged one is refused; the order is packed by scanner and a carrier\'s status file marks it delivered', async () => {
  const { createHmac } = await import('node:crypto');
  const secret = 'e2e-shopify-secret-3f9a1c7b5d';
  const secretFile = path.join(OUT, 'shopify.secret');
  fs.writeFileSync(secretFile, secret);
  cli('webhooks', 'set-secret', '--channel', 'shopify', '--secret-file', secretFile);
  const server = await startOrderServer();
  try {
    // Shopify's orders/create, shaped as its documentation shows, for two
    // of the demo's products.
    const number = String(9300 + (Date.now() % 600));
    const order = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'tests/fixtures/webhooks/shopify_order_create.json'), 'utf8'));
    order.id = 820982911946150000 + +number;
    order.name = `#${number}`;
    order.order_number = +number;
    const sku = (n) => productOf(`PB-000${n}`).sku;
    order.line_items = order.line_items.slice(0, 2).map((l, i) => ({ ...l, sku: sku(i + 1), quantity: 1, price: '450.00', total_discount: '0.00', discount_allocations: [], tax_lines: [] }));
    const body = JSON.stringify(order);
    const post = (signature, id) =>
      fetch(`http://127.0.0.1:${server.port}/webhooks/shopify`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Topic': 'orders/create',
          'X-Shopify-Hmac-Sha256': signature,
          'X-Shopify-Webhook-Id': id,
          'X-Shopify-Shop-Domain': 'packbench-demo.myshopify.com',
        },
        body,
      });
    const signature = createHmac('sha256', secret).update(body).digest('base64');

    // The orders screen open, as a manager would keep it.
    await browser.execute(() => document.activeElement?.blur());
    await press(Key.F1);
    await waitExists('screen-orders');
    check(!(await exists(`order-row-${number}`)), `order ${number} is not there yet`);
    const forged = await post(createHmac('sha256', 'not-the-secret').update(body).digest('base64'), `e2e-${number}-x`);
    eq(forged.status, 401, 'a forged webhook is refused');
    const t0 = Date.now();
    const first = await post(signature, `e2e-${number}`);
    eq(first.status, 200, `the webhook is taken: ${await first.text()}`);
    await waitExists(`order-row-${number}`, 5_000);
    const seenMs = Date.now() - t0;
    log(`the webhook's order on the orders screen ${seenMs} ms after it was posted (no reload)`);
    perf.webhook_to_screen_ms = seenMs;
    // Shopify delivers again when it is unsure: one order all the same.
    const again = await post(signature, `e2e-${number}`);
    eq(again.status, 200, 'the second delivery is answered');
    eq(cliJson('orders', 'list', '--search', number).filter((o) => o.number === number).length, 1, 'one order');
    const taken = orderOf(number);
    eq(taken.channel, 'shopify', 'its channel');
    eq(taken.lines.length, 2, 'both lines');

    // The shop's private buyers get a товарный чек in the parcel: its
    // printer chosen on this station, the channel's documents for every
    // station (a supervisor's setting).
    const since = Date.now() - 1000;
    if (signedAs?.login !== PEOPLE.supervisor.login) await switchUser(PEOPLE.supervisor);
    await press(Key.F4);
    await waitExists('settings-printing');
    await selectValue('settings-printer-sales_receipt', PDF_PRINTER);
    await pressButton('print-settings-save');
    await waitFor('print settings saved', async () => (await text('print-settings-message'))?.startsWith('✔'));
    await waitExists('parcel-docs-row-shopify');
    if (!(await browser.execute((q) => document.querySelector(q)?.checked, sel('parcel-docs-shopify-sales_receipt')))) {
      await pressButton('parcel-docs-shopify-sales_receipt');
    }
    await waitFor('shopify gets the товарный чек', () => browser.execute((q) => document.querySelector(q)?.checked, sel('parcel-docs-shopify-sales_receipt')));
    await pressButton('parcel-docs-save');
    await waitFor('parcel documents saved', async () => (await text('parcel-docs-message'))?.startsWith('✔'));
    await browser.execute((q) => document.querySelector(q)?.scrollIntoView({ block: 'start' }), sel('settings-parcel-docs'));
    await setLanguage('ru');
    await screenshot('ru-52-parcel-documents');
    await setLanguage('en');
    await screenshot('en-52-parcel-documents');
    await setLanguage('ru');
    const shopify = cliJson('print', 'parcel-documents').channels.find((c) => c.channel === 'shopify');
    check(shopify?.documents.includes('sales_receipt'), `the CLI reads the same setting: ${JSON.stringify(shopify)}`);

    // Confirmed and packed by scanner, shipped by its tracking scan.
    cli('orders', 'confirm', number);
    await press(Key.F3);
    await waitExists('screen-packing');
    await waitAttr('screen-packing', 'data-phase', 'idle');
    await browser.execute(() => document.activeElement?.blur());
    await scan(number);
    await waitOrderOpen(number);
    for (const line of orderOf(number).lines) {
      for (let i = 1; i <= line.quantity; i++) {
        await scan(barcodeOf(line.sku));
        await waitAttr(`line-${line.sku}`, 'data-packed', i);
      }
    }
    await waitAttr('screen-packing', 'data-phase', 'handover');
    // The shop's delivery ("СДЭК до двери") names no carrier of the
    // store's: the packer picks it.
    await selectValue('carrier-select', 'СДЭК');
    await browser.execute(() => document.activeElement?.blur());
    const tracking = await trackingFor('СДЭК');
    await sleep(150);
    await scanTracking(tracking);
    await waitAttr('screen-packing', 'data-phase', 'idle');
    eq(orderOf(number).status, 'shipped', `${number} shipped`);
    // Its товарный чек came out of the printer with the parcel.
    const receipt = cliJson('print', 'jobs', '--order', number).find((j) => j.kind === 'sales_receipt');
    check(receipt, `a товарный чек was queued for ${number}`);
    eq(receipt.status, 'sent', 'the товарный чек was sent to CUPS');
    const printedReceipt = await printedPdf(`packbench-sales-receipt-${number}-job${receipt.id}-`, since);
    eq(pageSize(printedReceipt), '595 x 842', 'an A4 товарный чек from cups-pdf');
    const receiptFile = path.join(OUT, `sales-receipt-${number}.pdf`);
    cli('print', 'sales-receipt', number, '--out', receiptFile);
    const receiptText = execFileSync('pdftotext', ['-layout', receiptFile, '-'], { encoding: 'utf8' });
    check(receiptText.includes('Товарный чек') && receiptText.includes(number), `the товарный чек names ${number}: ${receiptText.slice(0, 300)}`);
    log(`${number}: its товарный чек printed with the parcel (${path.basename(printedReceipt)})`);

    // The carrier says it was handed over.
    const file = path.join(OUT, 'webhook-order-status.csv');
    fs.writeFileSync(file, `Трек-номер;Статус;Дата статуса\n${tracking};Вручен;${new Date().toISOString().slice(0, 16).replace('T', ' ')}\n`);
    const report = cliJson('parcels', 'import-status', file, '--utc-offset', '0');
    eq(report.delivered.join(','), number, 'the status file delivers it');
    eq(orderOf(number).status, 'delivered', `${number} delivered`);
  } catch (e) {
    throw new Failure(`${e.message}\npackbench-server said:\n${server.log()}`);
  } finally {
    server.stop();
  }
});

// ---- delivery status (issue 15) -----------------------------------------

test('delivery status: a manager imports a carrier\'s status file on the Delivery tab; the orders whose parcels were handed over become delivered, an unknown number and a bad row are named, stalled parcels listed', async () => {
  // A ready order shipped by the CLI with a СДЭК number, and a shipped
  // order of the demo with its own tracking number.
  const ready = cliJson('orders', 'list', '--status', 'ready');
  check(ready.length > 0, 'the demo has a ready order to ship');
  const number = ready[0].number;
  const tracking = `7${String(Date.now()).slice(-9)}`;
  cli('ship', number, '--carrier', 'cdek', '--tracking', tracking);
  eq(orderOf(number).status, 'shipped', `${number} shipped`);
  const other = cliJson('orders', 'list', '--status', 'shipped')
    .map((o) => orderOf(o.number))
    .find((o) => o.number !== number && o.tracking_number);
  check(other, 'the demo has a shipped order with a tracking number');

  // As the carrier's site exports it: semicolons, its own Russian headers,
  // times on the station's clock.
  const at = (minutesAgo) => {
    const d = new Date(Date.now() - minutesAgo * 60_000);
    const p2 = (n) => String(n).padStart(2, '0');
    return `${p2(d.getDate())}.${p2(d.getMonth() + 1)}.${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}`;
  };
  const file = path.join(OUT, 'carrier-statuses.csv');
  fs.writeFileSync(
    file,
    '\ufeffНомер отправления;Статус;Дата статуса;Город\n' +
      `${tracking};Принят на склад отправителя;${at(50)};Москва\n` +
      `${other.tracking_number};Прибыло в место вручения;${at(40)};Казань\n` +
      `${tracking};Вручен;${at(10)};Москва\n` +
      `${other.tracking_number};Вручение адресату;${at(5)};Казань\n` +
      `0000000001;Вручен;${at(5)};Тула\n` +
      `${tracking};Вручен;вчера;Москва\n`,
  );

  await switchUser(PEOPLE.manager);
  await browser.execute(() => document.activeElement?.blur());
  await browser.action('key').down(Key.Shift).down(Key.F3).up(Key.F3).up(Key.Shift).perform(true);
  await waitExists('delivery');
  check(!(await exists('shipping-tab-ship')), 'a manager does not ship: no "to ship" tab');
  await browser.$(sel('delivery-path')).setValue(file);
  await click('delivery-import');
  await waitExists('delivery-report', 30_000);
  const delivered = await text('delivery-delivered');
  check(delivered.includes(number) && delivered.includes(other.number), `both orders delivered: ${delivered}`);
  check((await text('delivery-unknown')).includes('0000000001'), 'the unknown number is named');
  const rowErrors = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="delivery-row-error"]')].map((e) => e.textContent),
  );
  eq(rowErrors.length, 1, 'one bad row');
  check(rowErrors[0].includes('6') && rowErrors[0].includes('вчера'), `the bad row and its words: ${rowErrors[0]}`);
  eq(orderOf(number).status, 'delivered', `${number} delivered in the database`);
  eq(orderOf(other.number).status, 'delivered', `${other.number} delivered in the database`);
  const moves = cliJson('parcels', 'history', number);
  eq(moves.map((m) => m.state).join(','), 'in_transit,delivered', `${number}'s movements`);
  await screenshot('ru-41-delivery');
  await setLanguage('en');
  await screenshot('en-41-delivery');
  await setLanguage('ru');

  // The same file again: nothing new, nothing moved twice.
  eq(await attr('delivery-report', 'data-recorded'), '5', 'movements recorded');
  await click('delivery-import');
  await waitAttr('delivery-report', 'data-known', '5');
  eq(await attr('delivery-report', 'data-recorded'), '0', 'nothing recorded twice');
  check(!(await exists('delivery-delivered')), 'no order delivered twice');
  // The next scenarios start with the supervisor at the packing table.
  await switchUser(PEOPLE.supervisor);
});

// ---- the warehouse walk (issue 11) ------------------------------------

/** A product's stock as the CLI reads it: on hand and reserved, in all
 *  bins and in `bin`. */
function stockOf(sku, bin) {
  const rows = productOf(sku).stock;
  const sum = (i, only) => rows.filter((r) => !only || r[0] === only).reduce((n, r) => n + r[i], 0);
  return { onHand: sum(1), reserved: sum(2), inBin: bin ? sum(1, bin) : null };
}

test('the warehouse walk: stock received by scanning, picked, packed into two cartons (a wrong weight refused, then recounted), a marked item by its DataMatrix, carton labels on the CUPS queue, a tracking number per carton, the manifest printed, one item back to stock; the stock read back through the CLI at every step', async () => {
  const since = Date.now() - 1000;
  await setLanguage('ru');
  await switchUser(PEOPLE.supervisor);

  // The order: its first line goes into carton 1; another line of one
  // unit is the marked product, packed last into carton 2.
  const order = data.take((d) => {
    if (d.lines.length < 2 || d.lines.length > 3 || d.units > 8) return false;
    if (!d.lines.slice(1).some((l) => l.quantity === 1)) return false;
    return d.lines.every((l) => productOf(l.sku).weight_g > 0 && barcodeOf(l.sku).length === 13);
  });
  const number = order.number;
  const first = order.lines[0];
  const marked = order.lines.slice(1).find((l) => l.quantity === 1);
  const others = order.lines.slice(1).filter((l) => l !== marked);
  const codes = Object.fromEntries(order.lines.map((l) => [l.sku, barcodeOf(l.sku)]));
  const bin = productOf(first.sku).default_bin;
  check(bin, `${first.sku} has a default bin`);
  cli('products', 'edit', marked.sku, '--marked', 'yes');
  check(productOf(marked.sku).marked, `${marked.sku} is marked`);
  const datamatrix = `010${codes[marked.sku]}21Wk7q!${GS}91EE07${GS}92MEUCIQD+walk=`;
  log(`${number}: ${order.lines.map((l) => `${l.sku} x${l.quantity}`).join(', ')}; ${marked.sku} marked; receiving into ${bin}`);
  const start = stockOf(first.sku, bin);

  // Printers: labels, the manifest and the return note on the PDF queue.
  await press(Key.F4);
  await waitExists('settings-printing');
  await selectValue('settings-printer-label', PDF_PRINTER);
  await selectValue('settings-paper-label', 'label_4x6');
  await selectValue('settings-format-label', 'pdf');
  await selectValue('settings-printer-manifest', PDF_PRINTER);
  await selectValue('settings-printer-return_note', PDF_PRINTER);
  await pressButton('print-settings-save');
  await waitFor('print settings saved', async () => (await text('print-settings-message'))?.startsWith('✔'));
  const station = JSON.parse(fs.readFileSync(process.env.PACKBENCH_CONFIG, 'utf8'));
  eq(station.print.return_note.printer, PDF_PRINTER, 'the return note printer in station.json');

  // 1. Receiving: the bin's label, then two units of the first product.
  // Screens by their keys: an earlier scenario's print-failure notice may
  // cover the tabs at the right of the bar.
  await press(Key.F11);
  await waitExists('screen-stock');
  await click('stock-mode-receive');
  await waitExists('stock-scan');
  await scan(bin);
  await waitAttr('stock-bin', 'data-bin', bin);
  await scan(codes[first.sku]);
  await scan(codes[first.sku]);
  await waitFor('two units received', async () => (await browser.execute((q) => document.querySelectorAll(q).length, sel('receipt'))) >= 2);
  await waitFor(`${first.sku} on hand +2 (CLI)`, () => stockOf(first.sku, bin).onHand === start.onHand + 2);
  eq(stockOf(first.sku, bin).reserved, start.reserved, `${first.sku} reserved after receiving`);

  // 2. Picking: a pick list for the order, each line's bin then its items.
  await press(Key.F2);
  await waitExists('screen-picking');
  await waitFor(`${number} offered for picking`, () => browser.execute((n) => !!document.querySelector(`input[type="checkbox"][value="${n}"]`), number));
  await browser.execute((n) => document.querySelector(`input[type="checkbox"][value="${n}"]`).click(), number);
  await click('pick-from-selected');
  await waitExists('pick-list-title');
  const list = cliJson('pick', 'show', (await text('pick-list-title')).match(/\d+/)[0]);
  eq(list.orders.join(), number, 'the pick list serves the order');
  for (const line of list.lines) {
    await scan(line.bin);
    await waitAttr('current-bin', 'data-confirmed', 'true');
    for (let i = 1; i <= line.quantity; i++) {
      await scan(line.barcode ?? line.sku);
      await waitAttr(`pick-line-${line.sku}`, 'data-picked', i);
    }
  }
  await click('pick-complete');
  await waitFor('the pick list done (CLI)', () => cliJson('pick', 'show', String(list.id)).status === 'done');
  eq(stockOf(first.sku, bin).onHand, start.onHand + 2, `${first.sku} on hand after picking`);

  // 3. Packing: carton 1 in box S, a wrong weight refused, then the right one.
  await press(Key.F3);
  await waitExists('screen-packing');
  await waitAttr('screen-packing', 'data-phase', 'idle');
  await browser.execute(() => document.activeElement?.blur());
  await scan(number);
  await waitOrderOpen(number);
  await scan('BOX-S');
  await waitAttr('carton-1', 'data-open', 'true');
  for (let i = 1; i <= first.quantity; i++) {
    await scan(codes[first.sku]);
    await waitAttr(`line-${first.sku}`, 'data-packed', i);
  }
  await browser.execute(() => document.activeElement?.blur());
  await browser.action('key').down(Key.Ctrl).down('k').up('k').up(Key.Ctrl).perform(true);
  await waitExists('close-carton-dialog');
  await fillField('carton-weight', '7 kg');
  await click('carton-close');
  await waitAttr('close-carton-dialog', 'data-stage', 'off');
  const off = await text('carton-note');
  check(/Вес не сходится/.test(off) && /кг|г/.test(off), `the refusal says the difference in Russian: ${off}`);
  const weight = first.quantity * productOf(first.sku).weight_g + 120; // box S is 120 g empty
  await fillField('carton-weight', `${weight} g`);
  await click('carton-close');
  await waitFor('the close dialog gone', async () => !(await exists('close-carton-dialog')));
  await waitAttr('carton-1', 'data-open', 'false');

  // Carton 2 in box M: the rest, the marked product last: its EAN is
  // refused, its DataMatrix (GS as Ctrl+]) packs it and finishes the order.
  await scan('BOX-M');
  await waitAttr('carton-2', 'data-open', 'true');
  for (const line of others) {
    for (let i = 1; i <= line.quantity; i++) {
      await scan(codes[line.sku]);
      await waitAttr(`line-${line.sku}`, 'data-packed', i);
    }
  }
  await scan(codes[marked.sku]);
  await waitAttr('scan-banner', 'data-outcome', 'marking_required');
  eq(await attr(`line-${marked.sku}`, 'data-packed'), '0', 'the marked product is not packed by its EAN');
  await scanByKeys(datamatrix);
  await waitAttr('screen-packing', 'data-phase', 'handover');
  const packed = orderOf(number);
  const kept = packed.marking_codes.map((m) => m.code);
  check(kept.length === 1 && kept[0].startsWith(`010${codes[marked.sku]}21Wk7q!${GS}`), `the marking code kept with its GS: ${JSON.stringify(kept)}`);
  eq(stockOf(first.sku, bin).onHand, start.onHand + 2, `${first.sku} on hand once packed (it leaves when shipped)`);

  // The carton labels went to the CUPS PDF queue: "1 of 2" and "2 of 2", on 4x6 in.
  const labels = await waitFor('both carton labels sent (CLI)', () => {
    const jobs = cliJson('print', 'jobs', '--order', number).filter((j) => j.kind === 'label');
    return jobs.length === 2 && jobs.every((j) => j.status === 'sent') ? jobs : null;
  }, 30_000);
  for (const job of labels) {
    const pdf = await printedPdf(jobTitle('label', number, job.id), since);
    eq(pageSize(pdf), '288 x 432', `carton label ${job.carton} on 4x6 in`);
  }
  eq(labels.map((j) => j.carton).sort().join(), '1,2', 'a label per carton');

  // 4. Shipping: a tracking number per carton, from the carrier's labels.
  await selectValue('carrier-select', 'СДЭК');
  await click('tracking-mode-per-carton');
  const t1 = await trackingFor('СДЭК');
  const t2 = String((Number(t1) + 1) % 1e10).padStart(10, '0');
  await fillField('tracking-input-1', t1);
  await fillField('tracking-input-2', t2);
  await screenshot('ru-32-packing-tracking-per-carton');
  await click('ship');
  await waitAttr('screen-packing', 'data-phase', 'idle');
  eq(orderOf(number).status, 'shipped', `${number} shipped`);
  eq(cliJson('carton', 'list', number).map((c) => c.tracking_number).join(), `${t1},${t2}`, 'each carton its own tracking number');
  const shipped = stockOf(first.sku, bin);
  eq(shipped.onHand, start.onHand + 2 - first.quantity, `${first.sku} on hand once shipped`);
  eq(shipped.reserved, start.reserved - first.quantity, `${first.sku} reserved once shipped`);

  // 5. The hand-over: both cartons wait for СДЭК; closed, its manifest printed.
  await browser.action('key').down(Key.Shift).down(Key.F3).up(Key.F3).up(Key.Shift).perform(true);
  await waitExists('screen-shipping');
  for (const l of ['ru', 'en']) {
    await setLanguage(l);
    await screenshot(`${l}-33-shipping-to-ship`);
  }
  await setLanguage('ru');
  await click('shipping-tab-handover');
  await selectValue('shipping-carrier', 'СДЭК');
  await waitFor('both cartons on the hand-over', () => browser.execute((q, a, b) => {
    const t = [...document.querySelectorAll(q)].map((el) => el.dataset.tracking);
    return t.includes(a) && t.includes(b);
  }, sel('handover-parcel'), t1, t2));
  for (const l of ['ru', 'en']) {
    await setLanguage(l);
    await screenshot(`${l}-34-shipping-handover`);
  }
  await setLanguage('ru');
  await click('handover-close');
  await waitExists('handover-manifest');
  const manifestId = await attr('handover-manifest', 'data-manifest-id');
  const manifest = cliJson('handover', '--id', manifestId);
  for (const t of [t1, t2]) check(manifest.view.parcels.some((p) => p.tracking === t), `${t} on manifest ${manifestId}`);
  await click('handover-print');
  await waitAttr('handover-print-status', 'data-status', 'sent', 30_000);
  const manifestJob = cliJson('print', 'jobs', '--limit', '20').find((j) => j.kind === 'manifest' && j.key.type === 'handover' && String(j.key.id) === manifestId);
  check(manifestJob, `a print job for hand-over ${manifestId}`);
  eq(pageSize(await printedPdf(`packbench-manifest-handover${manifestId}-job${manifestJob.id}-`, since)), '595 x 842', 'the manifest printed on A4');

  // 6. The return: the parcel's label finds the order; one unit of the
  // first product back on its shelf; the return note prints.
  await browser.action('key').down(Key.Shift).down(Key.F11).up(Key.F11).up(Key.Shift).perform(true);
  await waitExists('screen-returns');
  await fillField('return-find', t1);
  await click('return-find-go');
  await waitAttr('screen-returns', 'data-stage', 'items');
  await browser.execute(() => document.activeElement?.blur());
  await scan(codes[first.sku]);
  await waitExists('return-item-1');
  await waitFor(`the bin of ${first.sku} offered`, () => browser.execute((q) => document.querySelector(q)?.value, sel('return-item-1-bin')).then((v) => !!v));
  await selectValue('return-item-1-bin', bin);
  await click('return-outcome-none');
  for (const l of ['ru', 'en']) {
    await setLanguage(l);
    await screenshot(`${l}-35-returns`);
  }
  await setLanguage('ru');
  await click('return-take');
  await waitExists('return-receipt');
  eq(await attr('return-receipt', 'data-whole'), 'false', 'a partial return');
  await screenshot('ru-36-return-taken');
  const back = stockOf(first.sku, bin);
  eq(back.onHand, shipped.onHand + 1, `${first.sku} on hand once the unit is back`);
  eq(back.inBin, shipped.inBin + 1, `${first.sku} in ${bin} once the unit is back`);
  const note = await waitFor('the return note sent (CLI)', () => {
    const j = cliJson('print', 'jobs', '--order', number).find((x) => x.kind === 'return_note');
    return j && j.status === 'sent' ? j : null;
  }, 30_000);
  eq(pageSize(await printedPdf(`packbench-return-note-return${note.key.id}-job${note.id}-`, since)), '595 x 842', 'the return note printed on A4');
  eq(orderOf(number).status, 'shipped', `${number} stays shipped with a partial return`);
  await click('nav-packing');
  await waitExists('screen-packing');
});

// ---- a whole shift (issue 12): kills mid-storm, memory over thousands of scans

test('help at the station: the scanner set-up page reads the test codes by key position, names a DataMatrix whose GS was lost and what to change, notes a Russian layout; "?" lists the keys; About shows the version', async () => {
  await setLanguage('ru');
  const codes = cliJson('scanner', 'codes');
  const dm = codes.find((c) => c.code === 'datamatrix');
  const gs1 = codes.find((c) => c.code === 'gs1_128');
  check(dm && dm.data.includes(GS), `the CLI lists the DataMatrix test code with its GS: ${JSON.stringify(codes.map((c) => c.code))}`);
  // By its key (Shift+F1): the tab may be scrolled out of the bar.
  await browser.action('key').down(Key.Shift).down(Key.F1).up(Key.F1).up(Key.Shift).perform(true);
  await waitExists('screen-help');
  eq(await browser.execute(() => document.querySelectorAll('[data-testid="test-code"] img').length), 3, 'the three test codes drawn');

  // The DataMatrix from a scanner that drops GS: core names it, the page
  // says what to change in the scanner.
  const noted = async (finding) =>
    browser.execute((f) => document.querySelector(`[data-testid="scanner-finding"][data-finding="${f}"]`)?.textContent ?? null, finding);
  await scanByKeys(dm.data.replaceAll(GS, ''));
  await waitAttr('scanner-state', 'data-ok', 'false');
  eq(await attr('scanner-state', 'data-code'), 'datamatrix', 'the scan is known as the DataMatrix test code');
  const advice = await noted('gs_lost');
  check(advice && advice.includes('FNC1') && advice.includes('Ctrl+]'), `the page says what to change: ${advice}`);
  await screenshot('ru-37-help-scanner-gs-lost');

  // The same code with GS as Ctrl+]: read exactly.
  await scanByKeys(dm.data);
  await waitAttr('scanner-state', 'data-ok', 'true');
  check(await noted('exact'), 'the exact DataMatrix is "nothing to change"');

  // Under a Russian layout: Packbench reads the keys (the GS1-128 is right),
  // and the page notes that other programs would get Cyrillic.
  x11('setxkbmap', 'us,ru', '-option', 'grp:alt_shift_toggle');
  x11('setxkbmap', 'ru');
  try {
    await scanByKeys(gs1.data);
    await waitFor('the Russian layout noted', () => noted('russian_layout'));
    eq(await attr('scanner-state', 'data-ok'), 'true', 'the GS1-128 read right under the Russian layout');
    eq(await attr('scanner-state', 'data-code'), 'gs1_128', 'known as the GS1-128 test code');
  } finally {
    x11('setxkbmap', '-option', '');
    x11('setxkbmap', 'us');
  }
  await screenshot('ru-38-help-scanner-layout');
  await setLanguage('en');
  await screenshot('en-38-help-scanner-layout');

  // "?" (Shift and the slash key) lists the keys; Esc closes the list.
  await browser.action('key').down(Key.Shift).down('/').up('/').up(Key.Shift).perform(true);
  await waitExists('keys-overlay');
  check((await text('shortcuts')).includes('Shift+F1'), 'the list names the help key');
  await screenshot('en-39-keys');
  await press(Key.Escape);
  await waitFor('the list of keys closed', async () => !(await exists('keys-overlay')));

  await click('help-tab-about');
  const version = cli('--version').trim().split(/\s+/).pop();
  await waitFor(`About shows version ${version}`, async () => (await text('about-version')) === version);
  await screenshot('en-40-about');
  await setLanguage('ru');
  await screenshot('ru-40-about');
  await press(Key.F3);
  await waitExists('screen-packing');
});

// ---- issue 14: the dashboard after a demo day (one block) -------------

/** Rows of a query on the app's SQLite file, read by the sqlite3 tool:
 *  the raw history, not through any of Packbench's code. */
function sqlRows(query) {
  let out;
  try {
    out = execFileSync('sqlite3', ['-readonly', '-json', DB, query], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Failure(`sqlite3 (Debian's sqlite3, scripts/install-deps.sh): ${(e.stderr || e.message).trim()}`);
  }
  return out.trim() ? JSON.parse(out) : [];
}

/** The value of rank ⌈q·n⌉ of `xs` (nearest rank), none when empty. */
function nearestRank(xs, q) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil(q * s.length)) - 1];
}

/** A numbers table as the screen shows it: headers, and each row's cells by its key. */
async function numbersTable(chart) {
  return browser.execute((q) => {
    const t = document.querySelector(q);
    if (!t) return null;
    const rows = {};
    for (const tr of t.querySelectorAll('tbody tr[data-key]')) {
      rows[tr.dataset.key] = [...tr.querySelectorAll('td')].map((td) => td.textContent.trim());
    }
    return { headers: [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim()), rows };
  }, sel(`nums-${chart}`));
}

async function openNumbers(chart) {
  if ((await attr(`dash-numbers-${chart}`, 'aria-pressed')) !== 'true') await pressButton(`dash-numbers-${chart}`);
  await waitExists(`nums-${chart}`);
}
async function closeNumbers(chart) {
  if ((await attr(`dash-numbers-${chart}`, 'aria-pressed')) === 'true') await pressButton(`dash-numbers-${chart}`);
  await waitFor(`the ${chart} numbers closed`, async () => !(await exists(`nums-${chart}`)));
}

test('dashboard after a demo day: the CLI plays a day of packing (three packers at three tables, wrong scans, a short ship, holds); the screen shows the stage times and each packer\'s orders and units the events say; screenshots in Russian and English', async () => {
  // Yesterday on this machine's clock (the app's and the CLI's): a day
  // that is over, so nothing of today's scenarios is in its range.
  const now = new Date();
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  const to = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const day = `${from.getFullYear()}-${String(from.getMonth() + 1).padStart(2, '0')}-${String(from.getDate()).padStart(2, '0')}`;
  const played = cliJson('demo', 'day', '--date', day, '--seed', '7', '--orders', '60');
  log(`demo day ${day}: ${played.orders.length} orders, packed ${played.packed} (${played.short_shipped} short), shipped ${played.shipped}, delivered ${played.delivered}; ${played.wrong_scans} of ${played.item_scans} item scans refused; by ${played.packers.join(', ')} at ${played.stations.join(', ')}; held ${played.held.map((h) => `${h.number} ${h.status} «${h.reason}»`).join(', ')}`);
  check(played.packers.length >= 2 && played.stations.length >= 2, `several packers at several tables: ${JSON.stringify(played.packers)}`);
  check(played.short_shipped === 1 && played.wrong_scans > 0, `a short ship and wrong scans: ${JSON.stringify(played)}`);
  check(played.held.length > 0, 'some orders are held');

  // ---- the figures, computed here from the raw history ----
  const [F, T] = [from.getTime(), to.getTime()];
  // Every milestone of every order that reached one in the day, oldest first.
  const events = sqlRows(
    `SELECT e.id, e.order_id, e.kind, e.at, e.user_name, o.created_at FROM events e JOIN orders o ON o.id = e.order_id ` +
      `WHERE e.kind IN ('confirmed','picked','packed','packed_short','shipped','delivered') ` +
      `AND e.order_id IN (SELECT order_id FROM events WHERE at >= ${F} AND at < ${T} AND order_id IS NOT NULL) ORDER BY e.id`,
  );
  // A stage ends the first time its milestone is reached and starts at the
  // latest milestone before it (the order's creation for "confirm"; its
  // confirmation or picking for "pack"), as the dashboard's help says.
  const milestone = { confirm: ['confirmed'], pick: ['picked'], pack: ['packed', 'packed_short'], ship: ['shipped'], deliver: ['delivered'] };
  const startsAt = { pick: ['confirmed'], pack: ['confirmed', 'picked'], ship: ['packed', 'packed_short'], deliver: ['shipped'] };
  const spans = { confirm: [], pick: [], pack: [], ship: [], deliver: [] };
  const byOrder = new Map();
  for (const e of events) byOrder.set(e.order_id, [...(byOrder.get(e.order_id) || []), e]);
  for (const list of byOrder.values()) {
    for (const [stage, kinds] of Object.entries(milestone)) {
      const end = list.find((e) => kinds.includes(e.kind));
      if (!end || end.at < F || end.at >= T) continue;
      const before = list.filter((e) => e.id < end.id && (startsAt[stage] || []).includes(e.kind)).at(-1);
      const start = stage === 'confirm' ? end.created_at : before?.at;
      if (start !== undefined) spans[stage].push(end.at - start);
    }
  }
  const packedBy = {};
  for (const e of sqlRows(`SELECT user_name FROM events WHERE kind IN ('packed','packed_short') AND at >= ${F} AND at < ${T}`)) {
    packedBy[e.user_name] = { orders: (packedBy[e.user_name]?.orders || 0) + 1, units: 0, wrong: 0 };
  }
  const WRONG = ['wrong_item', 'over_scan', 'unknown_barcode', 'invalid_barcode', 'marking_required', 'marking_used'];
  for (const s of sqlRows(`SELECT user_name, units, outcome FROM scans WHERE order_id IS NOT NULL AND at >= ${F} AND at < ${T}`)) {
    const p = (packedBy[s.user_name] ||= { orders: 0, units: 0, wrong: 0 });
    p.units += s.units;
    if (WRONG.includes(s.outcome)) p.wrong += 1;
  }
  log(`from the events: ${Object.entries(spans).map(([k, v]) => `${k} ${v.length} orders, median ${(nearestRank(v, 0.5) / 60000).toFixed(1)} min`).join('; ')}`);
  log(`from the events: ${Object.entries(packedBy).map(([k, v]) => `${k} ${v.orders} orders ${v.units} units ${v.wrong} wrong`).join('; ')}`);
  check(Object.keys(packedBy).length >= 2, `several packers in the events: ${JSON.stringify(packedBy)}`);

  // ---- the screen: the supervisor, the dashboard by its key, the day ----
  await setLanguage('ru');
  await switchUser(PEOPLE.supervisor);
  await browser.action('key').down(Key.Shift).down(Key.F7).up(Key.F7).up(Key.Shift).perform(true);
  await waitExists('screen-dashboard');
  await waitAttr('screen-dashboard', 'data-loaded', 'true', 30_000);
  await fillField('dash-from', day);
  await fillField('dash-to', day);
  await pressButton('dash-show');
  await waitFor(`the dashboard counting ${day}`, async () => (await attr('screen-dashboard', 'data-loading')) === 'false' && new Date(await attr('screen-dashboard', 'data-from')).getTime() === F, 30_000);
  check(await exists('chart-packers'), 'the packers are drawn');
  await screenshot('ru-45-dashboard');

  for (const chart of ['statuses', 'stages', 'histogram', 'packers']) await openNumbers(chart);
  const stages = await numbersTable('stages');
  const histogram = await numbersTable('histogram');
  const packers = await numbersTable('packers');
  const statuses = await numbersTable('statuses');

  // Orders per stage, and each stage's histogram bars, exactly; the bars'
  // edges are the screen's own (its first two columns, minutes).
  const bars = Object.keys(histogram.rows)
    .sort((a, b) => a - b)
    .map((k) => ({ k, from: Number(histogram.rows[k][0]) * 60000, under: histogram.rows[k][1] === '' ? Infinity : Number(histogram.rows[k][1]) * 60000 }));
  const barOf = (ms) => bars.find((b) => ms >= b.from && ms < b.under);
  for (const [stage, ms] of Object.entries(spans)) {
    const row = stages.rows[stage];
    check(row, `the stages table has ${stage}: ${JSON.stringify(stages)}`);
    eq(Number(row[1]), ms.length, `orders whose ${stage} stage ended in the day`);
    const column = histogram.headers.indexOf(row[0]);
    check(column >= 2, `the histogram has a column for ${row[0]}: ${histogram.headers}`);
    for (const b of bars) {
      eq(Number(histogram.rows[b.k][column]), ms.filter((m) => m >= b.from && m < b.under).length, `${stage}: orders in the bar from ${b.from / 60000} min`);
    }
    // The dashboard reads percentiles from those bars (fixed edges kept per
    // day, so a year is read fast): it finds the bar holding the order of
    // rank ⌈q·n⌉ and places the value inside it by its rank there. So the
    // screen's figure is not the exact time, but it names the bar the exact
    // one lies in: the exact median (p90) from the events must lie in the
    // bar that holds the screen's value. The screen shows minutes to 0.1,
    // so a value within 3 s of an edge is taken with that rounding.
    for (const [q, cell, name] of [[0.5, row[2], 'median'], [0.9, row[3], 'p90']]) {
      const exact = nearestRank(ms, q);
      if (exact === null) {
        eq(cell, '', `${stage} ${name} without orders`);
        continue;
      }
      const shown = Number(cell) * 60000;
      const bar = barOf(exact);
      const inBar = shown >= bar.from && shown < bar.under;
      const byRounding = Math.abs(shown - bar.from) <= 3000 || Math.abs(shown - bar.under) <= 3000;
      check(inBar || byRounding, `${stage} ${name}: the screen's ${cell} min is not in the bar [${bar.from / 60000}, ${bar.under / 60000}) min of the exact ${(exact / 60000).toFixed(2)} min`);
      log(`${stage} ${name}: exact ${(exact / 60000).toFixed(2)} min, screen ${cell} min, bar [${bar.from / 60000}, ${bar.under / 60000}) min`);
    }
  }

  // Each packer's orders, units and wrong scans, exactly.
  eq(Object.keys(packers.rows).sort().join(', '), Object.keys(packedBy).sort().join(', '), 'packers on the screen');
  for (const [name, p] of Object.entries(packedBy)) {
    const row = packers.rows[name];
    eq(Number(row[1]), p.orders, `${name}: orders packed`);
    eq(Number(row[4]), p.units, `${name}: units packed`);
    eq(Number(row[7]), p.wrong, `${name}: wrong scans`);
  }
  // Statuses by the store's Russian names, never their codes.
  const [confirmed] = sqlRows(`SELECT label_ru FROM statuses WHERE code = 'confirmed'`);
  eq(statuses.rows.confirmed?.[0], confirmed.label_ru, 'the confirmed status in Russian');
  eq(packers.headers[0], 'Упаковщик', "the packers table's first header in Russian");

  await closeNumbers('statuses');
  await closeNumbers('histogram');
  await browser.execute((q) => document.querySelector(q)?.closest('article')?.scrollIntoView({ block: 'start' }), sel('chart-packers'));
  await screenshot('ru-46-dashboard-numbers');

  // English: core's tables come again in English.
  await setLanguage('en');
  await waitFor("the packers' numbers in English", async () => (await numbersTable('packers'))?.headers[0] === 'Packer', 15_000);
  eq((await numbersTable('stages')).rows.pack[1], stages.rows.pack[1], 'the same figures in English');
  await browser.execute((q) => document.querySelector(q)?.closest('article')?.scrollIntoView({ block: 'start' }), sel('chart-packers'));
  await screenshot('en-46-dashboard-numbers');
  await closeNumbers('stages');
  await closeNumbers('packers');
  await browser.execute((q) => document.querySelector(q)?.scrollTo(0, 0), sel('screen-dashboard'));
  await screenshot('en-45-dashboard');

  await setLanguage('ru');
  await switchUser(PEOPLE.packer, { badge: true });
  await press(Key.F3);
  await waitExists('screen-packing');
}, 300_000);

// ---- end of issue 14's dashboard block --------------------------------

// ---- issue 14 item 4: the first-run wizard (one block) ----------------
//
// A fresh station of its own: the app started through a wrapper that
// unsets PACKBENCH_DATABASE_URL and gives it its own settings file and data
// folder (so "this station alone" is the default SQLite file there); the
// shared run's app and database are left as they were, and the runner
// starts them again for the next scenario. E2E_WIZARD_LOOK=1 also saves
// every step in both languages (look-wizard-*.png) for a person to look at.

const WIZARD_ADMIN = { name: 'Ирина Волкова', login: 'irina', pin: '2580' };
const WIZARD_LOOK = process.env.E2E_WIZARD_LOOK === '1';

/** The app on a station of its own; returns where that station keeps things. */
async function startWizardStation() {
  const dir = fs.mkdtempSync(path.join(path.dirname(DB), 'wizard-'));
  const wrapper = path.join(dir, 'packbench-station');
  fs.writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      'unset PACKBENCH_DATABASE_URL',
      `export PACKBENCH_CONFIG='${dir}/station.json'`,
      `export XDG_DATA_HOME='${dir}/data'`,
      `exec '${APP}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  browser = await remote({
    hostname: '127.0.0.1',
    port: PORT,
    logLevel: 'warn',
    connectionRetryTimeout: 30_000,
    connectionRetryCount: 0,
    capabilities: { 'wdio:enforceWebDriverClassic': true, 'tauri:options': { application: wrapper } },
  });
  await waitFor('the wizard on the fresh station', () => exists('screen-welcome'), 60_000);
  await browser.execute(installKeyMonitor);
  appPid = findAppPid();
  return { dir, config: path.join(dir, 'station.json'), db: path.join(dir, 'data', 'packbench', 'packbench.db') };
}

/** packbench-cli on the wizard's station, as its administrator. */
function stationCli(station, ...args) {
  try {
    return execFileSync(CLI, ['--db', station.db, '--json', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PACKBENCH_CONFIG: station.config, PACKBENCH_USER: WIZARD_ADMIN.login, PACKBENCH_PIN: WIZARD_ADMIN.pin },
    });
  } catch (e) {
    throw new Failure(`packbench-cli ${args.join(' ')}: ${`${e.stderr || ''}${e.stdout || ''}`.trim() || e.message}`);
  }
}

const wizardStep = () => attr('screen-welcome', 'data-step');
async function atWizardStep(step) {
  await waitFor(`the wizard at ${step}`, async () => (await wizardStep()) === step && (await attr('wizard-next', 'disabled')) === null, 15_000);
}
/** Enter with the focus on no button (a button's Enter is its own). */
async function wizardEnter() {
  await browser.execute(() => document.activeElement?.blur());
  await press(Key.Enter);
}
async function lookAtWizard(n, step) {
  if (!WIZARD_LOOK) return;
  for (const l of ['en', 'ru']) {
    await setLanguage(l);
    await screenshot(`look-wizard-${n}-${step}-${l}`);
  }
}

test('first-run wizard: on a fresh station the wizard is walked by keys (language, this station alone, the administrator, the store with a wrong INN refused at its field then a right one, a printer with a test page on the CUPS PDF queue, a carrier), done opens the app signed in; the CLI finds the seller and the administrator stored', async () => {
  await stopApp();
  const station = await startWizardStation();
  eq(await wizardStep(), 'language', 'the first step on a database nobody can sign in to');
  check(await exists('load-demo'), 'the demo is offered on an empty database');

  // 1. The language, applied at once and kept in the station's settings.
  await lookAtWizard(1, 'language');
  await pressButton('wizard-lang-en');
  await waitFor('the screens in English', () => browser.execute(() => document.documentElement.lang === 'en'));
  await pressButton('wizard-lang-ru');
  await waitFor('the screens in Russian', () => browser.execute(() => document.documentElement.lang === 'ru'));
  await waitFor('the language in station.json', () => fs.existsSync(station.config) && JSON.parse(fs.readFileSync(station.config, 'utf8')).language === 'ru');
  await press(Key.ArrowRight);

  // 2. This station alone: its own SQLite file, chosen already.
  await atWizardStep('database');
  check(await browser.execute((q) => document.querySelector(q)?.checked === true, sel('wizard-db-alone')), 'this station alone is the choice of a new station');
  // A shared server tried first: core's answer (nothing listens on port 1)
  // is shown, and the station stays on its own file.
  await pressButton('wizard-db-shared');
  await fillField('wizard-db-url', 'postgres://packbench@127.0.0.1:1/packbench');
  await pressButton('wizard-db-test');
  await waitAttr('wizard-db-result', 'data-problem', 'refused');
  check((await text('wizard-db-result')).includes('Сервер отклонил подключение'), `the server's refusal in words: ${await text('wizard-db-result')}`);
  await lookAtWizard(2, 'database-refused');
  await pressButton('wizard-db-alone');
  await lookAtWizard(2, 'database');
  await wizardEnter();

  // 3. The administrator.
  await atWizardStep('administrator');
  await lookAtWizard(3, 'administrator');
  await fillField('first-admin-name', WIZARD_ADMIN.name);
  await fillField('first-admin-login', WIZARD_ADMIN.login);
  await fillField('first-admin-pin', WIZARD_ADMIN.pin);
  await fillField('first-admin-pin-again', WIZARD_ADMIN.pin);
  await wizardEnter();

  // 4. The store: a mistyped INN is refused at its field, then the right one.
  await atWizardStep('store');
  await fillField('wizard-seller-name', 'ООО «Ромашка»');
  await fillField('wizard-seller-inn', '7707083894');
  await fillField('wizard-seller-kpp', '773601001');
  await fillField('wizard-seller-address', '420021, г. Казань, ул. Складская, д. 7');
  await wizardEnter();
  await waitAttr('wizard-seller-inn-problem', 'data-rule', 'inn_check_digit');
  check((await text('wizard-seller-inn-problem')).includes('контрольная цифра ИНН 7707083894'), `the INN's problem at its field: ${await text('wizard-seller-inn-problem')}`);
  eq(await wizardStep(), 'store', 'a wrong INN keeps the wizard at the store');
  for (const l of ['en', 'ru']) {
    await setLanguage(l);
    await screenshot(`${l}-50-wizard-store`);
    if (l === 'en') check((await text('wizard-seller-inn-problem')).includes('The check digit of the INN 7707083894'), `the problem said in the language on screen: ${await text('wizard-seller-inn-problem')}`);
  }
  await lookAtWizard(4, 'store');
  await fillField('wizard-seller-inn', '7707083893');
  await wizardEnter();

  // 5. A printer for the invoice, with a test page through CUPS.
  await atWizardStep('printers');
  await selectValue('wizard-printer-invoice', PDF_PRINTER);
  const since = Date.now();
  await pressButton('wizard-test-print-invoice');
  await waitAttr('wizard-test-print-invoice-outcome', 'data-ok', 'true', 30_000);
  const page = await printedPdf('packbench-test-page-station-1', since);
  log(`the test page came out of ${PDF_PRINTER}: ${path.basename(page)}`);
  for (const l of ['en', 'ru']) {
    await setLanguage(l);
    await screenshot(`${l}-51-wizard-printers`);
  }
  await setLanguage('ru');
  await lookAtWizard(5, 'printers');
  await wizardEnter();

  // 6. One carrier: СДЭК (the others put aside, by keys).
  await atWizardStep('carriers');
  const boxes = await browser.execute(() => [...document.querySelectorAll('[data-testid^="wizard-carrier-"]')].map((b) => [b.dataset.testid, b.checked]));
  for (const [testid, checked] of boxes) {
    if (checked !== (testid === 'wizard-carrier-cdek')) await pressButton(testid);
  }
  await lookAtWizard(6, 'carriers');
  await wizardEnter();

  // 7. Done: the app, signed in as the administrator.
  await atWizardStep('done');
  await waitFor('the summary', async () => (await text('wizard-done-carriers')) === 'СДЭК');
  await lookAtWizard(7, 'done');
  await wizardEnter();
  await waitFor('the app signed in', async () => !(await exists('screen-welcome')) && (await exists('nav-orders')), 15_000);
  check((await text('user')).includes(WIZARD_ADMIN.name), `the top bar names the administrator: ${await text('user')}`);

  // What the wizard stored, read back with the CLI as the administrator.
  const seller = JSON.parse(stationCli(station, 'print', 'seller'));
  eq(seller.name, 'ООО «Ромашка»', 'seller name stored');
  eq(seller.inn, '7707083893', 'seller INN stored');
  eq(seller.kpp, '773601001', 'seller KPP stored');
  // One JSON line per user.
  const users = stationCli(station, 'users', 'list').trim().split('\n').map((l) => JSON.parse(l));
  const admin = users.find((u) => u.login === WIZARD_ADMIN.login);
  check(admin && admin.roles.includes('admin') && admin.name === WIZARD_ADMIN.name, `the administrator is stored: ${JSON.stringify(users)}`);
  const status = JSON.parse(stationCli(station, 'setup', 'status'));
  eq(JSON.stringify(status.remaining), '[]', 'nothing left for the station');
  eq(status.finished?.by, WIZARD_ADMIN.name, 'the wizard finished by the administrator');
  eq(JSON.stringify(status.carriers), '["СДЭК"]', 'the carriers in use');
  eq(status.printers.find((p) => p.kind === 'invoice')?.printer, PDF_PRINTER, 'the invoice printer in the station settings');

  await stopApp();
}, 240_000);

// ---- end of issue 14 item 4's block -----------------------------------

function countEnv(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`run.mjs: ${name}=${raw}: give a whole number, at least ${min}`);
    process.exit(2);
  }
  return n;
}
const KILLS = countEnv('PACKBENCH_E2E_KILLS', 5);
const SOAK_SCANS = countEnv('PACKBENCH_E2E_SOAK_SCANS', 500, 10);
const SOAK_EVERY = countEnv('PACKBENCH_E2E_SOAK_EVERY', SOAK_SCANS >= 2500 ? 250 : 50);
const SOAK_GOAL = process.env.PACKBENCH_E2E_SOAK_GOAL === '1';
const SOAK_PRINT = process.env.PACKBENCH_E2E_SOAK_PRINT === '1';
const SEED = countEnv('PACKBENCH_E2E_SEED', Math.floor(Math.random() * 2 ** 31), 0);
// The issue's goals for a shift (PSS summed over the app and its WebKit
// processes), asserted by `make soak`; and the bound the short run in make
// test asserts against a runaway leak, on the anonymous and shared-memory
// part of that PSS (what a leak grows: heaps, DOM, buffers; not the files
// mapped, whose share moves when other processes on the machine map the
// same WebKit libraries). Over its first 500 scans the app grows by 35 to
// 55 MB per 1,000 (debug build, the web process's heap still settling;
// about 20 from 500 to 1,500); the leak BENCHMARKS.md once recorded, 70 MB
// over 120 scans, is 580. The runner's own WebDriver calls, 3,000 rounds of
// a key action and five scripts with no scan, grew nothing.
const SOAK_GOAL_SLOPE_MB = 5;
const SOAK_GOAL_PSS_MB = 250;
const SOAK_RUNAWAY_SLOPE_MB = 100;

/** A small seeded generator (mulberry32): the same seed, the same moments. */
function seeded(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, below: (n) => Math.floor(next() * n) };
}

/** An EAN-13 with its check digit, from 12 digits. */
function ean13(first12) {
  const sum = [...first12].reduce((s, ch, i) => s + Number(ch) * (i % 2 === 0 ? 1 : 3), 0);
  return `${first12}${(10 - (sum % 10)) % 10}`;
}

/** A CSV file imported with the CLI; every row must count. */
function importCsv(kind, body, expected) {
  const file = path.join(OUT, '..', `e2e-${kind}-${process.pid}.csv`);
  fs.writeFileSync(file, body);
  let summary;
  try {
    summary = cliJson('import', kind, file, ...(kind === 'orders' ? ['--format', 'packbench'] : []));
  } finally {
    fs.rmSync(file, { force: true });
  }
  check(summary.imported === expected, `${expected} ${kind} imported, not ${summary.imported}: ${JSON.stringify(summary).slice(0, 800)}`);
}

/** `n` products of a scenario's own (`prefix`-01...), each with an EAN-13
 *  (46099, `series`, a serial) and stock enough for a shift, in the bin of
 *  a demo product: [{ sku, code }]. */
function makeProducts(prefix, series, n) {
  const bin = productOf('PB-0001').default_bin ?? '';
  const list = Array.from({ length: n }, (_, i) => ({
    sku: `${prefix}-${String(i + 1).padStart(2, '0')}`,
    code: ean13(`46099${series}${String(i + 1).padStart(6, '0')}`),
  }));
  importCsv(
    'products',
    'sku,name,weight_g,bin,barcodes,stock\n' + list.map((p, i) => `${p.sku},Товар ${prefix} ${i + 1},200,${bin},${p.code},${bin ? 100000 : ''}`).join('\n') + '\n',
    n,
  );
  return list;
}

/** Orders ([{ number, lines: [{ sku, quantity }] }]) imported and confirmed
 *  through the CLI, as the office would. */
function makeOrders(orders) {
  const rows = orders.flatMap((o) => o.lines.map((l) => `${o.number},Смена ${o.number},СДЭК,RUB,paid,${l.sku},${l.sku},${l.quantity},100.00`));
  importCsv('orders', 'number,customer_name,delivery_method,currency,payment_status,sku,item_name,quantity,unit_price\n' + rows.join('\n') + '\n', orders.length);
  for (const o of orders) cli('orders', 'confirm', o.number);
}

/** An order's scan ledger as the CLI reads it: accepted units per scanned
 *  code, and the packed count of each line. */
function ledgerOf(number) {
  const d = orderOf(number);
  check(d.scans.length < 500, `order ${number} lists ${d.scans.length} scans: \`orders show\` lists the newest 500 only, the check needs them all`);
  const accepted = {};
  for (const s of d.scans) if (s.outcome === 'accepted') accepted[s.code] = (accepted[s.code] ?? 0) + s.units;
  return { accepted, packed: Object.fromEntries(d.lines.map((l) => [l.sku, l.packed])) };
}

/**
 * Types `bursts` ([{ code, pauseMs }]) as a scanner does, each a burst of
 * US keys and Enter pressed by xdotool without pauses (the X server stamps
 * them as they come), the bursts `pauseMs` apart. One process, which runs
 * while the runner reads the screen through WebDriver (a WebDriver key
 * action would hold the session until it ended).
 */
function typeStorm(bursts) {
  const args = [];
  bursts.forEach(({ code, pauseMs }, i) => {
    if (i > 0) args.push('sleep', (pauseMs / 1000).toFixed(3));
    args.push('key', '--delay', '0', ...[...code].map((ch) => US_XKEYS.get(ch)), X_RETURN);
  });
  const child = spawn('xdotool', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise((resolve) => {
    child.once('error', (e) => resolve({ code: -1, err: e.message }));
    child.once('exit', (code, signal) => resolve({ code, signal, err }));
  });
  return { child, done, running: () => child.exitCode === null && child.signalCode === null };
}

/** SIGKILL to the app's own process (the packbench binary, not the
 *  driver): no destructor, no flush, no rollback runs. */
function killApp() {
  const pid = appPid;
  check(pid && alive(pid), 'the app is running before the kill');
  const web = descendants(pid);
  process.kill(pid, 'SIGKILL');
  return { pid, web };
}

/**
 * After a kill: the process gone, the WebDriver session that lost its
 * browser ended, and WebKit's processes gone with their app. Returns how
 * many of those outlived it (then ended here: they are this run's).
 */
async function afterKill({ pid, web }) {
  await waitFor(`the killed app (pid ${pid}) gone`, async () => !alive(pid), 10_000);
  const lost = browser;
  browser = null;
  appPid = null;
  let timer;
  await Promise.race([
    lost.deleteSession().catch(() => {}),
    new Promise((r) => {
      timer = setTimeout(r, 10_000);
    }),
  ]);
  clearTimeout(timer);
  try {
    await waitFor("the killed app's WebKit processes gone", async () => web.every((p) => !alive(p)), 10_000);
    return 0;
  } catch {
    const left = web.filter(alive);
    log(`WebKit processes outlived the killed app: ${left.map((p) => `${p} ${procName(p)}`).join(', ')}; ending them`);
    for (const p of left) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    return left.length;
  }
}

/** With the packing screen idle: the order's number scanned, the order open. */
async function openAtIdle(number) {
  await waitExists('screen-packing', 30_000);
  await waitAttr('screen-packing', 'data-phase', 'idle');
  await browser.execute(() => document.activeElement?.blur());
  await scan(number);
  await waitOrderOpen(number);
  await waitAttr('screen-packing', 'data-phase', 'packing');
}

/**
 * A fresh app process (after a kill, or for a measurement that must not
 * depend on the scenarios before it): it must come up to the sign-in
 * screen (its data there, no error), and the packer signs in with her
 * badge. Returns the start's timings.
 */
async function startSignedIn() {
  const s = await startApp(`${sel('screen-signin')}, ${sel('screen-welcome')}, ${sel('screen-error')}`);
  if (await exists('screen-error')) throw new Failure(`the app shows a start-up error: ${await text('startup-error')}`);
  check(await exists('screen-signin'), 'the app asks who works here (the welcome screen would mean an empty database)');
  await signIn(PEOPLE.packer, { badge: true });
  await waitExists('screen-packing', 30_000);
  return s;
}

// ---- issue 12 item 8: from the last scan to CUPS -------------------------

test('from the last scan to CUPS: 12 orders packed with auto-print on the CUPS PDF queue; the time from each order\'s last accepted scan to its invoice and label accepted by CUPS (reported, not asserted)', async () => {
  const products = makeProducts('LAT', 6, 4);
  const plan = Array.from({ length: 12 }, (_, i) => ({
    number: String(71001 + i),
    lines: [{ ...products[i % 4], quantity: 1 }, { ...products[(i + 1) % 4], quantity: 1 }],
  }));
  makeOrders(plan);
  if (signedAs !== PEOPLE.supervisor) await switchUser(PEOPLE.supervisor);
  await setAutoPrint(true);
  try {
    await press(Key.F3);
    await waitExists('screen-packing');
    await waitAttr('screen-packing', 'data-phase', 'idle');
    for (const order of plan) {
      await browser.execute(() => document.activeElement?.blur());
      await scan(order.number);
      await waitOrderOpen(order.number);
      for (const line of order.lines) {
        await scan(line.code);
        await waitAttr(`line-${line.sku}`, 'data-packed', 1);
      }
      // The last unit finished it: the invoice and label go to CUPS.
      await waitAttr('screen-packing', 'data-phase', 'handover');
      await shipByTracking();
    }
    // Core stamps a job `sent` when lp has handed it to CUPS (its job id
    // kept); the last accepted scan is in the ledger. Both read from the
    // file by sqlite3, on core's one clock.
    const numbers = plan.map((o) => `'${o.number}'`).join(',');
    const query = `SELECT o.number AS number,
        (SELECT MAX(s.at) FROM scans s WHERE s.order_id = o.id AND s.outcome = 'accepted') AS last_scan,
        (SELECT MAX(p.updated_at) FROM print_jobs p WHERE p.order_id = o.id AND p.kind IN ('invoice', 'label') AND p.status = 'sent') AS sent,
        (SELECT COUNT(*) FROM print_jobs p WHERE p.order_id = o.id AND p.kind IN ('invoice', 'label') AND p.status = 'sent' AND p.cups_job IS NOT NULL) AS jobs
      FROM orders o WHERE o.number IN (${numbers})`;
    let rows = [];
    await waitFor('every invoice and label accepted by CUPS', () => {
      rows = sqlRows(query);
      return rows.length === plan.length && rows.every((r) => r.jobs === 2);
    }, 60_000);
    const ms = rows.map((r) => r.sent - r.last_scan);
    check(ms.every((x) => x >= 0), `no job sent before its order's last scan: ${ms.join(', ')}`);
    perf.last_scan_to_cups = { orders: rows.length, goal_p99_ms: 150, ...stats(ms) };
    log(`last accepted scan to invoice and label accepted by CUPS, ${rows.length} orders: p50 ${perf.last_scan_to_cups.p50_ms} ms, p99 ${perf.last_scan_to_cups.p99_ms} ms, max ${perf.last_scan_to_cups.max_ms} ms (goal p99 < 150 ms)`);
  } finally {
    await setAutoPrint(false);
  }
});

// ---- issue 12 item 1: a fresh page when WebKit's has grown -------------

/** This app's WebKit web processes (the page's), by their name. */
function webProcesses() {
  return appPid ? descendants(appPid).filter((p) => procName(p).startsWith('WebKitWebProces')) : [];
}

test('a fresh page: with the web process over the station\'s limit the page is not renewed while an order is open, and is renewed in a new web process once the packing table is quiet between orders; a scan typed under a Russian layout while the new page loads is not lost; the packer stays signed in and packs the next order on it', async () => {
  const products = makeProducts('RENEW', 9, 2);
  // The second order's number has letters: typed by key position under a
  // Russian layout, they reach the held keys as Cyrillic ones.
  const plan = ['71601', 'RN-71602'].map((number) => ({ number, lines: products.map((p) => ({ ...p, quantity: 1 })) }));
  makeOrders(plan);
  // The same app and database, with a limit every web process is over, a
  // 10 s quiet (more than the steps from the sign-in to the first order
  // take on a busy machine) and a reading of memory every second.
  const QUIET_S = 10;
  const wrapper = path.join(path.dirname(DB), 'packbench-renewing');
  fs.writeFileSync(
    wrapper,
    ['#!/bin/sh', 'export PACKBENCH_PAGE_LIMIT_MB=1', `export PACKBENCH_PAGE_QUIET_SECONDS=${QUIET_S}`, 'export PACKBENCH_PAGE_CHECK_SECONDS=1', `exec '${APP}' "$@"`, ''].join('\n'),
    { mode: 0o755 },
  );
  await stopApp();
  try {
    await startApp(sel('screen-signin'), wrapper);
    await signIn(PEOPLE.packer, { badge: true });
    const [first, second] = plan;
    await openAtIdle(first.number);
    const during = webProcesses();
    eq(during.length, 1, 'one web process for the page');
    // An order open: three times the quiet time passes, a memory reading
    // every second says the page is due, and the page stays.
    await scan(first.lines[0].code);
    await sleep(3 * QUIET_S * 1000);
    eq(webProcesses().join(), during.join(), 'the web process while an order is open');
    eq(await attr('screen-packing', 'data-phase'), 'packing', 'the open order still on the packing table');
    await scan(first.lines[1].code);
    await waitExists('tracking-input');
    // The packer's keyboard on a Russian layout from here on. In the
    // tracking field (focused here) the key of P types "з" once the window
    // has heard of the layout (in its own time).
    x11('setxkbmap', 'us,ru', '-option', 'grp:alt_shift_toggle');
    x11('setxkbmap', 'ru');
    eq(xkbLayout(), 'ru', 'the X layout');
    await browser.execute((q) => document.querySelector(q)?.focus(), sel('tracking-input'));
    const trackingValue = () => browser.execute((q) => document.querySelector(q)?.value ?? '', sel('tracking-input'));
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) log(`the key of P did not type "з" (attempt ${attempt - 1}): the window has not seen the Russian layout yet`);
      x11('xdotool', 'key', X_KEY_P);
      const typed = await waitFor('a key typed into the tracking field', async () => (await trackingValue()) || false);
      x11('xdotool', 'key', X_BACKSPACE);
      await waitFor('the tracking field empty again', async () => (await trackingValue()) === '');
      if (typed === 'з') break;
      check(attempt < 20, `the key of P types ${JSON.stringify(typed)} under the Russian layout, not "з"`);
    }
    const shipping = Date.now();
    await shipByTracking();
    eq(orderOf(first.number).status, 'shipped', 'the first order shipped before the renewal');
    // Between orders, nothing queued: after the quiet the page asks for a
    // fresh one. The moment the old web process is gone the packer scans
    // the next order's number, while the new page is still loading: the
    // station holds the keys and gives them to the new page once it
    // listens, so the order is claimed by that first scan.
    await waitFor(`the web process ${during[0]} ended for a fresh page`, async () => !alive(during[0]), 30_000);
    xKeys(second.number);
    const typedAt = Date.now();
    await waitFor('a new web process for the page', async () => {
      const now = webProcesses();
      return now.length === 1 && !during.includes(now[0]);
    }, 30_000);
    const renewed = webProcesses();
    // WebKit's WebDriver session lives in the page's web process and ended
    // with it ("invalid session id").
    const lost = browser;
    browser = null;
    await lost.deleteSession().catch(() => {});
    log(`page renewed ${typedAt - shipping} ms after the tracking scan began (quiet ${QUIET_S} s); web process ${during[0]} -> ${renewed[0]}`);
    check(typedAt - shipping >= QUIET_S * 1000, `the page was renewed ${typedAt - shipping} ms after the tracking scan began, before ${QUIET_S} s of quiet`);
    // The new page is driven as a packer drives it, by the scanner's keys
    // through X, and read back through the CLI.
    await waitFor(`${second.number} claimed by the scan typed while the new page loaded`, async () => orderOf(second.number).status === 'packing', 20_000);
    log(`the scan typed while the page loaded claimed ${second.number} ${Date.now() - typedAt} ms later`);
    // The keys went through the station's hold, not to a page that was up
    // already: its log says how many key events the new page was given.
    const appLog = fs.readFileSync(path.join(process.env.XDG_DATA_HOME, 'packbench', 'packbench.log'), 'utf8');
    const given = [...appLog.matchAll(/the renewed page listens.*key_events=(\d+)/g)].map((m) => Number(m[1]));
    check(given.length === 1 && given[0] >= 2 * (second.number.length + 1), `the new page was given the held keys of the scan (a press and a release each): ${JSON.stringify(given)}`);
    log(`the new page was given ${given[0]} held key events`);
    for (const [i, l] of second.lines.entries()) {
      xKeys(l.code);
      await waitFor(`${l.sku} packed on the new page`, async () => ledgerOf(second.number).packed[l.sku] === 1, 10_000);
      if (i === second.lines.length - 1) await waitFor(`${second.number} ready`, async () => orderOf(second.number).status === 'ready', 10_000);
    }
    // The tracking field has the focus at the hand-over; the label's scan ships.
    xKeys('7' + String(Date.now()).slice(-9));
    await waitFor(`${second.number} shipped on the new page`, async () => orderOf(second.number).status === 'shipped', 10_000);
    // What the packer sees on the new page (artifacts/e2e/renewed-page.png).
    await grabWindow(path.join(OUT, 'renewed-page.png'));
    const by = new Set(orderOf(second.number).scans.map((x) => x.user));
    check([...by].every((u) => u === PEOPLE.packer.name || u === PEOPLE.packer.login), `the new page's scans are the packer's, still signed in: ${[...by].join(', ')}`);
    for (const o of plan) {
      const { accepted } = ledgerOf(o.number);
      for (const l of o.lines) eq(accepted[l.code], 1, `${o.number}: ${l.sku} scanned once in the ledger`);
    }
  } finally {
    try {
      x11('setxkbmap', '-option', '');
      x11('setxkbmap', 'us');
    } catch (e) {
      log(`the X layout could not be set back to us: ${e.message}`);
    }
    // The app whose session ended with its first page: ended here.
    try {
      if (!browser && appPid) {
        const pid = appPid;
        appPid = null;
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // gone already
        }
        await waitFor(`the renewing app (pid ${pid}) gone`, async () => !alive(pid), 15_000);
      }
      await stopApp();
    } finally {
      await startSignedIn();
    }
  }
});

test(`crash: the app killed with SIGKILL ${KILLS} times at random moments in a storm of scans (SQLite); after each restart every scan the screen showed as accepted is in the ledger, none is counted twice, the packed counts equal the ledger`, async () => {
  const rng = seeded(SEED);
  log(`seed ${SEED} (PACKBENCH_E2E_SEED=${SEED} replays the moments), ${KILLS} kills`);
  // Two products in every order, a third in none (a wrong item now and
  // then); orders of 200 units a line, ten storms each (at most 16 bursts a
  // storm): never full, so every right scan counts, and fewer than the 500
  // scans `orders show` lists.
  const [a, b, wrong] = makeProducts('CRASH', 7, 3);
  const PER_ORDER = 10;
  const orders = Array.from({ length: Math.ceil(KILLS / PER_ORDER) }, (_, i) => ({
    number: String(61001 + i),
    lines: [a, b].map((p) => ({ ...p, quantity: 200 })),
  }));
  makeOrders(orders);

  const tally = { kills: 0, mid_storm: 0, after_storm: 0, bursts_typed: 0, shown_accepted: 0, recorded_accepted: 0, recorded_not_shown: 0, kills_before_any_shown: 0, web_processes_left: 0 };
  const restarts = [];
  // A fresh start: the rounds do not depend on the scenario before.
  await stopApp();
  await startSignedIn();
  for (let round = 0; round < KILLS; round++) {
    const order = orders[Math.floor(round / PER_ORDER)];
    if (!browser) restarts.push((await startSignedIn()).process_start_to_screen_ms);
    await openAtIdle(order.number);
    const before = ledgerOf(order.number);
    const start = await linesPacked();
    for (const l of order.lines) eq(start[l.sku], before.packed[l.sku], `round ${round}: ${l.sku} packed on screen after the restart, as the ledger counts`);

    // The storm: 4 to 16 bursts, 40 to 200 ms apart; the kill at a random
    // moment between its start and a little after its planned end.
    const n = 4 + rng.below(13);
    const bursts = Array.from({ length: n }, () => ({
      code: rng.below(10) === 0 ? wrong.code : rng.below(2) ? a.code : b.code,
      pauseMs: 40 + rng.below(161),
    }));
    const typed = {};
    for (const x of bursts) typed[x.code] = (typed[x.code] ?? 0) + 1;
    const planned = bursts.reduce((t, x) => t + x.pauseMs + 30, 0);
    const killAfter = rng.below(Math.round(planned * 1.2) + 1);
    await browser.execute(() => document.activeElement?.blur());
    const storm = typeStorm(bursts);
    const t0 = Date.now();
    // What the packer saw: the screen read over and over until the kill.
    // Every count read here was shown, so it must be in the ledger.
    const shown = { ...start };
    while (Date.now() - t0 < killAfter) {
      for (const [sku, v] of Object.entries(await linesPacked())) shown[sku] = Math.max(shown[sku] ?? 0, v);
    }
    const mid = storm.running();
    const killed = killApp();
    const at = Date.now() - t0;
    storm.child.kill('SIGKILL');
    const typing = await storm.done;
    check(typing.code === 0 || typing.signal === 'SIGKILL', `xdotool failed: ${typing.err}`);
    tally.web_processes_left += await afterKill(killed);
    tally.kills++;
    tally[mid ? 'mid_storm' : 'after_storm']++;
    tally.bursts_typed += n;

    const after = ledgerOf(order.number);
    let shownNew = 0;
    let recordedNew = 0;
    for (const l of order.lines) {
      const had = before.accepted[l.code] ?? 0;
      const has = after.accepted[l.code] ?? 0;
      const what = `round ${round} (seed ${SEED}), order ${order.number}, ${l.sku}`;
      check(has >= shown[l.sku], `${what}: the screen showed ${shown[l.sku]} packed before the kill, the ledger holds ${has} accepted scans: an acknowledged scan was lost`);
      check(has >= had, `${what}: ${had} accepted scans before the storm, ${has} after it`);
      check(has - had <= (typed[l.code] ?? 0), `${what}: ${has - had} accepted scans recorded from ${typed[l.code] ?? 0} bursts typed: a scan counted twice`);
      eq(after.packed[l.sku], has, `${what}: the line's packed count is its accepted scans in the ledger`);
      shownNew += shown[l.sku] - start[l.sku];
      recordedNew += has - had;
    }
    check(!after.accepted[wrong.code], `round ${round}: ${wrong.sku} is not in the order, yet the ledger accepted it`);
    tally.shown_accepted += shownNew;
    tally.recorded_accepted += recordedNew;
    tally.recorded_not_shown += recordedNew - shownNew;
    if (shownNew === 0) tally.kills_before_any_shown++;
    log(`round ${round + 1}: ${n} bursts, killed ${at} ms in (${mid ? 'typing' : 'typed'}); shown +${shownNew}, recorded +${recordedNew}`);
  }

  // The last restart: the counts on screen are the ledger's, and the
  // station packs on: one more unit of each line, counted once.
  const order = orders[orders.length - 1];
  if (!browser) restarts.push((await startSignedIn()).process_start_to_screen_ms);
  await openAtIdle(order.number);
  const before = ledgerOf(order.number);
  const start = await linesPacked();
  for (const l of order.lines) {
    eq(start[l.sku], before.packed[l.sku], `${l.sku} packed on screen after the last restart, as the ledger counts`);
    await scan(l.code);
    await waitAttr(`line-${l.sku}`, 'data-packed', start[l.sku] + 1);
  }
  const after = ledgerOf(order.number);
  for (const l of order.lines) {
    eq(after.accepted[l.code] ?? 0, (before.accepted[l.code] ?? 0) + 1, `${l.sku}: one more accepted scan after the restart`);
    eq(after.packed[l.sku], after.accepted[l.code], `${l.sku}: packed count equals the ledger after the restart`);
  }
  check(KILLS < 3 || tally.recorded_accepted > 0, `${tally.kills} storms recorded no scan at all: did the keys reach the window?`);

  perf.crash = {
    what: 'the app (SQLite) killed with SIGKILL at a random moment of a storm of scanner bursts typed by xdotool, then started again; the screen read over and over until the kill (what the packer saw), the ledger read through the CLI after it',
    seed: SEED,
    ...tally,
    restart_to_signin_ms: restarts.length ? { n: restarts.length, median: [...restarts].sort((x, y) => x - y)[Math.floor(restarts.length / 2)], max: Math.max(...restarts) } : null,
  };
  log(`${tally.kills} kills (${tally.mid_storm} while typing), ${tally.bursts_typed} bursts typed, ${tally.shown_accepted} scans shown accepted before the kills, all in the ledger; ${tally.recorded_accepted} recorded (${tally.recorded_not_shown} recorded but not yet shown when the app died); none counted twice`);
}, 120_000 + KILLS * 60_000);

/** PSS of `pid` by what backs it (smaps_rollup): anonymous memory, shared
 *  memory, files (the libraries and fonts, shared with every other process
 *  that maps them: other WebKit processes on the machine lower this
 *  process's share). In kB. */
function pssParts(pid) {
  const parts = { anon: 0, shmem: 0, file: 0 };
  try {
    const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    for (const [k, field] of [['anon', 'Pss_Anon'], ['shmem', 'Pss_Shmem'], ['file', 'Pss_File']]) {
      const m = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
      parts[k] = m ? Number(m[1]) : 0;
    }
  } catch {
    // gone
  }
  return parts;
}

/** Memory of the app and its processes, by kind, in MB (the soak's columns). */
function memoryByKind() {
  const m = memory();
  if (!m) return null;
  const kinds = ['app', 'webkit_web', 'webkit_network', 'other'];
  const kb = Object.fromEntries(kinds.flatMap((k) => [[`${k}_pss`, 0], [`${k}_rss`, 0], [`${k}_anon`, 0]]));
  const parts = { anon: 0, shmem: 0, file: 0 };
  for (const p of m.processes) {
    const k = p.pid === appPid ? 'app' : p.name.startsWith('WebKitWeb') ? 'webkit_web' : p.name.startsWith('WebKitNetwork') ? 'webkit_network' : 'other';
    const part = pssParts(p.pid);
    kb[`${k}_pss`] += p.pss_kb ?? 0;
    kb[`${k}_rss`] += p.rss_kb;
    kb[`${k}_anon`] += part.anon + part.shmem;
    for (const x of Object.keys(parts)) parts[x] += part[x];
  }
  const mb = (x) => +(x / 1024).toFixed(1);
  const row = { processes: m.processes.length };
  for (const k of kinds) {
    row[`${k}_pss_mb`] = mb(kb[`${k}_pss`]);
    row[`${k}_rss_mb`] = mb(kb[`${k}_rss`]);
    row[`${k}_pss_anon_mb`] = mb(kb[`${k}_anon`]);
  }
  row.total_pss_mb = mb(kinds.reduce((t, k) => t + kb[`${k}_pss`], 0));
  row.total_rss_mb = mb(kinds.reduce((t, k) => t + kb[`${k}_rss`], 0));
  row.total_pss_anon_mb = mb(parts.anon + parts.shmem);
  row.total_pss_file_mb = mb(parts.file);
  return row;
}

/** Least-squares slope of ys over xs. */
function slopeOf(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((t, x) => t + x, 0) / n;
  const my = ys.reduce((t, y) => t + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  return sxx ? sxy / sxx : 0;
}

/** The courier's label scanned at the hand-over until the order ships (a
 *  burst the busy machine cut is scanned again, as a packer would). */
async function shipByTracking() {
  for (let attempt = 1; ; attempt++) {
    await waitExists('tracking-input');
    await scanTracking(await trackingFor());
    try {
      await waitAttr('screen-packing', 'data-phase', 'idle', 15_000);
      return;
    } catch (e) {
      if (attempt === 3) throw e;
      log(`the tracking scan did not ship the order (attempt ${attempt}: ${await text('scan-banner')}); scanning another label`);
    }
  }
}

/** The station's auto-print as the soak wants it, set on the settings screen. */
async function setAutoPrint(on) {
  await click('nav-settings');
  await waitExists('settings-autoprint');
  if (on) {
    await selectValue('settings-printer-invoice', PDF_PRINTER);
    await selectValue('settings-printer-label', PDF_PRINTER);
    await selectValue('settings-paper-label', 'label_4x6');
    await selectValue('settings-format-label', 'pdf');
  }
  await browser.execute((q, want) => {
    const el = document.querySelector(q);
    if (el.checked !== want) el.click();
  }, sel('settings-autoprint'), on);
  await pressButton('print-settings-save');
  await waitFor('print settings saved', async () => (await text('print-settings-message'))?.startsWith('✔'));
  eq(JSON.parse(fs.readFileSync(process.env.PACKBENCH_CONFIG, 'utf8')).print.auto_print, on, 'auto-print in station.json');
}

const SOAK_COLUMNS = [
  'scans', 'elapsed_s', 'orders_shipped',
  'total_pss_mb', 'app_pss_mb', 'webkit_web_pss_mb', 'webkit_network_pss_mb', 'other_pss_mb',
  'total_pss_anon_mb', 'app_pss_anon_mb', 'webkit_web_pss_anon_mb', 'webkit_network_pss_anon_mb', 'other_pss_anon_mb', 'total_pss_file_mb',
  'total_rss_mb', 'app_rss_mb', 'webkit_web_rss_mb', 'webkit_network_rss_mb', 'other_rss_mb',
  'processes', 'dom_nodes',
];

test(`soak: a shift of ${SOAK_SCANS} scanner bursts (orders claimed by their number, every unit scanned, finished, shipped by a tracking scan) with the memory of the app and its WebKit processes sampled every ${SOAK_EVERY} scans; after the warm-up ${SOAK_GOAL ? `PSS grows under the goal of ${SOAK_GOAL_SLOPE_MB}` : `the anonymous and shared PSS grows under ${SOAK_RUNAWAY_SLOPE_MB} (no runaway leak)`} MB per 1,000 scans`, async () => {
  // The orders of the shift: 1 to 6 units (the last takes what is left) on
  // 1 to 3 lines of twelve products; each is 2 bursts more than its units
  // (its number, then the tracking label), the shift exactly SOAK_SCANS.
  // The same orders every run, so that runs compare.
  const rng = seeded(12);
  const products = makeProducts('SOAK', 8, 12);
  const plan = [];
  for (let remaining = SOAK_SCANS; remaining > 0; ) {
    let units = 1 + rng.below(6);
    const rest = remaining - units - 2;
    if (rest !== 0 && rest < 3) units = remaining - 2;
    remaining -= units + 2;
    const shuffled = [...products];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const picked = shuffled.slice(0, 1 + rng.below(Math.min(3, units)));
    const lines = picked.map((p) => ({ ...p, quantity: 1 }));
    for (let u = lines.length; u < units; u++) lines[rng.below(lines.length)].quantity++;
    plan.push({ number: String(70001 + plan.length), lines });
  }
  const tMake = Date.now();
  makeOrders(plan);
  log(`${plan.length} orders (${SOAK_SCANS - 2 * plan.length} units) made and confirmed through the CLI in ${((Date.now() - tMake) / 1000).toFixed(1)} s`);

  // Printing as the run says, then a fresh app process: the figures do not
  // depend on the scenarios before (nor on the runner's own page helpers).
  if (signedAs !== PEOPLE.supervisor) await switchUser(PEOPLE.supervisor);
  await setAutoPrint(SOAK_PRINT);
  await stopApp();
  await startSignedIn();
  await waitAttr('screen-packing', 'data-phase', 'idle');

  const csv = path.join(OUT, 'soak.csv');
  fs.writeFileSync(csv, SOAK_COLUMNS.join(',') + '\n');
  const samples = [];
  let scans = 0;
  let shipped = 0;
  const t0 = Date.now();
  const sample = async () => {
    const m = memoryByKind();
    check(m, `the app is running at scan ${scans}`);
    const row = {
      scans,
      elapsed_s: +((Date.now() - t0) / 1000).toFixed(1),
      orders_shipped: shipped,
      ...m,
      dom_nodes: await browser.execute(() => document.getElementsByTagName('*').length),
    };
    samples.push(row);
    fs.appendFileSync(csv, SOAK_COLUMNS.map((c) => row[c]).join(',') + '\n');
    // PACKBENCH_E2E_SOAK_SMAPS=1: each process's mappings at each sample
    // (artifacts/e2e/smaps/SCANS-KIND-PID.smaps), to see which one grows.
    if (process.env.PACKBENCH_E2E_SOAK_SMAPS === '1') {
      const dir = path.join(OUT, 'smaps');
      fs.mkdirSync(dir, { recursive: true });
      for (const p of memory()?.processes ?? []) {
        try {
          const kind = p.pid === appPid ? 'app' : p.name.replace(/[^A-Za-z]/g, '');
          // /proc files report a size of 0: read, then write.
          fs.writeFileSync(path.join(dir, `${scans}-${kind}-${p.pid}.smaps`), fs.readFileSync(`/proc/${p.pid}/smaps`));
        } catch {
          // the process ended between the listing and the copy
        }
      }
    }
    log(`${scans} scans, ${shipped} orders shipped: PSS ${row.total_pss_mb} MB (app ${row.app_pss_mb}, web ${row.webkit_web_pss_mb}, network ${row.webkit_network_pss_mb}; anonymous and shared ${row.total_pss_anon_mb}, files ${row.total_pss_file_mb}), RSS ${row.total_rss_mb} MB, ${row.dom_nodes} DOM nodes`);
  };
  const counted = async () => {
    scans++;
    if (scans % SOAK_EVERY === 0) await sample();
  };
  // The commands the page calls during the shift, counted where Tauri's
  // IPC leaves the page (each invoke is a fetch of ipc://localhost/COMMAND).
  await browser.execute(() => {
    const counts = {};
    window.__soakIpcCalls = counts;
    const fetchOf = window.fetch;
    window.fetch = function (input, init) {
      const url = String(typeof input === 'string' ? input : input.url);
      if (url.startsWith('ipc://localhost/')) {
        const command = url.slice('ipc://localhost/'.length);
        counts[command] = (counts[command] ?? 0) + 1;
      }
      return fetchOf.call(this, input, init);
    };
  });
  await sample();
  // PACKBENCH_E2E_SOAK_XKEYS=1: the bursts are typed by xdotool, as a
  // keyboard-wedge scanner types, not by WebDriver's key actions.
  const soakScan = process.env.PACKBENCH_E2E_SOAK_XKEYS === '1' ? xScan : scan;
  for (const order of plan) {
    await soakScan(order.number);
    await waitOrderOpen(order.number);
    await counted();
    for (const line of order.lines) {
      for (let i = 1; i <= line.quantity; i++) {
        await soakScan(line.code);
        await waitAttr(`line-${line.sku}`, 'data-packed', i);
        await counted();
      }
    }
    // The last unit finished it by itself: the hand-over.
    await waitAttr('screen-packing', 'data-phase', 'handover');
    await shipByTracking();
    shipped++;
    await counted();
  }
  const wall = (Date.now() - t0) / 1000;
  const ipcCalls = await browser.execute(() => window.__soakIpcCalls);
  const ipcTotal = Object.values(ipcCalls).reduce((t, n) => t + n, 0);
  log(`the page called ${ipcTotal} commands in ${scans} scans (${(ipcTotal / scans).toFixed(2)} a scan): ${Object.entries(ipcCalls).sort((x, y) => y[1] - x[1]).map(([c, n]) => `${c} ${n}`).join(', ')}`);
  eq(scans, SOAK_SCANS, 'scanner bursts of the shift');
  const shippedNow = new Set(cliJson('orders', 'list', '--status', 'shipped', '--limit', String(plan.length + 1000)).map((o) => o.number));
  const notShipped = plan.filter((o) => !shippedNow.has(o.number)).map((o) => o.number);
  check(!notShipped.length, `every order of the shift shipped (CLI); not: ${notShipped.slice(0, 20).join(', ')}`);

  // The trend after the warm-up (a tenth of the shift, at least one
  // sampling interval): least squares of the summed PSS over the scans.
  const warmup = Math.max(SOAK_EVERY, Math.ceil(SOAK_SCANS / 10 / SOAK_EVERY) * SOAK_EVERY);
  const after = samples.filter((s) => s.scans >= warmup);
  check(after.length >= 3, `${after.length} samples after the warm-up of ${warmup} scans: a trend needs 3 or more (PACKBENCH_E2E_SOAK_EVERY)`);
  const per1000 = (k) => +(slopeOf(after.map((s) => s.scans), after.map((s) => s[k])) * 1000).toFixed(2);
  const level = (k) => ({
    start: samples[0][k],
    after_warmup: after[0][k],
    end: samples[samples.length - 1][k],
    max: Math.max(...samples.map((s) => s[k])),
  });
  const bound = SOAK_GOAL ? SOAK_GOAL_SLOPE_MB : SOAK_RUNAWAY_SLOPE_MB;
  const asserted = SOAK_GOAL ? 'total_pss' : 'total_pss_anon';
  // Other processes mapping WebKit's libraries (another app, another test
  // run) move the file part of PSS in steps that are none of the app's.
  const files = after.map((x) => x.total_pss_file_mb);
  const fileMove = +(Math.max(...files) - Math.min(...files)).toFixed(1);
  perf.soak = {
    what: 'a shift of scanner bursts typed into the real app (order number, every unit, the tracking label), memory of the app and every process under it (WebKit) sampled from /proc (PSS: smaps_rollup); slope: least squares of the summed PSS over the scans after the warm-up',
    build: perf.build,
    scans,
    orders: plan.length,
    printing: SOAK_PRINT,
    sample_every: SOAK_EVERY,
    warmup_scans: warmup,
    samples: samples.length,
    wall_s: +wall.toFixed(1),
    wall_per_scan_ms: +((wall * 1000) / scans).toFixed(1),
    slope_mb_per_1000_scans: {
      total_pss: per1000('total_pss_mb'),
      app_pss: per1000('app_pss_mb'),
      webkit_web_pss: per1000('webkit_web_pss_mb'),
      webkit_network_pss: per1000('webkit_network_pss_mb'),
      total_pss_anon: per1000('total_pss_anon_mb'),
      app_pss_anon: per1000('app_pss_anon_mb'),
      webkit_web_pss_anon: per1000('webkit_web_pss_anon_mb'),
      total_pss_file: per1000('total_pss_file_mb'),
      total_rss: per1000('total_rss_mb'),
      dom_nodes: per1000('dom_nodes'),
    },
    pss_mb: level('total_pss_mb'),
    rss_mb: level('total_rss_mb'),
    pss_end_mb: { app: samples.at(-1).app_pss_mb, webkit_web: samples.at(-1).webkit_web_pss_mb, webkit_network: samples.at(-1).webkit_network_pss_mb, other: samples.at(-1).other_pss_mb },
    goal: { slope_mb_per_1000_scans: SOAK_GOAL_SLOPE_MB, pss_mb: SOAK_GOAL_PSS_MB },
    asserted: `slope_mb_per_1000_scans.${asserted} < ${bound}`,
    asserted_slope_below: bound,
    file_pss_moved_mb: fileMove,
    ipc_calls: { total: ipcTotal, per_scan: +(ipcTotal / scans).toFixed(2), by_command: ipcCalls },
    csv: 'soak.csv',
  };
  const s = perf.soak;
  log(`${scans} scans, ${plan.length} orders in ${s.wall_s} s (${s.wall_per_scan_ms} ms a scan): PSS ${s.pss_mb.start} MB at the start, ${s.pss_mb.after_warmup} after the warm-up of ${warmup} scans, ${s.pss_mb.end} at the end (max ${s.pss_mb.max}; goal < ${SOAK_GOAL_PSS_MB} MB)`);
  const g = s.slope_mb_per_1000_scans;
  log(`growth after the warm-up, MB per 1,000 scans: PSS ${g.total_pss} (goal < ${SOAK_GOAL_SLOPE_MB}; app ${g.app_pss}, web ${g.webkit_web_pss}, network ${g.webkit_network_pss}); its anonymous and shared part ${g.total_pss_anon} (app ${g.app_pss_anon}, web ${g.webkit_web_pss_anon}); files ${g.total_pss_file}; RSS ${g.total_rss}; asserted: ${s.asserted}`);
  const moved = fileMove > 10 ? `; the file part of PSS moved by ${fileMove} MB during the run: other processes mapping WebKit's libraries came or went, so PSS alone is not the app's trend here (the anonymous and shared part grew by ${g.total_pss_anon}); measure on a quiet machine` : '';
  if (moved) log(moved.slice(2));
  check(g[asserted] < bound, `${SOAK_GOAL ? 'the summed PSS' : 'the anonymous and shared part of the summed PSS'} grew by ${g[asserted]} MB per 1,000 scans after the warm-up of ${warmup} scans (${SOAK_GOAL ? "the issue's goal" : 'the bound a runaway leak fails'}: under ${bound})${moved}; samples in ${csv}`);
}, 300_000 + SOAK_SCANS * 1_500);

// helper-38: two stations ----------------------------------------------
// (issue 12 item 3) A second app beside the one the runner drives, on the
// same database, with its own tauri-driver (and WebKitWebDriver) on its own
// ports, its own station.json (another station name) and data folders.
// Station A (packer) claims an order by scanning its number, scans an item,
// undoes it (Ctrl+Z) and gives the claim back (the release button, pressed
// by keys); station B (manager) watches the orders list, whose row shows
// the status, the packed count and the claiming station. Both pages' clocks
// are the machine's wall clock (performance.timeOrigin + a page timestamp):
//   start: the timeStamp of the input event in A that commits the change
//          (the scan's Enter keydown, Ctrl+Z's keydown, the release
//          button's click), as A's page got it;
//   end:   the moment a MutationObserver in B sees the row in the new state
//          (and the animation frame after it: the change painted).
// make test: PACKBENCH_E2E_LIVE_CYCLES (default 3) cycles on SQLite, each
// change asserted to arrive within 10 s, no time asserted. make bench
// (scripts/bench.sh): 100 cycles, on SQLite and, with PACKBENCH_E2E_PG_URL
// (a server where that role may CREATE DATABASE), on a fresh PostgreSQL
// database of its own; p50/p95/p99/max per kind in perf.json (live_stations).

const LIVE_CYCLES = countEnv('PACKBENCH_E2E_LIVE_CYCLES', 3);
const LIVE_PG_URL = process.env.PACKBENCH_E2E_PG_URL || '';
const LIVE_ARRIVE_MS = 10_000;
const LIVE_KINDS = ['claim', 'scan', 'undo', 'release'];


/** Orders of two units of one demo product on `db`, confirmed, for the cycles. */
function liveOrders(db, numbers) {
  const first = JSON.parse(cliOn(db, '--json', 'orders', 'list', '--status', 'confirmed', '--limit', '1'))[0];
  check(first, `no confirmed order on ${db}`);
  const line = JSON.parse(cliOn(db, '--json', 'orders', 'show', first.number)).lines[0];
  const product = JSON.parse(cliOn(db, '--json', 'products', 'show', line.sku));
  const single = product.barcodes.find((b) => b.units === 1);
  check(single, `product ${line.sku} has no single-unit barcode`);
  const csv = path.join(path.dirname(DB), `live-orders-${process.pid}.csv`);
  const name = product.name.replace(/"/g, '""');
  fs.writeFileSync(
    csv,
    'number,customer_name,delivery_method,currency,sku,item_name,quantity,unit_price\n' +
      numbers.map((n) => `${n},Live Stations,СДЭК,RUB,${line.sku},"${name}",2,100.00\n`).join(''),
  );
  try {
    cliOn(db, 'import', 'orders', csv, '--format', 'packbench');
  } finally {
    fs.rmSync(csv, { force: true });
  }
  for (const n of numbers) cliOn(db, 'orders', 'confirm', n);
  return { sku: line.sku, code: single.code };
}

/** A wrapper that starts the app as station `name` on `db`, with folders of its own. */
function liveStation(name, db) {
  const dir = fs.mkdtempSync(path.join(path.dirname(DB), `live-${name}-`));
  const config = path.join(dir, 'station.json');
  fs.writeFileSync(config, JSON.stringify({ station: name, language: 'ru', session_idle_minutes: 720 }, null, 2) + '\n');
  const wrapper = path.join(dir, 'packbench-station');
  fs.writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      `export PACKBENCH_DATABASE_URL='${db}'`,
      `export PACKBENCH_CONFIG='${config}'`,
      `export XDG_DATA_HOME='${dir}/data' XDG_CONFIG_HOME='${dir}/config' XDG_CACHE_HOME='${dir}/cache'`,
      `exec '${APP}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return { name, dir, wrapper };
}

async function liveSession(port, wrapper) {
  return remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'warn',
    connectionRetryTimeout: 60_000,
    connectionRetryCount: 0,
    capabilities: { 'wdio:enforceWebDriverClassic': true, 'tauri:options': { application: wrapper } },
  });
}

/** A second tauri-driver (and its WebKitWebDriver) on free ports after the runner's. */
async function liveDriver() {
  const net = await import('node:net');
  const busy = (p) =>
    new Promise((res) => {
      const s = net.createConnection({ host: '127.0.0.1', port: p });
      s.once('connect', () => (s.destroy(), res(true)));
      s.once('error', () => res(false));
    });
  let port = PORT + 2;
  while ((await busy(port)) || (await busy(port + 1))) port += 2;
  const logFile = path.join(OUT, 'tauri-driver-station-b.log');
  const fd = fs.openSync(logFile, 'w');
  // In the app's locale, as scripts/e2e.sh starts the first driver.
  const env = { ...process.env, LANG: process.env.E2E_APP_LANG || process.env.LANG || 'C.UTF-8' };
  delete env.LC_ALL;
  delete env.LANGUAGE;
  const child = spawn('tauri-driver', ['--port', String(port), '--native-port', String(port + 1)], { stdio: ['ignore', fd, fd], env });
  fs.closeSync(fd);
  await waitFor(`the second tauri-driver on port ${port} (${logFile})`, async () => child.exitCode === null && (await busy(port)), 15_000);
  return {
    port,
    stop() {
      // tauri-driver and the WebKitWebDriver it started: by their ids.
      for (const pid of [...descendants(child.pid), child.pid]) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // gone already
        }
      }
    },
  };
}

/** Runs `fn` with the runner's helpers (signIn, click, fillField...) aimed at `br`. */
async function liveWith(br, fn) {
  const [saved, savedUser] = [browser, signedAs];
  browser = br;
  try {
    return await fn();
  } finally {
    browser = saved;
    signedAs = savedUser;
  }
}

// In station A's page: the commit moment of each kind, and when A's own
// screen showed the change.
function liveInstallA() {
  if (window.__l38a) return;
  const origin = performance.timeOrigin ?? Date.now() - performance.now();
  const L = (window.__l38a = { kind: null, want: null, t: null, shown: null, clock_skew_ms: Date.now() - (origin + performance.now()) });
  const at = (ts) => origin + ts;
  // The scanner stops a scan's Enter in the capture phase: the key monitor sees it.
  window.__e2eKeys.onEnter = (e) => {
    if (L.kind === 'claim' || L.kind === 'scan') L.t = at(e.timeStamp);
  };
  window.addEventListener('keydown', (e) => {
    if (L.kind === 'undo' && e.ctrlKey && e.code === 'KeyZ') L.t = at(e.timeStamp);
  }, true);
  window.addEventListener('click', (e) => {
    if (L.kind === 'release' && e.target?.closest?.('[data-testid="release"]')) L.t = at(e.timeStamp);
  }, true);
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  L.matches = (w) => {
    if (w.phase !== undefined && q('screen-packing')?.dataset.phase !== w.phase) return false;
    if (w.number !== undefined && q('order-number')?.textContent.trim() !== w.number) return false;
    if (w.status !== undefined && q('order-status')?.dataset.status !== w.status) return false;
    if (w.packed !== undefined && q(`line-${w.sku}`)?.dataset.packed !== String(w.packed)) return false;
    return true;
  };
  L.check = () => {
    if (L.want && L.shown === null && L.matches(L.want)) L.shown = origin + performance.now();
  };
  new MutationObserver(L.check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}

// In station B's page: the order's row on the orders list as a person reads
// it (status badge, "packed / units", the claiming station), and the moment
// it first reads as wanted.
function liveInstallB() {
  if (window.__l38b) return;
  const origin = performance.timeOrigin ?? Date.now() - performance.now();
  const L = (window.__l38b = { want: null, hit: null, frame: null, clock_skew_ms: Date.now() - (origin + performance.now()) });
  L.read = (n) => {
    const row = document.querySelector(`[data-testid="order-row-${n}"]`);
    if (!row) return null;
    const cells = row.querySelectorAll('[role="gridcell"]');
    return {
      status: row.querySelector('[data-status]')?.dataset.status ?? null,
      packed: Number((cells[3]?.textContent ?? '').split('/')[0].trim()),
      station: (cells[7]?.textContent ?? '').trim(),
    };
  };
  L.check = () => {
    if (!L.want || L.hit !== null) return;
    const now = L.read(L.want.number);
    if (!now || !Object.entries(L.want.state).every(([k, v]) => now[k] === v)) return;
    L.hit = origin + performance.now();
    requestAnimationFrame(() => {
      L.frame = origin + performance.now();
    });
  };
  new MutationObserver(L.check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}

/** One change made at A and watched for at B; returns its sample. */
async function liveChange(b, kind, number, wantA, wantB, act, prevHit) {
  const before = await b.execute((w) => {
    const L = window.__l38b;
    L.want = w;
    L.hit = null;
    L.frame = null;
    L.check();
    return { hit: L.hit, row: L.read(w.number) };
  }, { number, state: wantB });
  check(before.hit === null, `station B's row of ${number} reads ${JSON.stringify(before.row)} before the ${kind}: nothing to wait for`);
  await browser.execute((k, w) => {
    const L = window.__l38a;
    Object.assign(L, { kind: k, want: w, t: null, shown: null });
  }, kind, { ...wantA });
  const resent = resentBursts;
  await act();
  await waitFor(`station A showing the ${kind} of ${number}`, () => browser.execute(() => window.__l38a.shown !== null), LIVE_ARRIVE_MS);
  try {
    await waitFor(`station B's orders list showing the ${kind} of ${number}`, () => b.execute(() => window.__l38b.frame !== null), LIVE_ARRIVE_MS);
  } catch (e) {
    const row = await b.execute((n) => window.__l38b.read(n), number);
    throw new Failure(`${e.message}: the row wanted ${JSON.stringify(wantB)}, B shows ${JSON.stringify(row)}`);
  }
  const a = await browser.execute(() => ({ t: window.__l38a.t, shown: window.__l38a.shown }));
  const seen = await b.execute(() => ({ hit: window.__l38b.hit, frame: window.__l38b.frame }));
  check(a.t !== null, `no ${kind} input event recorded in station A's page`);
  return {
    kind,
    number,
    resent: resentBursts !== resent,
    dom_ms: seen.hit - a.t,
    frame_ms: seen.frame - a.t,
    a_shown_ms: a.shown - a.t,
    a_shown_to_b_ms: seen.hit - a.shown,
    // B's app tells its screens at most every 150 ms (src-tauri's
    // changes.rs): a change within 150 ms of B's last one waits the rest.
    after_prev_b_ms: prevHit === undefined ? null : a.t - prevHit,
    hit: seen.hit,
  };
}

function liveStats(xs) {
  const s = xs.filter(Number.isFinite).sort((x, y) => x - y);
  if (!s.length) return { n: 0 };
  const q = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  const r = (x) => +x.toFixed(1);
  return { n: s.length, p50_ms: r(q(50)), p95_ms: r(q(95)), p99_ms: r(q(99)), max_ms: r(s[s.length - 1]), mean_ms: r(s.reduce((x, y) => x + y, 0) / s.length) };
}

/** The cycles on one engine: A is `browser` (signed in as the packer, idle at the packing screen), B `b`. */
async function liveCycles(engine, db, aStation, b) {
  const numbers = Array.from({ length: Math.min(LIVE_CYCLES, 4) }, (_, i) => String(9381 + i));
  for (const n of numbers) data.used.add(n);
  const { sku, code } = liveOrders(db, numbers);
  log(`${engine}: orders ${numbers.join(', ')} of 2 x ${sku} (${code}); ${LIVE_CYCLES} cycles of claim, scan, undo, release at ${aStation}`);

  // B: the manager's orders list, the orders on it.
  await liveWith(b, async () => {
    await click('nav-orders');
    await waitExists('screen-orders', 15_000);
    for (const n of numbers) await waitExists(`order-row-${n}`, 15_000);
  });
  await b.execute(liveInstallB);
  const rows = await b.execute((ns) => ns.map((n) => window.__l38b.read(n)), numbers);
  const r0 = rows[0] && { status: rows[0].status, packed: rows[0].packed, station: rows[0].station };
  eq(JSON.stringify(r0), JSON.stringify({ status: 'confirmed', packed: 0, station: '' }), `station B's row of ${numbers[0]} before the cycles`);
  await browser.execute(liveInstallA);

  const samples = [];
  const blur = () => browser.execute(() => document.activeElement?.blur());
  const t0 = Date.now();
  const prev = () => samples.at(-1)?.hit;
  for (let i = 0; i < LIVE_CYCLES; i++) {
    const n = numbers[i % numbers.length];
    await blur();
    samples.push(await liveChange(b, 'claim', n, { number: n, status: 'packing', phase: 'packing' }, { status: 'packing', station: aStation }, () => scan(n), prev()));
    await blur();
    samples.push(await liveChange(b, 'scan', n, { sku, packed: 1 }, { packed: 1 }, () => scan(code), prev()));
    await blur();
    samples.push(await liveChange(b, 'undo', n, { sku, packed: 0 }, { packed: 0 }, () => browser.action('key').down(Key.Ctrl).down('z').up('z').up(Key.Ctrl).perform(true), prev()));
    samples.push(await liveChange(b, 'release', n, { phase: 'idle' }, { status: 'confirmed', station: '' }, () => pressButton('release'), prev()));
  }
  const wall = Date.now() - t0;
  const skew = {
    a: await browser.execute(() => window.__l38a.clock_skew_ms),
    b: await b.execute(() => window.__l38b.clock_skew_ms),
  };
  const counted = samples.filter((s) => !s.resent);
  const per = (k, f) => liveStats(counted.filter((s) => k === 'all' || s.kind === k).map(f));
  const out = { cycles: LIVE_CYCLES, changes: samples.length, resent_left_out: samples.length - counted.length, wall_s: +(wall / 1000).toFixed(1), page_clock_skew_ms: skew, kinds: {} };
  for (const k of [...LIVE_KINDS, 'all']) {
    out.kinds[k] = { to_b_dom: per(k, (s) => s.dom_ms), to_b_frame: per(k, (s) => s.frame_ms), a_shown: per(k, (s) => s.a_shown_ms), a_shown_to_b_dom: per(k, (s) => s.a_shown_to_b_ms) };
  }
  // The changes made 150 ms or more after B last showed one: B's app did not hold them back.
  out.after_quiet_150ms = { to_b_dom: liveStats(counted.filter((s) => s.after_prev_b_ms === null || s.after_prev_b_ms >= 150).map((s) => s.dom_ms)) };
  out.after_prev_b_ms = liveStats(counted.map((s) => s.after_prev_b_ms).filter((x) => x !== null));
  for (const k of [...LIVE_KINDS, 'all']) {
    const d = out.kinds[k].to_b_dom;
    const f = out.kinds[k].to_b_frame;
    log(`${engine} ${k.padEnd(7)} n=${d.n}: A's input to B's screen p50 ${d.p50_ms} ms, p95 ${d.p95_ms}, p99 ${d.p99_ms}, max ${d.max_ms} (painted: p99 ${f.p99_ms}); A's own screen p50 ${out.kinds[k].a_shown.p50_ms} ms`);
  }
  const q = out.after_quiet_150ms.to_b_dom;
  log(`${engine}: A's input came p50 ${out.after_prev_b_ms.p50_ms} ms after B showed the change before; the ${q.n} made 150 ms or more after it: p50 ${q.p50_ms} ms, p99 ${q.p99_ms}, max ${q.max_ms}`);
  return out;
}

test('two-stations: a claim by scanning the order number, an item scan, Ctrl+Z and the claim given back at station A each reach station B\'s orders list (a second app on the same database; SQLite, and PostgreSQL with PACKBENCH_E2E_PG_URL)', async () => {
  perf.live_stations = {
    what: "a second app instance (its own tauri-driver session, station.json and data folders) on the same database; station A (the packer, the runner's app) claims an order by scanning its number, scans one item, undoes it (Ctrl+Z), gives the claim back (the release button, by keys); station B (a manager) shows the orders list. Start: the timeStamp of A's committing input event (the scan's Enter keydown, Ctrl+Z's keydown, the release button's click) on the wall clock (performance.timeOrigin). End: a MutationObserver in B sees the order's row read as wanted (status, packed count, claiming station); to_b_frame: the animation frame after it. Bursts the driver typed too slowly and sent again are left out.",
    build: perf.build,
    goal_p99_ms: 500,
    engines: {},
  };
  const driver = await liveDriver();
  let b = null;
  let pgDb = null;
  try {
    // SQLite: A is the runner's app; B a second one on the same file.
    if (signedAs?.login !== PEOPLE.packer.login) await switchUser(PEOPLE.packer);
    await click('nav-packing');
    await waitExists('screen-packing');
    const phase = await attr('screen-packing', 'data-phase');
    if (phase === 'handover') await click('put-aside');
    else if (phase === 'packing') await pressButton('release');
    await waitAttr('screen-packing', 'data-phase', 'idle');
    let aName = 'station-1';
    try {
      aName = JSON.parse(fs.readFileSync(process.env.PACKBENCH_CONFIG, 'utf8')).station || aName;
    } catch {
      // no station.json yet: the default name
    }
    const stB = liveStation('station-2', DB);
    b = await liveSession(driver.port, stB.wrapper);
    await liveWith(b, async () => {
      await waitExists('screen-signin', 60_000);
      await signIn(PEOPLE.manager);
    });
    perf.live_stations.engines.sqlite = await liveCycles('sqlite', DB, aName, b);
    await b.deleteSession();
    b = null;

    if (!LIVE_PG_URL) {
      log('PostgreSQL: not measured (no PACKBENCH_E2E_PG_URL; scripts/bench.sh sets it)');
      return;
    }
    // PostgreSQL: a fresh database of its own with the demo; A and B both
    // started on it (the runner starts its own app again afterwards).
    const name = `packbench_e2e_live_${process.pid}`;
    const admin = new URL(LIVE_PG_URL);
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', admin.href, '-c', `CREATE DATABASE ${name}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    pgDb = name;
    const url = new URL(LIVE_PG_URL);
    url.pathname = `/${name}`;
    execFileSync(CLI, ['--db', url.href, 'init', '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await stopApp();
    const stA = liveStation('pg-station-a', url.href);
    browser = await liveSession(PORT, stA.wrapper);
    appPid = findAppPid();
    await waitExists('screen-signin', 60_000);
    await browser.execute(installKeyMonitor);
    await signIn(PEOPLE.packer, { badge: true });
    await waitExists('screen-packing', 30_000);
    await waitAttr('screen-packing', 'data-phase', 'idle');
    const stPgB = liveStation('pg-station-b', url.href);
    b = await liveSession(driver.port, stPgB.wrapper);
    await liveWith(b, async () => {
      await waitExists('screen-signin', 60_000);
      await signIn(PEOPLE.manager);
    });
    perf.live_stations.engines.postgres = await liveCycles('postgres', url.href, 'pg-station-a', b);
    await b.deleteSession();
    b = null;
    await stopApp();
  } finally {
    if (b) await b.deleteSession().catch(() => {});
    driver.stop();
    if (pgDb) {
      await stopApp();
      try {
        execFileSync('psql', ['-X', '-q', LIVE_PG_URL, '-c', `DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        log(`could not drop ${pgDb}: ${e.message}`);
      }
    }
  }
}, 240_000 + LIVE_CYCLES * 4 * 2 * 3_000);
// helper-38: end of two stations ---------------------------------------

// E2E_ONLY=text[,text...]: the first-run scenario (it loads the demo) and
// the scenarios whose name contains one of the texts; for working on one
// scenario, or for `make soak` (E2E_ONLY=soak,crash).
if (process.env.E2E_ONLY) {
  const only = process.env.E2E_ONLY.split(',').map((x) => x.trim()).filter(Boolean);
  const keep = tests.filter((t, i) => i === 0 || only.some((o) => t.name.includes(o)));
  tests.splice(0, tests.length, ...keep);
}

let passed = 0;
let failed = 0;
const results = [];
console.log(`e2e: ${tests.length} scenarios against ${APP}`);
for (const [i, t] of tests.entries()) {
  const t0 = Date.now();
  console.log(`\n[${i + 1}/${tests.length}] ${t.name}`);
  let timer;
  try {
    if (!browser && i > 0) {
      // An earlier scenario lost the app: start it again so this one runs.
      await startApp(`${sel('screen-signin')}, ${sel('screen-welcome')}, ${sel('screen-error')}`);
      if (signedAs && (await exists('screen-signin'))) await signIn(signedAs);
    }
    await Promise.race([
      t.fn(),
      new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Failure(`timed out after ${t.timeout / 1000} s`)), t.timeout);
      }),
    ]);
    passed++;
    results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
    console.log(`ok ${i + 1} - ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    results.push({ name: t.name, ok: false, ms: Date.now() - t0, error: String(e?.message ?? e) });
    console.log(`not ok ${i + 1} - ${t.name}`);
    console.log(`    ${(e instanceof Failure ? e.message : e?.stack ?? String(e)).split('\n').join('\n    ')}`);
    if (browser) {
      try {
        const f = path.join(OUT, `failed-${i + 1}.png`);
        await grabWindow(f);
        console.log(`    screenshot of the failure: ${f}`);
      } catch (err) {
        console.log(`    (no screenshot: ${err.message})`);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

await stopApp();
perf.driver_keys = {
  what: 'largest gap between two keys of one burst as the page stamped them (event.timeStamp); the app takes a burst as a scan when every gap is under 35 ms',
  bursts: stats(keyGaps),
  resent_bursts: resentBursts,
};
perf.results = results;
perf.measured_at = new Date().toISOString();
fs.writeFileSync(path.join(OUT, 'perf.json'), JSON.stringify(perf, null, 2) + '\n');
console.log(`\nperf (${perf.build} build): ${path.join(OUT, 'perf.json')}`);
if (perf.scan_to_screen) {
  const s = perf.scan_to_screen;
  console.log(`  scan to screen (${s.scans} scans): p50 ${s.dom.p50_ms} ms, p99 ${s.dom.p99_ms} ms, max ${s.dom.max_ms} ms; next frame p50 ${s.next_frame.p50_ms} ms, p99 ${s.next_frame.p99_ms} ms (goal p99 < 50 ms)`);
}
if (perf.last_scan_to_cups) {
  const l = perf.last_scan_to_cups;
  console.log(`  last scan to invoice and label accepted by CUPS (${l.orders} orders): p50 ${l.p50_ms} ms, p99 ${l.p99_ms} ms, max ${l.max_ms} ms (goal p99 < 150 ms)`);
}
if (perf.startup_summary) {
  console.log(`  start-up to a usable packing screen: median ${perf.startup_summary.median_process_start_to_screen_ms} ms from process start (goal < 1500 ms)`);
}
for (const [k, label] of [
  ['memory_after_packing_flow', 'after the packing flow'],
  ['memory_after_speed_run', `after ${PERF_SCANS} more scans`],
  ['memory_fresh_start', 'of a fresh start'],
]) {
  const m = perf[k];
  if (m) console.log(`  memory ${label}: RSS ${m.rss_mb} MB, PSS ${m.pss_mb} MB (${m.processes.length} processes; goal < 250 MB)`);
}
if (perf.crash) {
  const c = perf.crash;
  console.log(`  crash: ${c.kills} SIGKILLs (${c.mid_storm} while the storm was typed), ${c.bursts_typed} bursts; ${c.shown_accepted} scans shown accepted before the kills, all in the ledger, ${c.recorded_accepted} recorded (${c.recorded_not_shown} in flight), none twice; restart to sign-in median ${c.restart_to_signin_ms?.median} ms (seed ${c.seed})`);
}
if (perf.soak) {
  const s = perf.soak;
  console.log(`  soak (${s.scans} scans, ${s.orders} orders, ${s.wall_per_scan_ms} ms a scan): PSS ${s.pss_mb.start} -> ${s.pss_mb.end} MB (max ${s.pss_mb.max}; goal < ${s.goal.pss_mb} MB); growth after ${s.warmup_scans} scans of warm-up ${s.slope_mb_per_1000_scans.total_pss} MB per 1,000 scans (goal < ${s.goal.slope_mb_per_1000_scans}), anonymous and shared ${s.slope_mb_per_1000_scans.total_pss_anon}; asserted ${s.asserted}; ${path.join(OUT, 'soak.csv')}`);
}
console.log(`  scanner bursts typed by the driver: ${keyGaps.length}, largest key gap p99 ${perf.driver_keys.bursts.p99_ms} ms, max ${perf.driver_keys.bursts.max_ms} ms; sent again (driver late): ${resentBursts}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
