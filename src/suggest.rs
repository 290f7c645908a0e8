//! "Did you mean" suggestions for unknown names.

/// Edit distance between two strings, compared case-insensitively.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (cb, pair) in b.iter().zip(prev.windows(2)) {
            let [diagonal, up] = pair else { continue };
            let left = cur.last().copied().unwrap_or(usize::MAX - 1);
            let cost = usize::from(ca != cb);
            cur.push((diagonal + cost).min(up + 1).min(left + 1));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The known name nearest to `unknown`, if one is near enough to be a likely typo.
pub(crate) fn nearest<'a, I>(unknown: &str, known: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (unknown.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (distance(unknown, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, k)| k)
}

/// A hint naming the nearest known name, or `None`.
pub(crate) fn did_you_mean<'a, I>(unknown: &str, known: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest(unknown, known).map(|k| format!("did you mean `{k}`?"))
}

/// A hint naming the nearest known name, or else listing the known names
/// when there are few enough to read.
pub(crate) fn did_you_mean_or_list<'a, I>(unknown: &str, what: &str, known: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut known: Vec<&str> = known.into_iter().collect();
    did_you_mean(unknown, known.iter().copied()).or_else(|| {
        known.sort_unstable();
        match known.len() {
            0 => Some(format!("the policy declares no {what}")),
            1..=10 => {
                let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                Some(format!("known {what}: {}", list.join(", ")))
            }
            _ => None,
        }
    })
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
    fn ties_break_alphabetically() {
        assert_eq!(nearest("B.1.3", ["B.1.4", "B.1.2"]), Some("B.1.2"));
    }
}
