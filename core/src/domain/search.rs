//! Words an order is found by. Both engines index the same pre-folded words,
//! so a search means the same on SQLite (FTS5) and PostgreSQL (tsvector).

/// Lower-cased words of `text`, split on everything that is not a letter or
/// a digit. `ё` folds to `е`, as Russian users type both.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('ё', "е"))
        .collect()
}

/// The text stored in an order's search index: its number, customer, e-mail,
/// phone (also as bare digits, with and without the trunk prefix) and comment.
pub fn order_search_text(
    number: &str,
    customer_name: &str,
    email: &str,
    phone: &str,
    comment: &str,
) -> String {
    let mut all = words(number);
    // A number with separators ("1101-2", "PB-1001") is also found typed
    // whole: such a query is read as one word (or as a phone's digits).
    if all.len() > 1 {
        all.push(words(number).concat());
    }
    all.extend(words(customer_name));
    // The mailbox's own words, and the whole address as one token; the
    // domain's words would match half the database ("gmail", "com").
    let local = email.split('@').next().unwrap_or("");
    all.extend(words(local));
    if let Some(token) = email_token(email) {
        all.push(token);
    }
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        // A Russian number is found whichever way it is typed: +7..., 8...
        // or the ten national digits.
        if let Some(national) = russian_national(&digits) {
            all.push(format!("7{national}"));
            all.push(format!("8{national}"));
            all.push(national.to_string());
        } else {
            all.push(digits);
        }
    }
    all.extend(words(comment));
    all.join(" ")
}

/// The ten national digits of a Russian number written with its trunk
/// prefix (`+7 912...` or `8 912...`).
fn russian_national(digits: &str) -> Option<&str> {
    (digits.len() == 11 && (digits.starts_with('7') || digits.starts_with('8')))
        .then(|| &digits[1..])
}

/// An e-mail address as one searchable word: its letters and digits.
fn email_token(email: &str) -> Option<String> {
    if !email.contains('@') {
        return None;
    }
    let token: String = words(email).concat();
    (!token.is_empty()).then_some(token)
}

/// Query words for a prefix search; a phone typed with punctuation is kept
/// as its digits, an e-mail address (or its start) as one word.
pub fn query_words(query: &str) -> Vec<String> {
    let trimmed = query.trim();
    if trimmed.contains('@') && !trimmed.contains(char::is_whitespace) {
        return email_token(trimmed).into_iter().collect();
    }
    let looks_like_phone = trimmed.chars().filter(char::is_ascii_digit).count() >= 5
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if looks_like_phone {
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        // A whole Russian number is looked up by its national digits, which
        // every stored form (+7, 8, none) indexes.
        return vec![russian_national(&digits).unwrap_or(&digits).to_string()];
    }
    words(trimmed)
}

/// The text as typed, lower-cased and with a capital first letter: SQLite's
/// LIKE folds only ASCII, so a Cyrillic word is looked for in the three
/// ways people write it.
pub fn case_variants(q: &str) -> Vec<String> {
    let lower = q.to_lowercase();
    let mut capital: String = lower.chars().take(1).flat_map(char::to_uppercase).collect();
    capital.extend(lower.chars().skip(1));
    let mut all = vec![q.to_string(), lower, capital];
    all.sort();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_names_fold_case_and_yo() {
        assert_eq!(words("Пётр СМИРНОВ"), vec!["петр", "смирнов"]);
    }

    #[test]
    fn a_phone_is_indexed_as_digits_with_and_without_the_trunk_prefix() {
        let t = order_search_text("1001", "Anna", "a@b.c", "+7 (912) 345-67-89", "");
        assert!(
            t.contains("79123456789") && t.contains(" 9123456789"),
            "{t}"
        );
        assert_eq!(query_words("+7 912 345-67-89"), vec!["9123456789"]);
        assert_eq!(query_words("8 (912) 345-67-89"), vec!["9123456789"]);
        let eight = order_search_text("1002", "Anna", "", "8 912 345 67 89", "");
        assert!(eight.contains("79123456789"), "{eight}");
        // Typing the start of the number finds it too.
        assert_eq!(query_words("+7 912 34"), vec!["791234"]);
    }

    #[test]
    fn an_email_is_split_into_words() {
        assert_eq!(
            words("anna.k@example.com"),
            vec!["anna", "k", "example", "com"]
        );
    }
}
