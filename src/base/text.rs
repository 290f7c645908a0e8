//! Text as messages show it: user values cut to a fixed length, hidden
//! characters (line breaks, control characters, invisible marks) escaped so
//! that a message stays on one line and shows what the input held, and the
//! checks for a text that breaks its line or shows nothing.

use std::fmt;

/// Longest user value quoted back in a message; longer values are cut.
pub(crate) const QUOTE_LIMIT: usize = 60;

/// Longest list of values shown in a message, in bytes; a longer list stops
/// there and says how many values it has in all.
pub(crate) const LIST_LIMIT: usize = 600;

/// A user value cut to a fixed length (marked `…` where cut), with its
/// hidden characters escaped (see [`shown`]), so that errors never echo
/// unbounded input and stay on one line.
pub(crate) fn cut(value: &str) -> std::borrow::Cow<'_, str> {
    shown(value, QUOTE_LIMIT)
}

/// A user value with its hidden characters escaped (see [`shown`]), whole:
/// for reports that show a value the input gave, such as a program's name.
pub(crate) fn escaped(value: &str) -> std::borrow::Cow<'_, str> {
    shown(value, usize::MAX)
}

/// The characters escaped where messages show user text, as sorted,
/// disjoint, inclusive ranges: the control characters (line breaks, tabs,
/// NUL, the YAML 1.1 next-line mark, as [`char::is_control`] has them) and
/// the invisible formatting marks (soft hyphen, Arabic letter mark,
/// Mongolian vowel separator, zero-width spaces and joiners, direction
/// marks, line and paragraph separators, bidirectional embeddings,
/// overrides and isolates, invisible operators, byte-order mark,
/// interlinear annotation marks). Shown raw, they would break a message's
/// one line, or hide or reorder what it shows.
pub(crate) const HIDDEN: [(char, char); 10] = [
    ('\u{0}', '\u{1F}'),
    ('\u{7F}', '\u{9F}'),
    ('\u{AD}', '\u{AD}'),
    ('\u{61C}', '\u{61C}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{2028}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
];

/// The line breaks among the [`HIDDEN`] characters, in the same form:
/// `\n`, `\r`, the YAML 1.1 next-line mark, line and paragraph separators.
const BREAKS: [(char, char); 4] = [
    ('\n', '\n'),
    ('\r', '\r'),
    ('\u{85}', '\u{85}'),
    ('\u{2028}', '\u{2029}'),
];

/// Whether a character is one of [`HIDDEN`].
fn hidden(c: char) -> bool {
    in_ranges(c, &HIDDEN)
}

/// Whether a character is one of [`BREAKS`].
fn is_break(c: char) -> bool {
    in_ranges(c, &BREAKS)
}

/// Whether `c` is in one of `ranges` (inclusive).
fn in_ranges(c: char, ranges: &[(char, char)]) -> bool {
    ranges
        .iter()
        .any(|&(first, last)| (first..=last).contains(&c))
}

/// What keeps a text from showing on one line as it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineFlaw {
    /// A line break (`\n`, `\r`, next line, line or paragraph separator);
    /// `trailing` when every break is at the end, as a block scalar (`>` or
    /// `|`) leaves it.
    Break { trailing: bool },
    /// Another [`hidden`] character: a tab, a control character, an
    /// invisible mark.
    Hidden,
}

/// Whether `text` holds a line break or another [`hidden`] character, and
/// which (a break first).
pub(crate) fn line_flaw(text: &str) -> Option<LineFlaw> {
    // Printable ASCII, by far the commonest, is neither: only the other
    // characters are looked up.
    let rare = || text.chars().filter(|c| !matches!(c, ' '..='~'));
    // Every break is hidden too, so a text with nothing hidden, the common
    // case, takes one pass.
    if !rare().any(hidden) {
        return None;
    }
    if rare().any(is_break) {
        let trailing = !text.trim_end_matches(is_break).contains(is_break);
        Some(LineFlaw::Break { trailing })
    } else {
        Some(LineFlaw::Hidden)
    }
}

