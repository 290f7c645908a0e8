//! A condition on a fact in the policy's words, for the plan: the fact's
//! title and question, what the level needs and what the program said, as
//! a reader says them (`yes`, `at least 12 months`, `in progress or
//! completed`) rather than as the YAML writes them (`true`, `at_least: 12`,
//! `in_progress`).

use std::sync::Arc;

use crate::base::value::Value;
use crate::model::policy::{Fact, FactType};
use crate::model::requirement::FactTest;
use crate::report::evaluation::FactWords;

/// The words for a condition `test` on `fact` (its negation when
/// `negated`, for a `not`), the program's value `actual`.
pub(super) fn fact_words(
    fact: &Fact,
    test: &FactTest,
    negated: bool,
    actual: Option<&Value>,
) -> FactWords {
    FactWords {
        title: Arc::clone(&fact.title),
        question: fact.question.clone(),
        needs: if negated {
            needs_not(fact, test)
        } else {
            needs(fact, test)
        },
        now: actual.map(|v| value(fact, v)),
    }
}

/// What the negation of `test` needs, in words.
fn needs_not(fact: &Fact, test: &FactTest) -> String {
    match test {
        FactTest::Equals(Value::Bool(b)) => value(fact, &Value::Bool(!b)),
        FactTest::Equals(_) | FactTest::OneOf(_) => format!("anything but {}", needs(fact, test)),
        FactTest::Range(Some(lo), None) => format!("less than {}", number(fact, *lo)),
        FactTest::Range(None, Some(hi)) => format!("more than {}", number(fact, *hi)),
        FactTest::Range(Some(lo), Some(hi)) => {
            format!("less than {lo} or more than {}", number(fact, *hi))
        }
        FactTest::Range(None, None) => "no value".to_owned(),
    }
}

/// What `test` needs, in words.
fn needs(fact: &Fact, test: &FactTest) -> String {
    match test {
        FactTest::Equals(v) => value(fact, v),
        FactTest::OneOf(list) => {
            let words: Vec<String> = list.iter().map(|v| value(fact, v)).collect();
            match words.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("{} or {last}", rest.join(", "))
                }
                _ => words.concat(),
            }
        }
        FactTest::Range(Some(lo), None) => format!("at least {}", number(fact, *lo)),
        FactTest::Range(None, Some(hi)) => format!("at most {}", number(fact, *hi)),
        FactTest::Range(Some(lo), Some(hi)) => {
            format!("between {lo} and {}", number(fact, *hi))
        }
        FactTest::Range(None, None) => "a value".to_owned(),
    }
}

/// A value of `fact` in words: `yes` or `no`, a number with the fact's
/// unit, a choice with its underscores read as spaces.
fn value(fact: &Fact, v: &Value) -> String {
    match v {
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::Number(n) => number(fact, *n),
        Value::Text(t) => t.replace('_', " "),
    }
}

/// `n` with the fact's unit, if it has one.
fn number(fact: &Fact, n: f64) -> String {
    match &fact.ty {
        FactType::Number { unit: Some(u), .. } => format!("{n} {u}"),
        _ => n.to_string(),
    }
}
