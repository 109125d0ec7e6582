// Import, customer mail and the outbox walked as they were recorded from the
// real commands (src/fixtures/import.json, mail.json and outbox.json): the
// screens show core's own replies, and a test checks what a person at the
// station sees and what the screen sends. How they are reached, and who is
// offered them, is in messages.test.ts.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Import from './Import.svelte';
import Outbox from './Outbox.svelte';
import OrderView from './OrderView.svelte';
import CustomerMail from '../components/CustomerMail.svelte';
import { setLanguage } from '../lib/locale.svelte';
import type { ImportPreview, ImportSource, ImportSummary, OrderDetail } from '../lib/bindings';
import { endReplay, flow, replay, reply, signInAs } from '../test/backend';
import type { Backend, Call } from '../test/backend';
import { $, type, choose } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

function show<P extends Record<string, unknown>>(component: never, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(component, { target, props }));
  flushSync();
  return target;
}

function drop(root: HTMLElement) {
  const i = mounted.length - 1;
  void unmount(mounted.splice(i, 1)[0]!);
  root.remove();
}

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  endReplay();
});

const all = (root: ParentNode, testid: string) => [
  ...root.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`),
];

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim();

function click(el: HTMLElement | null) {
  expect(el, 'the button is on screen').not.toBeNull();
  el!.click();
  flushSync();
}

// A template's preview follows the typing after a 300 ms pause: room for it
// on a busy machine.
async function until(check: () => void) {
  await vi.waitFor(
    () => {
      flushSync();
      check();
    },
    { timeout: 3000 },
  );
}

const asked = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);

describe('an import of a Shopify export (import.json: Ирина, an admin)', () => {
  // The file as the recording sent it; the test chooses the same bytes.
  const source = flow('import').steps.find((s) => s.cmd === 'preview_import')!.args
    .source as ImportSource;
  const bytes = Uint8Array.from(atob(source.content_base64!), (c) => c.charCodeAt(0));

  /** The import screen with orders_export.csv chosen and core's preview on show. */
  async function previewed(
    onImported: (s: ImportSummary) => void = () => {},
  ): Promise<{ b: Backend; root: HTMLElement }> {
    const b = replay('import');
    const root = show(Import as never, { onClose: () => {}, onImported });
    const input = $(root, 'import-file') as HTMLInputElement;
    Object.defineProperty(input, 'files', {
      value: [new File([bytes], source.name!, { type: 'text/csv' })],
      configurable: true,
    });
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => expect($(root, 'import-preview-table')).not.toBeNull());
    return { b, root };
  }

  /** The SKU field read from the column «Артикул», and core's new preview on show. */
  async function mapped(root: HTMLElement) {
    const sku = root.querySelector<HTMLElement>(
      '[data-testid="import-field"][data-field="lineitem sku"] [data-testid="import-field-select"]',
    );
    choose(sku, 'Артикул');
    await until(() => expect($(root, 'import-items')?.dataset.items).toBe('2'));
  }

  it('shows the file’s columns and first rows as written, and why it cannot be imported yet', async () => {
    const { b, root } = await previewed();
    expect(asked(b.calls, 'preview_import')).toEqual([{ source, kind: 'shopify', mapping: null }]);
    expect(text($(root, 'import-file-name'))).toBe('orders_export.csv');
    expect(text($(root, 'import-encoding'))).toBe('Кодировка: UTF-8');

    const table = $(root, 'import-preview-table')!;
    const headers = [...table.querySelectorAll('thead th')].map((th) => text(th));
    expect(headers.slice(0, 3)).toEqual(['№', 'Name → name', 'Email']);
    expect(headers, 'a column no field is read from is shown as written').toContain('Артикул');
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => text(td)),
    );
    expect(rows, 'every row of the small file').toHaveLength(4);
    expect(rows[0]!.slice(0, 2)).toEqual(['1', '#5001']);
    expect(rows[0]).toContain('Зайцева Екатерина');
    expect(rows[0]).toContain('Кружка «Утро» 250 мл');
    expect(rows[2]).toContain('Соколов Дмитрий');
    expect(rows[3], 'the bad quantity is shown as typed').toContain('два');

    // Core found no column for a required field: it says so, nothing can go.
    const fileError = text($(root, 'import-file-error'));
    expect(fileError).toContain('Файл нельзя импортировать с такими столбцами');
    expect(fileError).toContain('no "Lineitem sku" column');
    const sku = root.querySelector<HTMLElement>(
      '[data-testid="import-field"][data-field="lineitem sku"]',
    )!;
    expect(
      sku.classList.contains('missing'),
      'the required field without a column stands out',
    ).toBe(true);
    expect(
      (sku.querySelector('[data-testid="import-field-select"]') as HTMLSelectElement).value,
    ).toBe('');
    expect(text($(root, 'import-items'))).toBe('Будет импортировано заказов: 0');
    expect(($(root, 'import-go') as HTMLButtonElement).disabled).toBe(true);
  });

  it('reads the file again with a field moved to another column, and then offers the import', async () => {
    const { b, root } = await previewed();
    await mapped(root);
    expect(asked(b.calls, 'preview_import')[1]).toEqual({
      source,
      kind: 'shopify',
      mapping: [
        ['name', 'Name'],
        ['currency', 'Currency'],
        ['lineitem quantity', 'Lineitem quantity'],
        ['lineitem price', 'Lineitem price'],
        ['lineitem sku', 'Артикул'],
      ],
    });
    expect($(root, 'import-file-error'), 'the file can be imported now').toBeNull();
    const headers = [...$(root, 'import-preview-table')!.querySelectorAll('thead th')].map((th) =>
      text(th),
    );
    expect(headers).toContain('Артикул → lineitem sku');
    expect(text($(root, 'import-items'))).toBe('Будет импортировано заказов: 2');

    // The row core cannot take, by its number in the file and its order.
    const errors = $(root, 'import-errors')!;
    expect(errors.dataset.count).toBe('1');
    expect(text(errors)).toContain('Строк с ошибками: 1');
    const row = errors.querySelector<HTMLElement>('li')!;
    expect(row.dataset.row).toBe('4');
    expect(text(row)).toBe(
      'Строка 4, заказ 5003: Lineitem quantity "два" is not a whole number; write the quantity in digits, like 2',
    );
    const go = $(root, 'import-go') as HTMLButtonElement;
    expect(go.disabled).toBe(false);
    expect(text(go)).toContain('Импортировать (2)');
  });

  it('imports with the columns as mapped, lists the bad row by its number, and saves the report', async () => {
    const onImported = vi.fn();
    const { b, root } = await previewed(onImported);
    await mapped(root);
    click($(root, 'import-go'));
    await until(() => expect($(root, 'import-summary')).not.toBeNull());

    const preview = flow('import').steps.filter((s) => s.cmd === 'preview_import')[1]!
      .ok as ImportPreview;
    expect(asked(b.calls, 'import_file')).toEqual([
      {
        source,
        kind: 'shopify',
        // Every field core's last preview reads from a column, «Артикул» too.
        mapping: preview.fields.filter((f) => f.header).map((f) => [f.field, f.header]),
      },
    ]);
    expect(asked(b.calls, 'import_file')[0]!.mapping).toContainEqual(['lineitem sku', 'Артикул']);
    expect(onImported, 'the orders behind are read again').toHaveBeenCalledWith(
      reply<ImportSummary>('import', 'import_file'),
    );
    const summary = $(root, 'import-summary')!;
    expect(summary.dataset).toMatchObject({ imported: '2', failed: '1', warnings: '1' });
    expect(text(summary)).toContain('Импорт завершён');
    expect(text($(root, 'import-summary-errors'))).toBe(
      'Строка 4, заказ 5003: Lineitem quantity "два" is not a whole number; write the quantity in digits, like 2',
    );
    expect(text($(root, 'import-summary-warnings'))).toBe(
      'Строка 3, заказ 5002: SKU PB-9001 is not a known product; the order waits until the product is imported',
    );

    click($(root, 'import-report-save'));
    await until(() => expect($(root, 'import-report-path')).not.toBeNull());
    expect(asked(b.calls, 'save_import_report')).toEqual([
      { summary: reply<ImportSummary>('import', 'import_file') },
    ]);
    expect(text($(root, 'import-report-path'))).toBe(
      '/home/anna/.local/share/packbench/Downloads/packbench-import-report-20261123-070004.csv',
    );
    expect(text(summary)).toContain('Отчёт сохранён');
  });

  it('says it in English too: the columns missing, the count, the numbered row', async () => {
    setLanguage('en');
    const { root } = await previewed();
    expect(text($(root, 'import-file-error'))).toContain(
      'The file cannot be imported with these columns',
    );
    await mapped(root);
    expect(text($(root, 'import-items'))).toBe('Orders to import: 2');
    click($(root, 'import-go'));
    await until(() => expect($(root, 'import-summary')).not.toBeNull());
    expect(text($(root, 'import-summary'))).toContain('Import finished');
    expect(text($(root, 'import-summary-errors'))).toMatch(/^Row 4, order 5003: Lineitem quantity/);
  });
});

describe('the settings’ mail to customers (mail.json: Ирина, an admin)', () => {
  async function mailSection(): Promise<{ b: Backend; root: HTMLElement }> {
    const b = replay('mail');
    const root = show(CustomerMail as never, {});
    await until(() => expect($(root, 'mail-save')).not.toBeNull());
    return { b, root };
  }

  const field = (root: ParentNode, testid: string) => $(root, testid) as HTMLInputElement;

  const carrierRow = (root: ParentNode, code: string) =>
    root.querySelector<HTMLElement>(`[data-testid="carrier-row"][data-code="${code}"]`)!;

  it('shows the server as core keeps it, every carrier with its link, and a text previewed', async () => {
    const { b, root } = await mailSection();
    expect(b.calls.map((c) => c.cmd).slice(0, 3)).toEqual([
      'mail_settings',
      'carrier_list',
      'templates',
    ]);
    expect(field(root, 'mail-enabled').checked, 'mail is off until someone turns it on').toBe(
      false,
    );
    expect(field(root, 'mail-host').value).toBe('');
    expect(field(root, 'mail-port').value).toBe('587');
    expect(text($(root, 'mail-password-state'))).toBe('пароль не сохранён');

    const codes = all(root, 'carrier-row').map((r) => r.dataset.code);
    expect(codes).toEqual([
      'cdek',
      'russian_post',
      'boxberry',
      'dpd',
      'yandex',
      'dellin',
      'dhl',
      'ups',
      'pickup',
    ]);
    const cdek = carrierRow(root, 'cdek');
    expect((cdek.querySelector('[data-testid="carrier-name"]') as HTMLInputElement).value).toBe(
      'СДЭК',
    );
    expect(text(cdek), 'the link with a sample number').toContain(
      'https://www.cdek.ru/ru/tracking?order_id=1234567890',
    );

    // The confirmation in Russian (the customers' language), with a sample.
    expect(field(root, 'template-subject').value).toBe('Заказ {number} подтверждён');
    expect(text($(root, 'template-state'))).toBe('стандартный текст');
    await until(() =>
      expect(text($(root, 'template-preview-subject'))).toBe('Заказ 1001 подтверждён'),
    );
    expect($(root, 'template-preview-body')?.textContent).toMatch(
      /^Здравствуйте, Мария Иванова!\n\nВаш заказ 1001 на сумму 1\s590,00\s₽ подтверждён/,
    );
  });

  it('saves a server on this computer without a login, and shows it when opened again', async () => {
    const { b, root } = await mailSection();
    click($(root, 'mail-enabled'));
    type($(root, 'mail-host'), '127.0.0.1');
    choose($(root, 'mail-security'), 'none');
    expect(field(root, 'mail-port').value, 'the usual port of no protection').toBe('25');
    type($(root, 'mail-port'), '2525');
    type($(root, 'mail-from'), 'shop@example.com');
    type($(root, 'mail-from-name'), 'Пакбенч');
    click($(root, 'mail-save'));
    await until(() => expect($(root, 'mail-message')).not.toBeNull());

    expect(asked(b.calls, 'save_mail_settings')).toEqual([
      {
        settings: {
          enabled: true,
          host: '127.0.0.1',
          port: 2525,
          security: 'none',
          user: '',
          from_address: 'shop@example.com',
          from_name: 'Пакбенч',
          lang: 'ru',
          events: [
            'confirmed',
            'back_ordered',
            'packed',
            'shipped',
            'at_pickup_point',
            'delivered',
            'purchase_order',
            'purchase_order_cancelled',
          ],
        },
        password: null,
      },
    ]);
    expect(text($(root, 'mail-message'))).toBe('✔ Настройки почты сохранены');

    // The settings opened again read the server core saved.
    drop(root);
    const again = show(CustomerMail as never, {});
    await until(() => expect(field(again, 'mail-host')?.value).toBe('127.0.0.1'));
    expect(field(again, 'mail-enabled').checked).toBe(true);
    expect(field(again, 'mail-port').value).toBe('2525');
    expect(($(again, 'mail-security') as HTMLSelectElement).value).toBe('none');
    expect(field(again, 'mail-user').value, 'no login').toBe('');
    expect(field(again, 'mail-from').value).toBe('shop@example.com');
  });

  it('previews a rewritten text in Russian, names a wrong placeholder in core’s words, and saves it', async () => {
    const { b, root } = await mailSection();
    const body =
      'Здравствуйте, {customer}!\n\nМы приняли ваш заказ {number} на сумму {total} и уже ' +
      'собираем его.\n\n{store}\n{store_phone}';
    type($(root, 'template-body'), body);
    type($(root, 'template-subject'), 'Заказ {nomer} принят');
    await until(() => expect($(root, 'template-preview-error')).not.toBeNull());
    expect(text($(root, 'template-preview-error'))).toMatch(
      /^✖ Неверные данные: subject: \{nomer\} is not a placeholder; use one of \{number\}/,
    );

    type($(root, 'template-subject'), 'Заказ {number} принят');
    await until(() => expect($(root, 'template-preview-error')).toBeNull());
    expect(text($(root, 'template-preview-subject'))).toBe('Заказ 1001 принят');
    expect($(root, 'template-preview-body')?.textContent).toMatch(
      /^Здравствуйте, Мария Иванова!\n\nМы приняли ваш заказ 1001 на сумму /,
    );

    // With a real order: its customer, total and the seller's name.
    type($(root, 'template-order'), '1001');
    await until(() =>
      expect($(root, 'template-preview-body')?.textContent).toContain(
        'Здравствуйте, Иванова Мария!',
      ),
    );
    expect($(root, 'template-preview-body')?.textContent).toContain('ООО «Пакбенч»');

    click($(root, 'template-save'));
    await until(() => expect($(root, 'template-message')).not.toBeNull());
    expect(asked(b.calls, 'save_template')).toEqual([
      { event: 'confirmed', lang: 'ru', subject: 'Заказ {number} принят', body, reset: false },
    ]);
    expect(text($(root, 'template-message'))).toBe('✔ Сохранено: Заказ подтверждён, Русский');
    expect(text($(root, 'template-state'))).toBe('✎ изменён магазином');
  });

  it('refuses a tracking link without {tracking} in core’s words, and saves it with one', async () => {
    const { b, root } = await mailSection();
    const yandex = () => carrierRow(root, 'yandex');
    const url = () => yandex().querySelector<HTMLElement>('[data-testid="carrier-url"]');
    const save = () => yandex().querySelector<HTMLElement>('[data-testid="carrier-save"]');
    expect((save() as HTMLButtonElement).disabled, 'nothing changed yet').toBe(true);

    type(url(), 'https://dostavka.yandex.ru/route/');
    click(save());
    await until(() =>
      expect(yandex().querySelector('[data-testid="carrier-message"]')).not.toBeNull(),
    );
    expect(text(yandex().querySelector('[data-testid="carrier-message"]'))).toBe(
      '✖ Неверные данные: the tracking link needs {tracking} where the number goes',
    );

    type(url(), 'https://dostavka.yandex.ru/route/{tracking}');
    click(save());
    await until(() =>
      expect(text(yandex().querySelector('[data-testid="carrier-message"]'))).toBe(
        '✔ Сохранено: Яндекс Доставка',
      ),
    );
    expect(asked(b.calls, 'save_carrier').at(-1)).toEqual({
      carrier: {
        code: 'yandex',
        name: 'Яндекс Доставка',
        tracking_url: 'https://dostavka.yandex.ru/route/{tracking}',
        tracking_pattern: '',
        active: true,
      },
    });
    expect(text(yandex())).toContain('https://dostavka.yandex.ru/route/1234567890');
    expect((save() as HTMLButtonElement).disabled, 'saved: nothing to save').toBe(true);
  });
});

describe('the outbox (outbox.json: Ольга, a supervisor, mail on at 127.0.0.1:2525)', () => {
  const serverSaid = 'Connection error: Connection refused (os error 111)';

  /** The outbox on show, empty; then order 1009 is shipped at Стол 1 and the list read again. */
  async function failedLetter(empty = 'Сообщений нет'): Promise<{ b: Backend; root: HTMLElement }> {
    const b = replay('outbox');
    const root = show(Outbox as never, { changes: { seq: 0, numbers: [] }, onOpenOrder: () => {} });
    await until(() => expect(text(root.querySelector('.empty'))).toBe(empty));
    expect($(root, 'outbox-mail-off'), 'mail is on').toBeNull();
    b.elsewhere();
    click($(root, 'outbox-refresh'));
    await until(() => expect(all(root, 'outbox-row')).toHaveLength(1));
    return { b, root };
  }

  it('lists a shipped order’s letter that failed, with the mail server’s words', async () => {
    const { b, root } = await failedLetter();
    expect(asked(b.calls, 'outbox').at(-1)).toEqual({ status: null, orderNumber: null });
    const row = all(root, 'outbox-row')[0]!;
    expect(row.dataset).toMatchObject({ status: 'failed', event: 'shipped', order: '1009' });
    expect(text(row)).toContain('Заказ отправлен');
    expect(text(row)).toContain('vladimir_volkov95@example.net');
    expect(text(row)).toContain('Заказ 1009 отправлен');
    expect(text(row.querySelector('.badge'))).toBe('⚠ Ошибка, повторим');
    expect(text($(row, 'outbox-error'))).toBe(`Ответ почтового сервера: ${serverSaid}`);
    expect(text($(row, 'outbox-next-attempt'))).toMatch(/^⏱ Следующая попытка: /);
    expect(text($(row, 'outbox-retry'))).toMatch(/^↻ Отправить снова/);
  });

  it('sends it again on a supervisor’s click: retry_message with its id, and it is queued', async () => {
    const { b, root } = await failedLetter();
    click($(root, 'outbox-retry'));
    await until(() => expect(all(root, 'outbox-row')[0]?.dataset.status).toBe('queued'));
    expect(asked(b.calls, 'retry_message')).toEqual([{ id: 1 }]);
    expect(text(root.querySelector('.notice'))).toBe(
      '✔ Письмо для vladimir_volkov95@example.net снова в очереди',
    );
    const row = all(root, 'outbox-row')[0]!;
    expect(text(row.querySelector('.badge'))).toContain('В очереди');
    expect($(row, 'outbox-retry'), 'a queued letter is not sent again by hand').toBeNull();
    expect($(row, 'outbox-next-attempt')).toBeNull();
  });

  it('says it in English too: the event, the state, the server’s words, Send again', async () => {
    setLanguage('en');
    const { root } = await failedLetter('No messages');
    const row = all(root, 'outbox-row')[0]!;
    expect(text(row)).toContain('Order shipped');
    expect(text(row.querySelector('.badge'))).toBe('⚠ Failed, will retry');
    expect(text($(row, 'outbox-error'))).toBe(`The mail server said: ${serverSaid}`);
    expect(text($(row, 'outbox-retry'))).toMatch(/^↻ Send again/);
  });

  it('shows a packer the failed letter but does not offer to send it again', async () => {
    const b = replay('outbox');
    signInAs('settings'); // Анна, a packer
    const root = show(Outbox as never, { changes: { seq: 0, numbers: [] }, onOpenOrder: () => {} });
    b.elsewhere();
    await until(() => expect(all(root, 'outbox-row')).toHaveLength(1));
    expect(text($(root, 'outbox-error'))).toContain(serverSaid);
    expect($(root, 'outbox-retry')).toBeNull();
  });

  it('shows the letter among the order’s messages, with the server’s words', async () => {
    const b = replay('outbox');
    b.elsewhere();
    const order = reply<OrderDetail>('outbox', 'order_detail');
    const root = show(OrderView as never, {
      order,
      onBack: () => {},
      onConfirm: () => {},
      onOpenAtPacking: () => {},
      onChanged: () => {},
    });
    await until(() => expect(all(root, 'order-message')).toHaveLength(1));
    expect(asked(b.calls, 'outbox')).toEqual([{ status: null, orderNumber: '1009' }]);
    const letter = all(root, 'order-message')[0]!;
    expect(letter.dataset).toMatchObject({ status: 'failed', event: 'shipped' });
    expect(text(letter)).toContain('Заказ отправлен');
    expect(text(letter)).toContain(serverSaid);
  });
});
