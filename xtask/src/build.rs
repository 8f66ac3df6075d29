//! The release build: the widget and the console with Trunk, the edge with
//! worker-build, then `dist/site`, the directory wrangler serves as static
//! assets:
//!
//! ```text
//! dist/site/index.html, pricing.html, demo.css   the demo site (edge/site, style/demo.css)
//! dist/site/widget.js                            the loader the snippet loads
//! dist/site/widget/                              the widget's glue and WebAssembly, and
//!                                                widget.css (style/messages.css + style/widget.css)
//! dist/site/console/                             the operator console
//! ```
//!
//! Every tool is told where the pinned binaries are, and Trunk runs with
//! `--offline`, so a build never downloads anything.

use std::fs;
use std::path::Path;
use std::process::Command;

use charla_tests::{copy_dir, paths};

use crate::cmd::{io, run, step, Error};
use crate::tools::{cargo_bin, tool_path};

/// Builds everything and assembles `dist/site`.
pub fn all() -> Result<(), Error> {
    step("building the widget (Trunk, release)");
    trunk("widget/index.html", "dist/widget", "/widget/", false)?;
    step("building the console (Trunk, release)");
    trunk("console/index.html", "dist/console", "/console/", true)?;
    step("building the edge (worker-build, release)");
    edge()?;
    step("assembling dist/site");
    assemble()
}

fn trunk(target: &str, dist: &str, public_url: &str, filehash: bool) -> Result<(), Error> {
    let mut trunk = Command::new(cargo_bin().join("trunk"));
    trunk
        .current_dir(paths::root())
        .env("PATH", tool_path())
        .args(["build", "--release", "--offline=true", "--dist", dist])
        .args(["--public-url", public_url])
        .arg(format!("--filehash={filehash}"))
        .arg(target);
    run(trunk)
}

fn edge() -> Result<(), Error> {
    let mut build = Command::new(cargo_bin().join("worker-build"));
    build
        .current_dir(paths::root().join("edge"))
        .env("PATH", tool_path())
        .env("WASM_BINDGEN_BIN", cargo_bin().join("wasm-bindgen"))
        .env("WASM_OPT_BIN", paths::node_bin("wasm-opt"))
        .env("ESBUILD_BIN", paths::node_bin("esbuild"))
        .arg("--release");
    run(build)
}

fn assemble() -> Result<(), Error> {
    let root = paths::root();
    let site = paths::site();
    if site.exists() {
        fs::remove_dir_all(&site).map_err(io("clearing dist/site"))?;
    }
    copy_dir(&root.join("edge").join("site"), &site, &[])?;
    copy_file(&root.join("style").join("demo.css"), &site.join("demo.css"))?;
    let widget = root.join("dist").join("widget");
    copy_file(&widget.join("widget.js"), &site.join("widget.js"))?;
    // Trunk's index.html only drove the build, and the loader lives at the root.
    copy_dir(&widget, &site.join("widget"), &["index.html", "widget.js"])?;
    // One stylesheet for the shadow root: the message list shared with the
    // console, then the widget's own rules.
    let style = root.join("style");
    let mut css = String::new();
    for part in ["messages.css", "widget.css"] {
        css +=
            &fs::read_to_string(style.join(part)).map_err(io(format!("reading style/{part}")))?;
    }
    fs::write(site.join("widget").join("widget.css"), css).map_err(io("writing widget.css"))?;
    copy_dir(
        &root.join("dist").join("console"),
        &site.join("console"),
        &[],
    )?;
    Ok(())
}

fn copy_file(from: &Path, to: &Path) -> Result<(), Error> {
    fs::copy(from, to).map(|_| ()).map_err(io(format!(
        "copying {} to {}",
        from.display(),
        to.display()
    )))
}
