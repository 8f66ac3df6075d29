//! The widget's knowledge search, a WebAssembly module of its own so that
//! no visitor downloads it before they open it: the widget's help button
//! asks the loader (`widget/loader/widget.js`) for it, and the loader
//! imports this module once and calls [`toggle`] on every press.
//!
//! It lays a panel over the widget's window: the visitor types words and
//! sees the channel's published articles that match (the edge's public
//! search, the same ranking the assistant answers with), opens one to read
//! it inside the window, can open it on the channel's help page, and goes
//! back to the results or to the chat. The article's Markdown is turned
//! into HTML here by `charla_shared::knowledge::markdown_html`, which
//! escapes everything it does not write itself, so an article can hold no
//! markup of its own. Escape goes back one level: from the article to the
//! results, from the results to the chat.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use charla_shared::channel::Language;
use charla_shared::ids::{ArticleSlug, ChannelId};
use charla_shared::knowledge::{markdown_html, KbHit, KbPage};
use charla_shared::routes;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    Document, Element, Event, HtmlAnchorElement, HtmlElement, HtmlInputElement, KeyboardEvent,
    Response, ShadowRoot,
};

/// Opens the help panel over the window that holds `button`, making it the
/// first time (or again when the visitor's language changed), or closes
/// it. `origin` is the edge's, `channel` the widget's channel and
/// `language` the code of the visitor's language.
#[wasm_bindgen]
pub fn toggle(button: HtmlElement, origin: String, channel: String, language: String) {
    let Ok(channel) = ChannelId::parse(&channel) else {
        return;
    };
    let language = Language::from_tag(&language).unwrap_or_default();
    let current = PANEL.with(|panel| panel.borrow().clone());
    let help = match current {
        Some(help) if help.language == language && help.panel.is_connected() => help,
        stale => {
            if let Some(stale) = stale {
                stale.panel.remove();
            }
            let Some(help) = Help::make(button, origin, channel, language) else {
                return;
            };
            PANEL.with(|panel| *panel.borrow_mut() = Some(help.clone()));
            // The first time, the panel shows once its stylesheet is there,
            // so it never flashes unstyled over the chat.
            if let Some(style) = help.style() {
                let shown = help.clone();
                let open = move |_| shown.open();
                let _ = on(&style, "load", open.clone()).and_then(|()| on(&style, "error", open));
                return;
            }
            help
        }
    };
    if help.panel.hidden() {
        help.open();
    } else {
        help.close();
    }
}

thread_local! {
    /// The panel, once made: one widget per page, so one panel.
    static PANEL: RefCell<Option<Rc<Help>>> = const { RefCell::new(None) };
    /// Whether the panel's stylesheet was added to the page.
    static STYLED: Cell<bool> = const { Cell::new(false) };
}

/// How long typing must pause before a search goes out, so a word typed
/// letter by letter costs one request, not one per letter.
const PAUSE_MS: i32 = 250;

/// The panel's class, which the widget's stylesheet places over the window.
const PANEL_CLASS: &str = "charla-help";

/// The panel and what it needs to search.
struct Help {
    button: HtmlElement,
    panel: HtmlElement,
    input: HtmlInputElement,
    status: HtmlElement,
    results: HtmlElement,
    article: HtmlElement,
    heading: HtmlElement,
    body: HtmlElement,
    page_link: HtmlAnchorElement,
    origin: String,
    channel: ChannelId,
    language: Language,
    words: Words,
    /// Counts searches and openings, so an answer that arrives after a
    /// newer request was made is dropped rather than shown over it.
    latest: Cell<u32>,
    /// The pending search's timer, if any.
    timer: Cell<Option<i32>>,
    /// The article opened last, whose result gets focus back.
    opened: RefCell<Option<ArticleSlug>>,
}

