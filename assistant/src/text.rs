//! Words as the assistant compares them: lower case with accents folded,
//! informal spellings written out, stop words dropped, then Snowball stems.
//! Articles and questions go through the same steps, so "envío", "envio" and
//! "enviar" meet on one stem whichever way a visitor types them.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use charla_shared::channel::Language;
use rust_stemmers::{Algorithm, Stemmer};

use crate::common::COMMON;
use crate::concepts::CONCEPTS;
use crate::places::PLACES;

/// One word of a text after analysis: the stem retrieval matches, the
/// folded surface form typo correction compares, and the language-free
/// concept it names, if the lexicon knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub word: String,
    pub stem: String,
    pub concept: Option<&'static str>,
}

/// Stems words in the three languages and knows the concept lexicon,
/// stemmed the same way. Built once; cheap to share.
pub struct Analyzer {
    stemmers: [Stemmer; 3],
    /// (language, stems joined by a space) → concept.
    concepts: HashMap<(Language, String), &'static str>,
    /// (language, stem) of the everyday words in `COMMON`.
    common: HashSet<(Language, String)>,
    /// The places in `PLACES`, as folded words joined by a space: matched
    /// as written, since a place's stem may be another word's ("Viena" and
    /// "viene" are both "vien" in Spanish).
    places: HashSet<String>,
    /// Per language, the single words the analyzer knows without any
    /// article: the lexicon's, the everyday words and the longer stop
    /// words, folded. A typo of one of them is that word ("refnud",
    /// "necestio"), not the nearest word some article happens to have.
    vocabulary: [Vec<String>; 3],
}

impl Analyzer {
    pub fn new() -> Analyzer {
        let stemmers = [
            Stemmer::create(Algorithm::English),
            Stemmer::create(Algorithm::Spanish),
            Stemmer::create(Algorithm::Portuguese),
        ];
        let mut analyzer = Analyzer {
            stemmers,
            concepts: HashMap::new(),
            common: HashSet::new(),
            places: HashSet::new(),
            vocabulary: [Vec::new(), Vec::new(), Vec::new()],
        };
        for place in PLACES {
            analyzer.places.insert(words(Language::En, place).join(" "));
        }
        for (language, words) in Language::ALL.into_iter().zip(COMMON) {
            for word in words {
                let stem = analyzer.stem(language, &fold(word));
                analyzer.common.insert((language, stem));
            }
        }
        for (index, language) in Language::ALL.into_iter().enumerate() {
            let stop = own_stop_words(language);
            let lexicon = CONCEPTS
                .iter()
                .flat_map(|concept| concept.words[index].iter());
            let mut known: Vec<String> = lexicon
                .chain(COMMON[index])
                .map(|word| fold(word))
                .filter(|word| !word.contains(' '))
                .chain(stop.iter().map(|word| (*word).to_owned()))
                .filter(|word| word.chars().count() >= TYPO_TARGET)
                .collect();
            known.sort();
            known.dedup();
            analyzer.vocabulary[index] = known;
        }
        for concept in CONCEPTS {
            for (language, phrases) in Language::ALL.into_iter().zip(concept.words) {
                for phrase in phrases.iter() {
                    let stems = analyzer.stems(language, phrase);
                    if !stems.is_empty() {
                        analyzer
                            .concepts
                            .entry((language, stems.join(" ")))
                            .or_insert(concept.name);
                    }
                }
            }
        }
        analyzer
    }

