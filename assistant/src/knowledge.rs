//! A channel's knowledge base and the retrieval the assistant answers with:
//! BM25 over each language's articles (title words count three times, tags
//! twice), typos corrected against the articles' own words, and a
//! confidence that says how much of the question the best article covers.
//! Below the confidence threshold the assistant does not guess.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use charla_shared::channel::Language;
use charla_shared::knowledge::KbArticle;

use crate::text::{concept_key, is_number, is_stop, opens_a_question, unstressed, Analyzer, Term};

/// The confidence below which the assistant says it is not sure rather
/// than answer: the share of the question's weight (rare words weigh more,
/// words no article has weigh most) that the best article covers.
pub const CONFIDENCE_THRESHOLD: f64 = 0.5;

/// The longest passage an answer quotes, in characters; longer paragraphs
/// are cut at the last sentence that fits.
pub const PASSAGE_CHARS: usize = 600;

/// One article in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Shared by the same article's versions in other languages.
    pub slug: String,
    pub language: Language,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub tags: Vec<String>,
}

impl From<KbArticle> for Article {
    fn from(article: KbArticle) -> Article {
        Article {
            slug: article.slug.as_str().to_owned(),
            language: article.language,
            title: article.title,
            body: article.body,
            tags: article.tags,
        }
    }
}

/// What the assistant makes of a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// An answer it is confident in, quoted from an article.
    Answer(Answer),
    /// It is not sure; `nearest` is the closest article, if any shares a
    /// word with the question, to offer as "maybe this helps".
    NotSure { nearest: Option<Hit> },
}

/// A passage of an article that answers the question.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub slug: String,
    pub title: String,
    pub passage: String,
    /// 0 to 1: the share of the question the article covers.
    pub confidence: f64,
}

/// An article found by a search.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub slug: String,
    pub title: String,
    pub score: f64,
}

/// The articles of one channel, indexed per language.
pub struct KnowledgeBase {
    analyzer: Rc<Analyzer>,
    threshold: f64,
    articles: Vec<Article>,
    shelves: HashMap<Language, Shelf>,
}

impl KnowledgeBase {
    pub fn new(articles: Vec<Article>) -> KnowledgeBase {
        let analyzer = Analyzer::shared();
        let mut shelves: HashMap<Language, Shelf> = HashMap::new();
        for (index, article) in articles.iter().enumerate() {
            shelves
                .entry(article.language)
                .or_default()
                .add(&analyzer, index, article);
        }
        for shelf in shelves.values_mut() {
            shelf.finish();
        }
        KnowledgeBase {
            analyzer,
            threshold: CONFIDENCE_THRESHOLD,
            articles,
            shelves,
        }
    }

