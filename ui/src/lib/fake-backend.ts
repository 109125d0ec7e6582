// An in-memory stand-in for the Rust shell, used only when the page runs in
// a plain browser (no Tauri): so the UI can be previewed, demonstrated and
// screenshotted without the desktop app. It follows docs/IPC.md closely
// enough to walk every screen; it is no reference for the real rules.
//
// URL switches for previews: ?empty=1 (welcome screen), ?error=1 (startup
// error), ?lang=en, ?autofinish=0, ?autoprint=0, ?role=supervisor (may change
// the seller's details).

import type {
  AppInfo,
  DbTest,
  DocumentKey,
  DocumentKind,
  DocumentPreview,
  DocumentSettings,
  EventView,
  LineRow,
  OrderDetail,
  OrderStatus,
  OrderSummary,
  OrdersChanged,
  PaymentStatus,
  PickLine,
  PickList,
  PickListSummary,
  PickScanResult,
  Printer,
  PrintJob,
  PrintSettings,
  ScanResult,
  ScanView,
  Seller,
  Settings,
  StatusCount,
  UndoResult,
} from './types';
import { ORDER_STATUSES } from './types';
import { fakePage, fakeZpl } from './fake-documents';

interface Product {
  id: number;
  sku: string;
  name: string;
  barcode: string;
  bin: string;
  price_minor: number;
}

interface FakeOrder {
  detail: OrderDetail;
  // accepted scans still counted, newest last, for undo
  accepted: { line_id: number; code: string; units: number }[];
  results: Map<string, ScanResult>;
}

interface FakePickList {
  list: PickList;
  scanIds: Set<string>;
}

function fail(code: string, message: string): never {
  // Rejected like the shell does: a plain {code, message} object.
  throw { code, message };
}

function ean13(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return body12 + String((10 - (sum % 10)) % 10);
}

function validGtin(code: string): boolean {
  const digits = code.split('').map(Number);
  const check = digits.pop()!;
  let sum = 0;
  digits.reverse().forEach((d, i) => (sum += d * (i % 2 === 0 ? 3 : 1)));
  return (10 - (sum % 10)) % 10 === check;
}

const PRODUCTS: Product[] = [
  ['Кружка «Утро» 300 мл', 'A-02-1', 49000],
  ['Чайник электрический 1,7 л', 'B-10-2', 249000],
  ['Салфетки бумажные белые, 100 шт', 'C-01-1', 12000],
  ['Ложка чайная «Север»', 'A-01-2', 9000],
  ['Notebook A5 dotted', 'D-03-4', 39000],
  ['Gel pen black, 0.5 mm', 'D-04-1', 9000],
  ['Тарелка обеденная 26 см', 'B-02-3', 59000],
  ['Полотенце кухонное «Лён»', 'C-07-2', 34000],
  ['Кружка «Лаванда» 350 мл', 'A-02-2', 52000],
  ['Доска разделочная бук 30×20', 'E-11-1', 89000],
  ['Свеча ароматическая «Хвоя»', 'F-05-3', 45000],
  ['Notebook A4 lined', 'D-03-1', 45000],
  ['Чайник заварочный стеклянный 0,8 л', 'B-09-4', 129000],
  ['Губки для посуды, 10 шт', 'C-12-1', 15000],
  ['Термокружка 450 мл', 'A-10-1', 119000],
].map(([name, bin, price], i) => ({
  id: i + 1,
  sku: `PB-${String(i + 1).padStart(4, '0')}`,
  name: name as string,
  barcode: ean13(`460${String(1234560 + i * 7).padStart(9, '0')}`),
  bin: bin as string,
  price_minor: price as number,
}));

const CUSTOMERS = [
  ['Иванова Мария', 'Москва, ул. Лесная, д. 5, кв. 12', '+7 916 123-45-67'],
  ['Петров Алексей', 'Санкт-Петербург, Невский пр., д. 88, кв. 4', '+7 921 555-12-34'],
  ['Смирнова Ольга', 'Казань, ул. Баумана, д. 19', '+7 917 200-30-40'],
  ['Кузнецов Дмитрий', 'Екатеринбург, ул. Малышева, д. 36, кв. 101', '+7 912 777-88-99'],
  ['Anna Schmidt', 'Berlin, Torstraße 12, 10119', '+49 30 1234567'],
  ['Волкова Екатерина', 'Новосибирск, Красный пр., д. 7', '+7 913 456-78-90'],
  ['Соколов Игорь', 'Нижний Новгород, ул. Рождественская, д. 2', '+7 910 321-65-47'],
  ['Морозова Наталья', 'Самара, ул. Куйбышева, д. 101, кв. 9', '+7 927 111-22-33'],
  ['Лебедев Павел', 'Пермь, Комсомольский пр., д. 15', '+7 902 444-55-66'],
  ['Новикова Дарья', 'Ростов-на-Дону, ул. Садовая, д. 40', '+7 928 999-00-11'],
  ['Фёдоров Андрей', 'Воронеж, пр. Революции, д. 3', '+7 920 234-56-78'],
  ['Jan Kowalski', 'Berlin, Kastanienallee 5', '+49 30 7654321'],
  ['Зайцева Анастасия', 'Краснодар, ул. Красная, д. 120', '+7 918 876-54-32'],
  ['Орлов Максим', 'Тула, пр. Ленина, д. 44', '+7 953 190-28-37'],
];

