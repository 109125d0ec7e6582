//! A demo warehouse: about 200 household, kitchen and stationery products and
//! 50 orders, the same for the same seed, so the app can be tried (and the
//! docs and tests can point at order 1001) without a shop to import from.
//!
//! The word lists also feed the benchmark generator through [`product_name`]
//! and [`customer`], which need no random generator so a million orders cost
//! only string formatting.

use crate::domain::barcode::gtin_check_digit;
use crate::domain::{
    NewLine, NewOrder, NewProduct, OrderStatus, PaymentStatus, ProductBarcode, StockEntry,
};
use chrono::{DateTime, Utc};
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;

/// Products in the demo warehouse, SKUs PB-0001 to PB-0200.
pub const PRODUCT_COUNT: usize = 200;
/// Orders in the demo warehouse, numbers 1001 to 1050.
pub const ORDER_COUNT: usize = 50;
/// Russian VAT in basis points, as the demo prices are written.
pub const RU_VAT_BP: i64 = 2000;
/// German VAT in basis points, used for the orders priced in euros.
pub const DE_VAT_BP: i64 = 1900;

/// What the demo loader stores: products first, then orders that name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoWarehouse {
    pub products: Vec<NewProduct>,
    pub orders: Vec<NewOrder>,
}

/// A product family: a name pattern with two slots filled from `a` and `b`,
/// and the weight and price of its smallest size.
struct Family {
    pattern: &'static str,
    a: &'static [&'static str],
    b: &'static [&'static str],
    weight_g: i64,
    price_rub: i64,
}

const fn family(
    pattern: &'static str,
    a: &'static [&'static str],
    b: &'static [&'static str],
    weight_g: i64,
    price_rub: i64,
) -> Family {
    Family {
        pattern,
        a,
        b,
        weight_g,
        price_rub,
    }
}

