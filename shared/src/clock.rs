//! Times as a reader sees them: "just now", "5 min ago" and "14:05" for
//! today, a date before that, and the day separators of a message list, in
//! the reader's language and time zone. Pure, so it is tested natively.

use crate::channel::Language;
use crate::Millis;

/// The reader's clock: the time now and their time zone's offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Now.
    pub now: Millis,
    /// Local time minus UTC, in minutes (the browser's
    /// `-Date.getTimezoneOffset()`). The offset of today applies to every
    /// date, so a message from before a daylight-saving change may show an
    /// hour off.
    pub offset_min: i32,
}

impl Clock {
    /// When a message was written: relative within the hour, the time of
    /// day for the rest of today, a date with the time before that.
    pub fn stamp(&self, at: Millis, language: Language) -> String {
        let ago_min = (self.now - at).max(0) / 60_000;
        let (day, minute) = self.local(at);
        if day == self.today() {
            return match (ago_min, language) {
                (0, Language::En) => "just now".into(),
                (0, Language::Es) => "ahora".into(),
                (0, Language::Pt) => "agora".into(),
                (1..=59, Language::En) => format!("{ago_min} min ago"),
                (1..=59, Language::Es) => format!("hace {ago_min} min"),
                (1..=59, Language::Pt) => format!("há {ago_min} min"),
                _ => time_of_day(minute),
            };
        }
        let (year, month, date) = civil_from_days(day);
        let name = &MONTHS[language as usize][month as usize - 1][..3];
        let this_year = civil_from_days(self.today()).0 == year;
        let date = match (language, this_year) {
            (Language::En, true) => format!("{name} {date}"),
            (Language::En, false) => format!("{name} {date}, {year}"),
            (_, true) => format!("{date} {name}"),
            (_, false) => format!("{date} {name} {year}"),
        };
        format!("{date}, {}", time_of_day(minute))
    }

    /// The separator above the first message of a day: "Today",
    /// "Yesterday", or the weekday and date.
    pub fn day_label(&self, at: Millis, language: Language) -> String {
        let day = self.local(at).0;
        let today = self.today();
        let words = &WORDS[language as usize];
        if day == today {
            return words[0].into();
        }
        if day == today - 1 {
            return words[1].into();
        }
        let (year, month, date) = civil_from_days(day);
        let month = MONTHS[language as usize][month as usize - 1];
        let weekday = WEEKDAYS[language as usize][(day + 4).rem_euclid(7) as usize];
        let this_year = civil_from_days(today).0 == year;
        match (language, this_year) {
            (Language::En, true) => format!("{weekday}, {month} {date}"),
            (Language::En, false) => format!("{weekday}, {month} {date}, {year}"),
            (_, true) => format!("{weekday}, {date} de {month}"),
            (_, false) => format!("{weekday}, {date} de {month} de {year}"),
        }
    }

    /// The time of day now in the clock's zone, "14:05": what a visitor's
    /// clock shows, for the operator.
    pub fn time_now(&self) -> String {
        time_of_day(self.local(self.now).1)
    }

    /// Whether two moments fall on the same local day.
    pub fn same_day(&self, a: Millis, b: Millis) -> bool {
        self.local(a).0 == self.local(b).0
    }

    fn today(&self) -> i64 {
        self.local(self.now).0
    }

    /// The local day (counted from 1970-01-01) and minute of the day.
    fn local(&self, at: Millis) -> (i64, i64) {
        let minutes = at.div_euclid(60_000) + i64::from(self.offset_min);
        (minutes.div_euclid(1_440), minutes.rem_euclid(1_440))
    }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn time_of_day(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// "Today" and "Yesterday", by language.
const WORDS: [[&str; 2]; 3] = [["Today", "Yesterday"], ["Hoy", "Ayer"], ["Hoje", "Ontem"]];

/// Month names by language (the first three letters abbreviate them).
const MONTHS: [[&str; 12]; 3] = [
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
];

/// A weekday's name (Monday is 0, as office hours count them), lower case
/// except in English.
pub fn weekday(language: Language, monday_first: usize) -> &'static str {
    WEEKDAYS[language as usize][(monday_first + 1) % 7]
}

/// Weekday names by language, Sunday first.
const WEEKDAYS: [[&str; 7]; 3] = [
    [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ],
    [
        "domingo",
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
    ],
    [
        "domingo",
        "segunda-feira",
        "terça-feira",
        "quarta-feira",
        "quinta-feira",
        "sexta-feira",
        "sábado",
    ],
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Tuesday 1 December 2026, 15:30 UTC.
    const NOW: Millis = 1_796_139_000_000;
    const MIN: Millis = 60_000;

    fn utc() -> Clock {
        Clock {
            now: NOW,
            offset_min: 0,
        }
    }

    #[test]
    fn today_is_relative_within_the_hour_then_the_time() {
        let clock = utc();
        assert_eq!(clock.stamp(NOW - 20_000, Language::En), "just now");
        assert_eq!(
            clock.stamp(NOW + 5_000, Language::En),
            "just now",
            "a clock ahead"
        );
        assert_eq!(clock.stamp(NOW - 5 * MIN, Language::En), "5 min ago");
        assert_eq!(clock.stamp(NOW - 5 * MIN, Language::Es), "hace 5 min");
        assert_eq!(clock.stamp(NOW - 5 * MIN, Language::Pt), "há 5 min");
        assert_eq!(clock.stamp(NOW - 90 * MIN, Language::En), "14:00");
    }

    #[test]
    fn earlier_days_carry_a_date_in_the_reader_language() {
        let clock = utc();
        let yesterday = NOW - 24 * 60 * MIN;
        assert_eq!(clock.stamp(yesterday, Language::En), "Nov 30, 15:30");
        assert_eq!(clock.stamp(yesterday, Language::Es), "30 nov, 15:30");
        assert_eq!(clock.stamp(yesterday, Language::Pt), "30 nov, 15:30");
        let last_year = NOW - 365 * 24 * 60 * MIN;
        assert_eq!(clock.stamp(last_year, Language::En), "Dec 1, 2025, 15:30");
    }

    #[test]
    fn separators_say_today_yesterday_then_the_weekday() {
        let clock = utc();
        let day = 24 * 60 * MIN;
        assert_eq!(clock.day_label(NOW, Language::En), "Today");
        assert_eq!(clock.day_label(NOW - day, Language::Es), "Ayer");
        assert_eq!(
            clock.day_label(NOW - 2 * day, Language::En),
            "Sunday, November 29"
        );
        assert_eq!(
            clock.day_label(NOW - 2 * day, Language::Es),
            "domingo, 29 de noviembre"
        );
        assert_eq!(
            clock.day_label(NOW - 6 * day, Language::Pt),
            "quarta-feira, 25 de novembro"
        );
        assert_eq!(
            clock.day_label(NOW - 400 * day, Language::En),
            "Monday, October 27, 2025"
        );
    }

    #[test]
    fn the_reader_time_zone_decides_the_day() {
        // 15:30 UTC is 00:30 the next day in Tokyo (+9 h).
        let tokyo = Clock {
            now: NOW,
            offset_min: 9 * 60,
        };
        assert_eq!(tokyo.stamp(NOW - 90 * MIN, Language::En), "Dec 1, 23:00");
        assert!(!tokyo.same_day(NOW, NOW - 40 * MIN));
        assert!(utc().same_day(NOW, NOW - 40 * MIN));
        assert_eq!(tokyo.day_label(NOW - 90 * MIN, Language::En), "Yesterday");
        assert_eq!(tokyo.time_now(), "00:30");
    }
}
