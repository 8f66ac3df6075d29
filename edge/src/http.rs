//! Small HTTP helpers: JSON bodies within limits, problem responses,
//! cookies, query parameters and the checks every upgrade needs.

use charla_shared::limits::MAX_BODY_BYTES;
use charla_shared::protocol::{ErrorCode, Problem, PROTOCOL_VERSION};
use charla_shared::routes::{allow_header, Method};
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Headers, Request, Response, Url};

use crate::error::{EdgeError, EdgeResult};

/// A JSON response with this status.
pub fn json<T: Serialize>(status: u16, body: &T) -> EdgeResult<Response> {
    Ok(Response::from_json(body)?.with_status(status))
}

/// The response that carries a problem: its code's status and a JSON body,
/// with `Retry-After` when the problem says when to try again.
pub fn problem_response(problem: &Problem) -> Response {
    let status = problem.code.http_status();
    let mut response = Response::from_json(problem)
        .map(|r| r.with_status(status))
        .or_else(|_| Response::error(problem.message.clone(), status))
        .unwrap_or_else(|_| Response::empty().expect("an empty response always builds"));
    if let Some(wait) = problem.retry_after_ms {
        let _ = response
            .headers_mut()
            .set("retry-after", &wait.div_ceil(1000).to_string());
    }
    response
}

/// Reads a JSON body, refusing bodies over [`MAX_BODY_BYTES`] before parsing.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> EdgeResult<T> {
    read_json_up_to(req, MAX_BODY_BYTES).await
}

/// Reads a JSON body, refusing bodies over `limit` bytes before parsing.
pub async fn read_json_up_to<T: DeserializeOwned>(
    req: &mut Request,
    limit: usize,
) -> EdgeResult<T> {
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|l| l > limit) {
        return Err(too_large(limit));
    }
    let body = req.bytes().await?;
    if body.len() > limit {
        return Err(too_large(limit));
    }
    serde_json::from_slice(&body).map_err(|e| {
        EdgeError::refuse(
            ErrorCode::Malformed,
            format!("The request body is not what this endpoint takes: {e}."),
        )
    })
}

/// A cookie's value from the request.
pub fn cookie(req: &Request, name: &str) -> EdgeResult<Option<String>> {
    let Some(header) = req.headers().get("cookie")? else {
        return Ok(None);
    };
    Ok(header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then(|| value.to_owned())
    }))
}

/// A query parameter's value.
pub fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The request's `Origin` header, if any.
pub fn origin(req: &Request) -> EdgeResult<Option<String>> {
    Ok(req.headers().get("origin")?)
}

/// Checks that a request asks for a WebSocket in a protocol version this
/// edge speaks.
pub fn expect_websocket(req: &Request, url: &Url) -> EdgeResult<()> {
    let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(EdgeError::refuse(
            ErrorCode::Malformed,
            "This endpoint only answers WebSocket upgrades.",
        ));
    }
    let version = query(url, "v");
    if version.as_deref() != Some(PROTOCOL_VERSION.to_string().as_str()) {
        return Err(EdgeError::refuse(
            ErrorCode::UnsupportedProtocol,
            format!(
                "This edge speaks protocol version {PROTOCOL_VERSION}; the client asked for {}. Reload the page.",
                version.as_deref().unwrap_or("none")
            ),
        ));
    }
    Ok(())
}

/// Refuses cross-site requests that carry an operator's cookie: a request
/// whose `Origin` names another site did not come from the console.
pub fn expect_same_origin(req: &Request, url: &Url) -> EdgeResult<()> {
    match req.headers().get("origin")? {
        Some(origin) if origin != url.origin().ascii_serialization() => Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "Operator requests must come from the console's own origin.",
        )),
        _ => Ok(()),
    }
}

/// Lets any site's widget call a public endpoint (no credentials involved).
pub fn allow_any_origin(mut response: Response) -> Response {
    let headers = response.headers_mut();
    // Setting a header only fails on invalid names or values; these are constant.
    let _ = headers.set("access-control-allow-origin", "*");
    let _ = headers.set("access-control-allow-headers", "content-type");
    let _ = headers.set("access-control-allow-methods", "GET, POST, OPTIONS");
    let _ = headers.set("access-control-max-age", "86400");
    response
}

/// Adds the `Allow` header that lists the methods a path is served with.
pub fn with_allow(mut response: Response, methods: &[Method]) -> Response {
    // The value is built from constant method names, so it is always valid.
    let _ = response.headers_mut().set("allow", &allow_header(methods));
    response
}

/// Headers with one `Set-Cookie`.
pub fn set_cookie(value: &str) -> EdgeResult<Headers> {
    let headers = Headers::new();
    headers.set("set-cookie", value)?;
    Ok(headers)
}

fn too_large(limit: usize) -> EdgeError {
    EdgeError::refuse(
        ErrorCode::TooLarge,
        format!("A request body may have at most {limit} bytes."),
    )
}