impl Help {
    /// Makes the panel, hidden, right after the window's header, with its
    /// handlers.
    fn make(
        button: HtmlElement,
        origin: String,
        channel: ChannelId,
        language: Language,
    ) -> Option<Rc<Help>> {
        let header = button.closest(".charla-header").ok()??;
        let document = button.owner_document()?;
        let words = Words::of(language);
        let panel = element(&document, "section", PANEL_CLASS)?;
        panel.set_attribute("aria-label", words.title).ok()?;
        panel.set_hidden(true);

        let bar = element(&document, "div", "charla-help-bar")?;
        let label = element(&document, "label", "charla-help-label")?;
        label.set_text_content(Some(words.search));
        let input: HtmlInputElement =
            element(&document, "input", "charla-help-input")?.unchecked_into();
        input.set_type("search");
        input.set_autocomplete("off");
        label.append_child(&input).ok()?;
        let close = element(&document, "button", "charla-help-close")?;
        close.set_attribute("type", "button").ok()?;
        close.set_text_content(Some(words.close));
        bar.append_with_node_2(&label, &close).ok()?;

        let status = element(&document, "p", "charla-help-status")?;
        status.set_attribute("role", "status").ok()?;
        let results = element(&document, "ul", "charla-help-results")?;

        let article = element(&document, "article", "charla-help-article")?;
        article.set_hidden(true);
        let back = element(&document, "button", "charla-help-back")?;
        back.set_attribute("type", "button").ok()?;
        back.set_text_content(Some(words.back));
        let heading = element(&document, "h3", "charla-help-title")?;
        heading.set_tab_index(-1);
        let body = element(&document, "div", "charla-help-body")?;
        let page_link: HtmlAnchorElement =
            element(&document, "a", "charla-help-page")?.unchecked_into();
        page_link.set_target("_blank");
        page_link.set_rel("noopener nofollow");
        page_link.set_text_content(Some(words.open_page));
        article
            .append_with_node_4(&back, &heading, &body, &page_link)
            .ok()?;

        panel
            .append_with_node_4(&bar, &status, &results, &article)
            .ok()?;
        header.after_with_node_1(&panel).ok()?;

        let help = Rc::new(Help {
            button,
            panel,
            input,
            status,
            results,
            article,
            heading,
            body,
            page_link,
            origin,
            channel,
            language,
            words,
            latest: Cell::new(0),
            timer: Cell::new(None),
            opened: RefCell::new(None),
        });
        help.listen(&close, &back)?;
        Some(help)
    }

    /// Adds the panel's stylesheet to the widget's shadow root, the first
    /// time: the link, whose load the first opening waits for.
    fn style(&self) -> Option<HtmlElement> {
        if STYLED.with(|styled| styled.replace(true)) {
            return None;
        }
        let document = self.button.owner_document()?;
        let link = element(&document, "link", "charla-help-style")?;
        link.set_attribute("rel", "stylesheet").ok()?;
        link.set_attribute("href", &format!("{}/widget/help/help.css", self.origin))
            .ok()?;
        match self.button.get_root_node().dyn_ref::<ShadowRoot>() {
            Some(shadow) => shadow.append_child(&link).ok()?,
            None => document.head()?.append_child(&link).ok()?,
        };
        Some(link)
    }

    /// Wires the panel's handlers; they live as long as the panel.
    fn listen(self: &Rc<Self>, close: &HtmlElement, back: &HtmlElement) -> Option<()> {
        let help = self.clone();
        on(&self.input, "input", move |_| help.typed())?;
        let help = self.clone();
        on(close, "click", move |_| help.close())?;
        let help = self.clone();
        on(back, "click", move |_| help.back())?;
        let help = self.clone();
        on(&self.results, "click", move |event| {
            let slug = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .and_then(|target| target.closest("button[data-slug]").ok().flatten())
                .and_then(|chosen| chosen.get_attribute("data-slug"))
                .and_then(|slug| ArticleSlug::parse(&slug).ok());
            if let Some(slug) = slug {
                help.show(slug);
            }
        })?;
        let help = self.clone();
        on(&self.panel, "keydown", move |event| {
            let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if key.key() == "Escape" {
                // The widget closes its window on Escape; here it only goes
                // back one level.
                event.stop_propagation();
                if help.article.hidden() {
                    help.close();
                } else {
                    help.back();
                }
            }
        })
    }

