//! `cargo xtask`: every developer command of Charla, so that a fresh machine
//! needs nothing but the two commands in the README.
//!
//! - `cargo xtask dev [--port N]`: install what is missing, build, and serve
//!   everything on local workerd with persisted state, until Ctrl-C.
//! - `cargo xtask test`: install what is missing, check formatting and
//!   lints, build, and run every test suite.
//! - `cargo xtask build`: the release build of the widget, the console and
//!   the edge, assembled into `dist/site`.
//! - `cargo xtask deploy [--dry-run]`: build and deploy with wrangler.
//! - `cargo xtask fuzz [--seconds N]`: fuzz the frame decoder for N seconds
//!   (default 60) with cargo-fuzz on nightly.
//! - `cargo xtask bench [--check]`: measure the widget's weight and page
//!   cost and the relay against Socket.IO and a bare relay; write
//!   bench/report.{md,json}, bench/latency.svg and BENCHMARKS.md's results;
//!   with `--check`, fail when a budget is exceeded.
//! - `cargo xtask kb import|export DIR --channel ID`: a channel's knowledge
//!   base to and from a folder of `<slug>.<lang>.md` files, against a
//!   running edge (`cargo xtask dev`'s unless `--url` says otherwise).
//! - `cargo xtask eval-ai DIR [--misses] [--typos] [--wrapped] [--context]`: score the
//!   assistant's answers and hand-off detection on a set in DIR (see
//!   `eval.rs`; ours is `tests/data/assistant`); with `--typos`, each
//!   question mistyped once; with `--wrapped`, each among a greeting and
//!   thanks; with `--context`, each after a sentence of context and without
//!   its question mark.
//! - `cargo xtask size [--record]`: the widget's first download by file and
//!   its code by crate; with `--record`, record it as the limit
//!   `cargo xtask test` holds it to (bench/size-limit.json).

mod bench;
mod build;
mod cmd;
mod eval;
mod kb;
mod size;
mod tools;
mod wasm_size;

use std::process::ExitCode;

use charla_tests::edge::{dev_command, prepare_state, wrangler, LOCAL_VARS};
use charla_tests::paths;
use charla_tests::seed::{Seed, DEMO_CHANNEL, DEMO_EMAIL, DEMO_PASSWORD};

