//! Office hours: when people answer a channel. A week of opening spans in
//! the channel's own time zone (IANA, so daylight-saving changes follow the
//! tz database) and dated exceptions such as holidays. A span may cross
//! midnight (`22:00-02:00`). Pure: the clock is passed in, so every case is
//! tested natively; the edge asks [`OfficeHours::is_open`] with its clock.
//!
//! The editor writes a day's spans as text (`09:00-13:00, 14:00-18:00`, empty
//! for closed) and the exceptions one per line (`2026-12-25` closed all day,
//! `2026-12-24 09:00-13:00` shorter); the parsers and printers are here so
//! that what an admin types and what the edge stores cannot drift apart.

use serde::{Deserialize, Serialize};

use crate::channel::Language;
use crate::clock;
use crate::limits::{MAX_HOURS_EXCEPTIONS, MAX_SPANS_PER_DAY};
use crate::protocol::{ErrorCode, Problem};
use crate::Millis;

/// A channel's office hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeHours {
    /// The IANA time zone the spans are in (`Europe/Madrid`).
    pub time_zone: String,
    /// The spans of each weekday, Monday first; none is closed all day.
    pub week: [Vec<Span>; 7],
    /// Dates whose spans replace their weekday's.
    #[serde(default)]
    pub exceptions: Vec<Exception>,
}

/// From one time of day to another, in minutes after midnight. `to` may be
/// `24:00`; a `to` before `from` ends on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Span {
    /// The opening minute.
    pub from: u16,
    /// The closing minute (excluded).
    pub to: u16,
}

/// A date with its own spans (none: closed all day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Its spans.
    pub spans: Vec<Span>,
}

impl OfficeHours {
    /// Monday to Friday, 09:00 to 17:00, in `time_zone`.
    pub fn office_days(time_zone: &str) -> OfficeHours {
        let day = vec![Span {
            from: 9 * 60,
            to: 17 * 60,
        }];
        OfficeHours {
            time_zone: time_zone.into(),
            week: std::array::from_fn(|d| if d < 5 { day.clone() } else { Vec::new() }),
            exceptions: Vec::new(),
        }
    }

    /// Whether the channel is open at `now`. An unknown time zone (which
    /// [`validated`](Self::validated) never lets through) counts as UTC.
    pub fn is_open(&self, now: Millis) -> bool {
        let zone = jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let Ok(instant) = jiff::Timestamp::from_millisecond(now) else {
            return false;
        };
        let local = instant.to_zoned_datetime(zone);
        let minute =
            u16::from(local.hour().unsigned_abs()) * 60 + u16::from(local.minute().unsigned_abs());
        let today = local.date();
        let spilled = today
            .yesterday()
            .map(|yesterday| self.spans_on(yesterday))
            .unwrap_or_default()
            .iter()
            .any(|span| span.to < span.from && minute < span.to);
        spilled
            || self
                .spans_on(today)
                .iter()
                .any(|span| minute >= span.from && (span.to < span.from || minute < span.to))
    }

    /// The last midnight in the channel's time zone before `now`: where
    /// "today" starts for its figures.
    pub fn start_of_day(&self, now: Millis) -> Millis {
        start_of_day(&self.time_zone, now)
    }

    /// Checks the hours and puts the exceptions in date order.
    pub fn validated(&self) -> Result<OfficeHours, Problem> {
        let time_zone = self.time_zone.trim();
        if jiff::tz::TimeZone::get(time_zone).is_err() {
            return Err(invalid(format!(
                "{time_zone:?} is not a time zone: use an IANA name such as Europe/Madrid or America/Sao_Paulo."
            )));
        }
        for (day, spans) in self.week.iter().enumerate() {
            check_spans(spans, clock::weekday(Language::En, day))?;
        }
        if self.exceptions.len() > MAX_HOURS_EXCEPTIONS {
            return Err(invalid(format!(
                "At most {MAX_HOURS_EXCEPTIONS} dated exceptions."
            )));
        }
        let mut exceptions = self.exceptions.clone();
        for exception in &exceptions {
            if exception.date.parse::<jiff::civil::Date>().is_err() {
                return Err(invalid(format!(
                    "{:?} is not a date: write it as 2026-12-25.",
                    exception.date
                )));
            }
            check_spans(&exception.spans, &exception.date)?;
        }
        exceptions.sort_by(|a, b| a.date.cmp(&b.date));
        if let Some(twice) = exceptions.windows(2).find(|w| w[0].date == w[1].date) {
            return Err(invalid(format!("{} is listed twice.", twice[0].date)));
        }
        Ok(OfficeHours {
            time_zone: time_zone.to_owned(),
            week: self.week.clone(),
            exceptions,
        })
    }

