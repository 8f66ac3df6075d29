//! Channel settings, for admins: the list of channels, a form for a new
//! one, and the editor with its tabs (operators, options, rules, widget,
//! security), after the Odoo live chat channel form marketers know.

use charla_client::json;
use charla_client::pattern;
use charla_shared::api::{
    ChannelSummary, ChatbotSummary, OperatorProfile, Session, WidgetConfig, WidgetPreview,
    PREVIEW_READY,
};
use charla_shared::channel::{
    AssistantMode, AssistantOptions, ButtonMode, ChannelSettings, ChatMode, HandOffStyle, Language,
    NewChannel,
};
use charla_shared::hours;
use charla_shared::identity::{ChannelSecrets, ChannelSecurity};
use charla_shared::ids::ChannelId;
use charla_shared::knowledge::{KbArticle, KbImport, KbImported};
use charla_shared::limits::MAX_ASSISTANT_NAME_CHARS;
use charla_shared::page_match::MatchKind;
use charla_shared::routes;
use charla_shared::routing::{Routing, Strategy};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::{confirm, page_edge};
use crate::articles::Articles;
use crate::canned::CannedEditor;
use crate::draft::{ColorField, Draft, TextField};
use crate::model::ChannelModel;
use crate::pick::{NewNamedForm, PickList};
use crate::words::{tr, trf};

/// The channels screen.
#[component]
pub fn ChannelsAdmin(session: Session) -> impl IntoView {
    let channels = RwSignal::new(session.channels.clone());
    let selected = RwSignal::new(session.channels.first().map(|c| c.id.clone()));
    view! {
        <main class="channels">
            <nav class="channel-list" aria-labelledby="channels-title">
                <h2 id="channels-title">{tr("Channels")}</h2>
                <PickList
                    items=Signal::derive(move || {
                        channels.with(|list| list.iter().map(|c| (c.id.clone(), c.name.clone())).collect())
                    })
                    selected=selected
                />
                <NewChannelForm on_created=Callback::new(move |created: ChannelSummary| {
                    channels.update(|list| list.push(created.clone()));
                    selected.set(Some(created.id));
                }) />
            </nav>
            {move || {
                selected
                    .get()
                    .map(|id| {
                        let on_deleted = Callback::new(move |gone: ChannelId| {
                            channels.update(|list| list.retain(|c| c.id != gone));
                            selected.set(channels.with_untracked(|list| list.first().map(|c| c.id.clone())));
                        });
                        view! { <ChannelEditor id=id channels=channels on_deleted=on_deleted /> }
                    })
            }}
        </main>
    }
}

