//! "Did you mean" suggestions for unknown names.

use crate::base::error::{capped_join, quote};

/// Edit distance between two strings, compared case-insensitively, where
/// swapping two neighbouring characters counts as one edit (the commonest typo).
#[cfg(test)]
fn distance(a: &str, b: &str) -> usize {
    distance_of(&lower(a), &lower(b))
}

/// The characters of `text`, lowercased.
fn lower(text: &str) -> Vec<char> {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// [`distance`] of two lowercased texts, three rows of the table at a time.
fn distance_of(a: &[char], b: &[char]) -> usize {
    // Rows i - 2, i - 1 and i; out-of-range reads cannot happen, and a large
    // value keeps `min` honest if they did.
    let far = usize::MAX / 2;
    let mut two: Vec<usize> = vec![far; b.len() + 1];
    let mut one: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        let before = i.checked_sub(1).and_then(|k| a.get(k));
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let diag = one.get(j).copied().unwrap_or(far);
            let up = one.get(j + 1).copied().unwrap_or(far);
            let left = row.get(j).copied().unwrap_or(far);
            let mut v = (up + 1).min(left + 1).min(diag + cost);
            if let (Some(pa), Some(pb)) = (before, j.checked_sub(1).and_then(|k| b.get(k)))
                && pa == cb
                && ca == pb
            {
                v = v.min(two.get(j - 1).copied().unwrap_or(far) + 1);
            }
            if let Some(slot) = row.get_mut(j + 1) {
                *slot = v;
            }
        }
        std::mem::swap(&mut two, &mut one);
        std::mem::swap(&mut one, &mut row);
    }
    one.last().copied().unwrap_or(far)
}

/// How many known names at most get the full edit distance, per unknown
/// name: those nearest by the cheap measures (see [`nearest`]).
const CANDIDATES: usize = 64;

/// The characters of `text`, lowercased, sorted: the bag that
/// [`bag_bound`] compares.
#[cfg(test)]
fn bag(text: &str) -> Vec<char> {
    sorted(lower(text))
}

fn sorted(mut chars: Vec<char>) -> Vec<char> {
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
/// characters, must be near enough), and only the [`CANDIDATES`] nearest
/// by those cheap measures (the bag's bound, then the longest prefix in
/// common, then the name) get the edit distance, which costs the product
/// of the two lengths (at most 64 characters for `unknown`). Among more
/// near names than that, the nearest may be missed.
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
    let mine = lower(unknown);
    let my_bag = sorted(mine.clone());
    let mut near: Vec<(usize, std::cmp::Reverse<usize>, &str)> = known
        .into_iter()
        // The distance is at least the difference in length.
        .filter(|k| k.len() <= 4 * (LONGEST + limit) && k.chars().count().abs_diff(n) <= limit)
        .filter_map(|k| {
            let theirs = lower(k);
            let prefix = mine.iter().zip(&theirs).take_while(|(a, b)| a == b).count();
            let bound = bag_bound(&my_bag, &sorted(theirs));
            (bound <= limit).then_some((bound, std::cmp::Reverse(prefix), k))
        })
        .collect();
    if near.len() > CANDIDATES {
        near.select_nth_unstable(CANDIDATES);
        near.truncate(CANDIDATES);
    }
    near.into_iter()
        .map(|(_, _, k)| (distance_of(&mine, &lower(k)), k))
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
