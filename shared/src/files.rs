//! Files people attach to a conversation: what a stored file is on the
//! wire ([`Attachment`]), which kinds the edge accepts — decided from the
//! bytes, never from the name alone ([`sniff`]) — the name it keeps
//! ([`file_name`]), how it is served ([`content_disposition`]) and how
//! clients show its size ([`size_text`]).
//!
//! Architecture Invariant: a file is served inline only if its bytes are
//! one of [`INLINE_IMAGES`]; everything else is a download, and markup
//! (HTML, SVG, XML) is never accepted at all.

use serde::{Deserialize, Serialize};

use crate::limits::{MAX_FILE_BYTES, MAX_FILE_NAME_CHARS};
use crate::protocol::{ErrorCode, Problem};

/// The image types a browser may show inline: raster formats with no
/// scripts in them. SVG is not one of them.
pub const INLINE_IMAGES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// A file stored with a conversation, as a message carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its number within the conversation (what its address ends with).
    pub file: u64,
    /// The name it was sent with, cleaned by [`file_name`].
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its type, as [`sniff`] read it from the bytes.
    pub mime: String,
}

impl Attachment {
    /// Whether clients show it as a picture (and the edge serves it inline).
    pub fn is_image(&self) -> bool {
        INLINE_IMAGES.contains(&self.mime.as_str())
    }
}

/// What a file picker offers: the kinds [`sniff`] accepts.
pub const ACCEPT: &str = "image/png,image/jpeg,image/gif,image/webp,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.txt,.csv,.zip";

/// Files being uploaded from one window, shown until each is posted: its
/// progress, or why it failed and whether trying again may help. A file
/// too large is refused here, before any byte is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uploads {
    next: u32,
    items: Vec<Upload>,
}

/// One file of [`Uploads`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Tells it apart from the others.
    pub key: u32,
    /// Its name, as it will be kept.
    pub name: String,
    /// How much is sent, 0 to 100.
    pub percent: u8,
    /// Why it failed, if it did.
    pub failed: Option<String>,
    /// Whether sending it again may work (not for a file too large).
    pub can_retry: bool,
}

impl Uploads {
    /// Starts a file: its key, or `None` when it may not be sent (it then
    /// shows as failed, with the reason).
    pub fn start(&mut self, name: &str, size: u64) -> Option<u32> {
        self.next += 1;
        let name = file_name(name);
        let refused = check_size(&name, size).err();
        self.items.push(Upload {
            key: self.next,
            name,
            percent: 0,
            can_retry: refused.is_none(),
            failed: refused.as_ref().map(|p| p.message.clone()),
        });
        refused.is_none().then_some(self.next)
    }

    /// The share of a file sent so far (0 to 1).
    pub fn progress(&mut self, key: u32, share: f64) {
        if let Some(upload) = self.find(key) {
            upload.percent = (share.clamp(0.0, 1.0) * 100.0).round() as u8;
        }
    }

    /// A file could not be sent; a refusal of the edge about the file
    /// itself (its type, its size, the conversation's limit) will not
    /// change on a retry.
    pub fn fail(&mut self, key: u32, reason: &Problem) {
        if let Some(upload) = self.find(key) {
            upload.failed = Some(reason.message.clone());
            upload.can_retry = !matches!(reason.code, ErrorCode::Invalid | ErrorCode::TooLarge);
        }
    }

    /// Sends a failed file again: `true` if it may be.
    pub fn retry(&mut self, key: u32) -> bool {
        match self.find(key) {
            Some(upload) if upload.can_retry && upload.failed.is_some() => {
                upload.failed = None;
                upload.percent = 0;
                true
            }
            _ => false,
        }
    }

    /// A file is posted, or the reader dismissed it: it goes.
    pub fn remove(&mut self, key: u32) {
        self.items.retain(|u| u.key != key);
    }

    /// The name a file is sent under.
    pub fn name(&self, key: u32) -> Option<&str> {
        self.items
            .iter()
            .find(|u| u.key == key)
            .map(|u| u.name.as_str())
    }

    /// Every file shown, oldest first.
    pub fn items(&self) -> &[Upload] {
        &self.items
    }

    /// The one a window shows: the first that failed (it waits for the
    /// reader), else the first still on its way.
    pub fn shown(&self) -> Option<&Upload> {
        self.items
            .iter()
            .find(|u| u.failed.is_some())
            .or_else(|| self.items.first())
    }

    fn find(&mut self, key: u32) -> Option<&mut Upload> {
        self.items.iter_mut().find(|u| u.key == key)
    }
}

