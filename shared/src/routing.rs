//! Who answers a conversation that waits for a person: a channel's routing
//! settings, the choice of an operator (round robin, least busy, or none
//! when operators pick from the queue themselves), whether an operator is
//! still active, and the supervision figures (service level, waits).
//!
//! Everything here is pure with the clock passed in, so the channel's inbox
//! on the edge decides and the tests move time at will.

use serde::{Deserialize, Serialize};

use crate::ids::OperatorId;
use crate::protocol::{ErrorCode, Problem};
use crate::Millis;

/// How a waiting conversation finds its operator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Operators take conversations from the queue themselves.
    #[default]
    Manual,
    /// In turn: the operator assigned least recently gets the next one.
    RoundRobin,
    /// The operator with the fewest conversations in progress.
    LeastBusy,
}

/// A channel's routing settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Routing {
    /// How conversations are assigned.
    pub strategy: Strategy,
    /// Conversations one operator holds at once, at most; a full operator
    /// gets no more by assignment.
    pub max_concurrent: u32,
    /// Conversations that may wait at once; a visitor beyond it is told
    /// the channel is unavailable. Zero: no limit.
    pub max_waiting: u32,
    /// A conversation taken within this many seconds of waiting counts as
    /// served within the service level.
    pub service_level_secs: u32,
    /// Minutes without activity in the console after which an operator
    /// leaves the rotation.
    pub inactivity_minutes: u32,
}

impl Default for Routing {
    fn default() -> Self {
        Routing {
            strategy: Strategy::Manual,
            max_concurrent: 5,
            max_waiting: 0,
            service_level_secs: 60,
            inactivity_minutes: 30,
        }
    }
}

/// An operator who has joined the channel, as routing sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnDuty {
    /// The operator.
    pub id: OperatorId,
    /// Conversations they hold now.
    pub load: u32,
    /// When they were last given a conversation (zero: never).
    pub last_assigned: Millis,
    /// Their last activity in the console.
    pub last_active: Millis,
}

/// Where a conversation stands for routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// When it started waiting for a person.
    pub since: Millis,
    /// When a person took it, if one has.
    pub taken_at: Option<Millis>,
}

/// What the supervision view shows of a channel's waits today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFigures {
    /// Share of today's conversations taken within the service level, in
    /// percent; `None` before any was taken or waited past it.
    pub service_level_percent: Option<u8>,
    /// The average wait of the conversations taken today, in seconds.
    pub average_wait_secs: u64,
    /// The longest wait today (a conversation still waiting counts with
    /// its wait so far), in seconds.
    pub longest_wait_secs: u64,
}

/// The most an admin may set.
const MAX_CONCURRENT: u32 = 100;
const MAX_WAITING: u32 = 1_000;
const MAX_SERVICE_LEVEL_SECS: u32 = 3_600;
const MAX_INACTIVITY_MINUTES: u32 = 24 * 60;

impl Routing {
    /// Checks the settings; every number has a sensible range.
    pub fn validated(&self) -> Result<Routing, Problem> {
        let within = |value: u32, low: u32, high: u32, what: &str| {
            if (low..=high).contains(&value) {
                Ok(value)
            } else {
                Err(Problem::new(
                    ErrorCode::Invalid,
                    format!("The {what} must be between {low} and {high}; {value} is not."),
                ))
            }
        };
        Ok(Routing {
            strategy: self.strategy,
            max_concurrent: within(
                self.max_concurrent,
                1,
                MAX_CONCURRENT,
                "maximum of concurrent conversations",
            )?,
            max_waiting: within(
                self.max_waiting,
                0,
                MAX_WAITING,
                "maximum of waiting conversations",
            )?,
            service_level_secs: within(
                self.service_level_secs,
                1,
                MAX_SERVICE_LEVEL_SECS,
                "service level (seconds)",
            )?,
            inactivity_minutes: within(
                self.inactivity_minutes,
                1,
                MAX_INACTIVITY_MINUTES,
                "inactivity limit (minutes)",
            )?,
        })
    }

