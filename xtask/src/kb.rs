//! `cargo xtask kb import|export DIR --channel ID`: a channel's knowledge
//! base to and from a folder of Markdown files `<slug>.<lang>.md` whose
//! first line is `# Title`, against a running edge (`cargo xtask dev`'s by
//! default), through the same admin endpoint the console uses.

use std::path::{Path, PathBuf};

use charla_shared::ids::ChannelId;
use charla_shared::knowledge::{KbArticle, KbImport, KbImported};
use charla_shared::protocol::Problem;
use charla_shared::routes;
use charla_tests::client::{Api, Reply};
use charla_tests::seed::{DEMO_EMAIL, DEMO_PASSWORD};

use crate::cmd::Error;

/// What `cargo xtask kb` was asked to do.
pub struct Kb {
    pub export: bool,
    pub dir: PathBuf,
    pub channel: ChannelId,
    pub url: String,
    pub email: String,
    pub password: String,
    /// Remove the channel's articles that the folder does not have.
    pub replace: bool,
}

impl Kb {
    /// Reads `import|export DIR --channel ID [--url U] [--email E]
    /// [--password P] [--replace]`; the demo admin of `cargo xtask dev` by
    /// default.
    pub fn parse(args: &[String]) -> Result<Kb, Error> {
        let usage = || {
            Error::Check(
                "usage: cargo xtask kb import|export DIR --channel ID [--url URL] [--email E --password P] [--replace]"
                    .into(),
            )
        };
        let export = match args.first().map(String::as_str) {
            Some("import") => false,
            Some("export") => true,
            _ => return Err(usage()),
        };
        let dir = args
            .get(1)
            .filter(|a| !a.starts_with("--"))
            .ok_or_else(usage)?;
        let flag = |name: &str| {
            args.iter()
                .position(|a| a == name)
                .and_then(|i| args.get(i + 1))
                .cloned()
        };
        let channel = flag("--channel").ok_or_else(usage)?;
        Ok(Kb {
            export,
            dir: PathBuf::from(dir),
            channel: ChannelId::parse(channel).map_err(|e| Error::Check(e.to_string()))?,
            url: flag("--url").unwrap_or_else(|| "http://127.0.0.1:8787".into()),
            email: flag("--email").unwrap_or_else(|| DEMO_EMAIL.into()),
            password: flag("--password").unwrap_or_else(|| DEMO_PASSWORD.into()),
            replace: args.iter().any(|a| a == "--replace"),
        })
    }

    pub fn run(&self) -> Result<(), Error> {
        let api = Api::at(&self.url);
        let cookie = self.sign_in(&api)?;
        if self.export {
            self.export(&api, &cookie)
        } else {
            self.import(&api, &cookie)
        }
    }

    fn import(&self, api: &Api, cookie: &str) -> Result<(), Error> {
        let mut articles = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(io(&self.dir))? {
            let path = entry.map_err(io(&self.dir))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(io(&path))?;
            articles.push(KbArticle::from_file(name, &text).map_err(|p| Error::Check(p.message))?);
        }
        let body = KbImport {
            articles,
            replace: self.replace,
        };
        let reply = api.request(
            "PUT",
            &routes::knowledge(&self.channel),
            Some(&serde_json::to_string(&body).map_err(|e| Error::Check(e.to_string()))?),
            &[("cookie", cookie)],
        );
        let done: KbImported = answer(reply)?;
        println!(
            "{} articles saved, {} removed, in channel {}",
            done.saved, done.removed, self.channel
        );
        Ok(())
    }

    fn export(&self, api: &Api, cookie: &str) -> Result<(), Error> {
        let articles: Vec<KbArticle> =
            answer(api.get(&routes::knowledge(&self.channel), Some(cookie)))?;
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        for article in &articles {
            let path = self.dir.join(article.file_name());
            std::fs::write(&path, article.to_file()).map_err(io(&path))?;
        }
        println!(
            "{} articles written to {}",
            articles.len(),
            self.dir.display()
        );
        Ok(())
    }

    fn sign_in(&self, api: &Api) -> Result<String, Error> {
        let reply = api.post(
            routes::SESSION,
            &charla_shared::api::SignIn {
                email: self.email.clone(),
                password: self.password.clone(),
            },
            None,
        );
        let cookie = reply
            .set_cookie
            .clone()
            .and_then(|c| c.split(';').next().map(str::to_owned));
        match cookie {
            Some(cookie) if reply.status == 200 => Ok(cookie),
            _ => Err(refused("signing in", &reply)),
        }
    }
}

fn answer<T: serde::de::DeserializeOwned>(reply: Reply) -> Result<T, Error> {
    if reply.status != 200 {
        return Err(refused("the edge refused", &reply));
    }
    serde_json::from_str(&reply.body).map_err(|e| Error::Check(format!("the edge answered {e}")))
}

fn refused(what: &str, reply: &Reply) -> Error {
    let message = serde_json::from_str::<Problem>(&reply.body)
        .map(|p| p.message)
        .unwrap_or_else(|_| reply.body.clone());
    Error::Check(format!("{what} ({}): {message}", reply.status))
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        context: format!("{}", path.display()),
        source,
    }
}
