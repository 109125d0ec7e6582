// Every word the UI shows, in English and Russian, and the formatters that
// depend on the language (money, dates). Pure functions of the language, so
// tests and the packing logic need no Svelte; the current language lives in
// locale.svelte.ts as a $state that components read through `t()`.
//
// Russian plurals: phrases are written "Товаров: 5" rather than "5 товаров"
// so a count never needs a plural form.

import type { OrderStatus, PaymentStatus, Role } from './bindings';

/** The languages the UI speaks (a station's `language` setting names one). */
export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A station's language setting as the UI speaks it; Russian unless English. */
export function asLanguage(setting: string): Language {
  return setting === 'en' ? 'en' : 'ru';
}

const en = {
  'app.name': 'Packbench',

  'role.picker': 'picker',
  'role.packer': 'packer',
  'role.supervisor': 'supervisor',
  'role.admin': 'admin',

  'top.language': 'Interface language',
  'top.db': 'DB',
  'top.dbOk': 'connected',
  'top.dbDown': 'not connected',

  'nav.label': 'Screens',
  'nav.orders': 'Orders',
  'nav.picking': 'Pick list',
  'nav.packing': 'Packing',
  'nav.settings': 'Settings',
  'nav.printing': 'Printing',

  'status.new': 'New',
  'status.confirmed': 'Confirmed',
  'status.picking': 'Picking',
  'status.packing': 'Packing',
  'status.ready': 'Ready',
  'status.shipped': 'Shipped',
  'status.delivered': 'Delivered',
  'status.completed': 'Completed',
  'status.returned': 'Returned',
  'status.cancelled': 'Cancelled',

  'payment.awaiting_payment': 'Awaiting payment',
  'payment.partially_paid': 'Partly paid',
  'payment.paid': 'Paid',
  'payment.partially_refunded': 'Partially refunded',
  'payment.refunded': 'Refunded',

  'error.not_found': 'Not found',
  'error.invalid_transition': 'Not possible in this status',
  'error.conflict': 'Changed by someone else',
  'error.refused': 'Refused',
  'error.invalid': 'Invalid input',
  'error.forbidden': 'Not allowed for your role',
  'error.unavailable': 'Database unavailable',
  'error.damaged': 'Stored data is damaged',
  'error.storage': 'Database error',
  'error.migration': 'Database upgrade failed',
  'error.ipc': 'The app did not answer',

  'common.cancel': 'Cancel',
  'common.confirm': 'Confirm',
  'common.loading': 'Loading…',
  'common.retry': 'Retry',
  'common.back': 'Back',
  'common.none': '—',
  'common.scanned': 'Scanned: {code}',
  'common.required': 'Required',
  'common.close': 'Close',
  'printFail.title': 'Not printed',
  'printFail.open': 'Print queue',
  'printFail.hide': 'Dismiss',
  'printFail.more': 'and {n} more: see the print queue',
  'common.refresh': 'Refresh',

  'welcome.title': 'The warehouse is empty',
  'welcome.text':
    'There are no orders yet. Load the demo warehouse to try Packbench at once: household goods, stationery and 50 orders to pack.',
  'welcome.load': 'Load demo warehouse',
  'welcome.loading': 'Loading the demo warehouse…',
  'welcome.loaded': 'Demo warehouse loaded. Products: {products}, orders: {orders}.',
  'welcome.import':
    'Real orders come in with the command-line tool (packbench-cli import) or from a shared database.',
  'welcome.settings': 'Database settings',

  'outside.title': 'Packbench runs as a desktop app',
  'outside.body':
    'These screens work inside the Packbench app, which holds the database and the printers. This page is open in a plain browser: start the app instead (make run, or Packbench from the menu).',

  'startup.title': 'Packbench cannot open its database',
  'startup.what': 'What to do',
  'startup.step1':
    'Shared PostgreSQL server: check that the server is running and reachable from this computer, and that the address in Settings is right.',
  'startup.step2':
    'Local file: check that the disk is not full and that the folder can be written to.',
  'startup.step3':
    'Then press Retry. If it keeps failing, call your supervisor and show them the message above.',
  'startup.settings': 'Open database settings',

  'packing.idleTitle': 'Scan an order number',
  'packing.idleHint': 'Scan an order number, e.g. 1001',
  'packing.orType': 'or type it here:',
  'packing.orderField': 'Order number',
  'packing.open': 'Open',
  'packing.order': 'ORDER',
  'packing.unitsOf': '{packed} of {units} units',
  'packing.note': 'Note',
  'packing.last': 'last',
  'packing.sku': 'SKU',
  'packing.bin': 'bin',
  'packing.lines': 'Order lines',
  'packing.scanItems': 'Scan the items of this order',
  'packing.undo': 'Undo last',
  'packing.short': 'Short-ship…',
  'packing.finish': 'Finish',
  'packing.release': 'Release',
  'packing.putAside': 'Put aside',
  'packing.takeApart': 'Take apart',
  'packing.takeApartTitle': 'Open the box of order {number} again',
  'packing.takeApartText':
    'The order is packed. It goes back to packing at this station; what was packed stays counted and can be undone.',
  'packing.takeApartReason': 'Why is the box opened again?',
  'packing.takeApartConfirm': 'Take apart',
  'packing.handover': 'Hand over: choose the carrier and scan the tracking number',
  'packing.carrier': 'Carrier',
  'packing.carrierKeys': 'keys 1–9 choose',
  'packing.tracking': 'Tracking number',
  'packing.ship': 'Ship',
  'packing.shortTitle': 'Ship order {number} short',
  'packing.shortText': 'Units not packed: {missing}. Why is the order going out short?',
  'packing.shortReason': 'Reason',
  'packing.shortConfirm': 'Finish short',
  'packing.lastShipped': 'Last shipped: order {number}, {carrier}, tracking {tracking}',
  'packing.busy': 'Working…',
  'packing.queued': 'Scans waiting: {n}',

  'scan.accepted': 'OK: {name} ({sku}), {packed} of {ordered}',
  'scan.duplicate': 'Repeated scan, counted once: {name} ({sku}), {packed} of {ordered}',
  'scan.wrong_item': 'Wrong item: {name} ({sku}) is not in this order',
  'scan.over_scan': 'Too many: {name} ({sku}) is already packed {packed} of {ordered}',
  'scan.unknown_barcode': 'Unknown barcode: {code}',
  'scan.invalid_barcode': 'Invalid barcode {code}: {reason}',
  'scan.not_claimed': 'Order {number} is held by {held_by}: scan the order number to take it',
  'scan.not_claimed_free': 'Order {number} is not claimed by this station: scan its number again',
  'scan.allPacked': 'All units packed: press F9 to finish',
  'scan.finished': 'Order {number} packed. Choose the carrier and scan the tracking number',
  'scan.takenApart': 'Order {number} is open again: scan, undo, then finish',
  'scan.putAside': 'Order {number} put aside; it stays packed',
  'scan.shipped': 'Order {number} shipped: {carrier}, tracking {tracking}. Scan the next order',
  'scan.opened': 'Order {number} opened: scan the items',
  'scan.switched': 'Switched to order {number}',
  'scan.alreadyOpen': 'Order {number} is already open',
  'scan.orderNotFound': 'No order {code}',
  'scan.released': 'Order {number} released',
  'scan.undone': 'Undone: {sku}, now {packed} of {ordered}',
  'scan.chooseCarrier': 'Choose a carrier first (keys 1–9), then scan the tracking number',
  'scan.notPackable': 'Order {number} is {status}: nothing to pack',
  'scan.error': '{error}: {message}',

  'outcome.accepted': 'Accepted',
  'event.created': 'Created',
  'event.imported': 'Imported',
  'event.confirmed': 'Confirmed',
  'event.claimed': 'Claimed for packing',
  'event.claim_released': 'Claim released',
  'event.packed': 'Packed',
  'event.packed_short': 'Packed short',
  'event.shipped': 'Shipped',
  'event.cancelled': 'Cancelled',
  'event.pick_list': 'Put on a pick list',
  'event.picked': 'Picked',
  'event.short_pick': 'Short pick',
  'event.printed': 'Printed',
  'event.print_failed': 'Printing failed',
  'event.print_waiting': 'Waiting for a printer',
  'outcome.undo': 'Undone',
  'outcome.wrong_item': 'Wrong item',
  'outcome.over_scan': 'Too many',
  'outcome.unknown_barcode': 'Unknown barcode',
  'outcome.invalid_barcode': 'Invalid barcode',
  'outcome.not_claimed': 'Not claimed',

  'orders.title': 'Orders',
  'orders.all': 'All',
  'orders.search': 'Search: number, customer, phone, SKU',
  'orders.overdue': 'overdue',
  'orders.overdueCount': 'Overdue: {n}',
  'orders.empty': 'No orders here',
  'orders.keys': '↑ ↓ select · Enter open · / search · ← → status',
  'orders.col.number': 'No.',
  'orders.col.status': 'Status',
  'orders.col.customer': 'Customer',
  'orders.col.packed': 'Packed',
  'orders.col.total': 'Total',
  'orders.col.delivery': 'Delivery',
  'orders.col.created': 'Created',
  'orders.col.station': 'Station',

  'detail.title': 'Order {number}',
  'detail.customer': 'Customer',
  'detail.address': 'Address',
  'detail.phone': 'Phone',
  'detail.email': 'Email',
  'detail.comment': 'Comment',
  'detail.payment': 'Payment',
  'detail.channel': 'Channel',
  'detail.delivery': 'Delivery',
  'detail.created': 'Created',
  'detail.claimed': 'At station',
  'detail.carrier': 'Carrier',
  'detail.tracking': 'Tracking',
  'detail.shipped': 'Shipped',
  'detail.shortReason': 'Shipped short',
  'detail.lines': 'Items',
  'detail.product': 'Product',
  'detail.qty': 'Packed / ordered',
  'detail.price': 'Price',
  'detail.sum': 'Sum',
  'detail.goods': 'Goods',
  'detail.deliveryCost': 'Delivery',
  'detail.total': 'Total',
  'detail.history': 'History',
  'detail.scans': 'Scans',
  'detail.noHistory': 'Nothing yet',
  'detail.confirm': 'Confirm',
  'detail.openPacking': 'Open at packing station',
  'detail.confirmed': 'Order {number} confirmed',
  'detail.confirmedShort': 'Order {number} confirmed; not enough stock to reserve: {skus}',
  'detail.by': '{user} at {station}',

  'pick.title': 'Pick lists',
  'pick.openLists': 'Open pick lists',
  'pick.none': 'No open pick lists',
  'pick.listTitle': 'Pick list {id}',
  'pick.summary': 'Orders: {orders} · lines: {lines} · picked {picked} of {units}',
  'pick.createdBy': 'Created {at} by {user}',
  'pick.new': 'New pick list',
  'pick.confirmedOrders': 'Confirmed orders',
  'pick.noConfirmed': 'No confirmed orders waiting',
  'pick.fromSelected': 'From selected orders ({n})',
  'pick.nextN': 'Next confirmed orders',
  'pick.nextCount': 'How many',
  'pick.createNext': 'Create from next {n}',
  'pick.open': 'Open',
  'pick.bin': 'Bin',
  'pick.sku': 'SKU',
  'pick.product': 'Product',
  'pick.picked': 'Picked',
  'pick.orders': 'Orders',
  'pick.scanBin': 'Scan the bin label, e.g. {bin}',
  'pick.currentBin': 'Bin {bin}: scan the items',
  'pick.nextBin': 'Bin done. Next: scan bin {bin}',
  'pick.shortBtn': 'Short pick',
  'pick.shortTitle': 'Short pick: {name} ({sku})',
  'pick.shortText': 'Missing: {missing}. Why?',
  'pick.reason': 'Reason',
  'pick.shortConfirm': 'Record short pick',
  'pick.short': 'short {n}: {reason}',
  'pick.complete': 'Complete',
  'pick.done': 'done',
  'pick.completed': 'Pick list {id} completed',
  'pick.created': 'Pick list {id} created',
  'pick.back': 'All pick lists',
  'pick.noList': 'Open a pick list first',
  'pick.bin_confirmed': 'Bin {bin} confirmed: scan the items',
  'pick.picked_ok': 'Picked: {name} ({sku}), {picked} of {quantity}',
  'pick.list_complete': 'Everything picked: press Complete',
  'pick.scan_bin_first': 'Scan the bin first, then the item',
  'pick.wrong_bin': 'Wrong bin: {name} ({sku}) is in {expected_bin}',
  'pick.not_in_list': 'Not in this pick list: {name} ({sku})',
  'pick.over_pick': 'Too many: {sku} is already picked {picked} of {quantity}',

  'doc.invoice': 'Invoice',
  'doc.packing_slip': 'Packing slip',
  'doc.label': 'Shipping label',
  'doc.pick_list': 'Pick list',
  'doc.manifest': 'Courier manifest',
  'doc.ofOrder': '{doc} · order {number}',
  'doc.ofPickList': '{doc} {id}',
  'doc.ofManifest': '{doc} · {carrier}, {date}',

  'paper.a4': 'A4',
  'paper.a5': 'A5',
  'paper.label_4x6': '4×6 in label',
  'paper.label_100x150': '100×150 mm label',
  'format.pdf': 'PDF',
  'format.zpl': 'ZPL',

  'printer.idle': 'ready',
  'printer.printing': 'printing',
  'printer.stopped': 'stopped',
  'printer.unknown': 'state unknown',

  'print.status.queued': 'Queued',
  'print.status.sent': 'Sent',
  'print.status.failed': 'Failed',
  'print.line.sent': '{doc}: sent to {printer}',
  'print.line.failed': '{doc}: failed — {message}',
  'print.line.queued': '{doc}: queued, printing…',
  'print.line.waiting': '{doc}: waiting — {message}',
  'printerSaid.stopped': 'printer {printer} is stopped: {reason}',
  'printerSaid.stoppedNoReason': 'printer {printer} is stopped',
  'printerSaid.missing': 'printer {printer} does not exist',
  'printerSaid.noPrinter':
    'no printer is chosen for this document: choose one in Settings → Printing, then print again',
  'printerSaid.timeout':
    '{program} did not answer within {seconds} s: is the print server (CUPS) running?',
  'printerSaid.noCups':
    'CUPS is not installed ({program} is missing): install cups-client to print',
  'printerSaid.sent': 'sent to {printer} as {job}',
  'printerSaid.notMade': 'the document could not be made: {reason}',
  'printerSaid.noPoppler':
    'previews need pdftoppm: install poppler-utils (printing works without it)',
  'printerSaid.notDrawn': 'the preview could not be drawn: {reason}',
  'print.noPrinter': 'none',
  'print.noPrinterOption': 'None: jobs wait in the queue',
  'print.samePrinter': 'Same printer ({printer})',
  'print.chooseTarget': 'Printer to send to',
  'print.default': 'default',
  'print.missing': 'not installed',
  'print.printerState': '{printer} — {state}',
  'print.printerStopped': '{printer} — stopped: {message}',
  'print.noPrinters':
    'No printers found: CUPS is not installed or has no printers. Jobs wait in the queue.',
  'print.again': 'Print again',
  'print.short': 'Print',
  'print.againHint': 'Print the invoice and the label of this order again',
  'print.nothingYet': 'Nothing printed for this order yet',
  'print.printing': 'Printing…',
  'print.retry': 'Retry',
  'print.reprint': 'Reprint',
  'print.attempts': 'Attempts: {n}',
  'print.by': '{user}, {station}',
  'print.documents': 'Documents',
  'print.error': 'Printing: {error}: {message}',
  'print.needPrinter': 'Choose a printer to send it to',

  'printing.queue': 'Print queue',
  'printing.empty': 'No print jobs yet',
  'printing.stopped': 'Printer {printer} is stopped: {message}',
  'printing.preview': 'Preview',
  'printing.document': 'Document',
  'printing.order': 'Order number',
  'printing.orderHint': 'Scan or type an order number',
  'printing.pickList': 'Pick list number',
  'printing.carrier': 'Carrier',
  'printing.date': 'Date',
  'printing.show': 'Show',
  'printing.print': 'Print',
  'printing.loading': 'Drawing the document…',
  'printing.choose': 'Choose a document and press Show, or scan an order number',
  'printing.pages': 'Pages: {n}',
  'printing.size': 'Size: {kb} KB',
  'printing.firstPages': 'The first {shown} of {n} pages are shown',
  'printing.zpl': 'ZPL code for the printer',
  'printing.page': 'Page {n}',
  'printing.result': 'Print job {id}',

  'settings.title': 'Settings',
  'settings.station': 'Station name',
  'settings.user': 'User name',
  'settings.language': 'Language',
  'settings.autoFinish': 'Finish the order by itself when the last unit is scanned',
  'settings.database': 'Database',
  'settings.dbLocal': 'Local file on this computer (default)',
  'settings.dbCustom': 'Another SQLite file or a shared PostgreSQL server',
  'settings.dbField': 'File path or postgres:// address',
  'settings.dbPlaceholder': 'postgres://packbench:password@server/packbench',
  'settings.test': 'Test connection',
  'settings.testing': 'Testing…',
  'settings.testOk': 'Connected ({engine}): {message}',
  'settings.testFail': 'Cannot connect: {message}',
  'settings.save': 'Save',
  'settings.saving': 'Saving…',
  'settings.saved': 'Saved. Database in use: {database}',
  'settings.inUse': 'In use now',
  'settings.dbFromEnv':
    'Chosen by the PACKBENCH_DATABASE_URL variable, which wins over the choice above: the choice is saved, and used once the variable is unset.',
  'settings.version': 'Packbench {version}',
  'settings.general': 'Station',
  'settings.printing': 'Printing',
  'settings.autoPrint': 'Print the invoice and the label when packing finishes',
  'settings.document': 'Document',
  'settings.printer': 'Printer',
  'settings.paper': 'Paper',
  'settings.format': 'Format',
  'settings.dpi': 'Resolution',
  'settings.docLang': 'Language',
  'settings.preview': 'Preview',
  'settings.refreshPrinters': 'Refresh printers',
  'settings.savePrint': 'Save print settings',
  'settings.printSaved': 'Print settings saved',
  'settings.noSampleOrder': 'No order to show as a sample yet',
  'settings.noSamplePickList': 'No pick list to show as a sample yet',
  'settings.previewTitle': 'Preview: {doc}',
  'settings.seller': 'Seller',
  'settings.sellerHint': 'The shop’s details printed on invoices, labels and manifests',
  'settings.sellerReadOnly':
    'Read only: only a supervisor or an admin can change the seller’s details (you are: {role})',
  'settings.sellerForbidden':
    'Not saved: only a supervisor or an admin can change the seller’s details. Ask your supervisor.',
  'settings.saveSeller': 'Save seller details',
  'settings.sellerSaved': 'Seller details saved',
  'settings.unsaved': 'Changes not saved yet',
  'settings.gsSubstitute': 'Character the scanner sends for GS',
  'settings.gsSubstituteHint':
    'Some scanners cannot send the GS control character; set the character they send instead. Empty: none.',
  'seller.name': 'Name',
  'seller.address': 'Address',
  'seller.phone': 'Phone',
  'seller.email': 'Email',
  'seller.inn': 'INN (tax number)',
  'seller.kpp': 'KPP',
  'seller.bank_name': 'Bank',
  'seller.bik': 'BIK (bank code)',
  'seller.account': 'Account',
  'seller.corr_account': 'Correspondent account',

  'pick.print': 'Print pick list',
};