    fn open(&self) {
        self.panel.set_hidden(false);
        let _ = self.button.set_attribute("aria-expanded", "true");
        if self.input.value().trim().is_empty() {
            self.status.set_text_content(Some(self.words.prompt));
        }
        let _ = self.input.focus();
    }

    fn close(&self) {
        self.panel.set_hidden(true);
        let _ = self.button.set_attribute("aria-expanded", "false");
        let _ = self.button.focus();
    }

    /// The visitor typed: a search goes out once they pause.
    fn typed(self: &Rc<Self>) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(timer) = self.timer.take() {
            window.clear_timeout_with_handle(timer);
        }
        let help = self.clone();
        let search = Closure::once_into_js(move || help.search());
        if let Ok(timer) = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(search.unchecked_ref(), PAUSE_MS)
        {
            self.timer.set(Some(timer));
        }
    }

    /// Searches for what the box holds and lists what matches.
    fn search(self: &Rc<Self>) {
        self.timer.set(None);
        let words = self.input.value();
        let request = self.next_request();
        if words.trim().is_empty() {
            self.results.set_inner_html("");
            self.status.set_text_content(Some(self.words.prompt));
            return;
        }
        let url = format!(
            "{}{}",
            self.origin,
            routes::search_knowledge(&self.channel, words.trim(), self.language)
        );
        let help = self.clone();
        spawn_local(async move {
            let hits: Option<Vec<KbHit>> = get(&url).await;
            if help.latest.get() != request {
                return;
            }
            match hits {
                Some(hits) => help.list(&hits),
                None => help.status.set_text_content(Some(help.words.failed)),
            }
        });
    }

    /// Shows `hits` as the result list, each title a button.
    fn list(&self, hits: &[KbHit]) {
        self.article.set_hidden(true);
        self.results.set_hidden(false);
        self.results.set_inner_html("");
        let Some(document) = self.panel.owner_document() else {
            return;
        };
        for hit in hits {
            let item = || -> Option<()> {
                let li = document.create_element("li").ok()?;
                let open = element(&document, "button", "charla-help-hit")?;
                open.set_attribute("type", "button").ok()?;
                open.set_attribute("data-slug", hit.slug.as_str()).ok()?;
                open.set_text_content(Some(&hit.title));
                let summary = document.create_element("p").ok()?;
                summary.set_text_content(Some(&hit.summary));
                li.append_with_node_2(&open, &summary).ok()?;
                self.results.append_child(&li).ok()?;
                Some(())
            };
            item();
        }
        let found = self.words.found(hits.len());
        self.status.set_text_content(Some(&found));
    }

    /// Opens an article inside the panel.
    fn show(self: &Rc<Self>, slug: ArticleSlug) {
        let request = self.next_request();
        let url = format!(
            "{}{}",
            self.origin,
            routes::knowledge_article(&self.channel, &slug, self.language)
        );
        *self.opened.borrow_mut() = Some(slug);
        let help = self.clone();
        spawn_local(async move {
            let page: Option<KbPage> = get(&url).await;
            if help.latest.get() != request {
                return;
            }
            let Some(page) = page else {
                help.status.set_text_content(Some(help.words.failed));
                return;
            };
            help.heading.set_text_content(Some(&page.title));
            help.body.set_inner_html(&markdown_html(&page.body));
            help.page_link
                .set_href(&format!("{}{}", help.origin, page.url));
            help.status.set_text_content(Some(""));
            help.results.set_hidden(true);
            help.article.set_hidden(false);
            let _ = help.heading.focus();
        });
    }

    /// Leaves the article for the results, focus on the one it came from.
    fn back(&self) {
        self.next_request();
        self.article.set_hidden(true);
        self.results.set_hidden(false);
        let opened = self.opened.borrow().clone();
        let result = opened.and_then(|slug| {
            self.results
                .query_selector(&format!("button[data-slug=\"{}\"]", slug.as_str()))
                .ok()
                .flatten()
        });
        match result.and_then(|r| r.dyn_into::<HtmlElement>().ok()) {
            Some(result) => {
                let _ = result.focus();
            }
            None => {
                let _ = self.input.focus();
            }
        }
    }

    /// A new request: answers to earlier ones are dropped from now on.
    fn next_request(&self) -> u32 {
        let request = self.latest.get().wrapping_add(1);
        self.latest.set(request);
        request
    }
}

