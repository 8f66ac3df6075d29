//! Files in conversations against the real edge on local workerd, stored
//! in wrangler's local R2: over HTTP and raw sockets, a picture and a PDF
//! go both ways, each served only to whoever the conversation admits, a
//! picture inline and anything else as a download, never sniffed; markup
//! under a picture's name, a file over the size limit and one past the
//! conversation's count are refused with a sentence that says why; a file
//! is posted once however often it is retried, and only by who uploaded
//! it; deleting the conversation deletes its files. Then, in headless
//! Chromium, the visitor attaches a picture from the widget (before
//! writing anything, which starts the conversation) and the
//! operator a PDF from the console, each sees the other's, the picture
//! enlarges and shrinks back, and refused files say why in the window.
//!
//! The suite starts one edge; each scenario has a conversation of its own.

use std::path::Path;

use charla_shared::files::{size_text, Attachment};
use charla_shared::ids::ClientMsgId;
use charla_shared::limits::{MAX_FILES_PER_CONVERSATION, MAX_FILE_BYTES};
use charla_shared::protocol::{ClientFrame, ErrorCode, Message, MessageKind, ServerFrame};
use charla_shared::routes;
use charla_tests::browser::{eventually, script, Chromedriver};
use charla_tests::client::{Api, Reply, Socket};
use charla_tests::edge::{test_edge, LocalEdge};
use charla_tests::seed::{DEMO_CHANNEL, DEMO_EMAIL, DEMO_PASSWORD, OPERATOR_EMAIL, TEST_PASSWORD};
use charla_tests::ui::{
    click, in_widget, open_widget, remembered_conversation, send_from_widget, sign_in_as,
    widget_element,
};
use charla_tests::{io_context, HarnessResult};
use fantoccini::{Client, Locator};

/// An 8 × 8 PNG, green.
const PNG: [u8; 74] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29,
    0xdc, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x90, 0xcf, 0x8f, 0xc1,
    0x8a, 0x18, 0x86, 0x96, 0x04, 0x00, 0xcc, 0xd2, 0x3a, 0x81, 0x04, 0x04, 0x77, 0xfd, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The start of a PDF, which is all the edge reads of it.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A page of HTML under a picture's name.
const PAGE: &[u8] =
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_go_both_ways_and_only_to_the_conversation() -> HarnessResult<()> {
    let (edge, _state) = test_edge(&[("SIGN_IN_BURST", "40")])?;
    let api = Api::new(&edge);
    both_ways_over_the_wire(&edge, &api).await;
    refusals_say_why(&edge, &api).await;
    deleting_the_conversation_deletes_its_files(&edge, &api).await;
    in_the_browsers(&edge).await
}

