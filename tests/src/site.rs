//! A customer's site: one page on another origin than the edge, served by a
//! plain HTTP server on a free local port, so that tests see the widget the
//! way visitors of a real shop do (its files and its API from another site).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use crate::{io_context, HarnessResult};

/// A site that answers every path with the same page.
#[derive(Debug)]
pub struct ForeignSite {
    url: String,
}

impl ForeignSite {
    /// Serves `page`, with `policy` as its Content-Security-Policy, on a
    /// thread that lives as long as the test process.
    pub fn serve(page: String, policy: String) -> HarnessResult<Self> {
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(io_context("starting the shop's site"))?;
        let port = listener
            .local_addr()
            .map_err(io_context("the shop's port"))?
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
             Content-Security-Policy: {policy}\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{page}",
            page.len()
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                // Read the request's head, then answer and close.
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
                    line.clear();
                }
                let _ = (&stream).write_all(response.as_bytes());
            }
        });
        Ok(Self { url })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }
}
