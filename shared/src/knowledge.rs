//! A channel's knowledge base on the wire: articles as the console edits,
//! imports and exports them, and the search hits the widget shows. The
//! retrieval itself is in the `charla-assistant` crate, which only the edge
//! and xtask link.

use serde::{Deserialize, Serialize};

use crate::channel::Language;
use crate::ids::ArticleSlug;
use crate::limits::{
    MAX_ARTICLES, MAX_ARTICLE_CHARS, MAX_ARTICLE_TAGS, MAX_ARTICLE_TITLE_CHARS,
    MAX_MODEL_KEY_CHARS, MAX_MODEL_NAME_CHARS, MAX_TAG_CHARS, MAX_URL_CHARS,
};
use crate::protocol::{ErrorCode, Problem};
use crate::transcript::escape_html;

/// One article in one language. The same slug in several languages is the
/// same article, translated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KbArticle {
    pub slug: ArticleSlug,
    pub language: Language,
    pub title: String,
    /// Markdown; shown as text with links, never as HTML.
    pub body: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Only published articles answer visitors and show on the help page.
    #[serde(default = "yes")]
    pub published: bool,
}

/// `PUT` to a channel's knowledge base: these articles are saved (added or
/// replacing the same slug and language); with `replace`, every other
/// article of the channel is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KbImport {
    pub articles: Vec<KbArticle>,
    #[serde(default)]
    pub replace: bool,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbImported {
    pub saved: usize,
    pub removed: usize,
}

/// An article a knowledge search found, for the widget's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbHit {
    pub slug: ArticleSlug,
    pub language: Language,
    pub title: String,
    /// The start of the article, as plain text.
    pub summary: String,
}

/// A published article as the widget opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbPage {
    pub slug: ArticleSlug,
    pub language: Language,
    pub title: String,
    pub body: String,
    /// The article on the channel's public help page.
    pub url: String,
}

/// A channel's own language model, which its assistant writes with instead
/// of the installation's (`AI_BASE_URL`, `AI_MODEL`, `AI_API_KEY`): what an
/// admin sends. An empty base URL and model remove it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSettings {
    /// An OpenAI-compatible endpoint up to `/v1`.
    pub base_url: String,
    pub model: String,
    /// The key; `None` keeps the one saved. It is never sent back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

/// A channel's own language model as the console reads it: no key, only
/// whether one is saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelView {
    pub base_url: String,
    pub model: String,
    pub has_key: bool,
}

impl ModelSettings {
    /// Checks and trims the settings: both the address (`http` or
    /// `https`) and the model, or neither.
    pub fn validated(&self) -> Result<ModelSettings, Problem> {
        let base_url = self.base_url.trim().trim_end_matches('/');
        let model = self.model.trim();
        let api_key = self.api_key.as_deref().map(str::trim);
        if base_url.is_empty() && model.is_empty() {
            return Ok(ModelSettings {
                base_url: String::new(),
                model: String::new(),
                api_key: None,
            });
        }
        let web = base_url.starts_with("https://") || base_url.starts_with("http://");
        if !web
            || base_url.chars().count() > MAX_URL_CHARS
            || base_url.contains(char::is_whitespace)
        {
            return Err(invalid(format!(
                "The model's address must be an http(s) address of at most {MAX_URL_CHARS} characters, like https://api.openai.com/v1."
            )));
        }
        if model.is_empty() || model.chars().count() > MAX_MODEL_NAME_CHARS {
            return Err(invalid(format!(
                "Name the model in 1 to {MAX_MODEL_NAME_CHARS} characters."
            )));
        }
        if api_key.is_some_and(|k| k.chars().count() > MAX_MODEL_KEY_CHARS) {
            return Err(invalid(format!(
                "The model's key may have at most {MAX_MODEL_KEY_CHARS} characters."
            )));
        }
        Ok(ModelSettings {
            base_url: base_url.to_owned(),
            model: model.to_owned(),
            api_key: api_key.map(str::to_owned),
        })
    }
}