    /// The terms of `text` in `language`, in order. A phrase of the
    /// lexicon ("how much", "money back", "where is my") becomes one term
    /// that stands for its concept, even when it is made of stop words; a
    /// place named in several words ("Estados Unidos", "New York") becomes
    /// one term of its stems; other stop words are left out.
    pub fn terms(&self, language: Language, text: &str) -> Vec<Term> {
        let words = words(language, text);
        let stems = self.keys(language, &words);
        let mut terms = Vec::with_capacity(words.len());
        let mut i = 0;
        'words: while i < words.len() {
            for length in (2..=PHRASE_WORDS).rev() {
                let Some(phrase) = stems.get(i..i + length) else {
                    continue;
                };
                let joined = phrase.join(" ");
                let written = words[i..i + length].join(" ");
                if GREETINGS.contains(&written.as_str()) {
                    i += length;
                    continue 'words;
                }
                if self.places.contains(&written) {
                    terms.push(Term {
                        word: written,
                        stem: joined,
                        concept: None,
                    });
                    i += length;
                    continue 'words;
                }
                if let Some(concept) = self.concepts.get(&(language, joined)) {
                    terms.push(Term {
                        word: words[i..i + length].join(" "),
                        stem: concept_key(concept),
                        concept: Some(concept),
                    });
                    i += length;
                    continue 'words;
                }
            }
            let word = &words[i];
            if is_content(language, word) {
                terms.push(Term {
                    word: word.clone(),
                    stem: stems[i].clone(),
                    concept: self.concept_of_stem(language, &stems[i]).or_else(|| {
                        unstressed(language, &stems[i])
                            .find_map(|stem| self.concept_of_stem(language, &stem))
                    }),
                });
            }
            i += 1;
        }
        terms
    }

    /// The concept a single (already folded) word names, if any.
    pub fn concept_of(&self, language: Language, word: &str) -> Option<&'static str> {
        self.concept_of_stem(language, &self.stem(language, word))
    }

    /// Whether `word` (folded, or words joined by a space) names a place of
    /// `PLACES`.
    pub fn is_place(&self, word: &str) -> bool {
        self.places.contains(word)
    }

    /// The words this analyzer knows in `language` without any article
    /// (see `vocabulary`).
    pub fn vocabulary(&self, language: Language) -> &[String] {
        let index = Language::ALL
            .iter()
            .position(|l| *l == language)
            .unwrap_or(0);
        &self.vocabulary[index]
    }

    /// Whether `stem` is one of the everyday words in `COMMON`.
    pub fn is_common(&self, language: Language, stem: &str) -> bool {
        self.common.contains(&(language, stem.to_owned()))
    }

    /// The concept a stem names, if any.
    pub fn concept_of_stem(&self, language: Language, stem: &str) -> Option<&'static str> {
        self.concepts.get(&(language, stem.to_owned())).copied()
    }

    /// The Snowball stem of one folded word, folded again. Snowball's
    /// Spanish and Portuguese suffixes carry accents ("-ción", "-ções"), so
    /// the endings that lose them when folded get them back first: with
    /// and without accents, "devolución", "devolucion" and "devoluciones"
    /// meet on one stem, and so do "vendéis", "vendeis" and "vender".
    /// English names for who practises a field become the field first
    /// ("dermatologist", "dermatology"), which Snowball leaves apart.
    pub fn stem(&self, language: Language, word: &str) -> String {
        let (stemmer, endings): (&Stemmer, &[(&str, &str)]) = match language {
            Language::En => (&self.stemmers[0], EN_ENDINGS),
            Language::Es => (&self.stemmers[1], ES_ENDINGS),
            Language::Pt => (&self.stemmers[2], PT_ENDINGS),
        };
        let accented = endings.iter().find_map(|(plain, accented)| {
            word.strip_suffix(plain)
                .map(|start| format!("{start}{accented}"))
        });
        fold(&stemmer.stem(accented.as_deref().unwrap_or(word)))
    }

    /// A lexicon entry's stems: all its words for a phrase, only a content
    /// word for a single word.
    fn stems(&self, language: Language, phrase: &str) -> Vec<String> {
        let words = words(language, phrase);
        if words.len() == 1 && !is_content(language, &words[0]) {
            return Vec::new();
        }
        self.keys(language, &words)
    }

    /// What each word of a phrase is matched by: the stem of a content
    /// word, a stop word as written. Stems of stop words meet content
    /// words' ("como" and "comida" are both "com" in Portuguese), so "a
    /// comida chegou" would read as "como chegar", how to get here.
    fn keys(&self, language: Language, words: &[String]) -> Vec<String> {
        words
            .iter()
            .map(|word| {
                if is_content(language, word) {
                    self.stem(language, word)
                } else {
                    word.clone()
                }
            })
            .collect()
    }
}

impl Analyzer {
    /// The analyzer every knowledge base of this thread shares. Making one
    /// stems the whole lexicon (milliseconds), which a conversation object
    /// should not pay for again each time it reads its channel's articles.
    pub fn shared() -> Rc<Analyzer> {
        thread_local! {
            static SHARED: Rc<Analyzer> = Rc::new(Analyzer::new());
        }
        SHARED.with(Rc::clone)
    }
}

impl Default for Analyzer {
    fn default() -> Analyzer {
        Analyzer::new()
    }
}

/// Lower case with the accents of Spanish and Portuguese (and the odd
/// French or German letter) taken off, so that visitors who type without
/// them are understood.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'ý' | 'ÿ' => 'y',
            // Apostrophes join ("don't" → "dont") rather than split.
            '’' | '\'' => '\u{0}',
            other => other,
        })
        .filter(|c| *c != '\u{0}')
        .collect()
}

/// Words that lead into a sentence without changing what it does.
const CONNECTIVES: &[&str] = &[
    "so", "and", "but", "also", "then", "ok", "okay", "well", "anyway", "pues", "y", "pero",
    "entonces", "bueno", "vale", "e", "mas", "entao", "tipo", "ah", "oh",
];

