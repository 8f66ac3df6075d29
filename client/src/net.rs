//! Talking to the edge from a browser: JSON over `fetch`, and a WebSocket
//! that reconnects by itself with backoff and jitter.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use charla_shared::protocol::{
    ErrorCode, Problem, CLOSE_REFUSED, CLOSE_SIGNED_OUT, HEARTBEAT_MS, HEARTBEAT_TIMEOUT_MS, PING,
    PONG,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CloseEvent, Headers, MessageEvent, RequestInit, Response, WebSocket};

use crate::json;

/// Why a call to the edge failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetError {
    /// The edge refused, and said why.
    #[error("{0}")]
    Refused(Problem),
    /// The request never got an answer.
    #[error("The network is unavailable ({0}).")]
    Network(String),
}

impl NetError {
    /// The refusal code, if the edge answered.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            NetError::Refused(problem) => Some(problem.code),
            NetError::Network(_) => None,
        }
    }
}

/// Where the edge is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    origin: String,
}

impl Edge {
    /// The edge at an origin such as `https://chat.example.com`.
    pub fn new(origin: impl Into<String>) -> Self {
        Edge {
            origin: origin.into().trim_end_matches('/').to_owned(),
        }
    }

    /// The full URL of an edge path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The `ws:`/`wss:` URL of an edge path.
    pub fn socket_url(&self, path: &str) -> String {
        let url = self.url(path);
        match url.strip_prefix("https://") {
            Some(rest) => format!("wss://{rest}"),
            None => format!("ws://{}", url.trim_start_matches("http://")),
        }
    }

    /// `GET`s JSON.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, NetError> {
        let response = self.fetch("GET", path, None).await?;
        read_json(response).await
    }

    /// `POST`s JSON and reads JSON back.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, NetError> {
        let response = self
            .fetch("POST", path, Some(json::stringify(body)))
            .await?;
        read_json(response).await
    }

    /// `PUT`s JSON and reads JSON back.
    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, NetError> {
        let response = self.fetch("PUT", path, Some(json::stringify(body))).await?;
        read_json(response).await
    }

    /// `DELETE`s, expecting no body back.
    pub async fn delete(&self, path: &str) -> Result<(), NetError> {
        self.fetch("DELETE", path, None).await.map(drop)
    }

    /// `POST`s with no body, expecting none back (an action).
    pub async fn act(&self, path: &str) -> Result<(), NetError> {
        self.fetch("POST", path, None).await.map(drop)
    }

    /// `GET`s a file and hands it to the browser as a download named
    /// `file_name` (the link would not do: a page's cross-site link drops
    /// the origin the edge checks).
    pub async fn download(&self, path: &str, file_name: &str) -> Result<(), NetError> {
        let response = self.fetch("GET", path, None).await?;
        let blob: web_sys::Blob = JsFuture::from(response.blob().map_err(network)?)
            .await
            .map_err(network)?
            .unchecked_into();
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(network)?;
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| NetError::Network("no document".into()))?;
        let link: web_sys::HtmlAnchorElement = document
            .create_element("a")
            .map_err(network)?
            .unchecked_into();
        link.set_href(&url);
        link.set_download(file_name);
        link.click();
        // Some browsers read the file after the click returns: let go of
        // it a minute later.
        let revoke = Closure::once_into_js(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                revoke.unchecked_ref(),
                60_000,
            );
        }
        Ok(())
    }

    /// `POST`s a file's bytes and reads the JSON answer, telling `progress`
    /// the share sent so far (0 to 1). `XMLHttpRequest`, because `fetch`
    /// reports no upload progress.
    pub async fn upload<T: DeserializeOwned>(
        &self,
        path: &str,
        file: &web_sys::Blob,
        progress: impl Fn(f64) + 'static,
    ) -> Result<T, NetError> {
        let request = web_sys::XmlHttpRequest::new().map_err(network)?;
        request.open("POST", &self.url(path)).map_err(network)?;
        let on_progress =
            Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
                if event.length_computable() && event.total() > 0.0 {
                    progress(event.loaded() / event.total());
                }
            });
        request
            .upload()
            .map_err(network)?
            .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        // The request settles the promise: an answer (any status) resolves
        // it, a failure to get one rejects it.
        let answered = js_sys::Promise::new(&mut |resolve, reject| {
            request.set_onload(Some(&resolve));
            request.set_onerror(Some(&reject));
            request.set_onabort(Some(&reject));
        });
        request.send_with_opt_blob(Some(file)).map_err(network)?;
        let settled = JsFuture::from(answered).await;
        drop(on_progress);
        settled.map_err(|_| NetError::Network("the upload did not get through".into()))?;
        let status = request.status().map_err(network)?;
        let text = request
            .response_text()
            .map_err(network)?
            .unwrap_or_default();
        if (200..300).contains(&status) {
            return json::parse(&text).map_err(NetError::Network);
        }
        Err(match json::parse::<Problem>(&text) {
            Ok(problem) => NetError::Refused(problem),
            Err(_) => NetError::Network(format!("HTTP {status}")),
        })
    }

    /// Sends a request; an answer that is not a success becomes the
    /// refusal its body holds.
    async fn fetch(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
    ) -> Result<Response, NetError> {
        let init = RequestInit::new();
        init.set_method(method);
        if let Some(body) = body {
            let headers = Headers::new().map_err(network)?;
            headers
                .set("content-type", "application/json")
                .map_err(network)?;
            init.set_headers(&headers);
            init.set_body(&JsValue::from_str(&body));
        }
        let window = web_sys::window().ok_or_else(|| NetError::Network("no window".into()))?;
        let response: Response =
            JsFuture::from(window.fetch_with_str_and_init(&self.url(path), &init))
                .await
                .map_err(network)?
                .unchecked_into();
        if response.ok() {
            Ok(response)
        } else {
            Err(refusal(response).await)
        }
    }
}