    /// The same base with another confidence threshold (0 to 1): a channel
    /// that prefers a person to a doubtful answer sets it higher.
    pub fn with_threshold(mut self, threshold: f64) -> KnowledgeBase {
        self.threshold = threshold.clamp(0.0, 1.0);
        self
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// The article `slug` in `language`, or in another language if it has
    /// no version in that one.
    pub fn article(&self, slug: &str, language: Language) -> Option<&Article> {
        let versions = || self.articles.iter().filter(|a| a.slug == slug);
        versions()
            .find(|a| a.language == language)
            .or_else(|| versions().next())
    }

    /// Answers `question` from the articles in `language` (or, if there are
    /// none in it, from the language with the most), or says it is not sure.
    /// A message of several sentences ("Hi, I have a problem. Where is my
    /// order? Please let me know") asks in the one with a question mark
    /// (the one with the most words of substance, if several have one):
    /// that sentence is answered alone, so "let me know" around "do you
    /// sell boxes?" never makes it about stock alerts. A question with no
    /// word of substance ("My parcel is late. What can I do?") is answered
    /// from the whole message.
    pub fn answer(&self, language: Language, question: &str) -> Reply {
        let parts = sentences(question);
        // Without a question mark anywhere, the sentences that open as
        // questions do ("I bought a lamp. how long does shipping take").
        let marked = parts.iter().any(|(_, asks)| *asks);
        let asked = parts
            .iter()
            .filter(|(part, asks)| *asks || (!marked && opens_a_question(language, part)))
            .map(|(part, _)| (self.analyzer.terms(language, part).len(), *part))
            .filter(|(terms, _)| *terms > 0)
            .max_by_key(|(terms, _)| *terms);
        let Some((_, part)) = asked.filter(|_| parts.len() > 1) else {
            return self.answer_one(language, question);
        };
        self.answer_one(language, part)
    }

    /// [`KnowledgeBase::answer`] for one sentence, or a message taken whole.
    fn answer_one(&self, language: Language, question: &str) -> Reply {
        let Some((language, shelf)) = self.shelf(language) else {
            return Reply::NotSure { nearest: None };
        };
        let query = shelf.query(&self.analyzer, language, question);
        let ranked = shelf.ranked(&query);
        let Some(best) = ranked.first() else {
            return Reply::NotSure { nearest: None };
        };
        let article = &self.articles[shelf.docs[best.doc].article];
        let hit = Hit {
            slug: article.slug.clone(),
            title: article.title.clone(),
            score: best.score,
        };
        let runner_up = ranked.get(1).map_or(0.0, |r| r.score);
        if !self.confident(best, runner_up) {
            return Reply::NotSure { nearest: Some(hit) };
        }
        Reply::Answer(Answer {
            slug: hit.slug,
            title: hit.title,
            passage: shelf.docs[best.doc].passage(&query),
            confidence: best.coverage,
        })
    }

    /// The articles that match `words`, best first: the knowledge search a
    /// visitor runs from the widget. Unlike [`KnowledgeBase::answer`] it
    /// lists whatever shares a word, however little.
    pub fn search(&self, language: Language, words: &str, limit: usize) -> Vec<Hit> {
        let Some((language, shelf)) = self.shelf(language) else {
            return Vec::new();
        };
        let query = shelf.query(&self.analyzer, language, words);
        shelf
            .ranked(&query)
            .into_iter()
            .take(limit)
            .map(|ranked| {
                let article = &self.articles[shelf.docs[ranked.doc].article];
                Hit {
                    slug: article.slug.clone(),
                    title: article.title.clone(),
                    score: ranked.score,
                }
            })
            .collect()
    }

    /// Whether `word` (folded) is a word of the articles in `language` or
    /// of the analyzer's own vocabulary: a word, not a typo.
    pub fn knows(&self, language: Language, word: &str) -> bool {
        self.shelves
            .get(&language)
            .is_some_and(|shelf| shelf.surface.contains_key(word))
            || is_stop(language, word)
            || self
                .analyzer
                .vocabulary(language)
                .binary_search_by(|known| known.as_str().cmp(word))
                .is_ok()
    }

    /// The analyzer the base was built with, for callers that look at the
    /// same words (hand-off detection).
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Whether the best article answers: it covers enough of the question
    /// (on one word alone only if the article is about that word or the
    /// word is most of the question), or a little less but with two of its
    /// words at least and clearly more than any other article does (a
    /// question with a detail no article mentions, such as a place or a
    /// part, still has one article that fits it best by far).
    fn confident(&self, best: &Ranked, runner_up: f64) -> bool {
        (best.coverage >= self.threshold
            && (best.matched >= 2 || best.topical || best.coverage > ONE_WORD_COVERAGE))
            || (best.coverage >= self.threshold * DOMINANT_COVERAGE
                && best.matched >= 2
                && best.score >= DOMINANCE * runner_up)
    }

    fn shelf(&self, language: Language) -> Option<(Language, &Shelf)> {
        self.shelves
            .get(&language)
            .map(|shelf| (language, shelf))
            .or_else(|| {
                self.shelves
                    .iter()
                    .max_by_key(|(l, shelf)| (shelf.docs.len(), std::cmp::Reverse(l.code())))
                    .map(|(l, shelf)| (*l, shelf))
            })
    }
}

/// BM25's term frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// What a title word and a tag count for, against 1 for a body word.
const TITLE_WEIGHT: f64 = 3.0;
const TAG_WEIGHT: f64 = 2.0;
/// How much an article's score counts the share of the question it covers
/// (the "coordination factor" of classic Lucene ranking): of two articles
/// that score alike, the one that has all the question's words ranks first,
/// not the one that has one of them many times.
const COORDINATION: f64 = 0.5;
/// An article that has only one of the question's words, and not in its
/// title or tags, answers only if that word is more than this share of the
/// question: "do you sell skateboards?" is not about the privacy article
/// because it says "we never sell your data".
const ONE_WORD_COVERAGE: f64 = 0.5;
/// An article that scores this many times the next one's score is a clear
/// winner, and answers with this share of the confidence threshold.
const DOMINANCE: f64 = 1.8;
const DOMINANT_COVERAGE: f64 = 0.6;
/// An everyday word no article has ("afternoon", "upstairs") weighs this
/// share of an unknown word of the question's topic.
const COMMON_SHARE: f64 = 0.3;
/// The concept a place no article names stands for, when the articles
/// speak of abroad; else it stands for any place they name.
const ABROAD: &str = "abroad";
const PLACE: &str = "place";
/// A concept match scores this share of a match on the word itself, so an
/// article with the visitor's own word ranks first.
const CONCEPT_SHARE: f64 = 0.7;

/// One language's articles.
#[derive(Default)]
struct Shelf {
    docs: Vec<Doc>,
    /// Key (stem or `~concept`) → how many articles have it.
    df: HashMap<String, usize>,
    /// Folded word as written in an article → its stem, for typos.
    surface: HashMap<String, String>,
    average_length: f64,
}

struct Doc {
    article: usize,
    weights: HashMap<String, f64>,
    /// The keys of its title and tags: what it is about.
    heading: HashSet<String>,
    length: f64,
    paragraphs: Vec<Paragraph>,
}

struct Paragraph {
    text: String,
    keys: HashSet<String>,
}

/// One word of the question, with the keys that match it.
struct Slot {
    stem: String,
    /// The stems of the articles' longer words this one starts ("bici" →
    /// "bicicleta"): a visitor's shortening matches them too.
    longer: Vec<String>,
    concept: Option<String>,
    /// A place no article names, standing for abroad or for the places the
    /// articles name: it says where, not what, so it adds to an article's
    /// coverage but never matches alone.
    place: bool,
    /// How much matching this word is worth, for the coverage.
    weight: f64,
}

struct Ranked {
    doc: usize,
    score: f64,
    coverage: f64,
    /// How many of the question's words it has.
    matched: usize,
    /// Whether one of them is in its title or tags.
    topical: bool,
}

impl Shelf {
    fn add(&mut self, analyzer: &Analyzer, index: usize, article: &Article) {
        let language = article.language;
        let mut weights: HashMap<String, f64> = HashMap::new();
        let mut count = |terms: Vec<Term>, weight: f64, surface: &mut HashMap<String, String>| {
            for term in terms {
                if let Some(concept) = term.concept.map(concept_key) {
                    if concept != term.stem {
                        *weights.entry(concept).or_default() += weight;
                    }
                }
                // Naming places makes an article one about places once,
                // however many it lists.
                if analyzer.is_place(&term.word) {
                    let place = weights.entry(concept_key(PLACE)).or_default();
                    *place = place.max(weight);
                }
                *weights.entry(term.stem.clone()).or_default() += weight;
                // Typos and shortenings are of single words, not of a
                // phrase that became one term ("cartão de cidadão").
                if !term.word.contains(' ') {
                    surface.insert(term.word, term.stem);
                }
            }
        };
        let title = analyzer.terms(language, &article.title);
        let mut heading = keys(&title);
        count(title, TITLE_WEIGHT, &mut self.surface);
        for tag in &article.tags {
            let tag = analyzer.terms(language, tag);
            heading.extend(keys(&tag));
            count(tag, TAG_WEIGHT, &mut self.surface);
        }
        count(
            analyzer.terms(language, &article.body),
            1.0,
            &mut self.surface,
        );
        for key in weights.keys() {
            *self.df.entry(key.clone()).or_default() += 1;
        }
        let paragraphs = paragraphs(&article.body)
            .into_iter()
            .map(|text| Paragraph {
                keys: keys(&analyzer.terms(language, &text)),
                text,
            })
            .collect();
        self.docs.push(Doc {
            article: index,
            heading,
            length: weights.values().sum(),
            weights,
            paragraphs,
        });
    }