const CARRIERS = ['СДЭК', 'Почта России', 'Boxberry', 'DHL Express', 'Самовывоз'];

// number, status, customer, delivery, hours ago, lines [[product, qty]], comment
type Seed = [OrderStatus, number, string, number, [number, number][], string];
const SEEDS: Seed[] = [
  [
    'confirmed',
    0,
    'СДЭК',
    5,
    [
      [1, 2],
      [2, 1],
      [3, 1],
    ],
    'позвонить перед доставкой',
  ],
  [
    'confirmed',
    1,
    'Почта России',
    74,
    [
      [5, 1],
      [6, 3],
    ],
    '',
  ],
  ['confirmed', 2, 'Boxberry', 80, [[7, 4]], 'хрупкое, упаковать в пузырчатую плёнку'],
  [
    'confirmed',
    3,
    'СДЭК',
    20,
    [
      [9, 1],
      [10, 1],
      [11, 2],
    ],
    '',
  ],
  [
    'confirmed',
    4,
    'DHL Express',
    12,
    [
      [12, 2],
      [6, 2],
    ],
    '',
  ],
  ['confirmed', 5, 'Самовывоз', 9, [[13, 1]], ''],
  [
    'new',
    6,
    'СДЭК',
    2,
    [
      [14, 2],
      [3, 2],
    ],
    '',
  ],
  ['new', 7, 'Почта России', 1, [[15, 1]], 'подарочная упаковка'],
  [
    'packing',
    8,
    'Boxberry',
    6,
    [
      [4, 6],
      [1, 1],
    ],
    '',
  ],
  ['ready', 9, 'СДЭК', 8, [[8, 2]], ''],
  ['shipped', 10, 'Почта России', 30, [[2, 1]], ''],
  ['delivered', 11, 'DHL Express', 60, [[5, 2]], ''],
  ['cancelled', 12, 'СДЭК', 50, [[11, 1]], 'клиент отменил по телефону'],
  [
    'picking',
    13,
    'Boxberry',
    15,
    [
      [7, 2],
      [14, 1],
    ],
    '',
  ],
];

const FAKE_PRINTERS: Printer[] = [
  { name: 'VirtualPDF', state: 'idle', message: '', is_default: true },
  { name: 'HP_LaserJet_Sklad', state: 'idle', message: '', is_default: false },
  {
    name: 'Zebra_ZD420',
    state: 'stopped',
    message: 'Media out: load labels and press Feed',
    is_default: false,
  },
];

const DEMO_SELLER: Seller = {
  name: 'ООО «Пакбенч»',
  address: '420021, г. Казань, ул. Складская, д. 7, стр. 2',
  phone: '+7 843 200-10-20',
  email: 'shop@packbench.example',
  inn: '1655123456',
  kpp: '165501001',
  bank_name: 'ПАО «Банк Примерный», г. Казань',
  bik: '049205999',
  account: '40702810900000012345',
  corr_account: '30101810000000000999',
};

function docSettings(
  printer: string | null,
  paper: DocumentSettings['paper'],
  lang: DocumentSettings['lang'],
  format: DocumentSettings['format'] = 'pdf',
): DocumentSettings {
  return { printer, paper, format, dpi: '203', lang };
}

// The same refusals as core's DocumentSettings::check.
function checkDocument(kind: DocumentKind, s: DocumentSettings) {
  const what = kind.replace('_', ' ');
  const label = s.paper === 'label_4x6' || s.paper === 'label_100x150';
  if (s.format === 'zpl' && kind !== 'label') {
    fail('invalid', `ZPL is for shipping labels; print the ${what} as PDF`);
  }
  if (kind === 'label' && !label) {
    fail('invalid', 'a shipping label is printed on 4x6 in or 100x150 mm label paper');
  }
  if (kind !== 'label' && label) {
    fail('invalid', `the ${what} is printed on A4 or A5 paper, not on labels`);
  }
  if (s.paper === 'a5' && kind !== 'packing_slip') {
    fail('invalid', `only the packing slip fits on A5; print the ${what} on A4`);
  }
}

function checkSeller(s: Seller) {
  const digits = (v: string, n: number[], what: string) => {
    const t = v.trim();
    if (t && !(/^\d+$/.test(t) && n.includes(t.length))) {
      fail('invalid', `${what} must be ${n.join(' or ')} digits, not ${JSON.stringify(t)}`);
    }
  };
  if (!s.name.trim()) fail('invalid', "the seller's name is empty");
  digits(s.inn, [10, 12], 'INN');
  digits(s.kpp, [9], 'KPP');
  digits(s.bik, [9], 'BIK');
  digits(s.account, [20], 'the account number');
  digits(s.corr_account, [20], 'the correspondent account');
}

