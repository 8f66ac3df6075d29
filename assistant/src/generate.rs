//! Writing an answer with a language model, kept to what the knowledge base
//! says. Any OpenAI-compatible chat-completions endpoint will do (hosted
//! APIs, Cloudflare Workers AI's compatible endpoint, a local server); the
//! edge does the I/O, and this module holds what can be decided without it:
//! the request, which gives the model the retrieved article and nothing
//! else; the reader of the server-sent events it streams back; and the
//! check that what it wrote stands on the article before anyone stores it.
//! An answer that fails the check is replaced by the article's passage.

use charla_shared::channel::Language;
use serde::{Deserialize, Serialize};

use crate::text::Analyzer;

/// What the model is told to write when the article does not answer the
/// question.
pub const NOT_IN_ARTICLE: &str = "NOT_IN_ARTICLE";

/// How much of the article the model reads, in characters.
pub const MAX_ARTICLE_CHARS: usize = 6_000;

/// A chat-completions request, streamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<ChatMessage>,
    pub stream: bool,
    pub temperature: f32,
    pub max_tokens: u32,
}

/// One message of a chat-completions request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

/// What a stream said, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// More of the answer's text.
    Text(String),
    /// The model finished.
    Done,
}

/// Why a stream cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    /// The endpoint reported an error inside the stream.
    #[error("the model reported an error: {0}")]
    Reported(String),
    /// A line was not a chat-completions chunk.
    #[error("the stream is not chat-completions events: {0}")]
    Malformed(String),
}

/// Reads a chat-completions stream: bytes in as they arrive (a chunk may
/// end anywhere, even inside a character), events out once their line is
/// complete.
#[derive(Debug, Default)]
pub struct Events {
    pending: Vec<u8>,
}

/// The request for `model` to answer `question` in `language` from one
/// article: its title and its body (cut at [`MAX_ARTICLE_CHARS`]).
pub fn request(
    model: &str,
    language: Language,
    question: &str,
    title: &str,
    body: &str,
) -> ChatRequest {
    let body: String = body.chars().take(MAX_ARTICLE_CHARS).collect();
    let system = format!(
        "You answer a customer's question in a shop's live chat, using only the \
         article below. Write in {language}, in at most three short sentences, \
         plainly and politely, without greeting. Do not add anything the article \
         does not say: no other prices, dates, names or promises. If the article \
         does not answer the question, write exactly {NOT_IN_ARTICLE} and nothing else.",
        language = language_name(language),
    );
    let user = format!("Article: {title}\n\n{body}\n\nQuestion: {question}");
    ChatRequest {
        model: model.to_owned(),
        messages: vec![
            ChatMessage {
                role: "system".into(),
                content: system,
            },
            ChatMessage {
                role: "user".into(),
                content: user,
            },
        ],
        stream: true,
        temperature: 0.2,
        max_tokens: 300,
    }
}

impl Events {
    /// Takes the next bytes of the stream; returns the events whose lines
    /// they completed.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<Event>, StreamError> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            if let Some(event) = event(line.trim_end_matches(['\n', '\r']))? {
                events.push(event);
            }
        }
        Ok(events)
    }
}

/// Whether `answer` stands on the article: it is not the model's "not in
/// the article", every number in it is in the article, and most of its
/// content words (or their concepts) are the article's.
pub fn grounded(analyzer: &Analyzer, language: Language, answer: &str, article: &str) -> bool {
    let answer = answer.trim();
    if answer.is_empty() || answer.contains(NOT_IN_ARTICLE) {
        return false;
    }
    let numbers_in = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let known_numbers = numbers_in(article);
    if numbers_in(answer)
        .iter()
        .any(|n| !known_numbers.contains(n))
    {
        return false;
    }
    let known = analyzer.terms(language, article);
    let terms = analyzer.terms(language, answer);
    if terms.is_empty() {
        return false;
    }
    let found = terms
        .iter()
        .filter(|t| {
            known
                .iter()
                .any(|k| k.stem == t.stem || (t.concept.is_some() && k.concept == t.concept))
        })
        .count();
    found * 10 >= terms.len() * GROUNDED_TENTHS
}

/// The share of an answer's content words, in tenths, that must come from
/// the article.
const GROUNDED_TENTHS: usize = 7;

