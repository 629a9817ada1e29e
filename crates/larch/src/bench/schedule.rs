//! `--rate` of `larch bench runtime` and `larch bench lrs`: when each session's (worker's)
//! requests are due in an open loop (bench/runtime.rs, bench/mod.rs).

use std::time::{Duration, Instant};

/// `--rate`: a positive, finite number of commits per second.
pub(super) fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!(
            "{text:?} is not a positive number of commits per second"
        )),
    }
}

/// When one session's commits are due (`--rate`): the first at `offset` after the run
/// starts, then one every `every`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Schedule {
    offset: Duration,
    every: Duration,
}

impl Schedule {
    /// Session `index` of `count` sharing `rate` commits/s: each commits every
    /// `count / rate` seconds, the sessions' first commits spread evenly over that interval
    /// so that the load is steady rather than in bursts.
    pub(super) fn of(index: usize, count: usize, rate: f64) -> Self {
        #[expect(
            clippy::cast_precision_loss,
            reason = "session counts are far below 2^52"
        )]
        let (index, count) = (index as f64, count.max(1) as f64);
        let every = count / rate;
        Self {
            offset: Duration::from_secs_f64(every * index / count),
            every: Duration::from_secs_f64(every),
        }
    }

    /// When commit `n` (0, 1, …) is due, counted from the run's start.
    fn due(&self, n: u64) -> Duration {
        self.offset + self.every * u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// A session's clock: the run's start and end, and its schedule (`--rate`), if any.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clock {
    pub(super) start: Instant,
    pub(super) deadline: Instant,
    pub(super) schedule: Option<Schedule>,
}

impl Clock {
    /// When commit `n` (0, 1, …) counts as begun: its due time, waited for if it is still
    /// ahead; without a schedule, now. `None` once the run is over, or if the commit falls
    /// due after it (then without waiting: one interval can be seconds long).
    pub(super) async fn begin(&self, n: u64) -> Option<Instant> {
        let began = match self.schedule {
            Some(schedule) => self.start + schedule.due(n),
            None => Instant::now(),
        };
        if began >= self.deadline {
            return None;
        }
        tokio::time::sleep_until(began.into()).await;
        Some(began)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_share_the_rate_and_spread_their_first_commits() {
        // 4 sessions at 1,000 commits/s: each every 4 ms, first at 0, 1, 2, 3 ms.
        let ms = Duration::from_millis;
        let due: Vec<Vec<Duration>> = (0..4)
            .map(|i| {
                let schedule = Schedule::of(i, 4, 1000.0);
                (0..3).map(|n| schedule.due(n)).collect()
            })
            .collect();
        assert_eq!(due[0], [ms(0), ms(4), ms(8)]);
        assert_eq!(due[3], [ms(3), ms(7), ms(11)]);
        let mut all: Vec<Duration> = due.concat();
        all.sort();
        let steps: Vec<Duration> = all.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(steps.iter().all(|&step| step == ms(1)), "{steps:?}");
    }

    #[test]
    fn a_rate_is_a_positive_number() {
        assert_eq!(parse_rate("10000"), Ok(10_000.0));
        assert_eq!(parse_rate("2.5"), Ok(2.5));
        for bad in ["0", "-5", "inf", "NaN", "fast", ""] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_scheduled_commit_begins_when_due_and_none_after_the_end() {
        // 2 sessions at 50 commits/s: each every 40 ms; the run ends at 100 ms.
        let ms = Duration::from_millis;
        let start = Instant::now();
        let clock = Clock {
            start,
            deadline: start + ms(100),
            schedule: Some(Schedule::of(0, 2, 50.0)),
        };
        assert_eq!(clock.begin(0).await, Some(start));
        assert_eq!(clock.begin(1).await, Some(start + ms(40)));
        assert!(start.elapsed() >= ms(40), "waited for it");
        let asked = Instant::now();
        assert_eq!(clock.begin(3).await, None, "due at 120 ms, after the end");
        assert!(
            asked.elapsed() < ms(40),
            "no wait for a commit past the end"
        );
    }
}