function natural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

class FakeWarehouse {
  settings: Settings;
  info: Omit<AppInfo, 'station' | 'user' | 'language' | 'auto_finish' | 'empty_database'>;
  orders = new Map<string, FakeOrder>();
  pickLists: FakePickList[] = [];
  listeners = new Set<(e: OrdersChanged) => void>();
  nextLineId = 1;
  print: PrintSettings;
  printers: Printer[] = structuredClone(FAKE_PRINTERS);
  jobs: PrintJob[] = [];
  nextJobId = 1;
  cupsSeq = 40;
  seller: Seller = { ...DEMO_SELLER };

  constructor(params: URLSearchParams) {
    const lang = params.get('lang') === 'en' ? 'en' : 'ru';
    this.settings = {
      station: lang === 'en' ? 'Station 2' : 'Станция 2',
      user: lang === 'en' ? 'Anna' : 'Анна',
      database: '',
      language: lang,
      auto_finish: params.get('autofinish') !== '0',
    };
    // The label printer is out of labels, so the preview shows a failed print.
    this.print = {
      auto_print: params.get('autoprint') !== '0',
      invoice: docSettings('VirtualPDF', 'a4', lang),
      packing_slip: docSettings(null, 'a5', lang),
      label: docSettings('Zebra_ZD420', 'label_100x150', lang, 'zpl'),
      pick_list: docSettings('HP_LaserJet_Sklad', 'a4', lang),
      manifest: docSettings('HP_LaserJet_Sklad', 'a4', lang),
    };
    this.info = {
      version: '0.1.0 (browser preview)',
      role:
        (['picker', 'packer', 'supervisor', 'admin'] as const).find(
          (r) => r === params.get('role'),
        ) ?? 'packer',
      database: 'SQLite in-browser preview (nothing is saved)',
      engine: 'SQLite',
      database_from_env: params.get('dbenv') === '1',
      startup_error:
        params.get('error') === '1'
          ? 'could not connect to postgres://packbench@db.warehouse.local/packbench: connection refused (is the server running on port 5432?)'
          : null,
    };
    if (params.get('empty') !== '1') this.loadDemo();
  }

  appInfo(): AppInfo {
    return {
      ...this.info,
      station: this.settings.station,
      user: this.settings.user,
      language: this.settings.language,
      auto_finish: this.settings.auto_finish,
      empty_database: this.orders.size === 0,
    };
  }

  product(id: number): Product {
    return PRODUCTS[id - 1]!;
  }

  loadDemo() {
    const now = Date.now();
    SEEDS.forEach(([status, who, delivery, hours, lines, comment], i) => {
      const number = String(1001 + i);
      const [name, address, phone] = CUSTOMERS[who]!;
      const euro = delivery === 'DHL Express';
      const created = new Date(now - hours * 3600_000).toISOString();
      const rows: LineRow[] = lines.map(([pid, qty], pos) => {
        const p = this.product(pid);
        const done = ['ready', 'shipped', 'delivered'].includes(status);
        return {
          id: this.nextLineId++,
          position: pos + 1,
          product_id: p.id,
          sku: p.sku,
          name: p.name,
          quantity: qty,
          unit_price_minor: euro ? Math.round(p.price_minor / 90) : p.price_minor,
          discount_minor: 0,
          tax_rate_bp: euro ? 1900 : 2000,
          packed: done ? qty : status === 'packing' && pos === 0 ? 2 : 0,
          bin: p.bin,
        };
      });
      const goods = rows.reduce((s, l) => s + l.quantity * l.unit_price_minor, 0);
      const deliveryCost = euro ? 2490 : delivery === 'Самовывоз' ? 0 : 35000;
      const units = rows.reduce((s, l) => s + l.quantity, 0);
      const detail: OrderDetail = {
        id: i + 1,
        number,
        channel: ['web', 'shopify', 'phone', 'woocommerce'][i % 4]!,
        customer_name: name!,
        email: `customer${1001 + i}@example.ru`,
        phone: phone!,
        shipping_address: address!,
        delivery_method: delivery,
        delivery_cost_minor: deliveryCost,
        currency: euro ? 'EUR' : 'RUB',
        payment_status: (status === 'new' ? 'awaiting_payment' : 'paid') as PaymentStatus,
        comment,
        status,
        status_changed_at: created,
        created_at: created,
        claimed_station: status === 'packing' ? 'Станция 1' : null,
        claimed_by: status === 'packing' ? 'Олег' : null,
        carrier: ['shipped', 'delivered'].includes(status) ? delivery : null,
        tracking_number: ['shipped', 'delivered'].includes(status) ? '80012345678901' : null,
        shipped_at: ['shipped', 'delivered'].includes(status) ? created : null,
        short_reason: null,
        lines: rows,
        units,
        packed: rows.reduce((s, l) => s + l.packed, 0),
        goods_total_minor: goods,
        total_minor: goods + deliveryCost,
        events: [
          {
            at: created,
            user: 'import',
            station: 'shop',
            kind: 'order_created',
            before: null,
            after: { status: 'new' },
          },
        ],
        scans: [],
      };
      if (status !== 'new') {
        detail.events.push({
          at: new Date(now - (hours - 0.5) * 3600_000).toISOString(),
          user: 'Ирина',
          station: 'Офис',
          kind: 'status_changed',
          before: { status: 'new' },
          after: { status: status === 'cancelled' ? 'cancelled' : 'confirmed' },
        });
      }
      this.orders.set(number, { detail, accepted: [], results: new Map() });
    });
    return { products: PRODUCTS.length, orders: SEEDS.length };
  }