/// How a question without its question mark opens, folded (see
/// [`opens_a_question`]). Spanish and Portuguese messages are also read
/// with the English ones, which visitors mix in.
const EN_OPENERS: &[&str] = &[
    "how",
    "what",
    "whats",
    "when",
    "where",
    "wheres",
    "which",
    "who",
    "whom",
    "whose",
    "why",
    "can",
    "cant",
    "could",
    "do you",
    "do i",
    "do we",
    "do they",
    "dont you",
    "does",
    "doesnt",
    "did",
    "is",
    "isnt",
    "are",
    "arent",
    "will",
    "would",
    "should",
    "shall",
    "may",
    "have you",
    "have i",
    "have we",
    "have they",
    "has",
    "any",
    "i want to know",
    "i would like to know",
    "id like to know",
    "i wanted to know",
    "i need to know",
    "i wonder",
    "i was wondering",
    "tell me",
    "please tell me",
    "is there",
    "are there",
];
const ES_OPENERS: &[&str] = &[
    "como",
    "que",
    "cuando",
    "donde",
    "adonde",
    "cual",
    "cuales",
    "cuanto",
    "cuanta",
    "cuantos",
    "cuantas",
    "quien",
    "quienes",
    "por que",
    "puedo",
    "puede",
    "pueden",
    "podria",
    "podrian",
    "podemos",
    "se puede",
    "hay",
    "tienen",
    "teneis",
    "aceptan",
    "existe",
    "es posible",
    "quiero saber",
    "quisiera saber",
    "queria saber",
    "me gustaria saber",
    "necesito saber",
    "dime",
    "digame",
    "me podeis",
    "me pueden",
    "me puede",
];
const PT_OPENERS: &[&str] = &[
    "como",
    "que",
    "o que",
    "quando",
    "onde",
    "aonde",
    "qual",
    "quais",
    "quanto",
    "quanta",
    "quantos",
    "quantas",
    "quem",
    "por que",
    "porque",
    "posso",
    "pode",
    "podem",
    "poderia",
    "podemos",
    "da para",
    "tem",
    "existe",
    "aceitam",
    "voces",
    "possivel",
    "quero saber",
    "queria saber",
    "gostaria de saber",
    "preciso saber",
    "me diga",
    "me digam",
    "diga me",
];

/// The shortest known word a typo is corrected to: shorter ones are one
/// letter away from too many others.
const TYPO_TARGET: usize = 5;

/// Greetings, small talk and the polite words around a question, of
/// several words, which ask nothing: the "días" of "buenos días" is not the
/// days of a delivery time, nor the "llamas" of "¿cómo te llamas?" a call,
/// nor the "advance" of "thanks in advance" a booking ahead.
const GREETINGS: &[&str] = &[
    "have a nice day",
    "have a good day",
    "have a great day",
    "have a nice weekend",
    "have a good weekend",
    "have a great weekend",
    "have a good one",
    "have a nice evening",
    "have a good evening",
    "tengas un buen dia",
    "tenga un buen dia",
    "tengan un buen dia",
    "tengais un buen dia",
    "tengas buen dia",
    "tenga buen dia",
    "tengan buen dia",
    "feliz dia",
    "tenha um bom dia",
    "tenham um bom dia",
    "tenha uma boa tarde",
    "tenham uma boa tarde",
    "good morning",
    "good afternoon",
    "good evening",
    "good night",
    "quick question",
    "hope you are well",
    "hope all is well",
    "hope you re well",
    "many thanks",
    "thanks a lot",
    "kind regards",
    "best regards",
    "best wishes",
    "sorry to bother",
    "excuse me",
    "hey guys",
    "hi guys",
    "hello guys",
    "hi team",
    "hello team",
    "dear sir",
    "dear madam",
    "disculpa la molestia",
    "disculpad la molestia",
    "disculpe la molestia",
    "perdon por la molestia",
    "perdona la molestia",
    "siento molestar",
    "gracias por todo",
    "saludos cordiales",
    "muy amables",
    "muchas gracias",
    "un saludo",
    "desculpem o incomodo",
    "desculpe o incomodo",
    "desculpa o incomodo",
    "peco desculpa",
    "obrigada pela atencao",
    "obrigado pela atencao",
    "obrigada pela ajuda",
    "obrigado pela ajuda",
    "cordiais cumprimentos",
    "melhores cumprimentos",
    "thanks in advance",
    "thank you in advance",
    "information about",
    "info about",
    "de antemano",
    "desde ya",
    "informacion sobre",
    "desde ja",
    "informacao sobre",
    "informacoes sobre",
    "a question",
    "one question",
    "another question",
    "una pregunta",
    "otra pregunta",
    "una duda",
    "una consulta",
    "uma duvida",
    "uma pergunta",
    "outra pergunta",
    "uma questao",
    "your name",
    "buenos dias",
    "buen dia",
    "buenas tardes",
    "buenas noches",
    "te llamas",
    "tu nombre",
    "bom dia",
    "boa tarde",
    "boa noite",
    "te chamas",
    "teu nome",
    "se chama",
];

/// Whether a sentence written without a question mark opens as a question
/// does ("how long does shipping take", "cuánto cuesta", "vocês entregam
/// em Lisboa") or asks to be told ("I'd like to know …", "quisiera
/// saber …"), after any connective ("so", "pues", "então"). A visitor who
/// gives some context first and leaves out the `?` still asks in that
/// sentence.
pub fn opens_a_question(language: Language, sentence: &str) -> bool {
    let words = words(language, sentence);
    let start = words
        .iter()
        .position(|word| !CONNECTIVES.contains(&word.as_str()))
        .unwrap_or(words.len());
    let words = &words[start..];
    let openers: &[&str] = match language {
        Language::En => &[],
        Language::Es => ES_OPENERS,
        Language::Pt => PT_OPENERS,
    };
    // An opener is followed by more: "how" alone asks nothing to answer.
    openers.iter().chain(EN_OPENERS).any(|opener| {
        let mut said = words.iter();
        opener
            .split(' ')
            .all(|o| said.next().is_some_and(|w| w == o))
            && said.next().is_some()
    })
}

