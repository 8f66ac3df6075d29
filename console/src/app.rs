//! Signing in and out. Until the edge has said whether a session cookie is
//! still good, the console shows nothing but a loading line.

use charla_client::net::Edge;
use charla_shared::api::{RecordLink, Session, SignIn, StaffRole};
use charla_shared::channel::Language;
use charla_shared::routes;
use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;

use crate::accounts::{Accounts, ChoosePassword};
use crate::bots::ChatbotsAdmin;
use crate::channels::ChannelsAdmin;
use crate::dashboard::Dashboard;
use crate::desk::Desk;
use crate::offline::OfflineMessages;
use crate::queue::SupervisionView;
use crate::ratings::RatingsReport;
use crate::records::Records;
use crate::words::{choose, language, tr, trf};

/// The whole console.
#[component]
pub fn App() -> impl IntoView {
    let edge = page_edge();
    let session = RwSignal::new(None::<Session>);
    let checked = RwSignal::new(false);
    {
        let edge = edge.clone();
        leptos::task::spawn_local(async move {
            // No session (401) simply means the sign-in form.
            if let Ok(current) = edge.get::<Session>(routes::SESSION).await {
                session.set(Some(current));
            }
            checked.set(true);
        });
    }
    // `true` signs out everywhere: every session of the operator ends.
    let sign_out = {
        let edge = edge.clone();
        Callback::new(move |everywhere: bool| {
            let edge = edge.clone();
            let path = if everywhere {
                routes::SESSIONS
            } else {
                routes::SESSION
            };
            leptos::task::spawn_local(async move {
                if let Err(e) = edge.delete(path).await {
                    leptos::logging::warn!("sign-out: {e}");
                }
                session.set(None);
            });
        })
    };
    let signed_in = Callback::new(move |new: Session| session.set(Some(new)));
    // Once the operator chose their own password, the console opens.
    let refresh = {
        let edge = edge.clone();
        Callback::new(move |()| {
            let edge = edge.clone();
            leptos::task::spawn_local(async move {
                session.set(edge.get::<Session>(routes::SESSION).await.ok());
            });
        })
    };
    // The edge ended the session (signed out elsewhere, or expired): back
    // to the sign-in form, with nothing more to tell the edge.
    let ended = Callback::new(move |()| session.set(None));
    view! {
        <Show when=move || checked.get() fallback=|| view! { <p class="loading">{tr("Loading…")}</p> }>
            {move || match session.get() {
                Some(current) if current.operator.must_change_password => {
                    view! {
                        <main class="sign-in">
                            <h1>{tr("Charla console")}</h1>
                            <p>{tr("Choose your own password before you start: the one you were given works only for this.")}</p>
                            <ChoosePassword on_done=refresh />
                        </main>
                    }
                        .into_any()
                }
                Some(current) => {
                    view! { <Shell session=current on_sign_out=sign_out on_ended=ended /> }.into_any()
                }
                None => view! { <SignInForm on_signed_in=signed_in /> }.into_any(),
            }}
        </Show>
    }
}

/// What the console shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// The conversations.
    Desk,
    /// Leads and tickets.
    Records,
    /// The ratings report.
    Ratings,
    /// Today's figures and the last 30 days.
    Dashboard,
    /// Messages left outside office hours.
    Offline,
    /// The queue, operators and service level of a channel now.
    Supervision,
    /// Channel settings (admins).
    Channels,
    /// Chatbots (admins).
    Chatbots,
    /// Operator accounts (admins).
    Accounts,
    /// The operator's own password.
    Password,
}

