//! A channel's knowledge base in the console: the list of its articles (one
//! row per article and language) and the form that writes one: slug,
//! language, title, Markdown body, tags and whether it is published. The
//! form's fields live on [`ArticleForm`], a plain value with native tests
//! that turns them into the article the edge checks again; the components
//! only wire it. Saving sends the one article (the same slug and language
//! replace the old version); deleting removes that language's version.

use charla_shared::channel::Language;
use charla_shared::ids::{ArticleSlug, ChannelId};
use charla_shared::knowledge::{KbArticle, KbImport, KbImported};
use charla_shared::protocol::Problem;
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::words::{tr, trf};

/// The article form's fields, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleForm {
    /// Whether it edits an article that exists (its slug and language stay).
    pub existing: bool,
    pub slug: String,
    pub language: Language,
    pub title: String,
    pub body: String,
    /// Tags separated by commas.
    pub tags: String,
    pub published: bool,
}

impl ArticleForm {
    /// An empty form for a new article.
    pub fn new() -> ArticleForm {
        ArticleForm {
            existing: false,
            slug: String::new(),
            language: Language::En,
            title: String::new(),
            body: String::new(),
            tags: String::new(),
            published: true,
        }
    }

    /// The form for an article that exists.
    pub fn of(article: &KbArticle) -> ArticleForm {
        ArticleForm {
            existing: true,
            slug: article.slug.as_str().to_owned(),
            language: article.language,
            title: article.title.clone(),
            body: article.body.clone(),
            tags: article.tags.join(", "),
            published: article.published,
        }
    }

    /// The article the form describes, with the limits the edge enforces
    /// checked here first.
    pub fn article(&self) -> Result<KbArticle, Problem> {
        let slug = ArticleSlug::parse(self.slug.trim()).map_err(|e| {
            Problem::new(
                charla_shared::protocol::ErrorCode::Invalid,
                format!("{}: {e}", tr("Slug")),
            )
        })?;
        KbArticle {
            slug,
            language: self.language,
            title: self.title.trim().to_owned(),
            body: self.body.clone(),
            tags: self
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            published: self.published,
        }
        .validated()
    }
}

impl Default for ArticleForm {
    fn default() -> Self {
        ArticleForm::new()
    }
}

