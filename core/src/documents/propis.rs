//! Amounts in words (сумма прописью) as Russian accounting documents print
//! them: the roubles in words with a capital first letter, the kopecks as two
//! digits, each followed by its noun in the right case:
//! "Одна тысяча один рубль 21 копейка", "Ноль рублей 00 копеек".
//!
//! Рубль is masculine (один рубль, два рубля), тысяча feminine (одна тысяча,
//! две тысячи); миллион and above are masculine.

/// The three forms of a noun after a number: 1 рубль, 2 рубля, 5 рублей.
type Forms = [&'static str; 3];

const RUBLE: Forms = ["рубль", "рубля", "рублей"];
const KOPECK: Forms = ["копейка", "копейки", "копеек"];

/// Groups of three digits above the units, with their gender (true:
/// feminine, as тысяча).
const SCALES: [(Forms, bool); 5] = [
    (["тысяча", "тысячи", "тысяч"], true),
    (["миллион", "миллиона", "миллионов"], false),
    (["миллиард", "миллиарда", "миллиардов"], false),
    (["триллион", "триллиона", "триллионов"], false),
    (["квадриллион", "квадриллиона", "квадриллионов"], false),
];

const UNITS: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const UNITS_FEMININE: [&str; 3] = ["", "одна", "две"];
const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];

/// Which form of the noun goes after `n`: 1, 21, 101 → the first; 2–4,
/// 22–24 → the second; 0, 5–20, 25–30, 111–114 → the third.
fn form(n: u64, forms: &Forms) -> &'static str {
    let last_two = n % 100;
    let last = n % 10;
    if (11..=14).contains(&last_two) {
        forms[2]
    } else if last == 1 {
        forms[0]
    } else if (2..=4).contains(&last) {
        forms[1]
    } else {
        forms[2]
    }
}

/// 1..=999 in words, pushed onto `out`.
fn triple(n: u64, feminine: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = (
        (n / 100) as usize,
        (n / 10 % 10) as usize,
        (n % 10) as usize,
    );
    if h > 0 {
        out.push(HUNDREDS[h]);
    }
    if t == 1 {
        out.push(TEENS[u]);
        return;
    }
    if t > 1 {
        out.push(TENS[t]);
    }
    if u > 0 {
        out.push(if feminine && u <= 2 {
            UNITS_FEMININE[u]
        } else {
            UNITS[u]
        });
    }
}

/// A whole number of roubles in words with the noun: "двадцать один рубль".
fn roubles_in_words(roubles: u64) -> Vec<&'static str> {
    let mut words = Vec::new();
    if roubles == 0 {
        words.push("ноль");
    } else {
        // Groups of three digits, highest first.
        let mut groups = Vec::new();
        let mut rest = roubles;
        while rest > 0 {
            groups.push(rest % 1000);
            rest /= 1000;
        }
        for (i, &group) in groups.iter().enumerate().rev() {
            if group == 0 {
                continue;
            }
            if i == 0 {
                triple(group, false, &mut words);
            } else {
                let (forms, feminine) = &SCALES[i - 1];
                triple(group, *feminine, &mut words);
                words.push(form(group, forms));
            }
        }
    }
    words.push(form(roubles, &RUBLE));
    words
}

/// A count in words, masculine, lower case: "три", "двадцать один" (the
/// number of records on a ТОРГ-12, the sheets of a document).
pub fn number(n: u64) -> String {
    let mut words = roubles_in_words(n);
    words.pop();
    words.join(" ")
}

