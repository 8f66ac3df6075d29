//! Scoring the assistant on a set anyone can write: a knowledge base, the
//! questions visitors ask with the article that answers each (or none),
//! and conversations with whether they must go to a person. `cargo xtask
//! eval-ai DIR` prints the scores; a native test holds our own set
//! (`tests/data/assistant`) above a floor so that a change that makes the
//! assistant worse fails.
//!
//! The formats: articles as `<slug>.<lang>.md` (first line `# Title`);
//! `questions.jsonl`, one `{"id", "lang", "question", "expect": slug or
//! null}` a line; `handoff.jsonl`, one `{"id", "lang", "turns": [{"from":
//! "visitor" | "bot", "text"}], "handoff": bool, "reason"}` a line.

use std::collections::BTreeMap;

use charla_shared::channel::Language;
use serde::Deserialize;

use crate::handoff::{detect, Speaker, Turn};
use charla_shared::knowledge::KbArticle;

use crate::knowledge::{Article, KnowledgeBase, Reply};

/// A set, read.
pub struct Set {
    pub kb: KnowledgeBase,
    pub questions: Vec<Question>,
    pub conversations: Vec<Conversation>,
}

/// One question and the article that answers it, or `None` when no
/// article does and the assistant must not guess.
#[derive(Debug, Deserialize)]
pub struct Question {
    pub id: serde_json::Value,
    pub lang: Lang,
    pub question: String,
    pub expect: Option<String>,
}

/// One conversation and whether it must go to a person.
#[derive(Debug, Deserialize)]
pub struct Conversation {
    pub id: serde_json::Value,
    pub lang: Lang,
    pub turns: Vec<SetTurn>,
    pub handoff: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SetTurn {
    #[serde(deserialize_with = "speaker")]
    pub from: Speaker,
    pub text: String,
}

/// A language code of the set: en, es or pt.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Language);

/// Why a set cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    #[error("{0}")]
    Article(String),
    #[error("{file}, line {line}: {message}")]
    Line {
        file: &'static str,
        line: usize,
        message: String,
    },
}

impl Set {
    /// Reads a set from its files' contents: `kb` as (file name, text).
    pub fn parse(kb: &[(String, String)], questions: &str, handoff: &str) -> Result<Set, SetError> {
        let mut articles = kb
            .iter()
            .filter(|(name, _)| name.ends_with(".md"))
            .map(|(name, text)| {
                KbArticle::from_file(name, text).map_err(|p| SetError::Article(p.message))
            })
            .collect::<Result<Vec<_>, _>>()?;
        articles.sort_by_key(KbArticle::file_name);
        Ok(Set {
            kb: KnowledgeBase::new(articles.into_iter().map(Article::from).collect()),
            questions: lines("questions.jsonl", questions)?,
            conversations: lines("handoff.jsonl", handoff)?,
        })
    }

    /// The same set with one slip of typing in every question and every
    /// visitor's message that has a word of six letters or more: in its
    /// longest such word, two letters swapped, one left out or one doubled,
    /// in turn from one text to the next (never the first letter). What
    /// typos cost is then the difference between the two sets' scores, on
    /// any set.
    pub fn with_typos(mut self) -> Set {
        let visitors = self.conversations.iter_mut().flat_map(|c| {
            c.turns
                .iter_mut()
                .filter(|t| t.from == Speaker::Visitor)
                .map(|t| &mut t.text)
        });
        let texts = self
            .questions
            .iter_mut()
            .map(|q| &mut q.question)
            .chain(visitors);
        for (index, text) in texts.enumerate() {
            if let Some(typed) = mistyped(text, index % 3) {
                *text = typed;
            }
        }
        self
    }

    /// The same set with every question written as visitors often write
    /// it: a greeting and a sentence of context before it, a question mark
    /// after it and thanks at the end ("Hi, I have a problem. Where is my
    /// order? Please let me know asap"), in the question's language.
    pub fn wrapped(mut self) -> Set {
        for question in &mut self.questions {
            let (before, after) = match question.lang.0 {
                Language::En => ("Hi, I have a problem.", "Please let me know asap"),
                Language::Es => ("Buenas, tengo una consulta.", "Espero vuestra respuesta"),
                Language::Pt => ("Olá! Tenho uma questão.", "Aguardo resposta"),
            };
            let asked = question.question.trim_end_matches('?');
            question.question = format!("{before} {asked}? {after}");
        }
        self
    }