    fn finish(&mut self) {
        let total: f64 = self.docs.iter().map(|d| d.length).sum();
        self.average_length = total / self.docs.len().max(1) as f64;
    }

    fn idf(&self, key: &str) -> Option<f64> {
        let df = *self.df.get(key)? as f64;
        let n = self.docs.len() as f64;
        Some((1.0 + (n - df + 0.5) / (df + 0.5)).ln())
    }

    /// What a place no article names stands for: abroad, if an article
    /// speaks of it ("we ship internationally"), or else the places the
    /// articles name ("we deliver to Spain, Portugal and France").
    fn elsewhere(&self) -> &'static str {
        if self.df.contains_key(&concept_key(ABROAD)) {
            ABROAD
        } else {
            PLACE
        }
    }

    /// The weight of a word no article has: what the rarest word of the
    /// articles (in one of them) weighs.
    fn unknown_weight(&self) -> f64 {
        let n = self.docs.len() as f64;
        (1.0 + (n - 0.5) / 1.5).ln()
    }

    fn query(&self, analyzer: &Analyzer, language: Language, question: &str) -> Vec<Slot> {
        let mut seen = HashSet::new();
        let mut slots = Vec::new();
        for term in analyzer.terms(language, question) {
            let Some(term) = self.corrected(analyzer, language, term) else {
                continue;
            };
            if !seen.insert(term.stem.clone()) {
                continue;
            }
            // A place no article names is most likely one the articles call
            // abroad, or one like those they name: "do you ship to Norway?"
            // is about shipping abroad.
            let place = !self.df.contains_key(&term.stem) && analyzer.is_place(&term.word);
            let concept = term
                .concept
                .or(place.then(|| self.elsewhere()))
                .map(concept_key);
            // A number no article has (an order number, a height, "two
            // codes") says nothing about which article answers, so it
            // weighs nothing.
            let unknown = if is_number(language, &term.word) {
                0.0
            } else if analyzer.is_common(language, &term.stem) {
                COMMON_SHARE * self.unknown_weight()
            } else {
                self.unknown_weight()
            };
            let longer = self.longer(&term);
            // A word matched by several keys weighs what the most common of
            // them weighs: matching it is no rarer than that.
            let weight = std::iter::once(&term.stem)
                .chain(&longer)
                .filter_map(|key| self.idf(key))
                .reduce(f64::min)
                .or_else(|| concept.as_deref().and_then(|c| self.idf(c)))
                .unwrap_or(unknown);
            slots.push(Slot {
                stem: term.stem,
                longer,
                concept,
                place,
                weight,
            });
        }
        slots
    }