/// An amount in kopecks as it is written in words on ТОРГ-12, УПД and a
/// товарный чек: "Одна тысяча один рубль 21 копейка". A negative amount is
/// refused: no such document is made out for less than nothing.
pub fn rubles(kopecks: i64) -> Result<String, String> {
    if kopecks < 0 {
        return Err(format!(
            "a document's total cannot be negative ({}); the amount in words is for what is owed",
            super::format::amount(kopecks, "RUB", super::Lang::Ru)
        ));
    }
    let kopecks = kopecks as u64;
    let (roubles, rest) = (kopecks / 100, kopecks % 100);
    let text = format!(
        "{} {rest:02} {}",
        roubles_in_words(roubles).join(" "),
        form(rest, &KOPECK)
    );
    let mut chars = text.chars();
    Ok(match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_on_russian_documents() {
        let table: &[(i64, &str)] = &[
            (0, "Ноль рублей 00 копеек"),
            (1, "Ноль рублей 01 копейка"),
            (100, "Один рубль 00 копеек"),
            (200, "Два рубля 00 копеек"),
            (300, "Три рубля 00 копеек"),
            (400, "Четыре рубля 00 копеек"),
            (500, "Пять рублей 00 копеек"),
            (1_100, "Одиннадцать рублей 00 копеек"),
            (2_100, "Двадцать один рубль 00 копеек"),
            (2_200, "Двадцать два рубля 00 копеек"),
            (2_500, "Двадцать пять рублей 00 копеек"),
            (10_000, "Сто рублей 00 копеек"),
            (10_100, "Сто один рубль 00 копеек"),
            (11_100, "Сто одиннадцать рублей 00 копеек"),
            (11_200, "Сто двенадцать рублей 00 копеек"),
            (99_999, "Девятьсот девяносто девять рублей 99 копеек"),
            (100_000, "Одна тысяча рублей 00 копеек"),
            (100_121, "Одна тысяча один рубль 21 копейка"),
            (200_000, "Две тысячи рублей 00 копеек"),
            (500_000, "Пять тысяч рублей 00 копеек"),
            (1_100_000, "Одиннадцать тысяч рублей 00 копеек"),
            (2_100_000, "Двадцать одна тысяча рублей 00 копеек"),
            (2_200_000, "Двадцать две тысячи рублей 00 копеек"),
            (
                12_345_678,
                "Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек",
            ),
            (100_000_000, "Один миллион рублей 00 копеек"),
            (
                100_100_121,
                "Один миллион одна тысяча один рубль 21 копейка",
            ),
            (200_000_000, "Два миллиона рублей 00 копеек"),
            (500_000_000, "Пять миллионов рублей 00 копеек"),
            (200_000_000_000, "Два миллиарда рублей 00 копеек"),
            (100_000_000_000_000, "Один триллион рублей 00 копеек"),
            (102, "Один рубль 02 копейки"),
            (105, "Один рубль 05 копеек"),
            (111, "Один рубль 11 копеек"),
            (112, "Один рубль 12 копеек"),
            (121, "Один рубль 21 копейка"),
            (122, "Один рубль 22 копейки"),
            (199, "Один рубль 99 копеек"),
        ];
        for (kopecks, words) in table {
            assert_eq!(rubles(*kopecks).as_deref(), Ok(*words), "{kopecks} kopecks");
        }
    }

    #[test]
    fn every_teen_takes_the_many_form() {
        let teens = [
            "Десять",
            "Одиннадцать",
            "Двенадцать",
            "Тринадцать",
            "Четырнадцать",
            "Пятнадцать",
            "Шестнадцать",
            "Семнадцать",
            "Восемнадцать",
            "Девятнадцать",
        ];
        for (i, word) in teens.iter().enumerate() {
            let n = 10 + i as i64;
            assert_eq!(
                rubles(n * 100).unwrap(),
                format!("{word} рублей 00 копеек"),
                "{n} roubles"
            );
            assert_eq!(
                rubles(n * 100_000).unwrap(),
                format!("{word} тысяч рублей 00 копеек"),
                "{n} thousand"
            );
            assert_eq!(
                rubles(n).unwrap(),
                format!("Ноль рублей {n} копеек"),
                "{n} kopecks"
            );
            // 111..114, 211..: the teen decides, not the last digit.
            assert!(
                rubles((100 + n) * 100)
                    .unwrap()
                    .ends_with("рублей 00 копеек"),
                "{} roubles",
                100 + n
            );
        }
    }

    #[test]
    fn counts_read_as_numbers() {
        assert_eq!(number(0), "ноль");
        assert_eq!(number(3), "три");
        assert_eq!(number(21), "двадцать один");
        assert_eq!(number(2_012), "две тысячи двенадцать");
    }

    #[test]
    fn the_largest_amount_is_written_and_a_negative_one_refused() {
        let most = rubles(i64::MAX).unwrap();
        assert!(
            most.starts_with("Девяносто два квадриллиона двести тридцать три триллиона"),
            "{most}"
        );
        assert!(
            most.ends_with("семьсот пятьдесят восемь рублей 07 копеек"),
            "{most}"
        );
        let e = rubles(-100).unwrap_err();
        assert!(e.contains("negative") && e.contains("-1,00"), "{e}");
    }
}
