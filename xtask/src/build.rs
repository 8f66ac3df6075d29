//! The release build: the widget and the console with Trunk, the edge with
//! worker-build, then `dist/site`, the directory wrangler serves as static
//! assets:
//!
//! ```text
//! dist/site/index.html, pricing.html, demo.css   the demo site (edge/site, style/demo.css)
//! dist/site/widget.js                            the loader the snippet loads
//! dist/site/widget/                              the widget's glue and WebAssembly, and
//!                                                widget.css (style/messages.css + style/widget.css)
//! dist/site/widget/emoji/                        the emoji picker's module, loaded on demand
//! dist/site/widget/help/                         the knowledge search's module and help.css,
//!                                                loaded on demand
//! dist/site/console/                             the operator console
//! ```
//!
//! Every tool is told where the pinned binaries are, and Trunk runs with
//! `--offline`, so a build never downloads anything.
//!
//! The widget is downloaded by every visitor of every customer's site, so
//! its release build goes further than the console's: the pinned nightly
//! rebuilds the standard library for size with panics that abort at once
//! and no location or `Debug` text ([`WIDGET_RUSTFLAGS`]), in its own target
//! directory, and esbuild minifies its JavaScript. BENCHMARKS.md reports
//! what each step saves.

use std::fs;
use std::path::Path;
use std::process::Command;

use charla_tests::{copy_dir, paths};

use crate::cmd::{io, run, step, Error};
use crate::tools::{cargo_bin, tool_path, NIGHTLY};

/// The flags of the widget's release build on the pinned nightly.
pub const WIDGET_RUSTFLAGS: &str =
    "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none";

/// Where the widget's release build puts cargo's output (its own place, so
/// that the nightly and stable builds do not undo each other's caches).
pub fn widget_target() -> std::path::PathBuf {
    paths::root().join("target").join("widget")
}

/// Which edge a build makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeBuild {
    /// What is deployed, served by `dev` and measured by `bench`.
    Release,
    /// The same with the test clock (`--features test-clock`), for
    /// `cargo xtask test` only.
    Tests,
}

/// Builds everything and assembles `dist/site`.
pub fn all(edge_build: EdgeBuild) -> Result<(), Error> {
    step("building the widget (Trunk, release, nightly for size)");
    widget()?;
    step("building the console (Trunk, release)");
    run(trunk(
        "console/index.html",
        "dist/console",
        "/console/",
        true,
    ))?;
    match edge_build {
        EdgeBuild::Release => step("building the edge (worker-build, release)"),
        EdgeBuild::Tests => step("building the edge (worker-build, release, with the test clock)"),
    }
    edge(edge_build)?;
    step("assembling dist/site");
    assemble()
}

/// The widget and the parts it loads on demand (the emoji picker, the
/// knowledge search): Trunk on the pinned nightly with the standard library
/// rebuilt, then their JavaScript (the loader and wasm-bindgen's glue)
/// minified in place.
fn widget() -> Result<(), Error> {
    run(for_size(trunk(
        "widget/index.html",
        "dist/widget",
        "/widget/",
        false,
    )))?;
    for part in PARTS {
        run(for_size(trunk(
            &format!("widget/{part}/index.html"),
            &format!("dist/widget-{part}"),
            &format!("/widget/{part}/"),
            false,
        )))?;
    }
    let dist = paths::root().join("dist");
    let parts = PARTS.map(|part| format!("widget-{part}/charla-{part}.js"));
    for file in ["widget/charla-widget.js", "widget/widget.js"]
        .into_iter()
        .chain(parts.iter().map(String::as_str))
    {
        minify(&dist.join(file))?;
    }
    Ok(())
}

/// Turns a Trunk build of the widget's into one for size (see
/// [`WIDGET_RUSTFLAGS`]).
fn for_size(mut build: Command) -> Command {
    build
        .env("RUSTUP_TOOLCHAIN", NIGHTLY)
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env("RUSTFLAGS", WIDGET_RUSTFLAGS)
        .env("CARGO_TARGET_DIR", widget_target())
        // Inside `cargo xtask` these name the stable toolchain's binaries;
        // Trunk must find the nightly through rustup instead.
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC");
    build
}

/// Minifies an ES module in place with the pinned esbuild.
fn minify(file: &Path) -> Result<(), Error> {
    let mut esbuild = Command::new(paths::node_bin("esbuild"));
    esbuild
        .arg(file)
        .args(["--minify", "--log-level=warning", "--allow-overwrite"])
        .arg(format!("--outfile={}", file.display()));
    run(esbuild)
}

/// The widget's parts that the loader imports on demand, each a crate in
/// `widget/<part>` built into its own module.
const PARTS: [&str; 2] = ["emoji", "help"];

fn trunk(target: &str, dist: &str, public_url: &str, filehash: bool) -> Command {
    let mut trunk = Command::new(cargo_bin().join("trunk"));
    trunk
        .current_dir(paths::root())
        .env("PATH", tool_path())
        .args(["build", "--release", "--offline=true", "--dist", dist])
        .args(["--public-url", public_url])
        .arg(format!("--filehash={filehash}"))
        .arg(target);
    trunk
}

fn edge(edge_build: EdgeBuild) -> Result<(), Error> {
    let mut build = Command::new(cargo_bin().join("worker-build"));
    build
        .current_dir(paths::root().join("edge"))
        .env("PATH", tool_path())
        .env("WASM_BINDGEN_BIN", cargo_bin().join("wasm-bindgen"))
        .env("WASM_OPT_BIN", paths::node_bin("wasm-opt"))
        .env("ESBUILD_BIN", paths::node_bin("esbuild"))
        .arg("--release");
    if edge_build == EdgeBuild::Tests {
        // The crate's path comes first; what follows goes to `cargo build`.
        build.args([".", "--features", "test-clock"]);
    }
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
    for part in PARTS {
        copy_dir(
            &root.join("dist").join(format!("widget-{part}")),
            &site.join("widget").join(part),
            &["index.html"],
        )?;
    }
    copy_file(
        &root.join("style").join("help.css"),
        &site.join("widget").join("help").join("help.css"),
    )?;
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