/// The channel's articles and the form, under the assistant's options.
#[component]
pub fn Articles(
    /// The channel.
    id: ChannelId,
    /// Incremented by whoever changes the articles another way (an import),
    /// so the list is read again.
    changed: RwSignal<u32>,
) -> impl IntoView {
    let list = RwSignal::new(None::<Vec<KbArticle>>);
    let form = RwSignal::new(None::<ArticleForm>);
    let notice = RwSignal::new(None::<String>);
    let path = routes::knowledge(&id);
    {
        let path = path.clone();
        Effect::new(move |_| {
            changed.track();
            let path = path.clone();
            leptos::task::spawn_local(async move {
                match page_edge().get::<Vec<KbArticle>>(&path).await {
                    Ok(articles) => list.set(Some(articles)),
                    Err(e) => notice.set(Some(e.to_string())),
                }
            });
        });
    }
    let save = {
        let path = path.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(article) = form.with_untracked(|f| f.as_ref().map(ArticleForm::article))
            else {
                return;
            };
            let article = match article {
                Ok(article) => article,
                Err(problem) => {
                    notice.set(Some(problem.message));
                    return;
                }
            };
            let path = path.clone();
            leptos::task::spawn_local(async move {
                let import = KbImport {
                    articles: vec![article],
                    replace: false,
                };
                match page_edge().put::<_, KbImported>(&path, &import).await {
                    Ok(_) => {
                        notice.set(Some(tr("Article saved.").to_owned()));
                        form.set(None);
                        changed.update(|n| *n += 1);
                    }
                    Err(e) => notice.set(Some(e.to_string())),
                }
            });
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            let Some(Ok(article)) = form.with_untracked(|f| f.as_ref().map(ArticleForm::article))
            else {
                return;
            };
            let path = routes::article(&id, &article.slug, Some(article.language));
            leptos::task::spawn_local(async move {
                match page_edge().delete(&path).await {
                    Ok(()) => {
                        notice.set(Some(tr("Article deleted.").to_owned()));
                        form.set(None);
                        changed.update(|n| *n += 1);
                    }
                    Err(e) => notice.set(Some(e.to_string())),
                }
            });
        }
    };
    let field = move |change: fn(&mut ArticleForm, String)| {
        move |event: leptos::ev::Event| {
            let value = event_target_value(&event);
            form.update(|f| {
                if let Some(f) = f {
                    change(f, value);
                }
            });
        }
    };
    let value = move |read: fn(&ArticleForm) -> String| {
        move || form.with(|f| f.as_ref().map(read).unwrap_or_default())
    };
    let existing = move || form.with(|f| f.as_ref().is_some_and(|f| f.existing));
    view! {
        <p class="kb-count">
            {move || list.with(|l| l.as_ref().map(|l| trf("{} articles", &[&l.len().to_string()])))}
        </p>
        <table class="articles">
            <thead>
                <tr>
                    <th scope="col">{tr("Title")}</th>
                    <th scope="col">{tr("Slug")}</th>
                    <th scope="col">{tr("Language")}</th>
                    <th scope="col">{tr("Published")}</th>
                    <th scope="col">{tr("Actions")}</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    list.get()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|article| {
                            let opened = ArticleForm::of(&article);
                            let name = trf("Edit {}", &[&format!("{} ({})", article.title, article.language.code())]);
                            view! {
                                <tr>
                                    <td>{article.title.clone()}</td>
                                    <td>{article.slug.as_str().to_owned()}</td>
                                    <td>{article.language.native_name()}</td>
                                    <td>{if article.published { tr("Yes") } else { tr("No") }}</td>
                                    <td>
                                        <button
                                            type="button"
                                            class="edit-article"
                                            aria-label=name
                                            on:click=move |_| form.set(Some(opened.clone()))
                                        >
                                            {tr("Edit")}
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
        <button type="button" class="new-article" on:click=move |_| form.set(Some(ArticleForm::new()))>
            {tr("New article")}
        </button>
        <form class="article-form" hidden=move || form.with(Option::is_none) on:submit=save>
            <div class="field">
                <label for="article-slug">{tr("Slug")}</label>
                <input
                    id="article-slug"
                    prop:value=value(|f| f.slug.clone())
                    prop:readOnly=existing
                    on:input=field(|f, v| f.slug = v)
                />
            </div>
            <div class="field">
                <label for="article-language">{tr("Language")}</label>
                <select
                    id="article-language"
                    prop:disabled=existing
                    on:change=field(|f, v| f.language = Language::from_tag(&v).unwrap_or(f.language))
                >
                    {Language::ALL
                        .into_iter()
                        .map(|language| {
                            view! {
                                <option
                                    value=language.code()
                                    selected=move || form.with(|f| f.as_ref().is_some_and(|f| f.language == language))
                                >
                                    {language.native_name()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="article-title">{tr("Title")}</label>
                <input id="article-title" prop:value=value(|f| f.title.clone()) on:input=field(|f, v| f.title = v) />
            </div>
            <div class="field">
                <label for="article-body">{tr("Body (Markdown)")}</label>
                <textarea id="article-body" rows="10" prop:value=value(|f| f.body.clone()) on:input=field(|f, v| f.body = v)></textarea>
            </div>
            <div class="field">
                <label for="article-tags">{tr("Tags, separated by commas")}</label>
                <input id="article-tags" prop:value=value(|f| f.tags.clone()) on:input=field(|f, v| f.tags = v) />
            </div>
            <div class="check">
                <input
                    id="article-published"
                    type="checkbox"
                    prop:checked=move || form.with(|f| f.as_ref().is_some_and(|f| f.published))
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        form.update(|f| {
                            if let Some(f) = f {
                                f.published = on;
                            }
                        });
                    }
                />
                <label for="article-published">{tr("Published (the assistant and the help page use it)")}</label>
            </div>
            <div class="actions">
                <button type="submit">{tr("Save article")}</button>
                <button type="button" class="delete-article" hidden=move || !existing() on:click=remove>
                    {tr("Delete article")}
                </button>
                <button type="button" on:click=move |_| form.set(None)>{tr("Cancel")}</button>
            </div>
        </form>
        <p role="status">{move || notice.get()}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_round_trips_through_the_form() {
        let article = KbArticle {
            slug: ArticleSlug::parse("gift-cards").unwrap(),
            language: Language::Es,
            title: "Tarjetas regalo".into(),
            body: "Las tarjetas van de 20 a 500 euros.".into(),
            tags: vec!["regalo".into(), "pago".into()],
            published: false,
        };
        let form = ArticleForm::of(&article);
        assert!(form.existing);
        assert_eq!(form.tags, "regalo, pago");
        assert_eq!(form.article(), Ok(article));
    }

    #[test]
    fn the_form_reads_tags_and_refuses_what_the_edge_would() {
        let mut form = ArticleForm {
            slug: " returns ".into(),
            title: " Returns ".into(),
            body: "Within 30 days.".into(),
            tags: " refund,, money back ,".into(),
            ..ArticleForm::new()
        };
        let article = form.article().unwrap();
        assert_eq!(article.slug.as_str(), "returns");
        assert_eq!(article.title, "Returns");
        assert_eq!(article.tags, ["refund", "money back"]);
        assert!(article.published);
        form.slug = "Not a slug!".into();
        assert!(form.article().is_err());
        form.slug = "returns".into();
        form.title = String::new();
        assert!(form.article().is_err(), "a title is needed");
    }
}
