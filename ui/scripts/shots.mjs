// Walks every screen of the UI in headless Chromium against the in-browser
// fake backend, in Russian and English, scanning as a keyboard-wedge scanner
// does (characters 5 ms apart, then Enter), and saves a screenshot of each
// state. Checks a few facts on the way, so a broken flow fails loudly.
//
//   npm run build && npx vite preview --port 4173 &
//   node scripts/shots.mjs            # BASE=http://localhost:4173 OUT=/tmp/ui-shots
//
// Needs a Chromium binary (Debian: apt-get install chromium); CHROMIUM overrides.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const BASE = process.env.BASE ?? 'http://localhost:4173/';
const OUT = process.env.OUT ?? '/tmp/ui-shots';
const EXE = process.env.CHROMIUM ?? '/usr/bin/chromium';

mkdirSync(OUT, { recursive: true });

// The fake backend's barcodes: EAN-13 of 460 + 1234560 + 7i.
function ean13(body12) {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return body12 + String((10 - (sum % 10)) % 10);
}
const barcode = (product) => ean13(`460${String(1234560 + (product - 1) * 7).padStart(9, '0')}`);

const browser = await chromium.launch({
  executablePath: EXE,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

const shots = [];
let failures = 0;

function check(cond, what) {
  if (!cond) {
    failures++;
    console.error(`FAIL: ${what}`);
  }
}

async function run(lang) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('pageerror', (e) => {
    failures++;
    console.error(`page error (${lang}):`, e.message);
  });

  async function shot(name) {
    await page.waitForTimeout(350);
    const file = `${OUT}/${lang}-${name}.png`;
    await page.screenshot({ path: file });
    shots.push(file);
  }

  // Chrome DevTools delivers each key as a round trip, and the first keys
  // after a page load can lag past the scanner gap; a real scanner's keys
  // are queued by the OS and arrive evenly. So: let the page settle first.
  async function scan(code) {
    await page.waitForTimeout(150);
    await page.keyboard.type(code, { delay: 0 });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(120);
  }

  const outcome = () => page.getAttribute('[data-testid=scan-banner]', 'data-outcome');

  // Welcome (empty database) and loading the demo.
  await page.goto(`${BASE}?empty=1&lang=${lang}`);
  await page.waitForSelector('[data-testid=screen-welcome]');
  await shot('01-welcome');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=screen-packing]');
  await shot('02-packing-idle-hint');

  // Startup error.
  await page.goto(`${BASE}?error=1&lang=${lang}`);
  await page.waitForSelector('[data-testid=screen-error]');
  await shot('03-startup-error');

  // The packing station.
  await page.goto(`${BASE}?lang=${lang}`);
  await page.waitForSelector('[data-testid=screen-packing]');
  await page.waitForTimeout(500);
  await scan('1001');
  await page.waitForSelector('[data-testid=order-number]');
  check((await page.textContent('[data-testid=order-number]')) === '1001', 'order 1001 opens');
  check(
    (await page.inputValue('[data-testid=order-input]').catch(() => '')) === '',
    'the scan left nothing in the order field',
  );
  await shot('04-packing-opened');
  await scan(barcode(1));
  await scan(barcode(2));
  await page.waitForTimeout(200);
  check(
    (await page.getAttribute('[data-testid=line-PB-0001]', 'data-packed')) === '1',
    'mug packed 1',
  );
  await shot('05-packing-accepted');
  // Two quick scans: both recorded.
  await page.keyboard.type(barcode(1), { delay: 0 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(50);
  await page.keyboard.type(barcode(4), { delay: 0 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(400);
  check(
    (await page.getAttribute('[data-testid=line-PB-0001]', 'data-packed')) === '2',
    'first of two quick scans recorded',
  );
  check((await outcome()) === 'wrong_item', 'second of two quick scans refused as wrong item');
  await shot('06-packing-wrong-item');
  await scan('4601234567890');
  await shot('07-packing-invalid-barcode');

  // Short-ship dialog, cancelled with Esc.
  await page.keyboard.press('F9');
  await page.waitForSelector('[data-testid=reason-dialog]');
  await shot('08-packing-short-dialog');
  await page.keyboard.press('Escape');

  // Last item: auto-finish, then hand-over.
  await scan(barcode(3));
  await page.waitForSelector('[data-testid=carrier-select]');
  check(
    (await page.getAttribute('[data-testid=order-status]', 'data-status')) === 'ready',
    'auto-finish made the order ready',
  );
  await shot('09-packing-handover');
  // Auto-print: the demo's label printer is out of labels, so the strip
  // turns red within seconds; the hand-over goes on regardless.
  await page.waitForSelector('[data-testid=print-item-label][data-status=failed]', {
    timeout: 5000,
  });
  check(
    (await page.getAttribute('[data-testid=print-item-invoice]', 'data-status')) === 'sent',
    'auto-print sent the invoice',
  );
  await shot('09b-packing-print-failed');
  await page.keyboard.press('F8');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=print-again]')?.disabled === false,
  );
  await scan('80099887766551');
  await page.waitForSelector('[data-testid=order-input]');
  check((await outcome()) === 'shipped', 'tracking scan shipped the order');
  await shot('10-packing-shipped');

  // Orders.
  await page.keyboard.press('F1');
  await page.waitForSelector('[data-testid=screen-orders]');
  await page.waitForTimeout(200);
  await shot('11-orders');
  await page.click('[data-testid=tab-confirmed]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=order-detail]');
  await shot('12-order-detail');
  await page.keyboard.press('Escape');
  await page.fill('[data-testid=orders-search]', lang === 'ru' ? 'Иван' : '1001');
  await page.waitForTimeout(400);
  await shot('13-orders-search');

  // Pick lists.
  await page.keyboard.press('F2');
  await page.waitForSelector('[data-testid=screen-picking]');
  await page.waitForTimeout(200);
  await shot('14-pick-overview');
  await page.fill('[data-testid=pick-next-n]', '3');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=pick-list-title]');
  await page.click('[data-testid=pick-list-title]');
  const firstBin = await page.getAttribute('[data-testid=current-bin]', 'data-bin');
  await scan(firstBin);
  check((await outcome()) === 'bin_confirmed', 'bin scan confirms the bin');
  const lineSku = await page.$eval('[data-testid^=pick-line-]', (el) =>
    el.getAttribute('data-testid').replace('pick-line-', ''),
  );
  const product = Number(lineSku.slice(3));
  await scan(barcode(product));
  check((await outcome()) === 'picked' || (await outcome()) === 'over_pick', 'item scan picks');
  await shot('15-pick-list');

  // Settings.
  await page.keyboard.press('F4');
  await page.waitForSelector('[data-testid=screen-settings]');
  await page.click('[data-testid=db-custom]');
  await page.fill('[data-testid=settings-database]', 'postgres://packbench@db.local/packbench');
  await page.click('[data-testid=test-database]');
  await page.waitForSelector('[data-testid=db-test-result]');
  await shot('16-settings');
  await page.click('[data-testid=db-local]');
  await page.locator('[data-testid=settings-printing]').scrollIntoViewIfNeeded();
  await page.selectOption('[data-testid=settings-format-label]', 'zpl');
  check(!!(await page.$('[data-testid=settings-dpi-label]')), 'ZPL shows the resolution');
  check(
    (await page.$$('[data-testid=settings-paper-invoice] option')).length === 0,
    'the invoice has only A4: no paper choice',
  );
  await shot('17-settings-printing');
  await page.click('[data-testid=settings-preview-label]');
  await page.waitForSelector('[data-testid=preview-page-1]');
  await shot('18-settings-preview');
  await page.keyboard.press('Escape');
  await page.locator('[data-testid=settings-seller]').scrollIntoViewIfNeeded();
  await shot('19-settings-seller');

  // Printing: the queue, and a scanned order's invoice in the preview.
  await page.keyboard.press('F5');
  await page.waitForSelector('[data-testid=screen-printing]');
  await page.waitForSelector('[data-testid=print-job]');
  check(
    (await page.$$('[data-testid=print-job][data-status=failed]')).length > 0,
    'the failed label is in the queue',
  );
  await scan('1003');
  await page.waitForSelector('[data-testid=preview-page-1]');
  check((await page.inputValue('[data-testid=preview-order]')) === '1003', 'scan fills the order');
  await shot('20-printing');
  await page.selectOption('[data-testid=preview-kind]', 'label');
  await page.click('[data-testid=preview-show]');
  await page.waitForSelector('[data-testid=preview-zpl]');
  await page.click('[data-testid=preview-print]');
  await page.waitForSelector('[data-testid=preview-print-result]');
  await shot('21-printing-label');

  await page.close();
}

try {
  for (const lang of ['ru', 'en']) await run(lang);
} finally {
  await browser.close();
}

for (const s of shots) console.log(s);
console.log(`${shots.length} screenshots, ${failures} failed checks`);
process.exit(failures ? 1 : 0);
