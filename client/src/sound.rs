//! A short chime for new messages, played with the Web Audio API so that
//! no sound file is downloaded. Browsers let a page make sound only after
//! the person has interacted with it, so the audio context is created at
//! the first tap or key press and the chime is silent before that, never
//! an error.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AudioContext, AudioContextState};

/// Plays the chime once the page may make sound.
#[derive(Clone, Default)]
pub struct Chime {
    context: Rc<RefCell<Option<AudioContext>>>,
}

impl Chime {
    /// Waits for the first interaction with the page to be allowed to play.
    pub fn new() -> Self {
        let chime = Chime::default();
        let context = chime.context.clone();
        let Some(window) = web_sys::window() else {
            return chime;
        };
        let unlock = Closure::<dyn FnMut()>::new(move || {
            if context.borrow().is_none() {
                *context.borrow_mut() = AudioContext::new().ok();
            }
        });
        for event in ["pointerdown", "keydown"] {
            let options = web_sys::AddEventListenerOptions::new();
            options.set_once(true);
            options.set_capture(true);
            let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
                event,
                unlock.as_ref().unchecked_ref(),
                &options,
            );
        }
        // The listener lives as long as the page; it runs at most twice.
        unlock.forget();
        chime
    }

    /// Two soft notes, a fifth apart, a quarter of a second in all. Silent
    /// until the page may play sound.
    pub fn play(&self) {
        let context = self.context.borrow();
        let Some(context) = context.as_ref() else {
            return;
        };
        if context.state() != AudioContextState::Running {
            let _ = context.resume();
            return;
        }
        let start = context.current_time();
        for (at, frequency) in [(0.0, 880.0), (0.12, 1320.0)] {
            let _ = note(context, start + at, frequency);
        }
    }
}

fn note(context: &AudioContext, at: f64, frequency: f32) -> Result<(), wasm_bindgen::JsValue> {
    let oscillator = context.create_oscillator()?;
    let gain = context.create_gain()?;
    oscillator.frequency().set_value(frequency);
    gain.gain().set_value_at_time(0.0001, at)?;
    gain.gain()
        .exponential_ramp_to_value_at_time(0.15, at + 0.02)?;
    gain.gain()
        .exponential_ramp_to_value_at_time(0.0001, at + 0.12)?;
    oscillator.connect_with_audio_node(&gain)?;
    gain.connect_with_audio_node(&context.destination())?;
    oscillator.start_with_when(at)?;
    oscillator.stop_with_when(at + 0.13)?;
    Ok(())
}