/// Creates a channel from an id and a name.
#[component]
fn NewChannelForm(on_created: Callback<ChannelSummary>) -> impl IntoView {
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let channel = match ChannelId::parse(id.get_untracked().trim()) {
            Ok(channel) => channel,
            Err(e) => return error.set(Some(trf("The id {}.", &[&e.to_string()]))),
        };
        let body = NewChannel {
            id: channel.clone(),
            name: name.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match page_edge()
                .post::<_, ChannelSettings>(routes::CHANNELS, &body)
                .await
            {
                Ok(settings) => {
                    error.set(None);
                    id.set(String::new());
                    name.set(String::new());
                    on_created.run(ChannelSummary {
                        id: channel,
                        name: settings.name,
                    });
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! { <NewNamedForm title=tr("New channel") prefix="new-channel" name=name id=id error=error submit=submit /> }
}

/// The tabs of the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Operators,
    Options,
    Hours,
    Rules,
    Widget,
    Security,
    Canned,
    Assistant,
}

/// Each tab with the English name its element id is made of.
const TABS: [(Tab, &str); 8] = [
    (Tab::Operators, "Operators"),
    (Tab::Options, "Options"),
    (Tab::Hours, "Office hours"),
    (Tab::Rules, "Channel rules"),
    (Tab::Widget, "Widget"),
    (Tab::Security, "Security"),
    (Tab::Canned, "Canned responses"),
    (Tab::Assistant, "Assistant"),
];

/// One channel's settings.
#[component]
fn ChannelEditor(
    id: ChannelId,
    channels: RwSignal<Vec<ChannelSummary>>,
    /// Called once the channel is deleted.
    on_deleted: Callback<ChannelId>,
) -> impl IntoView {
    let draft = RwSignal::new(None::<Draft>);
    let operators = RwSignal::new(Vec::<OperatorProfile>::new());
    let bots = RwSignal::new(Vec::<ChatbotSummary>::new());
    let tab = RwSignal::new(Tab::Options);
    let notice = RwSignal::new(None::<String>);
    {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let edge = page_edge();
            match edge
                .get::<ChannelSettings>(&routes::channel_settings(&id))
                .await
            {
                Ok(settings) => draft.set(Some(Draft::new(settings))),
                Err(e) => notice.set(Some(e.to_string())),
            }
            if let Ok(list) = edge.get::<Vec<OperatorProfile>>(routes::OPERATORS).await {
                operators.set(list);
            }
            if let Ok(list) = edge.get::<Vec<ChatbotSummary>>(routes::CHATBOTS).await {
                bots.set(list);
            }
        });
    }
    let problems = Memo::new(move |_| {
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.problems(|p| pattern::matches(p, "").map(|_| ())))
                .unwrap_or_default()
        })
    });
    let save = {
        let id = id.clone();
        move |_| {
            let Some(settings) = draft.with_untracked(|d| d.as_ref().map(|d| d.settings().clone()))
            else {
                return;
            };
            let id = id.clone();
            leptos::task::spawn_local(async move {
                let path = routes::channel_settings(&id);
                match page_edge()
                    .put::<_, ChannelSettings>(&path, &settings)
                    .await
                {
                    Ok(saved) => {
                        channels.update(|list| {
                            if let Some(c) = list.iter_mut().find(|c| c.id == id) {
                                c.name = saved.name.clone();
                            }
                        });
                        draft.update(|d| {
                            if let Some(d) = d {
                                d.saved(saved);
                            }
                        });
                        notice.set(Some(
                            tr("Saved. Visitors see it on their next page.").into(),
                        ));
                    }
                    Err(e) => notice.set(Some(e.to_string())),
                }
            });
        }
    };
    // The list's name until the settings have loaded, so the question
    // before deleting always names the channel.
    let title = {
        let id = StoredValue::new(id.clone());
        move || {
            draft
                .with(|d| d.as_ref().map(|d| d.settings().name.clone()))
                .or_else(|| {
                    channels.with(|c| {
                        c.iter()
                            .find(|s| id.with_value(|id| s.id == *id))
                            .map(|s| s.name.clone())
                    })
                })
                .unwrap_or_default()
        }
    };
    let delete = {
        let id = id.clone();
        move |_| {
            let question = trf(
                "Delete the channel “{}” ({}) with all its conversations, ratings, leads and tickets? This cannot be undone.",
                &[&title(), id.as_str()],
            );
            if !confirm(&question) {
                return;
            }
            let id = id.clone();
            leptos::task::spawn_local(async move {
                match page_edge().delete(&routes::channel(&id)).await {
                    Ok(()) => on_deleted.run(id),
                    Err(e) => notice.set(Some(e.to_string())),
                }
            });
        }
    };
    // Only loading and switching tabs re-render the panel; edits update the
    // fields in place, so typing keeps its focus.
    let loaded = Memo::new(move |_| draft.with(Option::is_some));
    let panel = {
        let id = id.clone();
        move || {
            if !loaded.get() {
                return view! { <p>{tr("Loading…")}</p> }.into_any();
            }
            match tab.get() {
                Tab::Operators => {
                    view! { <OperatorsTab draft=draft operators=operators /> }.into_any()
                }
                Tab::Options => view! { <OptionsTab id=id.clone() draft=draft /> }.into_any(),
                Tab::Hours => view! { <HoursTab draft=draft /> }.into_any(),
                Tab::Rules => view! { <RulesTab draft=draft bots=bots /> }.into_any(),
                Tab::Widget => view! { <WidgetTab id=id.clone() /> }.into_any(),
                Tab::Security => view! { <SecurityTab id=id.clone() /> }.into_any(),
                Tab::Canned => view! { <CannedEditor channel=id.clone() /> }.into_any(),
                Tab::Assistant => view! { <AssistantTab id=id.clone() draft=draft /> }.into_any(),
            }
        }
    };
    view! {
        <section class="editor" aria-labelledby="editor-title">
            <header class="editor-head">
                <h2 id="editor-title">{title}</h2>
                <label for="channel-name">{tr("Channel name")}</label>
                <input
                    id="channel-name"
                    prop:value=title
                    on:input=move |e| {
                        let value = event_target_value(&e);
                        draft.update(|d| {
                            if let Some(d) = d {
                                d.set_name(value);
                            }
                        });
                    }
                />
                <button
                    type="button"
                    class="save"
                    disabled=move || {
                        !problems.with(Vec::is_empty)
                            || !draft.with(|d| d.as_ref().is_some_and(Draft::is_dirty))
                    }
                    on:click=save
                >
                    {tr("Save")}
                </button>
                <button type="button" class="delete" on:click=delete>
                    {tr("Delete channel")}
                </button>
            </header>
            <ul class="problems" role="alert">
                <For each=move || problems.get() key=|p| p.clone() children=|p| view! { <li>{p}</li> } />
            </ul>
            <p class="notice" role="status">{move || notice.get()}</p>
            <div role="tablist" aria-label=tr("Channel settings") class="tabs">
                {TABS
                    .into_iter()
                    .map(|(which, label)| {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("tab-{label}").replace(' ', "-")
                                aria-selected=move || (tab.get() == which).to_string()
                                aria-controls="channel-panel"
                                on:click=move |_| tab.set(which)
                            >
                                {tab_name(which)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div id="channel-panel" role="tabpanel" class="panel" aria-labelledby="editor-title">
                {panel}
            </div>
        </section>
    }
}

/// Who answers the channel.
#[component]
fn OperatorsTab(
    draft: RwSignal<Option<Draft>>,
    operators: RwSignal<Vec<OperatorProfile>>,
) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{tr("Operators who answer this channel")}</legend>
            <For
                each=move || operators.get()
                key=|o| o.id.clone()
                children=move |operator: OperatorProfile| {
                    let id = operator.id.clone();
                    let checked = {
                        let id = id.clone();
                        move || draft.with(|d| d.as_ref().is_some_and(|d| d.settings().operators.contains(&id)))
                    };
                    let input_id = format!("operator-{id}");
                    view! {
                        <div class="check">
                            <input
                                type="checkbox"
                                id=input_id.clone()
                                prop:checked=checked
                                on:change=move |e| {
                                    let on = event_target_checked(&e);
                                    draft.update(|d| {
                                        if let Some(d) = d {
                                            d.set_operator(&id, on);
                                        }
                                    });
                                }
                            />
                            <label for=input_id>{operator.name} " (" {operator.email} ")"</label>
                        </div>
                    }
                }
            />
            <p class="hint">{tr("Admins answer every channel.")}</p>
        </fieldset>
    }
}

/// Colours and texts per language.
#[component]
fn OptionsTab(id: ChannelId, draft: RwSignal<Option<Draft>>) -> impl IntoView {
    let language = RwSignal::new(Language::En);
    let edit = move |change: Box<dyn FnOnce(&mut Draft)>| {
        draft.update(|d| {
            if let Some(d) = d {
                change(d);
            }
        });
    };
    let color = move |field: ColorField, label: &'static str, id: &'static str| {
        let value = move || {
            draft.with(|d| {
                d.as_ref()
                    .map(|d| d.color(field).to_owned())
                    .unwrap_or_default()
            })
        };
        let swatch = move || draft.with(|d| d.as_ref().and_then(|d| d.swatch(field)));
        view! {
            <div class="color">
                <label for=id>{label}</label>
                <input
                    id=id
                    prop:value=value
                    on:input=move |e| {
                        let typed = event_target_value(&e);
                        edit(Box::new(move |d| d.set_color(field, typed)));
                    }
                />
                <input
                    type="color"
                    aria-label=trf("{} picker", &[label])
                    prop:value=move || swatch().map(|s| s.0).unwrap_or_else(|| "#000000".into())
                    on:input=move |e| {
                        let picked = event_target_value(&e);
                        edit(Box::new(move |d| d.set_color(field, picked)));
                    }
                />
                {move || match swatch() {
                    Some((background, text, ratio)) => {
                        let style = format!("background:{background};color:{text}");
                        view! {
                            <span class="swatch" style=style>
                                {trf("Sample text, contrast {}:1", &[&format!("{ratio:.1}")])}
                            </span>
                        }
                            .into_any()
                    }
                    None => view! { <span class="error">{tr("Type HEX, RGB or HSL")}</span> }.into_any(),
                }}
            </div>
        }
    };
    let text = move |field: TextField, label: &'static str, id: &'static str| {
        let value = move || {
            draft.with(|d| {
                d.as_ref()
                    .map(|d| d.text(language.get(), field))
                    .unwrap_or_default()
            })
        };
        let shown = move || {
            draft.with(|d| {
                d.as_ref()
                    .map(|d| d.effective_text(language.get(), field))
                    .unwrap_or_default()
            })
        };
        view! {
            <label for=id>{label}</label>
            <textarea
                id=id
                rows="2"
                prop:value=value
                placeholder=shown
                on:input=move |e| {
                    let typed = event_target_value(&e);
                    let lang = language.get_untracked();
                    edit(Box::new(move |d| d.set_text(lang, field, typed)));
                }
            ></textarea>
        }
    };
    view! {
        <div class="with-preview">
        <div>
        <fieldset>
            <legend>{tr("Colours")}</legend>
            {color(ColorField::Button, tr("Chat button colour"), "button-color")}
            {color(ColorField::Header, tr("Window header colour"), "header-color")}
            <button type="button" on:click=move |_| edit(Box::new(|d| d.reset_colors()))>
                {tr("Reset colours")}
            </button>
        </fieldset>
        <fieldset>
            <legend>{tr("Texts")}</legend>
            <label for="fallback">{tr("Fallback language")}</label>
            <select
                id="fallback"
                on:change=move |e| {
                    if let Some(l) = Language::from_tag(&event_target_value(&e)) {
                        edit(Box::new(move |d| d.set_fallback(l)));
                    }
                }
            >
                {Language::ALL
                    .into_iter()
                    .map(|l| {
                        let selected = move || draft.with(|d| d.as_ref().is_some_and(|d| d.settings().options.fallback_language == l));
                        view! { <option value=l.code() selected=selected>{l.native_name()}</option> }
                    })
                    .collect_view()}
            </select>
            <div class="languages" role="group" aria-label=tr("Language of the texts below")>
                {Language::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <button
                                type="button"
                                aria-pressed=move || (language.get() == l).to_string()
                                on:click=move |_| language.set(l)
                            >
                                {l.native_name()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <label for="mode">{tr("Who answers")}</label>
            <select
                id="mode"
                on:change=move |e| {
                    let mode = match event_target_value(&e).as_str() {
                        "operators" => ChatMode::Operators,
                        "bot" => ChatMode::Bot,
                        _ => ChatMode::Both,
                    };
                    edit(Box::new(move |d| d.set_mode(mode)));
                }
            >
                {[
                    (ChatMode::Both, "both", tr("A chatbot first, then a person")),
                    (ChatMode::Operators, "operators", tr("Operators only")),
                    (ChatMode::Bot, "bot", tr("A chatbot only")),
                ]
                    .into_iter()
                    .map(|(mode, value, label)| {
                        let selected = move || draft.with(|d| d.as_ref().is_some_and(|d| d.settings().options.mode == mode));
                        view! { <option value=value selected=selected>{label}</option> }
                    })
                    .collect_view()}
            </select>
            {text(TextField::Welcome, tr("Welcome message"), "welcome")}
            {text(TextField::Placeholder, tr("Text input placeholder"), "placeholder")}
            {text(TextField::ButtonText, tr("Button text (notification bubble)"), "button-text")}
            {text(TextField::Closing, tr("Closing comments (shown when the conversation ends)"), "closing")}
            {text(TextField::OutOfHours, tr("Out of hours message"), "out-of-hours")}
            {text(TextField::OfflinePrompt, tr("Offline message prompt (above the form)"), "offline-prompt")}
            {text(TextField::Unavailable, tr("Unavailable message (when the queue is full)"), "unavailable")}
            {text(TextField::AgentMessage, tr("Agent automatic message (sent as the operator who takes the conversation)"), "agent-message")}
            <p class="hint">{tr("An empty text uses the fallback language's, then Charla's own.")}</p>
            <ul class="warnings" aria-live="polite">
                {move || {
                    draft
                        .with(|d| d.as_ref().map(|d| d.settings().options.borrowed_texts()))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(language, fields)| {
                            let fallback = draft
                                .with(|d| d.as_ref().map(|d| d.settings().options.fallback_language))
                                .unwrap_or(language);
                            view! {
                                <li>
                                    {trf(
                                        "Visitors in {} will see {} for the {}.",
                                        &[
                                            language.native_name(),
                                            fallback.native_name(),
                                            &fields.into_iter().map(field_name).collect::<Vec<_>>().join(", "),
                                        ],
                                    )}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="check">
                <input
                    id="publish-ratings"
                    type="checkbox"
                    prop:checked=move || draft.with(|d| d.as_ref().is_some_and(|d| d.settings().options.publish_ratings))
                    on:change=move |e| {
                        let publish = event_target_checked(&e);
                        edit(Box::new(move |d| d.set_publish_ratings(publish)));
                    }
                />
                <label for="publish-ratings">{tr("Publish the ratings page (percentages and faces, never the reasons)")}</label>
            </div>
        </fieldset>
        </div>
        <Preview id=id draft=draft language=language />
        </div>
    }
}

/// When people answer: office hours in the channel's time zone, dated
/// exceptions, and whether visitors may leave a message outside them. Each
/// day is typed as text and read when the field is left; what cannot be
/// read shows among the problems and blocks the save.
#[component]
fn HoursTab(draft: RwSignal<Option<Draft>>) -> impl IntoView {
    let edit = move |change: Box<dyn FnOnce(&mut Draft)>| {
        draft.update(|d| {
            if let Some(d) = d {
                change(d);
            }
        });
    };
    let hours = move || draft.with(|d| d.as_ref().and_then(|d| d.settings().options.hours.clone()));
    // Each field follows what is stored through a memo, which changes only
    // when the stored value does: text that could not be read stays in its
    // field, to be corrected, while the problems say why.
    let day = move |index: usize| {
        let id = format!("hours-day-{index}");
        let stored = Memo::new(move |_| hours().map(|h| hours::spans_text(&h.week[index])));
        view! {
            <label for=id.clone()>{weekday_name(index)}</label>
            <input
                id=id
                placeholder="09:00-13:00, 14:00-18:00"
                prop:value=move || stored.get().unwrap_or_default()
                on:change=move |e| {
                    let typed = event_target_value(&e);
                    edit(Box::new(move |d| d.set_day(index, &typed)));
                }
            />
        }
    };
    let exceptions = Memo::new(move |_| hours().map(|h| hours::exceptions_text(&h.exceptions)));
    view! {
        <fieldset>
            <legend>{tr("Office hours")}</legend>
            <div class="check">
                <input
                    id="hours-on"
                    type="checkbox"
                    prop:checked=move || hours().is_some()
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        let zone = browser_time_zone();
                        edit(Box::new(move |d| d.set_hours(on, &zone)));
                    }
                />
                <label for="hours-on">{tr("Answer only in office hours (outside them, visitors see the out of hours message)")}</label>
            </div>
            <div class="hours" hidden=move || hours().is_none()>
                <label for="hours-zone">{tr("Time zone (IANA name)")}</label>
                <input
                    id="hours-zone"
                    placeholder="Europe/Madrid"
                    prop:value=move || hours().map(|h| h.time_zone).unwrap_or_default()
                    on:change=move |e| {
                        let typed = event_target_value(&e);
                        edit(Box::new(move |d| d.set_time_zone(typed)));
                    }
                />
                {(0..7).map(day).collect_view()}
                <p class="hint">{tr("Each day: opening spans separated by commas; empty is closed. A span may end after midnight (22:00-02:00).")}</p>
                <label for="hours-exceptions">{tr("Exceptions, one per line: a date, then its spans (none: closed all day)")}</label>
                <textarea
                    id="hours-exceptions"
                    rows="4"
                    placeholder="2026-12-25\n2026-12-24 09:00-13:00"
                    prop:value=move || exceptions.get().unwrap_or_default()
                    on:change=move |e| {
                        let typed = event_target_value(&e);
                        edit(Box::new(move |d| d.set_exceptions(&typed)));
                    }
                ></textarea>
            </div>
        </fieldset>
        <fieldset>
            <legend>{tr("Offline messages")}</legend>
            <div class="check">
                <input
                    id="offline-messages"
                    type="checkbox"
                    prop:checked=move || draft.with(|d| d.as_ref().is_some_and(|d| d.settings().options.offline_messages))
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        edit(Box::new(move |d| d.set_offline_messages(on)));
                    }
                />
                <label for="offline-messages">{tr("Outside office hours, visitors may leave a message with their e-mail address")}</label>
            </div>
        </fieldset>
        <RoutingFields draft=draft />
    }
}

/// How conversations reach the channel's operators: the strategy and the
/// limits.
#[component]
fn RoutingFields(draft: RwSignal<Option<Draft>>) -> impl IntoView {
    let edit = move |change: fn(&mut Routing, u32), value: u32| {
        draft.update(|d| {
            if let Some(d) = d {
                d.set_routing(|r| change(r, value));
            }
        });
    };
    let routing = move || {
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.settings().options.routing)
                .unwrap_or_default()
        })
    };
    let number = move |id: &'static str,
                       label: &'static str,
                       min: u32,
                       max: u32,
                       get: fn(&Routing) -> u32,
                       set: fn(&mut Routing, u32)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="number"
                    min=min
                    max=max
                    required
                    prop:value=move || get(&routing()).to_string()
                    on:change=move |e| {
                        if let Ok(value) = event_target_value(&e).trim().parse::<u32>() {
                            edit(set, value);
                        }
                    }
                />
            </div>
        }
    };
    view! {
        <fieldset class="routing">
            <legend>{tr("Routing")}</legend>
            <div class="field">
                <label for="routing-strategy">{tr("Strategy")}</label>
                <select
                    id="routing-strategy"
                    on:change=move |e| {
                        let strategy = match event_target_value(&e).as_str() {
                            "round_robin" => Strategy::RoundRobin,
                            "least_busy" => Strategy::LeastBusy,
                            _ => Strategy::Manual,
                        };
                        draft.update(|d| {
                            if let Some(d) = d {
                                d.set_routing(|r| r.strategy = strategy);
                            }
                        });
                    }
                >
                    {[
                        (Strategy::Manual, "manual", tr("Manual: operators take conversations from the queue")),
                        (Strategy::RoundRobin, "round_robin", tr("Round robin: each operator in turn")),
                        (Strategy::LeastBusy, "least_busy", tr("Least busy: the operator with the fewest conversations")),
                    ]
                        .into_iter()
                        .map(|(strategy, value, label)| {
                            view! { <option value=value selected=move || routing().strategy == strategy>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            {number("routing-concurrent", tr("Most conversations per operator at once"), 1, 100, |r| r.max_concurrent, |r, v| r.max_concurrent = v)}
            {number("routing-waiting", tr("Most conversations waiting (0: no limit)"), 0, 1000, |r| r.max_waiting, |r, v| r.max_waiting = v)}
            {number("routing-service", tr("Service level (seconds)"), 1, 3600, |r| r.service_level_secs, |r, v| r.service_level_secs = v)}
            {number("routing-inactivity", tr("Inactivity limit (minutes)"), 1, 1440, |r| r.inactivity_minutes, |r, v| r.inactivity_minutes = v)}
        </fieldset>
    }
}

/// The real widget in a frame beside the options, showing the draft's
/// colours and texts as they are typed, in the language being edited:
/// the console sends each change (and sends again when the widget in the
/// frame says it listens), and the preview sends nothing anywhere.
#[component]
fn Preview(
    id: ChannelId,
    draft: RwSignal<Option<Draft>>,
    language: RwSignal<Language>,
) -> impl IntoView {
    let frame = NodeRef::<leptos::html::Iframe>::new();
    let origin = page_edge().url("");
    let src = format!("/embed?channel={id}&preview");
    let id = StoredValue::new(id);
    let send = {
        let origin = origin.clone();
        move || {
            let preview = draft.with(|d| {
                d.as_ref().map(|d| {
                    let s = d.settings();
                    WidgetPreview {
                        config: WidgetConfig::of(
                            id.get_value(),
                            s.name.clone(),
                            &s.options,
                            s.rules.clone(),
                        ),
                        language: language.get(),
                    }
                })
            });
            let window = frame.get().and_then(|f| f.content_window());
            if let (Some(preview), Some(window)) = (preview, window) {
                let _ = window.post_message(&json::stringify(&preview).into(), &origin);
            }
        }
    };
    Effect::new({
        let send = send.clone();
        move |_| send()
    });
    let listening = window_event_listener(leptos::ev::message, move |event| {
        if event.origin() == origin && event.data().as_string().as_deref() == Some(PREVIEW_READY) {
            send();
        }
    });
    on_cleanup(move || listening.remove());
    view! {
        <iframe class="preview" title=tr("Preview of the widget") src=src node_ref=frame></iframe>
    }
}

/// The ordered rules.
#[component]
fn RulesTab(draft: RwSignal<Option<Draft>>, bots: RwSignal<Vec<ChatbotSummary>>) -> impl IntoView {
    let edit = move |change: Box<dyn FnOnce(&mut Draft)>| {
        draft.update(|d| {
            if let Some(d) = d {
                change(d);
            }
        });
    };
    // Re-render the list only when rules come or go; each field follows its
    // own rule, so typing keeps its focus.
    let count =
        Memo::new(move |_| draft.with(|d| d.as_ref().map_or(0, |d| d.settings().rules.len())));
    let rule = move |index: usize| {
        let get = move || {
            draft.with(|d| {
                d.as_ref()
                    .and_then(|d| d.settings().rules.get(index).cloned())
                    .unwrap_or_default()
            })
        };
        let n = index + 1;
        // Pages in plain words first; the expression is the advanced form.
        // The kind is kept apart while its words are still empty.
        let stored = draft.with_untracked(|d| {
            d.as_ref()
                .and_then(|d| d.settings().rules.get(index).map(|r| r.url_regex.clone()))
                .unwrap_or_default()
        });
        let kind = RwSignal::new(MatchKind::read(&stored).0);
        let words = move || MatchKind::read(&get().url_regex).1;
        let set_pages = move |chosen: MatchKind, typed: String| {
            kind.set(chosen);
            let regex = chosen.regex(&typed);
            edit(Box::new(move |d| {
                d.update_rule(index, |r| r.url_regex = regex)
            }));
        };
        view! {
            <li class="rule">
                <fieldset>
                    <legend>{trf("Rule {}", &[&n.to_string()])}</legend>
                    <div role="radiogroup" aria-label=trf("Rule {}: live chat button", &[&n.to_string()])>
                        {BUTTON_MODES
                            .into_iter()
                            .map(|mode| {
                                let id = format!("rule-{n}-{mode:?}");
                                view! {
                                    <span class="radio">
                                        <input
                                            type="radio"
                                            id=id.clone()
                                            name=format!("rule-{n}-button")
                                            prop:checked=move || get().button == mode
                                            on:change=move |_| edit(Box::new(move |d| d.update_rule(index, |r| r.button = mode)))
                                        />
                                        <label for=id>{button_mode_name(mode)}</label>
                                    </span>
                                }
                            })
                            .collect_view()}
                    </div>
                    <label for=format!("rule-{n}-pages")>{tr("Pages")}</label>
                    <select
                        id=format!("rule-{n}-pages")
                        on:change=move |e| {
                            let chosen = MatchKind::from_code(&event_target_value(&e)).unwrap_or(MatchKind::Every);
                            let typed = match (kind.get_untracked(), chosen) {
                                (MatchKind::Pattern, _) | (_, MatchKind::Pattern) => get().url_regex,
                                _ => words(),
                            };
                            set_pages(chosen, typed);
                        }
                    >
                        {MatchKind::ALL
                            .into_iter()
                            .map(|k| view! { <option value=k.code() selected=move || kind.get() == k>{match_name(k)}</option> })
                            .collect_view()}
                    </select>
                    <label class="charla-sr" for=format!("rule-{n}-words")>{tr("Address or path")}</label>
                    <input
                        id=format!("rule-{n}-words")
                        placeholder="/pricing"
                        hidden=move || matches!(kind.get(), MatchKind::Every | MatchKind::Pattern)
                        prop:value=words
                        on:input=move |e| set_pages(kind.get_untracked(), event_target_value(&e))
                    />
                    <label for=format!("rule-{n}-regex") hidden=move || kind.get() != MatchKind::Pattern>
                        {tr("URL regex")}
                    </label>
                    <input
                        id=format!("rule-{n}-regex")
                        class="regex"
                        placeholder="/(shop|store)"
                        hidden=move || kind.get() != MatchKind::Pattern
                        prop:value=move || get().url_regex
                        on:input=move |e| set_pages(MatchKind::Pattern, event_target_value(&e))
                    />
                    <label for=format!("rule-{n}-timer")>{tr("Open automatically timer (seconds)")}</label>
                    <input
                        id=format!("rule-{n}-timer")
                        type="number"
                        min="0"
                        prop:value=move || get().auto_open_seconds.to_string()
                        disabled=move || get().button != ButtonMode::OpenAutomatically
                        on:input=move |e| {
                            let seconds = event_target_value(&e).parse().unwrap_or(0);
                            edit(Box::new(move |d| d.update_rule(index, |r| r.auto_open_seconds = seconds)));
                        }
                    />
                    <label for=format!("rule-{n}-countries")>{tr("Countries (codes, empty for all)")}</label>
                    <input
                        id=format!("rule-{n}-countries")
                        placeholder="ES, MX, BR"
                        prop:value=move || get().countries.join(", ")
                        on:change=move |e| {
                            let typed = event_target_value(&e);
                            edit(Box::new(move |d| d.set_countries(index, &typed)));
                        }
                    />
                    <label for=format!("rule-{n}-bot")>{tr("Chatbot")}</label>
                    <select
                        id=format!("rule-{n}-bot")
                        on:change=move |e| {
                            let picked = event_target_value(&e);
                            edit(Box::new(move |d| d.update_rule(index, |r| r.chatbot = Some(picked).filter(|t| !t.is_empty()))));
                        }
                    >
                        <option value="" selected=move || get().chatbot.is_none()>{tr("None")}</option>
                        {move || {
                            bots.get()
                                .into_iter()
                                .map(|bot| {
                                    let id = bot.id.clone();
                                    let selected = move || get().chatbot.as_deref() == Some(id.as_str());
                                    view! { <option value=bot.id.clone() selected=selected>{bot.name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                    <div class="check">
                        <input
                            type="checkbox"
                            id=format!("rule-{n}-only")
                            prop:checked=move || get().chatbot_only_if_no_operator
                            on:change=move |e| {
                                let on = event_target_checked(&e);
                                edit(Box::new(move |d| d.update_rule(index, |r| r.chatbot_only_if_no_operator = on)));
                            }
                        />
                        <label for=format!("rule-{n}-only")>{tr("Enabled only if no operator")}</label>
                    </div>
                    <div class="rule-actions">
                        <button type="button" on:click=move |_| edit(Box::new(move |d| d.move_rule(index, true)))>
                            {trf("Move rule {} up", &[&n.to_string()])}
                        </button>
                        <button type="button" on:click=move |_| edit(Box::new(move |d| d.move_rule(index, false)))>
                            {trf("Move rule {} down", &[&n.to_string()])}
                        </button>
                        <button type="button" on:click=move |_| edit(Box::new(move |d| d.remove_rule(index)))>
                            {trf("Delete rule {}", &[&n.to_string()])}
                        </button>
                    </div>
                </fieldset>
            </li>
        }
    };
    view! {
        <p class="hint">
            {tr("The first rule whose pages include the page (and whose countries include the visitor's) decides. Without a match the button shows.")}
        </p>
        <ol class="rules">{move || (0..count.get()).map(rule).collect_view()}</ol>
        <button type="button" on:click=move |_| edit(Box::new(|d| d.add_rule()))>
            {tr("Add a rule")}
        </button>
    }
}

/// The snippet and the direct link.
#[component]
fn WidgetTab(id: ChannelId) -> impl IntoView {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let snippet =
        format!(r#"<script async src="{origin}/widget.js" data-channel="{id}"></script>"#);
    let link = format!("{origin}{}", routes::chat_page(&id));
    let ratings_page = format!("{origin}{}", routes::public_stats(&id));
    view! {
        <fieldset>
            <legend>{tr("On your site")}</legend>
            <label for="snippet">{tr("Paste this into your site's pages, inside <head>:")}</label>
            <textarea id="snippet" class="code" readonly rows="3">{snippet.clone()}</textarea>
            <CopyButton text=snippet label=tr("Copy the snippet") />
        </fieldset>
        <fieldset>
            <legend>{tr("Without a site")}</legend>
            <label for="direct-link">{tr("Send this link by e-mail: it opens a chat at once.")}</label>
            <input id="direct-link" class="code" readonly value=link.clone() />
            <CopyButton text=link label=tr("Copy the link") />
            <p class="hint">
                {tr("Public ratings page, once published under Options: ")}
                <a href=ratings_page.clone() target="_blank" rel="noopener">{ratings_page.clone()}</a>
            </p>
        </fieldset>
    }
}

/// The AI assistant: who answers first, the name its messages carry, what
/// it does when a person is needed; and the channel's knowledge base: how
/// many articles it has, its public help page, and an import of Markdown
/// files (`<slug>.<lang>.md`, first line `# Title`), saved at once, all or
/// nothing, with the edge's refusal shown as it is.
#[component]
fn AssistantTab(id: ChannelId, draft: RwSignal<Option<Draft>>) -> impl IntoView {
    let assistant = move || {
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.settings().options.assistant.clone())
                .unwrap_or_default()
        })
    };
    let edit = move |change: Box<dyn FnOnce(&mut AssistantOptions)>| {
        draft.update(|d| {
            if let Some(d) = d {
                d.set_assistant(change);
            }
        });
    };
    let changed = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let path = routes::knowledge(&id);
    let import = move |event: leptos::ev::Event| {
        let Some(files) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
        else {
            return;
        };
        let path = path.clone();
        leptos::task::spawn_local(async move {
            let mut read = Vec::new();
            for index in 0..files.length() {
                let Some(file) = files.get(index) else {
                    continue;
                };
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                match KbArticle::from_file(&file.name(), &text) {
                    Ok(article) => read.push(article),
                    Err(problem) => {
                        notice.set(Some(problem.message));
                        return;
                    }
                }
            }
            let import = KbImport {
                articles: read,
                replace: false,
            };
            match page_edge().put::<_, KbImported>(&path, &import).await {
                Ok(done) => {
                    notice.set(Some(trf("{} articles saved.", &[&done.saved.to_string()])));
                    changed.update(|n| *n += 1);
                }
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    let help = page_edge().url(&routes::help_page(&id, Language::En));
    view! {
        <fieldset class="assistant">
            <legend>{tr("AI assistant")}</legend>
            <div class="field">
                <label for="assistant-mode">{tr("Who answers first")}</label>
                <select
                    id="assistant-mode"
                    on:change=move |e| {
                        let mode = match event_target_value(&e).as_str() {
                            "automatic" => AssistantMode::Automatic,
                            "both" => AssistantMode::Both,
                            _ => AssistantMode::Manual,
                        };
                        edit(Box::new(move |a| a.mode = mode));
                    }
                >
                    {[
                        (AssistantMode::Manual, "manual", tr("Operators only: the assistant does not answer")),
                        (AssistantMode::Both, "both", tr("The assistant first, then a person")),
                        (AssistantMode::Automatic, "automatic", tr("The assistant only")),
                    ]
                        .into_iter()
                        .map(|(mode, value, label)| {
                            view! { <option value=value selected=move || assistant().mode == mode>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="assistant-name">{tr("Name on its messages")}</label>
                <input
                    id="assistant-name"
                    maxlength=MAX_ASSISTANT_NAME_CHARS
                    prop:value=move || assistant().name
                    on:change=move |e| {
                        let name = event_target_value(&e);
                        edit(Box::new(move |a| a.name = name));
                    }
                />
            </div>
            <div class="field">
                <label for="assistant-hand-off">{tr("When a person is needed")}</label>
                <select
                    id="assistant-hand-off"
                    on:change=move |e| {
                        let style = if event_target_value(&e) == "at_once" {
                            HandOffStyle::AtOnce
                        } else {
                            HandOffStyle::Offer
                        };
                        edit(Box::new(move |a| a.hand_off = style));
                    }
                >
                    {[
                        (HandOffStyle::Offer, "offer", tr("Offer a person (a visitor who asks gets one at once)")),
                        (HandOffStyle::AtOnce, "at_once", tr("Hand the conversation over at once")),
                    ]
                        .into_iter()
                        .map(|(style, value, label)| {
                            view! { <option value=value selected=move || assistant().hand_off == style>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="check">
                <input
                    id="assistant-model"
                    type="checkbox"
                    prop:checked=move || assistant().write_with_model
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        edit(Box::new(move |a| a.write_with_model = on));
                    }
                />
                <label for="assistant-model">{tr("Write answers with the language model (where the installation sets AI_BASE_URL and AI_MODEL); the article's passage is quoted when it fails")}</label>
            </div>
            <ChannelModel id=id.clone() />
        </fieldset>
        <fieldset class="knowledge">
            <legend>{tr("Knowledge base")}</legend>
            <Articles id=id.clone() changed=changed />
            <label for="kb-files">{tr("Import Markdown files named slug.lang.md whose first line is # Title")}</label>
            <input id="kb-files" type="file" multiple accept=".md,text/markdown" on:change=import />
            <p class="hint">
                {tr("Help page: ")}
                <a href=help.clone() target="_blank" rel="noopener">{help.clone()}</a>
            </p>
            <p role="status">{move || notice.get()}</p>
        </fieldset>
    }
}

/// Allowed origins, signed-in visitors and the signing secret.
#[component]
fn SecurityTab(id: ChannelId) -> impl IntoView {
    let secrets = RwSignal::new(None::<ChannelSecrets>);
    let origins = RwSignal::new(String::new());
    let require = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let loaded = move |loaded: ChannelSecrets| {
        origins.set(loaded.security.allowed_origins.join("\n"));
        require.set(loaded.security.require_identity);
        secrets.set(Some(loaded));
    };
    {
        let path = routes::channel_security(&id);
        leptos::task::spawn_local(async move {
            match page_edge().get::<ChannelSecrets>(&path).await {
                Ok(found) => loaded(found),
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    }
    let save = {
        let path = routes::channel_security(&id);
        move |_| {
            let security = ChannelSecurity {
                allowed_origins: origins
                    .get_untracked()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                require_identity: require.get_untracked(),
            };
            let path = path.clone();
            leptos::task::spawn_local(async move {
                match page_edge().put::<_, ChannelSecrets>(&path, &security).await {
                    Ok(saved) => {
                        loaded(saved);
                        notice.set(Some(tr("Security settings saved.").into()));
                    }
                    Err(e) => notice.set(Some(e.to_string())),
                }
            });
        }
    };
    let rotate = {
        let path = routes::channel_secret(&id);
        move |_| {
            let path = path.clone();
            leptos::task::spawn_local(async move {
                match page_edge().post::<_, ChannelSecrets>(&path, &()).await {
                    Ok(rotated) => {
                        loaded(rotated);
                        notice.set(Some(
                            tr("A new secret is in use; hashes made with the old one fail now.")
                                .into(),
                        ));
                    }
                    Err(e) => notice.set(Some(e.to_string())),
                }
            });
        }
    };
    view! {
        <p class="notice" role="status">{move || notice.get()}</p>
        <fieldset>
        <legend>{tr("Who may use the channel")}</legend>
        <label for="origins">{tr("Sites allowed to use this channel (one origin per line, empty for any)")}</label>
        <textarea
            id="origins"
            rows="3"
            placeholder="https://www.example.com"
            prop:value=origins
            on:input=move |e| origins.set(event_target_value(&e))
        ></textarea>
        <div class="check">
            <input
                type="checkbox"
                id="require-identity"
                prop:checked=require
                on:change=move |e| require.set(event_target_checked(&e))
            />
            <label for="require-identity">{tr("Only signed-in visitors (identity verified with the secret)")}</label>
        </div>
        <button type="button" on:click=save>{tr("Save security settings")}</button>
        </fieldset>
        <fieldset>
        <legend>{tr("Signed-in visitors")}</legend>
        <label for="secret">{tr("Identity secret: user_hash = HMAC-SHA256(secret, user_id)")}</label>
        <input id="secret" class="code" readonly value=move || secrets.get().map(|s| s.identity_secret).unwrap_or_default() />
        {move || secrets.get().map(|s| view! { <CopyButton text=s.identity_secret label=tr("Copy the secret") /> })}
        <button type="button" on:click=rotate>{tr("Replace the secret")}</button>
        </fieldset>
    }
}

/// Copies a text to the clipboard and says so.
#[component]
fn CopyButton(text: String, label: &'static str) -> impl IntoView {
    let done = RwSignal::new(false);
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            done.set(true);
        }
    };
    view! {
        <button type="button" on:click=copy>{label}</button>
        <span role="status" class="hint">{move || done.get().then_some(tr("Copied."))}</span>
    }
}

/// Every button mode, in the order the editor offers them.
const BUTTON_MODES: [ButtonMode; 4] = [
    ButtonMode::Show,
    ButtonMode::ShowWithNotification,
    ButtonMode::OpenAutomatically,
    ButtonMode::Hide,
];

/// A tab's name in the console's language.
fn tab_name(tab: Tab) -> &'static str {
    match tab {
        Tab::Operators => tr("Operators"),
        Tab::Options => tr("Options"),
        Tab::Hours => tr("Office hours"),
        Tab::Rules => tr("Channel rules"),
        Tab::Widget => tr("Widget"),
        Tab::Security => tr("Security"),
        Tab::Canned => tr("Canned responses"),
        Tab::Assistant => tr("Assistant"),
    }
}

/// What the editor calls a button mode.
fn button_mode_name(mode: ButtonMode) -> &'static str {
    match mode {
        ButtonMode::Show => tr("Show"),
        ButtonMode::ShowWithNotification => tr("Show with notification"),
        ButtonMode::OpenAutomatically => tr("Open automatically"),
        ButtonMode::Hide => tr("Hide"),
    }
}

/// What the editor calls a way of matching pages.
fn match_name(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Every => tr("Every page"),
        MatchKind::Contains => tr("Pages whose address contains"),
        MatchKind::StartsWith => tr("Pages whose address starts with"),
        MatchKind::Exactly => tr("The page whose address is exactly"),
        MatchKind::Pattern => tr("Pages matching a regular expression (advanced)"),
    }
}

/// A channel text's name (as `ChannelOptions::borrowed_texts` gives it) in
/// the console's language.
fn field_name(field: &str) -> &str {
    match field {
        "welcome message" => tr("welcome message"),
        "placeholder" => tr("placeholder"),
        "button text" => tr("button text"),
        "closing comments" => tr("closing comments"),
        "out of hours message" => tr("out of hours message"),
        "offline message prompt" => tr("offline message prompt"),
        other => other,
    }
}

/// A weekday's name (Monday is 0) in the console's language.
pub fn weekday_name(day: usize) -> &'static str {
    match day {
        0 => tr("Monday"),
        1 => tr("Tuesday"),
        2 => tr("Wednesday"),
        3 => tr("Thursday"),
        4 => tr("Friday"),
        5 => tr("Saturday"),
        _ => tr("Sunday"),
    }
}

/// The admin's own time zone, which new office hours start in.
fn browser_time_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".into())
}