impl KbArticle {
    /// Reads the folder format: a file `<slug>.<lang>.md` whose first line
    /// is `# Title` and whose rest is the body (published, no tags).
    pub fn from_file(name: &str, text: &str) -> Result<KbArticle, Problem> {
        let bad_name = || {
            invalid(format!(
                "{name}: a file name must be <slug>.<lang>.md, with a slug of a-z, 0-9 and '-' and lang one of en, es, pt."
            ))
        };
        let stem = name.strip_suffix(".md").ok_or_else(bad_name)?;
        let (slug, lang) = stem.rsplit_once('.').ok_or_else(bad_name)?;
        let language = Language::from_tag(lang)
            .filter(|_| lang.len() == 2)
            .ok_or_else(bad_name)?;
        let slug = ArticleSlug::parse(slug).map_err(|_| bad_name())?;
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        let title = lines
            .next()
            .and_then(|line| line.strip_prefix("# "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                invalid(format!(
                    "{name}: the first line must be the title, as \"# Title\"."
                ))
            })?;
        Ok(KbArticle {
            slug,
            language,
            title: title.to_owned(),
            body: lines.collect::<Vec<_>>().join("\n").trim().to_owned(),
            tags: Vec::new(),
            published: true,
        })
    }

    /// The folder format's file name.
    pub fn file_name(&self) -> String {
        format!("{}.{}.md", self.slug, self.language.code())
    }

    /// The folder format's contents.
    pub fn to_file(&self) -> String {
        format!("# {}\n\n{}\n", self.title, self.body)
    }

    /// Checks the limits and trims the texts; the refusal names the
    /// article.
    pub fn validated(&self) -> Result<KbArticle, Problem> {
        let name = format!("{} ({})", self.slug, self.language.code());
        let title = self.title.trim();
        if title.is_empty() {
            return Err(invalid(format!("The article {name} needs a title.")));
        }
        if title.chars().count() > MAX_ARTICLE_TITLE_CHARS {
            return Err(invalid(format!(
                "The title of {name} may have at most {MAX_ARTICLE_TITLE_CHARS} characters."
            )));
        }
        let body = self.body.trim();
        if body.chars().count() > MAX_ARTICLE_CHARS {
            return Err(invalid(format!(
                "The article {name} may have at most {MAX_ARTICLE_CHARS} characters; it has {}. Split it into several articles.",
                body.chars().count()
            )));
        }
        if self.tags.len() > MAX_ARTICLE_TAGS {
            return Err(invalid(format!(
                "The article {name} may have at most {MAX_ARTICLE_TAGS} tags."
            )));
        }
        let mut tags = Vec::new();
        for tag in &self.tags {
            let tag = tag.trim();
            if tag.chars().count() > MAX_TAG_CHARS {
                return Err(invalid(format!(
                    "A tag of {name} may have at most {MAX_TAG_CHARS} characters."
                )));
            }
            if !tag.is_empty() && !tags.iter().any(|t: &String| t == tag) {
                tags.push(tag.to_owned());
            }
        }
        Ok(KbArticle {
            slug: self.slug.clone(),
            language: self.language,
            title: title.to_owned(),
            body: body.to_owned(),
            tags,
            published: self.published,
        })
    }
}

impl KbImport {
    /// Checks every article and that no slug and language comes twice.
    pub fn validated(&self) -> Result<KbImport, Problem> {
        if self.articles.len() > MAX_ARTICLES {
            return Err(invalid(format!(
                "A knowledge base may have at most {MAX_ARTICLES} articles; this import has {}.",
                self.articles.len()
            )));
        }
        let mut articles: Vec<KbArticle> = Vec::with_capacity(self.articles.len());
        for article in &self.articles {
            let article = article.validated()?;
            if articles
                .iter()
                .any(|a| a.slug == article.slug && a.language == article.language)
            {
                return Err(invalid(format!(
                    "The article {} ({}) comes twice.",
                    article.slug,
                    article.language.code()
                )));
            }
            articles.push(article);
        }
        Ok(KbImport {
            articles,
            replace: self.replace,
        })
    }
}

/// The first `chars` characters of a Markdown body as plain text, cut at a
/// word, for lists.
pub fn summary(body: &str, chars: usize) -> String {
    let plain: String = body
        .lines()
        .map(|line| line.trim().trim_start_matches(['#', '-', '*', '>']).trim())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace("**", "");
    if plain.chars().count() <= chars {
        return plain;
    }
    let cut: String = plain.chars().take(chars).collect();
    match cut.rfind(' ') {
        Some(space) => format!("{}…", &cut[..space]),
        None => format!("{cut}…"),
    }
}