/// A picture from the visitor and a PDF from the operator: each is posted
/// once, reaches the other side with what the edge read of it, and is
/// served to the conversation's people only, as it must be served.
async fn both_ways_over_the_wire(edge: &LocalEdge, api: &Api) {
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let (created, mut visitor, mut operator) = Socket::pair(edge, api, DEMO_CHANNEL, &luis).await;
    let token = Some(&created.token);

    // A file whose name says PDF but whose bytes are a PNG is a picture.
    let photo = uploaded(api.post_bytes(
        &routes::upload(&created.conversation, "C:\\fotos\\recibo.pdf", token),
        &PNG,
        &[("content-type", "application/pdf")],
    ));
    assert_eq!(photo.name, "recibo.pdf");
    assert_eq!(photo.mime, "image/png");
    assert_eq!(photo.size, PNG.len() as u64);
    assert!(photo.is_image());

    let attach = ClientFrame::Attach {
        id: ClientMsgId::parse("photo-1").unwrap(),
        file: photo.file,
    };
    visitor.send(&attach).await;
    let stored = acknowledged(&mut visitor, "photo-1").await;
    let relayed = message_with_id(&mut operator, "photo-1").await;
    assert_eq!(relayed.seq, stored);
    assert_eq!(relayed.text, "recibo.pdf");
    assert_eq!(
        relayed.kind,
        MessageKind::File {
            attachment: photo.clone()
        }
    );
    // A retry (its ack lost) is acknowledged with the same number.
    visitor.send(&attach).await;
    assert_eq!(acknowledged(&mut visitor, "photo-1").await, stored);

    // Served to the visitor (token) and the operator (cookie): inline,
    // never sniffed, sandboxed, and not cached by anyone shared.
    let path = routes::file(&created.conversation, photo.file, None);
    for reply in [
        api.get(
            &routes::file(&created.conversation, photo.file, token),
            None,
        ),
        api.get(&path, Some(&luis)),
    ] {
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.bytes, PNG);
        assert_eq!(reply.header("content-type"), Some("image/png"));
        assert!(reply
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("inline;")));
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert!(reply
            .header("content-security-policy")
            .is_some_and(|p| p.contains("sandbox")));
        assert!(reply
            .header("cache-control")
            .is_some_and(|c| c.starts_with("private")));
    }
    // Nobody else: no token, another conversation's token, an operator of
    // another channel.
    let other = api.create_conversation(DEMO_CHANNEL);
    let marta = api.sign_in(charla_tests::seed::OUTSIDER_EMAIL, TEST_PASSWORD);
    for (reply, who) in [
        (api.get(&path, None), "no token"),
        (
            api.get(
                &routes::file(&created.conversation, photo.file, Some(&other.token)),
                None,
            ),
            "another conversation's token",
        ),
        (
            api.get(&path, Some(&marta)),
            "an operator of another channel",
        ),
    ] {
        assert_eq!(reply.status, 403, "{who}: {}", reply.body);
        assert!(reply.bytes != PNG, "{who}");
    }
    // The widget uploads from the customer's page: the preflight passes.
    let preflight = api.request(
        "OPTIONS",
        &routes::upload(&created.conversation, "a.png", token),
        None,
        &[
            ("origin", "https://shop.example"),
            ("access-control-request-method", "POST"),
        ],
    );
    assert_eq!(preflight.status, 204, "{}", preflight.body);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));

    // The operator sends a PDF: a download, with its name, for the visitor.
    let pdf = uploaded(api.post_bytes(
        &routes::upload(&created.conversation, "Presupuesto nº 7.pdf", None),
        PDF,
        &[("cookie", &luis)],
    ));
    assert_eq!(pdf.mime, "application/pdf");
    operator
        .send(&ClientFrame::Attach {
            id: ClientMsgId::parse("pdf-1").unwrap(),
            file: pdf.file,
        })
        .await;
    acknowledged(&mut operator, "pdf-1").await;
    let got = message_with_id(&mut visitor, "pdf-1").await;
    assert_eq!(
        got.kind,
        MessageKind::File {
            attachment: pdf.clone()
        }
    );
    assert_eq!(got.author.name, "Luis");
    let reply = api.get(&routes::file(&created.conversation, pdf.file, token), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.bytes, PDF);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert_eq!(
        reply.header("content-disposition"),
        Some("attachment; filename=\"Presupuesto n_ 7.pdf\"; filename*=UTF-8''Presupuesto%20n%C2%BA%207.pdf")
    );

    // The transcript keeps both, as files.
    let transcript = api.get(&routes::transcript(&created.conversation), Some(&luis));
    assert!(
        transcript.body.contains("\"attachment\""),
        "{}",
        transcript.body
    );
}

/// What the edge refuses, each with a sentence that names the file.
async fn refusals_say_why(edge: &LocalEdge, api: &Api) {
    let luis = api.sign_in(OPERATOR_EMAIL, TEST_PASSWORD);
    let (created, mut visitor, mut operator) = Socket::pair(edge, api, DEMO_CHANNEL, &luis).await;
    let token = Some(&created.token);
    let upload = |name: &str, bytes: &[u8]| {
        api.post_bytes(
            &routes::upload(&created.conversation, name, token),
            bytes,
            &[],
        )
    };

    // Markup under a picture's name, and SVG, are not files Charla keeps.
    for (name, bytes) in [
        ("cat.png", PAGE),
        (
            "logo.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".as_slice(),
        ),
    ] {
        let reply = upload(name, bytes);
        assert_eq!(reply.status, 400, "{}", reply.body);
        let problem = reply.problem();
        assert_eq!(problem.code, ErrorCode::Invalid);
        assert!(
            problem.message.contains(&format!("“{name}” was not sent")),
            "{}",
            problem.message
        );
    }
    // Over the size limit: refused, saying the limit.
    let big = vec![b'a'; MAX_FILE_BYTES as usize + 1];
    let reply = upload("notes.txt", &big);
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(
        reply.problem().message.ends_with(&format!(
            "files can be at most {}.",
            size_text(MAX_FILE_BYTES)
        )),
        "{}",
        reply.body
    );
    // Nothing to post for a file that was refused, never uploaded, or
    // uploaded by someone else.
    visitor
        .send(&ClientFrame::Attach {
            id: ClientMsgId::parse("ghost").unwrap(),
            file: 12345,
        })
        .await;
    let problem = visitor.next_error().await;
    assert_eq!(problem.code, ErrorCode::NotFound);
    assert_eq!(problem.id.as_ref().map(ClientMsgId::as_str), Some("ghost"));
    let theirs = uploaded(upload("list.txt", b"milk\neggs\n"));
    operator
        .send(&ClientFrame::Attach {
            id: ClientMsgId::parse("not-mine").unwrap(),
            file: theirs.file,
        })
        .await;
    assert_eq!(operator.next_error().await.code, ErrorCode::Forbidden);

    // A conversation holds at most so many files.
    for n in 1..MAX_FILES_PER_CONVERSATION {
        uploaded(upload(&format!("{n}.txt"), format!("file {n}").as_bytes()));
    }
    let reply = upload("one-more.txt", b"too many");
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(
        reply
            .problem()
            .message
            .contains("“one-more.txt” was not sent"),
        "{}",
        reply.body
    );
}