/// The signed-in console: the top bar and the chosen view. The desk stays
/// mounted (hidden) while an admin edits channels, so its live inbox and
/// unread marks keep up.
#[component]
fn Shell(session: Session, on_sign_out: Callback<bool>, on_ended: Callback<()>) -> impl IntoView {
    let view = RwSignal::new(View::Desk);
    // A link to a lead or a ticket (`#ticket/demo/3`, in a command's
    // answer or opened in a new tab) shows it under Leads and tickets.
    let link = RwSignal::new(None::<RecordLink>);
    let follow = move || {
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        if let Some(target) = RecordLink::parse(&hash) {
            link.set(Some(target));
            view.set(View::Records);
        }
    };
    follow();
    let listener = window_event_listener(leptos::ev::hashchange, move |_| follow());
    on_cleanup(move || listener.remove());
    let admin = session.operator.role == StaffRole::Admin;
    let name = session.operator.name.clone();
    let tab = move |target: View, label: &'static str| {
        view! {
            <button
                type="button"
                class="view"
                aria-current=move || (view.get() == target).then_some("page")
                on:click=move |_| {
                    // Leaving a followed link behind: a reload shows this view.
                    if link.get_untracked().is_some() {
                        link.set(None);
                        if let Some(window) = web_sys::window() {
                            let _ = window.location().set_hash("");
                        }
                    }
                    view.set(target)
                }
            >
                {label}
            </button>
        }
    };
    let channels = session.clone();
    let records = session.clone();
    let ratings = session.clone();
    let dashboard = session.clone();
    let offline = session.clone();
    let supervision = session.clone();
    let me = session.operator.id.clone();
    let password_saved = RwSignal::new(false);
    // How many conversations wait, seen from every view.
    let waiting = RwSignal::new(0usize);
    view! {
        <header class="topbar">
            <h1>"Charla"</h1>
            <nav class="views" aria-label=tr("Console")>
                {tab(View::Desk, tr("Conversations"))}
                {tab(View::Records, tr("Leads and tickets"))}
                {tab(View::Ratings, tr("Ratings"))}
                {tab(View::Dashboard, tr("Dashboard"))}
                {tab(View::Offline, tr("Offline messages"))}
                {tab(View::Supervision, tr("Supervision"))}
                {admin.then(|| tab(View::Channels, tr("Channels")))}
                {admin.then(|| tab(View::Chatbots, tr("Chatbots")))}
                {admin.then(|| tab(View::Accounts, tr("Accounts")))}
            </nav>
            <span class="topbar-waiting" hidden=move || waiting.get() == 0>
                {move || trf("{} waiting", &[&waiting.get().to_string()])}
            </span>
            <span class="me">{name}</span>
            <LanguagePicker />
            <button type="button" class="password-button" on:click=move |_| view.set(View::Password)>
                {tr("Change password")}
            </button>
            <button type="button" class="sign-out" on:click=move |_| on_sign_out.run(false)>
                {tr("Sign out")}
            </button>
            <button type="button" class="sign-out" on:click=move |_| on_sign_out.run(true)>
                {tr("Sign out everywhere")}
            </button>
        </header>
        <Desk
            session=session
            hidden=Signal::derive(move || view.get() != View::Desk)
            on_ended=on_ended
            waiting=waiting
        />
        <Show when=move || view.get() == View::Channels>
            <ChannelsAdmin session=channels.clone() />
        </Show>
        <Show when=move || view.get() == View::Chatbots>
            <ChatbotsAdmin />
        </Show>
        <Show when=move || view.get() == View::Records>
            <Records session=records.clone() link=link />
        </Show>
        <Show when=move || view.get() == View::Ratings>
            <RatingsReport session=ratings.clone() />
        </Show>
        <Show when=move || view.get() == View::Dashboard>
            <Dashboard session=dashboard.clone() />
        </Show>
        <Show when=move || view.get() == View::Offline>
            <OfflineMessages session=offline.clone() />
        </Show>
        <Show when=move || view.get() == View::Supervision>
            <SupervisionView session=supervision.clone() />
        </Show>
        <Show when=move || view.get() == View::Accounts>
            <Accounts me=me.clone() />
        </Show>
        <Show when=move || view.get() == View::Password>
            <main class="own-password">
                <h2>{tr("Change password")}</h2>
                <p role="status">{move || password_saved.get().then(|| tr("Your new password is saved; your other sessions ended."))}</p>
                <ChoosePassword on_done=Callback::new(move |()| password_saved.set(true)) />
            </main>
        </Show>
    }
}

/// The sign-in form.
#[component]
fn SignInForm(on_signed_in: Callback<Session>) -> impl IntoView {
    let email = NodeRef::<Input>::new();
    let password = NodeRef::<Input>::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let (Some(email), Some(password)) = (email.get(), password.get()) else {
            return;
        };
        let form = SignIn {
            email: email.value(),
            password: password.value(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match page_edge().post::<_, Session>(routes::SESSION, &form).await {
                Ok(session) => on_signed_in.run(session),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="sign-in">
            <h1>{tr("Charla console")}</h1>
            <LanguagePicker />
            <form on:submit=submit>
                <label for="email">{tr("E-mail")}</label>
                <input id="email" name="email" type="email" autocomplete="username" required node_ref=email />
                <label for="password">{tr("Password")}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    node_ref=password
                />
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" disabled=move || busy.get()>{tr("Sign in")}</button>
            </form>
        </main>
    }
}

/// The console's language, which the operator chooses (the page reloads
/// in it).
#[component]
fn LanguagePicker() -> impl IntoView {
    let current = language();
    view! {
        <select
            class="console-language"
            aria-label=tr("Language")
            on:change=move |e| {
                if let Some(chosen) = Language::from_tag(&event_target_value(&e)) {
                    choose(chosen);
                }
            }
        >
            {Language::ALL
                .into_iter()
                .map(|l| view! { <option value=l.code() selected=l == current>{l.native_name()}</option> })
                .collect_view()}
        </select>
    }
}

/// Asks the operator to confirm something that cannot be undone; `false`
/// if they decline or the browser cannot ask.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// The console talks to the edge that served it.
pub fn page_edge() -> Edge {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    Edge::new(origin)
}