use crate::build::EdgeBuild;
use crate::cmd::{cargo, run, Error};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => port_arg(&args[1..]).and_then(dev),
        Some("test") => test(),
        Some("build") => {
            let edge = if args[1..].iter().any(|a| a == "--tests") {
                EdgeBuild::Tests
            } else {
                EdgeBuild::Release
            };
            tools::ensure(tools::Need::Build).and_then(|()| build::all(edge))
        }
        Some("deploy") => deploy(args[1..].iter().any(|a| a == "--dry-run")),
        Some("fuzz") => seconds_arg(&args[1..]).and_then(fuzz),
        Some("bench") => bench(args[1..].iter().any(|a| a == "--check")),
        Some("profile-relay") => conversations_arg(&args[1..]).and_then(profile_relay),
        Some("size") => size_command(args[1..].iter().any(|a| a == "--record")),
        Some("admin") => first_admin(&args[1..]),
        Some("kb") => kb::Kb::parse(&args[1..]).and_then(|kb| kb.run()),
        Some("eval-ai") => match args.get(1).filter(|a| !a.starts_with("--")) {
            Some(dir) => eval::run(std::path::Path::new(dir), &args[2..]),
            None => Err(Error::Check(
                "usage: cargo xtask eval-ai DIR [--misses] [--typos] [--wrapped] [--context]"
                    .into(),
            )),
        },
        // Started by the benchmark as a separate process: the floor relay.
        Some("floor-relay") => port_arg(&args[1..]).and_then(bench::floor::serve),
        _ => {
            eprintln!(
                "usage: cargo xtask dev [--port N] | test | build [--tests] | deploy [--dry-run] | fuzz [--seconds N] | bench [--check] | profile-relay [--conversations 10|100|1000] | size [--record] | kb import|export DIR --channel ID | eval-ai DIR [--misses] [--typos] [--wrapped] [--context] | admin EMAIL NAME"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Builds and serves everything on local workerd, in the foreground.
fn dev(port: u16) -> Result<(), Error> {
    tools::ensure(tools::Need::Build)?;
    build::all(EdgeBuild::Release)?;
    let state = paths::root().join(".wrangler").join("state");
    cmd::step("preparing the local database (.wrangler/state)");
    prepare_state(&state, &Seed::demo())?;
    let base = format!("http://127.0.0.1:{port}");
    println!(
        "\n  Charla is starting on local workerd.\n\n  \
         Demo site:  {base}/\n  \
         Console:    {base}/console/\n  \
         Sign in as: {DEMO_EMAIL} / {DEMO_PASSWORD}   (local demo account)\n  \
         Snippet:    <script async src=\"{base}/widget.js\" data-channel=\"{DEMO_CHANNEL}\"></script>\n\n  \
         State persists in .wrangler/state. Stop with Ctrl-C.\n"
    );
    // Wrangler's own default inspector port, for attaching DevTools.
    run(dev_command(&state, port, 9229, LOCAL_VARS)?)
}

/// Everything CI checks.
fn test() -> Result<(), Error> {
    tools::ensure(tools::Need::Test)?;
    cmd::step("formatting");
    run(cargo(["fmt", "--all", "--check"]))?;
    cmd::step("lints (native)");
    run(cargo([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    cmd::step("lints (WebAssembly)");
    run(cargo([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "charla-widget",
        "-p",
        "charla-console",
        "-p",
        "charla-edge",
        "-p",
        "charla-client",
        "-p",
        "charla-emoji",
        "-p",
        "charla-help",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    cmd::step("unit tests");
    run(cargo(["test", "--workspace", "--lib", "--bins"]))?;
    build::all(EdgeBuild::Tests)?;
    size::check()?;
    cmd::step("widget components in headless Chromium");
    let mut browser_tests = cargo([
        "test",
        "-p",
        "charla-widget",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "browser",
    ]);
    browser_tests
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    run(browser_tests)?;
    cmd::step("deploy --dry-run (offline)");
    deploy_dry_run()?;
    cmd::step("protocol tests against the local edge");
    run(cargo(["test", "-p", "charla-tests", "--test", "protocol"]))?;
    cmd::step("security rules against the local edge");
    run(cargo(["test", "-p", "charla-tests", "--test", "security"]))?;
    cmd::step("delivery through injected faults and edge restarts");
    run(cargo(["test", "-p", "charla-tests", "--test", "delivery"]))?;
    cmd::step("end-to-end tests in headless Chromium against the local edge");
    let mut e2e = cargo(["test", "-p", "charla-tests", "--test", "e2e"]);
    e2e.args(["--", "--test-threads=1"]);
    run(e2e)?;
    cmd::step("channels, rules, languages, isolation and accessibility in headless Chromium");
    let mut channels = cargo(["test", "-p", "charla-tests", "--test", "channels"]);
    channels.args(["--", "--test-threads=1"]);
    run(channels)?;
    cmd::step("chatbots: scripts, leads and tickets, over sockets and in headless Chromium");
    let mut bots = cargo(["test", "-p", "charla-tests", "--test", "bots"]);
    bots.args(["--", "--test-threads=1"]);
    run(bots)?;
    cmd::step("ratings, transcripts and reports, over sockets and in headless Chromium");
    let mut ratings = cargo(["test", "-p", "charla-tests", "--test", "ratings"]);
    ratings.args(["--", "--test-threads=1"]);
    run(ratings)?;
    cmd::step(
        "live signals: typing, read marks and unread counts, over sockets and in headless Chromium",
    );
    let mut signals = cargo(["test", "-p", "charla-tests", "--test", "signals"]);
    signals.args(["--", "--test-threads=1"]);
    run(signals)?;
    cmd::step("files both ways: stored in local R2, served to the conversation only, in headless Chromium");
    let mut files = cargo(["test", "-p", "charla-tests", "--test", "files"]);
    files.args(["--", "--test-threads=1"]);
    run(files)?;
    cmd::step(
        "routing and the queue: strategies, places, transfers, supervision, the visitor's dot",
    );
    run(cargo(["test", "-p", "charla-tests", "--test", "queue"]))?;
    cmd::step("the AI assistant: knowledge base, cited answers, fallbacks and hand-offs");
    run(cargo(["test", "-p", "charla-tests", "--test", "assistant"]))?;
    println!("\nxtask: all checks passed");
    Ok(())
}

/// Builds, applies D1 migrations and deploys; or only shows what would be
/// deployed, offline.
fn deploy(dry_run: bool) -> Result<(), Error> {
    tools::ensure(tools::Need::Build)?;
    build::all(EdgeBuild::Release)?;
    if dry_run {
        return deploy_dry_run();
    }
    cmd::step("applying D1 migrations (remote)");
    let mut migrate = wrangler();
    migrate.args([
        "d1",
        "migrations",
        "apply",
        charla_tests::edge::DATABASE,
        "--remote",
    ]);
    run(migrate)?;
    cmd::step("deploying");
    let mut deploy = wrangler();
    deploy.arg("deploy");
    run(deploy)
}

/// Creates a deployment's first admin in the remote D1 database and prints
/// their initial password, which they replace at their first sign-in. Later
/// accounts are made in the console.
fn first_admin(args: &[String]) -> Result<(), Error> {
    let [email, name] = args else {
        return Err(Error::Check("usage: cargo xtask admin EMAIL NAME".into()));
    };
    let refused = |problem: charla_shared::protocol::Problem| Error::Check(problem.message);
    let email = charla_shared::identity::email(email).map_err(refused)?;
    let name = charla_shared::protocol::display_name(name, "The name").map_err(refused)?;
    let id: String = email
        .split('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(40)
        .collect();
    charla_shared::ids::OperatorId::parse(id.trim_matches('-'))
        .map_err(|e| Error::Check(format!("no account id from {email}: {e}")))?;
    let password = charla_tests::seed::initial_password();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let sql =
        charla_tests::seed::first_admin_sql(id.trim_matches('-'), &email, &name, &password, now);
    cmd::step("creating the first admin (remote D1)");
    let mut insert = wrangler();
    insert
        .args([
            "d1",
            "execute",
            charla_tests::edge::DATABASE,
            "--remote",
            "--command",
        ])
        .arg(sql);
    run(insert)?;
    println!(
        "
  Sign in to /console/ as {email} with the initial password

    {password}

  and choose your own there."
    );
    Ok(())
}

/// `wrangler deploy --dry-run` bundles without contacting Cloudflare; the
/// bindings it lists must be the ones the edge uses.
fn deploy_dry_run() -> Result<(), Error> {
    let mut dry = wrangler();
    dry.args(["deploy", "--dry-run", "--outdir"])
        .arg(paths::root().join("target").join("deploy-dry-run"));
    let output = charla_tests::edge::run(dry)?;
    print!("{output}");
    for expected in [
        "env.CONVERSATION (Conversation)",
        "env.INBOX (Inbox)",
        "env.DB (charla)",
    ] {
        if !output.contains(expected) {
            return Err(Error::Check(format!(
                "wrangler deploy --dry-run did not list the binding {expected}"
            )));
        }
    }
    Ok(())
}

/// Builds, then prints the widget's first download and its code by crate;
/// with `record`, records it as the limit `cargo xtask test` checks.
fn size_command(record: bool) -> Result<(), Error> {
    tools::ensure(tools::Need::Build)?;
    build::all(EdgeBuild::Release)?;
    size::report()?;
    if record {
        size::record()?;
    }
    Ok(())
}

/// Builds, then runs every benchmark (see bench/mod.rs).
fn bench(check: bool) -> Result<(), Error> {
    tools::ensure(tools::Need::Test)?;
    build::all(EdgeBuild::Release)?;
    bench::run(check)
}

/// Builds, then profiles Charla's relay under one of the bench's loads (see
/// bench/profile.rs).
fn profile_relay(conversations: usize) -> Result<(), Error> {
    tools::ensure(tools::Need::Test)?;
    build::all(EdgeBuild::Release)?;
    bench::profile_relay(conversations)
}

/// Fuzzes the edge's frame decoder for a bounded time, starting from the
/// committed seed frames.
fn fuzz(seconds: u64) -> Result<(), Error> {
    tools::ensure_fuzzer()?;
    cmd::step(&format!("fuzzing ClientFrame::decode for {seconds} s"));
    let dir = paths::root().join("shared").join("fuzz");
    let corpus = dir.join("corpus").join("client_frame");
    std::fs::create_dir_all(&corpus).map_err(cmd::io("creating the fuzz corpus"))?;
    let mut fuzz =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    fuzz.current_dir(&dir)
        .env("RUSTUP_TOOLCHAIN", tools::NIGHTLY)
        .args(["fuzz", "run", "client_frame"])
        .arg(&corpus)
        .arg(dir.join("seeds").join("client_frame"))
        .arg("--")
        .arg(format!("-max_total_time={seconds}"));
    run(fuzz)
}

fn seconds_arg(args: &[String]) -> Result<u64, Error> {
    match args {
        [] => Ok(60),
        [flag, seconds] if flag == "--seconds" => seconds
            .parse()
            .map_err(|_| Error::Check(format!("--seconds takes a number, not {seconds}"))),
        other => Err(Error::Check(format!("unknown arguments {other:?}"))),
    }
}

fn conversations_arg(args: &[String]) -> Result<usize, Error> {
    match args {
        [] => Ok(100),
        [flag, count] if flag == "--conversations" => count
            .parse()
            .map_err(|_| Error::Check(format!("--conversations takes a number, not {count}"))),
        other => Err(Error::Check(format!("unknown arguments {other:?}"))),
    }
}

fn port_arg(args: &[String]) -> Result<u16, Error> {
    match args {
        [] => Ok(8787),
        [flag, port] if flag == "--port" => port
            .parse()
            .map_err(|_| Error::Check(format!("--port takes a number, not {port}"))),
        other => Err(Error::Check(format!("unknown arguments {other:?}"))),
    }
}