    /// The same set with each question after a sentence of context and
    /// without its question mark, as visitors who explain first write ("I
    /// bought something from you recently. how long does shipping take"),
    /// in the question's language.
    pub fn after_context(mut self) -> Set {
        for question in &mut self.questions {
            let before = match question.lang.0 {
                Language::En => "Good evening. I bought something from you recently.",
                Language::Es => "Buenas tardes. Hace poco les compré algo.",
                Language::Pt => "Boa tarde. Comprei algo de vocês há pouco tempo.",
            };
            let asked = question.question.trim().trim_end_matches('?');
            let asked = asked.trim_start_matches('¿');
            let mut letters = asked.chars();
            let first = letters.next().map(|c| c.to_lowercase().to_string());
            question.question =
                format!("{before} {}{}", first.unwrap_or_default(), letters.as_str());
        }
        self
    }

    /// Runs every question and conversation through the assistant.
    pub fn evaluate(&self) -> Report {
        let mut report = Report::default();
        for question in &self.questions {
            let language = question.lang.0;
            let got = match self.kb.answer(language, &question.question) {
                Reply::Answer(answer) => Some(answer.slug),
                Reply::NotSure { .. } => None,
            };
            for key in [language.code(), "all"] {
                report
                    .scores
                    .entry(key)
                    .or_default()
                    .question(question.expect.as_deref(), got.as_deref());
            }
            if got != question.expect {
                report.wrong.push(format!(
                    "question {} ({}): {:?} → {} (expected {})",
                    question.id,
                    language.code(),
                    question.question,
                    got.as_deref().unwrap_or("fallback"),
                    question.expect.as_deref().unwrap_or("fallback"),
                ));
            }
        }
        for conversation in &self.conversations {
            let language = conversation.lang.0;
            let turns: Vec<Turn> = conversation
                .turns
                .iter()
                .map(|t| Turn {
                    from: t.from,
                    text: t.text.clone(),
                })
                .collect();
            // Detection runs after every visitor message and after the
            // last message, as on the edge: the conversation is handed off
            // if any of them calls for it.
            let found = (0..turns.len())
                .filter(|end| turns[*end].from == Speaker::Visitor || *end + 1 == turns.len())
                .find_map(|end| detect(&self.kb, language, &turns[..=end]));
            for key in [language.code(), "all"] {
                report
                    .scores
                    .entry(key)
                    .or_default()
                    .handoff(conversation.handoff, found.is_some());
            }
            if found.is_some() != conversation.handoff {
                report.wrong.push(format!(
                    "conversation {} ({}): hand-off {} (expected {}{})",
                    conversation.id,
                    language.code(),
                    found.map_or("none", |r| r.code()),
                    conversation.handoff,
                    conversation
                        .reason
                        .as_deref()
                        .map(|r| format!(", {r}"))
                        .unwrap_or_default(),
                ));
            }
        }
        report
    }
}

/// `text` with one slip in its longest word of six letters or more, of the
/// kind `kind` (0 swapped, 1 left out, 2 doubled), in the word's middle.
fn mistyped(text: &str, kind: usize) -> Option<String> {
    let words: Vec<&str> = text.split(' ').collect();
    let (at, word) = words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.chars().count() >= 6 && w.chars().all(char::is_alphabetic))
        .max_by_key(|(at, w)| (w.chars().count(), std::cmp::Reverse(*at)))?;
    let mut letters: Vec<char> = word.chars().collect();
    let middle = letters.len() / 2;
    match kind {
        0 => letters.swap(middle - 1, middle),
        1 => {
            letters.remove(middle);
        }
        _ => letters.insert(middle, letters[middle]),
    }
    let typed: String = letters.into_iter().collect();
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == at { typed.as_str() } else { w })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The scores per language and for `all`, and what went wrong.
#[derive(Debug, Default)]
pub struct Report {
    pub scores: BTreeMap<&'static str, Scores>,
    pub wrong: Vec<String>,
}

impl Report {
    /// The scores as a Markdown table.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| set | answer accuracy | fallback accuracy | answerable given the fallback | hand-off precision | recall | F1 |\n|---|---:|---:|---:|---:|---:|---:|\n",
        );
        for (key, scores) in &self.scores {
            out.push_str(&scores.row(key));
            out.push('\n');
        }
        out
    }
}