    /// Whether an operator last active at `last_active` is still in the
    /// rotation at `now`.
    pub fn is_active(&self, last_active: Millis, now: Millis) -> bool {
        now.saturating_sub(last_active) < i64::from(self.inactivity_minutes) * 60_000
    }

    /// Whether a queue of `waiting` conversations takes no more.
    pub fn queue_full(&self, waiting: u32) -> bool {
        self.max_waiting > 0 && waiting >= self.max_waiting
    }

    /// The operator the next waiting conversation goes to, among those on
    /// duty: only active ones below the maximum load; none under the manual
    /// strategy. Ties go to whoever waited longest for one, then by id, so
    /// the choice is the same on every run.
    pub fn pick<'a>(&self, on_duty: &'a [OnDuty], now: Millis) -> Option<&'a OperatorId> {
        let free = on_duty
            .iter()
            .filter(|o| o.load < self.max_concurrent && self.is_active(o.last_active, now));
        let chosen = match self.strategy {
            Strategy::Manual => None,
            Strategy::RoundRobin => {
                free.min_by(|a, b| (a.last_assigned, &a.id).cmp(&(b.last_assigned, &b.id)))
            }
            Strategy::LeastBusy => free.min_by(|a, b| {
                (a.load, a.last_assigned, &a.id).cmp(&(b.load, b.last_assigned, &b.id))
            }),
        };
        chosen.map(|o| &o.id)
    }

    /// The figures of the waits that began since `day_start` (the edge
    /// passes the start of the day), at `now`.
    pub fn figures(&self, waits: &[Wait], day_start: Millis, now: Millis) -> ServiceFigures {
        let level = i64::from(self.service_level_secs) * 1_000;
        let today: Vec<&Wait> = waits.iter().filter(|w| w.since >= day_start).collect();
        let waited = |w: &Wait| w.taken_at.unwrap_or(now).saturating_sub(w.since).max(0);
        let taken: Vec<i64> = today
            .iter()
            .filter(|w| w.taken_at.is_some())
            .map(|w| waited(w))
            .collect();
        // A conversation counts once its outcome is known: taken, or still
        // waiting past the level (it can no longer be served within it).
        let decided = today
            .iter()
            .filter(|w| w.taken_at.is_some() || waited(w) > level)
            .count();
        let within = taken.iter().filter(|wait| **wait <= level).count();
        let share = (decided > 0).then(|| ((within * 100 + decided / 2) / decided) as u8);
        let average = if taken.is_empty() {
            0
        } else {
            taken.iter().sum::<i64>() / taken.len() as i64
        };
        ServiceFigures {
            service_level_percent: share,
            average_wait_secs: (average / 1_000) as u64,
            longest_wait_secs: (today.iter().map(|w| waited(w)).max().unwrap_or(0) / 1_000) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Millis = 60_000;

    fn operator(id: &str, load: u32, last_assigned: Millis) -> OnDuty {
        OnDuty {
            id: OperatorId::parse(id).unwrap(),
            load,
            last_assigned,
            last_active: 100 * MINUTE,
        }
    }

    fn routing(strategy: Strategy) -> Routing {
        Routing {
            strategy,
            ..Routing::default()
        }
    }

    #[test]
    fn round_robin_takes_turns_whatever_the_load() {
        let rr = routing(Strategy::RoundRobin);
        let mut team = vec![operator("ana", 0, 0), operator("luis", 0, 0)];
        let mut order = Vec::new();
        for at in 1..=4 {
            let next = rr.pick(&team, 100 * MINUTE).unwrap().clone();
            let chosen = team.iter_mut().find(|o| o.id == next).unwrap();
            chosen.load += 1;
            chosen.last_assigned = at;
            order.push(next.to_string());
        }
        assert_eq!(order, ["ana", "luis", "ana", "luis"]);
    }

    #[test]
    fn least_busy_prefers_the_idle_operator() {
        let lb = routing(Strategy::LeastBusy);
        let team = [operator("ana", 2, 1), operator("luis", 0, 5)];
        assert_eq!(lb.pick(&team, 100 * MINUTE).unwrap().as_str(), "luis");
        // On equal load, whoever waited longest for one.
        let even = [operator("ana", 1, 9), operator("luis", 1, 3)];
        assert_eq!(lb.pick(&even, 100 * MINUTE).unwrap().as_str(), "luis");
    }

    #[test]
    fn manual_assigns_nobody_and_full_or_idle_operators_are_skipped() {
        let team = [operator("ana", 0, 0)];
        assert_eq!(routing(Strategy::Manual).pick(&team, 100 * MINUTE), None);
        let rr = Routing {
            strategy: Strategy::RoundRobin,
            max_concurrent: 2,
            ..Routing::default()
        };
        assert_eq!(rr.pick(&[operator("ana", 2, 0)], 100 * MINUTE), None);
        // Active until the inactivity limit has passed, not after.
        let team = [operator("ana", 0, 0)];
        assert!(rr.pick(&team, 129 * MINUTE).is_some());
        assert_eq!(rr.pick(&team, 130 * MINUTE), None);
        assert!(rr.is_active(100 * MINUTE, 129 * MINUTE + 59_999));
    }

    #[test]
    fn a_queue_is_full_only_with_a_limit() {
        let mut routing = Routing::default();
        assert!(!routing.queue_full(10_000));
        routing.max_waiting = 2;
        assert!(!routing.queue_full(1));
        assert!(routing.queue_full(2));
    }

    #[test]
    fn settings_out_of_range_are_refused_by_name() {
        let zero = Routing {
            max_concurrent: 0,
            ..Routing::default()
        };
        let problem = zero.validated().unwrap_err();
        assert!(
            problem.message.contains("concurrent"),
            "{}",
            problem.message
        );
        let idle = Routing {
            inactivity_minutes: 0,
            ..Routing::default()
        };
        assert!(idle.validated().unwrap_err().message.contains("inactivity"));
        assert_eq!(Routing::default().validated().unwrap(), Routing::default());
        let parsed: Routing = serde_json::from_str(r#"{"strategy":"least_busy"}"#).unwrap();
        assert_eq!(parsed.strategy, Strategy::LeastBusy);
        assert_eq!(parsed.inactivity_minutes, 30);
    }

    #[test]
    fn the_service_level_counts_what_is_decided_today() {
        let routing = Routing {
            service_level_secs: 60,
            ..Routing::default()
        };
        let day = 1_000 * MINUTE;
        let now = day + 100 * MINUTE;
        let waits = [
            // Yesterday: not counted.
            Wait {
                since: day - 10 * MINUTE,
                taken_at: Some(day),
            },
            // Taken in 30 s: within.
            Wait {
                since: day + MINUTE,
                taken_at: Some(day + MINUTE + 30_000),
            },
            // Taken in 90 s: outside.
            Wait {
                since: day + 2 * MINUTE,
                taken_at: Some(day + 2 * MINUTE + 90_000),
            },
            // Waiting for 2 minutes now: outside already.
            Wait {
                since: now - 2 * MINUTE,
                taken_at: None,
            },
            // Waiting for 10 s: not decided yet.
            Wait {
                since: now - 10_000,
                taken_at: None,
            },
        ];
        let figures = routing.figures(&waits, day, now);
        assert_eq!(figures.service_level_percent, Some(33));
        assert_eq!(figures.average_wait_secs, 60);
        assert_eq!(figures.longest_wait_secs, 120);
        assert_eq!(
            routing.figures(&[], day, now),
            ServiceFigures::default(),
            "no waits: no share to show"
        );
    }
}