  order(number: string): FakeOrder {
    const o = this.orders.get(String(number));
    if (!o) fail('not_found', `order ${number} not found`);
    return o;
  }

  event(o: FakeOrder, kind: string, before: unknown, after: unknown) {
    const e: EventView = {
      at: new Date().toISOString(),
      user: this.settings.user,
      station: this.settings.station,
      kind,
      before,
      after,
    };
    o.detail.events.push(e);
  }

  setStatus(o: FakeOrder, status: OrderStatus) {
    const before = o.detail.status;
    o.detail.status = status;
    o.detail.status_changed_at = new Date().toISOString();
    this.event(o, 'status_changed', { status: before }, { status });
  }

  changed(numbers: string[]) {
    setTimeout(() => this.listeners.forEach((cb) => cb({ numbers })), 0);
  }

  summary(o: OrderDetail): OrderSummary {
    const ageH = (Date.now() - new Date(o.created_at).getTime()) / 3600_000;
    return {
      number: o.number,
      status: o.status,
      customer_name: o.customer_name,
      channel: o.channel,
      delivery_method: o.delivery_method,
      created_at: o.created_at,
      units: o.units,
      packed: o.packed,
      total_minor: o.total_minor,
      currency: o.currency,
      claimed_station: o.claimed_station,
      overdue: ageH > 48 && ['new', 'confirmed', 'picking', 'packing', 'ready'].includes(o.status),
    };
  }

  listOrders(a: { status?: OrderStatus; search?: string; limit?: number }): OrderSummary[] {
    const q = (a.search ?? '').trim().toLowerCase();
    return [...this.orders.values()]
      .map((o) => o.detail)
      .filter((o) => !a.status || o.status === a.status)
      .filter(
        (o) =>
          !q ||
          o.number.includes(q) ||
          o.customer_name.toLowerCase().includes(q) ||
          o.phone.replace(/\D/g, '').includes(q.replace(/\D/g, '') || '\u0000') ||
          o.lines.some((l) => l.sku.toLowerCase().includes(q)),
      )
      .sort((x, y) => x.created_at.localeCompare(y.created_at))
      .slice(0, a.limit ?? 200)
      .map((o) => this.summary(o));
  }

  statusCounts(): StatusCount[] {
    return ORDER_STATUSES.map((status) => {
      const all = this.listOrders({ status, limit: 1e9 });
      return { status, count: all.length, overdue: all.filter((o) => o.overdue).length };
    }).filter((c) => c.count > 0);
  }

