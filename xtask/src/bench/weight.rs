//! What a visitor downloads before the first message, and what each
//! size-oriented build setting saves.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use charla_shared::api::WidgetConfig;
use charla_shared::channel::ChannelOptions;
use charla_shared::ids::ChannelId;
use charla_tests::paths;
use serde::Serialize;

use crate::cmd::{cargo, io, run, step, Error};
use crate::tools::{cargo_bin, WASM_FEATURES};

/// One file's size.
#[derive(Debug, Clone, Serialize)]
pub struct FileWeight {
    /// What it is.
    pub name: String,
    /// Bytes as stored.
    pub raw: usize,
    /// Bytes gzipped (level 9).
    pub gzip: usize,
    /// Bytes compressed with brotli (quality 11).
    pub brotli: usize,
}

/// The widget's download.
#[derive(Debug, Clone, Serialize)]
pub struct Weight {
    /// Each file.
    pub files: Vec<FileWeight>,
    /// All of them.
    pub total: FileWeight,
}

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

/// Measures the built files of `dist/site`.
pub fn measure() -> Result<Weight, Error> {
    step("widget weight");
    let site = paths::site();
    let config = serde_json::to_vec(&WidgetConfig::of(
        ChannelId::parse("demo").map_err(|e| Error::Check(e.to_string()))?,
        "Northwind Coffee".into(),
        &ChannelOptions::default(),
        vec![],
    ))
    .unwrap_or_default();
    let mut files = Vec::new();
    for (name, path) in [
        ("loader JS (widget.js)", site.join("widget.js")),
        ("glue JS", site.join("widget/charla-widget.js")),
        ("WebAssembly", site.join("widget/charla-widget_bg.wasm")),
        ("CSS", site.join("widget/widget.css")),
    ] {
        let bytes = std::fs::read(&path).map_err(io(format!("reading {}", path.display())))?;
        files.push(sizes(name, &bytes));
    }
    files.push(sizes("channel config (JSON)", &config));
    let total = FileWeight {
        name: "total".into(),
        raw: files.iter().map(|f| f.raw).sum(),
        gzip: files.iter().map(|f| f.gzip).sum(),
        brotli: files.iter().map(|f| f.brotli).sum(),
    };
    Ok(Weight { files, total })
}

/// Builds the widget once per setting, each on top of the previous ones,
/// from cargo's default release profile to the one Charla ships.
pub fn settings() -> Result<Vec<Setting>, Error> {
    step("what each size setting saves (five builds of the widget)");
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
    let gzip = gzip(wasm);
    Setting {
        name: name.into(),
        wasm_raw: wasm.len(),
        wasm_gzip: gzip,
        saved_gzip: previous.map_or(0, |p| p.wasm_gzip as i64 - gzip as i64),
    }
}

fn sizes(name: &str, bytes: &[u8]) -> FileWeight {
    FileWeight {
        name: name.into(),
        raw: bytes.len(),
        gzip: gzip(bytes),
        brotli: brotli(bytes),
    }
}

fn gzip(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().map(|v| v.len()).unwrap_or(0)
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out.len()
}