    fn spans_on(&self, date: jiff::civil::Date) -> &[Span] {
        let written = date.to_string();
        match self.exceptions.iter().find(|e| e.date == written) {
            Some(exception) => &exception.spans,
            None => &self.week[usize::from(date.weekday().to_monday_zero_offset().unsigned_abs())],
        }
    }
}

impl Span {
    /// Reads `09:00-17:30` (a hyphen or an en dash, spaces allowed).
    pub fn parse(text: &str) -> Result<Span, String> {
        let (from, to) = text
            .split_once(['-', '–'])
            .ok_or_else(|| format!("{text:?} is not a span such as 09:00-17:00."))?;
        let span = Span {
            from: minute_of(from)?,
            to: minute_of(to)?,
        };
        if span.from == span.to || span.from >= 24 * 60 {
            return Err(format!("{text:?} opens and closes at the same time."));
        }
        Ok(span)
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let time = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{}-{}", time(self.from), time(self.to))
    }
}

impl TryFrom<String> for Span {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Span::parse(&text)
    }
}

impl From<Span> for String {
    fn from(span: Span) -> String {
        span.to_string()
    }
}

/// Reads a day's spans: `09:00-13:00, 14:00-18:00`; empty is closed.
pub fn parse_spans(text: &str) -> Result<Vec<Span>, String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Span::parse)
        .collect()
}

/// A day's spans as [`parse_spans`] reads them.
pub fn spans_text(spans: &[Span]) -> String {
    spans
        .iter()
        .map(Span::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the exceptions, one per line: a date, then its spans (none:
/// closed all day).
pub fn parse_exceptions(text: &str) -> Result<Vec<Exception>, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (date, spans) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            if date.parse::<jiff::civil::Date>().is_err() {
                return Err(format!("{date:?} is not a date: write it as 2026-12-25."));
            }
            Ok(Exception {
                date: date.to_owned(),
                spans: parse_spans(spans)?,
            })
        })
        .collect()
}