/// A Markdown body as safe HTML: paragraphs, `#` headings (one level
/// under the page's title), `-` and `*` lists, `**bold**` and
/// `[links](https://…)`. Everything else is text: any HTML in the body is
/// escaped, and a link opens only `http`, `https` or `mailto` addresses,
/// with `rel="noopener nofollow"`.
pub fn markdown_html(body: &str) -> String {
    let mut out = String::new();
    let mut paragraph: Vec<String> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let flush = |out: &mut String, paragraph: &mut Vec<String>, list: &mut Vec<String>| {
        if !paragraph.is_empty() {
            out.push_str(&format!("<p>{}</p>", paragraph.join("<br>")));
            paragraph.clear();
        }
        if !list.is_empty() {
            let items: String = list.iter().map(|i| format!("<li>{i}</li>")).collect();
            out.push_str(&format!("<ul>{items}</ul>"));
            list.clear();
        }
    };
    for line in body.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut out, &mut paragraph, &mut list);
        } else if let Some(heading) = line.strip_prefix('#') {
            flush(&mut out, &mut paragraph, &mut list);
            let level = 2 + heading.chars().take_while(|c| *c == '#').count().min(2);
            let text = inline_html(heading.trim_start_matches('#').trim());
            out.push_str(&format!("<h{level}>{text}</h{level}>"));
        } else if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            if !paragraph.is_empty() {
                flush(&mut out, &mut paragraph, &mut Vec::new());
            }
            list.push(inline_html(item));
        } else {
            if !list.is_empty() {
                flush(&mut out, &mut Vec::new(), &mut list);
            }
            paragraph.push(inline_html(line));
        }
    }
    flush(&mut out, &mut paragraph, &mut list);
    out
}

/// A channel's public help page: its published articles in one language,
/// or one article. The texts come escaped from [`markdown_html`] and
/// `escape_html`; the page loads nothing from anywhere.
pub fn help_page(channel: &str, language: Language, title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · {channel}</title><style>{HELP_STYLE}</style></head><body><main>{main}</main></body></html>",
        lang = language.code(),
        title = escape_html(title),
        channel = escape_html(channel),
    )
}

/// What a help page says, per language.
pub struct HelpWords {
    pub help: &'static str,
    pub no_articles: &'static str,
    pub all_articles: &'static str,
}

impl HelpWords {
    pub fn of(language: Language) -> HelpWords {
        match language {
            Language::En => HelpWords {
                help: "Help",
                no_articles: "No articles yet.",
                all_articles: "All articles",
            },
            Language::Es => HelpWords {
                help: "Ayuda",
                no_articles: "Todavía no hay artículos.",
                all_articles: "Todos los artículos",
            },
            Language::Pt => HelpWords {
                help: "Ajuda",
                no_articles: "Ainda não há artigos.",
                all_articles: "Todos os artigos",
            },
        }
    }
}

const HELP_STYLE: &str =
    "body{font-family:system-ui,sans-serif;color:#1b1b1b;background:#fff;margin:0;line-height:1.5}\
main{max-width:44rem;margin:0 auto;padding:1.5rem}a{color:#0b5394}li{margin:.3rem 0}\
.articles{list-style:none;padding:0}.articles li{padding:.6rem 0;border-bottom:1px solid #ddd}\
.articles p{margin:.2rem 0;color:#444}";

