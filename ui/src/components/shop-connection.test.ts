// The shop connection in the settings, as a supervisor uses it, against
// replies recorded from the real core (src/test/backend.ts):
//
// shop-connection.json: a stock call to Shopify failed when the shop's API
// was disconnected, and a webhook that is not an order waits in the inbox.
// Стол 5 (Ольга, a supervisor) connects Shopify again (plain HTTP to the
// shop refused, this machine's loopback taken), sets a new webhook secret,
// retries the call, dismisses the kept delivery and sets the watched folder
// (a relative path refused).

import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ShopConnection from './ShopConnection.svelte';
import { setLanguage } from '../lib/locale.svelte';
import { endReplay, refusals, replay } from '../test/backend';
import { $, type, until } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  endReplay();
});

function show(): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(ShopConnection, { target, props: {} }));
  flushSync();
  return target;
}

const text = (root: HTMLElement, testid: string) => $(root, testid)?.textContent ?? '';
const click = (root: HTMLElement, testid: string) => {
  ($(root, testid) as HTMLButtonElement).click();
  flushSync();
};

const TOKEN = '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';
const SECRET = 'shpss_new-secret-of-the-shop-2026';

describe('the shop connection', () => {
  it('connects Shopify, sets its secret, retries the failed call, clears the inbox and sets the folder', async () => {
    const b = replay('shop-connection');
    const root = show();
    await until(() => expect($(root, 'shop-channel-shopify')).not.toBeNull());
    await until(() => expect($(root, 'shop-call-1')).not.toBeNull());
    await until(() => expect($(root, 'shop-delivery-1')).not.toBeNull());

    // What core keeps, as it shows it.
    expect(text(root, 'shop-api-state-shopify')).toContain('не подключён');
    expect($(root, 'shop-channel-woocommerce'), 'WooCommerce has its form').not.toBeNull();
    expect($(root, 'shop-api-form-web'), 'the web form has no shop API').toBeNull();
    expect(text(root, 'shop-secret-state-shopify')).toContain('e466d2fc');
    expect(text(root, 'shop-secret-state-web')).toContain('не задан');
    expect(text(root, 'shop-calls-counts')).toContain('ошибки 1');
    expect(text(root, 'shop-call-1'), 'the failed call names its product').toContain('PB-0001');
    expect(text(root, 'shop-call-error-1'), 'the reason in core’s words').toContain(
      'the shop API was disconnected before the call went',
    );
    expect(text(root, 'shop-delivery-reason-1')).toContain('the order has no currency');

    // Plain HTTP to the shop: core's refusal, in its words; the token stays
    // typed for the next try.
    type($(root, 'shop-url-shopify'), 'http://posuda-urala.myshopify.com');
    type($(root, 'shop-location-shopify'), '655441491');
    type($(root, 'shop-token-shopify'), TOKEN);
    click(root, 'shop-api-save-shopify');
    const [plain] = refusals('shop-connection', 'set_shop_api');
    await until(() => expect(text(root, 'shop-api-message-shopify')).toContain(plain!.message));
    expect(($(root, 'shop-token-shopify') as HTMLInputElement).value).toBe(TOKEN);

    // This machine's loopback is taken: connected, the token's fingerprint
    // shown and the token itself gone from the screen.
    type($(root, 'shop-url-shopify'), 'http://127.0.0.1:8443');
    click(root, 'shop-api-save-shopify');
    await until(() => expect(text(root, 'shop-api-message-shopify')).toContain('Сохранено'));
    expect(text(root, 'shop-api-message-shopify')).toContain('09b65ff8');
    expect(text(root, 'shop-api-state-shopify')).toContain('API подключён · Ольга');
    expect(($(root, 'shop-token-shopify') as HTMLInputElement).value, 'never shown back').toBe('');
    expect(($(root, 'shop-url-shopify') as HTMLInputElement).value).toBe('http://127.0.0.1:8443');
    expect(root.innerHTML, 'the token is nowhere on the screen').not.toContain(TOKEN);

    // A new webhook secret: its fingerprint, never the secret.
    type($(root, 'shop-secret-shopify'), SECRET);
    click(root, 'shop-secret-save-shopify');
    await until(() => expect(text(root, 'shop-secret-state-shopify')).toContain('59a07823'));
    expect(text(root, 'shop-secret-state-shopify')).toContain('Ольга');
    expect(($(root, 'shop-secret-shopify') as HTMLInputElement).value).toBe('');
    expect(root.innerHTML, 'the secret is nowhere on the screen').not.toContain(SECRET);

    // The failed call goes again: no failed call left, one waiting.
    click(root, 'shop-call-retry-1');
    await until(() => expect($(root, 'shop-calls-none')).not.toBeNull());
    expect(text(root, 'shop-calls-message')).toContain('#1');
    expect(text(root, 'shop-calls-counts')).toContain('Ждут 1');

    // The kept delivery dealt with: the inbox is empty.
    click(root, 'shop-delivery-dismiss-1');
    await until(() => expect($(root, 'shop-inbox-empty')).not.toBeNull());

    // The watched folder: a relative path refused in core's words, a full one saved.
    type($(root, 'shop-watch-folder'), 'exports');
    click(root, 'shop-watch-save');
    const [relative] = refusals('shop-connection', 'set_watch_folder');
    await until(() => expect(text(root, 'shop-watch-message')).toContain(relative!.message));
    type($(root, 'shop-watch-folder'), '/srv/shop/exports');
    click(root, 'shop-watch-save');
    await until(() => expect(text(root, 'shop-watch-message')).toContain('Сохранено'));

    expect(b.calls.filter((c) => c.cmd === 'set_shop_api').map((c) => c.args)).toEqual([
      {
        input: {
          channel: 'shopify',
          base_url: 'http://posuda-urala.myshopify.com',
          api_version: '',
          location_id: '655441491',
          api_key: '',
          api_secret: TOKEN,
        },
      },
      {
        input: {
          channel: 'shopify',
          base_url: 'http://127.0.0.1:8443',
          api_version: '',
          location_id: '655441491',
          api_key: '',
          api_secret: TOKEN,
        },
      },
    ]);
  });

  it('shows nothing to a packer', async () => {
    replay('packing');
    const root = show();
    flushSync();
    expect($(root, 'settings-shop')).toBeNull();
  });
});