/// Russian and English goods side by side, as a Russian shop that also sells
/// imported stationery lists them. Every `a` list has at least eight words so
/// the 200 demo products all get different names.
const FAMILIES: &[Family] = &[
    family(
        "Кружка «{a}» {b} мл",
        &[
            "Утро",
            "Вечер",
            "Север",
            "Лаванда",
            "Классика",
            "Сказка",
            "Полночь",
            "Акварель",
            "Ромашка",
            "Графит",
        ],
        &["250", "300", "350", "400", "450"],
        320,
        490,
    ),
    family(
        "Notebook {b} {a}",
        &[
            "dotted",
            "lined",
            "squared",
            "plain",
            "kraft dotted",
            "hardcover lined",
            "spiral squared",
            "linen dotted",
            "soft-cover plain",
        ],
        &["A5", "A4", "A6", "B5"],
        260,
        390,
    ),
    family(
        "Чайник {a} {b} л",
        &[
            "электрический",
            "заварочный стеклянный",
            "эмалированный «Гжель»",
            "со свистком",
            "керамический",
            "из нержавеющей стали",
            "электрический с подсветкой",
            "заварочный фарфоровый",
        ],
        &["0,8", "1,0", "1,2", "1,5", "1,7"],
        950,
        2490,
    ),
    family(
        "Салфетки бумажные {a}, {b} шт",
        &[
            "белые",
            "трёхслойные",
            "«Весна»",
            "цветные",
            "с тиснением",
            "двухслойные",
            "праздничные",
            "бежевые",
            "«Кухня»",
        ],
        &["50", "100", "150", "200"],
        190,
        120,
    ),
    family(
        "Gel pen {a}, {b}",
        &[
            "black", "blue", "red", "green", "violet", "teal", "sepia", "burgundy", "navy",
        ],
        &["0.5 mm", "0.7 mm", "0.38 mm"],
        12,
        90,
    ),
    family(
        "Тарелка {a} {b} см",
        &[
            "обеденная",
            "десертная",
            "глубокая",
            "суповая",
            "сервировочная",
            "пирожковая",
            "фарфоровая «Белый лён»",
            "керамическая «Графит»",
            "«Прованс»",
        ],
        &["17", "19", "21", "24", "27"],
        480,
        450,
    ),
    family(
        "Полотенце кухонное «{a}» {b}",
        &[
            "Клетка",
            "Лимоны",
            "Прованс",
            "Ёлочка",
            "Полоска",
            "Васильки",
            "Кофе",
            "Вафли",
            "Оливки",
        ],
        &["40×60 см", "45×70 см", "50×70 см"],
        120,
        350,
    ),
    family(
        "Enamel mug {a}, {b} ml",
        &[
            "white",
            "navy",
            "forest green",
            "speckled grey",
            "mustard",
            "cream with blue rim",
            "black",
            "sky blue",
            "terracotta",
        ],
        &["300", "350", "500"],
        260,
        690,
    ),
    family(
        "Губки для посуды {a}, {b} шт",
        &[
            "поролоновые",
            "с абразивом",
            "целлюлозные",
            "«Чистюля»",
            "для тефлона",
            "крупнопористые",
            "«Эко»",
            "из люфы",
        ],
        &["3", "5", "10"],
        70,
        150,
    ),
    family(
        "Контейнер для еды {a} {b} мл",
        &[
            "стеклянный",
            "пластиковый",
            "с клапаном",
            "прямоугольный",
            "круглый",
            "с двумя отделениями",
            "из боросиликатного стекла",
            "вакуумный",
        ],
        &["350", "500", "750", "1000", "1500"],
        380,
        590,
    ),
    family(
        "Tea towel {a}, {b}",
        &[
            "linen natural",
            "waffle grey",
            "striped blue",
            "red check",
            "lemon print",
            "herringbone sage",
            "cotton white",
            "olive branch",
        ],
        &["pack of 2", "pack of 3", "single"],
        140,
        590,
    ),
    family(
        "Сковорода {a} {b} см",
        &[
            "с антипригарным покрытием",
            "чугунная",
            "блинная",
            "гриль",
            "алюминиевая литая",
            "керамическая",
            "глубокая с крышкой",
            "«Шеф»",
        ],
        &["20", "24", "26", "28"],
        1200,
        1890,
    ),
    family(
        "Glass storage jar with {a}, {b}",
        &[
            "bamboo lid",
            "clip top",
            "cork stopper",
            "swing top",
            "steel lid",
            "wooden spoon",
            "airtight seal",
            "glass lid",
        ],
        &["500 ml", "750 ml", "1 l", "1.5 l"],
        560,
        490,
    ),
    family(
        "Тетрадь {b} листов, {a}",
        &[
            "клетка",
            "линейка",
            "«Космос»",
            "«Котики»",
            "«Геометрия»",
            "«Городской скетч»",
            "на спирали",
            "в твёрдой обложке",
        ],
        &["12", "18", "48", "96"],
        90,
        60,
    ),
    family(
        "Ручка {a}, {b}",
        &[
            "шариковая синяя",
            "шариковая чёрная",
            "гелевая синяя",
            "гелевая красная",
            "капиллярная чёрная",
            "автоматическая синяя",
            "шариковая «Офис»",
            "перьевая",
        ],
        &["0,5 мм", "0,7 мм", "1,0 мм"],
        12,
        60,
    ),
    family(
        "Sticky notes {a}, {b}",
        &[
            "76×76 mm yellow",
            "76×76 mm neon",
            "38×51 mm pastel",
            "127×76 mm lined",
            "76×76 mm recycled",
            "100×100 mm grid",
            "76×76 mm transparent",
            "page markers",
        ],
        &["100 sheets", "4 pads", "12 pads"],
        90,
        190,
    ),
    family(
        "Свеча ароматическая «{a}» {b} г",
        &[
            "Ваниль",
            "Хвоя",
            "Лаванда",
            "Кедр",
            "Апельсин",
            "Корица",
            "Морской бриз",
            "Жасмин",
            "Табак и ваниль",
        ],
        &["120", "200", "300"],
        320,
        790,
    ),
    family(
        "Доска разделочная {a} {b}",
        &[
            "бамбуковая",
            "дубовая",
            "буковая",
            "пластиковая",
            "стеклянная",
            "из акации",
            "берёзовая",
            "с желобком",
        ],
        &["25×15 см", "30×20 см", "40×25 см"],
        650,
        690,
    ),
    family(
        "French press {a}, {b}",
        &[
            "glass and steel",
            "matte black",
            "copper",
            "double-wall steel",
            "borosilicate glass",
            "cork sleeve",
            "white enamel",
            "bamboo",
        ],
        &["350 ml", "600 ml", "1 l"],
        720,
        1990,
    ),
    family(
        "Банка для сыпучих «{a}» {b} л",
        &[
            "Кофе",
            "Чай",
            "Сахар",
            "Крупа",
            "Мука",
            "Специи",
            "Макароны",
            "Соль",
        ],
        &["0,5", "0,75", "1", "1,5"],
        420,
        390,
    ),
    family(
        "Scented candle {a}, {b} g",
        &[
            "Fig & Cedar",
            "Sea Salt",
            "Vanilla Bean",
            "Pine Forest",
            "Lemongrass",
            "Amber & Oud",
            "Fresh Linen",
            "Blackcurrant",
        ],
        &["150", "220"],
        330,
        990,
    ),
    family(
        "Скотч {a} {b}",
        &[
            "упаковочный прозрачный",
            "упаковочный коричневый",
            "малярный",
            "двусторонний",
            "канцелярский",
            "армированный",
            "«Хрупкое»",
            "цветной",
        ],
        &["48 мм × 66 м", "19 мм × 33 м", "50 мм × 150 м"],
        160,
        120,
    ),
    family(
        "Desk organiser {a}, {b}",
        &[
            "bamboo",
            "metal mesh",
            "grey felt",
            "walnut",
            "white oak",
            "black steel",
            "clear acrylic",
            "cork",
        ],
        &["3 compartments", "5 compartments", "with drawer"],
        650,
        1290,
    ),
    family(
        "Плед {a} {b} см",
        &[
            "флисовый «Горы»",
            "вязаный серый",
            "клетчатый",
            "из микрофибры",
            "шерстяной «Шотландия»",
            "с рукавами",
            "хлопковый",
            "«Уют»",
        ],
        &["130×170", "150×200", "180×220"],
        950,
        1990,
    ),
    family(
        "Stapler {a}, {b}",
        &[
            "No. 10",
            "No. 24/6",
            "heavy-duty",
            "mini",
            "long-reach",
            "plier",
            "electric",
            "flat-clinch",
        ],
        &["black", "silver", "blue"],
        220,
        390,
    ),
];

/// The family of product `i` and the indices of its two words. Consecutive
/// products walk through the families, so any run of products is varied.
fn family_of(i: usize) -> (&'static Family, usize, usize) {
    let f = &FAMILIES[i % FAMILIES.len()];
    let k = i / FAMILIES.len();
    // Shifting `b` each time `a` wraps around gives every (a, b) pair before
    // a name repeats.
    (f, k % f.a.len(), (k + k / f.a.len()) % f.b.len())
}

