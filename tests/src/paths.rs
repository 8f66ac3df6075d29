//! Where the repository keeps what the harness needs.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository root")
        .to_path_buf()
}

/// The assembled static site the edge serves (`cargo xtask build` makes it).
pub fn site() -> PathBuf {
    root().join("dist").join("site")
}

/// The built worker (`cargo xtask build` makes it).
pub fn worker() -> PathBuf {
    root().join("edge").join("build").join("index.js")
}

/// A program installed by `npm ci` from package.json.
pub fn node_bin(name: &str) -> PathBuf {
    root().join("node_modules").join(".bin").join(name)
}
