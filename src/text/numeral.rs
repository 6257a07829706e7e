//! Numbers as Chinese pages write them: Arabic, full-width and Chinese numerals.
//!
//! A numeral is read by a small state machine over characters. Each accepted
//! step leaves the reader either in a complete state (the text so far is a
//! numeral, whose value is remembered) or an incomplete one (a trailing `零`,
//! a pending `多`); when a step is refused the reader falls back to the last
//! complete state, so every match is the longest valid prefix.
//!
//! Values are kept as exact decimals (`i128` mantissa and a decimal scale)
//! until the very end, so `47.55億` is exactly `4755000000.0` and integers up
//! to 10^16 written in Chinese read back exactly.
//!
//! The character tables below are the numeral system itself (digits, units,
//! decimal points), not vocabulary, so they stay in code.

/// Which written form a numeral took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumeralForm {
    /// Only Arabic (ASCII or full-width) digits: `6,300`, `１２．５`.
    Arabic,
    /// Only Chinese numeral characters: `六萬五千八百二十四`, `二〇二四`.
    Chinese,
    /// Arabic digits with Chinese units: `1.8萬`, `2億3千5百萬`.
    Mixed,
    /// `百分之…` or a trailing `%`/`％`; the value is the percent number
    /// (`22%` is `22.0`). `千分之`/`萬分之` are folded into percent too.
    Percent,
    /// `N成` or `N成M`, worth `N*10 (+M)` percent; the value is that percent.
    Cheng,
}

/// One numeral found by [`scan`].
#[derive(Debug, Clone, PartialEq)]
pub struct NumeralMatch {
    /// Byte offset of the first character (on a char boundary).
    pub start: usize,
    /// Byte offset just past the last character (on a char boundary).
    pub end: usize,
    /// The value with every multiplier folded in (`1.8萬` is `18000.0`).
    pub value: f64,
    /// The written form.
    pub form: NumeralForm,
    /// True when the value is a lower bound the numeral itself states:
    /// `多`/`余`/`餘`/`几` between the number and its multiplier (`200多万` is
    /// `2000000.0`), a `数`/`几` for its coefficient (`数万`, `几十万`), or a
    /// `几` right after it (`2千几`). A `多`/`余` *after* the numeral
    /// (`1.8万余`) is outside the span and left to the caller.
    pub approx: bool,
}

/// The value of one plain digit character: ASCII and full-width digits,
/// `〇○零`, `一`–`九` and `两`/`兩`. Financial forms (`壹`, `伍`) are left
/// out, because outside a numeral they are words.
///
/// Dates, ordinals and `三成三` read their digits through this one table,
/// so that every part of the program agrees on what a digit is.
pub fn digit(c: char) -> Option<u32> {
    match classify(c)? {
        Tok::Digit { d, plain: true, .. } => Some(u32::from(d)),
        _ => None,
    }
}

/// A small whole number as dates and ordinals write it: `12`, `１２`,
/// `十二`, `廿` (20), `三十一`, and digit by digit `二〇二三` (2023) or
/// `二一` (21). At most six characters; anything else is `None`.
///
/// Unlike [`parse`] this reads no multipliers (`万`) and no decimals, and
/// keeps digit-by-digit years whole, which is what a date needs.
pub fn small_number(w: &[char]) -> Option<u32> {
    if w.is_empty() || w.len() > 6 {
        return None;
    }
    if w.iter().any(|c| matches!(c, '十' | '廿' | '卅')) {
        let mut total = 0;
        let mut cur = 0;
        for &c in w {
            match c {
                '十' => {
                    total += if cur == 0 { 10 } else { cur * 10 };
                    cur = 0;
                }
                '廿' => total += 20,
                '卅' => total += 30,
                _ => cur = digit(c)?,
            }
        }
        return Some(total + cur);
    }
    w.iter()
        .try_fold(0u32, |acc, &c| Some(acc * 10 + digit(c)?))
}

/// Parses a string that is wholly one numeral; `None` otherwise.
///
/// Accepts everything [`scan`] finds (including `22%`, `百分之卅二`, `三成三`,
/// whose value is the percent number) and also a lone `百`/`千` or financial
/// digit, which `scan` leaves out because in running text they are words.
pub fn parse(s: &str) -> Option<f64> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    match read_numeral(&chars, 0, true) {
        Outcome::Found(f) if f.end == chars.len() => Some(f.value.to_f64()),
        _ => None,
    }
}

/// Finds every maximal numeral in `text`, left to right, non-overlapping.
///
/// Dotted chains (`5.39.217.768`, `2023.5.12`), adjacent-digit ranges
/// (`三四十万`, `一两`), lone financial digits that double as words (`伍` in
/// `队伍`, `陸` in `大陸`) and numbers too large for exact arithmetic are
/// skipped whole rather than split into misleading pieces. A `数`/`几`
/// standing for a coefficient is read as 1 with `approx` (`数万` = 10000),
/// as the corpus conventions ask.
pub fn scan(text: &str) -> Vec<NumeralMatch> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    scan_indexed(&chars, text.len())
}

/// [`scan`] on characters: offsets in the matches are character indices.
pub fn scan_chars(s: &[char]) -> Vec<NumeralMatch> {
    // The scanner reads `(offset, char)` pairs; with the character's own
    // index as its offset, the matches come out in characters directly.
    let chars: Vec<(usize, char)> = s.iter().copied().enumerate().collect();
    scan_indexed(&chars, s.len())
}

/// The scan over `(offset, char)` pairs; `len` is the offset of the end.
fn scan_indexed(chars: &[(usize, char)], len: usize) -> Vec<NumeralMatch> {
    let byte_at = |i: usize| chars.get(i).map_or(len, |&(b, _)| b);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match read_numeral(chars, i, false) {
            Outcome::Found(f) => {
                out.push(NumeralMatch {
                    start: byte_at(i),
                    end: byte_at(f.end),
                    value: f.value.to_f64(),
                    form: f.form,
                    approx: f.approx,
                });
                i = f.end.max(i + 1);
            }
            Outcome::Skip(end) => i = end.max(i + 1),
            Outcome::Nothing => i += 1,
        }
    }
    out
}

