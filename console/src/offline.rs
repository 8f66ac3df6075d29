//! Messages visitors left outside office hours, per channel: newest first,
//! unread ones marked, each with the visitor's address to answer by e-mail
//! and a button that marks it read (or unread again).

use charla_shared::api::{OfflineRead, OfflineRecord, Session};
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::desk::clock_and_date;
use crate::pick::ChannelSelect;
use crate::words::{tr, trf};

/// The offline messages screen.
#[component]
pub fn OfflineMessages(session: Session) -> impl IntoView {
    let channel = RwSignal::new(session.channels.first().map(|c| c.id.clone()));
    let list = RwSignal::new(Vec::<OfflineRecord>::new());
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(channel) = channel.get() else { return };
        leptos::task::spawn_local(async move {
            match page_edge()
                .get::<Vec<OfflineRecord>>(&routes::offline_messages(&channel))
                .await
            {
                Ok(found) => {
                    notice.set(None);
                    list.set(found);
                }
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    });
    let mark = move |id: u64, read: bool| {
        let Some(channel) = channel.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let path = routes::offline_message(&channel, id);
            match page_edge()
                .put::<_, OfflineRead>(&path, &OfflineRead { read })
                .await
            {
                Ok(_) => list.update(|list| mark_read(list, id, read)),
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    let channels = session.channels.clone();
    view! {
        <main class="records offline">
            <section class="record-list" aria-labelledby="offline-title">
                <h2 id="offline-title">{tr("Offline messages")}</h2>
                <ChannelSelect id="offline-channel" channels=channels channel=channel />
                <p class="notice" role="status">{move || notice.get()}</p>
                <p class="empty" hidden=move || !list.with(Vec::is_empty)>{tr("Nothing yet.")}</p>
                <ul class="offline-messages">
                    <For
                        each=move || list.get()
                        key=|record| (record.id, record.read)
                        children=move |record| {
                            let OfflineRecord { id, message, created_at, read } = record;
                            let mailto = format!(
                                "mailto:{}",
                                String::from(js_sys::encode_uri_component(&message.email))
                            );
                            view! {
                                <li class="offline-message" class:unread=!read data-id=id>
                                    <p class="from">
                                        <strong>{message.name.clone()}</strong>
                                        " · "
                                        <a href=mailto>{message.email.clone()}</a>
                                        " · "
                                        {clock_and_date(created_at)}
                                        {(!read).then(|| view! { " · " <span class="badge">{tr("unread")}</span> })}
                                    </p>
                                    <p class="text">{message.text}</p>
                                    {message.page.map(|page| view! { <p class="hint">{trf("Written on {}", &[&page])}</p> })}
                                    <button type="button" on:click=move |_| mark(id, !read)>
                                        {if read { tr("Mark as unread") } else { tr("Mark as read") }}
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
        </main>
    }
}

/// Marks one message of the list read or unread, as the edge did.
fn mark_read(list: &mut [OfflineRecord], id: u64, read: bool) {
    if let Some(record) = list.iter_mut().find(|r| r.id == id) {
        record.read = read;
    }
}
