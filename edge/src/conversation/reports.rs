//! How often a conversation reports to its channel's inbox. Every
//! conversation of a channel reports to the one inbox object, so a report per
//! message would make it the channel's bottleneck. Only the newest summary
//! matters: the first report after a quiet spell goes at once, and while one
//! is on its way or [`INBOX_REPORT_INTERVAL_MS`] has not passed since the
//! last, later summaries replace each other and the newest goes next.
//!
//! This is the plain bookkeeping; the object does the waiting and sending.

use charla_shared::limits::INBOX_REPORT_INTERVAL_MS;
use charla_shared::Millis;

/// Reports to the inbox: one in flight at a time, the newest waiting.
#[derive(Debug)]
pub struct Reports<T> {
    sending: bool,
    waiting: Option<T>,
    last_sent: Option<Millis>,
}

impl<T> Default for Reports<T> {
    fn default() -> Self {
        Reports {
            sending: false,
            waiting: None,
            last_sent: None,
        }
    }
}

impl<T> Reports<T> {
    /// A new summary. If no report is on its way, the caller becomes the
    /// sender and gets the summary back to send; otherwise it waits (and
    /// replaces any older one waiting) and the current sender takes it.
    pub fn offer(&mut self, summary: T) -> Option<T> {
        if self.sending {
            self.waiting = Some(summary);
            None
        } else {
            self.sending = true;
            Some(summary)
        }
    }

    /// How long the sender waits at `now` before the next report may go.
    pub fn wait_ms(&self, now: Millis) -> Millis {
        self.last_sent
            .map_or(0, |last| (last + INBOX_REPORT_INTERVAL_MS - now).max(0))
    }

    /// After waiting: the newest summary, the one in hand unless a newer one
    /// arrived meanwhile.
    pub fn newest(&mut self, in_hand: T) -> T {
        self.waiting.take().unwrap_or(in_hand)
    }

    /// Records that a report went at `now`, and returns the next one to
    /// send, if any arrived meanwhile; with none, sending stops.
    pub fn sent(&mut self, now: Millis) -> Option<T> {
        self.last_sent = Some(now);
        let next = self.waiting.take();
        self.sending = next.is_some();
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_report_goes_at_once() {
        let mut reports = Reports::default();
        assert_eq!(reports.offer(1), Some(1));
        assert_eq!(reports.wait_ms(1_000), 0);
    }

    #[test]
    fn while_one_is_on_its_way_only_the_newest_waits() {
        let mut reports = Reports::default();
        let first = reports.offer(1).unwrap();
        assert_eq!(reports.offer(2), None);
        assert_eq!(reports.offer(3), None);
        assert_eq!(
            reports.newest(first),
            3,
            "a newer one replaces the one in hand"
        );
        assert_eq!(reports.sent(0), None, "nothing newer arrived since");
        assert_eq!(reports.offer(4), Some(4), "sending had stopped");
    }

    #[test]
    fn reports_are_spaced_by_the_interval() {
        let mut reports = Reports::default();
        reports.offer(1);
        assert_eq!(reports.offer(2), None);
        let next = reports.sent(10_000);
        assert_eq!(next, Some(2));
        assert_eq!(reports.wait_ms(10_100), INBOX_REPORT_INTERVAL_MS - 100);
        assert_eq!(reports.wait_ms(10_000 + INBOX_REPORT_INTERVAL_MS + 1), 0);
        assert_eq!(reports.sent(10_000 + INBOX_REPORT_INTERVAL_MS), None);
    }
}
