//! Installs what the build and the tests need, at the versions verified to
//! work together (see ../shared/TOOLCHAIN.md and README.md), and only when
//! it is missing. Everything comes from the package registries: crates.io,
//! npm, and Debian's apt for Chromium.

use std::path::PathBuf;
use std::process::Command;

use charla_tests::paths;

use crate::cmd::{probe, run, step, Error};

/// Where Debian's chromium-driver puts chromedriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Where Debian's chromium puts the browser.
const CHROMIUM: &str = "/usr/bin/chromium";
/// Node's major version the pinned wrangler needs at least.
const NODE_MAJOR: u32 = 20;
/// The cargo-fuzz version `cargo xtask fuzz` installs.
const FUZZ_VERSION: &str = "0.13.1";
/// The wrangler version package.json pins.
const WRANGLER_VERSION: &str = "4.86.0";
/// The dated nightly toolchain for what only nightly can do: the widget's
/// release build (rebuilding the standard library for size) and fuzzing.
/// Not every date has every component; this one has `rust-src` and the
/// wasm32 standard library (see ../shared/TOOLCHAIN.md).
pub const NIGHTLY: &str = "nightly-2026-05-20";

/// The WebAssembly features Rust 1.95 emits, which wasm-opt must accept
/// (the same list is in the Trunk index files' `data-wasm-opt-params`).
pub const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// What a command is about to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Build (and serve or deploy).
    Build,
    /// Build and run the tests, which also need Chromium.
    Test,
}

/// A tool installed with `cargo install`.
struct CargoTool {
    bin: &'static str,
    krate: &'static str,
    version: &'static str,
    /// `--locked` fails for wasm-bindgen-cli 0.2.130 (its lock file pins a
    /// crate version the registry no longer serves), so it installs unlocked.
    locked: bool,
}

const CARGO_TOOLS: [CargoTool; 3] = [
    CargoTool {
        bin: "wasm-bindgen",
        krate: "wasm-bindgen-cli",
        version: "0.2.130",
        locked: false,
    },
    CargoTool {
        bin: "trunk",
        krate: "trunk",
        version: "0.21.14",
        locked: true,
    },
    CargoTool {
        bin: "worker-build",
        krate: "worker-build",
        version: "0.8.7",
        locked: true,
    },
];

/// Installs whatever is missing.
pub fn ensure(need: Need) -> Result<(), Error> {
    wasm_target()?;
    nightly()?;
    for tool in &CARGO_TOOLS {
        cargo_tool(tool)?;
    }
    node_tools()?;
    if need == Need::Test {
        browser()?;
    }
    Ok(())
}

/// Installs cargo-fuzz when missing; fuzzing needs the nightly toolchain.
pub fn ensure_fuzzer() -> Result<(), Error> {
    nightly()?;
    cargo_tool(&CargoTool {
        bin: "cargo-fuzz",
        krate: "cargo-fuzz",
        version: FUZZ_VERSION,
        locked: true,
    })
}

/// `PATH` with the pinned tools first: npm's binaries (wasm-opt, esbuild,
/// wrangler), then cargo's.
pub fn tool_path() -> String {
    let mut entries = vec![paths::root().join("node_modules").join(".bin"), cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        entries.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(entries)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default()
        .join("bin")
}

fn wasm_target() -> Result<(), Error> {
    let installed = probe("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target");
    let mut add = Command::new("rustup");
    add.args(["target", "add", "wasm32-unknown-unknown"]);
    run(add)
}

/// The pinned nightly with the standard library's sources, and the crates
/// those sources depend on in cargo's cache, so that rebuilding the
/// standard library works offline.
fn nightly() -> Result<(), Error> {
    let toolchains = probe("rustup", &["toolchain", "list"]).unwrap_or_default();
    if !toolchains.lines().any(|l| l.starts_with(NIGHTLY)) {
        step(&format!(
            "installing the {NIGHTLY} toolchain (the widget's release build, fuzzing)"
        ));
        let mut install = Command::new("rustup");
        install.args([
            "toolchain",
            "install",
            NIGHTLY,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
            "--target",
            "wasm32-unknown-unknown",
        ]);
        run(install)?;
    }
    let sysroot = probe("rustc", &[&format!("+{NIGHTLY}"), "--print", "sysroot"])
        .ok_or_else(|| Error::Check(format!("rustc +{NIGHTLY} does not run")))?;
    let library = PathBuf::from(sysroot.trim()).join("lib/rustlib/src/rust/library/Cargo.toml");
    let mut fetch = Command::new("cargo");
    fetch
        .arg(format!("+{NIGHTLY}"))
        .args(["fetch", "--quiet", "--manifest-path"])
        .arg(&library);
    run(fetch)
}

fn cargo_tool(tool: &CargoTool) -> Result<(), Error> {
    let bin = cargo_bin().join(tool.bin);
    let version = probe(&bin.to_string_lossy(), &["--version"]).unwrap_or_default();
    if version.split_whitespace().any(|word| word == tool.version) {
        return Ok(());
    }
    step(&format!(
        "installing {} {} (a few minutes, once)",
        tool.krate, tool.version
    ));
    let mut install = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    install.args(["install", tool.krate, "--version", tool.version]);
    if tool.locked {
        install.arg("--locked");
    }
    run(install)
}

fn node_tools() -> Result<(), Error> {
    let version = probe("node", &["--version"]).ok_or_else(|| {
        Error::Check(format!(
            "Node.js {NODE_MAJOR} or newer is needed (wrangler runs on it): install Debian's nodejs or from nodejs.org"
        ))
    })?;
    let major: u32 = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < NODE_MAJOR {
        return Err(Error::Check(format!(
            "Node.js {NODE_MAJOR} or newer is needed; this machine has {}",
            version.trim()
        )));
    }
    let root = paths::root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules").join(".package-lock.json");
    let modified = |path: &PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let stale = match (modified(&installed), modified(&lock)) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    };
    let wrangler = paths::node_bin("wrangler");
    let current = !stale
        && probe(&wrangler.to_string_lossy(), &["--version"])
            .is_some_and(|v| v.contains(WRANGLER_VERSION));
    if current {
        return Ok(());
    }
    step("installing wrangler, wasm-opt and esbuild from npm (package-lock.json)");
    npm_ci(&root)
}

/// Installs exactly what a folder's package-lock.json pins.
pub fn npm_ci(dir: &std::path::Path) -> Result<(), Error> {
    let mut ci = Command::new("npm");
    ci.args(["ci", "--no-audit", "--no-fund"]).current_dir(dir);
    run(ci)
}

fn browser() -> Result<(), Error> {
    let present = |path: &str| std::path::Path::new(path).exists();
    if present(CHROMIUM) && present(CHROMEDRIVER) {
        return Ok(());
    }
    let root_user = probe("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !root_user || probe("apt-get", &["--version"]).is_none() {
        return Err(Error::Check(format!(
            "the tests need Debian's Chromium and its driver ({CHROMIUM}, {CHROMEDRIVER}): \
             sudo apt-get install chromium chromium-driver"
        )));
    }
    step("installing Chromium and chromedriver from Debian");
    let install = || {
        let mut apt = Command::new("apt-get");
        apt.args(["install", "-y", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive");
        apt
    };
    if run(install()).is_err() {
        let mut update = Command::new("apt-get");
        update.arg("update");
        run(update)?;
        run(install())?;
    }
    Ok(())
}
