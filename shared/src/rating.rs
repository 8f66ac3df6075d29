//! Ratings and the figures made of them and of conversations: the report
//! operators read, the public page a channel may publish, and the live
//! dashboard. Pure functions over the edge's records, so the same numbers
//! appear everywhere and are tested here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::channel::Language;
use crate::ids::{ChannelId, ConversationId, OperatorId};
use crate::limits::MAX_REASON_CHARS;
use crate::protocol::{ErrorCode, Problem};
use crate::transcript::escape_html;
use crate::Millis;

/// How a visitor rated a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// A green, happy face.
    Satisfied,
    /// A yellow, neutral face.
    Neutral,
    /// A red, unhappy face.
    Dissatisfied,
}

impl Rating {
    /// Every rating, best first.
    pub const ALL: [Rating; 3] = [Rating::Satisfied, Rating::Neutral, Rating::Dissatisfied];

    /// The face that stands for it.
    pub fn face(self) -> &'static str {
        match self {
            Rating::Satisfied => "😊",
            Rating::Neutral => "😐",
            Rating::Dissatisfied => "😞",
        }
    }

    /// Its name in English, for reports and the public page.
    pub fn word(self) -> &'static str {
        match self {
            Rating::Satisfied => "Satisfied",
            Rating::Neutral => "Neutral",
            Rating::Dissatisfied => "Dissatisfied",
        }
    }

    /// Its wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Satisfied => "satisfied",
            Rating::Neutral => "neutral",
            Rating::Dissatisfied => "dissatisfied",
        }
    }

    /// Reads a stored name back.
    pub fn parse(name: &str) -> Option<Rating> {
        Rating::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// How the conversation shows the rating: the face, and the reason
    /// after a dash (`Rating: 😞 — Still waiting for an answer!`).
    pub fn text(self, reason: Option<&str>, language: Language) -> String {
        let label = match language {
            Language::En => "Rating",
            Language::Es => "Valoración",
            Language::Pt => "Avaliação",
        };
        match reason {
            Some(reason) => format!("{label}: {} — {reason}", self.face()),
            None => format!("{label}: {}", self.face()),
        }
    }

    fn index(self) -> usize {
        match self {
            Rating::Satisfied => 0,
            Rating::Neutral => 1,
            Rating::Dissatisfied => 2,
        }
    }
}

/// Checks the reason given with a rating and returns it trimmed; blank is
/// no reason.
pub fn reason(reason: Option<&str>) -> Result<Option<String>, Problem> {
    let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let chars = reason.chars().count();
    if chars > MAX_REASON_CHARS || reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Problem::new(
            ErrorCode::Invalid,
            format!(
                "A reason may have at most {MAX_REASON_CHARS} characters and no control characters; this one has {chars}."
            ),
        ));
    }
    Ok(Some(reason.to_owned()))
}

/// The system message that ends a conversation, in its language: the
/// visitor left, or the operator `by` ended it.
pub fn closed_text(language: Language, visitor: &str, by: Option<&str>) -> String {
    match (by, language) {
        (None, Language::En) => format!("{visitor} has left the conversation."),
        (None, Language::Es) => format!("{visitor} ha salido de la conversación."),
        (None, Language::Pt) => format!("{visitor} saiu da conversa."),
        (Some(operator), Language::En) => format!("{operator} ended the conversation."),
        (Some(operator), Language::Es) => format!("{operator} terminó la conversación."),
        (Some(operator), Language::Pt) => format!("{operator} encerrou a conversa."),
    }
}

/// Which ratings a report shows; every field narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingFilter {
    /// Only this operator's.
    pub operator: Option<OperatorId>,
    /// Only this rating.
    pub rating: Option<Rating>,
    /// Only from this moment on.
    pub from: Option<Millis>,
    /// Only before this moment.
    pub to: Option<Millis>,
}

impl RatingFilter {
    /// Whether a rating passes.
    pub fn matches(&self, record: &RatingRecord) -> bool {
        self.operator
            .as_ref()
            .is_none_or(|o| record.operator.as_ref() == Some(o))
            && self.rating.is_none_or(|r| record.rating == r)
            && self.from.is_none_or(|from| record.at >= from)
            && self.to.is_none_or(|to| record.at < to)
    }

