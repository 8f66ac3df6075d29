//! Chatbots, for admins: the list, a form for a new one, and the script
//! editor with its test mode, after the Odoo chatbot form admins know.
//! Every change goes through [`ScriptDraft`]; the test runs the script here
//! with the same engine the edge runs, and stores nothing.

use charla_client::ui::{BotControls, Composer, MessageList};
use charla_shared::api::{ChatbotSummary, SavedChatbot};
use charla_shared::bot::{AnswerId, Chatbot, Issue, Severity, Step, StepKind, Texts};
use charla_shared::channel::Language;
use charla_shared::ids::{ChannelId, ParticipantId};
use charla_shared::routes;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::app::{confirm, page_edge};
use crate::pick::{NewNamedForm, PickList};
use crate::script::{expects, kind_name, kinds, ScriptDraft, TestRun};
use crate::words::{tr, trf};

/// The chatbots screen.
#[component]
pub fn ChatbotsAdmin() -> impl IntoView {
    let bots = RwSignal::new(Vec::<ChatbotSummary>::new());
    let selected = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        match page_edge()
            .get::<Vec<ChatbotSummary>>(routes::CHATBOTS)
            .await
        {
            Ok(list) => {
                selected.set(list.first().map(|b| b.id.clone()));
                bots.set(list);
            }
            Err(e) => notice.set(Some(e.to_string())),
        }
    });
    view! {
        <main class="chatbots">
            <nav class="channel-list" aria-labelledby="chatbots-title">
                <h2 id="chatbots-title">{tr("Chatbots")}</h2>
                <p class="notice" role="status">{move || notice.get()}</p>
                <PickList
                    items=Signal::derive(move || {
                        bots.with(|list| list.iter().map(|b| (b.id.clone(), b.name.clone())).collect())
                    })
                    selected=selected
                />
                <NewBotForm on_created=Callback::new(move |created: ChatbotSummary| {
                    bots.update(|list| list.push(created.clone()));
                    selected.set(Some(created.id));
                }) />
            </nav>
            {move || {
                selected
                    .get()
                    .map(|id| view! { <BotEditor id=id bots=bots selected=selected /> })
            }}
        </main>
    }
}

