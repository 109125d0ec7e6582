// The documents in each channel's parcels, as a supervisor sets them,
// against replies recorded from the real core (src/test/backend.ts):
//
// parcel-documents.json: Стол 5 (Ольга, a supervisor) ticks the товарный
// чек for shopify's parcels in place of the invoice and saves.

import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ParcelDocuments from './ParcelDocuments.svelte';
import { setLanguage } from '../lib/locale.svelte';
import { endReplay, replay } from '../test/backend';
import { $, until } from '../test/dom';

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
  mounted.push(mount(ParcelDocuments, { target, props: {} }));
  flushSync();
  return target;
}

function tick(root: HTMLElement, testid: string) {
  const box = $(root, testid) as HTMLInputElement;
  box.click();
  flushSync();
}

describe('the documents in the parcel', () => {
  it('gives shopify a товарный чек in place of the invoice; the other channels keep theirs', async () => {
    const b = replay('parcel-documents');
    const root = show();
    await until(() => expect($(root, 'parcel-docs-row-shopify')).not.toBeNull());
    const checked = (id: string) => ($(root, id) as HTMLInputElement).checked;
    expect(checked('parcel-docs-*-invoice'), 'every channel gets the invoice').toBe(true);
    expect(checked('parcel-docs-shopify-invoice'), 'shopify follows the default').toBe(true);
    expect($(root, 'parcel-docs-row-shopify')?.textContent).toContain('как у остальных');
    expect(($(root, 'parcel-docs-save') as HTMLButtonElement).disabled, 'nothing to save').toBe(
      true,
    );

    tick(root, 'parcel-docs-shopify-invoice');
    tick(root, 'parcel-docs-shopify-sales_receipt');
    expect($(root, 'parcel-docs-row-shopify')?.textContent).not.toContain('как у остальных');
    expect(checked('parcel-docs-web-invoice'), 'web still gets the invoice').toBe(true);
    expect(checked('parcel-docs-web-sales_receipt')).toBe(false);

    ($(root, 'parcel-docs-save') as HTMLButtonElement).click();
    await until(() => expect($(root, 'parcel-docs-message')?.textContent).toContain('Сохранено'));
    const saved = b.calls.find((c) => c.cmd === 'set_packing_documents');
    expect(saved?.args).toEqual({
      documents: {
        default: ['invoice', 'label'],
        channels: [{ channel: 'shopify', documents: ['label', 'sales_receipt'] }],
      },
    });
  });
});