    /// The filter as query parameters (`operator=ana&rating=neutral`),
    /// empty when it lets everything through.
    pub fn query(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(operator) = &self.operator {
            pairs.push(format!("operator={operator}"));
        }
        if let Some(rating) = self.rating {
            pairs.push(format!("rating={}", rating.as_str()));
        }
        if let Some(from) = self.from {
            pairs.push(format!("from={from}"));
        }
        if let Some(to) = self.to {
            pairs.push(format!("to={to}"));
        }
        pairs.join("&")
    }

    /// Reads a filter from query parameters, as `get` finds them by name;
    /// a malformed one is refused, saying which.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<RatingFilter, Problem> {
        let bad = |what: &str| {
            Problem::new(
                ErrorCode::Invalid,
                format!("The ratings filter is wrong: {what}."),
            )
        };
        let time = |name: &str| {
            get(name)
                .map(|v| {
                    v.parse::<Millis>()
                        .map_err(|_| bad(&format!("`{name}` must be milliseconds since 1970")))
                })
                .transpose()
        };
        Ok(RatingFilter {
            operator: get("operator")
                .map(|o| OperatorId::parse(o).map_err(|e| bad(&e.to_string())))
                .transpose()?,
            rating: get("rating")
                .map(|r| {
                    Rating::parse(&r)
                        .ok_or_else(|| bad("`rating` is satisfied, neutral or dissatisfied"))
                })
                .transpose()?,
            from: time("from")?,
            to: time("to")?,
        })
    }
}

/// One rating as the edge keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRecord {
    /// Its number.
    pub id: u64,
    /// The channel.
    pub channel: ChannelId,
    /// The conversation rated.
    pub conversation: ConversationId,
    /// The operator who answered last, if any did.
    pub operator: Option<OperatorId>,
    /// That operator's name then.
    pub operator_name: Option<String>,
    /// The visitor's name.
    pub visitor: String,
    /// The rating.
    pub rating: Rating,
    /// Why, for neutral and dissatisfied ones (internal only).
    pub reason: Option<String>,
    /// Left out of the public page (still in reports).
    pub hidden: bool,
    /// When it was given.
    pub at: Millis,
}

/// How many of each rating, and their shares in percent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    /// Satisfied, neutral, dissatisfied.
    pub counts: [u64; 3],
    /// The same as percentages with one decimal that add up to exactly 100
    /// (all zero when there is nothing to count).
    pub percent: [f64; 3],
}

impl Shares {
    /// The shares of some ratings.
    pub fn of(ratings: impl IntoIterator<Item = Rating>) -> Shares {
        let mut counts = [0u64; 3];
        for rating in ratings {
            counts[rating.index()] += 1;
        }
        Shares {
            counts,
            percent: percentages(&counts),
        }
    }

    /// How many ratings.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The share of one rating, in percent.
    pub fn percent_of(&self, rating: Rating) -> f64 {
        self.percent[rating.index()]
    }

    /// How many of one rating.
    pub fn count_of(&self, rating: Rating) -> u64 {
        self.counts[rating.index()]
    }
}

/// Percentages with one decimal that add up to exactly 100 (largest
/// remainders get the rounding), or all zero for no counts.
pub fn percentages<const N: usize>(counts: &[u64; N]) -> [f64; N] {
    let total: u64 = counts.iter().sum();
    let mut tenths = [0u64; N];
    if total == 0 {
        return [0.0; N];
    }
    let mut remainders: Vec<(u64, usize)> = Vec::with_capacity(N);
    for (i, count) in counts.iter().enumerate() {
        let exact = count * 1000;
        tenths[i] = exact / total;
        remainders.push((exact % total, i));
    }
    let mut left = 1000 - tenths.iter().sum::<u64>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        tenths[i] += 1;
        left -= 1;
    }
    tenths.map(|t| t as f64 / 10.0)
}

/// The ratings per operator, by name, with the shares of each: the report's
/// pivot. Ratings with no operator count under `None`.
pub fn by_operator(records: &[RatingRecord]) -> Vec<(Option<String>, Shares)> {
    let mut groups: BTreeMap<Option<String>, Vec<Rating>> = BTreeMap::new();
    for record in records {
        groups
            .entry(record.operator_name.clone())
            .or_default()
            .push(record.rating);
    }
    groups
        .into_iter()
        .map(|(name, ratings)| (name, Shares::of(ratings)))
        .collect()
}