/// The category of each family, in the order of `FAMILIES`.
const FAMILY_CATEGORIES: [&str; 25] = [
    "Посуда",
    "Канцелярия",
    "Кухня",
    "Хозяйство",
    "Канцелярия",
    "Посуда",
    "Текстиль",
    "Посуда",
    "Хозяйство",
    "Хранение",
    "Текстиль",
    "Кухня",
    "Хранение",
    "Канцелярия",
    "Канцелярия",
    "Канцелярия",
    "Декор",
    "Кухня",
    "Кухня",
    "Хранение",
    "Декор",
    "Канцелярия",
    "Канцелярия",
    "Текстиль",
    "Канцелярия",
];

/// The category of product `i`.
pub fn product_category(i: usize) -> &'static str {
    FAMILY_CATEGORIES[i % FAMILIES.len() % FAMILY_CATEGORIES.len()]
}

/// The name of product `i` (0-based; SKU PB-0001 is product 0). Cheap and
/// deterministic; names repeat only after several hundred products.
pub fn product_name(i: usize) -> String {
    let (f, a, b) = family_of(i);
    f.pattern.replace("{a}", f.a[a]).replace("{b}", f.b[b])
}

/// A well-mixed number from an index, so neighbouring customers get
/// unrelated phone numbers and house numbers (SplitMix64).
fn mix(i: usize, salt: u64) -> u64 {
    let mut z = (i as u64)
        .wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<'a>(list: &[&'a str], n: u64) -> &'a str {
    list[(n % list.len() as u64) as usize]
}

const RU_SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Петров",
    "Волков",
    "Соловьёв",
    "Васильев",
    "Зайцев",
    "Павлов",
    "Семёнов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Воробьёв",
    "Фёдоров",
    "Михайлов",
    "Беляев",
    "Тарасов",
    "Белов",
    "Комаров",
    "Орлов",
    "Киселёв",
    "Макаров",
    "Андреев",
];
const RU_WOMEN: &[&str] = &[
    "Мария",
    "Анна",
    "Елена",
    "Ольга",
    "Татьяна",
    "Наталья",
    "Ирина",
    "Светлана",
    "Екатерина",
    "Дарья",
    "Ксения",
    "Алина",
    "Юлия",
    "Полина",
    "Виктория",
    "Анастасия",
];
const RU_MEN: &[&str] = &[
    "Алексей",
    "Дмитрий",
    "Сергей",
    "Андрей",
    "Михаил",
    "Иван",
    "Никита",
    "Артём",
    "Павел",
    "Егор",
    "Константин",
    "Роман",
    "Илья",
    "Максим",
    "Владимир",
    "Николай",
];
/// City, first postcode, number of postcodes in use.
const RU_CITIES: &[(&str, u32, u32)] = &[
    ("Москва", 101_000, 28_000),
    ("Санкт-Петербург", 190_000, 9_000),
    ("Казань", 420_000, 140),
    ("Екатеринбург", 620_000, 150),
    ("Новосибирск", 630_000, 130),
    ("Нижний Новгород", 603_000, 160),
    ("Самара", 443_000, 125),
    ("Ростов-на-Дону", 344_000, 110),
    ("Краснодар", 350_000, 90),
    ("Пермь", 614_000, 110),
    ("Воронеж", 394_000, 95),
    ("Тюмень", 625_000, 60),
    ("Ярославль", 150_000, 65),
    ("Томск", 634_000, 60),
    ("Калининград", 236_000, 40),
    ("Владивосток", 690_000, 100),
];
const RU_STREETS: &[&str] = &[
    "ул. Ленина",
    "ул. Садовая",
    "пр-т Мира",
    "ул. Гагарина",
    "ул. Советская",
    "ул. Пушкина",
    "ул. Молодёжная",
    "ул. Лесная",
    "ул. Школьная",
    "ул. Набережная",
    "ул. Октябрьская",
    "б-р Победы",
    "ул. Чехова",
    "пер. Почтовый",
    "ул. Зелёная",
    "ул. Строителей",
];
const UK_FIRST: &[&str] = &[
    "Oliver", "Amelia", "George", "Isla", "Harry", "Olivia", "Jack", "Emily", "Charlie", "Sophie",
    "Thomas", "Grace",
];
const UK_LAST: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Davies", "Walker",
    "Wright", "Thompson", "Hughes",
];
/// Town and the outward part of its postcodes.
const UK_TOWNS: &[(&str, &[&str])] = &[
    ("London", &["N1", "SE1", "E8", "NW3"]),
    ("Manchester", &["M1", "M4", "M20"]),
    ("Leeds", &["LS1", "LS6"]),
    ("Bristol", &["BS1", "BS8"]),
    ("Edinburgh", &["EH1", "EH3"]),
    ("Brighton", &["BN1", "BN2"]),
];
const UK_STREETS: &[&str] = &[
    "Station Road",
    "High Street",
    "Church Lane",
    "Victoria Road",
    "Park Avenue",
    "Mill Lane",
    "Queen Street",
    "Kings Road",
];
const DE_FIRST: &[&str] = &[
    "Lukas",
    "Anna",
    "Jonas",
    "Lea",
    "Leon",
    "Hannah",
    "Felix",
    "Mia",
    "Paul",
    "Lena",
    "Maximilian",
    "Sophie",
];
const DE_LAST: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
];
/// City, first postcode, number of postcodes in use.
const DE_CITIES: &[(&str, u32, u32)] = &[
    ("Berlin", 10_115, 4_000),
    ("Hamburg", 20_095, 2_600),
    ("München", 80_331, 1_500),
    ("Köln", 50_667, 480),
    ("Leipzig", 4_103, 250),
    ("Frankfurt am Main", 60_306, 290),
];
const DE_STREETS: &[&str] = &[
    "Hauptstraße",
    "Lindenstraße",
    "Bahnhofstraße",
    "Gartenstraße",
    "Schillerstraße",
    "Goethestraße",
    "Bergstraße",
    "Am Markt",
];
/// Reserved for documentation (RFC 2606), so no demo e-mail reaches anyone.
const MAIL_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// Where a customer lives; it decides the currency and delivery of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    Russia,
    Uk,
    Germany,
}

