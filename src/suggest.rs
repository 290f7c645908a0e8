//! "Did you mean" suggestions for unknown names.

use crate::error::{capped_join, quote};

/// Edit distance between two strings, compared case-insensitively, where
/// swapping two neighbouring characters counts as one edit (the commonest typo).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    // Out-of-range reads cannot happen; a large value keeps `min` honest if they did.
    let get =
        |d: &[usize], i: usize, j: usize| d.get(i * width + j).copied().unwrap_or(usize::MAX / 2);
    let set = |d: &mut [usize], i: usize, j: usize, v: usize| {
        if let Some(slot) = d.get_mut(i * width + j) {
            *slot = v;
        }
    };
    for i in 0..=a.len() {
        set(&mut d, i, 0, i);
    }
    for j in 0..=b.len() {
        set(&mut d, 0, j, j);
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a.get(i - 1) != b.get(j - 1));
            let mut v = (get(&d, i - 1, j) + 1)
                .min(get(&d, i, j - 1) + 1)
                .min(get(&d, i - 1, j - 1) + cost);
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                v = v.min(get(&d, i - 2, j - 2) + 1);
            }
            set(&mut d, i, j, v);
        }
    }
    get(&d, a.len(), b.len())
}

/// How many known names at most get the full edit distance, per unknown
/// name: those with the lowest bound (see [`nearest`]).
const CANDIDATES: usize = 256;

/// The characters of `text`, lowercased, sorted: the bag that
/// [`bag_bound`] compares.
fn bag(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    chars.sort_unstable();
    chars
}

/// A lower bound of [`distance`]: of two bags of characters, the larger of
/// the counts of characters one has and the other lacks. An insertion or a
/// deletion changes one count, a substitution one of each, a swap neither.
fn bag_bound(a: &[char], b: &[char]) -> usize {
    let (mut i, mut j, mut only_a, mut only_b) = (0, 0, 0usize, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                only_a += 1;
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                only_b += 1;
                j += 1;
            }
        }
    }
    (only_a + a.len().saturating_sub(i)).max(only_b + b.len().saturating_sub(j))
}

/// The known name nearest to `unknown`, if one is near enough to be a likely typo.
///
/// The work is bounded whatever the number of known names: each is looked
/// at once, in time linear in its length (its length, then its bag of
/// characters, must be near enough), and only the [`CANDIDATES`] with the
/// lowest bound, ties broken by name, get the edit distance, which costs
/// the product of the two lengths (at most 64 characters for `unknown`).
/// Among more than that many near names, the nearest may be missed.
pub(crate) fn nearest<'a, I>(unknown: &str, known: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    // Names longer than this get no suggestion: a typo there is unlikely,
    // and the distance costs the product of the two lengths.
    const LONGEST: usize = 64;
    let n = unknown.chars().count();
    if n > LONGEST {
        return None;
    }
    let limit = (n / 3).max(1);
    let mine = bag(unknown);
    let mut near: Vec<(usize, &str)> = known
        .into_iter()
        // The distance is at least the difference in length.
        .filter(|k| k.len() <= 4 * (LONGEST + limit) && k.chars().count().abs_diff(n) <= limit)
        .filter_map(|k| {
            let bound = bag_bound(&mine, &bag(k));
            (bound <= limit).then_some((bound, k))
        })
        .collect();
    if near.len() > CANDIDATES {
        near.select_nth_unstable(CANDIDATES);
        near.truncate(CANDIDATES);
    }
    near.into_iter()
        .map(|(_, k)| (distance(unknown, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, k)| k)
}

/// A hint naming the nearest known name, or `None`.
pub(crate) fn did_you_mean<'a, I>(unknown: &str, known: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest(unknown, known).map(|k| format!("did you mean {}?", quote(k)))
}

/// A hint naming the nearest known name, or else listing the known names
/// when there are few enough to read.
pub(crate) fn did_you_mean_or_list<'a, I>(unknown: &str, what: &str, known: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let known: Vec<&str> = known.into_iter().collect();
    did_you_mean(unknown, known.iter().copied())
        .or_else(|| list_if_few(what, known.iter().copied()))
}

/// The known names, when there are few enough to read (at most 10; 11 are
/// read to know), for an unknown name that gets no search.
pub(crate) fn list_if_few<'a, I>(what: &str, known: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut known: Vec<&str> = known.into_iter().take(11).collect();
    known.sort_unstable();
    match known.len() {
        0 => Some(format!("the policy declares no {what}")),
        1..=10 => Some(format!("known {what}: {}", quoted_list(&known))),
        _ => None,
    }
}

/// Names quoted (and cut) one by one, joined with commas, the list itself
/// cut when long (see [`capped_join`]).
pub(crate) fn quoted_list<S: AsRef<str>>(names: &[S]) -> String {
    quoted_join(names, ", ")
}

/// Names quoted (and cut) one by one, joined with `sep`, the list itself cut
/// when long (see [`capped_join`]).
pub(crate) fn quoted_join<S: AsRef<str>>(names: &[S], sep: &str) -> String {
    capped_join(names.iter().map(|n| quote(n.as_ref())), sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let known = ["partner", "affiliate", "associate_partner"];
        let cases = [
            ("parnter", Some("partner")),
            ("Partner", Some("partner")),
            ("afiliate", Some("affiliate")),
            ("associate-partner", Some("associate_partner")),
            ("zzz", None),
            ("benefits", None),
        ];
        for (input, want) in cases {
            assert_eq!(nearest(input, known), want, "for {input}");
        }
    }

    #[test]
    fn distances() {
        for (a, b, want) in [
            ("", "", 0),
            ("abc", "", 3),
            ("titel", "title", 1),
            ("parnter", "partner", 1),
            ("kitten", "sitting", 3),
            ("B.2.10", "B.2.1", 1),
        ] {
            assert_eq!(distance(a, b), want, "{a} / {b}");
            assert_eq!(distance(b, a), want, "{b} / {a}");
        }
    }

    #[test]
    fn bags_bound_the_distance_from_below() {
        for (a, b) in [
            ("titel", "title"),
            ("parnter", "partner"),
            ("kitten", "sitting"),
            ("B.2.10", "B.2.1"),
            ("", "abc"),
            ("Aé", "ea"),
        ] {
            let bound = bag_bound(&bag(a), &bag(b));
            assert!(bound <= distance(a, b), "{a} / {b}: {bound}");
        }
        assert_eq!(bag_bound(&bag("kitten"), &bag("sitting")), 3);
    }

    #[test]
    fn only_the_nearest_candidates_get_the_distance() {
        // More near names than the candidates searched: the nearest by bag
        // and then by name are searched, and the answer is among them.
        let known: Vec<String> = (0..1000).map(|i| format!("item-{i:04}")).collect();
        let found = nearest("item-0500x", known.iter().map(String::as_str));
        assert_eq!(found, Some("item-0500"));
    }

    #[test]
    fn ties_break_alphabetically() {
        assert_eq!(nearest("B.1.3", ["B.1.4", "B.1.2"]), Some("B.1.2"));
    }
}
