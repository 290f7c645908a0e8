//! What the benches share: a policy of any size with the rule shapes MMP uses.

/// A policy of `n` items over `n / 10` standards (seven benchmarks and three
/// enhancements each), with the rule shapes MMP uses: a fact equal to a
/// value, a number at least `months`, a percentage and a count of items of
/// a kind, every item of a set, levels that name the one below; three
/// benefits, one with priority from a higher level and one with a quantity.
/// Two versions differing in `months` are one edit of a threshold.
///
/// Without `percent`, level two counts enhancements instead of asking for
/// half the benchmarks: the exact analysis of a percentage over many items
/// costs far more (see the analysis bench), so its size series leaves it out.
pub fn sized_policy_text(n: usize, version: &str, months: u32, percent: bool) -> String {
    let mut s = format!(
        "policy: {{name: sized, version: {version}, title: Sized}}\nkinds: [{{id: benchmark, title: B}}, {{id: enhancement, title: E}}]\n\
         facts: [{{id: applied, title: A, type: boolean}}, {{id: months, title: M, type: number}}]\nstandards:\n"
    );
    for st in 0..n / 10 {
        s.push_str(&format!("  - id: s{st}\n    title: S{st}\n    items:\n"));
        for i in 0..10 {
            let kind = if i < 7 { "benchmark" } else { "enhancement" };
            s.push_str(&format!(
                "      - {{id: I{st}.{i}, kind: {kind}, title: T, question: Q}}\n"
            ));
        }
    }
    let enhancements = "{met_at_least: {count: 3, of: {kind: enhancement}}}";
    let (two, three) = if percent {
        (
            "{met_at_least: {percent: 50, of: {kind: benchmark}}}",
            format!(", {enhancements}"),
        )
    } else {
        (enhancements, String::new())
    };
    s.push_str(&format!(
        "sets: [{{id: designated, title: D, select: {{kind: benchmark}}}}]\nlevels:\n\
         \x20 - {{id: one, rank: 1, title: One, requires: [{{fact: applied, equals: true}}]}}\n\
         \x20 - {{id: two, rank: 2, title: Two, requires: [{{level: one}}, {{fact: months, at_least: {months}}}, {two}]}}\n\
         \x20 - {{id: three, rank: 3, title: Three, requires: [{{level: two}}, {{all_met: {{set: designated}}}}{three}]}}\n\
         benefits: [{{id: b1, title: B1, min_level: one}}, {{id: b2, title: B2, min_level: two, priority_from: three}}, {{id: b3, title: B3, min_level: three, quantity: {{amount: 4, unit: vouchers}}}}]\n"
    ));
    s
}