    /// The stems of the articles' words that `term` shortens: at least two
    /// letters longer and starting with all of its four or more.
    fn longer(&self, term: &Term) -> Vec<String> {
        if term.word.chars().count() < 4 || term.stem.starts_with('~') {
            return Vec::new();
        }
        let mut stems: Vec<String> = self
            .surface
            .iter()
            .filter(|(word, stem)| {
                word.len() >= term.word.len() + 2
                    && word.starts_with(&term.word)
                    && **stem != term.stem
            })
            .map(|(_, stem)| stem.clone())
            .collect();
        stems.sort();
        stems.dedup();
        stems
    }

    /// `term` as the articles spell it when the visitor's spelling is one
    /// or two letters off a word of the articles, or shortens one ("bici",
    /// "info"), and matches nothing else; or the word of the analyzer's own
    /// vocabulary it is closer to ("refnud" is "refund" even where the
    /// articles say "money back"), and nothing when that word is a stop
    /// word ("necestio" is "necesito").
    fn corrected(&self, analyzer: &Analyzer, language: Language, term: Term) -> Option<Term> {
        let length = term.word.chars().count();
        // A word the lexicon knows is a word, not a typo: "congelar" is not
        // "cancelar" misspelt, nor "entro" "enero".
        if self.df.contains_key(&term.stem)
            || term.concept.is_some()
            || length < 4
            || analyzer.is_place(&term.word)
            || analyzer.is_common(language, &term.stem)
        {
            return Some(term);
        }
        if term.word.chars().any(|c| c.is_ascii_digit()) {
            return Some(term);
        }
        if let Some(stem) = unstressed(language, &term.stem).find(|s| self.df.contains_key(s)) {
            return Some(Term {
                concept: analyzer.concept_of_stem(language, &stem),
                word: term.word,
                stem,
            });
        }
        let allowed = if length >= 8 { 2 } else { 1 };
        // Typing rarely gets the first letter wrong: a word that differs
        // there is another word ("motos" is not "fotos").
        let first = term.word.chars().next();
        let best = self
            .surface
            .iter()
            .filter(|(word, _)| word.chars().next() == first)
            .filter_map(|(word, stem)| {
                let distance = edit_distance(&term.word, word, allowed).or_else(|| {
                    // A shortening counts as one letter off.
                    (word.len() >= term.word.len() + 2 && word.starts_with(&term.word))
                        .then_some(allowed)
                })?;
                let df = self.df.get(stem).copied().unwrap_or(0);
                Some((distance, std::cmp::Reverse(df), word, stem))
            })
            .min();
        // A word the analyzer knows beats an article's word only when it is
        // nearer: on a tie, the articles' own spelling is what matches. As
        // the vocabulary is large, only the slips typing makes most count
        // towards it (see `slip`): "playing" is not "paying" mistyped.
        let known = analyzer
            .vocabulary(language)
            .iter()
            .filter(|word| word.chars().next() == first)
            .filter(|word| slip(&term.word, word))
            .map(|word| (1, word))
            .min();
        match (best, known) {
            (Some((distance, _, word, stem)), known)
                if known.is_none_or(|(nearer, _)| distance <= nearer) =>
            {
                Some(Term {
                    concept: analyzer.concept_of(language, word),
                    word: word.clone(),
                    stem: stem.clone(),
                })
            }
            (_, Some((_, word))) if is_stop(language, word) => None,
            (_, Some((_, word))) => Some(Term {
                concept: analyzer.concept_of(language, word),
                stem: analyzer.stem(language, word),
                word: word.clone(),
            }),
            (_, None) => Some(term),
        }
    }

    /// Every article that matches a word of the query, best first.
    fn ranked(&self, query: &[Slot]) -> Vec<Ranked> {
        let total: f64 = query.iter().map(|s| s.weight).sum();
        let mut ranked: Vec<Ranked> = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(index, doc)| {
                let mut score = 0.0;
                let mut covered = 0.0;
                let mut matched = 0;
                let mut places = 0;
                let mut topical = false;
                for slot in query {
                    // The word itself and the longer words it shortens
                    // count as one word, as rare as the most common of them.
                    let own = slot.weight
                        * slot
                            .longer
                            .iter()
                            .map(|key| self.saturated(doc, key))
                            .fold(self.saturated(doc, &slot.stem), f64::max);
                    let concept = slot
                        .concept
                        .as_deref()
                        .map_or(0.0, |c| CONCEPT_SHARE * self.bm25(doc, c));
                    let best = own.max(concept);
                    if best > 0.0 {
                        score += best;
                        covered += slot.weight;
                        matched += 1;
                        places += usize::from(slot.place);
                        topical |= slot.is_in(&doc.heading);
                    }
                }
                let coverage = if total > 0.0 { covered / total } else { 0.0 };
                (matched > places).then(|| Ranked {
                    doc: index,
                    score: score * coverage.powf(COORDINATION),
                    coverage,
                    matched,
                    topical,
                })
            })
            .collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        ranked
    }

    fn bm25(&self, doc: &Doc, key: &str) -> f64 {
        self.idf(key).unwrap_or(0.0) * self.saturated(doc, key)
    }

    /// BM25's term-frequency part: how much `key` counts in `doc`, before
    /// its rarity.
    fn saturated(&self, doc: &Doc, key: &str) -> f64 {
        let Some(tf) = doc.weights.get(key) else {
            return 0.0;
        };
        let norm = 1.0 - B + B * doc.length / self.average_length.max(1.0);
        tf * (K1 + 1.0) / (tf + K1 * norm)
    }
}

