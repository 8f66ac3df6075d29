//! How a Durable Object's SQLite schema is created and upgraded. Each object
//! kind lists its schema as steps, one per change. A new object runs them
//! all; an object created by an older version records how many it ran and,
//! when it first wakes after an upgrade, runs the ones it lacks before
//! anything else.

use serde::Deserialize;
use worker::SqlStorage;

use crate::error::{EdgeError, EdgeResult};

/// One object kind's schema.
pub struct Schema {
    /// The steps, oldest first.
    pub steps: &'static [&'static str],
    /// A table the first step creates: its presence tells an object that
    /// exists from one that was never created.
    pub marker: &'static str,
}

impl Schema {
    /// How many steps this object has run, `None` if it was never created.
    /// Objects from before versions were recorded ran step 1 only.
    pub fn version(&self, sql: &SqlStorage) -> EdgeResult<Option<usize>> {
        #[derive(Deserialize)]
        struct Table {
            name: String,
        }
        let tables: Vec<String> = sql
            .exec(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, 'schema_version')",
                vec![self.marker.into()],
            )?
            .to_array::<Table>()?
            .into_iter()
            .map(|t| t.name)
            .collect();
        let recorded = if tables.iter().any(|t| t == "schema_version") {
            #[derive(Deserialize)]
            struct Version {
                version: i64,
            }
            Some(
                sql.exec("SELECT version FROM schema_version", None)?
                    .one::<Version>()?
                    .version,
            )
        } else {
            None
        };
        recorded_version(tables.iter().any(|t| t == self.marker), recorded)
    }

    /// Runs the steps after `from` and records the new version.
    pub fn upgrade(&self, sql: &SqlStorage, from: usize) -> EdgeResult<()> {
        // One script, one call: each call crosses into JavaScript, and a
        // new conversation runs every step.
        let mut script: String = self
            .steps
            .get(from..)
            .unwrap_or_default()
            .iter()
            .map(|step| format!("{};\n", step.trim_end().trim_end_matches(';')))
            .collect();
        script.push_str(&format!(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
             DELETE FROM schema_version;
             INSERT INTO schema_version (version) VALUES ({});",
            self.steps.len()
        ));
        sql.exec(&script, None)?;
        Ok(())
    }

    /// Brings an existing object up to date; `false` if it was never
    /// created (then nothing is written).
    pub fn upgrade_existing(&self, sql: &SqlStorage) -> EdgeResult<bool> {
        match self.version(sql)? {
            None => Ok(false),
            Some(version) => {
                if version < self.steps.len() {
                    self.upgrade(sql, version)?;
                }
                Ok(true)
            }
        }
    }

    /// Creates the schema or brings it up to date.
    pub fn create_or_upgrade(&self, sql: &SqlStorage) -> EdgeResult<()> {
        if !self.upgrade_existing(sql)? {
            self.upgrade(sql, 0)?;
        }
        Ok(())
    }
}

/// The version an object is at, from whether its marker table exists and
/// the version it recorded, if any.
fn recorded_version(has_marker: bool, recorded: Option<i64>) -> EdgeResult<Option<usize>> {
    match (has_marker, recorded) {
        (false, _) => Ok(None),
        (true, None) => Ok(Some(1)),
        (true, Some(version)) => usize::try_from(version)
            .map(Some)
            .map_err(|e| EdgeError::Corrupt(format!("schema version {version}: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_what_exists() {
        assert_eq!(recorded_version(false, None).unwrap(), None);
        assert_eq!(
            recorded_version(false, Some(3)).unwrap(),
            None,
            "no marker, never created"
        );
        assert_eq!(
            recorded_version(true, None).unwrap(),
            Some(1),
            "from before versions were recorded"
        );
        assert_eq!(recorded_version(true, Some(4)).unwrap(), Some(4));
        assert!(recorded_version(true, Some(-1)).is_err());
    }
}
