//! Operator accounts: admins create, change and remove them; everyone
//! chooses their own password (at once, when an admin gave them one). The
//! edge checks every field again; its refusal shows beside the button.

use charla_shared::api::{OperatorForm, OperatorProfile, PasswordChange, StaffRole};
use charla_shared::ids::OperatorId;
use charla_shared::limits::{MAX_EMAIL_CHARS, MAX_NAME_CHARS, MIN_PASSWORD_CHARS};
use charla_shared::routes;
use leptos::ev::SubmitEvent;
use leptos::html::{Input, Select};
use leptos::prelude::*;

use crate::app::{confirm, page_edge};
use crate::words::{tr, trf};

/// The operator chooses a new password, giving the current one.
#[component]
pub fn ChoosePassword(
    /// Called once the edge keeps it.
    on_done: Callback<()>,
) -> impl IntoView {
    let current = NodeRef::<Input>::new();
    let chosen = NodeRef::<Input>::new();
    let again = NodeRef::<Input>::new();
    let problem = RwSignal::new(None::<String>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if input_value(chosen) != input_value(again) {
            return problem.set(Some(tr("The two new passwords differ.").into()));
        }
        let change = PasswordChange {
            current: input_value(current),
            new: input_value(chosen),
        };
        leptos::task::spawn_local(async move {
            match page_edge().put::<_, ()>(routes::PASSWORD, &change).await {
                Ok(()) => {
                    problem.set(None);
                    on_done.run(());
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let minimum = MIN_PASSWORD_CHARS.to_string();
    view! {
        <form class="password" on:submit=submit>
            <label for="current-password">{tr("Current password")}</label>
            <input id="current-password" type="password" autocomplete="current-password" required node_ref=current />
            <label for="new-password">{tr("New password")}</label>
            <input
                id="new-password"
                type="password"
                autocomplete="new-password"
                required
                minlength=minimum.clone()
                node_ref=chosen
            />
            <label for="repeat-password">{tr("The new password again")}</label>
            <input
                id="repeat-password"
                type="password"
                autocomplete="new-password"
                required
                minlength=minimum
                node_ref=again
            />
            <p class="hint">{trf("At least {} characters.", &[&MIN_PASSWORD_CHARS.to_string()])}</p>
            <p class="error" role="alert">{move || problem.get()}</p>
            <button type="submit">{tr("Save the password")}</button>
        </form>
    }
}

/// Every account, with a form that creates one or changes the one picked.
#[component]
pub fn Accounts(
    /// The admin using the console (who cannot remove themselves).
    me: OperatorId,
) -> impl IntoView {
    let accounts = RwSignal::new(Vec::<OperatorProfile>::new());
    let editing = RwSignal::new(None::<OperatorProfile>);
    let notice = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match page_edge()
                .get::<Vec<OperatorProfile>>(routes::OPERATORS)
                .await
            {
                Ok(list) => accounts.set(list),
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    reload();
    let remove = move |account: OperatorProfile| {
        if !confirm(&trf(
            "Remove the account of {} ({})? Its conversations keep its messages.",
            &[&account.name, &account.email],
        )) {
            return;
        }
        leptos::task::spawn_local(async move {
            match page_edge().delete(&routes::operator(&account.id)).await {
                Ok(()) => {
                    notice.set(Some(trf("{} was removed.", &[&account.name])));
                    reload();
                }
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    let saved = Callback::new(move |said: String| {
        notice.set(Some(said));
        editing.set(None);
        reload();
    });
    view! {
        <main class="accounts">
            <h2>{tr("Operator accounts")}</h2>
            <p class="notice" role="status">{move || notice.get()}</p>
            <table class="account-list">
                <thead>
                    <tr>
                        <th scope="col">{tr("Name")}</th>
                        <th scope="col">{tr("Chat name")}</th>
                        <th scope="col">{tr("E-mail")}</th>
                        <th scope="col">{tr("Role")}</th>
                        <th scope="col">{tr("Actions")}</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || accounts.get()
                        key=|account| format!("{account:?}")
                        children=move |account| {
                            let mine = account.id == me;
                            let edited = account.clone();
                            let removed = account.clone();
                            view! {
                                <tr data-account=account.id.to_string()>
                                    <th scope="row">{account.name.clone()}</th>
                                    <td>{account.shown_name().to_owned()}</td>
                                    <td>{account.email.clone()}</td>
                                    <td>{role_name(account.role)}</td>
                                    <td>
                                        <button type="button" on:click=move |_| editing.set(Some(edited.clone()))>
                                            {trf("Edit {}", &[&account.name])}
                                        </button>
                                        <button type="button" disabled=mine on:click=move |_| remove(removed.clone())>
                                            {trf("Remove {}", &[&account.name])}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
            {move || {
                let cancel = Callback::new(move |()| editing.set(None));
                view! { <AccountForm account=editing.get() saved=saved cancel=cancel /> }
            }}
        </main>
    }
}

/// Creates an account (no `account`) or changes one.
#[component]
fn AccountForm(
    account: Option<OperatorProfile>,
    saved: Callback<String>,
    cancel: Callback<()>,
) -> impl IntoView {
    let creating = account.is_none();
    let id = NodeRef::<Input>::new();
    let name = NodeRef::<Input>::new();
    let chat_name = NodeRef::<Input>::new();
    let avatar_color = NodeRef::<Input>::new();
    let email = NodeRef::<Input>::new();
    let role = NodeRef::<Select>::new();
    let password = NodeRef::<Input>::new();
    let problem = RwSignal::new(None::<String>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let account_id = match OperatorId::parse(input_value(id).trim()) {
            Ok(account_id) => account_id,
            Err(e) => return problem.set(Some(trf("The id {}.", &[&e.to_string()]))),
        };
        let typed = input_value(password);
        let form = OperatorForm {
            id: account_id,
            name: input_value(name),
            email: input_value(email),
            role: match role.get_untracked().map(|r| r.value()).as_deref() {
                Some("admin") => StaffRole::Admin,
                _ => StaffRole::Operator,
            },
            chat_name: input_value(chat_name),
            avatar_color: input_value(avatar_color),
            password: (!typed.is_empty()).then_some(typed),
        };
        let form = match form.validated(creating) {
            Ok(form) => form,
            Err(refused) => return problem.set(Some(refused.message)),
        };
        leptos::task::spawn_local(async move {
            let edge = page_edge();
            let done = if creating {
                edge.post::<_, OperatorId>(routes::OPERATORS, &form).await
            } else {
                edge.put::<_, OperatorId>(&routes::operator(&form.id), &form)
                    .await
            };
            match done {
                Ok(_) => saved.run(if creating {
                    trf(
                        "{} can sign in now; they choose their own password first.",
                        &[&form.name],
                    )
                } else {
                    trf("{} is saved.", &[&form.name])
                }),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let field = |value: Option<String>| value.unwrap_or_default();
    let admin = account.as_ref().is_some_and(|a| a.role == StaffRole::Admin);
    let title = match &account {
        Some(account) => trf("Edit {}", &[&account.name]),
        None => tr("New operator").to_owned(),
    };
    view! {
        <form class="account-form" on:submit=submit>
            <h3>{title}</h3>
            <label for="account-id">{tr("Id (a-z, 0-9, -)")}</label>
            <input
                id="account-id"
                required
                readonly=!creating
                value=field(account.as_ref().map(|a| a.id.to_string()))
                node_ref=id
            />
            <label for="account-name">{tr("Name")}</label>
            <input
                id="account-name"
                required
                maxlength=MAX_NAME_CHARS
                value=field(account.as_ref().map(|a| a.name.clone()))
                node_ref=name
            />
            <label for="account-chat-name">{tr("Chat name (what visitors see; empty: the name)")}</label>
            <input
                id="account-chat-name"
                maxlength=MAX_NAME_CHARS
                value=field(account.as_ref().map(|a| a.chat_name.clone()))
                node_ref=chat_name
            />
            <label for="account-avatar">{tr("Avatar colour (visitors see the initials on it; empty: none)")}</label>
            <input
                id="account-avatar"
                placeholder="#1f6f5c"
                maxlength="32"
                value=field(account.as_ref().map(|a| a.avatar_color.clone()))
                node_ref=avatar_color
            />
            <label for="account-email">{tr("E-mail")}</label>
            <input
                id="account-email"
                type="email"
                required
                maxlength=MAX_EMAIL_CHARS
                value=field(account.as_ref().map(|a| a.email.clone()))
                node_ref=email
            />
            <label for="account-role">{tr("Role")}</label>
            <select id="account-role" node_ref=role>
                <option value="operator" selected=!admin>{role_name(StaffRole::Operator)}</option>
                <option value="admin" selected=admin>{role_name(StaffRole::Admin)}</option>
            </select>
            <label for="account-password">
                {if creating {
                    tr("Initial password (they choose their own at their first sign-in)")
                } else {
                    tr("New initial password (empty: keep theirs)")
                }}
            </label>
            <input id="account-password" type="text" autocomplete="off" required=creating node_ref=password />
            <p class="error" role="alert">{move || problem.get()}</p>
            <button type="submit">{if creating { tr("Create the account") } else { tr("Save") }}</button>
            {(!creating).then(|| view! { <button type="button" on:click=move |_| cancel.run(())>{tr("Cancel")}</button> })}
        </form>
    }
}

/// What the console calls a role.
fn role_name(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Admin => tr("Admin"),
        StaffRole::Operator => tr("Operator"),
    }
}

/// What an input holds now (empty before it is mounted).
fn input_value(input: NodeRef<Input>) -> String {
    input.get_untracked().map(|i| i.value()).unwrap_or_default()
}