  findOrder(code: string): string | null {
    const m = /^(?:#|ORD-?|PB-ORDER-)?(\d{3,})$/i.exec(code.trim());
    const n = m?.[1];
    return n && this.orders.has(n) ? n : null;
  }

  claim(number: string): OrderDetail {
    const o = this.order(number);
    const d = o.detail;
    if (d.claimed_station && d.claimed_station !== this.settings.station) {
      fail('conflict', `order ${number} is being packed at ${d.claimed_station}`);
    }
    if (!['confirmed', 'picking', 'packing', 'ready'].includes(d.status)) {
      fail('invalid_transition', `order ${number} is ${d.status} and cannot be packed`);
    }
    if (d.claimed_station !== this.settings.station) {
      d.claimed_station = this.settings.station;
      d.claimed_by = this.settings.user;
      this.event(o, 'claimed', null, { station: this.settings.station });
    }
    if (d.status !== 'packing' && d.status !== 'ready') this.setStatus(o, 'packing');
    this.changed([number]);
    return structuredClone(d);
  }

  productByCode(code: string): Product | undefined {
    const c = code.trim().toUpperCase();
    return PRODUCTS.find((p) => p.barcode === c || p.sku === c);
  }

  recordScan(number: string, code: string, scanId: string): ScanResult {
    const o = this.order(number);
    const d = o.detail;
    const seen = o.results.get(scanId);
    if (seen) return { ...seen, duplicate: true };
    const base = { code, scan_id: scanId, duplicate: false };
    let r: ScanResult;
    if (d.claimed_station !== this.settings.station || d.status !== 'packing') {
      r = {
        ...base,
        outcome: 'not_claimed',
        held_by: d.claimed_station,
        message: `order ${number} is not claimed by this station`,
      };
    } else if (/^\d{8}$|^\d{12,14}$/.test(code) && !validGtin(code)) {
      r = {
        ...base,
        outcome: 'invalid_barcode',
        reason: 'check digit does not match',
        message: `${code}: check digit does not match`,
      };
    } else {
      const p = this.productByCode(code);
      const line = p && d.lines.find((l) => l.product_id === p.id);
      if (!p) {
        r = { ...base, outcome: 'unknown_barcode', message: `no product has barcode ${code}` };
      } else if (!line) {
        r = {
          ...base,
          outcome: 'wrong_item',
          sku: p.sku,
          name: p.name,
          message: `${p.name} is not in order ${number}`,
        };
      } else if (line.packed >= line.quantity) {
        r = {
          ...base,
          outcome: 'over_scan',
          line_id: line.id,
          sku: line.sku,
          name: line.name,
          units: 1,
          packed: line.packed,
          ordered: line.quantity,
          message: `${line.name}: all ${line.quantity} already packed`,
        };
      } else {
        line.packed += 1;
        d.packed += 1;
        o.accepted.push({ line_id: line.id, code, units: 1 });
        r = {
          ...base,
          outcome: 'accepted',
          line_id: line.id,
          sku: line.sku,
          name: line.name,
          units: 1,
          packed: line.packed,
          ordered: line.quantity,
          order_complete: d.packed >= d.units,
          message: `${line.name}: ${line.packed} of ${line.quantity}`,
        };
      }
    }
    o.results.set(scanId, r);
    const scan: ScanView = {
      at: new Date().toISOString(),
      user: this.settings.user,
      station: this.settings.station,
      code,
      outcome: r.outcome,
      units: r.outcome === 'accepted' ? 1 : 0,
    };
    d.scans.push(scan);
    if (r.outcome === 'accepted') this.changed([number]);
    return r;
  }

  undo(number: string): UndoResult {
    const o = this.order(number);
    const last = o.accepted.pop();
    if (!last) fail('not_found', `nothing to undo on order ${number}`);
    const line = o.detail.lines.find((l) => l.id === last.line_id)!;
    line.packed -= last.units;
    o.detail.packed -= last.units;
    this.event(o, 'scan_undone', { packed: line.packed + last.units }, { packed: line.packed });
    this.changed([number]);
    return {
      code: last.code,
      line_id: line.id,
      sku: line.sku,
      units: last.units,
      packed: line.packed,
      ordered: line.quantity,
    };
  }

  finish(number: string, shortReason?: string): OrderDetail {
    const o = this.order(number);
    const d = o.detail;
    if (d.status !== 'packing') fail('invalid_transition', `order ${number} is ${d.status}`);
    if (d.packed < d.units && !shortReason?.trim()) {
      fail('refused', `${d.units - d.packed} units are not packed: give a reason to ship short`);
    }
    d.short_reason = d.packed < d.units ? shortReason!.trim() : null;
    this.setStatus(o, 'ready');
    this.changed([number]);
    if (this.print.auto_print) this.printAfterPack(number);
    return structuredClone(d);
  }

  release(number: string): OrderDetail {
    const o = this.order(number);
    o.detail.claimed_station = null;
    o.detail.claimed_by = null;
    this.event(o, 'released', { station: this.settings.station }, null);
    this.changed([number]);
    return structuredClone(o.detail);
  }

  ship(number: string, carrier: string, tracking: string): OrderDetail {
    const o = this.order(number);
    const d = o.detail;
    if (d.status !== 'ready') fail('invalid_transition', `order ${number} is ${d.status}`);
    if (!tracking.trim()) fail('invalid', 'tracking number is empty');
    d.carrier = carrier;
    d.tracking_number = tracking;
    d.shipped_at = new Date().toISOString();
    d.claimed_station = null;
    d.claimed_by = null;
    this.setStatus(o, 'shipped');
    this.changed([number]);
    return structuredClone(d);
  }

  createPickList(a: { orders?: string[]; next?: number }): PickList {
    const chosen = a.orders?.length
      ? a.orders.map((n) => this.order(n))
      : this.listOrders({ status: 'confirmed', limit: a.next ?? 10 }).map((s) =>
          this.order(s.number),
        );
    for (const o of chosen) {
      if (o.detail.status !== 'confirmed') {
        fail('invalid_transition', `order ${o.detail.number} is ${o.detail.status}`);
      }
    }
    if (chosen.length === 0) fail('invalid', 'no confirmed orders to pick');
    const byProduct = new Map<number, PickLine>();
    for (const o of chosen) {
      for (const l of o.detail.lines) {
        const p = this.product(l.product_id!);
        const line = byProduct.get(p.id) ?? {
          id: this.nextLineId++,
          bin: p.bin,
          sku: p.sku,
          name: p.name,
          barcode: p.barcode,
          quantity: 0,
          picked: 0,
          short: 0,
          short_reason: null,
          orders: [],
        };
        line.quantity += l.quantity;
        line.orders.push(o.detail.number);
        byProduct.set(p.id, line);
      }
      this.setStatus(o, 'picking');
    }
    const list: PickList = {
      id: this.pickLists.length + 1,
      status: 'open',
      created_at: new Date().toISOString(),
      created_by: this.settings.user,
      orders: chosen.map((o) => o.detail.number),
      lines: [...byProduct.values()].sort((x, y) => natural(x.bin, y.bin)),
    };
    this.pickLists.push({ list, scanIds: new Set() });
    this.changed(list.orders);
    return structuredClone(list);
  }

  pickList(id: number): FakePickList {
    const p = this.pickLists.find((x) => x.list.id === Number(id));
    if (!p) fail('not_found', `pick list ${id} not found`);
    return p;
  }

  pickSummaries(): PickListSummary[] {
    return this.pickLists
      .filter((p) => p.list.status === 'open')
      .map(({ list }) => ({
        id: list.id,
        status: list.status,
        created_at: list.created_at,
        created_by: list.created_by,
        orders: list.orders.length,
        lines: list.lines.length,
        units: list.lines.reduce((s, l) => s + l.quantity, 0),
        picked: list.lines.reduce((s, l) => s + l.picked, 0),
      }));
  }

  pickScan(id: number, bin: string | undefined, code: string): PickScanResult {
    const { list } = this.pickList(id);
    const c = code.trim().toUpperCase();
    const base = { code, message: '' };
    const binLine = list.lines.find((l) => l.bin.toUpperCase() === c);
    if (binLine) return { ...base, outcome: 'bin_confirmed', bin: binLine.bin };
    if (/^\d{8}$|^\d{12,14}$/.test(c) && !validGtin(c)) {
      return { ...base, outcome: 'invalid_barcode', reason: 'check digit does not match' };
    }
    const p = this.productByCode(c);
    if (!p) return { ...base, outcome: 'unknown_barcode' };
    const line = list.lines.find((l) => l.sku === p.sku);
    if (!line) return { ...base, outcome: 'not_in_list', sku: p.sku, name: p.name };
    if (!bin) return { ...base, outcome: 'scan_bin_first' };
    if (line.bin !== bin) {
      return { ...base, outcome: 'wrong_bin', sku: p.sku, name: p.name, expected_bin: line.bin };
    }
    if (line.picked + line.short >= line.quantity) {
      return {
        ...base,
        outcome: 'over_pick',
        line_id: line.id,
        sku: line.sku,
        picked: line.picked,
        quantity: line.quantity,
      };
    }
    line.picked += 1;
    return {
      ...base,
      outcome: 'picked',
      line_id: line.id,
      sku: line.sku,
      name: line.name,
      bin: line.bin,
      picked: line.picked,
      quantity: line.quantity,
      list_complete: list.lines.every((l) => l.picked + l.short >= l.quantity),
    };
  }

  // ---- documents and printing ------------------------------------------

  checkKey(kind: DocumentKind, key: DocumentKey) {
    const perOrder = kind === 'invoice' || kind === 'packing_slip' || kind === 'label';
    if (key.type === 'order' && perOrder) this.order(key.number);
    else if (key.type === 'pick_list' && kind === 'pick_list') this.pickList(key.id);
    else if (key.type === 'manifest' && kind === 'manifest') {
      if (!key.carrier.trim()) fail('invalid', 'choose a carrier for the manifest');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(key.date)) fail('invalid', `${key.date} is no date`);
    } else fail('invalid', `a ${kind.replace('_', ' ')} is not found by a ${key.type} key`);
  }