/// The folded words of `text`, informal spellings written out (in
/// `language` and in English, which visitors mix in), nothing dropped.
pub fn words(language: Language, text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut out = Vec::new();
    for word in folded
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .flat_map(hyphenated)
    {
        match informal(language, &word) {
            Some(expansion) => out.extend(expansion.split(' ').map(str::to_owned)),
            None => out.push(word),
        }
    }
    out
}

/// The words of a hyphenated token: a short first part joins the next
/// ("Wi-Fi" and "wifi", "e-mail" and "email" are one word), other parts
/// stand apart ("click-and-collect", and Portuguese "reinicie-o").
fn hyphenated(token: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut prefix = String::new();
    for part in token.split('-').filter(|p| !p.is_empty()) {
        prefix.push_str(part);
        if part.chars().count() > 2 || prefix.len() > part.len() {
            words.push(std::mem::take(&mut prefix));
        }
    }
    if !prefix.is_empty() {
        words.push(prefix);
    }
    words
}

/// A Spanish verb's stressed stem with its vowel as the infinitive has it:
/// "devuelvo" and "devolver", "quiero" and "querer", "cierra" and "cerrar"
/// stem apart, so a question with one form finds an article with the other.
/// Retrieval tries it only on a stem no article has, and the lexicon only
/// on a word it does not know, since "cuenta" (an account) and "contar" (to
/// count) are different words.
pub fn unstressed(language: Language, stem: &str) -> impl Iterator<Item = String> + '_ {
    let pairs: &[(&str, &str)] = match language {
        Language::Es => &[("ue", "o"), ("ie", "e")],
        Language::En | Language::Pt => &[],
    };
    pairs.iter().flat_map(move |(stressed, plain)| {
        stem.match_indices(stressed)
            .map(move |(at, _)| format!("{}{plain}{}", &stem[..at], &stem[at + stressed.len()..]))
    })
}

/// Whether `word` (folded) is a number, in digits or in words up to ten:
/// "two codes" and "2 codes" ask the same.
pub fn is_number(language: Language, word: &str) -> bool {
    let words: &[&str] = match language {
        Language::En => &[
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        ],
        Language::Es => &[
            "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
        ],
        Language::Pt => &[
            "dois", "duas", "tres", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez",
        ],
    };
    word.chars().any(|c| c.is_ascii_digit()) || words.contains(&word)
}

/// The key a concept is indexed under, beside the stems.
pub fn concept_key(concept: &str) -> String {
    format!("~{concept}")
}

/// Whether `word` counts for retrieval: not a stop word of `language` (or
/// of English), and not a single letter.
pub fn is_content(language: Language, word: &str) -> bool {
    (word.chars().count() > 1 || word.chars().all(|c| c.is_ascii_digit()))
        && !is_stop(language, word)
}

/// Whether `word` (folded) carries no meaning of its own for retrieval.
pub fn is_stop(language: Language, word: &str) -> bool {
    own_stop_words(language).contains(&word)
        || (language != Language::En && EN_STOP.contains(&word))
}

/// The stop words of `language` itself (Spanish and Portuguese messages
/// also drop English ones, which visitors mix in; see [`is_stop`]).
fn own_stop_words(language: Language) -> &'static [&'static str] {
    match language {
        Language::En => EN_STOP,
        Language::Es => ES_STOP,
        Language::Pt => PT_STOP,
    }
}

