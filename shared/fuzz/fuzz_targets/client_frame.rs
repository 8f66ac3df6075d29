//! Every frame a client could send goes through `ClientFrame::decode`, the
//! edge's only frame parser. Whatever the bytes, it must not panic, and what
//! it accepts must hold the limits and survive a round trip.

#![no_main]

use charla_shared::limits::{MAX_FRAME_BYTES, MAX_MESSAGE_CHARS};
use charla_shared::protocol::ClientFrame;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // WebSocket text frames are UTF-8; the runtime hands over only those.
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    match ClientFrame::decode(raw) {
        Ok(frame) => {
            assert!(raw.len() <= MAX_FRAME_BYTES);
            if let ClientFrame::Send { text, .. } = &frame {
                assert!(!text.is_empty(), "empty messages are refused");
                assert_eq!(text.trim(), text, "accepted text is trimmed");
                assert!(text.chars().count() <= MAX_MESSAGE_CHARS);
            }
            let again = ClientFrame::decode(&frame.encode()).expect("an accepted frame re-decodes");
            assert_eq!(again, frame);
        }
        Err(problem) => assert!(!problem.message.is_empty(), "a refusal says why"),
    }
});