/// The state of a [`Socket`]'s connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Opening.
    Connecting,
    /// Open; frames flow.
    Open,
    /// Dropped; the next attempt starts after a delay.
    Waiting,
    /// The browser has no network; the next attempt starts when it does.
    Offline,
    /// Closed on purpose; no more attempts.
    Closed,
}

/// A WebSocket that reconnects after every drop until it is closed on
/// purpose. The URL is asked for again on each attempt, so a reconnect can
/// say what the client already holds.
///
/// Browsers notice a dead connection late (a cut network can leave a socket
/// "open" for minutes), so the socket sends a [`PING`] every
/// [`HEARTBEAT_MS`] and reconnects if nothing arrives within
/// [`HEARTBEAT_TIMEOUT_MS`]. It also reconnects at once when the browser
/// comes back online, and a connection that survived the outage is
/// reported open again as soon as the edge answers on it.
pub struct Socket(Rc<Inner>);

/// A JavaScript event handler owned by Rust.
type Handler = Closure<dyn FnMut(web_sys::Event)>;

struct Inner {
    url: Box<dyn Fn() -> String>,
    on_text: Box<dyn Fn(String)>,
    on_link: Box<dyn Fn(Link)>,
    ws: RefCell<Option<WebSocket>>,
    /// The state last reported, so that each change is reported once.
    link: Cell<Option<Link>>,
    /// Attempts since the last frame received; drives the backoff.
    failures: Cell<u32>,
    stopped: Cell<bool>,
    /// Handlers of the current connection, kept alive while it may call them.
    handlers: RefCell<Vec<Handler>>,
    /// `online` and `offline` listeners on the window.
    network: RefCell<Vec<(&'static str, Handler)>>,
    retry: Timer,
    heartbeat: Timer,
    deadline: Timer,
}

impl Socket {
    /// Connects, and keeps reconnecting until [`Socket::close`].
    pub fn open(
        url: impl Fn() -> String + 'static,
        on_text: impl Fn(String) + 'static,
        on_link: impl Fn(Link) + 'static,
    ) -> Socket {
        let inner = Rc::new(Inner {
            url: Box::new(url),
            on_text: Box::new(on_text),
            on_link: Box::new(on_link),
            ws: RefCell::new(None),
            link: Cell::new(None),
            failures: Cell::new(0),
            stopped: Cell::new(false),
            handlers: RefCell::new(Vec::new()),
            network: RefCell::new(Vec::new()),
            retry: Timer::default(),
            heartbeat: Timer::default(),
            deadline: Timer::default(),
        });
        Inner::watch_network(&inner);
        Inner::connect(&inner);
        Socket(inner)
    }

    /// Sends a text frame; `false` when not connected (the caller keeps the
    /// frame and sends it again after the next welcome).
    pub fn send(&self, text: &str) -> bool {
        match self.0.ws.borrow().as_ref() {
            Some(ws) if ws.ready_state() == WebSocket::OPEN => ws.send_with_str(text).is_ok(),
            _ => false,
        }
    }