/// One line's inline Markdown as HTML: the text escaped, `**bold**` and
/// safe links kept.
fn inline_html(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(&bold_html(before));
        let link = after
            .find("](")
            .and_then(|mid| after[mid..].find(')').map(|end| (mid, mid + end)));
        match link {
            Some((mid, end)) => {
                let text = &after[1..mid];
                let url = after[mid + 2..end].trim();
                if safe_url(url) {
                    out.push_str(&format!(
                        "<a href=\"{}\" rel=\"noopener nofollow\">{}</a>",
                        escape_html(url),
                        bold_html(text)
                    ));
                } else {
                    out.push_str(&bold_html(text));
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(&bold_html(rest));
    out
}

fn bold_html(text: &str) -> String {
    let parts: Vec<&str> = text.split("**").collect();
    // Only pairs of `**` make bold: an odd one out stays text.
    let paired = (parts.len() - 1) / 2 * 2;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(match (i <= paired, i % 2) {
                (true, 1) => "<strong>",
                (true, _) => "</strong>",
                (false, _) => "**",
            });
        }
        out.push_str(&escape_html(part));
    }
    out
}

fn safe_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn yes() -> bool {
    true
}

fn invalid(message: String) -> Problem {
    Problem::new(ErrorCode::Invalid, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channels_model_needs_an_address_and_a_name_or_neither() {
        let settings = |base_url: &str, model: &str, key: Option<&str>| ModelSettings {
            base_url: base_url.into(),
            model: model.into(),
            api_key: key.map(str::to_owned),
        };
        let checked = settings(" https://api.example.com/v1/ ", " small ", Some(" k "))
            .validated()
            .unwrap();
        assert_eq!(
            checked,
            settings("https://api.example.com/v1", "small", Some("k"))
        );
        assert_eq!(
            settings(" ", "", Some("k")).validated().unwrap(),
            settings("", "", None),
            "nothing set removes it"
        );
        for bad in [
            settings("ftp://example.com", "m", None),
            settings("api.example.com", "m", None),
            settings("https://example.com", "", None),
            settings("https://example.com", &"m".repeat(101), None),
            settings("https://example.com", "m", Some(&"k".repeat(501))),
        ] {
            assert!(bad.validated().is_err(), "{bad:?}");
        }
    }

    fn article(slug: &str, title: &str, body: &str) -> KbArticle {
        KbArticle {
            slug: ArticleSlug::parse(slug).unwrap(),
            language: Language::Es,
            title: title.into(),
            body: body.into(),
            tags: vec![" envíos ".into(), "envíos".into(), String::new()],
            published: true,
        }
    }

    #[test]
    fn articles_are_trimmed_and_checked() {
        let ok = article("envios", "  Envíos ", " Texto ")
            .validated()
            .unwrap();
        assert_eq!((ok.title.as_str(), ok.body.as_str()), ("Envíos", "Texto"));
        assert_eq!(ok.tags, ["envíos"]);
        let long = "x".repeat(MAX_ARTICLE_CHARS + 1);
        let refused = article("envios", "Envíos", &long).validated().unwrap_err();
        assert!(
            refused.message.contains("envios (es)"),
            "{}",
            refused.message
        );
        assert!(article("envios", " ", "x").validated().is_err());
    }

    #[test]
    fn the_folder_format_reads_and_writes() {
        let read = KbArticle::from_file("returns.es.md", "# Devoluciones\n\nTexto.\n").unwrap();
        assert_eq!(read.slug.as_str(), "returns");
        assert_eq!(read.language, Language::Es);
        assert_eq!(
            (read.title.as_str(), read.body.as_str()),
            ("Devoluciones", "Texto.")
        );
        assert_eq!(
            KbArticle::from_file(&read.file_name(), &read.to_file()),
            Ok(read)
        );
        assert!(KbArticle::from_file("x.fr.md", "# T")
            .unwrap_err()
            .message
            .contains("<slug>.<lang>.md"));
        assert!(KbArticle::from_file("Bad Slug.en.md", "# T").is_err());
        assert!(KbArticle::from_file("x.en.md", "Title")
            .unwrap_err()
            .message
            .contains("# Title"));
    }

    #[test]
    fn an_import_names_the_article_that_comes_twice() {
        let import = KbImport {
            articles: vec![article("a", "A", "x"), article("a", "B", "y")],
            replace: false,
        };
        let refused = import.validated().unwrap_err();
        assert!(
            refused.message.contains("a (es) comes twice"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn markdown_becomes_safe_html() {
        let html = markdown_html(
            "## Steps\n- **Open** [the page](https://x.test/a?b=1&c=2)\n- <script>alert(1)</script>\n\nSee [this](javascript:void) and **half",
        );
        assert_eq!(
            html,
            "<h3>Steps</h3><ul><li><strong>Open</strong> <a href=\"https://x.test/a?b=1&amp;c=2\" rel=\"noopener nofollow\">the page</a></li>\
             <li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ul><p>See this and **half</p>"
        );
    }

    #[test]
    fn summaries_are_plain_and_cut_at_a_word() {
        assert_eq!(
            summary("## Title\n- **one** two three", 100),
            "Title one two three"
        );
        assert_eq!(summary("one two three", 9), "one two…");
    }
}
