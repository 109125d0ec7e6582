import { describe, expect, it } from 'vitest';
import {
  PAGE,
  chips,
  compact,
  dayRange,
  emptyFilter,
  exportRequest,
  fromForm,
  fromLocalInput,
  isEmpty,
  narrowToGroup,
  normalize,
  pageRequest,
  removeChip,
  sameFilter,
  toForm,
  toLocalInput,
  utcOffset,
  whole,
  type ChipWords,
  type Filter,
} from './filters';
import { translate, type MessageKey, type Params } from './i18n';

const MOSCOW = 180;

// Russian words, and instants written in UTC so the test reads the same in any zone.
const ru: ChipWords = {
  t: (key: MessageKey, params?: Params) => translate('ru', key, params),
  status: (s) => translate('ru', `status.${s}`),
  time: (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' '),
};

const filterWith = (patch: Partial<Filter>): Filter => ({ ...emptyFilter(), ...patch });

describe('the question sent to core', () => {
  it('leaves out every field that does not narrow, so the same question is the same object', () => {
    expect(compact(emptyFilter()), 'an empty filter is every order').toEqual({});
    expect(
      compact(
        filterWith({
          search: '  ',
          statuses: ['new'],
          total_min: '1 500,50',
          overdue: false,
          manager: 'Мария',
          units_min: 0,
        }),
      ),
    ).toEqual({ statuses: ['new'], total_min: '1 500,50', manager: 'Мария' });
  });

  it('asks for the first page of 50, and the next one after the last order shown', () => {
    const f = filterWith({ statuses: ['new'] });
    expect(PAGE).toBe(50);
    expect(pageRequest(f)).toEqual({ statuses: ['new'], limit: 50 });
    expect(pageRequest(f, 1043)).toEqual({ statuses: ['new'], limit: 50, before: 1043 });
    expect(pageRequest(emptyFilter(), null, 300), "the picking screen's list").toEqual({
      limit: 300,
    });
  });

  it('counts, groups, exports and saves the filter without its page', () => {
    const paged = { ...filterWith({ overdue: true }), limit: 50, before: 7 };
    expect(whole(paged)).toEqual({ overdue: true });
    expect(isEmpty({ limit: 50, before: 7 }), 'a page is no filter').toBe(true);
    expect(isEmpty(filterWith({ note: 'подарок' }))).toBe(false);
    expect(exportRequest(paged, 'xlsx', 'lines', 'ru', MOSCOW)).toEqual({
      filter: { overdue: true },
      format: 'xlsx',
      rows: 'lines',
      lang: 'ru',
      utc_offset_minutes: 180,
    });
  });

  it('knows the same question asked in another order or with another page', () => {
    const a = filterWith({ statuses: ['new'], overdue: true, search: '' });
    const b = { ...filterWith({ overdue: true, statuses: ['new'] }), limit: 50, before: 9 };
    expect(sameFilter(a, b)).toBe(true);
    expect(sameFilter(a, filterWith({ statuses: ['new'] }))).toBe(false);
    expect(sameFilter(a, filterWith({ statuses: ['new', 'ready'], overdue: true }))).toBe(false);
  });

  it('sends the amounts exactly as they were typed: core reads them', () => {
    const r = fromForm({ ...toForm(emptyFilter()), total_min: '1 500,50', total_max: ' 3000 ' });
    expect('filter' in r && compact(r.filter)).toEqual({
      total_min: '1 500,50',
      total_max: ' 3000 ',
    });
  });

  it("gives the user's zone as minutes east of UTC", () => {
    const d = new Date(2026, 10, 23, 10, 0);
    expect(utcOffset(d)).toBe(-d.getTimezoneOffset());
  });
});

describe('the chips above the list', () => {
  it('names every active filter in Russian, a list value by value', () => {
    const f = filterWith({
      search: '1043',
      statuses: ['new', 'confirmed'],
      payment: ['awaiting_payment'],
      delivery_methods: ['СДЭК'],
      created_from: Date.UTC(2026, 10, 23, 7, 0),
      total_min: '1500',
      total_max: '3000',
      units_max: 5,
      overdue: true,
      manager: 'Мария',
    });
    expect(chips(f, ru).map((c) => [c.field, c.value ?? null, c.label])).toEqual([
      ['search', null, 'Поиск: 1043'],
      ['statuses', 'new', 'Статус: Новый'],
      ['statuses', 'confirmed', 'Статус: Подтверждён'],
      ['payment', 'awaiting_payment', 'Оплата: Ожидает оплаты'],
      ['delivery_methods', 'СДЭК', 'Доставка: СДЭК'],
      ['created', null, 'Создан: от 2026-11-23 07:00'],
      ['total', null, 'Сумма: 1500 – 3000'],
      ['units', null, 'Товаров, шт.: до 5'],
      ['overdue', null, 'Только просроченные'],
      ['manager', null, 'Менеджер: Мария'],
    ]);
    expect(chips(emptyFilter(), ru), 'nothing active, no chips').toEqual([]);
  });

  it('speaks English too', () => {
    const en: ChipWords = { ...ru, t: (key, params) => translate('en', key, params) };
    const [chip] = chips(filterWith({ payment: ['paid'] }), en);
    expect(chip?.label).toBe('Payment: Paid');
  });

  it('removes one value of a list, or the whole range, and nothing else', () => {
    const f = filterWith({
      statuses: ['new', 'confirmed'],
      channels: ['site', 'phone'],
      delivery_cost_min: '0',
      delivery_cost_max: '500',
      note: 'подарок',
    });
    expect(removeChip(f, { field: 'statuses', value: 'new' }).statuses).toEqual(['confirmed']);
    expect(removeChip(f, { field: 'channels', value: 'phone' }).channels).toEqual(['site']);
    const noCost = removeChip(f, { field: 'delivery_cost' });
    expect([noCost.delivery_cost_min, noCost.delivery_cost_max]).toEqual([null, null]);
    expect(compact(removeChip(f, { field: 'note' }))).toEqual({
      statuses: ['new', 'confirmed'],
      channels: ['site', 'phone'],
      delivery_cost_min: '0',
      delivery_cost_max: '500',
    });
    expect(removeChip(filterWith({ overdue: true }), { field: 'overdue' }).overdue).toBe(false);
    expect(f.statuses, 'the filter itself is left as it was').toEqual(['new', 'confirmed']);
  });

  it('has a chip for every field a chip can remove', () => {
    const full = filterWith({
      search: 'a',
      statuses: ['new'],
      payment: ['paid'],
      channels: ['site'],
      delivery_methods: ['СДЭК'],
      created_from: 1,
      created_to: 2,
      total_min: '1',
      delivery_cost_max: '2',
      units_min: 1,
      product: 'PB-0001',
      note: 'n',
      overdue: true,
      manager: 'm',
    });
    let f = full;
    for (const c of chips(full, ru)) f = removeChip(f, c);
    expect(isEmpty(f), 'every chip removed: every order').toBe(true);
  });
});