  enqueue(kind: DocumentKind, key: DocumentKey): PrintJob {
    this.checkKey(kind, key);
    const s = this.print[kind];
    const now = new Date().toISOString();
    const job: PrintJob = {
      id: this.nextJobId++,
      kind,
      key: structuredClone(key),
      format: s.format,
      paper: s.paper,
      dpi: s.dpi,
      lang: s.lang,
      printer: s.printer,
      status: 'queued',
      message: '',
      cups_job: null,
      attempts: 0,
      created_at: now,
      updated_at: now,
      station: this.settings.station,
      user: this.settings.user,
    };
    this.jobs.push(job);
    return job;
  }

  // What lp would do: a stopped or missing printer fails the job.
  send(job: PrintJob): PrintJob {
    job.updated_at = new Date().toISOString();
    if (!job.printer) {
      job.status = 'queued';
      job.message = `no printer is chosen for the ${job.kind.replace('_', ' ')}; choose one in the station's print settings, then print it again`;
      return structuredClone(job);
    }
    job.attempts += 1;
    const printer = this.printers.find((p) => p.name === job.printer);
    if (!printer) {
      job.status = 'failed';
      job.message = `lp: The printer or class ${job.printer} does not exist.`;
    } else if (printer.state === 'stopped') {
      job.status = 'failed';
      job.message = `printer ${printer.name} is stopped: ${printer.message}`;
    } else {
      job.cups_job = `${printer.name}-${++this.cupsSeq}`;
      job.status = 'sent';
      job.message = `sent to ${printer.name} as ${job.cups_job}`;
    }
    if (job.key.type === 'order') {
      const o = this.orders.get(job.key.number);
      if (o) {
        this.event(o, job.status === 'sent' ? 'printed' : 'print_failed', null, {
          job: job.id,
          document: job.kind,
          printer: job.printer,
          status: job.status,
          message: job.message,
        });
        this.changed([job.key.number]);
      }
    }
    return structuredClone(job);
  }

