//! "Did you mean ...?" for unknown names.

/// The candidate closest to `name`, if any is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Every candidate close to `name`, best first (for unknown built-in names): close
/// in spelling, or one of them containing the other when that one has at least
/// three letters or digits (so that `-` or `e` is close to nothing).
pub fn all_close<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let word = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).count() >= 3;
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, c)| {
            *score >= 0.75 || (word(name) && c.contains(name)) || (word(c) && name.contains(c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_near_miss_and_nothing_for_a_stranger() {
        assert_eq!(closest("cooks_", ["cooks", "equipment"]), Some("cooks"));
        assert_eq!(closest("zzz", ["cooks", "equipment"]), None);
        assert_eq!(all_close("lunc", ["lunch", "lunch-helper", "cafe"]), vec!["lunch", "lunch-helper"]);
        // A dash, or a letter, is in many names, and close to none of them.
        assert!(all_close("-", ["hi-blocking", "lunch-helper", "coffee-shop"]).is_empty());
        assert!(all_close("e", ["hi-blocking", "lunch-helper", "coffee-shop"]).is_empty());
        assert_eq!(all_close("coffee", ["coffee-shop", "lunch"]), vec!["coffee-shop"]);
    }
}