/// Counts for one language or for all.
#[derive(Debug, Default)]
pub struct Scores {
    answerable: u32,
    answered_right: u32,
    answerable_refused: u32,
    unanswerable: u32,
    refused_right: u32,
    true_handoffs: u32,
    false_handoffs: u32,
    missed_handoffs: u32,
}

impl Scores {
    /// Share of answerable questions whose answer cites the expected
    /// article.
    pub fn answer_accuracy(&self) -> Option<f64> {
        ratio(self.answered_right, self.answerable)
    }

    /// Share of unanswerable questions that got the fallback.
    pub fn fallback_accuracy(&self) -> Option<f64> {
        ratio(self.refused_right, self.unanswerable)
    }

    /// Share of answerable questions that wrongly got the fallback.
    pub fn wrongly_refused(&self) -> Option<f64> {
        ratio(self.answerable_refused, self.answerable)
    }

    pub fn handoff_precision(&self) -> Option<f64> {
        ratio(self.true_handoffs, self.true_handoffs + self.false_handoffs)
    }

    pub fn handoff_recall(&self) -> Option<f64> {
        ratio(
            self.true_handoffs,
            self.true_handoffs + self.missed_handoffs,
        )
    }

    pub fn handoff_f1(&self) -> Option<f64> {
        match (self.handoff_precision()?, self.handoff_recall()?) {
            (p, r) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            _ => Some(0.0),
        }
    }

    fn question(&mut self, expect: Option<&str>, got: Option<&str>) {
        match expect {
            Some(slug) => {
                self.answerable += 1;
                self.answered_right += u32::from(got == Some(slug));
                self.answerable_refused += u32::from(got.is_none());
            }
            None => {
                self.unanswerable += 1;
                self.refused_right += u32::from(got.is_none());
            }
        }
    }

    fn handoff(&mut self, expected: bool, found: bool) {
        match (expected, found) {
            (true, true) => self.true_handoffs += 1,
            (false, true) => self.false_handoffs += 1,
            (true, false) => self.missed_handoffs += 1,
            (false, false) => {}
        }
    }

    fn row(&self, key: &str) -> String {
        format!(
            "| {key} | {} | {} | {} | {} | {} | {} |",
            percent(self.answer_accuracy(), self.answerable),
            percent(self.fallback_accuracy(), self.unanswerable),
            percent(self.wrongly_refused(), self.answerable),
            percent(
                self.handoff_precision(),
                self.true_handoffs + self.false_handoffs
            ),
            percent(
                self.handoff_recall(),
                self.true_handoffs + self.missed_handoffs
            ),
            self.handoff_f1().map_or("—".into(), |f| format!("{f:.2}")),
        )
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let code = String::deserialize(d)?;
        Language::from_tag(&code)
            .map(Lang)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown language {code:?}")))
    }
}

fn speaker<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Speaker, D::Error> {
    match String::deserialize(d)?.as_str() {
        "visitor" => Ok(Speaker::Visitor),
        "bot" => Ok(Speaker::Bot),
        other => Err(serde::de::Error::custom(format!(
            "\"from\" is \"visitor\" or \"bot\", not {other:?}"
        ))),
    }
}