  // Like the shell: after finish_packing has answered, the invoice and the
  // label go to their printers; the outcome arrives as orders-changed.
  printAfterPack(number: string) {
    const key: DocumentKey = { type: 'order', number };
    const jobs = [this.enqueue('invoice', key), this.enqueue('label', key)];
    this.changed([number]);
    setTimeout(() => jobs.forEach((j) => this.send(j)), 1500);
  }

  retry(id: number, printer: string | undefined): PrintJob {
    const job = this.jobs.find((j) => j.id === id);
    if (!job) fail('not_found', `print job ${id} not found`);
    if (printer?.trim()) job.printer = printer.trim();
    job.status = 'queued';
    return this.send(job);
  }

  preview(kind: DocumentKind, key: DocumentKey, given?: DocumentSettings): DocumentPreview {
    this.checkKey(kind, key);
    const s = given ?? this.print[kind];
    checkDocument(kind, s);
    const what =
      key.type === 'order' ? key.number : key.type === 'pick_list' ? String(key.id) : key.date;
    const lines = this.documentLines(kind, key);
    const perPage = kind === 'label' ? Infinity : 18;
    const pageCount = Math.max(1, Math.ceil(lines.rows.length / perPage));
    const pages: string[] = [];
    for (let i = 0; i < Math.min(pageCount, 10); i++) {
      pages.push(
        fakePage({
          kind,
          paper: s.paper,
          lang: s.lang,
          title: lines.title,
          subtitle: lines.subtitle,
          rows: kind === 'label' ? lines.rows : lines.rows.slice(i * perPage, (i + 1) * perPage),
          barcode: kind === 'label' ? what : null,
          page: i + 1,
          pages: pageCount,
          seller: this.seller.name,
        }),
      );
    }
    const zpl = s.format === 'zpl' ? fakeZpl(lines.title, lines.rows, what, s.dpi) : null;
    return {
      kind,
      format: s.format,
      paper: s.paper,
      bytes: zpl ? new TextEncoder().encode(zpl).length : 9000 + pageCount * 3100,
      pages,
      page_count: pageCount,
      zpl,
      file_name: `${kind.replace('_', '-')}-${what}.${s.format}`,
    };
  }

  // The words a fake page shows: good enough to tell documents apart.
  documentLines(
    kind: DocumentKind,
    key: DocumentKey,
  ): { title: string; subtitle: string; rows: string[] } {
    if (key.type === 'order') {
      const d = this.order(key.number).detail;
      return {
        title: `${kind === 'label' ? d.delivery_method : kind === 'invoice' ? 'Счёт' : 'Упаковочный лист'} № ${d.number}`,
        subtitle: `${d.customer_name}, ${d.shipping_address}`,
        rows:
          kind === 'label'
            ? [d.customer_name, d.shipping_address, d.phone, `${d.units} шт.`]
            : d.lines.map((l) => `${l.sku}  ${l.name}  × ${l.quantity}`),
      };
    }
    if (key.type === 'pick_list') {
      const { list } = this.pickList(key.id);
      return {
        title: `Лист сборки № ${list.id}`,
        subtitle: `${list.orders.length} заказов · ${list.created_by}`,
        rows: list.lines.map((l) => `${l.bin}  ${l.sku}  ${l.name}  × ${l.quantity}`),
      };
    }
    const shipped = [...this.orders.values()]
      .map((o) => o.detail)
      .filter((d) => d.carrier === key.carrier && d.shipped_at?.startsWith(key.date));
    return {
      title: `Реестр · ${key.carrier}`,
      subtitle: key.date,
      rows: shipped.length
        ? shipped.map((d) => `${d.number}  ${d.customer_name}  ${d.tracking_number ?? ''}`)
        : ['Отправлений за этот день нет'],
    };
  }

  saveSeller(next: Seller): Seller {
    if (this.info.role !== 'supervisor' && this.info.role !== 'admin') {
      fail('forbidden', "changing the seller's details needs a supervisor or an admin");
    }
    checkSeller(next);
    this.seller = { ...next };
    return { ...this.seller };
  }

  testDatabase(database: string): DbTest {
    const db = database.trim();
    if (db === '') return { ok: true, engine: 'SQLite', message: 'the local file opens' };
    if (/^postgres(ql)?:\/\//.test(db)) {
      return {
        ok: false,
        engine: null,
        message: 'the browser preview cannot reach a PostgreSQL server',
      };
    }
    return { ok: true, engine: 'SQLite', message: `${db} opens` };
  }

