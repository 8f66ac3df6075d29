//! Canned responses in the console: the list that opens over a reply when
//! the operator types `:` (or `!` alone), driven by the arrow keys, Enter,
//! Escape or the mouse, and the admins' editor of a channel's list and of
//! the list every channel shares. The choices live on [`CannedMenu`], a
//! plain value with native tests; the components only wire it.

use charla_shared::canned::{self, Canned, CannedLists};
use charla_shared::ids::ChannelId;
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::words::tr;

/// The list over a reply: which responses match what is typed and which
/// one is highlighted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CannedMenu {
    list: Vec<Canned>,
    /// What the reply ended with when the list was last updated; `None`
    /// while the list is closed.
    typed: Option<String>,
    /// The highlighted option.
    active: usize,
}

/// What a key does while the list is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuKey {
    /// The list took the key and nothing else changes.
    Moved,
    /// Replace the reply with this text.
    Insert(String),
    /// The list closed.
    Closed,
    /// The list did not take the key.
    Pass,
}

impl CannedMenu {
    /// A closed list of these responses.
    pub fn new(list: Vec<Canned>) -> Self {
        CannedMenu {
            list,
            ..CannedMenu::default()
        }
    }

    /// Follows the reply as it is typed: the list opens on `:word` or a lone
    /// `!`, and closes otherwise. A known `:shortcut` followed by a space
    /// expands in place: the new text is returned.
    pub fn typed(&mut self, before_cursor: &str) -> Option<String> {
        if let Some(expanded) = canned::expand(before_cursor, &self.list) {
            self.typed = None;
            return Some(expanded);
        }
        let open = canned::query(before_cursor).is_some() && !self.list.is_empty();
        if self.typed.as_deref() != Some(before_cursor) {
            self.active = 0;
        }
        self.typed = open.then(|| before_cursor.to_owned());
        None
    }

    /// The responses shown, best first; empty while closed.
    pub fn options(&self) -> Vec<&Canned> {
        match self.typed.as_deref().and_then(canned::query) {
            Some(filter) => canned::matching(&self.list, filter),
            None => Vec::new(),
        }
    }

    /// Whether the list shows.
    pub fn is_open(&self) -> bool {
        !self.options().is_empty()
    }

    /// The highlighted option's position.
    pub fn active(&self) -> usize {
        self.active
    }

    /// A key pressed in the reply.
    pub fn key(&mut self, key: &str) -> MenuKey {
        let count = self.options().len();
        if count == 0 {
            return MenuKey::Pass;
        }
        match key {
            "ArrowDown" => {
                self.active = (self.active + 1) % count;
                MenuKey::Moved
            }
            "ArrowUp" => {
                self.active = (self.active + count - 1) % count;
                MenuKey::Moved
            }
            "Enter" | "Tab" => self.pick(self.active),
            "Escape" => {
                self.typed = None;
                MenuKey::Closed
            }
            _ => MenuKey::Pass,
        }
    }

    /// Picks an option (clicked, or Enter on the highlighted one).
    pub fn pick(&mut self, at: usize) -> MenuKey {
        let (Some(typed), Some(canned)) = (self.typed.clone(), self.options().get(at).copied())
        else {
            return MenuKey::Pass;
        };
        let text = canned::insert(&typed, canned);
        self.typed = None;
        MenuKey::Insert(text)
    }
}

/// The editor of a channel's canned responses and of the list every
/// channel shares (admins).
#[component]
pub fn CannedEditor(channel: ChannelId) -> impl IntoView {
    let lists = RwSignal::new(None::<CannedLists>);
    let status = RwSignal::new(String::new());
    {
        let channel = channel.clone();
        leptos::task::spawn_local(async move {
            match page_edge()
                .get::<CannedLists>(&routes::canned(&channel))
                .await
            {
                Ok(loaded) => lists.set(Some(loaded)),
                Err(e) => status.set(e.to_string()),
            }
        });
    }
    let own = RwSignal::new(Vec::<Canned>::new());
    let global = RwSignal::new(Vec::<Canned>::new());
    Effect::new(move |_| {
        if let Some(loaded) = lists.get() {
            own.set(loaded.channel);
            global.set(loaded.global);
        }
    });
    let save = move |_| {
        let channel = channel.clone();
        leptos::task::spawn_local(async move {
            let edge = page_edge();
            let saved = async {
                let own: Vec<Canned> = edge
                    .put(&routes::canned(&channel), &own.get_untracked())
                    .await?;
                let global: Vec<Canned> = edge
                    .put(routes::GLOBAL_CANNED, &global.get_untracked())
                    .await?;
                Ok::<_, charla_client::net::NetError>((own, global))
            }
            .await;
            match saved {
                Ok((saved_own, saved_global)) => {
                    own.set(saved_own);
                    global.set(saved_global);
                    status.set(tr("Canned responses saved.").into());
                }
                Err(e) => status.set(e.to_string()),
            }
        });
    };
    view! {
        <section class="canned-editor" aria-labelledby="canned-title">
            <h3 id="canned-title">{tr("Canned responses")}</h3>
            <p class="hint">
                {tr("Operators type : and a shortcut in a reply (or pick from the list that opens); :shortcut and a space puts the text in.")}
            </p>
            <CannedRows title=tr("This channel's") prefix="canned-own" rows=own />
            <CannedRows title=tr("Every channel's") prefix="canned-global" rows=global />
            <button type="button" class="save-canned" on:click=save>{tr("Save canned responses")}</button>
            <p class="status" role="status">{move || status.get()}</p>
        </section>
    }
}