/// Four customers in five are in Russia; the rest alternate UK and Germany.
fn region_of(i: usize) -> Region {
    match (i % 5, (i / 5) % 2) {
        (4, 0) => Region::Uk,
        (4, _) => Region::Germany,
        _ => Region::Russia,
    }
}

/// Latin letters for a Russian name, as people write it in e-mail addresses.
fn transliterate(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let latin = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'ъ' | 'ь' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(latin);
    }
    out
}

fn email(first: &str, last: &str, i: usize) -> String {
    let (f, l) = (transliterate(first), transliterate(last));
    let local = match i % 3 {
        0 => format!("{f}.{l}"),
        1 => format!("{f}_{l}{}", 70 + mix(i, 1) % 30),
        _ => format!("{}{l}", f.chars().next().unwrap_or('x')),
    };
    format!("{local}@{}", pick(MAIL_DOMAINS, mix(i, 2)))
}

/// Customer `i`: name, e-mail, phone and shipping address. Cheap and
/// deterministic; customer 0 is Иванова Мария, the customer of order 1001.
/// Russian names are written surname first, as Russian shops list them.
pub fn customer(i: usize) -> (String, String, String, String) {
    let n = mix(i, 3);
    let house = 1 + mix(i, 4) % 120;
    match region_of(i) {
        Region::Russia => {
            let woman = i.is_multiple_of(2);
            let first = if woman {
                pick(RU_WOMEN, (i / 2 + i / 37) as u64)
            } else {
                pick(RU_MEN, (i / 2 + i / 41) as u64)
            };
            let surname = pick(RU_SURNAMES, i.wrapping_mul(7).wrapping_add(i / 31) as u64);
            let surname = if woman {
                format!("{surname}а")
            } else {
                surname.to_string()
            };
            let phone = format!(
                "+7 9{:02} {:03}-{:02}-{:02}",
                n % 100,
                n / 100 % 1000,
                n / 100_000 % 100,
                n / 10_000_000 % 100
            );
            let (city, first_code, codes) =
                RU_CITIES[(mix(i, 5) % RU_CITIES.len() as u64) as usize];
            let postcode = first_code + (mix(i, 6) % u64::from(codes)) as u32;
            let street = pick(RU_STREETS, mix(i, 7));
            let mut address = format!("{postcode:06}, г. {city}, {street}, д. {house}");
            if mix(i, 8).is_multiple_of(5) {
                address.push_str(&format!(", корп. {}", 1 + mix(i, 9) % 4));
            }
            if !mix(i, 10).is_multiple_of(8) {
                address.push_str(&format!(", кв. {}", 1 + mix(i, 11) % 240));
            }
            let mail = email(first, &surname, i);
            (format!("{surname} {first}"), mail, phone, address)
        }
        Region::Uk => {
            let first = pick(UK_FIRST, (i / 10) as u64);
            let last = pick(UK_LAST, (i / 10 * 5 + i / 130) as u64);
            // Ofcom keeps 020 7946 0000-0999 for drama, so it rings nobody.
            let phone = format!("+44 20 7946 0{:03}", n % 1000);
            let (town, outward) = UK_TOWNS[(mix(i, 5) % UK_TOWNS.len() as u64) as usize];
            const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
            let letter = |k: u64| INWARD[(k % INWARD.len() as u64) as usize] as char;
            let postcode = format!(
                "{} {}{}{}",
                pick(outward, mix(i, 6)),
                mix(i, 7) % 10,
                letter(mix(i, 8)),
                letter(mix(i, 9))
            );
            let street = pick(UK_STREETS, mix(i, 10));
            let address = format!("{house} {street}, {town} {postcode}, United Kingdom");
            let name = format!("{first} {last}");
            (name, email(first, last, i), phone, address)
        }
        Region::Germany => {
            let first = pick(DE_FIRST, (i / 10) as u64);
            let last = pick(DE_LAST, (i / 10 * 5 + i / 130) as u64);
            // 030 23125 000-999 is set aside for films and books.
            let phone = format!("+49 30 23125 {:03}", n % 1000);
            let (city, first_code, codes) =
                DE_CITIES[(mix(i, 5) % DE_CITIES.len() as u64) as usize];
            let postcode = first_code + (mix(i, 6) % u64::from(codes)) as u32;
            let street = pick(DE_STREETS, mix(i, 7));
            let address = format!("{street} {house}, {postcode:05} {city}, Deutschland");
            let name = format!("{first} {last}");
            (name, email(first, last, i), phone, address)
        }
    }
}

const RU_COMMENTS: &[&str] = &[
    "позвонить перед доставкой",
    "оставить у двери",
    "упаковать как подарок, без чека в коробке",
    "хрупкое, упакуйте понадёжнее",
    "доставка после 18:00",
    "домофон не работает, позвонить",
];
const EN_COMMENTS: &[&str] = &[
    "Please leave with a neighbour if I'm out",
    "Gift: no invoice in the box, please",
    "Fragile, pack with care",
];

/// Every bin of the demo racks: aisles A-F, racks 01-12, shelves 1-4.
fn all_bins() -> Vec<String> {
    let mut bins = Vec::new();
    for aisle in ['A', 'B', 'C', 'D', 'E', 'F'] {
        for rack in 1..=12 {
            for shelf in 1..=4 {
                bins.push(format!("{aisle}-{rack:02}-{shelf}"));
            }
        }
    }
    bins
}