/// Lone `萬`/`万`/`億`/`亿` standing for 10^4 / 10^8 by themselves (`逾萬宗`),
/// which [`scan`] leaves out because most are words (`万名干部` is a
/// campaign's name, `萬華` a district). Only units with no numeral character
/// on either side are returned, so these never overlap a [`scan`] match; the
/// caller keeps the ones its own context vouches for (an "over" word before,
/// a counting word after).
pub fn bare_units(text: &str) -> Vec<NumeralMatch> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let numeral_like = |i: Option<usize>| {
        i.and_then(|i| char_at(&chars, i)).is_some_and(|c| {
            classify(c).is_some()
                || is_more_marker(c)
                || vague_coefficient(c).is_some()
                || matches!(c, '%' | '％' | '成' | '分' | ',')
        })
    };
    let mut out = Vec::new();
    for (i, &(start, c)) in chars.iter().enumerate() {
        let Some(Tok::Big(exp @ (4 | 8))) = classify(c) else {
            continue;
        };
        if numeral_like(i.checked_sub(1)) || numeral_like(Some(i + 1)) {
            continue;
        }
        out.push(NumeralMatch {
            start,
            end: start + c.len_utf8(),
            value: Dec::int(1).shift(exp).map_or(f64::NAN, Dec::to_f64),
            form: NumeralForm::Chinese,
            approx: false,
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Exact decimal arithmetic.

/// `mant / 10^scale`, exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Dec {
    mant: i128,
    scale: u32,
}

/// Past this many fraction digits a numeral is not a figure worth keeping.
const MAX_SCALE: u32 = 24;

fn pow10(exp: u32) -> Option<i128> {
    10i128.checked_pow(exp)
}

impl Dec {
    fn int(v: i128) -> Self {
        Self { mant: v, scale: 0 }
    }

    fn is_zero(self) -> bool {
        self.mant == 0
    }

    /// Multiplies by `10^exp`.
    fn shift(self, exp: u32) -> Option<Self> {
        if self.scale >= exp {
            Some(Self {
                mant: self.mant,
                scale: self.scale - exp,
            })
        } else {
            let m = self.mant.checked_mul(pow10(exp - self.scale)?)?;
            Some(Self { mant: m, scale: 0 })
        }
    }

    /// Divides by `10^exp`.
    fn unshift(self, exp: u32) -> Option<Self> {
        let scale = self.scale.checked_add(exp)?;
        (scale <= MAX_SCALE).then_some(Self {
            mant: self.mant,
            scale,
        })
    }

    fn rescale(self, scale: u32) -> Option<i128> {
        self.mant
            .checked_mul(pow10(scale.checked_sub(self.scale)?)?)
    }

    fn add(self, o: Self) -> Option<Self> {
        let scale = self.scale.max(o.scale);
        let m = self.rescale(scale)?.checked_add(o.rescale(scale)?)?;
        Some(Self { mant: m, scale })
    }

    /// True when `self < 10^exp`.
    fn below_pow10(self, exp: u32) -> bool {
        let Some(scaled) = exp.checked_add(self.scale) else {
            return false;
        };
        match pow10(scaled) {
            Some(p) => self.mant < p,
            // 10^scaled does not fit, so any i128 mantissa is below it.
            None => true,
        }
    }

    /// Nearest `f64`, rounded once (via the decimal string) so that exact
    /// decimals such as `47.55e8` come out exact.
    fn to_f64(self) -> f64 {
        let s = format!("{}e-{}", self.mant, self.scale);
        s.parse::<f64>().unwrap_or(f64::NAN)
    }
}

// ---------------------------------------------------------------------------
// Character classes.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Script {
    Arabic,
    Chinese,
}

#[derive(Clone, Copy, Debug)]
enum Tok {
    /// A digit. `plain` is false for financial forms (`壹`, `伍`, `陸`…),
    /// which double as ordinary words and never form digit-by-digit runs.
    Digit {
        d: u8,
        script: Script,
        zero_like: bool,
        liang: bool,
        plain: bool,
    },
    /// 十百千 and 拾佰仟, by exponent; `plain` as for digits.
    Small { exp: u32, plain: bool },
    /// 廿卅卌: a ready-made number of tens.
    Tens(u8),
    /// 萬億兆, by exponent.
    Big(u32),
    /// A decimal point; `chinese` for 點/点.
    Point { chinese: bool },
}

fn chinese_digit(d: u8, plain: bool) -> Option<Tok> {
    Some(Tok::Digit {
        d,
        script: Script::Chinese,
        zero_like: d == 0,
        liang: false,
        plain,
    })
}

fn classify(c: char) -> Option<Tok> {
    match c {
        '0'..='9' | '０'..='９' => {
            let base = if c.is_ascii_digit() { '0' } else { '０' };
            let d = u8::try_from(u32::from(c) - u32::from(base)).ok()?;
            Some(Tok::Digit {
                d,
                script: Script::Arabic,
                zero_like: false,
                liang: false,
                plain: true,
            })
        }
        '零' | '〇' | '○' => chinese_digit(0, true),
        '一' => chinese_digit(1, true),
        '壹' => chinese_digit(1, false),
        '二' => chinese_digit(2, true),
        '贰' | '貳' => chinese_digit(2, false),
        '两' | '兩' => Some(Tok::Digit {
            d: 2,
            script: Script::Chinese,
            zero_like: false,
            liang: true,
            plain: true,
        }),
        '三' => chinese_digit(3, true),
        '叁' | '參' | '叄' => chinese_digit(3, false),
        '四' => chinese_digit(4, true),
        '肆' => chinese_digit(4, false),
        '五' => chinese_digit(5, true),
        '伍' => chinese_digit(5, false),
        '六' => chinese_digit(6, true),
        '陆' | '陸' => chinese_digit(6, false),
        '七' => chinese_digit(7, true),
        '柒' => chinese_digit(7, false),
        '八' => chinese_digit(8, true),
        '捌' => chinese_digit(8, false),
        '九' => chinese_digit(9, true),
        '玖' => chinese_digit(9, false),
        '十' => Some(Tok::Small {
            exp: 1,
            plain: true,
        }),
        '拾' => Some(Tok::Small {
            exp: 1,
            plain: false,
        }),
        '百' => Some(Tok::Small {
            exp: 2,
            plain: true,
        }),
        '佰' => Some(Tok::Small {
            exp: 2,
            plain: false,
        }),
        '千' => Some(Tok::Small {
            exp: 3,
            plain: true,
        }),
        '仟' => Some(Tok::Small {
            exp: 3,
            plain: false,
        }),
        '廿' => Some(Tok::Tens(2)),
        '卅' => Some(Tok::Tens(3)),
        '卌' => Some(Tok::Tens(4)),
        '万' | '萬' => Some(Tok::Big(4)),
        '亿' | '億' => Some(Tok::Big(8)),
        '兆' => Some(Tok::Big(12)),
        '.' | '．' => Some(Tok::Point { chinese: false }),
        '点' | '點' => Some(Tok::Point { chinese: true }),
        _ => None,
    }
}

fn is_arabic_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn digit_of(c: char) -> Option<(u8, Script, bool)> {
    match classify(c)? {
        Tok::Digit {
            d, script, plain, ..
        } => Some((d, script, plain)),
        _ => None,
    }
}

/// "Some": after a number it makes the number a lower bound (`2千几`).
fn is_vague(c: char) -> bool {
    matches!(c, '几' | '幾')
}

/// Marks between a number and its multiplier meaning "more than" (`200多万`,
/// `十几万`).
fn is_more_marker(c: char) -> bool {
    matches!(c, '多' | '余' | '餘') || is_vague(c)
}

/// Words standing for an unknown coefficient before a unit (`数万`, `几十`,
/// `上億`), and whether they may stand before 十 too (`上十` is no idiom).
fn vague_coefficient(c: char) -> Option<bool> {
    match c {
        '数' | '數' => Some(true),
        '上' => Some(false),
        _ if is_vague(c) => Some(true),
        _ => None,
    }
}

/// Thousands separators between digit groups, besides `,`.
fn is_space_sep(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}')
}

