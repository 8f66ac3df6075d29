//! The AI assistant's pure logic, shared by the edge (which answers
//! visitors with it) and `cargo xtask eval-ai` (which scores it): the
//! knowledge base and its retrieval, and when to hand a conversation to a
//! person. No I/O and no clock: callers pass articles and turns in.

pub mod common;
pub mod concepts;
pub mod eval;
pub mod generate;
pub mod handoff;
pub mod knowledge;
pub mod places;
pub mod text;
pub mod words;

pub use handoff::{detect, Reason, Speaker, Turn};
pub use knowledge::{Answer, Article, Hit, KnowledgeBase, Reply};
