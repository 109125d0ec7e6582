-- The order lifecycle and its default transition matrix (domain::status).
INSERT INTO statuses (code, position, label_en, label_ru, max_minutes) VALUES
    ('new',       1,  'New',       'Новый',        NULL),
    ('confirmed', 2,  'Confirmed', 'Подтверждён',  NULL),
    ('picking',   3,  'Picking',   'Сборка',       NULL),
    ('packing',   4,  'Packing',   'Упаковка',     NULL),
    ('ready',     5,  'Ready',     'Готов',        NULL),
    ('shipped',   6,  'Shipped',   'Отправлен',    NULL),
    ('delivered', 7,  'Delivered', 'Доставлен',    NULL),
    ('completed', 8,  'Completed', 'Завершён',     NULL),
    ('returned',  9,  'Returned',  'Возврат',      NULL),
    ('cancelled', 10, 'Cancelled', 'Отменён',      NULL);

INSERT INTO status_transitions (from_status, to_status) VALUES
    ('new', 'confirmed'), ('new', 'cancelled'),
    ('confirmed', 'new'), ('confirmed', 'picking'), ('confirmed', 'packing'), ('confirmed', 'cancelled'),
    ('picking', 'confirmed'), ('picking', 'packing'), ('picking', 'cancelled'),
    ('packing', 'confirmed'), ('packing', 'ready'), ('packing', 'cancelled'),
    ('ready', 'packing'), ('ready', 'shipped'), ('ready', 'cancelled'),
    ('shipped', 'delivered'), ('shipped', 'returned'),
    ('delivered', 'completed'), ('delivered', 'returned'),
    ('completed', 'returned'),
    ('returned', 'completed');