/// What a channel's published statistics page shows: no reasons, and no
/// rating marked internal only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicStats {
    /// The channel's shares.
    pub overall: Shares,
    /// Each operator's, by name (operators with no public rating left out).
    pub operators: Vec<(String, Shares)>,
    /// The faces of the last ratings, newest first.
    pub last: Vec<Rating>,
}

/// The public page's figures from every rating of a channel.
pub fn public_stats(records: &[RatingRecord], last: usize) -> PublicStats {
    let mut public: Vec<&RatingRecord> = records.iter().filter(|r| !r.hidden).collect();
    public.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
    let owned: Vec<RatingRecord> = public.iter().map(|r| (*r).clone()).collect();
    PublicStats {
        overall: Shares::of(public.iter().map(|r| r.rating)),
        operators: by_operator(&owned)
            .into_iter()
            .filter_map(|(name, shares)| name.map(|n| (n, shares)))
            .collect(),
        last: public.iter().take(last).map(|r| r.rating).collect(),
    }
}

/// A channel's published ratings page as HTML: the shares of the channel
/// and of each operator, and the last faces. Names are escaped; reasons are
/// never part of [`PublicStats`].
pub fn public_page(channel_name: &str, stats: &PublicStats) -> String {
    let channel = escape_html(channel_name);
    let figure = |shares: &Shares, rating: Rating| {
        format!(
            "<li class=\"{}\"><span aria-hidden=\"true\">{}</span> {} <strong>{:.1}%</strong></li>",
            rating.as_str(),
            rating.face(),
            rating.word(),
            shares.percent_of(rating)
        )
    };
    let overall: String = Rating::ALL
        .iter()
        .map(|r| figure(&stats.overall, *r))
        .collect();
    let team: String = stats
        .operators
        .iter()
        .map(|(name, shares)| {
            let cells: String = Rating::ALL
                .iter()
                .map(|r| format!("<td>{:.1}%</td>", shares.percent_of(*r)))
                .collect();
            format!(
                "<tr><th scope=\"row\">{}</th>{cells}</tr>",
                escape_html(name)
            )
        })
        .collect();
    let heads: String = Rating::ALL
        .iter()
        .map(|r| format!("<th scope=\"col\">{}</th>", r.word()))
        .collect();
    let last: String = stats
        .last
        .iter()
        .map(|r| {
            format!(
                "<li class=\"{}\"><span role=\"img\" aria-label=\"{}\">{}</span></li>",
                r.as_str(),
                r.word(),
                r.face()
            )
        })
        .collect();
    let empty = if stats.overall.total() == 0 {
        "<p>No ratings yet.</p>"
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Ratings of {channel}</title><style>{PUBLIC_PAGE_STYLE}</style></head><body><main>\
         <h1>{channel}</h1><section aria-labelledby=\"statistics\"><h2 id=\"statistics\">Statistics</h2>{empty}\
         <ul class=\"shares\">{overall}</ul></section>\
         <section aria-labelledby=\"team\"><h2 id=\"team\">The team</h2>\
         <table><thead><tr><th scope=\"col\">Operator</th>{heads}</tr></thead><tbody>{team}</tbody></table></section>\
         <section aria-labelledby=\"last\"><h2 id=\"last\">The {} last feedbacks</h2>\
         <ul class=\"faces\">{last}</ul></section></main></body></html>",
        stats.last.len()
    )
}

const PUBLIC_PAGE_STYLE: &str = "body{font-family:system-ui,sans-serif;color:#1b1b1b;background:#fff;margin:0}\
main{max-width:48rem;margin:0 auto;padding:1.5rem}ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.75rem}\
.shares li{padding:1rem;border-radius:.5rem;min-width:9rem;font-size:1.1rem}\
.satisfied{background:#d7f5dd}.neutral{background:#fdf1c4}.dissatisfied{background:#fadadd}\
.faces li{font-size:1.6rem;padding:.25rem .5rem;border-radius:.5rem}\
table{border-collapse:collapse}th,td{padding:.4rem .8rem;text-align:left;border-bottom:1px solid #ccc}";