/// One editable list: a shortcut and a text per row.
#[component]
fn CannedRows(
    title: &'static str,
    prefix: &'static str,
    rows: RwSignal<Vec<Canned>>,
) -> impl IntoView {
    let add = move |_| {
        rows.update(|r| {
            r.push(Canned {
                shortcut: String::new(),
                text: String::new(),
            });
        });
    };
    let positions = move || (0..rows.with(Vec::len)).collect::<Vec<usize>>();
    view! {
        <fieldset class="canned-rows">
            <legend>{title}</legend>
            <For
                each=positions
                key=|at| *at
                children=move |at| {
                    let get = move |pick: fn(&Canned) -> String| {
                        rows.with(|r| r.get(at).map(pick).unwrap_or_default())
                    };
                    let shortcut_id = format!("{prefix}-shortcut-{at}");
                    let text_id = format!("{prefix}-text-{at}");
                    view! {
                        <div class="canned-row">
                            <label for=shortcut_id.clone()>{tr("Shortcut")}</label>
                            <input
                                id=shortcut_id
                                prop:value=move || get(|c| c.shortcut.clone())
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    rows.update(|r| if let Some(c) = r.get_mut(at) { c.shortcut = value; });
                                }
                            />
                            <label for=text_id.clone()>{tr("Text")}</label>
                            <textarea
                                id=text_id
                                rows="2"
                                prop:value=move || get(|c| c.text.clone())
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    rows.update(|r| if let Some(c) = r.get_mut(at) { c.text = value; });
                                }
                            ></textarea>
                            <button
                                type="button"
                                on:click=move |_| rows.update(|r| { if at < r.len() { r.remove(at); } })
                            >
                                {tr("Remove")}
                            </button>
                        </div>
                    }
                }
            />
            <button type="button" class="add-canned" on:click=add>{tr("Add a canned response")}</button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn menu() -> CannedMenu {
        CannedMenu::new(vec![
            Canned {
                shortcut: "hello".into(),
                text: "Hello! How can I help?".into(),
            },
            Canned {
                shortcut: "price".into(),
                text: "From 9 € a month.".into(),
            },
        ])
    }

    #[test]
    fn a_colon_opens_the_list_and_the_arrows_move_round_it() {
        let mut menu = menu();
        assert_eq!(menu.key("ArrowDown"), MenuKey::Pass, "closed: keys pass");
        menu.typed("Sure :");
        assert!(menu.is_open());
        assert_eq!(menu.options().len(), 2);
        assert_eq!(menu.key("ArrowDown"), MenuKey::Moved);
        assert_eq!(menu.active(), 1);
        assert_eq!(menu.key("ArrowDown"), MenuKey::Moved);
        assert_eq!(menu.active(), 0, "wraps round");
        assert_eq!(menu.key("ArrowUp"), MenuKey::Moved);
        assert_eq!(
            menu.key("Enter"),
            MenuKey::Insert("Sure From 9 € a month.".into())
        );
        assert!(!menu.is_open());
    }

    #[test]
    fn typing_filters_escape_closes_and_a_bang_opens() {
        let mut menu = menu();
        menu.typed(":pr");
        assert_eq!(menu.options().len(), 1);
        assert_eq!(menu.key("Escape"), MenuKey::Closed);
        assert!(!menu.is_open());
        assert_eq!(menu.key("Enter"), MenuKey::Pass, "Enter sends again");
        menu.typed("!");
        assert_eq!(
            menu.pick(0),
            MenuKey::Insert("Hello! How can I help?".into())
        );
        menu.typed(":zzz");
        assert!(!menu.is_open(), "nothing matches");
    }

    #[test]
    fn a_shortcut_and_a_space_expand() {
        let mut menu = menu();
        assert_eq!(
            menu.typed("Hi :hello "),
            Some("Hi Hello! How can I help? ".into())
        );
        assert!(!menu.is_open());
    }
}
