//! What a visitor downloads before the first message, and the check that
//! keeps it within the limit recorded in `bench/size-limit.json`, the way
//! `size-limit` guards JavaScript libraries. Sizes are deterministic for a
//! given build, so this is not a timing assertion. Over the limit, the
//! check says by how much and which crates grew since it was recorded.
//!
//! The limit is 60 KB once the widget reaches it; until then it is the size
//! last recorded with `cargo xtask size --record`, which is never run
//! without a line in BENCHMARKS.md saying what the extra bytes buy.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use charla_shared::api::WidgetConfig;
use charla_shared::channel::ChannelOptions;
use charla_shared::ids::ChannelId;
use charla_tests::paths;
use serde::{Deserialize, Serialize};

use crate::build::widget_target;
use crate::cmd::{io, run, step, Error};
use crate::tools::cargo_bin;
use crate::wasm_size;

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

/// The widget's first download.
#[derive(Debug, Clone, Serialize)]
pub struct Weight {
    /// Each file.
    pub files: Vec<FileWeight>,
    /// All of them.
    pub total: FileWeight,
}

/// What `bench/size-limit.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Limit {
    /// The most the first download may weigh, gzip level 9, in bytes.
    pub limit_bytes: usize,
    /// What the first download weighed when the limit was recorded.
    pub recorded_bytes: usize,
    /// The WebAssembly's code by crate then, to show what grew.
    pub crates: Vec<(String, usize)>,
}

/// Measures the built files of `dist/site` and the demo channel's
/// configuration as the widget fetches it.
pub fn first_load() -> Result<Weight, Error> {
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

/// The widget's WebAssembly code by crate, as wasm-bindgen leaves it
/// (before wasm-opt, which drops the names): shares of the code, largest
/// first.
pub fn by_crate() -> Result<Vec<(String, usize)>, Error> {
    Ok(wasm_size::by_crate(&functions()?))
}

/// The widget's largest functions, as wasm-bindgen leaves them.
pub fn largest_functions(count: usize) -> Result<Vec<wasm_size::Function>, Error> {
    let mut functions = functions()?;
    functions.truncate(count);
    Ok(functions)
}

/// Fails when the first download is over the recorded limit, saying by how
/// much and which crates grew.
pub fn check() -> Result<(), Error> {
    step("the widget's first download against bench/size-limit.json");
    let limit = read_limit()?;
    let weight = first_load()?;
    let total = weight.total.gzip;
    println!(
        "first download {total} bytes gzip, limit {} bytes ({} under)",
        limit.limit_bytes,
        limit.limit_bytes.saturating_sub(total)
    );
    if total <= limit.limit_bytes {
        return Ok(());
    }
    let mut grown: Vec<(String, i64)> = by_crate()?
        .into_iter()
        .map(|(name, now)| {
            let before = limit
                .crates
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(0, |(_, b)| *b);
            (name, now as i64 - before as i64)
        })
        .filter(|(_, change)| *change > 0)
        .collect();
    grown.sort_by_key(|(_, change)| std::cmp::Reverse(*change));
    let lines: Vec<String> = grown
        .iter()
        .take(10)
        .map(|(name, change)| format!("  {name}: +{change} bytes of code"))
        .collect();
    Err(Error::Check(format!(
        "the widget's first download is {total} bytes gzip, {} over its limit of {} \
         (bench/size-limit.json). Since the limit was recorded:\n{}\n\
         Pay for the bytes elsewhere, or record a new limit with `cargo xtask size --record` \
         and say in BENCHMARKS.md what they buy.",
        total - limit.limit_bytes,
        limit.limit_bytes,
        lines.join("\n")
    )))
}

/// Records the current first download as the limit.
pub fn record() -> Result<(), Error> {
    let weight = first_load()?;
    let limit = Limit {
        limit_bytes: weight.total.gzip,
        recorded_bytes: weight.total.gzip,
        crates: by_crate()?,
    };
    let path = limit_path();
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&limit).unwrap_or_default() + "\n",
    )
    .map_err(io(format!("writing {}", path.display())))?;
    println!(
        "recorded {} bytes as the limit in {}",
        limit.limit_bytes,
        path.display()
    );
    Ok(())
}

/// Prints the first download by file and the code by crate.
pub fn report() -> Result<(), Error> {
    let weight = first_load()?;
    for file in weight.files.iter().chain([&weight.total]) {
        println!(
            "{:<24} {:>8} raw {:>8} gzip",
            file.name, file.raw, file.gzip
        );
    }
    println!("\nWebAssembly code by crate (before wasm-opt):");
    for (name, bytes) in by_crate()?.iter().take(20) {
        println!("{bytes:>8}  {name}");
    }
    println!("\nLargest functions:");
    for function in largest_functions(15)? {
        let name: String = function.name.chars().take(140).collect();
        println!("{:>8}  {name}", function.size);
    }
    Ok(())
}

/// gzip level 9, the figure the budget counts.
pub fn gzip(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().map(|v| v.len()).unwrap_or(0)
}

fn sizes(name: &str, bytes: &[u8]) -> FileWeight {
    FileWeight {
        name: name.into(),
        raw: bytes.len(),
        gzip: gzip(bytes),
        brotli: brotli(bytes),
    }
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

/// The widget's functions with their names: wasm-bindgen run again on
/// cargo's output into a directory of its own.
fn functions() -> Result<Vec<wasm_size::Function>, Error> {
    let target = widget_target();
    let out = target.join("names");
    let mut bindgen = Command::new(cargo_bin().join("wasm-bindgen"));
    bindgen
        .args(["--target", "web", "--out-dir"])
        .arg(&out)
        .arg(target.join("wasm32-unknown-unknown/release/charla-widget.wasm"));
    run(bindgen)?;
    let module = std::fs::read(out.join("charla-widget_bg.wasm"))
        .map_err(io("reading the widget's WebAssembly"))?;
    wasm_size::functions(&module).map_err(|e| Error::Check(e.to_string()))
}

fn read_limit() -> Result<Limit, Error> {
    let path = limit_path();
    let text = std::fs::read_to_string(&path).map_err(io(format!("reading {}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Check(format!("{} is not a size limit: {e}", path.display())))
}

fn limit_path() -> PathBuf {
    paths::root().join("bench").join("size-limit.json")
}