/// The exceptions as [`parse_exceptions`] reads them.
pub fn exceptions_text(exceptions: &[Exception]) -> String {
    exceptions
        .iter()
        .map(|e| {
            format!("{} {}", e.date, spans_text(&e.spans))
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_spans(spans: &[Span], day: &str) -> Result<(), Problem> {
    if spans.len() > MAX_SPANS_PER_DAY {
        return Err(invalid(format!(
            "{day}: at most {MAX_SPANS_PER_DAY} spans a day."
        )));
    }
    if let Some(bad) = spans
        .iter()
        .find(|s| s.from == s.to || s.from >= 24 * 60 || s.to > 24 * 60)
    {
        return Err(invalid(format!("{day}: {bad} is not a span of a day.")));
    }
    Ok(())
}

/// `HH:MM` (or `H:MM`, or `HH`) as minutes after midnight, up to `24:00`.
fn minute_of(text: &str) -> Result<u16, String> {
    let text = text.trim();
    let (hours, minutes) = text.split_once([':', 'h']).unwrap_or((text, "00"));
    let minutes = if minutes.is_empty() { "00" } else { minutes };
    let parsed = hours.parse::<u16>().ok().zip(minutes.parse::<u16>().ok());
    match parsed {
        Some((h, m)) if m < 60 && (h < 24 || (h == 24 && m == 0)) && minutes.len() == 2 => {
            Ok(h * 60 + m)
        }
        _ => Err(format!("{text:?} is not a time such as 09:30.")),
    }
}

/// The last midnight in `time_zone` (UTC if unknown) before `now`.
pub fn start_of_day(time_zone: &str, now: Millis) -> Millis {
    let zone = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_millisecond(now)
        .ok()
        .and_then(|instant| instant.to_zoned_datetime(zone).start_of_day().ok())
        .map_or(now - now.rem_euclid(86_400_000), |midnight| {
            midnight.timestamp().as_millisecond()
        })
}

fn invalid(message: String) -> Problem {
    Problem::new(ErrorCode::Invalid, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instant of a UTC date and time, in milliseconds.
    fn utc(text: &str) -> Millis {
        text.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    fn hours(zone: &str, week: [&str; 7], exceptions: &str) -> OfficeHours {
        OfficeHours {
            time_zone: zone.into(),
            week: week.map(|day| parse_spans(day).unwrap()),
            exceptions: parse_exceptions(exceptions).unwrap(),
        }
        .validated()
        .unwrap()
    }

    #[test]
    fn today_starts_at_midnight_where_the_channel_is() {
        let madrid = OfficeHours::office_days("Europe/Madrid");
        assert_eq!(
            madrid.start_of_day(utc("2026-12-02T10:00:00Z")),
            utc("2026-12-01T23:00:00Z")
        );
        // 00:30 in Madrid is still the evening before in UTC.
        assert_eq!(
            madrid.start_of_day(utc("2026-12-01T23:30:00Z")),
            utc("2026-12-01T23:00:00Z")
        );
        // The day summer time starts (29 March 2026), midnight was winter's.
        assert_eq!(
            madrid.start_of_day(utc("2026-03-29T12:00:00Z")),
            utc("2026-03-28T23:00:00Z")
        );
        assert_eq!(
            start_of_day("Nowhere/Atlantis", utc("2026-12-02T10:00:00Z")),
            utc("2026-12-02T00:00:00Z"),
            "an unknown zone counts as UTC"
        );
    }

    #[test]
    fn open_in_the_channels_time_zone_not_utc() {
        let madrid = OfficeHours::office_days("Europe/Madrid");
        // Wednesday 2 December 2026: Madrid is UTC+1 in winter.
        assert!(!madrid.is_open(utc("2026-12-02T07:59:00Z")), "08:59 there");
        assert!(madrid.is_open(utc("2026-12-02T08:00:00Z")), "09:00 there");
        assert!(madrid.is_open(utc("2026-12-02T15:59:00Z")), "16:59 there");
        assert!(!madrid.is_open(utc("2026-12-02T16:00:00Z")), "17:00 there");
        // Saturday.
        assert!(!madrid.is_open(utc("2026-12-05T10:00:00Z")));
        let sao_paulo = OfficeHours::office_days("America/Sao_Paulo");
        assert!(
            !sao_paulo.is_open(utc("2026-12-02T10:00:00Z")),
            "07:00 there"
        );
        assert!(
            sao_paulo.is_open(utc("2026-12-02T12:00:00Z")),
            "09:00 there"
        );
    }

    #[test]
    fn daylight_saving_changes_move_the_hours_with_the_clock() {
        let new_york = OfficeHours::office_days("America/New_York");
        // Friday 6 March 2026 is on standard time (UTC-5); Monday 9 March,
        // after the change on Sunday the 8th, on daylight time (UTC-4).
        assert!(!new_york.is_open(utc("2026-03-06T13:30:00Z")), "08:30 EST");
        assert!(new_york.is_open(utc("2026-03-09T13:30:00Z")), "09:30 EDT");
        // A span through the night of the change, which skips 02:00-03:00.
        let night = hours(
            "America/New_York",
            ["", "", "", "", "", "", "01:00-04:00"],
            "",
        );
        assert!(night.is_open(utc("2026-03-08T06:30:00Z")), "01:30 EST");
        assert!(night.is_open(utc("2026-03-08T07:30:00Z")), "03:30 EDT");
        assert!(!night.is_open(utc("2026-03-08T08:00:00Z")), "04:00 EDT");
        // Madrid goes back an hour on Sunday 25 October 2026.
        let madrid = hours("Europe/Madrid", ["", "", "", "", "", "", "02:00-03:00"], "");
        assert!(madrid.is_open(utc("2026-10-25T00:30:00Z")), "02:30 CEST");
        assert!(
            madrid.is_open(utc("2026-10-25T01:30:00Z")),
            "02:30 CET, again"
        );
        assert!(!madrid.is_open(utc("2026-10-25T02:00:00Z")), "03:00 CET");
    }

    #[test]
    fn a_span_crossing_midnight_ends_the_next_day() {
        let late = hours("UTC", ["22:00-02:00", "", "", "", "", "", ""], "");
        // Monday 30 November 2026 22:00 to Tuesday 02:00.
        assert!(!late.is_open(utc("2026-11-30T21:59:00Z")));
        assert!(late.is_open(utc("2026-11-30T23:30:00Z")));
        assert!(late.is_open(utc("2026-12-01T01:59:00Z")));
        assert!(!late.is_open(utc("2026-12-01T02:00:00Z")));
        // The Sunday before does not spill into Monday morning.
        assert!(!late.is_open(utc("2026-11-30T01:00:00Z")));
        let all_day = hours("UTC", ["00:00-24:00", "", "", "", "", "", ""], "");
        assert!(all_day.is_open(utc("2026-11-30T23:59:00Z")));
        assert!(!all_day.is_open(utc("2026-12-01T00:00:00Z")));
    }

    #[test]
    fn exceptions_replace_their_weekday() {
        let hours = hours(
            "Europe/Madrid",
            ["09:00-17:00"; 7],
            "2026-12-25\n2026-12-24 09:00-13:00",
        );
        assert!(!hours.is_open(utc("2026-12-25T10:00:00Z")), "Christmas");
        assert!(hours.is_open(utc("2026-12-24T10:00:00Z")), "11:00 there");
        assert!(!hours.is_open(utc("2026-12-24T13:00:00Z")), "14:00 there");
        assert!(hours.is_open(utc("2026-12-26T13:00:00Z")));
        assert_eq!(
            exceptions_text(&hours.exceptions),
            "2026-12-24 09:00-13:00\n2026-12-25",
            "sorted, and printed as typed"
        );
    }

    #[test]
    fn what_admins_type_is_read_or_refused_with_a_reason() {
        assert_eq!(
            parse_spans(" 9:00 – 13:30 ,14h-18h ").unwrap(),
            [
                Span { from: 540, to: 810 },
                Span {
                    from: 840,
                    to: 1080
                }
            ]
        );
        assert_eq!(
            spans_text(&parse_spans("09:00-13:30").unwrap()),
            "09:00-13:30"
        );
        assert!(parse_spans("").unwrap().is_empty(), "closed");
        for bad in ["9-", "25:00-26:00", "09:00-09:00", "09:60-10:00", "morning"] {
            assert!(parse_spans(bad).is_err(), "{bad:?}");
        }
        assert!(parse_exceptions("2026-02-30").is_err());
        assert!(parse_exceptions("next friday").is_err());
        let refused = |hours: OfficeHours| hours.validated().unwrap_err().message;
        let mut wrong_zone = OfficeHours::office_days("Mars/Olympus");
        assert!(refused(wrong_zone.clone()).contains("IANA"));
        wrong_zone.time_zone = "Europe/Lisbon".into();
        wrong_zone.week[0] =
            parse_spans("01:00-02:00, 03:00-04:00, 05:00-06:00, 07:00-08:00, 09:00-10:00").unwrap();
        assert!(refused(wrong_zone.clone()).contains("Monday"));
        wrong_zone.week[0].clear();
        wrong_zone.exceptions = parse_exceptions("2026-12-25\n2026-12-25 09:00-10:00").unwrap();
        assert!(refused(wrong_zone).contains("twice"));
        let json = serde_json::to_string(&OfficeHours::office_days("UTC")).unwrap();
        assert!(json.contains("\"09:00-17:00\""), "{json}");
        assert!(serde_json::from_str::<Span>("\"10:00-10:00\"").is_err());
    }
}
