//! A channel's own language model in the console: the address of an
//! OpenAI-compatible endpoint, the model's name and its key, which the
//! assistant then writes with instead of the installation's. The key is
//! write-only: the edge only says whether one is saved, and an empty key
//! field keeps it. The fields live on [`ModelForm`], a plain value with
//! native tests; the component only wires it.

use charla_shared::ids::ChannelId;
use charla_shared::knowledge::{ModelSettings, ModelView};
use charla_shared::protocol::Problem;
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::words::tr;

/// The model form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelForm {
    pub base_url: String,
    pub model: String,
    /// A new key; empty keeps the saved one.
    pub key: String,
    /// Whether the edge has a key saved.
    pub has_key: bool,
}

impl ModelForm {
    /// The form for what the edge has.
    pub fn of(view: ModelView) -> ModelForm {
        ModelForm {
            base_url: view.base_url,
            model: view.model,
            key: String::new(),
            has_key: view.has_key,
        }
    }

    /// What to send, checked as the edge will check it.
    pub fn settings(&self) -> Result<ModelSettings, Problem> {
        ModelSettings {
            base_url: self.base_url.clone(),
            model: self.model.clone(),
            api_key: (!self.key.trim().is_empty()).then(|| self.key.clone()),
        }
        .validated()
    }
}

/// The channel's own model, under the assistant's options.
#[component]
pub fn ChannelModel(
    /// The channel.
    id: ChannelId,
) -> impl IntoView {
    let form = RwSignal::new(ModelForm::default());
    let notice = RwSignal::new(None::<String>);
    let path = routes::channel_model(&id);
    {
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match page_edge().get::<ModelView>(&path).await {
                Ok(view) => form.set(ModelForm::of(view)),
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    }
    let save = move |_| {
        let settings = match form.with_untracked(ModelForm::settings) {
            Ok(settings) => settings,
            Err(problem) => {
                notice.set(Some(problem.message));
                return;
            }
        };
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match page_edge().put::<_, ModelView>(&path, &settings).await {
                Ok(view) => {
                    form.set(ModelForm::of(view));
                    notice.set(Some(tr("Model saved.").to_owned()));
                }
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    let field = move |change: fn(&mut ModelForm, String)| {
        move |event: leptos::ev::Event| {
            let value = event_target_value(&event);
            form.update(|f| change(f, value));
        }
    };
    view! {
        <div class="field">
            <label for="model-url">{tr("This channel's model: address of an OpenAI-compatible endpoint, up to /v1 (empty: the installation's)")}</label>
            <input id="model-url" type="url" prop:value=move || form.with(|f| f.base_url.clone()) on:input=field(|f, v| f.base_url = v) />
        </div>
        <div class="field">
            <label for="model-name">{tr("Model")}</label>
            <input id="model-name" prop:value=move || form.with(|f| f.model.clone()) on:input=field(|f, v| f.model = v) />
        </div>
        <div class="field">
            <label for="model-key">{tr("API key (kept secret; leave empty to keep the saved one)")}</label>
            <input
                id="model-key"
                type="password"
                autocomplete="off"
                prop:value=move || form.with(|f| f.key.clone())
                on:input=field(|f, v| f.key = v)
            />
            <p class="hint" hidden=move || !form.with(|f| f.has_key)>{tr("A key is saved.")}</p>
        </div>
        <button type="button" class="save-model" on:click=save>{tr("Save the model")}</button>
        <p role="status">{move || notice.get()}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_key_keeps_the_saved_one() {
        let mut form = ModelForm::of(ModelView {
            base_url: "https://api.example.com/v1".into(),
            model: "small".into(),
            has_key: true,
        });
        assert_eq!(form.settings().unwrap().api_key, None);
        form.key = " sk-new ".into();
        assert_eq!(form.settings().unwrap().api_key.as_deref(), Some("sk-new"));
        form.base_url = "api.example.com".into();
        assert!(form.settings().is_err(), "the edge's rule, checked first");
    }
}