/// The type of a file from its first bytes: one of [`INLINE_IMAGES`], a
/// PDF, an office document or archive (the name tells which), or plain
/// UTF-8 text that is not markup. Anything else is refused, whatever its
/// name says, with a sentence that names the file.
pub fn sniff(bytes: &[u8], name: &str) -> Result<&'static str, Problem> {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let zip = |ext: &str| match ext {
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        _ => "application/zip",
    };
    let mime = match bytes {
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [b'%', b'P', b'D', b'F', b'-', ..] => Some("application/pdf"),
        [b'P', b'K', 0x03, 0x04, ..] => Some(zip(&extension)),
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, ..] => Some(match extension.as_str() {
            "xls" => "application/vnd.ms-excel",
            "ppt" => "application/vnd.ms-powerpoint",
            _ => "application/msword",
        }),
        _ if is_plain_text(bytes) => Some("text/plain; charset=utf-8"),
        _ => None,
    };
    mime.ok_or_else(|| {
        Problem::new(
            ErrorCode::Invalid,
            format!(
                "“{name}” was not sent: only pictures (PNG, JPEG, GIF, WebP), PDF, office documents and plain text can be, and its content is none of these."
            ),
        )
    })
}

/// The name a file is kept under: without any folder, control characters
/// or quotes, at most [`MAX_FILE_NAME_CHARS`] characters (shortened before
/// its extension), and "file" if nothing is left.
pub fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\u{202E}' | '\u{202D}'))
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    if clean.is_empty() {
        return "file".to_owned();
    }
    if clean.chars().count() <= MAX_FILE_NAME_CHARS {
        return clean.to_owned();
    }
    let (stem, extension) = match clean.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 10 && !stem.is_empty() => (stem, ext),
        _ => (clean, ""),
    };
    let keep = MAX_FILE_NAME_CHARS - extension.chars().count() - usize::from(!extension.is_empty());
    let stem: String = stem.chars().take(keep).collect();
    if extension.is_empty() {
        stem
    } else {
        format!("{stem}.{extension}")
    }
}

/// Refuses a file over [`MAX_FILE_BYTES`] (or an empty one), with its size
/// and the limit in words.
pub fn check_size(name: &str, size: u64) -> Result<(), Problem> {
    if size == 0 {
        return Err(Problem::new(
            ErrorCode::Invalid,
            format!("“{name}” is empty, so it was not sent."),
        ));
    }
    if size > MAX_FILE_BYTES {
        return Err(Problem::new(
            ErrorCode::TooLarge,
            format!(
                "“{name}” is {}; files can be at most {}.",
                size_text(size),
                size_text(MAX_FILE_BYTES)
            ),
        ));
    }
    Ok(())
}

/// The `Content-Disposition` a file is served with: inline for
/// [`INLINE_IMAGES`], a download for everything else; the name in ASCII
/// for old clients and in UTF-8 (RFC 6266) for the rest.
pub fn content_disposition(attachment: &Attachment) -> String {
    let kind = if attachment.is_image() {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = attachment
        .name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';')) || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in attachment.name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A size as people read it: "512 bytes", "340 KB", "1.2 MB" (powers of
/// 1,024, one decimal under ten).
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        let tenths = (value * 10.0).round() as u64;
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    } else {
        format!("{} {}", value.round() as u64, UNITS[unit])
    }
}