/// What the dashboard knows of one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationStat {
    /// When it started.
    pub created_at: Millis,
    /// When the visitor first wrote, if they did.
    pub first_visitor_at: Option<Millis>,
    /// When an operator first answered, if one did.
    pub first_response_at: Option<Millis>,
    /// When it ended, if it has.
    pub ended_at: Option<Millis>,
    /// How it was rated, if it was.
    pub rating: Option<Rating>,
}

/// One day (or today so far) of a channel's conversations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayStats {
    /// When the day starts (the reader's midnight).
    pub start: Millis,
    /// Conversations that started that day.
    pub conversations: u64,
    /// Of those, how many wait for a first answer now (the visitor wrote,
    /// no operator answered, it has not ended).
    pub waiting: u64,
    /// Average time from the visitor's first message to the first answer,
    /// in milliseconds, over those answered.
    pub first_response_ms: Option<u64>,
    /// Average time from start to end, over those ended.
    pub duration_ms: Option<u64>,
    /// Their ratings.
    pub ratings: Shares,
}

/// Milliseconds in a day.
pub const DAY_MS: Millis = 86_400_000;

/// What the dashboard shows of a channel: a day per entry, oldest first,
/// the last being today so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelStats {
    /// The days.
    pub days: Vec<DayStats>,
}

impl ChannelStats {
    /// Today so far (an empty day when there are none).
    pub fn today(&self) -> DayStats {
        self.days.last().cloned().unwrap_or_default()
    }

    /// Conversations of the whole period that wait for a first answer now.
    pub fn waiting(&self) -> u64 {
        self.days.iter().map(|d| d.waiting).sum()
    }
}

/// The figures of the `days` days ending with the one that starts at
/// `today` (the reader's midnight), oldest first; the last is today so far.
pub fn daily(stats: &[ConversationStat], today: Millis, days: usize) -> Vec<DayStats> {
    let first = today - DAY_MS * (days.saturating_sub(1) as Millis);
    (0..days)
        .map(|i| {
            let start = first + DAY_MS * i as Millis;
            let of_day: Vec<&ConversationStat> = stats
                .iter()
                .filter(|s| s.created_at >= start && s.created_at < start + DAY_MS)
                .collect();
            day(start, &of_day)
        })
        .collect()
}

fn day(start: Millis, stats: &[&ConversationStat]) -> DayStats {
    let average = |values: Vec<Millis>| {
        let values: Vec<u64> = values
            .into_iter()
            .map(|v| u64::try_from(v.max(0)).unwrap_or(0))
            .collect();
        (!values.is_empty()).then(|| values.iter().sum::<u64>() / values.len() as u64)
    };
    DayStats {
        start,
        conversations: stats.len() as u64,
        waiting: stats
            .iter()
            .filter(|s| {
                s.first_visitor_at.is_some()
                    && s.first_response_at.is_none()
                    && s.ended_at.is_none()
            })
            .count() as u64,
        first_response_ms: average(
            stats
                .iter()
                .filter_map(|s| {
                    Some(s.first_response_at? - s.first_visitor_at.unwrap_or(s.created_at))
                })
                .collect(),
        ),
        duration_ms: average(
            stats
                .iter()
                .filter_map(|s| Some(s.ended_at? - s.created_at))
                .collect(),
        ),
        ratings: Shares::of(stats.iter().filter_map(|s| s.rating)),
    }
}

/// Milliseconds as minutes and seconds (`2 min 05 s`, `45 s`).
pub fn duration_text(ms: u64) -> String {
    let seconds = ms / 1000;
    if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{} min {:02} s", seconds / 60, seconds % 60)
    }
}