export type MessageKey = keyof typeof en;
/** Slot values; a nested message is translated in the same language. */
export type Params = { [name: string]: string | number | null | undefined | Msg };

const ru: Record<MessageKey, string> = {
  'app.name': 'Packbench',

  'role.picker': 'сборщик',
  'role.packer': 'упаковщик',
  'role.supervisor': 'старший смены',
  'role.admin': 'администратор',

  'top.language': 'Язык интерфейса',
  'top.db': 'БД',
  'top.dbOk': 'подключена',
  'top.dbDown': 'нет подключения',

  'nav.label': 'Экраны',
  'nav.orders': 'Заказы',
  'nav.picking': 'Сборка',
  'nav.packing': 'Упаковка',
  'nav.settings': 'Настройки',
  'nav.printing': 'Печать',

  'status.new': 'Новый',
  'status.confirmed': 'Подтверждён',
  'status.picking': 'Сборка',
  'status.packing': 'Упаковка',
  'status.ready': 'Готов',
  'status.shipped': 'Отправлен',
  'status.delivered': 'Доставлен',
  'status.completed': 'Завершён',
  'status.returned': 'Возврат',
  'status.cancelled': 'Отменён',

  'payment.awaiting_payment': 'Ожидает оплаты',
  'payment.partially_paid': 'Оплачен частично',
  'payment.paid': 'Оплачен',
  'payment.partially_refunded': 'Частичный возврат',
  'payment.refunded': 'Возвращён',

  'error.not_found': 'Не найдено',
  'error.invalid_transition': 'Нельзя в этом статусе',
  'error.conflict': 'Изменено кем-то другим',
  'error.refused': 'Отклонено',
  'error.invalid': 'Неверные данные',
  'error.forbidden': 'Недостаточно прав',
  'error.unavailable': 'База данных недоступна',
  'error.damaged': 'Сохранённые данные повреждены',
  'error.storage': 'Ошибка базы данных',
  'error.migration': 'Не удалось обновить базу данных',
  'error.ipc': 'Приложение не ответило',

  'common.cancel': 'Отмена',
  'common.confirm': 'Подтвердить',
  'common.loading': 'Загрузка…',
  'common.retry': 'Повторить',
  'common.back': 'Назад',
  'common.none': '—',
  'common.scanned': 'Отсканировано: {code}',
  'common.required': 'Обязательно',
  'common.close': 'Закрыть',
  'printFail.title': 'Не напечаталось',
  'printFail.open': 'Очередь печати',
  'printFail.hide': 'Скрыть',
  'printFail.more': 'и ещё {n}: смотрите очередь печати',
  'common.refresh': 'Обновить',

  'welcome.title': 'Склад пуст',
  'welcome.text':
    'Заказов пока нет. Загрузите демо-склад, чтобы сразу попробовать Packbench: товары для дома, канцелярия и 50 заказов для упаковки.',
  'welcome.load': 'Загрузить демо-склад',
  'welcome.loading': 'Загружаем демо-склад…',
  'welcome.loaded': 'Демо-склад загружен. Товаров: {products}, заказов: {orders}.',
  'welcome.import':
    'Настоящие заказы загружаются программой командной строки (packbench-cli import) или из общей базы данных.',
  'welcome.settings': 'Настройки базы данных',

  'outside.title': 'Packbench работает как приложение',
  'outside.body':
    'Эти экраны работают внутри приложения Packbench: у него база данных и принтеры. Страница открыта в обычном браузере — запустите приложение (make run или Packbench из меню).',

  'startup.title': 'Packbench не может открыть базу данных',
  'startup.what': 'Что делать',
  'startup.step1':
    'Общий сервер PostgreSQL: проверьте, что сервер работает и доступен с этого компьютера, а адрес в настройках указан верно.',
  'startup.step2': 'Локальный файл: проверьте, что диск не заполнен и в папку можно записывать.',
  'startup.step3':
    'Затем нажмите «Повторить». Если ошибка повторяется, позовите старшего смены и покажите ему сообщение выше.',
  'startup.settings': 'Открыть настройки базы данных',

  'packing.idleTitle': 'Отсканируйте номер заказа',
  'packing.idleHint': 'Отсканируйте номер заказа, например 1001',
  'packing.orType': 'или введите его здесь:',
  'packing.orderField': 'Номер заказа',
  'packing.open': 'Открыть',
  'packing.order': 'ЗАКАЗ',
  'packing.unitsOf': '{packed} из {units} шт.',
  'packing.note': 'Комментарий',
  'packing.last': 'последний',
  'packing.sku': 'Арт.',
  'packing.bin': 'ячейка',
  'packing.lines': 'Строки заказа',
  'packing.scanItems': 'Сканируйте товары этого заказа',
  'packing.undo': 'Отменить последний',
  'packing.short': 'Недовложение…',
  'packing.finish': 'Завершить',
  'packing.release': 'Освободить',
  'packing.putAside': 'Отложить',
  'packing.takeApart': 'Разобрать',
  'packing.takeApartTitle': 'Снова открыть коробку заказа {number}',
  'packing.takeApartText':
    'Заказ упакован. Он вернётся на упаковку на этой станции; упакованное останется учтённым, его можно отменить.',
  'packing.takeApartReason': 'Почему коробку открывают снова?',
  'packing.takeApartConfirm': 'Разобрать',
  'packing.handover': 'Передача: выберите перевозчика и отсканируйте трек-номер',
  'packing.carrier': 'Перевозчик',
  'packing.carrierKeys': 'клавиши 1–9',
  'packing.tracking': 'Трек-номер',
  'packing.ship': 'Отправить',
  'packing.shortTitle': 'Отправить заказ {number} с недовложением',
  'packing.shortText': 'Не упаковано единиц: {missing}. Почему заказ уходит неполным?',
  'packing.shortReason': 'Причина',
  'packing.shortConfirm': 'Завершить с недовложением',
  'packing.lastShipped': 'Последний отправленный: заказ {number}, {carrier}, трек {tracking}',
  'packing.busy': 'Выполняется…',
  'packing.queued': 'Сканов в очереди: {n}',

  'scan.accepted': 'Принято: «{name}» ({sku}), {packed} из {ordered}',
  'scan.duplicate': 'Повторный скан, учтён один раз: «{name}» ({sku}), {packed} из {ordered}',
  'scan.wrong_item': 'Не тот товар: «{name}» ({sku}) нет в этом заказе',
  'scan.over_scan': 'Лишний товар: «{name}» ({sku}) уже упакован {packed} из {ordered}',
  'scan.unknown_barcode': 'Неизвестный штрихкод: {code}',
  'scan.invalid_barcode': 'Неверный штрихкод {code}: {reason}',
  'scan.not_claimed':
    'Заказ {number} занят ({held_by}): отсканируйте номер заказа, чтобы взять его',
  'scan.not_claimed_free':
    'Заказ {number} не закреплён за этой станцией: отсканируйте его номер ещё раз',
  'scan.allPacked': 'Всё упаковано: нажмите F9, чтобы завершить',
  'scan.finished': 'Заказ {number} упакован. Выберите перевозчика и отсканируйте трек-номер',
  'scan.takenApart': 'Заказ {number} снова открыт: сканируйте, отменяйте, затем завершите',
  'scan.putAside': 'Заказ {number} отложен; он остаётся упакованным',
  'scan.shipped':
    'Заказ {number} отправлен: {carrier}, трек {tracking}. Отсканируйте следующий заказ',
  'scan.opened': 'Заказ {number} открыт: сканируйте товары',
  'scan.switched': 'Открыт другой заказ: {number}',
  'scan.alreadyOpen': 'Заказ {number} уже открыт',
  'scan.orderNotFound': 'Заказ {code} не найден',
  'scan.released': 'Заказ {number} освобождён',
  'scan.undone': 'Отменено: {sku}, теперь {packed} из {ordered}',
  'scan.chooseCarrier': 'Сначала выберите перевозчика (клавиши 1–9), затем отсканируйте трек-номер',
  'scan.notPackable': 'Заказ {number}: статус «{status}», упаковывать нечего',
  'scan.error': '{error}: {message}',

  'outcome.accepted': 'Принято',
  'event.created': 'Создан',
  'event.imported': 'Импортирован',
  'event.confirmed': 'Подтверждён',
  'event.claimed': 'Взят в упаковку',
  'event.claim_released': 'Освобождён',
  'event.packed': 'Упакован',
  'event.packed_short': 'Упакован с недовложением',
  'event.shipped': 'Отправлен',
  'event.cancelled': 'Отменён',
  'event.pick_list': 'В сборочном листе',
  'event.picked': 'Собран',
  'event.short_pick': 'Недостача при сборке',
  'event.printed': 'Напечатано',
  'event.print_failed': 'Ошибка печати',
  'event.print_waiting': 'Ждёт выбора принтера',
  'outcome.undo': 'Отменено',
  'outcome.wrong_item': 'Не тот товар',
  'outcome.over_scan': 'Лишний товар',
  'outcome.unknown_barcode': 'Неизвестный штрихкод',
  'outcome.invalid_barcode': 'Неверный штрихкод',
  'outcome.not_claimed': 'Заказ не закреплён',

  'orders.title': 'Заказы',
  'orders.all': 'Все',
  'orders.search': 'Поиск: номер, покупатель, телефон, артикул',
  'orders.overdue': 'просрочен',
  'orders.overdueCount': 'Просрочено: {n}',
  'orders.empty': 'Здесь заказов нет',
  'orders.keys': '↑ ↓ выбор · Enter открыть · / поиск · ← → статус',
  'orders.col.number': '№',
  'orders.col.status': 'Статус',
  'orders.col.customer': 'Покупатель',
  'orders.col.packed': 'Упаковано',
  'orders.col.total': 'Сумма',
  'orders.col.delivery': 'Доставка',
  'orders.col.created': 'Создан',
  'orders.col.station': 'Станция',

  'detail.title': 'Заказ {number}',
  'detail.customer': 'Покупатель',
  'detail.address': 'Адрес',
  'detail.phone': 'Телефон',
  'detail.email': 'Эл. почта',
  'detail.comment': 'Комментарий',
  'detail.payment': 'Оплата',
  'detail.channel': 'Канал',
  'detail.delivery': 'Доставка',
  'detail.created': 'Создан',
  'detail.claimed': 'На станции',
  'detail.carrier': 'Перевозчик',
  'detail.tracking': 'Трек-номер',
  'detail.shipped': 'Отправлен',
  'detail.shortReason': 'Недовложение',
  'detail.lines': 'Товары',
  'detail.product': 'Товар',
  'detail.qty': 'Упак. / заказ.',
  'detail.price': 'Цена',
  'detail.sum': 'Сумма',
  'detail.goods': 'Товары',
  'detail.deliveryCost': 'Доставка',
  'detail.total': 'Итого',
  'detail.history': 'История',
  'detail.scans': 'Сканирования',
  'detail.noHistory': 'Пока ничего',
  'detail.confirm': 'Подтвердить',
  'detail.openPacking': 'Открыть на упаковке',
  'detail.confirmed': 'Заказ {number} подтверждён',
  'detail.confirmedShort': 'Заказ {number} подтверждён; не хватает остатков для резерва: {skus}',
  'detail.by': '{user}, станция {station}',

  'pick.title': 'Сборочные листы',
  'pick.openLists': 'Открытые сборочные листы',
  'pick.none': 'Открытых сборочных листов нет',
  'pick.listTitle': 'Сборочный лист {id}',
  'pick.summary': 'Заказов: {orders} · строк: {lines} · собрано {picked} из {units}',
  'pick.createdBy': 'Создан {at}, {user}',
  'pick.new': 'Новый сборочный лист',
  'pick.confirmedOrders': 'Подтверждённые заказы',
  'pick.noConfirmed': 'Подтверждённых заказов нет',
  'pick.fromSelected': 'Из выбранных заказов ({n})',
  'pick.nextN': 'Следующие подтверждённые заказы',
  'pick.nextCount': 'Сколько',
  'pick.createNext': 'Создать из следующих {n}',
  'pick.open': 'Открыть',
  'pick.bin': 'Ячейка',
  'pick.sku': 'Артикул',
  'pick.product': 'Товар',
  'pick.picked': 'Собрано',
  'pick.orders': 'Заказы',
  'pick.scanBin': 'Отсканируйте этикетку ячейки, например {bin}',
  'pick.currentBin': 'Ячейка {bin}: сканируйте товары',
  'pick.nextBin': 'Ячейка собрана. Дальше: отсканируйте ячейку {bin}',
  'pick.shortBtn': 'Недостача',
  'pick.shortTitle': 'Недостача: «{name}» ({sku})',
  'pick.shortText': 'Не хватает: {missing}. Почему?',
  'pick.reason': 'Причина',
  'pick.shortConfirm': 'Записать недостачу',
  'pick.short': 'недостача {n}: {reason}',
  'pick.complete': 'Завершить',
  'pick.done': 'завершён',
  'pick.completed': 'Сборочный лист {id} завершён',
  'pick.created': 'Сборочный лист {id} создан',
  'pick.back': 'Все сборочные листы',
  'pick.noList': 'Сначала откройте сборочный лист',
  'pick.bin_confirmed': 'Ячейка {bin} подтверждена: сканируйте товары',
  'pick.picked_ok': 'Собрано: «{name}» ({sku}), {picked} из {quantity}',
  'pick.list_complete': 'Всё собрано: нажмите «Завершить»',
  'pick.scan_bin_first': 'Сначала отсканируйте ячейку, потом товар',
  'pick.wrong_bin': 'Не та ячейка: «{name}» ({sku}) лежит в {expected_bin}',
  'pick.not_in_list': 'Нет в этом сборочном листе: «{name}» ({sku})',
  'pick.over_pick': 'Лишний товар: {sku} уже собран {picked} из {quantity}',

  'doc.invoice': 'Счёт',
  'doc.packing_slip': 'Упаковочный лист',
  'doc.label': 'Этикетка',
  'doc.pick_list': 'Сборочный лист',
  'doc.manifest': 'Реестр передачи курьеру',
  'doc.ofOrder': '{doc} · заказ {number}',
  'doc.ofPickList': '{doc} № {id}',
  'doc.ofManifest': '{doc} · {carrier}, {date}',

  'paper.a4': 'A4',
  'paper.a5': 'A5',
  'paper.label_4x6': '4×6″ (102×152)',
  'paper.label_100x150': '100×150 мм',
  'format.pdf': 'PDF',
  'format.zpl': 'ZPL',

  'printer.idle': 'готов',
  'printer.printing': 'печатает',
  'printer.stopped': 'остановлен',
  'printer.unknown': 'состояние неизвестно',

  'print.status.queued': 'В очереди',
  'print.status.sent': 'Отправлено',
  'print.status.failed': 'Ошибка',
  'print.line.sent': '{doc}: отправлено на {printer}',
  'print.line.failed': '{doc}: ошибка — {message}',
  'print.line.queued': '{doc}: в очереди, печатается…',
  'print.line.waiting': '{doc}: ждёт в очереди — {message}',
  'printerSaid.stopped': 'принтер {printer} остановлен: {reason}',
  'printerSaid.stoppedNoReason': 'принтер {printer} остановлен',
  'printerSaid.missing': 'принтера {printer} нет в системе',
  'printerSaid.noPrinter':
    'для этого документа не выбран принтер: выберите его в «Настройки → Печать» и напечатайте снова',
  'printerSaid.timeout': '{program} не ответил за {seconds} с: работает ли сервер печати (CUPS)?',
  'printerSaid.noCups':
    'CUPS не установлен (нет {program}): установите cups-client, чтобы печатать',
  'printerSaid.sent': 'отправлено на {printer} как {job}',
  'printerSaid.notMade': 'документ не удалось сформировать: {reason}',
  'printerSaid.noPoppler':
    'для предпросмотра нужен pdftoppm: установите poppler-utils (печать работает и без него)',
  'printerSaid.notDrawn': 'предпросмотр не удалось нарисовать: {reason}',
  'print.noPrinter': 'не выбран',
  'print.noPrinterOption': 'Не выбран: задания ждут в очереди',
  'print.samePrinter': 'Тот же принтер ({printer})',
  'print.chooseTarget': 'На какой принтер',
  'print.default': 'по умолчанию',
  'print.missing': 'нет в системе',
  'print.printerState': '{printer} — {state}',
  'print.printerStopped': '{printer} — остановлен: {message}',
  'print.noPrinters':
    'Принтеры не найдены: CUPS не установлен или в нём нет принтеров. Задания ждут в очереди.',
  'print.again': 'Печатать снова',
  'print.short': 'Печать',
  'print.againHint': 'Напечатать счёт и этикетку этого заказа ещё раз',
  'print.nothingYet': 'Документы этого заказа ещё не печатались',
  'print.printing': 'Печатаем…',
  'print.retry': 'Повторить',
  'print.reprint': 'Печатать снова',
  'print.attempts': 'Попыток: {n}',
  'print.by': '{user}, {station}',
  'print.documents': 'Документы',
  'print.error': 'Печать: {error}: {message}',
  'print.needPrinter': 'Выберите принтер, на который отправить',

  'printing.queue': 'Очередь печати',
  'printing.empty': 'Заданий печати пока нет',
  'printing.stopped': 'Принтер {printer} остановлен: {message}',
  'printing.preview': 'Предпросмотр',
  'printing.document': 'Документ',
  'printing.order': 'Номер заказа',
  'printing.orderHint': 'Отсканируйте или введите номер заказа',
  'printing.pickList': 'Номер сборочного листа',
  'printing.carrier': 'Перевозчик',
  'printing.date': 'Дата',
  'printing.show': 'Показать',
  'printing.print': 'Печать',
  'printing.loading': 'Готовим документ…',
  'printing.choose': 'Выберите документ и нажмите «Показать» или отсканируйте номер заказа',
  'printing.pages': 'Страниц: {n}',
  'printing.size': 'Размер: {kb} КБ',
  'printing.firstPages': 'Показаны страницы 1–{shown}, всего: {n}',
  'printing.zpl': 'Код ZPL для принтера',
  'printing.page': 'Страница {n}',
  'printing.result': 'Задание печати {id}',

  'settings.title': 'Настройки',
  'settings.station': 'Название станции',
  'settings.user': 'Имя пользователя',
  'settings.language': 'Язык',
  'settings.autoFinish': 'Завершать заказ автоматически после последнего товара',
  'settings.database': 'База данных',
  'settings.dbLocal': 'Локальный файл на этом компьютере (по умолчанию)',
  'settings.dbCustom': 'Другой файл SQLite или общий сервер PostgreSQL',
  'settings.dbField': 'Путь к файлу или адрес postgres://',
  'settings.dbPlaceholder': 'postgres://packbench:пароль@сервер/packbench',
  'settings.test': 'Проверить подключение',
  'settings.testing': 'Проверяем…',
  'settings.testOk': 'Подключено ({engine}): {message}',
  'settings.testFail': 'Не удалось подключиться: {message}',
  'settings.save': 'Сохранить',
  'settings.saving': 'Сохраняем…',
  'settings.saved': 'Сохранено. Используется база: {database}',
  'settings.inUse': 'Сейчас используется',
  'settings.dbFromEnv':
    'Задана переменной PACKBENCH_DATABASE_URL — она важнее выбора выше: выбор сохранится и заработает, когда переменную уберут.',
  'settings.version': 'Packbench {version}',
  'settings.general': 'Станция',
  'settings.printing': 'Печать',
  'settings.autoPrint': 'Печатать счёт и этикетку, когда упаковка завершена',
  'settings.document': 'Документ',
  'settings.printer': 'Принтер',
  'settings.paper': 'Бумага',
  'settings.format': 'Формат',
  'settings.dpi': 'Разрешение',
  'settings.docLang': 'Язык',
  'settings.preview': 'Просмотр',
  'settings.refreshPrinters': 'Обновить список принтеров',
  'settings.savePrint': 'Сохранить настройки печати',
  'settings.printSaved': 'Настройки печати сохранены',
  'settings.noSampleOrder': 'Для образца пока нет ни одного заказа',
  'settings.noSamplePickList': 'Для образца пока нет сборочного листа',
  'settings.previewTitle': 'Предпросмотр: {doc}',
  'settings.seller': 'Продавец',
  'settings.sellerHint': 'Реквизиты магазина: печатаются в счёте, на этикетке и в реестре',
  'settings.sellerReadOnly':
    'Только просмотр: реквизиты продавца может менять старший смены или администратор (ваша роль: {role})',
  'settings.sellerForbidden':
    'Не сохранено: реквизиты продавца может менять только старший смены или администратор. Обратитесь к старшему смены.',
  'settings.saveSeller': 'Сохранить реквизиты',
  'settings.sellerSaved': 'Реквизиты продавца сохранены',
  'settings.unsaved': 'Есть несохранённые изменения',
  'settings.gsSubstitute': 'Символ, который сканер отправляет вместо GS',
  'settings.gsSubstituteHint':
    'Некоторые сканеры не умеют отправлять управляющий символ GS; укажите символ, который они отправляют вместо него. Пусто — нет такого символа.',
  'seller.name': 'Название',
  'seller.address': 'Адрес',
  'seller.phone': 'Телефон',
  'seller.email': 'Эл. почта',
  'seller.inn': 'ИНН',
  'seller.kpp': 'КПП',
  'seller.bank_name': 'Банк',
  'seller.bik': 'БИК',
  'seller.account': 'Расчётный счёт',
  'seller.corr_account': 'Корр. счёт',

  'pick.print': 'Печать листа',
};

