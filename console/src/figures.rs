//! Figures of a channel that stay current without a reload: read from the
//! edge when the channel is chosen, and again whenever its inbox says a
//! conversation or an operator changed. The dashboard and the supervision
//! view use it.

use std::cell::Cell;
use std::rc::Rc;

use charla_client::net::Socket;
use charla_shared::ids::ChannelId;
use charla_shared::routes;
use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::app::page_edge;

/// The chosen channel's figures from `path`, and the last failure to read
/// them; `None` while they are read for a newly chosen channel.
pub fn live_figures<T>(
    channel: RwSignal<Option<ChannelId>>,
    path: impl Fn(&ChannelId) -> String + 'static,
) -> (RwSignal<Option<T>>, RwSignal<Option<String>>)
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    let figures = RwSignal::new(None::<T>);
    let notice = RwSignal::new(None::<String>);
    let loader = Rc::new(Loader {
        busy: Cell::new(false),
        again: Cell::new(false),
        path: Box::new(path),
    });
    // A socket on the channel's inbox: every frame means a conversation
    // started or changed, or an operator came or went.
    let socket = StoredValue::new_local(None::<Socket>);
    Effect::new(move |_| {
        let Some(id) = channel.get() else { return };
        figures.set(None);
        loader.load(channel, figures, notice);
        let url = page_edge().socket_url(&routes::inbox_socket(&id));
        let loader = loader.clone();
        let opened = Socket::open(
            move || url.clone(),
            move |_| loader.load(channel, figures, notice),
            |_| {},
        );
        socket.set_value(Some(opened));
    });
    (figures, notice)
}

/// Reads the chosen channel's figures, one request at a time: frames (or a
/// change of channel) that arrive while one is under way ask for one more
/// read after it, of the channel chosen then.
struct Loader {
    busy: Cell<bool>,
    again: Cell<bool>,
    path: Box<dyn Fn(&ChannelId) -> String>,
}

impl Loader {
    fn load<T>(
        self: &Rc<Self>,
        channel: RwSignal<Option<ChannelId>>,
        figures: RwSignal<Option<T>>,
        notice: RwSignal<Option<String>>,
    ) where
        T: DeserializeOwned + Send + Sync + 'static,
    {
        if self.busy.replace(true) {
            self.again.set(true);
            return;
        }
        let this = self.clone();
        leptos::task::spawn_local(async move {
            while let Some(id) = channel.get_untracked() {
                let read = page_edge().get::<T>(&(this.path)(&id)).await;
                // Figures of a channel no longer chosen are not shown.
                if channel.get_untracked().as_ref() == Some(&id) {
                    match read {
                        Ok(read) => {
                            notice.set(None);
                            figures.set(Some(read));
                        }
                        Err(e) => notice.set(Some(e.to_string())),
                    }
                }
                if !this.again.replace(false) {
                    break;
                }
            }
            this.busy.set(false);
        });
    }
}