/// How visitors shorten words in chat, written out.
fn informal(language: Language, word: &str) -> Option<&'static str> {
    let common = match word {
        "u" => Some("you"),
        "ur" => Some("your"),
        "pls" | "plz" | "plis" => Some("please"),
        "thx" | "thnx" | "ty" => Some("thanks"),
        "wanna" => Some("want to"),
        "gonna" => Some("going to"),
        "gotta" => Some("got to"),
        "cant" => Some("can not"),
        "wont" => Some("will not"),
        "dont" => Some("do not"),
        "doesnt" => Some("does not"),
        "didnt" => Some("did not"),
        "isnt" => Some("is not"),
        "im" => Some("i am"),
        "ive" => Some("i have"),
        "msg" => Some("message"),
        "info" => Some("information"),
        "acct" => Some("account"),
        "pwd" | "passwd" => Some("password"),
        "asap" => Some("soon"),
        "wheres" => Some("where is"),
        "amex" => Some("american express"),
        // Irregular English verbs, which Snowball leaves alone.
        "sent" => Some("send"),
        "bought" => Some("buy"),
        "paid" => Some("pay"),
        "broke" | "broken" => Some("break"),
        "sold" => Some("sell"),
        "lost" => Some("lose"),
        "stolen" | "stole" => Some("steal"),
        "chose" | "chosen" => Some("choose"),
        "wore" | "worn" => Some("wear"),
        "left" => Some("leave"),
        "told" => Some("tell"),
        "found" => Some("find"),
        "kept" => Some("keep"),
        "forgot" | "forgotten" => Some("forget"),
        "spent" => Some("spend"),
        "shipped" => Some("ship"),
        "hows" => Some("how is"),
        "r" => Some("are"),
        "wat" | "wut" | "wht" => Some("what"),
        "cuz" | "coz" | "bc" | "bcuz" => Some("because"),
        "cud" => Some("could"),
        "wud" => Some("would"),
        "shud" => Some("should"),
        _ => None,
    };
    let own = match (language, word) {
        (Language::Es, "q" | "k" | "ke" | "qe") => Some("que"),
        (Language::Es, "xq" | "pq" | "porq" | "xk" | "pk") => Some("porque"),
        (Language::Es, "tb" | "tmb" | "tbn") => Some("tambien"),
        (Language::Es, "x") => Some("por"),
        (Language::Es, "d") => Some("de"),
        (Language::Es, "xfa" | "porfa" | "plis") => Some("por favor"),
        (Language::Es, "info") => Some("informacion"),
        (Language::Es, "cel") => Some("celular"),
        (Language::Es, "dnd") => Some("donde"),
        (Language::Es, "pa" | "xa") => Some("para"),
        (Language::Es, "cdo" | "qdo") => Some("cuando"),
        (Language::Es, "finde") => Some("fin de semana"),
        (Language::Es, "plata") => Some("dinero"),
        (Language::Pt, "vc" | "vcs" | "ce") => Some("voce"),
        (Language::Pt, "q") => Some("que"),
        (Language::Pt, "pq" | "pk") => Some("porque"),
        (Language::Pt, "tb" | "tbm") => Some("tambem"),
        (Language::Pt, "n" | "naum" | "nn") => Some("nao"),
        (Language::Pt, "ta" | "tah") => Some("esta"),
        (Language::Pt, "pra" | "pro") => Some("para"),
        (Language::Pt, "cmg") => Some("comigo"),
        (Language::Pt, "qdo" | "qnd" | "qndo" | "qnado") => Some("quando"),
        (Language::Pt, "qto" | "qnto") => Some("quanto"),
        (Language::Pt, "to") => Some("estou"),
        (Language::Pt, "oq") => Some("o que"),
        (Language::Pt, "msm") => Some("mesmo"),
        (Language::Pt, "agr") => Some("agora"),
        (Language::Pt, "dps") => Some("depois"),
        (Language::Pt, "kd") => Some("onde esta"),
        (Language::Pt, "vlw") => Some("valeu"),
        (Language::Pt, "td") => Some("tudo"),
        (Language::Pt, "cade") => Some("onde esta"),
        (Language::Pt, "blz") => Some("beleza"),
        (Language::Pt, "hj") => Some("hoje"),
        (Language::Pt, "info") => Some("informacao"),
        (Language::Pt, "obg" | "brigado") => Some("obrigado"),
        _ => None,
    };
    own.or(common)
}

/// The longest phrase of the lexicon, in words.
const PHRASE_WORDS: usize = 4;

/// Folded endings and their accented spelling, for the stemmers.
const EN_ENDINGS: &[(&str, &str)] = &[
    ("ologists", "ology"),
    ("ologist", "ology"),
    ("iatricians", "iatrics"),
    ("iatrician", "iatrics"),
    ("therapists", "therapy"),
    ("therapist", "therapy"),
];
const ES_ENDINGS: &[(&str, &str)] = &[
    ("cion", "ción"),
    ("sion", "sión"),
    // "-asteis", "-isteis" ("mandasteis") have no accent to give back.
    ("steis", "steis"),
    ("ais", "áis"),
    ("eis", "éis"),
];
const PT_ENDINGS: &[(&str, &str)] = &[
    ("coes", "ções"),
    ("cao", "ção"),
    ("soes", "sões"),
    ("sao", "são"),
];

const EN_STOP: &[&str] = &[
    "a",
    "able",
    "about",
    "above",
    "actually",
    "after",
    "again",
    "all",
    "already",
    "also",
    "always",
    "am",
    "an",
    "and",
    "another",
    "any",
    "anybody",
    "anything",
    "anyway",
    "are",
    "around",
    "as",
    "ask",
    "asked",
    "asking",
    "at",
    "basically",
    "be",
    "because",
    "been",
    "before",
    "being",
    "bit",
    "both",
    "but",
    "by",
    "came",
    "can",
    "cheers",
    "come",
    "comes",
    "coming",
    "could",
    "dear",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "during",
    "each",
    "either",
    "else",
    "enough",
    "etc",
    "even",
    "ever",
    "every",
    "everything",
    "explain",
    "few",
    "folks",
    "for",
    "from",
    "further",
    "gave",
    "get",
    "gets",
    "getting",
    "give",
    "gives",
    "go",
    "goes",
    "going",
    "gone",
    "good",
    "got",
    "gotten",
    "great",
    "guys",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hello",
    "help",
    "her",
    "here",
    "hers",
    "hey",
    "hi",
    "him",
    "his",
    "honestly",
    "how",
    "i",
    "id",
    "if",
    "ill",
    "im",
    "in",
    "information",
    "into",
    "is",
    "it",
    "its",
    "ive",
    "just",
    "kind",
    "know",
    "least",
    "less",
    "let",
    "like",
    "literally",
    "little",
    "lol",
    "look",
    "looking",
    "lot",
    "lots",
    "madam",
    "made",
    "make",
    "makes",
    "many",
    "may",
    "maybe",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "need",
    "needed",
    "needs",
    "nice",
    "no",
    "not",
    "nothing",
    "now",
    "of",
    "off",
    "often",
    "oh",
    "ok",
    "okay",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "perhaps",
    "please",
    "possible",
    "pretty",
    "put",
    "puts",
    "question",
    "questions",
    "quite",
    "rather",
    "really",
    "regards",
    "right",
    "said",
    "same",
    "saw",
    "say",
    "says",
    "see",
    "seen",
    "she",
    "should",
    "sir",
    "so",
    "some",
    "somebody",
    "something",
    "sometimes",
    "sort",
    "still",
    "stuff",
    "such",
    "sure",
    "take",
    "taken",
    "takes",
    "tell",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "thats",
    "theres",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "theyre",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "though",
    "thought",
    "through",
    "to",
    "too",
    "took",
    "um",
    "under",
    "understand",
    "until",
    "up",
    "us",
    "very",
    "want",
    "wanted",
    "wants",
    "was",
    "way",
    "we",
    "well",
    "went",
    "were",
    "weve",
    "what",
    "whats",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "wonder",
    "wondering",
    "would",
    "yeah",
    "yes",
    "yet",
    "you",
    "your",
    "youre",
    "yours",
    "yourself",
];