impl Doc {
    /// The paragraph that covers most of the query (the first one on a
    /// tie, which is usually the article's summary).
    fn passage(&self, query: &[Slot]) -> String {
        let covered = |paragraph: &Paragraph| -> f64 {
            query
                .iter()
                .filter(|slot| slot.is_in(&paragraph.keys))
                .map(|slot| slot.weight)
                .sum()
        };
        let mut best: Option<(&Paragraph, f64)> = None;
        for paragraph in &self.paragraphs {
            let score = covered(paragraph);
            if best.is_none_or(|(_, top)| score > top) {
                best = Some((paragraph, score));
            }
        }
        best.map(|(p, _)| shorten(&p.text)).unwrap_or_default()
    }
}

impl Slot {
    /// Whether any of the word's keys is among `keys`.
    fn is_in(&self, keys: &HashSet<String>) -> bool {
        keys.contains(&self.stem)
            || self.longer.iter().any(|k| keys.contains(k))
            || self.concept.as_ref().is_some_and(|c| keys.contains(c))
    }
}

/// Distance between two words with at most `limit` insertions, deletions,
/// substitutions or swaps of neighbours; `None` beyond it.
/// The sentences of `text`, each with whether it asks (ends with `?` or
/// starts with `¿`): split after `.`, `?`, `!` or `;` followed by a space
/// (not inside "4.50"), before `¿` and `¡`, and at line breaks; empty ones
/// left out.
fn sentences(text: &str) -> Vec<(&str, bool)> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        let end = match c {
            '.' | '?' | '!' | ';' | ':' if next.is_none_or(char::is_whitespace) => {
                Some(at + c.len_utf8())
            }
            '\n' => Some(at + 1),
            '¿' | '¡' => Some(at),
            _ => None,
        };
        if let Some(end) = end {
            parts.push(&text[start..end]);
            start = end;
        }
    }
    parts.push(&text[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|part| part.chars().any(char::is_alphanumeric))
        .map(|part| (part, part.starts_with('¿') || part.ends_with('?')))
        .collect()
}

/// Whether `typed` is `known` with one of the slips typing makes most: a
/// letter left out, a letter doubled, two letters swapped or one letter
/// for another. A letter added that is not a double ("contratar" for
/// "contatar") is as likely another word.
pub(crate) fn slip(typed: &str, known: &str) -> bool {
    let typed: Vec<char> = typed.chars().collect();
    let known: Vec<char> = known.chars().collect();
    let same = typed.iter().zip(&known).take_while(|(a, b)| a == b).count();
    match typed.len() as isize - known.len() as isize {
        // Left out: the rest of `known` after the gap is the rest of `typed`.
        -1 => typed[same..] == known[same + 1..],
        // Doubled: the extra letter repeats the one before it.
        1 => same > 0 && typed[same] == typed[same - 1] && typed[same + 1..] == known[same..],
        0 if same < typed.len() => {
            let rest = same + 1;
            typed[rest..] == known[rest..]
                || (rest < typed.len()
                    && typed[same] == known[rest]
                    && typed[rest] == known[same]
                    && typed[rest + 1..] == known[rest + 1..])
        }
        _ => false,
    }
}

fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut rows = vec![vec![0usize; width]; a.len() + 1];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i][0] = i;
        let mut row_min = rows[i][0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
    }
    Some(rows[a.len()][b.len()]).filter(|d| *d <= limit)
}

fn keys(terms: &[Term]) -> HashSet<String> {
    let mut keys = HashSet::new();
    for term in terms {
        keys.insert(term.stem.clone());
        if let Some(concept) = term.concept {
            keys.insert(concept_key(concept));
        }
    }
    keys
}

/// The body's paragraphs as plain text: blank lines separate them, a
/// heading joins the paragraph under it, list items stay one per line.
fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut heading: Option<String> = None;
    for line in body.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
            continue;
        }
        if let Some(text) = line.strip_prefix('#') {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
            heading = Some(text.trim_start_matches('#').trim().to_owned());
            continue;
        }
        if current.is_empty() {
            if let Some(heading) = heading.take() {
                current.push(format!("{heading}:"));
            }
        }
        let line = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .map_or_else(|| line.to_owned(), |item| format!("• {item}"));
        current.push(plain(&line));
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

/// Markdown emphasis and link syntax taken off a line: `**a**` → `a`,
/// `[text](url)` → `text (url)`.
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let link = after
            .find("](")
            .and_then(|mid| after[mid..].find(')').map(|end| (mid, mid + end)));
        match link {
            Some((mid, end)) => {
                out.push_str(&after[1..mid]);
                out.push_str(" (");
                out.push_str(&after[mid + 2..end]);
                out.push(')');
                rest = &after[end + 1..];
            }
            None => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace("__", "").replace('`', "")
}