/// Deleting a conversation deletes its files from the bucket.
async fn deleting_the_conversation_deletes_its_files(edge: &LocalEdge, api: &Api) {
    let admin = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let created = api.create_conversation(DEMO_CHANNEL);
    let before = stored_files(edge);
    let photo = uploaded(api.post_bytes(
        &routes::upload(&created.conversation, "a.png", Some(&created.token)),
        &PNG,
        &[],
    ));
    assert_eq!(stored_files(edge), before + 1);
    let reply = api.delete(&routes::conversation(&created.conversation), &admin);
    assert_eq!(reply.status, 204, "{}", reply.body);
    eventually("its file gone from the bucket", || async {
        (stored_files(edge) == before).then_some(())
    })
    .await
    .expect("deleting the conversation deletes its files");
    let reply = api.get(
        &routes::file(&created.conversation, photo.file, None),
        Some(&admin),
    );
    assert_eq!(reply.status, 404, "{}", reply.body);
}

/// The visitor sends a picture from the widget and the operator a PDF from
/// the console; each sees the other's; refused files say why.
async fn in_the_browsers(edge: &LocalEdge) -> HarnessResult<()> {
    let folder = tempfile::tempdir().map_err(io_context("a folder for the files"))?;
    let photo = folder.path().join("playa.png");
    let pdf = folder.path().join("factura.pdf");
    let page = folder.path().join("cat.png");
    let huge = folder.path().join("video.mp4");
    (|| {
        std::fs::write(&photo, PNG)?;
        std::fs::write(&pdf, PDF)?;
        std::fs::write(&page, PAGE)?;
        // Sparse: 50 MB on paper, nothing on disk.
        std::fs::File::create(&huge)?.set_len(50 * 1024 * 1024)
    })()
    .map_err(io_context("writing the files to pick"))?;

    let driver = Chromedriver::start()?;
    let visitor = driver.session().await?;
    visitor
        .goto(&format!("{}/embed.html?channel={DEMO_CHANNEL}", edge.url()))
        .await?;
    open_widget(&visitor).await?;
    // A picture first, before any message: it starts the conversation.
    choose_in_widget(&visitor, &photo).await?;
    let shown = "const img = root.querySelector('.charla-image img');
                 return img && img.complete && img.naturalWidth > 0 ? img.alt : null";
    eventually("the picture in the widget", || async {
        in_widget(&visitor, shown)
            .await
            .as_str()
            .filter(|alt| *alt == "playa.png")
            .map(str::to_owned)
    })
    .await?;
    let conversation = remembered_conversation(&visitor).await?;
    send_from_widget(&visitor, "That is the damage").await?;

    let operator = driver.session().await?;
    sign_in_as(&operator, edge, DEMO_EMAIL, DEMO_PASSWORD).await?;
    let row = format!(".conversation[data-conversation='{conversation}'] button");
    click(&operator, &row).await?;
    let in_pane = "const img = document.querySelector('.pane .charla-image img');
                   return img && img.complete && img.naturalWidth > 0";
    eventually("the picture in the console", || async {
        script(&operator, in_pane).await.as_bool().filter(|b| *b)
    })
    .await?;
    // A click enlarges it to the whole window; Escape makes it small.
    let image = operator.find(Locator::Css(".pane .charla-image")).await?;
    image.click().await?;
    let enlarged = "const b = document.querySelector('.pane .charla-image');
                    const r = b.getBoundingClientRect();
                    return b.getAttribute('aria-expanded') === 'true'
                        && r.width === document.documentElement.clientWidth";
    eventually("the picture enlarged", || async {
        script(&operator, enlarged).await.as_bool().filter(|b| *b)
    })
    .await?;
    image.send_keys("\u{E00C}").await?;
    eventually("the picture small again", || async {
        script(
            &operator,
            "return document.querySelector('.pane .charla-image').getAttribute('aria-expanded')",
        )
        .await
        .as_str()
        .filter(|e| *e == "false")
        .map(str::to_owned)
    })
    .await?;

    // The operator sends a PDF: the visitor gets its name and size.
    operator
        .find(Locator::Css(".pane .charla-attach input[type=file]"))
        .await?
        .send_keys(&pdf.to_string_lossy())
        .await?;
    let link = "const a = root.querySelector('a.charla-file');
                return a ? a.textContent + ' ' + a.nextElementSibling.textContent : null";
    eventually("the PDF in the widget", || async {
        in_widget(&visitor, link)
            .await
            .as_str()
            .filter(|t| *t == format!("factura.pdf {}", size_text(PDF.len() as u64)))
            .map(str::to_owned)
    })
    .await?;

    // A page under a picture's name, and a file far over the limit: the
    // window says why, one at a time, and offers no retry that could not
    // work, only to let each go.
    choose_in_widget(&visitor, &page).await?;
    choose_in_widget(&visitor, &huge).await?;
    let refusal = "const p = root.querySelector('.charla-uploads');
                   if (p.hidden) return null;
                   const shown = [...p.querySelectorAll('button')].filter(b => !b.hidden);
                   return p.querySelector('.charla-upload-error')?.textContent + '|' + shown.length";
    eventually("the page refused in the window", || async {
        in_widget(&visitor, refusal)
            .await
            .as_str()
            .filter(|t| t.starts_with("“cat.png” was not sent") && t.ends_with("|1"))
            .map(str::to_owned)
    })
    .await?;
    let dismiss = "root.querySelector('.charla-uploads button[aria-label]').click(); return true";
    in_widget(&visitor, dismiss).await;
    let huge_refused = format!(
        "“video.mp4” is 50 MB; files can be at most {}.|1",
        size_text(MAX_FILE_BYTES)
    );
    eventually("the large file refused in the window", || async {
        in_widget(&visitor, refusal)
            .await
            .as_str()
            .filter(|t| *t == huge_refused)
            .map(str::to_owned)
    })
    .await?;
    in_widget(&visitor, dismiss).await;
    eventually("nothing left on its way", || async {
        in_widget(
            &visitor,
            "return root.querySelector('.charla-uploads').hidden",
        )
        .await
        .as_bool()
        .filter(|hidden| *hidden)
    })
    .await?;
    visitor.close().await?;
    operator.close().await?;
    Ok(())
}

/// Picks a file in the widget's file picker.
async fn choose_in_widget(visitor: &Client, file: &Path) -> HarnessResult<()> {
    widget_element(visitor, ".charla-attach input[type=file]")
        .await?
        .send_keys(&file.to_string_lossy())
        .await?;
    Ok(())
}

/// How many files the local bucket holds (wrangler keeps each object's
/// bytes as one blob file).
fn stored_files(edge: &LocalEdge) -> usize {
    edge.r2_blobs().expect("the local bucket is readable")
}

fn uploaded(reply: Reply) -> Attachment {
    assert_eq!(reply.status, 201, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("an attachment")
}

async fn acknowledged(socket: &mut Socket, id: &str) -> charla_shared::ids::Seq {
    loop {
        match socket.next().await {
            ServerFrame::Ack { id: acked, seq } if acked.as_str() == id => return seq,
            ServerFrame::Error { problem } => panic!("refused: {problem:?}"),
            _ => {}
        }
    }
}

async fn message_with_id(socket: &mut Socket, id: &str) -> Message {
    loop {
        if let ServerFrame::Message { message } = socket.next().await {
            if message.id.as_str() == id {
                return message;
            }
        }
    }
}