describe('groups', () => {
  it("turns a day's key into its midnight to the next, in the user's zone", () => {
    expect(dayRange('2026-11-23', MOSCOW)).toEqual({
      created_from: Date.UTC(2026, 10, 22, 21, 0),
      created_to: Date.UTC(2026, 10, 23, 21, 0),
    });
    expect(dayRange('2026-11-23', 0)?.created_from).toBe(Date.UTC(2026, 10, 23));
    expect(dayRange('2026-02-31', MOSCOW), 'no such day').toBeNull();
    expect(dayRange('', MOSCOW)).toBeNull();
  });

  it('narrows the filter to a clicked group where a group is a filter', () => {
    const f = filterWith({ statuses: ['new', 'confirmed'], search: 'Иван' });
    expect(narrowToGroup(f, 'status', 'new', MOSCOW)?.statuses).toEqual(['new']);
    expect(narrowToGroup(f, 'payment', 'paid', MOSCOW)?.payment).toEqual(['paid']);
    expect(narrowToGroup(f, 'channel', 'site', MOSCOW)?.channels).toEqual(['site']);
    expect(narrowToGroup(f, 'delivery_method', 'СДЭК', MOSCOW)?.delivery_methods).toEqual(['СДЭК']);
    expect(narrowToGroup(f, 'delivery_method', 'СДЭК', MOSCOW)?.search, 'the rest stays').toBe(
      'Иван',
    );
    expect(narrowToGroup(f, 'category', 'Посуда', MOSCOW), 'a category is no filter').toBeNull();
    expect(narrowToGroup(f, 'channel', '', MOSCOW), '"none" is no filter').toBeNull();
  });

  it('keeps the part of a date range already asked for inside the day clicked', () => {
    const tenAm = Date.UTC(2026, 10, 23, 7, 0);
    const f = filterWith({ created_from: tenAm });
    const day = narrowToGroup(f, 'day', '2026-11-23', MOSCOW)!;
    expect([day.created_from, day.created_to]).toEqual([tenAm, Date.UTC(2026, 10, 23, 21, 0)]);
  });
});

describe('the panel form', () => {
  it('shows a filter and reads it back unchanged', () => {
    const f = filterWith({
      search: '1043',
      statuses: ['ready'],
      channels: ['site'],
      created_from: new Date(2026, 10, 23, 10, 30).getTime(),
      created_to: new Date(2026, 10, 24).getTime(),
      total_max: '1 500,50',
      units_min: 2,
      product: 'PB-0001',
      overdue: true,
    });
    const form = toForm(f);
    expect(form.created_from).toBe('2026-11-23T10:30');
    expect(form.created_to).toBe('2026-11-24T00:00');
    expect(form.units_min).toBe('2');
    expect(fromForm(form)).toEqual({ filter: f });
  });

  it('reads a datetime-local value as local time, and a bare day as its midnight', () => {
    expect(fromLocalInput('2026-11-23T10:30')).toBe(new Date(2026, 10, 23, 10, 30).getTime());
    expect(fromLocalInput('2026-11-23')).toBe(new Date(2026, 10, 23).getTime());
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('2026-13-01T00:00')).toBeNaN();
    expect(toLocalInput(null)).toBe('');
  });

  it('says which field is no date or no whole number, before asking core', () => {
    const form = toForm(emptyFilter());
    expect(fromForm({ ...form, created_to: '23.11.2026' })).toEqual({
      problem: { field: 'created_to', key: 'filters.badDate' },
    });
    expect(fromForm({ ...form, units_max: '2,5' })).toEqual({
      problem: { field: 'units_max', key: 'filters.badUnits' },
    });
  });

  it('takes a saved filter as core sent it, without its page', () => {
    const saved = normalize({ statuses: ['new'], overdue: true, limit: 50, before: 3 });
    expect(saved).toEqual(filterWith({ statuses: ['new'], overdue: true }));
  });
});
