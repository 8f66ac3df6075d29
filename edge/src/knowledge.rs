//! A channel's knowledge base over HTTP: admins import and remove articles
//! (the console and `cargo xtask kb import` use the same route), operators
//! read them all, and anyone reads the published ones: the widget's
//! knowledge search, an article for the widget, and the public help page.
//! Searching runs the assistant's own retrieval (`charla-assistant`), so
//! the search box and the assistant agree on what matches.

use charla_assistant::{Article, KnowledgeBase};
use charla_shared::channel::Language;
use charla_shared::ids::ChannelId;
use charla_shared::knowledge::{
    help_page, markdown_html, summary, HelpWords, KbArticle, KbHit, KbImport, KbImported, KbPage,
};
use charla_shared::limits::{MAX_ARTICLES, MAX_KNOWLEDGE_BODY_BYTES, MAX_SEARCH_CHARS};
use charla_shared::protocol::ErrorCode;
use charla_shared::routes;
use charla_shared::transcript::escape_html;
use worker::{Headers, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, query, read_json_up_to};
use crate::internal;
use crate::now;
use crate::router::Ctx;
use crate::store::{Channel, Db};

/// How many hits a knowledge search lists.
const SEARCH_HITS: usize = 8;

/// How long a hit's summary is, in characters.
const SUMMARY_CHARS: usize = 160;

/// `GET`: every article of the channel, for its operators (and export).
pub async fn list(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    let articles = Db::new(ctx.env)?.articles(channel, false).await?;
    json(200, &articles)
}

/// `PUT` a [`KbImport`]: saves its articles, all or nothing. Every limit is
/// checked here, whatever the client checked.
pub async fn import(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    let import: KbImport = read_json_up_to(req, MAX_KNOWLEDGE_BODY_BYTES).await?;
    let import = import.validated().map_err(EdgeError::Refused)?;
    let db = Db::new(ctx.env)?;
    existing_channel(&db, channel).await?;
    let before = db.articles(channel, false).await?;
    let kept = |a: &&KbArticle| {
        !import
            .articles
            .iter()
            .any(|n| n.slug == a.slug && n.language == a.language)
    };
    let removed = if import.replace {
        before.iter().filter(kept).count()
    } else {
        0
    };
    let total = import.articles.len() + before.iter().filter(kept).count() - removed;
    if total > MAX_ARTICLES {
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            format!(
                "A knowledge base may have at most {MAX_ARTICLES} articles; this one would have {total}."
            ),
        ));
    }
    db.save_articles(channel, &import.articles, import.replace, now())
        .await?;
    json(
        200,
        &KbImported {
            saved: import.articles.len(),
            removed,
        },
    )
}

/// `DELETE`: an article in the `lang` of the query, or in every language.
pub async fn delete(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    let slug = ctx
        .matched
        .article
        .as_ref()
        .ok_or_else(|| EdgeError::Corrupt("route without an article".into()))?;
    let language = match query(ctx.url, "lang") {
        Some(tag) => Some(language_of(&tag)?),
        None => None,
    };
    let removed = Db::new(ctx.env)?
        .delete_article(channel, slug, language)
        .await?;
    if removed == 0 {
        return Err(EdgeError::refuse(
            ErrorCode::NotFound,
            format!("No article {slug} in this channel."),
        ));
    }
    Ok(Response::empty()?.with_status(204))
}

/// `GET ?q=&lang=`: the published articles that match, best first.
pub async fn search(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    let words = query(ctx.url, "q").unwrap_or_default();
    if words.chars().count() > MAX_SEARCH_CHARS {
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            format!("A search may have at most {MAX_SEARCH_CHARS} characters."),
        ));
    }
    let language = requested_language(ctx)?;
    let kb = published(ctx.env, channel).await?;
    let hits: Vec<KbHit> = kb
        .search(language, &words, SEARCH_HITS)
        .into_iter()
        .filter_map(|hit| {
            let article = kb.article(&hit.slug, language)?;
            Some(KbHit {
                slug: charla_shared::ids::ArticleSlug::parse(&article.slug).ok()?,
                language: article.language,
                title: article.title.clone(),
                summary: summary(&article.body, SUMMARY_CHARS),
            })
        })
        .collect();
    json(200, &hits)
}

