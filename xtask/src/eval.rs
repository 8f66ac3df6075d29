//! `cargo xtask eval-ai DIR`: scores the assistant's retrieval and hand-off
//! detection on a set anyone can write (the format is in
//! `charla_assistant::eval`), with the same code the edge runs.

use std::path::Path;

use charla_assistant::eval::Set;

use crate::cmd::Error;

/// The options `eval-ai` takes after its folder.
const FLAGS: &[&str] = &["--misses", "--typos", "--wrapped", "--context"];

/// Reads the set in `dir`, runs every question and conversation, and prints
/// the scores per language and overall; with `misses`, also every question
/// and conversation it got wrong; with `typos`, the questions each get one
/// slip of typing first (`Set::with_typos`); with `wrapped`, a greeting and
/// thanks around them (`Set::wrapped`); with `context`, a sentence of
/// context before them and no question mark (`Set::after_context`).
pub fn run(dir: &Path, flags: &[String]) -> Result<(), Error> {
    let flag = |name: &str| flags.iter().any(|f| f == name);
    if let Some(unknown) = flags.iter().find(|f| !FLAGS.contains(&f.as_str())) {
        return Err(Error::Check(format!("eval-ai: unknown option {unknown}")));
    }
    let kb_dir = dir.join("kb");
    let mut kb = Vec::new();
    for entry in std::fs::read_dir(&kb_dir).map_err(io(&kb_dir))? {
        let path = entry.map_err(io(&kb_dir))?.path();
        if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            if name.ends_with(".md") {
                kb.push((name.to_owned(), read(&path)?));
            }
        }
    }
    let set = Set::parse(
        &kb,
        &read(&dir.join("questions.jsonl"))?,
        &read(&dir.join("handoff.jsonl"))?,
    )
    .map_err(|e| Error::Check(e.to_string()))?;
    let set = if flag("--typos") {
        set.with_typos()
    } else {
        set
    };
    let set = if flag("--wrapped") {
        set.wrapped()
    } else {
        set
    };
    let set = if flag("--context") {
        set.after_context()
    } else {
        set
    };
    println!(
        "{} articles, {} questions, {} conversations\n",
        set.kb.articles().len(),
        set.questions.len(),
        set.conversations.len()
    );
    let report = set.evaluate();
    print!("{}", report.table());
    if flag("--misses") && !report.wrong.is_empty() {
        println!("\nwrong:");
        for line in &report.wrong {
            println!("  {line}");
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(io(path))
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        context: format!("reading {}", path.display()),
        source,
    }
}