/// UTF-8 without NUL bytes whose first visible character is not `<` (so no
/// HTML, SVG or XML passes as text).
fn is_plain_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    !text.contains('\0')
        && !text
            .trim_start_matches('\u{FEFF}')
            .trim_start()
            .starts_with('<')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachment(name: &str, mime: &str) -> Attachment {
        Attachment {
            file: 1,
            name: name.into(),
            size: 10,
            mime: mime.into(),
        }
    }

    #[test]
    fn the_bytes_decide_the_type_not_the_name() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png, "photo.pdf"), Ok("image/png"));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0JFIF", "a.jpg"), Ok("image/jpeg"));
        assert_eq!(sniff(b"GIF89a....", "a.gif"), Ok("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ", "a.webp"), Ok("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7\n", "invoice.png"), Ok("application/pdf"));
        assert!(sniff(b"PK\x03\x04rest", "cv.docx")
            .unwrap()
            .contains("wordprocessingml"));
        assert_eq!(sniff(b"PK\x03\x04rest", "photos"), Ok("application/zip"));
        assert_eq!(
            sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.XLS"),
            Ok("application/vnd.ms-excel")
        );
        assert_eq!(
            sniff("Pedido nº 3, ¿listo?\n".as_bytes(), "nota.txt"),
            Ok("text/plain; charset=utf-8")
        );
    }

    #[test]
    fn markup_and_unknown_bytes_are_refused_with_the_name() {
        for markup in [
            "<!DOCTYPE html><script>alert(1)</script>",
            "\u{FEFF}  <html>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "<?xml version=\"1.0\"?>",
        ] {
            let refusal = sniff(markup.as_bytes(), "cat.png").unwrap_err();
            assert_eq!(refusal.code, ErrorCode::Invalid);
            assert!(refusal.message.contains("“cat.png” was not sent"));
        }
        assert!(sniff(b"MZ\x90\0\x03\0\0\0\xff\xfe", "setup.exe").is_err());
        assert!(sniff(b"text with a \0 byte", "a.txt").is_err());
    }

    #[test]
    fn names_lose_folders_controls_and_length() {
        assert_eq!(file_name("C:\\Users\\ana\\foto.png"), "foto.png");
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("a\"b\u{202E}gnp.exe\n"), "abgnp.exe");
        assert_eq!(file_name("   "), "file");
        assert_eq!(file_name(".htaccess"), "htaccess");
        let long = format!("{}.pdf", "x".repeat(300));
        let kept = file_name(&long);
        assert_eq!(kept.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(kept.ends_with("x.pdf"));
    }

    #[test]
    fn sizes_are_checked_and_read_like_people_say_them() {
        assert_eq!(size_text(512), "512 bytes");
        assert_eq!(size_text(1536), "1.5 KB");
        assert_eq!(size_text(340 * 1024), "340 KB");
        assert_eq!(size_text(1_258_291), "1.2 MB");
        assert!(check_size("a.png", 1).is_ok());
        assert!(check_size("a.png", MAX_FILE_BYTES).is_ok());
        let big = check_size("video.mp4", 50 * 1024 * 1024).unwrap_err();
        assert_eq!(big.code, ErrorCode::TooLarge);
        assert_eq!(
            big.message,
            format!(
                "“video.mp4” is 50 MB; files can be at most {}.",
                size_text(MAX_FILE_BYTES)
            )
        );
        assert_eq!(check_size("a", 0).unwrap_err().code, ErrorCode::Invalid);
    }

    #[test]
    fn uploads_show_progress_then_go_and_failures_say_if_a_retry_helps() {
        let mut uploads = Uploads::default();
        let photo = uploads.start("fotos/playa.jpg", 2_000_000).unwrap();
        assert_eq!(uploads.name(photo), Some("playa.jpg"));
        uploads.progress(photo, 0.456);
        assert_eq!(uploads.items()[0].percent, 46);
        let offline = Problem::new(ErrorCode::Unavailable, "The network is unavailable.");
        uploads.fail(photo, &offline);
        assert!(uploads.items()[0].can_retry);
        assert!(uploads.retry(photo));
        assert_eq!(uploads.items()[0].failed, None);
        assert_eq!(uploads.items()[0].percent, 0);
        let second = uploads.start("b.txt", 5).unwrap();
        uploads.fail(photo, &offline);
        assert_eq!(uploads.shown().unwrap().key, photo, "a failure waits");
        uploads.remove(photo);
        assert_eq!(uploads.shown().unwrap().key, second);
        uploads.remove(second);
        assert!(uploads.items().is_empty());
        assert_eq!(uploads.shown(), None);

        assert_eq!(uploads.start("video.mp4", 50 * 1024 * 1024), None);
        let refused = &uploads.items()[0];
        assert!(refused.failed.as_deref().unwrap().contains("at most"));
        assert!(!refused.can_retry);
        let key = refused.key;
        assert!(!uploads.retry(key));

        let page = uploads.start("page.png", 10).unwrap();
        uploads.fail(page, &sniff(b"<html>", "page.png").unwrap_err());
        assert!(
            !uploads.retry(page),
            "the same bytes would be refused again"
        );
    }

    #[test]
    fn only_raster_images_are_shown_inline() {
        let photo = attachment("Foto de Ana.jpg", "image/jpeg");
        assert!(photo.is_image());
        assert_eq!(
            content_disposition(&photo),
            "inline; filename=\"Foto de Ana.jpg\"; filename*=UTF-8''Foto%20de%20Ana.jpg"
        );
        let pdf = attachment("factura ñ.pdf", "application/pdf");
        assert!(!pdf.is_image());
        assert_eq!(
            content_disposition(&pdf),
            "attachment; filename=\"factura _.pdf\"; filename*=UTF-8''factura%20%C3%B1.pdf"
        );
        assert!(!attachment("x.svg", "image/svg+xml").is_image());
    }
}