export const messages: Record<Language, Record<MessageKey, string>> = { en, ru };

/** The message `key` in `lang`, with `{name}` slots filled from `params`. */
export function translate(lang: Language, key: MessageKey, params?: Params): string {
  const text = messages[lang][key] ?? messages.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (slot, name: string) => {
    const v = params[name];
    if (v === undefined || v === null) return slot;
    if (typeof v === 'object') return translate(lang, v.key, v.params);
    return String(v);
  });
}

/** A message to show later, translated when shown (so a language switch applies). */
export interface Msg {
  key: MessageKey;
  params?: Params;
}

/** The message key for an event kind or scan outcome, if it has one. */
export function historyKey(kind: string): MessageKey | null {
  for (const key of [`event.${kind}`, `outcome.${kind}`]) {
    if (key in en) return key as MessageKey;
  }
  return null;
}

export function statusKey(status: OrderStatus): MessageKey {
  return `status.${status}`;
}

export function paymentKey(status: PaymentStatus): MessageKey {
  return `payment.${status}`;
}

export function roleKey(role: Role): MessageKey {
  return `role.${role}`;
}

export function errorKey(code: string): MessageKey {
  const key = `error.${code}`;
  return key in en ? (key as MessageKey) : 'error.ipc';
}

// Locales chosen for their separators: "1 234,50 ₽" and "€1,234.50"; en-GB
// also gives the 24-hour clock a warehouse shift reads.
const LOCALE: Record<Language, string> = { ru: 'ru-RU', en: 'en-GB' };

export function localeOf(lang: Language): string {
  return LOCALE[lang];
}

// ISO 4217 minor-unit exponents that are not 2.
const EXPONENTS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  HUF: 2,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** Integer minor units of `currency` as the language writes money. */
export function formatMoney(minor: number, currency: string, lang: Language): string {
  const exp = currencyExponent(currency);
  const major = minor / 10 ** exp;
  try {
    return new Intl.NumberFormat(LOCALE[lang], {
      style: 'currency',
      currency,
      minimumFractionDigits: exp,
      maximumFractionDigits: exp,
    }).format(major);
  } catch {
    // An unknown currency code: a plain number and the code.
    return `${major.toFixed(exp)} ${currency}`;
  }
}

/** An ISO UTC time as local date and time. */
export function formatDateTime(iso: string | null | undefined, lang: Language): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALE[lang], {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

/** Short local time for lists: "14:05" today, "21.11 14:05" otherwise. */
export function formatShortTime(
  iso: string | null | undefined,
  lang: Language,
  today = new Date(),
): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === today.toDateString();
  const opts: Intl.DateTimeFormatOptions = sameDay
    ? { hour: '2-digit', minute: '2-digit' }
    : { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(LOCALE[lang], opts).format(d);
}
