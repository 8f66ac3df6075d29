//! What a visitor downloads before the first message, and what each
//! size-oriented build setting saves.

use std::path::Path;
use std::process::Command;

use charla_tests::paths;
use serde::Serialize;

use crate::build::WIDGET_RUSTFLAGS;
use crate::cmd::{cargo, io, run, step, Error};
use crate::size::{self, Weight};
use crate::tools::{cargo_bin, NIGHTLY, WASM_FEATURES};

/// The WebAssembly after one more build setting.
#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    /// The setting added.
    pub name: String,
    /// WebAssembly bytes.
    pub wasm_raw: usize,
    /// WebAssembly bytes gzipped.
    pub wasm_gzip: usize,
    /// Gzipped bytes saved by this setting.
    pub saved_gzip: i64,
}

/// The widget's first download, and its code by crate.
pub fn measure() -> Result<(Weight, Vec<(String, usize)>), Error> {
    step("widget weight");
    Ok((size::first_load()?, size::by_crate()?))
}

/// Builds the widget once per setting, each on top of the previous ones,
/// from cargo's default release profile to the one Charla ships.
pub fn settings() -> Result<Vec<Setting>, Error> {
    step("what each size setting saves (six builds of the widget)");
    let steps: [(&str, &[(&str, &str)]); 5] = [
        (
            "cargo's default release profile",
            &[
                ("OPT_LEVEL", "3"),
                ("LTO", "false"),
                ("CODEGEN_UNITS", "16"),
                ("PANIC", "unwind"),
            ],
        ),
        ("+ opt-level = \"z\"", &[("OPT_LEVEL", "z")]),
        ("+ lto = true", &[("LTO", "true")]),
        ("+ codegen-units = 1", &[("CODEGEN_UNITS", "1")]),
        ("+ panic = \"abort\"", &[("PANIC", "abort")]),
    ];
    let target = paths::root().join("target").join("bench-settings");
    let out = target.join("bindgen");
    let mut profile: Vec<(&str, &str)> = Vec::new();
    let mut results: Vec<Setting> = Vec::new();
    for (name, changes) in steps {
        for (key, value) in changes {
            profile.retain(|(k, _)| k != key);
            profile.push((key, value));
        }
        let mut build = cargo([
            "build",
            "--release",
            "-p",
            "charla-widget",
            "--bin",
            "charla-widget",
            "--target",
            "wasm32-unknown-unknown",
        ]);
        build.arg("--target-dir").arg(&target);
        for (key, value) in &profile {
            build.env(format!("CARGO_PROFILE_RELEASE_{key}"), value);
        }
        run(build)?;
        let wasm = bindgen(&target, &out)?;
        results.push(setting(name, &wasm, results.last()));
    }
    // The same profile on the pinned nightly, with the standard library
    // rebuilt for size, as xtask/src/build.rs builds the widget.
    let nightly_target = paths::root().join("target").join("bench-settings-nightly");
    let mut build = Command::new("cargo");
    build
        .arg(format!("+{NIGHTLY}"))
        .args([
            "build",
            "--release",
            "-p",
            "charla-widget",
            "--bin",
            "charla-widget",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .arg("--target-dir")
        .arg(&nightly_target)
        .current_dir(paths::root())
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env("RUSTFLAGS", WIDGET_RUSTFLAGS)
        .env_remove("CARGO")
        .env_remove("RUSTC");
    for (key, value) in &profile {
        build.env(format!("CARGO_PROFILE_RELEASE_{key}"), value);
    }
    run(build)?;
    let wasm = bindgen(&nightly_target, &out)?;
    results.push(setting(
        "+ nightly: std rebuilt for size, panics abort at once, no location or Debug text",
        &wasm,
        results.last(),
    ));
    let optimized = out.join("optimized.wasm");
    let mut opt = Command::new(paths::node_bin("wasm-opt"));
    opt.arg("-Oz")
        .args(WASM_FEATURES)
        .arg(out.join("charla-widget_bg.wasm"))
        .arg("-o")
        .arg(&optimized);
    run(opt)?;
    let bytes = std::fs::read(&optimized).map_err(io("reading the optimised WebAssembly"))?;
    let with_opt = setting("+ wasm-opt -Oz (npm binaryen 132)", &bytes, results.last());
    results.push(with_opt);
    Ok(results)
}

fn bindgen(target: &Path, out: &Path) -> Result<Vec<u8>, Error> {
    let mut bindgen = Command::new(cargo_bin().join("wasm-bindgen"));
    bindgen
        .args(["--target", "web", "--out-dir"])
        .arg(out)
        .arg(target.join("wasm32-unknown-unknown/release/charla-widget.wasm"));
    run(bindgen)?;
    std::fs::read(out.join("charla-widget_bg.wasm")).map_err(io("reading the WebAssembly"))
}

fn setting(name: &str, wasm: &[u8], previous: Option<&Setting>) -> Setting {
    let gzip = size::gzip(wasm);
    Setting {
        name: name.into(),
        wasm_raw: wasm.len(),
        wasm_gzip: gzip,
        saved_gzip: previous.map_or(0, |p| p.wasm_gzip as i64 - gzip as i64),
    }
}