  invoke(cmd: string, a: Record<string, unknown>): unknown {
    const s = (k: string) => String(a[k] ?? '');
    switch (cmd) {
      case 'app_info':
        return this.appInfo();
      case 'load_demo':
        if (this.orders.size > 0) fail('conflict', 'the database already has orders');
        return this.loadDemo();
      case 'list_orders':
        return this.listOrders(a);
      case 'status_counts':
        return this.statusCounts();
      case 'order_detail':
        return structuredClone(this.order(s('number')).detail);
      case 'find_order':
        return this.findOrder(s('code'));
      case 'confirm_order': {
        const o = this.order(s('number'));
        if (o.detail.status !== 'new') {
          fail('invalid_transition', `order ${o.detail.number} is ${o.detail.status}`);
        }
        this.setStatus(o, 'confirmed');
        o.detail.payment_status = 'paid';
        this.changed([o.detail.number]);
        return structuredClone(o.detail);
      }
      case 'claim_order':
        return this.claim(s('number'));
      case 'record_scan':
        return this.recordScan(s('number'), s('code'), s('scanId'));
      case 'undo_last_scan':
        return this.undo(s('number'));
      case 'finish_packing':
        return this.finish(s('number'), a.shortReason as string | undefined);
      case 'release_claim':
        return this.release(s('number'));
      case 'ship_order':
        return this.ship(s('number'), s('carrier'), s('tracking'));
      case 'carriers':
        return [...CARRIERS];
      case 'create_pick_list':
        return this.createPickList(a as { orders?: string[]; next?: number });
      case 'open_pick_lists':
        return this.pickSummaries();
      case 'pick_list':
        return structuredClone(this.pickList(Number(a.id)).list);
      case 'pick_scan':
        return this.pickScan(Number(a.id), a.bin as string | undefined, s('code'));
      case 'short_pick': {
        const { list } = this.pickList(Number(a.id));
        const line = list.lines.find((l) => l.id === Number(a.lineId));
        if (!line) fail('not_found', `no line ${String(a.lineId)}`);
        if (!s('reason').trim()) fail('invalid', 'a short pick needs a reason');
        line.short = line.quantity - line.picked;
        line.short_reason = s('reason');
        return structuredClone(list);
      }
      case 'complete_pick_list': {
        const { list } = this.pickList(Number(a.id));
        list.status = 'done';
        return structuredClone(list);
      }
      case 'get_settings':
        return { ...this.settings };
      case 'save_settings':
        this.settings = { ...(a.settings as Settings) };
        return this.appInfo();
      case 'test_database':
        return this.testDatabase(s('database'));
      case 'print_settings':
        return structuredClone(this.print);
      case 'save_print_settings': {
        const next = a.settings as PrintSettings;
        for (const kind of ['invoice', 'packing_slip', 'label', 'pick_list', 'manifest'] as const) {
          checkDocument(kind, next[kind]);
        }
        this.print = structuredClone(next);
        return structuredClone(this.print);
      }
      case 'list_printers':
        return structuredClone(this.printers);
      case 'print_jobs':
        return structuredClone([...this.jobs].reverse().slice(0, Number(a.limit ?? 100)));
      case 'order_print_jobs':
        return structuredClone(
          this.jobs.filter((j) => j.key.type === 'order' && j.key.number === s('number')).reverse(),
        );
      case 'retry_print_job':
        return this.retry(Number(a.id), a.printer as string | undefined);
      case 'print_order_documents': {
        const key: DocumentKey = { type: 'order', number: s('number') };
        return [this.enqueue('invoice', key), this.enqueue('label', key)].map((j) => this.send(j));
      }
      case 'print_document':
        return this.send(this.enqueue(a.kind as DocumentKind, a.key as DocumentKey));
      case 'preview_document':
        return this.preview(
          a.kind as DocumentKind,
          a.key as DocumentKey,
          a.settings as DocumentSettings | undefined,
        );
      case 'seller':
        return { ...this.seller };
      case 'save_seller':
        return this.saveSeller(a.seller as Seller);
      default:
        fail('ipc', `command ${cmd} not found`);
    }
  }
}

let warehouse: FakeWarehouse | null = null;

function instance(): FakeWarehouse {
  warehouse ??= new FakeWarehouse(
    new URLSearchParams(typeof location !== 'undefined' ? location.search : ''),
  );
  return warehouse;
}

/** Answers one command like the shell would, after a realistic short delay. */
export async function invoke(cmd: string, args: Record<string, unknown>): Promise<unknown> {
  await new Promise((r) => setTimeout(r, 15));
  return instance().invoke(cmd, args);
}

export function onOrdersChanged(cb: (e: OrdersChanged) => void): () => void {
  const w = instance();
  w.listeners.add(cb);
  return () => w.listeners.delete(cb);
}

/** For the preview: the barcodes that exist, so a demo can scan them. */
export function demoBarcodes(): { sku: string; barcode: string; bin: string }[] {
  return PRODUCTS.map(({ sku, barcode, bin }) => ({ sku, barcode, bin }));
}