/// Ratings as CSV (RFC 4180): a header, then a row per rating; reasons and
/// names quoted, with quotes doubled.
pub fn csv(records: &[RatingRecord]) -> String {
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let mut out =
        String::from("id,at,channel,conversation,operator,visitor,rating,reason,hidden\r\n");
    for r in records {
        out += &format!(
            "{},{},{},{},{},{},{},{},{}\r\n",
            r.id,
            r.at,
            r.channel,
            r.conversation,
            quote(r.operator_name.as_deref().unwrap_or("")),
            quote(&r.visitor),
            r.rating.as_str(),
            quote(r.reason.as_deref().unwrap_or("")),
            r.hidden
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(
        id: u64,
        operator: Option<&str>,
        rating: Rating,
        hidden: bool,
        at: Millis,
    ) -> RatingRecord {
        RatingRecord {
            id,
            channel: ChannelId::parse("demo").unwrap(),
            conversation: ConversationId::from_random([id as u8; 16]),
            operator: operator.map(|o| OperatorId::parse(o.to_lowercase()).unwrap()),
            operator_name: operator.map(str::to_owned),
            visitor: "V".into(),
            rating,
            reason: (rating != Rating::Satisfied).then(|| "slow".into()),
            hidden,
            at,
        }
    }

    #[test]
    fn percentages_add_up_to_one_hundred() {
        assert_eq!(percentages(&[1u64, 1, 1]), [33.4, 33.3, 33.3]);
        assert_eq!(percentages(&[10u64, 3, 0]), [76.9, 23.1, 0.0]);
        assert_eq!(
            percentages(&[0u64, 0, 0]),
            [0.0, 0.0, 0.0],
            "an empty period"
        );
        assert_eq!(percentages(&[2u64, 0, 0]), [100.0, 0.0, 0.0]);
        for counts in [[7u64, 11, 13], [1, 2, 6], [333, 333, 334], [1, 0, 2]] {
            let sum: f64 = percentages(&counts).iter().sum();
            assert!((sum - 100.0).abs() < 1e-9, "{counts:?}: {sum}");
        }
    }

    #[test]
    fn the_public_page_leaves_out_hidden_ratings_and_reasons() {
        let records = vec![
            record(1, Some("Ana"), Rating::Satisfied, false, 10),
            record(2, Some("Ana"), Rating::Dissatisfied, true, 20),
            record(3, Some("Luis"), Rating::Neutral, false, 30),
            record(4, None, Rating::Satisfied, false, 40),
        ];
        let public = public_stats(&records, 10);
        assert_eq!(public.overall.counts, [2, 1, 0]);
        assert_eq!(public.overall.percent, [66.7, 33.3, 0.0]);
        assert_eq!(
            public.last,
            [Rating::Satisfied, Rating::Neutral, Rating::Satisfied]
        );
        assert_eq!(public.operators.len(), 2);
        assert_eq!(public.operators[0].0, "Ana");
        assert_eq!(
            public.operators[0].1.counts,
            [1, 0, 0],
            "the hidden one is left out"
        );
        // Internally, the hidden rating counts.
        let internal = by_operator(&records);
        let ana = internal
            .iter()
            .find(|(n, _)| n.as_deref() == Some("Ana"))
            .unwrap();
        assert_eq!(ana.1.counts, [1, 0, 1]);
        assert_eq!(public_stats(&records, 1).last, [Rating::Satisfied]);
    }

    #[test]
    fn days_count_conversations_waits_responses_and_ratings() {
        let today = 10 * DAY_MS;
        let stat = |created: Millis,
                    visitor: Option<Millis>,
                    answered: Option<Millis>,
                    ended: Option<Millis>,
                    rating| {
            ConversationStat {
                created_at: created,
                first_visitor_at: visitor,
                first_response_at: answered,
                ended_at: ended,
                rating,
            }
        };
        let stats = vec![
            stat(
                today - DAY_MS + 5,
                Some(today - DAY_MS + 10),
                Some(today - DAY_MS + 70_010),
                Some(today - DAY_MS + 600_005),
                Some(Rating::Satisfied),
            ),
            stat(
                today + 1_000,
                Some(today + 2_000),
                Some(today + 32_000),
                None,
                None,
            ),
            stat(today + 5_000, Some(today + 6_000), None, None, None),
            stat(today + 9_000, None, None, None, None),
        ];
        let days = daily(&stats, today, 3);
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].conversations, 0, "an empty day");
        assert_eq!(days[0].first_response_ms, None);
        assert_eq!(days[1].conversations, 1);
        assert_eq!(days[1].first_response_ms, Some(70_000));
        assert_eq!(days[1].duration_ms, Some(600_000));
        assert_eq!(days[1].ratings.percent, [100.0, 0.0, 0.0]);
        assert_eq!(days[2].conversations, 3);
        assert_eq!(days[2].waiting, 1, "only the one the visitor wrote in");
        assert_eq!(days[2].first_response_ms, Some(30_000));
        assert_eq!(duration_text(125_000), "2 min 05 s");
        assert_eq!(duration_text(45_000), "45 s");
    }

    #[test]
    fn ratings_read_as_faces_in_the_conversation() {
        assert_eq!(
            Rating::Dissatisfied.text(Some("Still waiting for an answer!"), Language::En),
            "Rating: 😞 — Still waiting for an answer!"
        );
        assert_eq!(Rating::Satisfied.text(None, Language::Es), "Valoración: 😊");
        assert_eq!(reason(Some("  slow  ")).unwrap().as_deref(), Some("slow"));
        assert_eq!(reason(Some(" \n ")).unwrap(), None, "blank is no reason");
        assert!(reason(Some(&"x".repeat(MAX_REASON_CHARS + 1))).is_err());
        assert!(reason(Some("a\u{7}b")).is_err());
        assert!(reason(Some("line one\nline two")).is_ok());
        assert_eq!(
            closed_text(Language::Pt, "V", Some("Ana")),
            "Ana encerrou a conversa."
        );
    }

    #[test]
    fn filters_narrow_and_travel_as_queries() {
        let records = [
            record(1, Some("Ana"), Rating::Satisfied, false, 10),
            record(2, Some("Luis"), Rating::Neutral, false, 20),
            record(3, None, Rating::Neutral, true, 30),
        ];
        let filter = RatingFilter {
            rating: Some(Rating::Neutral),
            from: Some(15),
            ..RatingFilter::default()
        };
        let kept: Vec<u64> = records
            .iter()
            .filter(|r| filter.matches(r))
            .map(|r| r.id)
            .collect();
        assert_eq!(kept, [2, 3]);
        let by_ana = RatingFilter {
            operator: Some(OperatorId::parse("ana").unwrap()),
            to: Some(11),
            ..RatingFilter::default()
        };
        assert_eq!(records.iter().filter(|r| by_ana.matches(r)).count(), 1);
        for filter in [filter, by_ana, RatingFilter::default()] {
            let query = filter.query();
            let pairs: Vec<(String, String)> = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap();
                    (k.to_owned(), v.to_owned())
                })
                .collect();
            let get = |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            assert_eq!(RatingFilter::from_query(get).unwrap(), filter);
        }
        let bad = RatingFilter::from_query(|name| (name == "rating").then(|| "great".to_owned()));
        assert_eq!(bad.unwrap_err().code, ErrorCode::Invalid);
    }

    #[test]
    fn the_public_page_escapes_names_and_has_no_reasons() {
        let mut records = vec![
            record(1, Some("Ana"), Rating::Dissatisfied, false, 10),
            record(2, Some("Luis"), Rating::Satisfied, false, 20),
        ];
        records[0].reason = Some("secret reason".into());
        records[0].operator_name = Some("<b>Ana</b>".into());
        let page = public_page("Shop & <Co>", &public_stats(&records, 10));
        assert!(page.contains("<h1>Shop &amp; &lt;Co&gt;</h1>"));
        assert!(page.contains("&lt;b&gt;Ana&lt;/b&gt;"));
        assert!(!page.contains("secret reason"));
        assert!(page.contains("Satisfied <strong>50.0%</strong>"));
        assert!(page.contains("The 2 last feedbacks"));
        assert!(public_page("X", &public_stats(&[], 10)).contains("No ratings yet."));
    }

    #[test]
    fn csv_quotes_what_people_wrote() {
        let mut r = record(7, Some("Ana"), Rating::Neutral, false, 1);
        r.reason = Some("said \"later\", twice".into());
        let text = csv(&[r]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "id,at,channel,conversation,operator,visitor,rating,reason,hidden"
        );
        assert!(
            lines[1].ends_with(",neutral,\"said \"\"later\"\", twice\",false"),
            "{}",
            lines[1]
        );
        assert_eq!(lines.len(), 3);
    }
}
