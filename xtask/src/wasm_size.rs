//! What a WebAssembly module's bytes are made of: every function's body
//! size, named from the module's `name` section, and those sizes summed by
//! the crate each function comes from. The widget's size check and the
//! benchmark read it from the module cargo builds (before wasm-bindgen and
//! wasm-opt, which drop the names), so the figures are shares of the code,
//! not the bytes a visitor downloads.

use std::collections::BTreeMap;

/// A function: its (mangled) name and its body's size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The symbol, as the name section has it.
    pub name: String,
    /// Bytes of its body in the code section.
    pub size: usize,
}

/// Why a module could not be read.
#[derive(Debug, thiserror::Error)]
#[error("not a WebAssembly module the size breakdown can read: {0}")]
pub struct Unreadable(&'static str);

/// Every defined function with its size, largest first. Functions
/// wasm-bindgen strips (`__wbindgen_describe*`) are left out.
pub fn functions(module: &[u8]) -> Result<Vec<Function>, Unreadable> {
    let mut reader = Reader {
        bytes: module,
        at: 8,
    };
    if module.get(..4) != Some(b"\0asm") {
        return Err(Unreadable("no \\0asm header"));
    }
    let mut imported = 0usize;
    let mut sizes = Vec::new();
    let mut names = BTreeMap::new();
    while reader.at < module.len() {
        let id = reader.byte()?;
        let size = reader.leb()?;
        let body = reader.take(size)?;
        let mut section = Reader { bytes: body, at: 0 };
        match id {
            2 => imported = count_imported_functions(&mut section)?,
            10 => {
                for _ in 0..section.leb()? {
                    let start = section.at;
                    let length = section.leb()?;
                    section.take(length)?;
                    sizes.push(section.at - start);
                }
            }
            0 => {
                let length = section.leb()?;
                if section.take(length)? == b"name" {
                    read_function_names(&mut section, &mut names)?;
                }
            }
            _ => {}
        }
    }
    let mut functions: Vec<Function> = sizes
        .into_iter()
        .enumerate()
        .map(|(index, size)| Function {
            name: names
                .remove(&(index + imported))
                .unwrap_or_else(|| format!("function #{}", index + imported)),
            size,
        })
        .filter(|f| !f.name.starts_with("__wbindgen_describe"))
        .collect();
    functions.sort_by(|a, b| b.size.cmp(&a.size).then(a.name.cmp(&b.name)));
    Ok(functions)
}

/// Code bytes per crate, largest first.
pub fn by_crate(functions: &[Function]) -> Vec<(String, usize)> {
    let mut sums: BTreeMap<String, usize> = BTreeMap::new();
    for function in functions {
        *sums.entry(crate_of(&function.name)).or_default() += function.size;
    }
    let mut sums: Vec<(String, usize)> = sums.into_iter().collect();
    sums.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    sums
}

/// The crate a Rust symbol belongs to: the first path segment of the item,
/// or of the type of an impl (`<serde_json::Deserializer as …>` counts for
/// `serde_json`). Symbols may be mangled (`_ZN…`, `_R…`) or demangled, as
/// wasm-bindgen leaves them. Symbols that are not Rust's count as `other`.
pub fn crate_of(symbol: &str) -> String {
    if let Some(rest) = symbol.strip_prefix("_ZN") {
        return legacy_crate(rest);
    }
    if symbol.starts_with("_R") {
        return v0_crate(symbol);
    }
    demangled_crate(symbol)
}

/// `crate[hash]::path::item`, `<crate[hash]::Type as …>::item`,
/// `<(crate[hash]::A, …) as …>::item`, `<&mut crate::T as …>`.
fn demangled_crate(symbol: &str) -> String {
    let mut rest = symbol;
    loop {
        let trimmed = rest
            .trim_start_matches(['<', '(', '&', '[', ' '])
            .trim_start_matches("mut ")
            .trim_start_matches("dyn ")
            .trim_start_matches("impl ")
            .trim_start_matches("*const ")
            .trim_start_matches("*mut ");
        if trimmed == rest {
            break;
        }
        rest = trimmed;
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let after = &rest[name.len()..];
    if name.is_empty() {
        "other".into()
    } else if after.starts_with('[') || after.starts_with("::") {
        name
    } else if name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        || [
            "u8", "u16", "u32", "u64", "usize", "i32", "i64", "f64", "str", "bool",
        ]
        .contains(&name.as_str())
    {
        "generic impls".into()
    } else {
        // A symbol that is not Rust's (memcpy, a wasm-bindgen shim).
        "other".into()
    }
}

/// `_ZN` symbols: length-prefixed segments; an impl's segment starts with
/// `_$LT$` and spells the type with `..` between path segments.
fn legacy_crate(rest: &str) -> String {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let length: usize = rest[..digits].parse().unwrap_or(0);
    let segment = rest.get(digits..digits + length).unwrap_or_default();
    let mut inner = segment;
    for prefix in [
        "_$LT$",
        "$LT$",
        "$RF$",
        "mut$u20$",
        "impl$u20$",
        "$BP$",
        "dyn$u20$",
    ] {
        while let Some(stripped) = inner.strip_prefix(prefix) {
            inner = stripped;
        }
    }
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() || name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
        // A generic parameter or a primitive (`<T as …>`, `<[u8] as …>`).
        "generic impls".into()
    } else {
        name
    }
}

/// `_R` (v0) symbols: the first crate root, `C`, an optional
/// disambiguator `s…_`, then a length-prefixed identifier.
fn v0_crate(symbol: &str) -> String {
    let bytes = symbol.as_bytes();
    let mut at = 0;
    while let Some(offset) = symbol[at..].find('C') {
        let mut index = at + offset + 1;
        if bytes.get(index) == Some(&b's') {
            match symbol[index..].find('_') {
                Some(end) => index += end + 1,
                None => break,
            }
        }
        let digits = symbol[index..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits > 0 {
            let length: usize = symbol[index..index + digits].parse().unwrap_or(0);
            if let Some(name) = symbol.get(index + digits..index + digits + length) {
                if name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
                    return name.to_owned();
                }
            }
        }
        at += offset + 1;
    }
    "other".into()
}

fn count_imported_functions(section: &mut Reader<'_>) -> Result<usize, Unreadable> {
    let mut functions = 0;
    for _ in 0..section.leb()? {
        for _ in 0..2 {
            let length = section.leb()?;
            section.take(length)?;
        }
        match section.byte()? {
            0 => {
                section.leb()?;
                functions += 1;
            }
            1 => {
                section.byte()?;
                limits(section)?;
            }
            2 => limits(section)?,
            3 => {
                section.byte()?;
                section.byte()?;
            }
            4 => {
                section.byte()?;
                section.leb()?;
            }
            _ => return Err(Unreadable("an import of an unknown kind")),
        }
    }
    Ok(functions)
}

fn limits(section: &mut Reader<'_>) -> Result<(), Unreadable> {
    let flags = section.byte()?;
    section.leb()?;
    if flags & 1 == 1 {
        section.leb()?;
    }
    Ok(())
}

fn read_function_names(
    section: &mut Reader<'_>,
    names: &mut BTreeMap<usize, String>,
) -> Result<(), Unreadable> {
    while section.at < section.bytes.len() {
        let kind = section.byte()?;
        let size = section.leb()?;
        let body = section.take(size)?;
        if kind != 1 {
            continue;
        }
        let mut map = Reader { bytes: body, at: 0 };
        for _ in 0..map.leb()? {
            let index = map.leb()?;
            let length = map.leb()?;
            let name = String::from_utf8_lossy(map.take(length)?).into_owned();
            names.insert(index, name);
        }
    }
    Ok(())
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, Unreadable> {
        let byte = *self.bytes.get(self.at).ok_or(Unreadable("it ends early"))?;
        self.at += 1;
        Ok(byte)
    }

    fn leb(&mut self) -> Result<usize, Unreadable> {
        let mut value = 0usize;
        for shift in (0..35).step_by(7) {
            let byte = self.byte()?;
            value |= usize::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(Unreadable("a number is too long"))
    }

    fn take(&mut self, length: usize) -> Result<&'a [u8], Unreadable> {
        let end = self
            .at
            .checked_add(length)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(Unreadable("a section runs past the end"))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_symbols_name_their_crate() {
        for (symbol, expected) in [
            ("_ZN6tachys4view5build17h0123456789abcdefE", "tachys"),
            (
                "_ZN98_$LT$$RF$mut$u20$serde_json..de..Deserializer$LT$R$GT$$u20$as$u20$serde_core..de..Deserializer$GT$15deserialize_map17h87b97053e688205eE",
                "serde_json",
            ),
            (
                "_ZN13charla_shared8protocol1_94_$LT$impl$u20$serde_core..de..Deserialize$u20$for$u20$charla_shared..protocol..ServerFrame$GT$11deserialize17h51f87fcd9",
                "charla_shared",
            ),
            ("_ZN50_$LT$T$u20$as$u20$core..convert..Into$LT$U$GT$$GT$4into17h0E", "generic impls"),
        ] {
            assert_eq!(crate_of(symbol), expected, "{symbol}");
        }
    }

    #[test]
    fn v0_symbols_name_their_crate() {
        assert_eq!(
            crate_of("_RNvMs0_NtCsjqx8TIyZbP9_8dlmalloc8dlmallocINtB5_8DlmallocNtNtB7_3sys6SystemE6mallocCsebHcaeoSrxy_3std"),
            "dlmalloc"
        );
        assert_eq!(
            crate_of("_RNvNtCsgXGp5Oqx2Ny_4core3str19slice_error_fail_rt"),
            "core"
        );
        assert_eq!(crate_of("memcpy"), "other");
    }

    #[test]
    fn demangled_symbols_name_their_crate() {
        for (symbol, expected) in [
            (
                "<charla_widget[42a67ce0505f01e8]::controller::Controller>::start::{closure#1}",
                "charla_widget",
            ),
            (
                "<(tachys[cb10d06de6bfd1e2]::html::element::HtmlElement<A>, B) as tachys[cb10d06de6bfd1e2]::view::Render>::build",
                "tachys",
            ),
            (
                "leptos[e36b9ad4fe4c4714]::mount::mount_to::<F, V>",
                "leptos",
            ),
            (
                "<&mut serde_json[1]::de::Deserializer<R> as serde_core[2]::de::Deserializer>::deserialize_map",
                "serde_json",
            ),
            ("<T as core[1]::convert::Into<U>>::into", "generic impls"),
            ("__wbindgen_malloc", "other"),
        ] {
            assert_eq!(crate_of(symbol), expected, "{symbol}");
        }
    }

    #[test]
    fn a_module_is_read_function_by_function() {
        // A module with one imported and two defined functions, named.
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        let section = |id: u8, body: &[u8]| {
            let mut bytes = vec![id, u8::try_from(body.len()).unwrap()];
            bytes.extend_from_slice(body);
            bytes
        };
        module.extend(section(2, b"\x01\x01m\x01f\x00\x00"));
        module.extend(section(10, b"\x02\x02\x00\x0b\x04\x00\x01\x01\x0b"));
        let mut names = b"\x04name".to_vec();
        names.extend(section(1, b"\x02\x01\x05small\x02\x05large"));
        module.extend(section(0, &names));
        let found = functions(&module).unwrap();
        assert_eq!(
            found,
            [
                Function {
                    name: "large".into(),
                    size: 5
                },
                Function {
                    name: "small".into(),
                    size: 3
                },
            ]
        );
        assert!(functions(b"not wasm").is_err());
    }
}