    /// Closes for good.
    pub fn close(&self) {
        self.0.stop();
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.close();
    }
}

impl Inner {
    /// Stops for good: no more attempts, no more events.
    fn stop(&self) {
        if self.stopped.replace(true) {
            return;
        }
        self.detach();
        if let Some(window) = web_sys::window() {
            for (event, handler) in self.network.borrow_mut().drain(..) {
                let _ = window
                    .remove_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
            }
        }
        self.retry.clear();
        self.report(Link::Closed);
    }

    fn connect(this: &Rc<Inner>) {
        if this.stopped.get() {
            return;
        }
        this.report(Link::Connecting);
        let ws = match WebSocket::new(&(this.url)()) {
            Ok(ws) => ws,
            Err(_) => return Inner::retry_later(this),
        };
        let weak = Rc::downgrade(this);
        let on_open = handler(&weak, |inner, _| {
            inner.report(Link::Open);
            Inner::start_heartbeat(&inner);
        });
        let on_message = handler(&weak, |inner, event| {
            inner.failures.set(0);
            inner.deadline.clear();
            // Whatever arrives proves the connection works, even if the
            // browser said it was offline a moment ago.
            inner.report(Link::Open);
            let text = event
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string());
            match text {
                Some(text) if text != PONG => (inner.on_text)(text),
                _ => {}
            }
        });
        let on_close = handler(&weak, |inner, event| {
            // The edge closes with these codes when the socket's session
            // ended or its token was revoked: trying again cannot work.
            let code = event.dyn_ref::<CloseEvent>().map(CloseEvent::code);
            if matches!(code, Some(CLOSE_SIGNED_OUT | CLOSE_REFUSED)) {
                inner.stop();
            } else {
                Inner::dropped(&inner);
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        *this.handlers.borrow_mut() = vec![on_open, on_message, on_close];
        *this.ws.borrow_mut() = Some(ws);
    }

    /// Reports a state change to the owner, once per change.
    fn report(&self, link: Link) {
        if self.link.replace(Some(link)) != Some(link) {
            (self.on_link)(link);
        }
    }

    /// Pings while open; a ping left unanswered means the connection is dead.
    fn start_heartbeat(this: &Rc<Inner>) {
        let weak = Rc::downgrade(this);
        this.heartbeat.start_interval(HEARTBEAT_MS, move || {
            if let Some(inner) = weak.upgrade() {
                Inner::ping(&inner);
            }
        });
    }

    /// Sends a heartbeat and gives the edge [`HEARTBEAT_TIMEOUT_MS`] to
    /// answer before the connection counts as dead.
    fn ping(this: &Rc<Inner>) {
        if let Some(ws) = this.ws.borrow().as_ref() {
            let _ = ws.send_with_str(PING);
        }
        let weak = Rc::downgrade(this);
        this.deadline.start_once(HEARTBEAT_TIMEOUT_MS, move || {
            if let Some(inner) = weak.upgrade() {
                Inner::dropped(&inner);
            }
        });
    }

    /// The connection is gone (closed, or silent past the heartbeat).
    fn dropped(this: &Rc<Inner>) {
        this.detach();
        Inner::retry_later(this);
    }

    /// Lets go of the current connection without waiting for its closing
    /// handshake, which a dead network never completes.
    fn detach(&self) {
        self.heartbeat.clear();
        self.deadline.clear();
        if let Some(ws) = self.ws.borrow_mut().take() {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
            let _ = ws.close();
        }
    }

    fn retry_later(this: &Rc<Inner>) {
        if this.stopped.get() {
            return;
        }
        if !is_online() {
            // The `online` listener reconnects when the network is back.
            this.report(Link::Offline);
            return;
        }
        this.report(Link::Waiting);
        let failures = this.failures.get();
        this.failures.set(failures.saturating_add(1));
        let weak = Rc::downgrade(this);
        this.retry
            .start_once(backoff_ms(failures, js_sys::Math::random()), move || {
                if let Some(inner) = weak.upgrade() {
                    Inner::connect(&inner);
                }
            });
    }

    fn watch_network(this: &Rc<Inner>) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let weak = Rc::downgrade(this);
        let online = handler(&weak, |inner, _| {
            if inner.stopped.get() {
                return;
            }
            let survived = inner.ws.borrow().is_some();
            if survived {
                // The socket may have outlived the outage or died quietly
                // with it: a heartbeat now tells which, and its answer
                // reports the connection open again.
                Inner::ping(&inner);
            } else {
                inner.retry.clear();
                inner.failures.set(0);
                Inner::connect(&inner);
            }
        });
        let offline = handler(&weak, |inner, _| {
            if !inner.stopped.get() {
                inner.report(Link::Offline);
            }
        });
        for (event, handler) in [("online", online), ("offline", offline)] {
            let _ =
                window.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
            this.network.borrow_mut().push((event, handler));
        }
    }
}

/// A browser timer owned by Rust. Starting it again replaces the previous
/// one; the replaced callback is kept until the next start, because a timer
/// callback may restart its own timer while it runs.
#[derive(Default)]
pub struct Timer {
    id: Cell<Option<i32>>,
    repeating: Cell<bool>,
    current: RefCell<Option<Closure<dyn FnMut()>>>,
    previous: RefCell<Option<Closure<dyn FnMut()>>>,
}

impl Timer {
    /// Calls `f` once after `ms` milliseconds.
    pub fn start_once(&self, ms: u32, f: impl FnMut() + 'static) {
        self.start(ms, false, f);
    }