/// `GET ?lang=`: one published article, in that language if it has it.
pub async fn article(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    let (slug, article) = published_article(ctx, channel).await?;
    json(
        200,
        &KbPage {
            url: routes::help_article(channel, &slug, article.language),
            slug,
            language: article.language,
            title: article.title,
            body: article.body,
        },
    )
}

/// `GET ?lang=`: the channel's help page, its published articles.
pub async fn page(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    let db = Db::new(ctx.env)?;
    let name = existing_channel(&db, channel).await?.name;
    let language = requested_language(ctx)?;
    let words = HelpWords::of(language);
    let articles = db.articles(channel, true).await?;
    let mut slugs: Vec<&str> = articles.iter().map(|a| a.slug.as_str()).collect();
    slugs.dedup();
    let items: String = slugs
        .iter()
        .filter_map(|slug| {
            let version = articles
                .iter()
                .filter(|a| a.slug.as_str() == *slug)
                .find(|a| a.language == language)
                .or_else(|| articles.iter().find(|a| a.slug.as_str() == *slug))?;
            Some(format!(
                "<li><a href=\"{}\">{}</a><p>{}</p></li>",
                escape_html(&routes::help_article(channel, &version.slug, language)),
                escape_html(&version.title),
                escape_html(&summary(&version.body, SUMMARY_CHARS)),
            ))
        })
        .collect();
    let list = if items.is_empty() {
        format!("<p>{}</p>", words.no_articles)
    } else {
        format!("<ul class=\"articles\">{items}</ul>")
    };
    let main = format!("<h1>{} · {}</h1>{list}", escape_html(&name), words.help);
    html(help_page(&name, language, words.help, &main))
}

/// `GET ?lang=`: one published article on the help page.
pub async fn page_article(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    let db = Db::new(ctx.env)?;
    let name = existing_channel(&db, channel).await?.name;
    let (_, article) = published_article(ctx, channel).await?;
    let words = HelpWords::of(article.language);
    let main = format!(
        "<p><a href=\"{}\">{}</a></p><article><h1>{}</h1>{}</article>",
        escape_html(&routes::help_page(channel, article.language)),
        words.all_articles,
        escape_html(&article.title),
        markdown_html(&article.body),
    );
    html(help_page(&name, article.language, &article.title, &main))
}

/// The published articles of a channel as the assistant's knowledge base.
pub async fn published(env: &worker::Env, channel: &ChannelId) -> EdgeResult<KnowledgeBase> {
    let articles = Db::new(env)?.articles(channel, true).await?;
    Ok(KnowledgeBase::new(
        articles.into_iter().map(Article::from).collect(),
    ))
}

async fn published_article(
    ctx: &Ctx<'_>,
    channel: &ChannelId,
) -> EdgeResult<(charla_shared::ids::ArticleSlug, KbArticle)> {
    let slug = ctx
        .matched
        .article
        .clone()
        .ok_or_else(|| EdgeError::Corrupt("route without an article".into()))?;
    let language = requested_language(ctx)?;
    let articles = Db::new(ctx.env)?.articles(channel, true).await?;
    let versions = || articles.iter().filter(|a| a.slug == slug);
    let article = versions()
        .find(|a| a.language == language)
        .or_else(|| versions().next())
        .cloned()
        .ok_or_else(|| {
            EdgeError::refuse(
                ErrorCode::NotFound,
                format!("No published article {slug} in this channel."),
            )
        })?;
    Ok((slug, article))
}

async fn existing_channel(db: &Db, channel: &ChannelId) -> EdgeResult<Channel> {
    db.channel(channel)
        .await?
        .ok_or_else(|| internal::no_channel(channel))
}

/// The `lang` of the query; English without one.
fn requested_language(ctx: &Ctx<'_>) -> EdgeResult<Language> {
    query(ctx.url, "lang").map_or(Ok(Language::En), |tag| language_of(&tag))
}

fn language_of(tag: &str) -> EdgeResult<Language> {
    Language::from_tag(tag).ok_or_else(|| {
        EdgeError::refuse(
            ErrorCode::Invalid,
            format!("The language must be en, es or pt, not {tag:?}."),
        )
    })
}

fn html(page: String) -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set("cache-control", "no-cache")?;
    // The page's only style is inline and it runs no script.
    headers.set(
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    )?;
    Ok(Response::ok(page)?.with_headers(headers))
}