/// A code with its GTIN check digit appended; `body` is always digits here.
fn with_check_digit(body: &str) -> String {
    let check = gtin_check_digit(body).unwrap_or(0);
    format!("{body}{check}")
}

/// A shop price near `base` rubles, ending in 90 (or 9 when cheap), in kopecks.
fn shop_price(base: i64) -> i64 {
    let rubles = if base >= 150 {
        ((base + 50) / 100 * 100 - 10).max(90)
    } else {
        ((base + 5) / 10 * 10 - 1).max(9)
    };
    rubles * 100
}

/// The euro price the shop lists for a ruble price, ending in .99, in cents:
/// about 70 ₽ to the euro, since export prices carry shipping risk and fees.
fn euro_price(rub_minor: i64) -> i64 {
    (rub_minor / 7_000 + 1) * 100 - 1
}

/// Weighted choice: `weights` pairs a value with its share.
fn weighted<T: Copy>(rng: &mut SmallRng, weights: &[(T, u32)]) -> T {
    let total: u32 = weights.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for &(value, w) in weights {
        if roll < w {
            return value;
        }
        roll -= w;
    }
    weights[0].0
}

/// Statuses of orders 1001-1050, oldest first: order 1001 waits to be packed,
/// the next dozen have moved on, most of the rest wait at the packing table
/// and the newest eight are not confirmed yet.
fn statuses() -> Vec<OrderStatus> {
    use OrderStatus::*;
    let mut s = vec![Confirmed];
    s.extend([
        Completed, Delivered, Completed, Cancelled, Delivered, Shipped, Shipped, Ready, Shipped,
        Cancelled, Ready, Ready,
    ]);
    while s.len() < ORDER_COUNT - 8 {
        s.push(Confirmed);
    }
    s.resize(ORDER_COUNT, New);
    s
}

/// A demo product before it becomes a [`NewProduct`], with what orders need.
struct Stocked {
    product: NewProduct,
    price_rub_minor: i64,
    case_units: Option<i64>,
    /// Units not yet promised to a confirmed order.
    available: i64,
}

fn demo_products(rng: &mut SmallRng) -> Vec<Stocked> {
    // GS1 Russia prefix 460 and a company number; item numbers step by 7
    // (coprime with 100000) from a random start, so they never collide.
    let company: u32 = rng.gen_range(1000..10_000);
    let first_item: usize = rng.gen_range(0..100_000);
    let mut bins = all_bins();
    bins.shuffle(rng);
    let (default_bins, spare_bins) = bins.split_at(PRODUCT_COUNT.min(bins.len()));
    let mut spare_bins = spare_bins.iter();

    let mut out = Vec::with_capacity(PRODUCT_COUNT);
    for i in 0..PRODUCT_COUNT {
        let (family, _, size) = family_of(i);
        let size = size as i64;
        let grams = family.weight_g * (100 + 15 * size) / 100 * rng.gen_range(90..=110) / 100;
        let weight_g = (grams + 2) / 5 * 5;
        let price = family.price_rub * (100 + 15 * size) / 100 * rng.gen_range(80..=125) / 100;

        let item = (first_item + i * 7) % 100_000;
        let ean_body = format!("460{company:04}{item:05}");
        let mut barcodes = vec![ProductBarcode {
            code: with_check_digit(&ean_body),
            units: 1,
        }];
        let case_units = rng
            .gen_ratio(1, 6)
            .then(|| *[6, 12].choose(rng).unwrap_or(&6));
        if let Some(units) = case_units {
            // Indicator digit 1 in front of the item's EAN-13 without its check
            // digit: the usual GTIN-14 of an outer case.
            barcodes.push(ProductBarcode {
                code: with_check_digit(&format!("1{ean_body}")),
                units,
            });
        }

        let default_bin = default_bins.get(i).cloned();
        let on_hand = match case_units {
            // Case goods arrive by the case, so they are rarely short.
            Some(units) => units * rng.gen_range(2..=6),
            None if rng.gen_ratio(1, 20) => 0,
            None => rng.gen_range(1..=60),
        };
        let mut stock = Vec::new();
        if let Some(bin) = &default_bin {
            stock.push(StockEntry {
                bin: bin.clone(),
                on_hand,
            });
        }
        if on_hand > 0 && rng.gen_ratio(1, 7) {
            if let Some(bin) = spare_bins.next() {
                stock.push(StockEntry {
                    bin: bin.clone(),
                    on_hand: rng.gen_range(6..=48),
                });
            }
        }
        let available = stock.iter().map(|s| s.on_hand).sum();
        out.push(Stocked {
            product: NewProduct {
                sku: format!("PB-{:04}", i + 1),
                name: product_name(i),
                category: Some(product_category(i).to_string()),
                weight_g,
                default_bin,
                barcodes,
                stock,
            },
            price_rub_minor: shop_price(price),
            case_units,
            available,
        });
    }
    out
}

/// A product for a new line and the quantity ordered: not yet in the order
/// and, when `reserve` is set, with that many units still free (which are
/// then promised). `quantity` says how many units a product would be ordered
/// in, or `None` if it does not fit this line.
fn choose_product(
    rng: &mut SmallRng,
    stocked: &mut [Stocked],
    used: &BTreeSet<usize>,
    reserve: bool,
    quantity: impl Fn(&Stocked) -> Option<i64>,
) -> Option<(usize, i64)> {
    let len = stocked.len();
    let start = rng.gen_range(0..len.max(1));
    // Stepping by 37 (coprime with 200) from a random start visits every
    // product once in a scattered order.
    let (idx, qty) = (0..len)
        .map(|k| (start + k * 37) % len)
        .chain(0..len)
        .filter(|idx| !used.contains(idx))
        .find_map(|idx| {
            let qty = quantity(&stocked[idx])?;
            (!reserve || stocked[idx].available >= qty).then_some((idx, qty))
        })?;
    if reserve {
        stocked[idx].available -= qty;
    }
    Some((idx, qty))
}