    fn start_interval(&self, ms: u32, f: impl FnMut() + 'static) {
        self.start(ms, true, f);
    }

    fn start(&self, ms: u32, repeating: bool, f: impl FnMut() + 'static) {
        self.clear();
        let Some(window) = web_sys::window() else {
            return;
        };
        let callback = Closure::<dyn FnMut()>::new(f);
        let function = callback.as_ref().unchecked_ref();
        let timeout = i32::try_from(ms).unwrap_or(i32::MAX);
        let id = if repeating {
            window.set_interval_with_callback_and_timeout_and_arguments_0(function, timeout)
        } else {
            window.set_timeout_with_callback_and_timeout_and_arguments_0(function, timeout)
        };
        self.id.set(id.ok());
        self.repeating.set(repeating);
        let replaced = self.current.replace(Some(callback));
        *self.previous.borrow_mut() = replaced;
    }

    /// Whether a started timer has not fired or been cleared yet.
    pub fn is_running(&self) -> bool {
        let id = self.id.take();
        self.id.set(id);
        id.is_some()
    }

    /// Cancels the timer if it is running.
    pub fn clear(&self) {
        if let (Some(id), Some(window)) = (self.id.take(), web_sys::window()) {
            if self.repeating.get() {
                window.clear_interval_with_handle(id);
            } else {
                window.clear_timeout_with_handle(id);
            }
        }
    }
}

fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// How long to wait before reconnect attempt number `failures + 1`:
/// exponential from 250 ms up to 15 s, scaled by a random factor in
/// `[0.5, 1)` so that many clients dropped together do not return together.
pub fn backoff_ms(failures: u32, random: f64) -> u32 {
    let ceiling = 250u32.saturating_mul(1 << failures.min(6)).min(15_000);
    let factor = 0.5 + random.clamp(0.0, 1.0) * 0.5;
    (f64::from(ceiling) * factor) as u32
}

fn handler(weak: &Weak<Inner>, f: impl Fn(Rc<Inner>, web_sys::Event) + 'static) -> Handler {
    let weak = weak.clone();
    Closure::new(move |event: web_sys::Event| {
        if let Some(inner) = weak.upgrade() {
            f(inner, event);
        }
    })
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, NetError> {
    let value = JsFuture::from(response.json().map_err(network)?)
        .await
        .map_err(network)?;
    json::from_js(value).map_err(NetError::Network)
}

async fn refusal(response: Response) -> NetError {
    let status = response.status();
    let problem = match response.json() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|value| json::from_js::<Problem>(value).ok()),
        Err(_) => None,
    };
    match problem {
        Some(problem) => NetError::Refused(problem),
        None => NetError::Network(format!("HTTP {status}")),
    }
}

/// A failure of the browser's own: no network, a blocked request.
fn network(error: JsValue) -> NetError {
    NetError::Network(
        error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "the request failed".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_stops_growing() {
        assert_eq!(backoff_ms(0, 0.0), 125);
        assert_eq!(backoff_ms(1, 0.0), 250);
        assert_eq!(backoff_ms(10, 0.999_999), 14_999);
        assert_eq!(backoff_ms(u32::MAX, 1.0), 15_000);
    }

    #[test]
    fn socket_urls_follow_the_page_scheme() {
        assert_eq!(
            Edge::new("https://chat.example.com/").socket_url("/api/x"),
            "wss://chat.example.com/api/x"
        );
        assert_eq!(
            Edge::new("http://127.0.0.1:8787").socket_url("/api/x"),
            "ws://127.0.0.1:8787/api/x"
        );
    }
}