/// Characters that show nothing and have no general category saying so:
/// the Default_Ignorable_Code_Point characters that are letters (the Hangul
/// fillers U+115F, U+1160, U+3164, U+FFA0), the code points Unicode
/// reserves as default-ignorable while unassigned (U+2065, U+FFF0 to
/// U+FFF8, U+E0000 to U+E0FFF: whatever a later version puts there shows
/// nothing either), and the blank symbols U+2800 BRAILLE PATTERN BLANK and
/// U+1D159 MUSICAL SYMBOL NULL NOTEHEAD. Sorted, disjoint, inclusive.
const BLANK_OTHERS: [(char, char); 8] = [
    ('\u{115F}', '\u{1160}'),
    ('\u{2065}', '\u{2065}'),
    ('\u{2800}', '\u{2800}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFF8}'),
    ('\u{1D159}', '\u{1D159}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

/// Whether a character shows nothing where a text is displayed: white
/// space (Unicode's White_Space, as [`char::is_whitespace`] has it); a
/// mark (general categories Mn, Mc, Me: with no letter before it, it has
/// nothing to combine with); a control or format character (Cc, Cf: zero-width
/// spaces and joiners, direction marks, the byte-order mark, tags); a
/// separator (Zs, Zl, Zp); or one of [`BLANK_OTHERS`]. With the marks and
/// format characters, this holds for every Default_Ignorable_Code_Point.
/// The categories are the `unicode-properties` crate's tables.
fn invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    if c.is_ascii() {
        return !c.is_ascii_graphic();
    }
    c.is_whitespace()
        || matches!(
            c.general_category(),
            G::NonspacingMark
                | G::SpacingMark
                | G::EnclosingMark
                | G::Control
                | G::Format
                | G::SpaceSeparator
                | G::LineSeparator
                | G::ParagraphSeparator
        )
        || in_ranges(c, &BLANK_OTHERS)
}

/// Whether `text` shows nothing: it is empty once white space, default-ignorable
/// code points and other invisible characters (see [`invisible`]) are taken
/// out. A lone combining mark, a Hangul filler (U+3164), a blank Braille
/// pattern (U+2800) or a zero-width space is such a text.
pub(crate) fn shows_nothing(text: &str) -> bool {
    text.chars().all(invisible)
}

/// The message for a `what` (an id, a name, a title) whose `text` shows
/// nothing, with the hint; the text is shown as code points, since as it
/// is it would show nothing in the message either.
pub(crate) fn shows_nothing_message(what: &dyn fmt::Display, text: &str) -> (String, String) {
    (
        format!(
            "the {what} {} shows nothing: it holds only spaces, invisible characters or marks with no letter to go on",
            quote_code_points(text)
        ),
        format!("write the {what} in visible characters"),
    )
}

/// Quotes a user value in backticks with every character but printable
/// ASCII written as its code point (`\u{301}`), so that two texts that
/// look alike, or a text that shows nothing, can be told apart; cut to a
/// fixed length between whole escapes, marked `…` where cut.
pub(crate) fn quote_code_points(value: &str) -> String {
    let mut out = String::from("`");
    let mut count: usize = 0;
    for c in value.chars() {
        let shown: String = if c == ' ' || c.is_ascii_graphic() {
            c.to_string()
        } else {
            c.escape_unicode().collect()
        };
        let len = shown.chars().count();
        if count.saturating_add(len) > QUOTE_LIMIT {
            out.push('…');
            break;
        }
        count += len;
        out.push_str(&shown);
    }
    out.push('`');
    out
}

/// One character of user text as a message shows it: escaped (`\n`,
/// `\u{feff}`) if [`hidden`], else as it is.
pub(crate) struct Shown(pub(crate) char);

impl Shown {
    /// How many characters it shows as.
    pub(crate) fn len(&self) -> usize {
        if hidden(self.0) {
            self.0.escape_default().len()
        } else {
            1
        }
    }

    /// Writes it as shown.
    pub(crate) fn push_to(&self, out: &mut String) {
        if hidden(self.0) {
            out.extend(self.0.escape_default());
        } else {
            out.push(self.0);
        }
    }
}

/// `value` as a message shows it: each [`hidden`] character escaped (`\n`,
/// `\t`, `\u{feff}`), and the result cut to `limit` characters, marked `…`
/// where cut. The cut falls between whole escapes, never inside one.
fn shown(value: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    if !value.chars().any(hidden) && value.chars().nth(limit).is_none() {
        return value.into();
    }
    let mut out = String::new();
    let mut count: usize = 0;
    for c in value.chars().map(Shown) {
        let len = c.len();
        if count.saturating_add(len) > limit {
            out.push('…');
            break;
        }
        count += len;
        c.push_to(&mut out);
    }
    out.into()
}

/// Quotes a user value in backticks, [`cut`] to a fixed length.
pub(crate) fn quote(value: &str) -> String {
    format!("`{}`", cut(value))
}

/// Values joined with `sep`, stopping before [`LIST_LIMIT`] bytes with the
/// number of values in all, so that a message never grows with a list.
pub(crate) fn capped_join<I>(values: I, sep: &str) -> String
where
    I: IntoIterator<Item = String>,
    I::IntoIter: ExactSizeIterator,
{
    let values = values.into_iter();
    let all = values.len();
    let mut out = String::new();
    for (shown, value) in values.enumerate() {
        if shown > 0 {
            if out.len() + sep.len() + value.len() > LIST_LIMIT {
                out.push_str(&format!("{sep}… ({all} in all)"));
                break;
            }
            out.push_str(sep);
        }
        out.push_str(&value);
    }
    out
}

/// Cuts a YAML path, which holds keys from the input, to a fixed length,
/// with its hidden characters escaped as in [`cut`].
pub(crate) fn cut_path(path: &str) -> std::borrow::Cow<'_, str> {
    shown(path, 2 * QUOTE_LIMIT)
}