/// About 200 products and 50 orders. `now` anchors created_at times (orders
/// spread over the last 3 days before `now`). Confirmed orders only take
/// stock that is on hand, so every one of them can be packed in the demo.
pub fn demo_warehouse(seed: u64, now: DateTime<Utc>) -> DemoWarehouse {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut stocked = demo_products(&mut rng);
    let statuses = statuses();
    let customer_offset = rng.gen_range(1..5_000);
    let window_s: i64 = 3 * 24 * 3600;
    let step_s = window_s / ORDER_COUNT as i64;

    let mut orders = Vec::with_capacity(ORDER_COUNT);
    for (k, &status) in statuses.iter().enumerate() {
        let first = k == 0;
        // Order 1001 is the one docs and tests walk through: the customer,
        // delivery and note of the packing-station sketch in DESIGN.md.
        let who = if first {
            0
        } else {
            customer_offset + k * 13 + rng.gen_range(0..13)
        };
        let (customer_name, email, phone, shipping_address) = customer(who);
        let region = region_of(who);
        let euro = region != Region::Russia;
        let (currency, tax_rate_bp) = if euro {
            ("EUR", DE_VAT_BP)
        } else {
            ("RUB", RU_VAT_BP)
        };
        let channel = if euro {
            weighted(&mut rng, &[("shopify", 3), ("woocommerce", 1)])
        } else {
            weighted(
                &mut rng,
                &[("web", 9), ("phone", 4), ("shopify", 3), ("woocommerce", 4)],
            )
        };
        let (delivery_method, mut delivery_cost_minor) = if euro {
            ("DHL Express", 2490)
        } else if first {
            ("СДЭК", 35_000)
        } else {
            weighted(
                &mut rng,
                &[
                    (("СДЭК", 35_000), 8),
                    (("Почта России", 25_000), 5),
                    (("Boxberry", 29_000), 4),
                    (("Самовывоз", 0), 3),
                ],
            )
        };

        let reserve = status == OrderStatus::Confirmed;
        let line_count = if first {
            rng.gen_range(2..=3)
        } else {
            weighted(&mut rng, &[(1, 7), (2, 6), (3, 4), (4, 2), (5, 1)])
        };
        let case_line = !first && rng.gen_ratio(1, 8);
        let mut used = BTreeSet::new();
        let mut lines = Vec::new();
        for n in 0..line_count {
            let quantity = if first {
                if n == 0 {
                    2
                } else {
                    1
                }
            } else {
                weighted(&mut rng, &[(1, 13), (2, 5), (3, 2)])
            };
            // A whole case of a product that has a case barcode, so one scan
            // of the case packs the line.
            let case = if case_line && n == 0 {
                choose_product(&mut rng, &mut stocked, &used, reserve, |s| s.case_units)
            } else {
                None
            };
            let chosen = case.or_else(|| {
                choose_product(&mut rng, &mut stocked, &used, reserve, |_| Some(quantity))
            });
            let Some((idx, quantity)) = chosen else {
                continue;
            };
            used.insert(idx);
            let item = &stocked[idx];
            let unit_price_minor = if euro {
                euro_price(item.price_rub_minor)
            } else {
                item.price_rub_minor
            };
            // An occasional promotion: 10% off the line, in whole rubles or euros.
            let discount_minor = if rng.gen_ratio(1, 10) {
                unit_price_minor * quantity / 10 / 100 * 100
            } else {
                0
            };
            lines.push(NewLine {
                sku: item.product.sku.clone(),
                name: item.product.name.clone(),
                quantity,
                unit_price_minor,
                discount_minor,
                tax_rate_bp,
            });
        }
        if lines.is_empty() {
            // Only reachable if the warehouse ran out of stock; an order must
            // still have a line, so take the first product unreserved.
            if let Some(item) = stocked.first() {
                lines.push(NewLine {
                    sku: item.product.sku.clone(),
                    name: item.product.name.clone(),
                    quantity: 1,
                    unit_price_minor: if euro {
                        euro_price(item.price_rub_minor)
                    } else {
                        item.price_rub_minor
                    },
                    discount_minor: 0,
                    tax_rate_bp,
                });
            }
        }
        let goods: i64 = lines
            .iter()
            .map(|l| l.unit_price_minor * l.quantity - l.discount_minor)
            .sum();
        if !euro && goods >= 500_000 {
            // Free delivery from 5 000 ₽, as most Russian shops offer.
            delivery_cost_minor = 0;
        }

        let payment_status = match status {
            OrderStatus::Cancelled if rng.gen_bool(0.5) => PaymentStatus::Refunded,
            OrderStatus::Cancelled => PaymentStatus::AwaitingPayment,
            OrderStatus::New if rng.gen_bool(0.5) => PaymentStatus::AwaitingPayment,
            OrderStatus::Completed if rng.gen_ratio(1, 3) => PaymentStatus::PartiallyRefunded,
            // Cash on delivery for phone orders.
            OrderStatus::Confirmed if !first && channel == "phone" && rng.gen_bool(0.4) => {
                PaymentStatus::AwaitingPayment
            }
            _ => PaymentStatus::Paid,
        };
        let comment = if first {
            "позвонить перед доставкой".to_string()
        } else if rng.gen_ratio(1, 5) {
            let list = if euro { EN_COMMENTS } else { RU_COMMENTS };
            list.choose(&mut rng)
                .copied()
                .unwrap_or_default()
                .to_string()
        } else {
            String::new()
        };

        let offset_s = window_s - k as i64 * step_s - rng.gen_range(0..step_s / 2);
        let created_at =
            DateTime::from_timestamp(now.timestamp().saturating_sub(offset_s.max(60)), 0)
                .unwrap_or(now);

        orders.push(NewOrder {
            number: (1001 + k).to_string(),
            channel: channel.to_string(),
            customer_name,
            email,
            phone,
            shipping_address,
            delivery_method: delivery_method.to_string(),
            delivery_cost_minor,
            currency: currency.to_string(),
            payment_status,
            comment,
            created_at,
            status,
            lines,
        });
    }

    DemoWarehouse {
        products: stocked.into_iter().map(|s| s.product).collect(),
        orders,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::barcode::{is_valid_gtin, normalize};
    use std::collections::{BTreeMap, HashSet};

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).expect("a valid time")
    }

    fn demo(seed: u64) -> DemoWarehouse {
        demo_warehouse(seed, now())
    }

    #[test]
    fn every_product_and_order_passes_validation() {
        for seed in 0..20 {
            let w = demo(seed);
            assert_eq!(w.products.len(), PRODUCT_COUNT);
            assert_eq!(w.orders.len(), ORDER_COUNT);
            for p in &w.products {
                assert_eq!(p.validate(), Ok(()), "seed {seed}, product {}", p.sku);
            }
            for o in &w.orders {
                assert_eq!(o.validate(), Ok(()), "seed {seed}, order {}", o.number);
            }
        }
    }

    #[test]
    fn skus_barcodes_and_order_numbers_are_unique() {
        for seed in 0..20 {
            let w = demo(seed);
            let skus: HashSet<_> = w.products.iter().map(|p| &p.sku).collect();
            assert_eq!(skus.len(), w.products.len(), "one SKU names one product");
            let codes: Vec<_> = w
                .products
                .iter()
                .flat_map(|p| p.barcodes.iter().map(|b| &b.code))
                .collect();
            let distinct: HashSet<_> = codes.iter().collect();
            assert_eq!(distinct.len(), codes.len(), "one barcode names one product");
            let numbers: HashSet<_> = w.orders.iter().map(|o| &o.number).collect();
            assert_eq!(numbers.len(), w.orders.len());
            let bins: HashSet<_> = w.products.iter().map(|p| &p.default_bin).collect();
            assert_eq!(bins.len(), w.products.len(), "each product has its own bin");
        }
    }

    #[test]
    fn every_barcode_is_a_valid_gtin_that_survives_normalisation() {
        let w = demo(7);
        let mut cases = 0;
        for p in &w.products {
            let unit = &p.barcodes[0];
            assert!(
                unit.code.starts_with("460") && unit.code.len() == 13,
                "{unit:?}"
            );
            assert_eq!(unit.units, 1);
            for b in &p.barcodes {
                assert!(
                    is_valid_gtin(&b.code),
                    "{} of {} is no valid GTIN",
                    b.code,
                    p.sku
                );
                assert_eq!(normalize(&b.code).as_deref(), Ok(b.code.as_str()));
            }
            if let Some(case) = p.barcodes.get(1) {
                cases += 1;
                assert!(case.code.starts_with('1') && case.code.len() == 14);
                assert!(matches!(case.units, 6 | 12), "{case:?}");
            }
            assert!(p.barcodes.len() <= 2);
        }
        assert!(
            (15..=55).contains(&cases),
            "about one product in six has a case barcode, got {cases}"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_warehouse() {
        assert_eq!(demo(42), demo(42));
        assert_ne!(demo(42), demo(43), "another seed gives another warehouse");
    }

    #[test]
    fn customers_include_russian_names_in_cyrillic_and_foreign_ones() {
        let w = demo(1);
        let cyrillic = |s: &str| s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
        let russian = w
            .orders
            .iter()
            .filter(|o| cyrillic(&o.customer_name))
            .count();
        assert!(russian >= 25, "most customers are Russian, got {russian}");
        assert!(russian < ORDER_COUNT, "some customers are abroad");
        for o in &w.orders {
            let rub = o.currency == "RUB";
            assert_eq!(
                rub,
                cyrillic(&o.customer_name),
                "{}: Russians pay in rubles",
                o.number
            );
            let tax = if rub { RU_VAT_BP } else { DE_VAT_BP };
            assert!(o.lines.iter().all(|l| l.tax_rate_bp == tax), "{}", o.number);
        }
    }

    #[test]
    fn order_1001_is_confirmed_with_two_or_three_lines_one_of_them_for_two_units() {
        for seed in 0..20 {
            let o = &demo(seed).orders[0];
            assert_eq!(o.number, "1001");
            assert_eq!(o.status, OrderStatus::Confirmed);
            assert!((2..=3).contains(&o.lines.len()), "{:?}", o.lines);
            assert_eq!(o.lines.iter().filter(|l| l.quantity == 2).count(), 1);
            assert_eq!(o.customer_name, "Иванова Мария");
            assert_eq!(o.comment, "позвонить перед доставкой");
        }
    }

    #[test]
    fn lines_name_known_products_once_per_order() {
        let w = demo(3);
        let names: BTreeMap<_, _> = w.products.iter().map(|p| (&p.sku, &p.name)).collect();
        for o in &w.orders {
            let skus: HashSet<_> = o.lines.iter().map(|l| &l.sku).collect();
            assert_eq!(
                skus.len(),
                o.lines.len(),
                "order {} repeats a SKU",
                o.number
            );
            assert!((1..=5).contains(&o.lines.len()));
            for l in &o.lines {
                assert_eq!(names.get(&l.sku), Some(&&l.name), "{}", l.sku);
                assert!(matches!(l.quantity, 1..=3 | 6 | 12), "{l:?}");
                assert!(l.discount_minor <= l.unit_price_minor * l.quantity);
            }
        }
    }

    #[test]
    fn statuses_leave_thirty_orders_to_pack_and_eight_to_confirm() {
        let w = demo(5);
        let count = |s| w.orders.iter().filter(|o| o.status == s).count();
        assert_eq!(count(OrderStatus::Confirmed), 30);
        assert_eq!(count(OrderStatus::New), 8);
        for s in [
            OrderStatus::Ready,
            OrderStatus::Shipped,
            OrderStatus::Delivered,
            OrderStatus::Completed,
            OrderStatus::Cancelled,
        ] {
            assert!(count(s) >= 2, "a few orders are {s}");
        }
        let numbers: Vec<_> = w.orders.iter().map(|o| o.number.as_str()).collect();
        assert_eq!((numbers[0], numbers[49]), ("1001", "1050"));
    }

    #[test]
    fn every_confirmed_order_can_be_packed_from_stock_on_hand() {
        for seed in 0..20 {
            let w = demo(seed);
            let mut on_hand: BTreeMap<&str, i64> = w
                .products
                .iter()
                .map(|p| (p.sku.as_str(), p.stock.iter().map(|s| s.on_hand).sum()))
                .collect();
            for o in w
                .orders
                .iter()
                .filter(|o| o.status == OrderStatus::Confirmed)
            {
                for l in &o.lines {
                    let left = on_hand.get_mut(l.sku.as_str()).expect("a known SKU");
                    *left -= l.quantity;
                    assert!(
                        *left >= 0,
                        "seed {seed}: {} runs out in {}",
                        l.sku,
                        o.number
                    );
                }
            }
        }
    }

    #[test]
    fn orders_are_spread_over_the_three_days_before_now_in_number_order() {
        let w = demo(9);
        let start = now() - chrono::Duration::days(3);
        for pair in w.orders.windows(2) {
            assert!(pair[0].created_at < pair[1].created_at);
        }
        for o in &w.orders {
            assert!(
                o.created_at >= start && o.created_at < now(),
                "{}",
                o.created_at
            );
        }
        let extreme = demo_warehouse(1, DateTime::<Utc>::MIN_UTC);
        assert_eq!(
            extreme.orders.len(),
            ORDER_COUNT,
            "any clock still gives orders"
        );
    }

    #[test]
    fn some_orders_carry_a_case_quantity_a_note_or_a_discount() {
        let all: Vec<_> = (0..5).flat_map(|seed| demo(seed).orders).collect();
        let lines = || all.iter().flat_map(|o| &o.lines);
        assert!(lines().any(|l| l.quantity == 6 || l.quantity == 12));
        assert!(lines().any(|l| l.discount_minor > 0));
        assert!(all.iter().skip(1).any(|o| !o.comment.is_empty()));
        assert!(all.iter().any(|o| o.currency == "EUR"));
        assert!(all
            .iter()
            .any(|o| o.delivery_method == "Самовывоз" && o.delivery_cost_minor == 0));
    }

    #[test]
    fn products_have_distinct_names_in_both_languages_and_sensible_bins() {
        let w = demo(2);
        let names: HashSet<_> = w.products.iter().map(|p| &p.name).collect();
        assert_eq!(
            names.len(),
            PRODUCT_COUNT,
            "no two demo products share a name"
        );
        assert!(w.products.iter().any(|p| p.name.starts_with("Кружка «")));
        assert!(w.products.iter().any(|p| p.name.starts_with("Notebook A5")));
        for p in &w.products {
            let bin = p.default_bin.as_deref().expect("every product has a bin");
            let b = bin.as_bytes();
            assert!(
                bin.len() == 6 && (b'A'..=b'F').contains(&b[0]) && b[1] == b'-' && b[4] == b'-',
                "{bin}"
            );
            assert!(p.weight_g > 0);
        }
        let empty = w
            .products
            .iter()
            .filter(|p| p.stock.iter().all(|s| s.on_hand == 0))
            .count();
        assert!(
            empty < 30,
            "only a few products are out of stock, got {empty}"
        );
    }

    #[test]
    fn the_benchmark_helpers_are_cheap_and_deterministic_for_any_index() {
        assert_eq!(product_name(0), "Кружка «Утро» 250 мл");
        assert_eq!(product_name(12345), product_name(12345));
        assert_eq!(customer(0).0, "Иванова Мария");
        assert_eq!(customer(777), customer(777));
        for i in [1, 4, 9, 999_999, 1_000_000, usize::MAX] {
            let (name, email, phone, address) = customer(i);
            assert!(!name.is_empty() && email.contains('@') && phone.starts_with('+'));
            assert!(!address.is_empty() && !product_name(i).is_empty());
        }
        let (_, email, phone, address) = customer(4);
        assert!(phone.starts_with("+44") && address.ends_with("United Kingdom"));
        assert!(email.is_ascii(), "{email}");
        let (name, email, _, address) = customer(9);
        assert!(address.ends_with("Deutschland"), "{name} {address}");
        assert!(email.is_ascii(), "{email}");
        let distinct: HashSet<_> = (0..1000).map(|i| customer(i).0).collect();
        assert!(distinct.len() > 300, "names vary: {}", distinct.len());
    }
}