fn lines<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<Vec<T>, SetError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            serde_json::from_str(line).map_err(|e| SetError::Line {
                file,
                line: number + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

fn ratio(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

fn percent(value: Option<f64>, of: u32) -> String {
    value.map_or("—".into(), |v| format!("{:.1} % of {of}", v * 100.0))
}

#[cfg(test)]
mod tests {
    // Our own development sets, scored as `cargo xtask eval-ai` scores
    // them: a fictional bike shop (`tests/data/assistant`: 24 articles in
    // three languages, questions with typos, slang and other words than the
    // articles', and conversations that must or must not go to a person),
    // a fictional telecom operator (`tests/data/assistant-telecom`: 12
    // articles), a fictional hotel (`tests/data/assistant-hotel`: 13
    // articles), a fictional online language school
    // (`tests/data/assistant-school`: 13 articles) and a fictional medical
    // clinic (`tests/data/assistant-clinic`: 12 articles) and a fictional
    // online bank (`tests/data/assistant-bank`: 12 articles) and a fictional
    // clothes shop (`tests/data/assistant-fashion`: 12 articles) and a
    // fictional gym (`tests/data/assistant-gym`: 12 articles) and a
    // fictional invoicing app (`tests/data/assistant-saas`: 12 articles)
    // a fictional food delivery service (`tests/data/assistant-food`: 12
    // articles), a fictional airline (`tests/data/assistant-airline`: 12
    // articles), a fictional electronics shop
    // (`tests/data/assistant-electronics`: 12 articles), a fictional
    // electricity supplier (`tests/data/assistant-energy`: 12 articles), a
    // fictional car rental (`tests/data/assistant-carrental`: 12 articles)
    // a fictional streaming service (`tests/data/assistant-streaming`: 12
    // articles), a fictional university (`tests/data/assistant-university`:
    // 12 articles) and a fictional flat rental agency
    // (`tests/data/assistant-rentals`: 12 articles), each written after the
    // assistant to check that what was
    // tuned on the sets before holds on another knowledge base (each was
    // scored first as it came, then its misses were read). The floors sit just under
    // what the assistant reaches today, so a change that makes it worse
    // fails; a change that makes it better raises them.

    use std::path::Path;

    use super::{Scores, Set};

    /// A question among a greeting, context and thanks is answered as it is
    /// alone, on every development set (but for a question of two
    /// sentences, which the wrapping gives a second question mark).
    #[test]
    fn a_question_among_greetings_and_thanks_is_answered_as_itself() {
        for name in names() {
            let all = |set: Set| set.evaluate().scores.remove("all").unwrap();
            let (alone, wrapped) = (all(read(&name)), all(read(&name).wrapped()));
            let cost = |score: fn(&Scores) -> Option<f64>| {
                score(&alone).unwrap() - score(&wrapped).unwrap()
            };
            assert!(cost(Scores::answer_accuracy) <= 0.025, "{name}: answers");
            assert!(cost(Scores::fallback_accuracy) <= 0.025, "{name}: fallback");
        }
    }

    /// A sentence of context before the question, and no question mark,
    /// costs few answers (20.8 points averaged over every development set
    /// before questions were recognised by how they open, 7.1 after) and
    /// little fallback accuracy.
    #[test]
    fn a_question_after_context_and_without_its_mark_is_still_found() {
        let (answers, fallback) = mean_cost(Set::after_context, |_, _| {});
        assert!(
            answers <= 0.09,
            "context costs {answers:.3} of answer accuracy"
        );
        assert!(
            fallback <= 0.03,
            "context costs {fallback:.3} of fallback accuracy"
        );
    }

    /// One slip of typing in each question and message costs little answer
    /// accuracy (6 points averaged over every development set when this
    /// test was written; 12 before typos were corrected to the lexicon's
    /// words), no fallback accuracy, and few hand-offs on any set.
    #[test]
    fn a_typo_costs_little_on_every_set() {
        assert!(names().len() >= 23, "{:?}", names());
        let (answers, fallback) = mean_cost(Set::with_typos, |name, typed| {
            // Hand-offs are still found in mistyped messages (0.84 F1 on
            // average before their words' typos were mended, 0.99 after).
            let f1 = typed.handoff_f1().unwrap();
            assert!(f1 >= 0.9, "{name}: hand-off F1 {f1:.2} with typos");
        });
        assert!(
            answers <= 0.07,
            "a typo costs {answers:.3} of answer accuracy"
        );
        assert!(
            fallback <= 0.01,
            "a typo costs {fallback:.3} of fallback accuracy"
        );
    }

    #[test]
    fn the_bike_shop_stays_above_its_floors() {
        holds("assistant", 60, 0.86, 0.90);
    }

    #[test]
    fn the_telecom_operator_stays_above_its_floors() {
        holds("assistant-telecom", 36, 0.78, 0.94);
    }

    #[test]
    fn the_hotel_stays_above_its_floors() {
        holds("assistant-hotel", 39, 0.83, 0.85);
    }

    #[test]
    fn the_language_school_stays_above_its_floors() {
        holds("assistant-school", 39, 0.82, 0.85);
    }

    #[test]
    fn the_clinic_stays_above_its_floors() {
        holds("assistant-clinic", 36, 0.89, 0.86);
    }

    #[test]
    fn the_bank_stays_above_its_floors() {
        holds("assistant-bank", 36, 0.80, 0.80);
    }

    #[test]
    fn the_clothes_shop_stays_above_its_floors() {
        holds("assistant-fashion", 36, 0.70, 0.93);
    }

    #[test]
    fn the_gym_stays_above_its_floors() {
        holds("assistant-gym", 36, 0.84, 0.95);
    }

    #[test]
    fn the_invoicing_app_stays_above_its_floors() {
        holds("assistant-saas", 36, 0.77, 0.95);
    }

    #[test]
    fn the_food_delivery_stays_above_its_floors() {
        holds("assistant-food", 36, 0.69, 0.80);
    }

    #[test]
    fn the_airline_stays_above_its_floors() {
        holds("assistant-airline", 36, 0.85, 0.80);
    }

    #[test]
    fn the_electronics_shop_stays_above_its_floors() {
        holds("assistant-electronics", 36, 0.76, 0.95);
    }

    #[test]
    fn the_electricity_supplier_stays_above_its_floors() {
        holds("assistant-energy", 36, 0.66, 0.95);
    }

    #[test]
    fn the_car_rental_stays_above_its_floors() {
        holds("assistant-carrental", 36, 0.85, 0.86);
    }

    #[test]
    fn the_streaming_service_stays_above_its_floors() {
        holds("assistant-streaming", 36, 0.76, 0.86);
    }

    #[test]
    fn the_university_stays_above_its_floors() {
        holds("assistant-university", 36, 0.77, 0.73);
    }

    #[test]
    fn the_rental_agency_stays_above_its_floors() {
        holds("assistant-rentals", 36, 0.84, 0.93);
    }

    #[test]
    fn the_car_insurer_stays_above_its_floors() {
        holds("assistant-insurance", 36, 0.69, 0.90);
    }

    #[test]
    fn the_veterinary_clinic_stays_above_its_floors() {
        holds("assistant-vet", 36, 0.70, 0.71);
    }

    #[test]
    fn the_public_library_stays_above_its_floors() {
        holds("assistant-library", 36, 0.66, 0.80);
    }

    #[test]
    fn the_parcel_courier_stays_above_its_floors() {
        holds("assistant-courier", 36, 0.75, 0.66);
    }

    #[test]
    fn the_ride_hailing_app_stays_above_its_floors() {
        holds("assistant-rides", 36, 0.66, 0.85);
    }

    #[test]
    fn the_ticket_seller_stays_above_its_floors() {
        holds("assistant-tickets", 36, 0.60, 0.85);
    }

    /// Whether the set in `tests/data/<name>` (with at least `articles`
    /// articles) reaches its floors: `answers` and `fallback` accuracy, and
    /// a hand-off F1 of 0.97.
    fn holds(name: &str, articles: usize, answers: f64, fallback: f64) {
        let (all, table) = scores(name, articles);
        assert!(all.answer_accuracy().unwrap() >= answers, "{table}");
        assert!(all.fallback_accuracy().unwrap() >= fallback, "{table}");
        assert!(all.handoff_f1().unwrap() >= 0.97, "{table}");
    }

    /// The scores of the set in `tests/data/<name>` over all languages, and
    /// its table for a failure's message.
    fn scores(name: &str, articles: usize) -> (Scores, String) {
        let set = read(name);
        assert!(set.kb.articles().len() >= articles, "{name}: articles");
        let mut report = set.evaluate();
        let table = report.table();
        (report.scores.remove("all").unwrap(), table)
    }

    /// The set in `tests/data/<name>`.
    fn read(name: &str) -> Set {
        let dir = data().join(name);
        let kb: Vec<(String, String)> = std::fs::read_dir(dir.join("kb"))
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_str().unwrap().to_owned();
                (name, std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
        Set::parse(&kb, &read("questions.jsonl"), &read("handoff.jsonl")).unwrap()
    }

    /// Every development set's folder name.
    /// The answer and fallback accuracy `rewrite` costs, averaged over
    /// every development set; `check` sees each set's scores rewritten.
    fn mean_cost(rewrite: fn(Set) -> Set, check: impl Fn(&str, &Scores)) -> (f64, f64) {
        let names = names();
        let mut cost = (0.0, 0.0);
        for name in &names {
            let all = |set: Set| set.evaluate().scores.remove("all").unwrap();
            let (clean, rewritten) = (all(read(name)), all(rewrite(read(name))));
            cost.0 += clean.answer_accuracy().unwrap() - rewritten.answer_accuracy().unwrap();
            cost.1 += clean.fallback_accuracy().unwrap() - rewritten.fallback_accuracy().unwrap();
            check(name, &rewritten);
        }
        let count = names.len() as f64;
        (cost.0 / count, cost.1 / count)
    }

    fn names() -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(data())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("assistant"))
            .collect();
        names.sort();
        names
    }

    fn data() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data")
    }
}