/// One line of the stream as an event; `None` for lines that carry none
/// (blank lines between events, comments, other fields, a chunk with no
/// text such as the first one, which only names the role).
fn event(line: &str) -> Result<Option<Event>, StreamError> {
    let Some(data) = line.strip_prefix("data:") else {
        return Ok(None);
    };
    let data = data.trim();
    if data == "[DONE]" {
        return Ok(Some(Event::Done));
    }
    let chunk: Chunk =
        serde_json::from_str(data).map_err(|e| StreamError::Malformed(e.to_string()))?;
    if let Some(error) = chunk.error {
        return Err(StreamError::Reported(error.message));
    }
    let text: String = chunk
        .choices
        .into_iter()
        .filter_map(|choice| choice.delta.and_then(|delta| delta.content))
        .collect();
    Ok((!text.is_empty()).then_some(Event::Text(text)))
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    error: Option<ReportedError>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Delta>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct ReportedError {
    #[serde(default)]
    message: String,
}

fn language_name(language: Language) -> &'static str {
    match language {
        Language::En => "English",
        Language::Es => "Spanish",
        Language::Pt => "Portuguese",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "Orders placed before 14:00 leave the warehouse the same day. \
        Delivery takes 2 to 3 working days in the mainland and is free above 50 euros.";

    #[test]
    fn the_request_gives_the_model_the_article_and_the_rule() {
        let request = request(
            "m",
            Language::Es,
            "¿cuándo llega?",
            "Plazos",
            &"x".repeat(10_000),
        );
        assert!(request.stream);
        assert_eq!(request.model, "m");
        assert!(request.messages[0].content.contains("Spanish"));
        assert!(request.messages[0].content.contains(NOT_IN_ARTICLE));
        let user = &request.messages[1].content;
        assert!(user.starts_with("Article: Plazos\n\n"));
        assert!(user.ends_with("Question: ¿cuándo llega?"));
        assert!(user.len() < MAX_ARTICLE_CHARS + 100, "the article is cut");
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["messages"][1]["role"], "user");
        assert_eq!(json["stream"], true);
    }

    #[test]
    fn a_stream_is_read_whatever_its_chunks_cut() {
        let stream = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n\
            : keep-alive\n\n\
            data: {\"choices\":[{\"delta\":{\"content\":\"Llega en \"}}]}\r\n\r\n\
            data: {\"choices\":[{\"delta\":{\"content\":\"2 días ✓\"},\"finish_reason\":null}]}\n\n\
            data: [DONE]\n\n";
        let whole = {
            let mut events = Events::default();
            events.push(stream.as_bytes()).unwrap()
        };
        assert_eq!(
            whole,
            [
                Event::Text("Llega en ".into()),
                Event::Text("2 días ✓".into()),
                Event::Done
            ]
        );
        // Byte by byte, through the middle of "í" and "✓": the same events.
        let mut events = Events::default();
        let mut bytewise = Vec::new();
        for byte in stream.as_bytes() {
            bytewise.extend(events.push(&[*byte]).unwrap());
        }
        assert_eq!(bytewise, whole);
    }

    #[test]
    fn errors_inside_a_stream_are_errors() {
        let mut events = Events::default();
        assert_eq!(
            events.push(b"data: {\"error\":{\"message\":\"overloaded\"}}\n"),
            Err(StreamError::Reported("overloaded".into()))
        );
        let mut events = Events::default();
        assert!(matches!(
            events.push(b"data: <html>\n"),
            Err(StreamError::Malformed(_))
        ));
    }

    #[test]
    fn only_an_answer_that_stands_on_the_article_is_grounded() {
        let analyzer = Analyzer::new();
        let grounded = |answer| grounded(&analyzer, Language::En, answer, ARTICLE);
        assert!(grounded(
            "Delivery takes 2 to 3 working days, and it is free above 50 euros."
        ));
        assert!(grounded(
            "If you order before 14:00, it leaves the warehouse that day."
        ));
        assert!(!grounded("Delivery takes 5 working days."), "a new number");
        assert!(
            !grounded("We deliver by drone to your balcony within an hour of ordering."),
            "words the article never uses"
        );
        assert!(!grounded(NOT_IN_ARTICLE));
        assert!(!grounded("  "));
        assert!(!grounded("Sure!"), "nothing of substance");
    }
}
