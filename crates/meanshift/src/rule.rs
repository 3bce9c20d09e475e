//! What a parameter rule is and how it reads in a caller's words; the rules
//! themselves are in `params.rs`.

/// One end of an interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Closed(f64),
    Open(f64),
    Unbounded,
}

/// What values a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Constraint {
    /// A real number in the interval (NaN never is).
    Real { low: Bound, high: Bound },
    /// A whole number in the interval.
    Integer { low: Bound, high: Bound },
    /// A whole number other than 0 (joblib's `n_jobs`), at most 2^53 in size.
    NonZeroInteger,
    /// A rule that is no interval, in words.
    Described(&'static str),
    /// One of these values (scikit-learn's `StrOptions`), in the core's
    /// snake_case spelling; a caller spells them as it spells identifiers.
    OneOf(&'static [&'static str]),
}

/// A parameter and its constraint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// The entry point the parameter belongs to (`MeanShift`, `estimate_bandwidth`).
    pub owner: &'static str,
    /// The core's identifier, e.g. `min_bin_freq`.
    pub name: &'static str,
    pub constraint: Constraint,
    /// `None` is accepted too, and means the default.
    pub optional: bool,
    /// What the caller should know besides the range, appended to the message.
    pub note: Option<&'static str>,
}

/// How a caller writes the core's identifiers and values in messages.
pub trait Terms {
    /// An identifier (`min_bin_freq`, `X`, `make_blobs`) as the caller spells it.
    fn name(&self, identifier: &str) -> String;
    /// The word for an absent value (`None` in Python).
    fn none(&self) -> &'static str;
    /// A number as the caller's language prints it.
    fn number(&self, value: f64) -> String;
}

/// scikit-learn's terms: snake_case, `None`, Python's `inf`/`nan`.
pub struct PythonTerms;

impl Terms for PythonTerms {
    fn name(&self, identifier: &str) -> String {
        identifier.to_string()
    }

    fn none(&self) -> &'static str {
        "None"
    }

    fn number(&self, value: f64) -> String {
        if value.is_nan() {
            "nan".into()
        } else {
            plain_number(value, "inf")
        }
    }
}

/// `value` without a fraction when it is whole, `infinity` for ±∞.
pub fn plain_number(value: f64, infinity: &str) -> String {
    if value.is_infinite() {
        format!("{}{infinity}", if value < 0.0 { "-" } else { "" })
    } else if value.fract() == 0.0 && value.abs() < 1e21 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

fn interval(kind: &str, low: Bound, high: Bound, real: bool) -> String {
    let show = |v: f64| {
        if v.is_infinite() {
            "inf".to_string()
        } else if real {
            format!("{v:?}")
        } else {
            format!("{v:.0}")
        }
    };
    let (open, low) = match low {
        Bound::Closed(v) => ('[', show(v)),
        Bound::Open(v) => ('(', show(v)),
        Bound::Unbounded => ('(', "-inf".into()),
    };
    let (close, high) = match high {
        Bound::Closed(v) => (']', show(v)),
        Bound::Open(v) => (')', show(v)),
        Bound::Unbounded => (')', "inf".into()),
    };
    format!("{kind} in the range {open}{low}, {high}{close}")
}

impl Rule {
    /// What the parameter must be, e.g. `a float in the range (0.0, inf) or None`.
    pub fn describe(&self, terms: &dyn Terms) -> String {
        let mut text = match self.constraint {
            Constraint::Real { low, high } => interval("a float", low, high, true),
            Constraint::Integer { low, high } => interval("an int", low, high, false),
            Constraint::NonZeroInteger => "a non-zero int".into(),
            Constraint::Described(words) => words.into(),
            Constraint::OneOf(values) => {
                let quoted: Vec<String> = values
                    .iter()
                    .map(|v| format!("'{}'", terms.name(v)))
                    .collect();
                format!("a str among {{{}}}", quoted.join(", "))
            }
        };
        if self.optional {
            text.push_str(&format!(" or {}", terms.none()));
        }
        if let Some(note) = self.note {
            text.push_str(&format!(" ({})", render_note(note, terms)));
        }
        text
    }
}

/// A note with `{none}` as the caller's absent value and `{identifier}` as the
/// caller spells the identifier.
fn render_note(note: &str, terms: &dyn Terms) -> String {
    let mut out = String::with_capacity(note.len());
    let mut rest = note;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &rest[open + 1..open + close];
        if name == "none" {
            out.push_str(terms.none());
        } else {
            out.push_str(&terms.name(name));
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}