/// What the panel says, per language.
#[derive(Clone, Copy)]
struct Words {
    title: &'static str,
    search: &'static str,
    prompt: &'static str,
    none: &'static str,
    /// "One article found." and "{n} articles found.".
    found: [&'static str; 2],
    failed: &'static str,
    back: &'static str,
    close: &'static str,
    open_page: &'static str,
}

impl Words {
    fn of(language: Language) -> Words {
        match language {
            Language::En => Words {
                title: "Help articles",
                search: "Search the help articles",
                prompt: "Type a few words to find an article.",
                none: "No article matches those words.",
                found: ["1 article found.", "{n} articles found."],
                failed: "The help articles cannot be reached right now. Please try again in a moment.",
                back: "Back to the results",
                close: "Back to the chat",
                open_page: "Open on the help page",
            },
            Language::Es => Words {
                title: "Artículos de ayuda",
                search: "Buscar en los artículos de ayuda",
                prompt: "Escriba unas palabras para encontrar un artículo.",
                none: "Ningún artículo coincide con esas palabras.",
                found: ["1 artículo encontrado.", "{n} artículos encontrados."],
                failed: "Ahora no se puede acceder a los artículos de ayuda. Inténtelo de nuevo en un momento.",
                back: "Volver a los resultados",
                close: "Volver al chat",
                open_page: "Abrir en la página de ayuda",
            },
            Language::Pt => Words {
                title: "Artigos de ajuda",
                search: "Pesquisar nos artigos de ajuda",
                prompt: "Digite algumas palavras para encontrar um artigo.",
                none: "Nenhum artigo corresponde a essas palavras.",
                found: ["1 artigo encontrado.", "{n} artigos encontrados."],
                failed: "Não é possível acessar os artigos de ajuda agora. Tente novamente em instantes.",
                back: "Voltar aos resultados",
                close: "Voltar ao chat",
                open_page: "Abrir na página de ajuda",
            },
        }
    }

    fn found(&self, count: usize) -> String {
        match count {
            0 => self.none.to_owned(),
            1 => self.found[0].to_owned(),
            n => self.found[1].replace("{n}", &n.to_string()),
        }
    }
}

/// A new element of `tag` with `class`.
fn element(document: &Document, tag: &str, class: &str) -> Option<HtmlElement> {
    let made: HtmlElement = document.create_element(tag).ok()?.unchecked_into();
    made.set_class_name(class);
    Some(made)
}

/// Calls `handle` on every `kind` event of `target`, for as long as the
/// page lives (the panel is never taken down while the widget runs).
fn on(target: &HtmlElement, kind: &str, handle: impl Fn(Event) + 'static) -> Option<()> {
    let handler = Closure::<dyn Fn(Event)>::new(handle);
    target
        .add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref())
        .ok()?;
    handler.forget();
    Some(())
}

/// Fetches `url` and reads its JSON; `None` on any failure (the panel says
/// the articles cannot be reached, and the chat goes on).
async fn get<T: DeserializeOwned>(url: &str) -> Option<T> {
    let window = web_sys::window()?;
    let response: Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    serde_json::from_str(&text).ok()
}