/// Creates a chatbot with a one-step script to start from.
#[component]
fn NewBotForm(on_created: Callback<ChatbotSummary>) -> impl IntoView {
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let bot_id = id.get_untracked().trim().to_owned();
        if ChannelId::parse(bot_id.as_str()).is_err() {
            return error.set(Some(
                tr("The id must be 1 to 40 characters of a-z, 0-9 and '-'.").into(),
            ));
        }
        let chatbot = Chatbot {
            name: name.get_untracked(),
            fallback_language: Language::En,
            steps: vec![Step {
                id: 1,
                kind: StepKind::Text,
                message: Texts::one(Language::En, "Hello! How can we help?"),
                only_if: Vec::new(),
            }],
        };
        leptos::task::spawn_local(async move {
            match page_edge()
                .put::<_, SavedChatbot>(&routes::chatbot(&bot_id), &chatbot)
                .await
            {
                Ok(saved) => {
                    error.set(None);
                    id.set(String::new());
                    name.set(String::new());
                    on_created.run(ChatbotSummary {
                        id: bot_id,
                        name: saved.chatbot.name,
                        steps: saved.chatbot.steps.len(),
                    });
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! { <NewNamedForm title=tr("New chatbot") prefix="new-bot" name=name id=id error=error submit=submit /> }
}

/// One chatbot's name and script, with its test mode.
#[component]
fn BotEditor(
    id: String,
    bots: RwSignal<Vec<ChatbotSummary>>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let draft = RwSignal::new(None::<ScriptDraft>);
    let notice = RwSignal::new(None::<String>);
    let language = RwSignal::new(Language::En);
    let testing = RwSignal::new(false);
    {
        let path = routes::chatbot(&id);
        leptos::task::spawn_local(async move {
            match page_edge().get::<SavedChatbot>(&path).await {
                Ok(saved) => draft.set(Some(ScriptDraft::new(saved.chatbot))),
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    }
    let edit = move |change: Box<dyn FnOnce(&mut ScriptDraft)>| {
        draft.update(|d| {
            if let Some(d) = d {
                change(d);
            }
        });
    };
    let issues =
        Memo::new(move |_| draft.with(|d| d.as_ref().map(ScriptDraft::issues).unwrap_or_default()));
    let has_errors = move || issues.with(|i| i.iter().any(|i| i.severity == Severity::Error));
    let save = {
        let id = id.clone();
        move |_| {
            let Some(chatbot) = draft.with_untracked(|d| d.as_ref().map(|d| d.bot().clone()))
            else {
                return;
            };
            let id = id.clone();
            leptos::task::spawn_local(async move {
                match page_edge()
                    .put::<_, SavedChatbot>(&routes::chatbot(&id), &chatbot)
                    .await
                {
                    Ok(saved) => {
                        bots.update(|list| {
                            if let Some(b) = list.iter_mut().find(|b| b.id == id) {
                                b.name = saved.chatbot.name.clone();
                                b.steps = saved.chatbot.steps.len();
                            }
                        });
                        edit(Box::new(move |d| d.saved(saved.chatbot)));
                        notice.set(Some(tr("Saved. New conversations use it at once.").into()));
                    }
                    Err(e) => notice.set(Some(e.to_string())),
                }
            });
        }
    };
    let delete = {
        let id = id.clone();
        move |_| {
            let confirmed = confirm(&trf(
                "Delete the chatbot {}? Rules naming it stop using it.",
                &[&id],
            ));
            if !confirmed {
                return;
            }
            let id = id.clone();
            leptos::task::spawn_local(async move {
                match page_edge().delete(&routes::chatbot(&id)).await {
                    Ok(()) => {
                        bots.update(|list| list.retain(|b| b.id != id));
                        selected.set(None);
                    }
                    Err(e) => notice.set(Some(e.to_string())),
                }
            });
        }
    };
    let loaded = Memo::new(move |_| draft.with(Option::is_some));
    let count = Memo::new(move |_| draft.with(|d| d.as_ref().map_or(0, |d| d.bot().steps.len())));
    let name = move || draft.with(|d| d.as_ref().map(|d| d.bot().name.clone()).unwrap_or_default());
    let general = move || {
        issues
            .get()
            .into_iter()
            .filter(|i| i.step.is_none())
            .map(|i| {
                let class = severity_class(&i);
                view! { <li class=class>{i.message}</li> }
            })
            .collect_view()
    };
    let new_kind = RwSignal::new("text".to_owned());
    view! {
        <section class="editor" aria-labelledby="bot-title">
            <header class="editor-head">
                <h2 id="bot-title">{name}</h2>
                <label for="bot-name">{tr("Chatbot name")}</label>
                <input
                    id="bot-name"
                    prop:value=name
                    on:input=move |e| {
                        let value = event_target_value(&e);
                        edit(Box::new(move |d| d.set_name(value)));
                    }
                />
                <button
                    type="button"
                    class="save"
                    disabled=move || has_errors() || !draft.with(|d| d.as_ref().is_some_and(ScriptDraft::is_dirty))
                    on:click=save
                >
                    {tr("Save")}
                </button>
                <button type="button" on:click=move |_| testing.update(|t| *t = !*t)>
                    {move || if testing.get() { tr("Back to editing") } else { tr("Test") }}
                </button>
                <button type="button" on:click=delete>{tr("Delete")}</button>
            </header>
            <p class="notice" role="status">{move || notice.get()}</p>
            <ul class="problems" role="alert">{general}</ul>
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
            {move || {
                if !loaded.get() {
                    return view! { <p>{tr("Loading…")}</p> }.into_any();
                }
                if testing.get() {
                    let bot = draft.with_untracked(|d| d.as_ref().map(|d| d.bot().clone())).unwrap_or_default();
                    return view! { <BotTest bot=bot language=language.get_untracked() /> }.into_any();
                }
                view! {
                    <ol class="rules script">
                        {move || (0..count.get()).map(|index| view! { <StepEditor index=index draft=draft language=language /> }).collect_view()}
                    </ol>
                    <div class="rule-actions">
                        <label for="new-step-kind">{tr("New step")}</label>
                        <select id="new-step-kind" on:change=move |e| new_kind.set(event_target_value(&e))>
                            {kinds().into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                        </select>
                        <button
                            type="button"
                            on:click=move |_| {
                                let kind = new_kind.get_untracked();
                                edit(Box::new(move |d| d.add_step(&kind)));
                            }
                        >
                            {tr("Add a step")}
                        </button>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}

/// One step of the script: its kind, message, answers, team and "only if",
/// with its problems beside it.
#[component]
fn StepEditor(
    index: usize,
    draft: RwSignal<Option<ScriptDraft>>,
    language: RwSignal<Language>,
) -> impl IntoView {
    let edit = move |change: Box<dyn FnOnce(&mut ScriptDraft)>| {
        draft.update(|d| {
            if let Some(d) = d {
                change(d);
            }
        });
    };
    let step = move || draft.with(|d| d.as_ref().and_then(|d| d.bot().steps.get(index).cloned()));
    let n = index + 1;
    let kind = move || step().map(|s| kind_name(&s.kind)).unwrap_or("text");
    let message = move || {
        step()
            .map(|s| {
                s.message
                    .0
                    .get(&language.get())
                    .cloned()
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    };
    let problems = move || {
        let Some(id) = step().map(|s| s.id) else {
            return Vec::new();
        };
        draft.with(|d| d.as_ref().map(|d| d.issues_of(id)).unwrap_or_default())
    };
    let answers = move || match step().map(|s| s.kind) {
        Some(StepKind::Question { answers }) => answers,
        _ => Vec::new(),
    };
    let team = move || match step().map(|s| s.kind) {
        Some(StepKind::CreateTicket { team }) => Some(team),
        _ => None,
    };
    let earlier = move || {
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.earlier_answers(index, language.get()))
                .unwrap_or_default()
        })
    };
    let only_if = move || step().map(|s| s.only_if).unwrap_or_default();
    view! {
        <li class="rule step">
            <fieldset>
                <legend>{trf("Step {}", &[&n.to_string()])}</legend>
                <ul class="problems" role="alert">
                    {move || problems().into_iter().map(|i| { let class = severity_class(&i); view! { <li class=class>{i.message}</li> } }).collect_view()}
                </ul>
                <label for=format!("step-{n}-kind")>{tr("Step type")}</label>
                <select
                    id=format!("step-{n}-kind")
                    on:change=move |e| {
                        let value = event_target_value(&e);
                        edit(Box::new(move |d| d.set_kind(index, &value)));
                    }
                >
                    {kinds()
                        .into_iter()
                        .map(|(value, label)| view! { <option value=value selected=move || kind() == value>{label}</option> })
                        .collect_view()}
                </select>
                <label for=format!("step-{n}-message")>{tr("Message")}</label>
                <textarea
                    id=format!("step-{n}-message")
                    rows="2"
                    prop:value=message
                    on:input=move |e| {
                        let text = event_target_value(&e);
                        let lang = language.get_untracked();
                        edit(Box::new(move |d| d.set_message(index, lang, text)));
                    }
                ></textarea>
                {move || {
                    team()
                        .map(|value| {
                            view! {
                                <label for=format!("step-{n}-team")>{tr("Team")}</label>
                                <input
                                    id=format!("step-{n}-team")
                                    prop:value=value
                                    on:input=move |e| {
                                        let name = event_target_value(&e);
                                        edit(Box::new(move |d| d.set_team(index, name)));
                                    }
                                />
                            }
                        })
                }}
                {move || {
                    (kind() == "question")
                        .then(|| {
                            view! {
                                <fieldset class="answers">
                                    <legend>{trf("Answers of step {}", &[&n.to_string()])}</legend>
                                    {answers()
                                        .into_iter()
                                        .enumerate()
                                        .map(|(k, answer)| answer_editor(index, k + 1, answer.id, answer.label, answer.link, language, edit))
                                        .collect_view()}
                                    <button type="button" on:click=move |_| edit(Box::new(move |d| d.add_answer(index)))>
                                        {trf("Add an answer to step {}", &[&n.to_string()])}
                                    </button>
                                </fieldset>
                            }
                        })
                }}
                <fieldset class="only-if">
                    <legend>{trf("Step {} only if these answers were chosen", &[&n.to_string()])}</legend>
                    {move || {
                        let chosen = only_if();
                        earlier()
                            .into_iter()
                            .map(|(answer, label)| {
                                let input_id = format!("step-{n}-if-{answer}");
                                view! {
                                    <div class="check">
                                        <input
                                            type="checkbox"
                                            id=input_id.clone()
                                            prop:checked=chosen.contains(&answer)
                                            on:change=move |e| {
                                                let on = event_target_checked(&e);
                                                edit(Box::new(move |d| d.toggle_only_if(index, answer, on)));
                                            }
                                        />
                                        <label for=input_id>{label}</label>
                                    </div>
                                }
                            })
                            .collect_view()
                    }}
                </fieldset>
                <div class="rule-actions">
                    <button type="button" on:click=move |_| edit(Box::new(move |d| d.move_step(index, true)))>
                        {trf("Move step {} up", &[&n.to_string()])}
                    </button>
                    <button type="button" on:click=move |_| edit(Box::new(move |d| d.move_step(index, false)))>
                        {trf("Move step {} down", &[&n.to_string()])}
                    </button>
                    <button type="button" on:click=move |_| edit(Box::new(move |d| d.remove_step(index)))>
                        {trf("Delete step {}", &[&n.to_string()])}
                    </button>
                </div>
            </fieldset>
        </li>
    }
}

/// One answer of a question: its label in the language being edited, the
/// page it opens, and a way to remove it.
fn answer_editor(
    index: usize,
    k: usize,
    answer: AnswerId,
    label: Texts,
    link: Option<String>,
    language: RwSignal<Language>,
    edit: impl Fn(Box<dyn FnOnce(&mut ScriptDraft)>) + Copy + 'static,
) -> impl IntoView {
    let n = index + 1;
    let label_id = format!("step-{n}-answer-{k}");
    let link_id = format!("step-{n}-answer-{k}-link");
    let value = move || label.0.get(&language.get()).cloned().unwrap_or_default();
    view! {
        <div class="answer">
            <label for=label_id.clone()>{trf("Answer {}", &[&k.to_string()])}</label>
            <input
                id=label_id
                prop:value=value
                on:input=move |e| {
                    let text = event_target_value(&e);
                    let lang = language.get_untracked();
                    edit(Box::new(move |d| d.set_answer_label(index, answer, lang, text)));
                }
            />
            <label for=link_id.clone()>{trf("Answer {} opens (optional)", &[&k.to_string()])}</label>
            <input
                id=link_id
                type="url"
                placeholder="https://"
                prop:value=link.unwrap_or_default()
                on:change=move |e| {
                    let url = event_target_value(&e);
                    edit(Box::new(move |d| d.set_answer_link(index, answer, url)));
                }
            />
            <button type="button" on:click=move |_| edit(Box::new(move |d| d.remove_answer(index, answer)))>
                {trf("Remove answer {}", &[&k.to_string()])}
            </button>
        </div>
    }
}

/// The script run as a visitor would see it, with Restart.
#[component]
fn BotTest(bot: Chatbot, language: Language) -> impl IntoView {
    let test = RwSignal::new(TestRun::start(bot, language));
    let messages = Signal::derive(move || test.with(|t| t.messages().to_vec()));
    let expects = Signal::derive(move || test.with(|t| expects(t.messages())));
    let choose = UnsyncCallback::new(move |(answer, label): (AnswerId, String)| {
        test.update(|t| t.choose(answer, &label));
    });
    let restart = UnsyncCallback::new(move |()| test.update(TestRun::restart));
    let send = UnsyncCallback::new(move |text: String| {
        test.try_update(|t| t.typed(&text)).unwrap_or(false)
    });
    view! {
        <section class="pane bot-test" aria-label=tr("Test of the script")>
            <header>
                <h3>{tr("Test: what a visitor sees")}</h3>
                <button type="button" on:click=move |_| restart.run(())>{tr("Restart")}</button>
            </header>
            <MessageList
                messages=messages
                pending=Signal::derive(Vec::new)
                me=Signal::derive(|| Some(ParticipantId::visitor()))
                label=tr("Test conversation")
                you=tr("Visitor")
                sending=tr("Sending…")
            />
            <BotControls
                messages=messages
                choose=choose
                restart=restart
                restart_label=tr("Restart")
                choices_label=tr("Answers")
            />
            <Composer
                class="reply"
                id="bot-test-input"
                label=tr("Answer as the visitor")
                placeholder=tr("Write as a visitor would…").to_string()
                button_label=tr("Send")
                send=send
                expects=expects
            >
                {tr("Send")}
            </Composer>
        </section>
    }
}

fn severity_class(issue: &Issue) -> &'static str {
    match issue.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