/// `text` cut to `max` characters, the last one `…` when cut: the one
/// cutter behind report columns and requirements shown in results.
pub(crate) fn cut_chars(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text.into(),
        Some(_) => {
            let end = text
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            format!("{}…", text.get(..end).unwrap_or_default()).into()
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;

    #[test]
    fn quoted_values_show_hidden_characters_escaped() {
        assert_eq!(
            quote("a\u{feff}b\nc\td\r\u{202e}e"),
            "`a\\u{feff}b\\nc\\td\\r\\u{202e}e`"
        );
        assert_eq!(quote("\u{0}\u{85}\u{2028}"), "`\\u{0}\\u{85}\\u{2028}`");
        // What is not hidden is shown as it is, quotes and backslashes too.
        assert_eq!(quote("it's \"ok\" \\n é"), "`it's \"ok\" \\n é`");
    }

    #[test]
    fn the_tables_of_characters_are_the_documented_sets() {
        // Sorted and disjoint.
        for table in [&HIDDEN[..], &BREAKS[..]] {
            assert!(table.iter().all(|(first, last)| first <= last));
            assert!(table.windows(2).all(|w| w[0].1 < w[1].0));
        }
        // The same answers as the definitions the tables stand for, for
        // every character there is.
        let hidden_defined = |c: char| {
            c.is_control()
                || matches!(
                    c,
                    '\u{00AD}'
                        | '\u{061C}'
                        | '\u{180E}'
                        | '\u{200B}'..='\u{200F}'
                        | '\u{2028}'..='\u{202E}'
                        | '\u{2060}'..='\u{206F}'
                        | '\u{FEFF}'
                        | '\u{FFF9}'..='\u{FFFB}'
                )
        };
        let break_defined = |c: char| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(hidden(c), hidden_defined(c), "{c:?}");
            assert_eq!(is_break(c), break_defined(c), "{c:?}");
            // Every break is hidden: a one-line check that finds no break
            // and no hidden character has found neither.
            assert!(!is_break(c) || hidden(c), "{c:?}");
        }
    }

    #[test]
    fn cuts_fall_between_whole_escapes() {
        // Each mark escapes to 8 characters: 8 + 6 × 8 = 56 fit in the limit
        // of 60, and the seventh mark is left out whole, not cut at `\u{f`.
        let value = format!("answers.{}", "\u{feff}".repeat(9));
        assert_eq!(
            quote(&value),
            format!("`answers.{}…`", "\\u{feff}".repeat(6))
        );
        // At the limit exactly, nothing is cut.
        let exact = "x".repeat(QUOTE_LIMIT);
        assert_eq!(quote(&exact), format!("`{exact}`"));
        assert_eq!(quote(&format!("{exact}y")), format!("`{exact}…`"));
        let path = "p".repeat(2 * QUOTE_LIMIT);
        assert_eq!(cut_path(&path), path);
        assert_eq!(cut_path(&format!("{path}\n")), format!("{path}…"));
    }

    /// Text as hostile input writes it: the quotes and the backslash that
    /// YAML reader's quoting of serde's messages reads, hidden characters (one with a
    /// short escape, two with long ones), a character shown as itself that
    /// is more than one byte, the cut mark itself, and runs of plain text up
    /// to twice the quote limit, so that cuts fall anywhere.
    pub(crate) fn hostile_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            select(vec![
                "`", "\"", "\\", "\n", "\u{feff}", "\u{202e}", "é", "…", " "
            ])
            .prop_map(String::from),
            (1..=2 * QUOTE_LIMIT).prop_map(|n| "x".repeat(n)),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    /// Checks `out`, what a message shows of `input`: on one line, at most
    /// `bound` characters and the cut mark, `input` as shown (hidden
    /// characters escaped) up to the first mark, and the whole of it when
    /// nothing was cut or when it fits in one quote.
    pub(crate) fn check_shown(input: &str, out: &str, bound: usize) -> Result<(), TestCaseError> {
        let mut all = String::new();
        for c in input.chars() {
            Shown(c).push_to(&mut all);
        }
        prop_assert!(out.chars().all(|c| !hidden(c)), "{out:?}");
        prop_assert!(out.chars().count() <= bound + 1, "{out}");
        prop_assert!(
            all.starts_with(out.split('…').next().unwrap_or_default()),
            "{out}"
        );
        if all.chars().count() <= QUOTE_LIMIT || !out.contains('…') {
            prop_assert_eq!(out, all);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]
        /// A quoted value stays within its limit and on one line, and shows
        /// the value as it is up to the cut, or whole when it fits.
        #[test]
        fn quoted_values_keep_their_bounds(value in hostile_text()) {
            let quoted = quote(&value);
            let inner = quoted.strip_prefix('`').and_then(|q| q.strip_suffix('`'));
            prop_assert!(inner.is_some(), "{quoted}");
            check_shown(&value, inner.unwrap_or_default(), QUOTE_LIMIT)?;
        }
    }

    #[test]
    fn texts_that_show_nothing() {
        // (text, shows nothing)
        let cases: &[(&str, bool)] = &[
            ("", true),
            (" \t\n", true),
            ("\u{301}", true),            // a lone combining acute accent
            ("\u{903}", true),            // a lone spacing mark (Devanagari visarga)
            ("\u{20DD}", true),           // a lone enclosing circle
            ("\u{3164}", true),           // HANGUL FILLER
            ("\u{115F}\u{1160}", true),   // Hangul choseong and jungseong fillers
            ("\u{FFA0}", true),           // HALFWIDTH HANGUL FILLER
            ("\u{2800}", true),           // BRAILLE PATTERN BLANK
            ("\u{1D159}", true),          // MUSICAL SYMBOL NULL NOTEHEAD
            ("\u{200B}", true),           // ZERO WIDTH SPACE
            ("\u{FEFF}\u{2060}", true),   // byte-order mark, word joiner
            ("\u{3000}\u{A0}", true),     // ideographic and no-break spaces
            ("\u{E0001}\u{E0041}", true), // tags
            ("\u{FE0F}", true),           // a lone variation selector
            ("\u{E0080}", true),          // reserved default-ignorable
            (" \u{3164} \u{301}", true),
            ("a", false),
            ("e\u{301}", false), // a letter and its accent
            ("\u{3131}", false), // HANGUL LETTER KIYEOK
            ("\u{2801}", false), // BRAILLE PATTERN DOTS-1
            ("😀", false),
            ("\u{F8FF}", false), // private use: a font may draw it
            ("\u{3164}x", false),
            ("-", false),
        ];
        for &(text, blank) in cases {
            assert_eq!(shows_nothing(text), blank, "{text:?}");
        }
    }

    #[test]
    fn every_default_ignorable_code_point_is_invisible() {
        // Default_Ignorable_Code_Point, from Unicode's DerivedCoreProperties.txt.
        let ranges: &[(u32, u32)] = &[
            (0xAD, 0xAD),
            (0x34F, 0x34F),
            (0x61C, 0x61C),
            (0x115F, 0x1160),
            (0x17B4, 0x17B5),
            (0x180B, 0x180F),
            (0x200B, 0x200F),
            (0x202A, 0x202E),
            (0x2060, 0x206F),
            (0x3164, 0x3164),
            (0xFE00, 0xFE0F),
            (0xFEFF, 0xFEFF),
            (0xFFA0, 0xFFA0),
            (0xFFF0, 0xFFF8),
            (0x1BCA0, 0x1BCA3),
            (0x1D173, 0x1D17A),
            (0xE0000, 0xE0FFF),
        ];
        for &(first, last) in ranges {
            for c in (first..=last).filter_map(char::from_u32) {
                assert!(invisible(c), "{c:?}");
            }
        }
        // And every white space character and every character `hidden`
        // escapes in messages, except the interlinear annotation marks,
        // which delimit visible text.
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if c.is_whitespace() || (hidden(c) && !('\u{FFF9}'..='\u{FFFB}').contains(&c)) {
                assert!(invisible(c), "{c:?}");
            }
        }
        let sorted = BLANK_OTHERS.windows(2).all(|w| w[0].1 < w[1].0);
        assert!(sorted && BLANK_OTHERS.iter().all(|(a, b)| a <= b));
    }

    #[test]
    fn code_points_are_quoted_so_that_look_alikes_differ() {
        assert_eq!(quote_code_points("caf\u{e9}"), "`caf\\u{e9}`");
        assert_eq!(quote_code_points("cafe\u{301}"), "`cafe\\u{301}`");
        assert_eq!(quote_code_points(" \u{3164}"), "` \\u{3164}`");
        // Cut between whole escapes: 7 of 8 characters each fit in 60.
        let long = "\u{3164}".repeat(10);
        assert_eq!(
            quote_code_points(&long),
            format!("`{}…`", "\\u{3164}".repeat(7))
        );
    }

    #[test]
    fn quotes_are_cut() {
        let long = "x".repeat(500);
        let q = quote(&long);
        assert_eq!(q.chars().count(), QUOTE_LIMIT + 3);
        assert_eq!(quote("ok"), "`ok`");
    }
}