const ES_STOP: &[&str] = &[
    "a",
    "acaso",
    "ahi",
    "ahora",
    "al",
    "algo",
    "alguien",
    "algun",
    "alguna",
    "alguno",
    "alli",
    "ante",
    "aquello",
    "aqui",
    "asi",
    "atentamente",
    "aun",
    "ayuda",
    "ayudar",
    "bastante",
    "bien",
    "buen",
    "buenas",
    "bueno",
    "buenos",
    "cada",
    "como",
    "con",
    "cosa",
    "cosas",
    "cual",
    "cuales",
    "cuando",
    "cuanta",
    "cuantas",
    "cuanto",
    "cuantos",
    "dar",
    "de",
    "decir",
    "del",
    "desde",
    "dia",
    "dice",
    "dijo",
    "donde",
    "doy",
    "e",
    "el",
    "ella",
    "ellas",
    "ellos",
    "en",
    "entonces",
    "entre",
    "era",
    "es",
    "esa",
    "esas",
    "ese",
    "eso",
    "esos",
    "esta",
    "estamos",
    "estan",
    "estar",
    "estas",
    "este",
    "estimados",
    "esto",
    "estos",
    "estoy",
    "favor",
    "fue",
    "fui",
    "gracias",
    "gustaria",
    "ha",
    "habia",
    "hace",
    "hacer",
    "hago",
    "hay",
    "he",
    "hecho",
    "hizo",
    "hola",
    "informacion",
    "ir",
    "la",
    "las",
    "le",
    "les",
    "lo",
    "los",
    "mas",
    "me",
    "mi",
    "mio",
    "mis",
    "misma",
    "mismo",
    "mucha",
    "muchas",
    "mucho",
    "muchos",
    "muy",
    "nada",
    "ni",
    "no",
    "nos",
    "nosotros",
    "nuestra",
    "nuestro",
    "o",
    "os",
    "otra",
    "otro",
    "oye",
    "para",
    "pero",
    "poco",
    "podeis",
    "poder",
    "podria",
    "podriais",
    "podrian",
    "podrias",
    "poner",
    "por",
    "porque",
    "pregunta",
    "preguntar",
    "pregunto",
    "puede",
    "pueden",
    "puedes",
    "puedo",
    "saludo",
    "sido",
    "soy",
    "somos",
    "sois",
    "eres",
    "conmigo",
    "contigo",
    "podemos",
    "haceis",
    "hacen",
    "estais",
    "necesito",
    "necesitamos",
    "vais",
    "dais",
    "podriamos",
    "tenemos",
    "hacemos",
    "pues",
    "puse",
    "que",
    "queria",
    "quien",
    "quiero",
    "quisiera",
    "saber",
    "saludos",
    "se",
    "sea",
    "ser",
    "si",
    "siempre",
    "sin",
    "sobre",
    "solo",
    "son",
    "su",
    "sus",
    "suyo",
    "tal",
    "tambien",
    "tan",
    "te",
    "teneis",
    "tengo",
    "tiene",
    "tienen",
    "tienes",
    "toda",
    "todas",
    "todavia",
    "todo",
    "todos",
    "tu",
    "tus",
    "tuyo",
    "u",
    "un",
    "una",
    "uno",
    "unos",
    "usted",
    "ustedes",
    "va",
    "vale",
    "vamos",
    "vas",
    "veces",
    "veo",
    "ver",
    "vez",
    "vosotros",
    "voy",
    "vuestra",
    "vuestras",
    "vuestro",
    "vuestros",
    "y",
    "ya",
    "yo",
];