/// Characters after a Chinese fraction that show `点` meant o'clock
/// (`九点三十分`), not a decimal point.
fn is_clock_follower(c: char) -> bool {
    matches!(c, '十' | '拾' | '分' | '刻' | '半' | '时' | '時')
}

// ---------------------------------------------------------------------------
// The reader.

/// A run of digits not yet bound to a unit.
#[derive(Debug, Clone, Copy)]
struct Run {
    int: i128,
    ndigits: u32,
    frac: i128,
    fdigits: u32,
    has_point: bool,
    script: Script,
    leading_zero: bool,
    /// Exponent of the unit right before the run (no `零` in between): a
    /// trailing run is then read positionally (`三百五` is 350).
    after: Option<u32>,
    sep: Option<char>,
    first: u8,
    plain: bool,
    liang: bool,
}

impl Run {
    /// `三四`, `七八`: two consecutive Chinese digits mean "three or four".
    fn is_range_pair(&self) -> bool {
        self.script == Script::Chinese
            && self.ndigits == 2
            && !self.has_point
            && self.first >= 1
            && self.int == i128::from(self.first) * 11 + 1
    }

    fn value(&self) -> Option<Dec> {
        let mant = self
            .int
            .checked_mul(pow10(self.fdigits)?)?
            .checked_add(self.frac)?;
        Some(Dec {
            mant,
            scale: self.fdigits,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    Start,
    Digit,
    Small(u32),
    Big(u32),
    Zero,
    More,
}

#[derive(Debug, Clone)]
struct State {
    total: Dec,
    last_big: Option<u32>,
    section: Dec,
    last_small: Option<u32>,
    run: Option<Run>,
    prev: Prev,
    arabic: bool,
    chinese: bool,
    approx: bool,
    closed: bool,
    /// Characters consumed, and whether every one is a word-like
    /// character (financial digit, bare 百/千) that alone is no numeral.
    steps: u32,
    weak_only: bool,
    /// A `数`/`几` before the numeral stands for its first coefficient, so a
    /// big unit may open it (`数万`).
    vague_start: bool,
}

enum Step {
    /// Accepted; the reader is now at this char index.
    Accept(usize),
    Reject,
    /// The whole numeral is to be dropped (vague range, dotted chain,
    /// overflow).
    Poison,
}

#[derive(Debug, Clone, Copy)]
struct Snapshot {
    end: usize,
    value: Dec,
    arabic: bool,
    chinese: bool,
    approx: bool,
    has_big: bool,
    weak_only: bool,
}

enum Core {
    Found(Snapshot),
    Skip(usize),
    Nothing,
}

struct Found {
    end: usize,
    value: Dec,
    form: NumeralForm,
    approx: bool,
}

enum Outcome {
    Found(Found),
    Skip(usize),
    Nothing,
}

fn char_at(chars: &[(usize, char)], i: usize) -> Option<char> {
    chars.get(i).map(|&(_, c)| c)
}

impl State {
    fn new() -> Self {
        Self {
            total: Dec::default(),
            last_big: None,
            section: Dec::default(),
            last_small: None,
            run: None,
            prev: Prev::Start,
            arabic: false,
            chinese: false,
            approx: false,
            closed: false,
            steps: 0,
            weak_only: true,
            vague_start: false,
        }
    }

    /// Value of a run that is not followed by a unit of its own.
    /// `at_end`: the numeral ends here (else a big unit follows).
    fn run_tail(&self, at_end: bool) -> Option<Dec> {
        let Some(r) = self.run else {
            return Some(Dec::default());
        };
        let v = r.value()?;
        let positional = match r.script {
            Script::Chinese => true,
            Script::Arabic => r.ndigits == 1 && !r.leading_zero && r.sep.is_none(),
        };
        match r.after {
            Some(e) if positional && (at_end || e < 4) => {
                if r.ndigits > e || (r.has_point && r.ndigits != e) {
                    return None;
                }
                // Taiwanese pages read the group after 萬/億 digit by digit
                // and leave its leading zeros out (`六萬五四二` = 60542);
                // only a lone digit there is the short form (`六萬五` =
                // 65000), as a lone digit after 十百千 is (`三百五`).
                if e >= 4 && r.ndigits >= 2 && !r.has_point {
                    return Some(v);
                }
                v.shift(e - r.ndigits)
            }
            _ => Some(v),
        }
    }

    /// Value if the numeral ended here; `None` when incomplete.
    fn finish(&self) -> Option<Dec> {
        if matches!(self.prev, Prev::Zero | Prev::More | Prev::Start) {
            return None;
        }
        if self.run.is_some_and(|r| r.is_range_pair()) {
            return None;
        }
        let tail = self.run_tail(true)?;
        let low = self.section.add(tail)?;
        if let Some(ls) = self.last_small
            && self.run.is_some()
            && !tail.below_pow10(ls)
        {
            return None;
        }
        if let Some(lb) = self.last_big
            && !low.below_pow10(lb)
        {
            return None;
        }
        self.total.add(low)
    }

    fn mark(&mut self, script: Script) {
        match script {
            Script::Arabic => self.arabic = true,
            Script::Chinese => self.chinese = true,
        }
    }

    fn step(&mut self, chars: &[(usize, char)], pos: usize) -> Step {
        if self.closed {
            return Step::Reject;
        }
        let Some(c) = char_at(chars, pos) else {
            return Step::Reject;
        };
        let next = char_at(chars, pos + 1);
        let res = match classify(c) {
            Some(tok @ Tok::Digit { .. }) => self.digit(chars, pos, tok),
            Some(Tok::Small { exp, plain }) => self.small(pos, exp, plain),
            Some(Tok::Tens(t)) => self.tens(pos, t),
            Some(Tok::Big(exp)) => self.big(pos, exp),
            Some(Tok::Point { chinese }) => self.point(chars, pos, chinese),
            None if c == ',' || is_space_sep(c) => self.group(chars, pos, c),
            None if is_more_marker(c) => {
                let big_next = matches!(next.and_then(classify), Some(Tok::Big(_)));
                let ok = big_next && matches!(self.prev, Prev::Digit | Prev::Small(_));
                if ok {
                    self.prev = Prev::More;
                    Step::Accept(pos + 1)
                } else {
                    Step::Reject
                }
            }
            None => Step::Reject,
        };
        if matches!(res, Step::Accept(_)) {
            self.steps += 1;
        }
        res
    }

    fn digit(&mut self, chars: &[(usize, char)], pos: usize, tok: Tok) -> Step {
        let Tok::Digit {
            d,
            script,
            zero_like,
            liang,
            plain,
        } = tok
        else {
            return Step::Reject;
        };
        if plain {
            self.weak_only = false;
        }
        match (self.prev, self.run.as_mut()) {
            (Prev::Digit, Some(r)) => {
                if r.script != script || r.sep.is_some() && !r.has_point {
                    return Step::Reject;
                }
                if script == Script::Chinese && !(r.plain && plain) {
                    return Step::Reject;
                }
                if r.has_point {
                    r.frac = match r.frac.checked_mul(10).and_then(|f| f.checked_add(d.into())) {
                        Some(f) if r.fdigits < MAX_SCALE => f,
                        _ => return Step::Poison,
                    };
                    r.fdigits += 1;
                    return Step::Accept(pos + 1);
                }
                if script == Script::Chinese && (r.liang || liang) {
                    // 两 never sits in a digit-by-digit run; 一两/两三 are ranges.
                    let range = r.ndigits == 1 && (r.first == 1 && liang || r.liang && d == 3);
                    return if range { Step::Poison } else { Step::Reject };
                }
                if script == Script::Chinese && r.ndigits == 1 && r.first >= 1 && d == r.first + 1 {
                    // 三四, 七八: an "about" range unless a longer digit string
                    // follows (一二〇 is 120).
                    let longer = char_at(chars, pos + 1)
                        .and_then(digit_of)
                        .is_some_and(|(_, s, p)| s == Script::Chinese && p);
                    if !longer {
                        return Step::Poison;
                    }
                }
                r.int = match r.int.checked_mul(10).and_then(|v| v.checked_add(d.into())) {
                    Some(v) => v,
                    None => return Step::Poison,
                };
                r.ndigits += 1;
                self.mark(script);
                Step::Accept(pos + 1)
            }
            (Prev::Small(_) | Prev::Big(_) | Prev::Zero, _) if zero_like => {
                // 一千零五: 零 only says a place is empty.
                self.prev = Prev::Zero;
                self.mark(script);
                Step::Accept(pos + 1)
            }
            (Prev::Start | Prev::Small(_) | Prev::Big(_) | Prev::Zero, _) => {
                let after = match self.prev {
                    Prev::Small(e) | Prev::Big(e) => Some(e),
                    _ => None,
                };
                self.run = Some(Run {
                    int: d.into(),
                    ndigits: 1,
                    frac: 0,
                    fdigits: 0,
                    has_point: false,
                    script,
                    leading_zero: d == 0,
                    after,
                    sep: None,
                    first: d,
                    plain,
                    liang,
                });
                self.prev = Prev::Digit;
                self.mark(script);
                Step::Accept(pos + 1)
            }
            _ => Step::Reject,
        }
    }

    fn small(&mut self, pos: usize, exp: u32, plain: bool) -> Step {
        if self.last_small.is_some_and(|ls| ls <= exp) {
            return Step::Reject;
        }
        let coef = match (self.prev, self.run) {
            (Prev::Digit, Some(r)) => {
                let ok = r.ndigits == 1
                    && r.sep.is_none()
                    && (r.int != 0 || r.has_point)
                    && (!r.has_point || exp >= 2);
                if !ok {
                    return Step::Reject;
                }
                match r.value() {
                    Some(v) => v,
                    None => return Step::Poison,
                }
            }
            (Prev::Start | Prev::Zero | Prev::Big(_), None) => Dec::int(1),
            _ => return Step::Reject,
        };
        if plain {
            // A bare 百 is a number often enough (`百人通緝令`); a bare 拾
            // or 佰 is a word (拾金不昧).
            self.weak_only = false;
        }
        let Some(section) = coef.shift(exp).and_then(|v| self.section.add(v)) else {
            return Step::Poison;
        };
        self.section = section;
        self.last_small = Some(exp);
        self.run = None;
        self.prev = Prev::Small(exp);
        self.chinese = true;
        Step::Accept(pos + 1)
    }

    fn tens(&mut self, pos: usize, t: u8) -> Step {
        let ok = self.run.is_none()
            && matches!(
                self.prev,
                Prev::Start | Prev::Zero | Prev::Big(_) | Prev::Small(2..)
            )
            && self.last_small.is_none_or(|ls| ls > 1);
        if !ok {
            return Step::Reject;
        }
        let Some(section) = self.section.add(Dec::int(i128::from(t) * 10)) else {
            return Step::Poison;
        };
        self.section = section;
        self.last_small = Some(1);
        self.prev = Prev::Small(1);
        self.chinese = true;
        self.weak_only = false;
        Step::Accept(pos + 1)
    }

    fn big(&mut self, pos: usize, exp: u32) -> Step {
        let more = self.prev == Prev::More;
        if let Prev::Big(p) = self.prev
            && exp > p
        {
            // 萬億: a compound multiplier, 10^4 * 10^8.
            let Some(total) = self.total.shift(exp) else {
                return Step::Poison;
            };
            self.total = total;
            self.last_big = Some(exp);
            self.prev = Prev::Big(exp);
            return Step::Accept(pos + 1);
        }
        if self.prev == Prev::Start && self.vague_start {
            self.total = Dec::int(1).shift(exp).unwrap_or_default();
            self.last_big = Some(exp);
            self.prev = Prev::Big(exp);
            self.chinese = true;
            self.weak_only = false;
            return Step::Accept(pos + 1);
        }
        if !matches!(self.prev, Prev::Digit | Prev::Small(_) | Prev::More) {
            return Step::Reject;
        }
        let Some(tail) = self.run_tail(false) else {
            return Step::Reject;
        };
        if let (Some(ls), Some(_)) = (self.last_small, self.run)
            && !tail.below_pow10(ls)
        {
            return Step::Reject;
        }
        let Some(s) = self.section.add(tail) else {
            return Step::Poison;
        };
        if s.is_zero() {
            return Step::Reject;
        }
        let total = match self.last_big {
            Some(lb) if exp == lb => return Step::Reject,
            Some(lb) if exp < lb => {
                if !s.below_pow10(lb - exp) {
                    return Step::Reject;
                }
                s.shift(exp).and_then(|v| self.total.add(v))
            }
            _ => self.total.add(s).and_then(|v| v.shift(exp)),
        };
        let Some(total) = total else {
            return Step::Poison;
        };
        self.total = total;
        self.last_big = Some(exp.max(self.last_big.unwrap_or(0)));
        self.section = Dec::default();
        self.last_small = None;
        self.run = None;
        self.prev = Prev::Big(exp);
        self.chinese = true;
        self.weak_only = false;
        if more {
            self.approx = true;
            self.closed = true;
        }
        Step::Accept(pos + 1)
    }

    fn point(&mut self, chars: &[(usize, char)], pos: usize, chinese: bool) -> Step {
        let Some(r) = self.run.as_mut() else {
            return Step::Reject;
        };
        if self.prev != Prev::Digit {
            return Step::Reject;
        }
        let Some((d, script, plain)) = char_at(chars, pos + 1).and_then(digit_of) else {
            return Step::Reject;
        };
        if r.has_point {
            // A second point: 5.39.217.768 or 2023.5.12 is no single number.
            return if script == Script::Arabic && !chinese {
                Step::Poison
            } else {
                Step::Reject
            };
        }
        if script != r.script || chinese && script != Script::Chinese || !plain || !r.plain {
            return Step::Reject;
        }
        if chinese {
            let mut j = pos + 1;
            while char_at(chars, j)
                .and_then(digit_of)
                .is_some_and(|(_, s, p)| s == Script::Chinese && p)
            {
                j += 1;
            }
            if char_at(chars, j).is_some_and(is_clock_follower) {
                return Step::Reject;
            }
        }
        r.has_point = true;
        r.frac = d.into();
        r.fdigits = 1;
        Step::Accept(pos + 2)
    }

    fn group(&mut self, chars: &[(usize, char)], pos: usize, sep: char) -> Step {
        let Some(r) = self.run.as_mut() else {
            return Step::Reject;
        };
        let first_group = r.sep.is_none() && (1..=3).contains(&r.ndigits);
        let ok = self.prev == Prev::Digit
            && r.script == Script::Arabic
            && !r.has_point
            && (first_group || r.sep == Some(sep));
        if !ok {
            return Step::Reject;
        }
        let mut v = r.int;
        for k in 1..=3 {
            match char_at(chars, pos + k).and_then(digit_of) {
                Some((d, Script::Arabic, _)) => {
                    v = match v.checked_mul(10).and_then(|x| x.checked_add(d.into())) {
                        Some(x) => x,
                        None => return Step::Poison,
                    }
                }
                _ => return Step::Reject,
            }
        }
        if char_at(chars, pos + 4).is_some_and(is_arabic_digit) {
            return Step::Reject;
        }
        r.int = v;
        r.ndigits += 3;
        r.sep = Some(sep);
        Step::Accept(pos + 4)
    }
}

/// Index past the numeral-looking characters from `pos`, for dropping a
/// poisoned numeral whole.
fn skip_numeral_chars(chars: &[(usize, char)], mut pos: usize) -> usize {
    while let Some(c) = char_at(chars, pos) {
        let joiner =
            matches!(c, '.' | '．' | ',') && char_at(chars, pos + 1).is_some_and(is_arabic_digit);
        let numeral = matches!(
            classify(c),
            Some(Tok::Digit { .. } | Tok::Small { .. } | Tok::Tens(_) | Tok::Big(_))
        );
        if !(joiner || numeral) {
            break;
        }
        pos += 1;
    }
    pos
}

fn read_core(chars: &[(usize, char)], start: usize, vague_start: bool) -> Core {
    let mut st = State::new();
    st.vague_start = vague_start;
    st.approx = vague_start;
    let mut pos = start;
    let mut best: Option<Snapshot> = None;
    while pos < chars.len() {
        match st.step(chars, pos) {
            Step::Accept(next) => {
                pos = next;
                if let Some(value) = st.finish() {
                    best = Some(Snapshot {
                        end: pos,
                        value,
                        arabic: st.arabic,
                        chinese: st.chinese,
                        approx: st.approx,
                        has_big: st.last_big.is_some(),
                        weak_only: st.weak_only && st.steps == 1,
                    });
                }
            }
            Step::Reject => break,
            Step::Poison => return Core::Skip(skip_numeral_chars(chars, pos).max(start + 1)),
        }
    }
    match best {
        Some(s) => Core::Found(s),
        None if pos > start => Core::Skip(pos),
        None => Core::Nothing,
    }
}

/// `百分之` (percent), `千分之` and `萬分之` (folded into percent) before a
/// numeral: the prefix length and how many places to shift the value down.
fn percent_prefix(chars: &[(usize, char)], i: usize) -> Option<(usize, u32)> {
    let div = match char_at(chars, i)? {
        '百' => 0,
        '千' => 1,
        '万' | '萬' => 2,
        _ => return None,
    };
    (char_at(chars, i + 1)? == '分' && char_at(chars, i + 2)? == '之').then_some((3, div))
}

fn read_numeral(chars: &[(usize, char)], i: usize, whole: bool) -> Outcome {
    if let Some((plen, div)) = percent_prefix(chars, i) {
        return match read_core(chars, i + plen, false) {
            Core::Found(s) => match s.value.unshift(div) {
                Some(value) => Outcome::Found(Found {
                    end: s.end,
                    value,
                    form: NumeralForm::Percent,
                    approx: s.approx,
                }),
                _ => Outcome::Skip(s.end),
            },
            Core::Skip(end) => Outcome::Skip(end),
            Core::Nothing => Outcome::Skip(i + plen),
        };
    }
    let unit_next = match char_at(chars, i + 1).and_then(classify) {
        Some(Tok::Small { plain: true, exp }) => Some(exp),
        Some(Tok::Big(exp)) => Some(exp),
        _ => None,
    };
    // `以上百分之五` is 以上 + a percent, not 上百.
    let vague_start = match (char_at(chars, i).and_then(vague_coefficient), unit_next) {
        (Some(with_ten), Some(exp)) => {
            (with_ten || exp > 1) && percent_prefix(chars, i + 1).is_none()
        }
        _ => false,
    };
    let core_start = if vague_start { i + 1 } else { i };
    let s = match read_core(chars, core_start, vague_start) {
        Core::Found(s) => s,
        Core::Skip(end) => return Outcome::Skip(end),
        Core::Nothing => return Outcome::Nothing,
    };
    if s.weak_only && !whole {
        return Outcome::Skip(s.end);
    }
    let form = match (s.arabic, s.chinese) {
        (true, false) => NumeralForm::Arabic,
        (true, true) => NumeralForm::Mixed,
        _ => NumeralForm::Chinese,
    };
    let mut found = Found {
        end: s.end,
        value: s.value,
        form,
        approx: s.approx || char_at(chars, s.end).is_some_and(is_vague),
    };
    match char_at(chars, s.end) {
        Some('%' | '％') => {
            found.end += 1;
            found.form = NumeralForm::Percent;
        }
        Some('成')
            if !s.has_big && !s.approx && !s.value.is_zero() && s.value.below_pow10(1)
                || s.value == Dec::int(10) =>
        {
            if let Some(v) = s.value.shift(1) {
                found.value = v;
                found.end += 1;
                found.form = NumeralForm::Cheng;
                // 三成三: one more digit is the units of the percent.
                let m = char_at(chars, found.end).and_then(digit_of);
                let after = char_at(chars, found.end + 1);
                let continues = after.is_some_and(|c| {
                    classify(c).is_some() || matches!(c, '%' | '％' | '成' | ',') || is_vague(c)
                });
                if let Some((d, _, true)) = m
                    && d != 0
                    && !continues
                    && v.scale == 0
                    && let Some(sum) = v.add(Dec::int(d.into()))
                {
                    found.value = sum;
                    found.end += 1;
                } else if char_at(chars, found.end) == Some('半')
                    && v.scale == 0
                    && let Some(sum) = v.add(Dec::int(5))
                {
                    // 一成半: half a tenth more, 15 %.
                    found.value = sum;
                    found.end += 1;
                }
            }
        }
        _ => {}
    }
    Outcome::Found(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> f64 {
        match parse(s) {
            Some(v) => v,
            None => panic!("parse({s:?}) = None"),
        }
    }

    fn spans(text: &str) -> Vec<(&str, f64, NumeralForm)> {
        scan(text)
            .into_iter()
            .map(|m| (&text[m.start..m.end], m.value, m.form))
            .collect()
    }

    #[test]
    fn arabic_and_full_width() {
        assert_eq!(p("1.8"), 1.8);
        assert_eq!(p("１２．５"), 12.5);
        assert_eq!(p("6,300"), 6300.0);
        assert_eq!(p("44 480"), 44480.0);
        assert_eq!(p("2023"), 2023.0);
        assert_eq!(p("0"), 0.0);
        assert_eq!(parse("44 48"), None);
        assert_eq!(parse("1234 567"), None);
    }

    #[test]
    fn mixed_with_multipliers() {
        let cases: &[(&str, f64)] = &[
            ("1.8萬", 18000.0),
            ("47.55億", 4755000000.0),
            ("5.3萬", 53000.0),
            ("2億3千5百萬", 235000000.0),
            ("6亿5180万", 651800000.0),
            // The brief said 200040000; the corpus gold (dev-034) has 204000000.
            ("2亿零400万", 204000000.0),
            ("5万零376", 50376.0),
            ("8,404萬0,124", 84040124.0),
            ("631萬0,568", 6310568.0),
            ("2億1,910萬5,185", 219105185.0),
            ("2億7859萬", 278590000.0),
            ("1億306萬", 103060000.0),
            ("3千萬", 30000000.0),
            ("1萬", 10000.0),
        ];
        for &(s, v) in cases {
            assert_eq!(p(s), v, "{s}");
        }
    }

    #[test]
    fn chinese_numerals() {
        let cases: &[(&str, f64)] = &[
            ("一千二百", 1200.0),
            ("两万", 20000.0),
            ("兩萬", 20000.0),
            ("廿三點五億", 2350000000.0),
            ("八萬四二一六", 84216.0),
            ("九萬三三七九", 93379.0),
            ("六萬五四二", 60542.0),
            ("六万五〇二", 60502.0),
            ("十二萬三五", 120035.0),
            ("一億二三四五萬六七八九", 123456789.0),
            ("一億二三四萬五七", 102340057.0),
            ("六萬五", 65000.0),
            ("六萬五千四百二十", 65420.0),
            ("三百五", 350.0),
            ("六萬五千八百二十四", 65824.0),
            ("六十三億三千萬", 6330000000.0),
            ("三點九八萬", 39800.0),
            ("九十一點八億", 9180000000.0),
            ("六百零九", 609.0),
            ("一千五百六十二", 1562.0),
            ("十一.三億", 1130000000.0),
            ("四十三.一", 43.1),
            ("五三○", 530.0),
            ("二○七二", 2072.0),
            ("一一七八", 1178.0),
            ("二〇二四", 2024.0),
            ("一億七二四四萬", 172440000.0),
            ("十五", 15.0),
            ("十", 10.0),
            ("壹仟貳佰參拾肆", 1234.0),
            ("伍萬陸仟柒佰捌拾玖", 56789.0),
            ("玖佰", 900.0),
            ("兩兆", 2e12),
            ("一兆", 1e12),
            ("七千三萬", 73000000.0),
            ("千一萬", 11000000.0),
            ("百四", 140.0),
            ("千二", 1200.0),
            ("卅", 30.0),
            ("卌五", 45.0),
            ("一萬億", 1e12),
            ("三萬五千億", 3.5e12),
            ("一千零一十", 1010.0),
            ("一億零五萬", 100050000.0),
        ];
        for &(s, v) in cases {
            assert_eq!(p(s), v, "{s}");
        }
        assert_eq!(parse("幾"), None);
        assert_eq!(parse("几"), None);
        assert_eq!(parse("几万"), Some(10000.0));
        assert_eq!(parse("萬"), None);
    }

    #[test]
    fn percent_forms() {
        assert_eq!(p("22%"), 22.0);
        assert_eq!(p("22％"), 22.0);
        assert_eq!(p("百分之卅二"), 32.0);
        assert_eq!(p("百分之四十六點二"), 46.2);
        assert_eq!(p("百分之百"), 100.0);
        assert_eq!(p("千分之五"), 0.5);
        assert_eq!(p("百分之零點五"), 0.5);
        assert_eq!(p("零點五"), 0.5);
        assert_eq!(p("0.5%"), 0.5);
        let s = spans("同比下降22%，占百分之四十六點二");
        assert_eq!(
            s,
            vec![
                ("22%", 22.0, NumeralForm::Percent),
                ("百分之四十六點二", 46.2, NumeralForm::Percent)
            ]
        );
    }

    #[test]
    fn cheng_forms() {
        let cases: &[(&str, f64)] = &[
            ("三成三", 33.0),
            ("四成四", 44.0),
            ("兩成八", 28.0),
            ("3成6", 36.0),
            ("六成", 60.0),
            ("十成", 100.0),
            ("一成半", 15.0),
            ("兩成半", 25.0),
            ("3成半", 35.0),
        ];
        for &(s, v) in cases {
            assert_eq!(p(s), v, "{s}");
            assert_eq!(spans(s), vec![(s, v, NumeralForm::Cheng)], "{s}");
        }
        assert_eq!(spans("近9成"), vec![("9成", 90.0, NumeralForm::Cheng)]);
        assert_eq!(
            spans("六成五千人"),
            vec![
                ("六成", 60.0, NumeralForm::Cheng),
                ("五千", 5000.0, NumeralForm::Chinese)
            ]
        );
        // Only directly after a numeral.
        assert!(spans("完成").is_empty());
    }

    #[test]
    fn forms() {
        assert_eq!(spans("1.8萬")[0].2, NumeralForm::Mixed);
        assert_eq!(spans("6,300")[0].2, NumeralForm::Arabic);
        assert_eq!(spans("十一.三億")[0].2, NumeralForm::Chinese);
    }

    #[test]
    fn no_gluing() {
        let v = |t: &str| scan(t).into_iter().map(|m| m.value).collect::<Vec<_>>();
        assert_eq!(v("1/10"), vec![1.0, 10.0]);
        assert_eq!(v("0531-66661234"), vec![531.0, 66661234.0]);
        assert_eq!(v("119-108"), vec![119.0, 108.0]);
        assert_eq!(v("IP 5.39.217.768 地址"), Vec::<f64>::new());
        assert_eq!(v("2023.5.12"), Vec::<f64>::new());
        assert_eq!(v("14件75人"), vec![14.0, 75.0]);
        assert_eq!(v("共1.另有2."), vec![1.0, 2.0]);
        assert_eq!(v("2023年"), vec![2023.0]);
        assert_eq!(v("1,2,3"), vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn words_stay_small() {
        let v = |t: &str| scan(t).into_iter().map(|m| m.value).collect::<Vec<_>>();
        assert_eq!(v("一是"), vec![1.0]);
        assert_eq!(v("一些"), vec![1.0]);
        assert_eq!(v("万一"), vec![1.0]);
        assert_eq!(v("澳門首9個月罪案逾萬宗"), vec![9.0]);
        assert!(v("征兆").is_empty());
        assert_eq!(v("千万不要"), vec![1e7]);
        assert_eq!(v("第六届"), vec![6.0]);
        assert_eq!(v("發布百人通緝令"), vec![100.0]);
        assert_eq!(v("拾金不昧"), Vec::<f64>::new());
        assert_eq!(v("队伍"), Vec::<f64>::new());
        assert_eq!(v("大陆三人"), vec![3.0]);
        assert_eq!(v("几"), Vec::<f64>::new());
        assert_eq!(v("幾個"), Vec::<f64>::new());
        assert_eq!(v("三四十万"), Vec::<f64>::new());
        assert_eq!(v("一两个"), Vec::<f64>::new());
        assert_eq!(v("一二线城市"), Vec::<f64>::new());
        assert_eq!(v("拨打一二〇"), vec![120.0]);
        assert_eq!(v("九点三十分"), vec![9.0, 30.0]);
    }

    #[test]
    fn more_markers() {
        let m = scan("涉案200多万元");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].value, 2e6);
        assert!(m[0].approx);
        let m = scan("1亿3000余万元");
        assert_eq!(m[0].value, 130000000.0);
        assert!(m[0].approx);
        let m = scan("5.3萬余名");
        assert_eq!(m[0].value, 53000.0);
        assert!(!m[0].approx);
    }

    #[test]
    fn vague_coefficients() {
        fn one(t: &str) -> (&str, f64, bool) {
            let m = scan(t);
            assert_eq!(m.len(), 1, "{t}: {m:?}");
            (&t[m[0].start..m[0].end], m[0].value, m[0].approx)
        }
        assert_eq!(one("被骗入十几万元"), ("十几万", 100000.0, true));
        assert_eq!(one("由2千几澳门元"), ("2千", 2000.0, true));
        assert_eq!(one("将数万名"), ("数万", 10000.0, true));
        assert_eq!(one("几十万"), ("几十万", 100000.0, true));
        assert_eq!(one("共计94.88余万元"), ("94.88余万", 948800.0, true));
        assert_eq!(one("十几个"), ("十", 10.0, true));
        assert!(scan("数据").is_empty());
        assert_eq!(one("查扣不法財物逾上億元"), ("上億", 1e8, true));
        assert_eq!(one("上千万"), ("上千万", 1e7, true));
        assert!(scan("上升").is_empty());
        assert_eq!(one("上十"), ("十", 10.0, false));
        assert_eq!(one("增幅以上百分之五"), ("百分之五", 5.0, false));
        assert_eq!(
            one("三萬三千一百廿六宗"),
            ("三萬三千一百廿六", 33126.0, false)
        );
    }

    #[test]
    fn sentence() {
        let s = spans("破獲5.3萬余宗，涉款47.55億元，同比下降22%");
        assert_eq!(
            s,
            vec![
                ("5.3萬", 53000.0, NumeralForm::Mixed),
                ("47.55億", 4755000000.0, NumeralForm::Mixed),
                ("22%", 22.0, NumeralForm::Percent)
            ]
        );
    }

    #[test]
    fn lone_units() {
        let b = |t: &str| {
            bare_units(t)
                .into_iter()
                .map(|m| (m.start, m.end, m.value))
                .collect::<Vec<_>>()
        };
        assert_eq!(b("罪案逾萬宗"), vec![(9, 12, 1e4)]);
        assert_eq!(b("逾亿元"), vec![(3, 6, 1e8)]);
        assert!(b("万一").is_empty());
        assert!(b("1.8万").is_empty());
        assert!(b("数万名").is_empty());
        assert!(b("200多万").is_empty());
        assert!(b("万万").is_empty());
        assert!(b("征兆").is_empty());
    }

    /// Inputs the property tests once shrank to: `scan` found a span that
    /// `parse` refused (a range pair followed by a digit), and a
    /// multi-character financial numeral taken for a lone word.
    #[test]
    fn regressions_from_property_tests() {
        for t in [
            "百五六零",
            "五六〇",
            "十五六〇",
            "共拾壹元",
            "贰拾",
            "三四五",
        ] {
            for m in scan(t) {
                let span = &t[m.start..m.end];
                assert_eq!(parse(span), Some(m.value), "{t}: {span}");
            }
        }
        assert_eq!(
            spans("共拾壹元"),
            vec![("拾壹", 11.0, NumeralForm::Chinese)]
        );
        assert_eq!(p("五六〇"), 560.0);
    }

    #[test]
    fn no_panic_on_odd_input() {
        for t in [
            "",
            ".",
            "萬萬萬",
            "零零零",
            "99999999999999999999999999999999999999999999999999",
            "1.99999999999999999999999999999999999999",
            "百分之",
            "成",
            "3,",
            "3,00",
            "九兆兆兆兆兆",
        ] {
            let _ = scan(t);
            let _ = parse(t);
        }
        assert!(scan("99999999999999999999999999999999999999999999999999").is_empty());
    }
}