/// `text` cut at the last sentence end within [`PASSAGE_CHARS`].
fn shorten(text: &str) -> String {
    if text.chars().count() <= PASSAGE_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(PASSAGE_CHARS).collect();
    match cut.rfind(['.', '!', '?', '\n']) {
        Some(end) if end > PASSAGE_CHARS / 3 => cut[..=end].trim_end().to_owned(),
        _ => format!("{}…", cut.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(slug: &str, language: Language, title: &str, body: &str) -> Article {
        Article {
            slug: slug.into(),
            language,
            title: title.into(),
            body: body.into(),
            tags: Vec::new(),
        }
    }

    fn shop() -> KnowledgeBase {
        KnowledgeBase::new(vec![
            article(
                "returns",
                Language::En,
                "Returns and refunds",
                "You can return any item within 30 days.\n\nRefunds reach your card within 5 working days after we receive the parcel.",
            ),
            article(
                "shipping",
                Language::En,
                "Shipping times",
                "Orders ship within 24 hours. Delivery takes 2 to 4 days in the mainland.",
            ),
            article(
                "payment",
                Language::En,
                "Ways to pay",
                "We accept Visa, Mastercard and PayPal. You can split the payment in three installments.",
            ),
            article(
                "returns",
                Language::Es,
                "Devoluciones y reembolsos",
                "Puedes devolver cualquier artículo en 30 días. El reembolso llega a tu tarjeta en 5 días hábiles.",
            ),
            article(
                "shipping",
                Language::Es,
                "Plazos de envío",
                "Los pedidos salen en 24 horas. La entrega tarda de 2 a 4 días.",
            ),
        ])
    }

    /// The stems `kb` looks up for `question`, after typo correction.
    fn query_stems(kb: &KnowledgeBase, language: Language, question: &str) -> Vec<String> {
        kb.shelves[&language]
            .query(&kb.analyzer, language, question)
            .into_iter()
            .map(|slot| slot.stem)
            .collect()
    }

    fn answered(kb: &KnowledgeBase, language: Language, question: &str) -> Option<String> {
        match kb.answer(language, question) {
            Reply::Answer(answer) => Some(answer.slug),
            Reply::NotSure { .. } => None,
        }
    }

    #[test]
    fn the_article_that_covers_the_question_answers_it() {
        let kb = shop();
        assert_eq!(
            answered(&kb, Language::En, "How long does shipping take?").as_deref(),
            Some("shipping")
        );
        assert_eq!(
            answered(&kb, Language::En, "can I pay with paypal").as_deref(),
            Some("payment")
        );
        assert_eq!(
            answered(&kb, Language::Es, "¿Cuánto tarda el envio?").as_deref(),
            Some("shipping")
        );
    }

    #[test]
    fn other_words_for_the_same_thing_and_typos_still_find_it() {
        let kb = shop();
        assert_eq!(
            answered(&kb, Language::En, "how do I get my money back").as_deref(),
            Some("returns")
        );
        assert_eq!(
            answered(&kb, Language::En, "can i pay in instalmnets").as_deref(),
            Some("payment")
        );
        assert_eq!(
            answered(&kb, Language::Es, "kiero mi rembolso xfa").as_deref(),
            Some("returns")
        );
    }

    #[test]
    fn a_question_the_articles_do_not_cover_is_not_guessed() {
        let kb = shop();
        assert_eq!(
            answered(&kb, Language::En, "Do you sell pizza on Sundays?"),
            None
        );
        assert_eq!(
            answered(&kb, Language::Es, "¿Venden bicicletas eléctricas?"),
            None
        );
        assert!(matches!(
            kb.answer(Language::En, "hello"),
            Reply::NotSure { nearest: None }
        ));
    }

    #[test]
    fn greetings_and_small_talk_ask_nothing() {
        let kb = shop();
        for (language, text) in [
            (Language::Es, "¡Buenos días!"),
            (Language::Pt, "Bom dia"),
            (Language::En, "Good morning"),
            (Language::En, "What's your name?"),
            (Language::Es, "¿Cómo te llamas?"),
        ] {
            assert!(
                matches!(kb.answer(language, text), Reply::NotSure { nearest: None }),
                "{text}"
            );
        }
        // Nor do the polite words around a question.
        assert_eq!(
            query_stems(
                &kb,
                Language::En,
                "Hi there, quick question: how long does shipping take? Thanks in advance!"
            ),
            query_stems(&kb, Language::En, "how long does shipping take")
        );
        assert_eq!(
            query_stems(
                &kb,
                Language::Es,
                "Buenas tardes, una pregunta: ¿cuánto tarda el envío? Muchas gracias, un saludo"
            ),
            query_stems(&kb, Language::Es, "cuánto tarda el envío")
        );
        // A day in a question is still a day.
        assert!(answered(&kb, Language::Es, "¿cuántos días tarda el envío?").is_some());
    }

    #[test]
    fn the_answer_quotes_the_paragraph_that_answers() {
        let kb = shop();
        let Reply::Answer(answer) =
            kb.answer(Language::En, "when will I get the refund on my card?")
        else {
            panic!("no answer");
        };
        assert!(
            answer.passage.starts_with("Refunds reach your card"),
            "{}",
            answer.passage
        );
        assert_eq!(answer.title, "Returns and refunds");
        assert!(answer.confidence >= CONFIDENCE_THRESHOLD);
    }

    #[test]
    fn a_detail_no_article_has_does_not_hide_the_clear_winner() {
        let kb = shop();
        // "grandmother", "lisbon" and "scarf" are in no article: the returns
        // article covers under half of the question, yet it is the only one
        // with two of its words.
        let question = "can my grandmother in lisbon return the scarf for a refund";
        assert_eq!(
            answered(&kb, Language::En, question).as_deref(),
            Some("returns")
        );
        // One word in common is not enough.
        assert_eq!(
            answered(
                &kb,
                Language::En,
                "can my grandmother in lisbon knit a scarf for a refund"
            ),
            None
        );
    }

    #[test]
    fn the_article_with_all_the_words_ranks_before_one_with_a_word_many_times() {
        let kb = KnowledgeBase::new(vec![
            article(
                "abroad",
                Language::En,
                "Shipping abroad",
                "Shipping abroad: shipping to islands, shipping to other countries, shipping by air.",
            ),
            article(
                "costs",
                Language::En,
                "Delivery",
                "Orders over 50 euros go free; below that shipping costs 4 euros.",
            ),
            article("gifts", Language::En, "Gift cards", "A gift card costs 10 to 100 euros."),
            article("rental", Language::En, "Rental", "Renting a bike costs 20 euros a day."),
            article("hours", Language::En, "Opening hours", "We open at nine."),
        ]);
        let first = kb.search(Language::En, "how much is shipping", 3);
        assert_eq!(first[0].slug, "costs", "{first:?}");
    }

    #[test]
    fn one_word_in_common_answers_only_when_the_article_is_about_it() {
        let kb = shop();
        // "parcel" is only in passing in the returns article.
        assert_eq!(answered(&kb, Language::En, "do you rent parcels?"), None);
        // "pay" is what the payment article is about.
        assert_eq!(
            answered(&kb, Language::En, "can I pay in bitcoin?").as_deref(),
            Some("payment")
        );
    }

    #[test]
    fn an_everyday_word_no_article_has_weighs_less_than_a_topic_word() {
        let kb = shop();
        // "parcel" is only in passing in the returns article: beside an
        // everyday word the articles do not use, it is most of the question;
        // beside a thing they do not mention, it is not.
        assert_eq!(
            answered(&kb, Language::En, "a parcel yesterday afternoon?").as_deref(),
            Some("returns")
        );
        assert_eq!(
            answered(&kb, Language::En, "a parcel of skateboards?"),
            None
        );
    }

    #[test]
    fn a_place_no_article_names_is_abroad_but_never_enough_alone() {
        let kb = KnowledgeBase::new(vec![
            article(
                "abroad",
                Language::En,
                "Outside Spain",
                "We also deliver to Portugal, France and Italy. Outside the European Union, customs duties are paid by the customer.",
            ),
            article(
                "times",
                Language::En,
                "Delivery times",
                "Orders are delivered in 2 to 4 working days; delivery is free over 50 euros.",
            ),
            article(
                "stores",
                Language::En,
                "Our shops",
                "Our shops are in Madrid and Seville, open from 10 to 20.",
            ),
        ]);
        assert_eq!(
            answered(&kb, Language::En, "do you deliver to Norway?").as_deref(),
            Some("abroad")
        );
        assert_eq!(
            answered(&kb, Language::En, "do you deliver to New York?").as_deref(),
            Some("abroad")
        );
        // A place the articles name is matched as written.
        assert_eq!(
            answered(&kb, Language::En, "is the shop in Seville open?").as_deref(),
            Some("stores")
        );
        // A place alone says where, not what the visitor wants to know.
        assert_eq!(answered(&kb, Language::En, "what's new in Norway?"), None);
        assert_eq!(answered(&kb, Language::En, "is it sunny in Norway?"), None);
        // Articles that never say "abroad" but name the places they serve.
        let kb = KnowledgeBase::new(vec![
            article(
                "delivery",
                Language::En,
                "Delivery",
                "We deliver to Spain, Portugal, France and Italy.",
            ),
            article(
                "payment",
                Language::En,
                "Payment",
                "Your card is charged when the order is delivered.",
            ),
        ]);
        assert_eq!(
            answered(&kb, Language::En, "do you deliver to Germany?").as_deref(),
            Some("delivery")
        );
    }

    #[test]
    fn a_spanish_verb_finds_its_other_stem() {
        let kb = shop();
        assert_eq!(
            answered(&kb, Language::Es, "¿Cómo lo devuelvo?").as_deref(),
            Some("returns")
        );
    }

    #[test]
    fn a_typo_keeps_its_first_letter() {
        let kb = shop();
        let stems = |question| query_stems(&kb, Language::En, question);
        assert_eq!(stems("the ward"), ["ward"], "not \"card\"");
        assert_eq!(stems("the crad"), ["card"]);
    }

    #[test]
    fn a_typo_of_a_word_no_article_has_is_still_that_word() {
        let kb = KnowledgeBase::new(vec![article(
            "refunds",
            Language::En,
            "Money back",
            "We give your money back within 5 days.",
        )]);
        let shelf = &kb.shelves[&Language::En];
        let concepts = |question| -> Vec<Option<String>> {
            shelf
                .query(&kb.analyzer, Language::En, question)
                .into_iter()
                .map(|slot| slot.concept)
                .collect()
        };
        // "refund" is in no article, but the lexicon knows it.
        assert_eq!(concepts("refnud"), [Some("~refund".to_owned())]);
        assert_eq!(
            answered(&kb, Language::En, "when do i get my refnud").as_deref(),
            Some("refunds")
        );
        // A stop word mistyped is still a stop word.
        let kb = shop();
        assert_eq!(
            query_stems(&kb, Language::Es, "necestio el reembolso"),
            query_stems(&kb, Language::Es, "necesito el reembolso")
        );
    }

    #[test]
    fn a_message_is_cut_into_sentences_that_ask_or_tell() {
        assert_eq!(
            sentences("Hi, I have a problem. Where is my order? Thanks"),
            [
                ("Hi, I have a problem.", false),
                ("Where is my order?", true),
                ("Thanks", false)
            ]
        );
        assert_eq!(
            sentences("Hola: ¿cuánto cuesta? Son 4.50 €"),
            [
                ("Hola:", false),
                ("¿cuánto cuesta?", true),
                ("Son 4.50 €", false)
            ]
        );
        assert_eq!(
            sentences("where is my order"),
            [("where is my order", false)]
        );
    }

    #[test]
    fn the_sentence_that_asks_is_answered_not_the_greetings_around_it() {
        let kb = shop();
        assert_eq!(
            answered(
                &kb,
                Language::En,
                "Hi, I have a problem. How long does shipping take? Please let me know asap"
            )
            .as_deref(),
            Some("shipping")
        );
        assert_eq!(
            answered(
                &kb,
                Language::En,
                "Please let me know asap. Do you sell pizza? Thanks"
            ),
            None
        );
        // A question with nothing of substance is answered from the whole.
        assert_eq!(
            answered(&kb, Language::En, "I want a refund on my card. How?").as_deref(),
            Some("returns")
        );
        // Without a question mark, the sentence that opens as a question
        // asks; good wishes ask nothing.
        assert_eq!(
            answered(
                &kb,
                Language::En,
                "I bought a lamp from you. how long does shipping take"
            )
            .as_deref(),
            Some("shipping")
        );
        assert_eq!(
            answered(&kb, Language::En, "shipping to Canada. Have a nice day").as_deref(),
            Some("shipping")
        );
    }

    #[test]
    fn only_the_commonest_slips_reach_the_vocabulary() {
        assert!(slip("refnud", "refund"), "swapped");
        assert!(slip("refud", "refund"), "left out");
        assert!(slip("reffund", "refund"), "doubled");
        assert!(slip("rufund", "refund"), "one for another");
        assert!(
            !slip("playing", "paying"),
            "an added letter is another word"
        );
        assert!(!slip("contratar", "contatar"));
        assert!(!slip("refund", "refund"), "the same word is no slip");
        assert!(!slip("rfnd", "refund"));
    }

    #[test]
    fn a_word_is_not_a_shortening_of_a_phrase_it_starts() {
        let kb = KnowledgeBase::new(vec![article(
            "documents",
            Language::Pt,
            "Documentos",
            "Traga o cartão de cidadão ou o passaporte.",
        )]);
        let shelf = &kb.shelves[&Language::Pt];
        let query = shelf.query(&kb.analyzer, Language::Pt, "cartao");
        assert!(query[0].longer.is_empty(), "{:?}", query[0].longer);
    }

    #[test]
    fn a_word_the_lexicon_knows_is_not_a_typo() {
        let kb = KnowledgeBase::new(vec![article(
            "cancel",
            Language::Es,
            "Cancelar",
            "Puedes cancelar antes del día 25; en enero no hay matrícula.",
        )]);
        let stems = |question| query_stems(&kb, Language::Es, question);
        // Two letters from "cancelar", one from "enero", and words all the
        // same: a pause and an entrance.
        assert_ne!(stems("congelar"), stems("cancelar"));
        assert_ne!(stems("entro"), stems("enero"));
        assert_eq!(stems("canselar"), stems("cancelar"));
    }

    #[test]
    fn a_language_without_articles_is_answered_from_another() {
        let kb = shop();
        assert_eq!(
            answered(&kb, Language::Pt, "paypal visa mastercard").as_deref(),
            Some("payment")
        );
    }

    #[test]
    fn markdown_becomes_plain_paragraphs() {
        let body = "## Steps\n- **Open** the [account page](https://x.test/a)\n- Press `Reset`\n\nLast one.";
        assert_eq!(
            paragraphs(body),
            [
                "Steps:\n• Open the account page (https://x.test/a)\n• Press Reset",
                "Last one."
            ]
        );
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("envio", "evnio", 1), Some(1));
        assert_eq!(edit_distance("reembolso", "rembolso", 2), Some(1));
        assert_eq!(edit_distance("abc", "xyz", 1), None);
    }
}