const PT_STOP: &[&str] = &[
    "a",
    "agora",
    "ai",
    "ainda",
    "ajuda",
    "ajudar",
    "algo",
    "alguem",
    "algum",
    "alguma",
    "ali",
    "ao",
    "aos",
    "aqui",
    "as",
    "assim",
    "ate",
    "atenciosamente",
    "beleza",
    "bem",
    "boa",
    "bom",
    "cada",
    "caros",
    "coisa",
    "coisas",
    "com",
    "como",
    "cumprimentos",
    "da",
    "dar",
    "das",
    "de",
    "desde",
    "dia",
    "disse",
    "dizer",
    "do",
    "dos",
    "e",
    "ela",
    "elas",
    "ele",
    "eles",
    "em",
    "entao",
    "entre",
    "era",
    "essa",
    "essas",
    "esse",
    "esses",
    "esta",
    "estamos",
    "estao",
    "estar",
    "estas",
    "este",
    "estes",
    "estou",
    "eu",
    "favor",
    "faz",
    "fazer",
    "feito",
    "fez",
    "foi",
    "gostaria",
    "ha",
    "informacao",
    "ir",
    "isso",
    "isto",
    "ja",
    "la",
    "lhe",
    "mais",
    "mas",
    "me",
    "mesma",
    "mesmo",
    "meu",
    "meus",
    "minha",
    "minhas",
    "muita",
    "muitas",
    "muito",
    "muitos",
    "na",
    "nada",
    "nao",
    "nas",
    "nem",
    "no",
    "nos",
    "nossa",
    "nosso",
    "num",
    "numa",
    "o",
    "obrigada",
    "obrigado",
    "oi",
    "ola",
    "onde",
    "os",
    "ou",
    "outra",
    "outro",
    "para",
    "pela",
    "pelo",
    "per",
    "pergunta",
    "perguntar",
    "pergunto",
    "pode",
    "podem",
    "poder",
    "poderia",
    "poderiam",
    "podia",
    "podiam",
    "pois",
    "por",
    "porque",
    "posso",
    "sido",
    "sobre",
    "sou",
    "somos",
    "sao",
    "comigo",
    "contigo",
    "connosco",
    "conosco",
    "podemos",
    "fazem",
    "preciso",
    "precisamos",
    "vao",
    "dao",
    "sei",
    "devo",
    "podiamos",
    "temos",
    "faco",
    "fazemos",
    "pouco",
    "pra",
    "quais",
    "qual",
    "quando",
    "quanta",
    "quantas",
    "quanto",
    "quantos",
    "que",
    "quem",
    "queria",
    "quero",
    "saber",
    "se",
    "sem",
    "sempre",
    "senhor",
    "senhora",
    "ser",
    "seu",
    "seus",
    "sim",
    "so",
    "sua",
    "suas",
    "tambem",
    "tem",
    "tenho",
    "ter",
    "teu",
    "tua",
    "tudo",
    "um",
    "uma",
    "uns",
    "vai",
    "ver",
    "vez",
    "vezes",
    "voce",
    "voces",
    "vou",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_first_part_joins_the_rest_of_a_hyphenated_word() {
        assert_eq!(
            words(Language::En, "Wi-Fi, e-mail or click-and-collect"),
            ["wifi", "email", "or", "click", "and", "collect"]
        );
        assert_eq!(words(Language::Pt, "reinicie-o"), ["reinicie", "o"]);
    }

    #[test]
    fn a_sentence_opening_as_a_question_asks_without_its_mark() {
        for (language, asks) in [
            (Language::En, "so how long does shipping take"),
            (Language::En, "I'd like to know if you ship to Canada"),
            (Language::Es, "pues cuánto cuesta el envío"),
            (Language::Es, "quisiera saber si abren el domingo"),
            (Language::Es, "Por qué me cobraron dos veces"),
            (Language::Pt, "vocês entregam em Lisboa"),
            (Language::Pt, "o que acontece se eu cancelar"),
            (Language::Pt, "é possível pagar em prestações"),
            (Language::Pt, "what time do you open"),
        ] {
            assert!(opens_a_question(language, asks), "{asks}");
        }
        for (language, tells) in [
            (Language::En, "I bought a lamp from you last week"),
            (Language::En, "how"),
            (Language::Es, "tengo un problema con mi pedido"),
            (Language::Pt, "o pedido chegou partido"),
        ] {
            assert!(!opens_a_question(language, tells), "{tells}");
        }
    }

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(
            fold("¿Cuánto cuesta el ENVÍO a São Paulo?"),
            "¿cuanto cuesta el envio a sao paulo?"
        );
        assert_eq!(fold("Don't"), "dont");
    }

    #[test]
    fn informal_spellings_are_written_out() {
        assert_eq!(
            words(Language::Es, "xq no llega mi pedido q pedi"),
            ["porque", "no", "llega", "mi", "pedido", "que", "pedi"]
        );
        assert_eq!(
            words(Language::Pt, "vc tb entrega"),
            ["voce", "tambem", "entrega"]
        );
        assert_eq!(
            words(Language::En, "can u ship pls"),
            ["can", "you", "ship", "please"]
        );
        assert_eq!(
            words(Language::En, "wat r ur hours"),
            ["what", "are", "your", "hours"]
        );
        assert_eq!(
            words(Language::Es, "cuanto tarda pa llegar"),
            ["cuanto", "tarda", "para", "llegar"]
        );
        assert_eq!(
            words(Language::Pt, "qdo chega? to esperando"),
            ["quando", "chega", "estou", "esperando"]
        );
    }

    #[test]
    fn the_same_word_with_and_without_accents_meets_on_one_stem() {
        let analyzer = Analyzer::new();
        let stems_in = |language, text| -> Vec<String> {
            analyzer
                .terms(language, text)
                .into_iter()
                .map(|t| t.stem)
                .collect()
        };
        let stems = |text| stems_in(Language::Es, text);
        assert_eq!(stems("envío"), stems("envio"));
        assert_eq!(stems("devoluciones"), stems("devolución"));
        // Spain's "vosotros" verbs: "¿vendéis?" typed without its accent
        // still finds "vender".
        assert_eq!(stems("vendeis"), stems("vender"));
        assert_eq!(stems("enviais"), stems("enviar"));
        assert_eq!(stems("pais"), stems("país"));
        assert_eq!(stems("mandasteis"), stems("mandar"));
        let pt = stems_in(Language::Pt, "entregas entrega");
        assert_eq!(pt[0], pt[1]);
        // Who practises a field meets the field.
        let en = |text| stems_in(Language::En, text);
        assert_eq!(en("dermatologist"), en("dermatology"));
        assert_eq!(en("paediatrician"), en("paediatrics"));
        assert_eq!(en("physiotherapists"), en("physiotherapy"));
    }

    #[test]
    fn no_word_of_the_lexicon_names_two_concepts() {
        // A stem maps to one concept only (the first that names it), so a
        // word listed under two would silently belong to one of them.
        let analyzer = Analyzer::new();
        let mut twice = Vec::new();
        for concept in CONCEPTS {
            for (language, phrases) in Language::ALL.into_iter().zip(concept.words) {
                for phrase in phrases.iter() {
                    let stems = analyzer.stems(language, phrase);
                    let named = analyzer.concepts.get(&(language, stems.join(" ")));
                    if !stems.is_empty() && named != Some(&concept.name) {
                        twice.push(format!(
                            "{phrase:?} ({language:?}) in {} and {named:?}",
                            concept.name
                        ));
                    }
                }
            }
        }
        // An everyday word that stems like a concept's word would stand
        // for that concept ("mal", badly, is not "malas", suitcases).
        for (language, words) in Language::ALL.into_iter().zip(COMMON) {
            for word in words {
                let stem = analyzer.stem(language, &fold(word));
                if let Some(concept) = analyzer.concept_of_stem(language, &stem) {
                    twice.push(format!("{word:?} ({language:?}) everyday and in {concept}"));
                }
            }
        }
        assert!(twice.is_empty(), "{twice:#?}");
    }

    #[test]
    fn places_are_known_whole_and_everyday_words_apart() {
        let analyzer = Analyzer::new();
        let terms = analyzer.terms(Language::Es, "¿Enviáis a Estados Unidos mañana?");
        let united = &terms[1];
        assert_eq!(united.word, "estados unidos");
        assert!(analyzer.is_place(&united.word));
        // "viene" (comes) stems like "Viena" (Vienna), and is no place.
        assert!(!analyzer.is_place("viene") && analyzer.is_place("viena"));
        assert!(analyzer.is_common(Language::Es, &terms[2].stem));
        assert!(!analyzer.is_common(Language::Es, &terms[0].stem));
        let pt = analyzer.terms(Language::Pt, "a palavra-passe do Wi-Fi");
        assert_eq!(pt[0].concept, Some("login"));
        // A phrase's stop words match as written: "comida" and "como"
        // share a Portuguese stem, but the food arriving is no directions.
        let concepts = |text| -> Vec<Option<&str>> {
            analyzer
                .terms(Language::Pt, text)
                .into_iter()
                .map(|t| t.concept)
                .collect()
        };
        assert_eq!(concepts("como chegar"), [Some("location")]);
        assert!(!concepts("a comida chegou fria").contains(&Some("location")));
        // A stressed Spanish verb the lexicon lists as its infinitive.
        let es = analyzer.terms(Language::Es, "¿cómo devuelvo un jersey?");
        assert_eq!(es[0].concept, Some("return"));
        assert!(is_number(Language::En, "two") && is_number(Language::Pt, "duas"));
        assert!(is_number(Language::Es, "2") && !is_number(Language::Es, "dosis"));
    }

    #[test]
    fn a_visitors_yes_and_thanks_leave_nothing_to_look_up() {
        // What the widget's "Yes" under an answer sends, in each language:
        // the assistant stays quiet on it.
        let analyzer = Analyzer::new();
        for (language, text) in [
            (Language::En, "Yes, thanks!"),
            (Language::Es, "Sí, gracias"),
            (Language::Pt, "Sim, obrigado!"),
        ] {
            assert!(analyzer.terms(language, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn stop_words_are_dropped_and_concepts_cross_languages() {
        let analyzer = Analyzer::new();
        let en = analyzer.terms(Language::En, "How do I get my money back?");
        assert_eq!(en.len(), 1, "{en:?}");
        assert_eq!(en[0].concept, Some("refund"));
        let es = analyzer.terms(Language::Es, "quiero un reembolso");
        assert_eq!(es.len(), 1);
        assert_eq!(es[0].concept, Some("refund"));
        let pt = analyzer.terms(Language::Pt, "como faço o estorno");
        assert!(pt.iter().any(|t| t.concept == Some("refund")), "{pt:?}");
        // Words visitors use for the same device or trouble.
        assert_eq!(analyzer.concept_of(Language::Es, "módem"), Some("router"));
        assert_eq!(analyzer.concept_of(Language::En, "laggy"), Some("slow"));
        assert_eq!(analyzer.concept_of(Language::Es, "lentísimo"), Some("slow"));
    }
}
