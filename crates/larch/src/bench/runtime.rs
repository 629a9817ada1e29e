//! `larch bench runtime`: sustained run-time commits against a running Larch, the way the
//! browser shim sends them. It registers `sessions` learners on an imported SCORM 1.2 or
//! AICC/2004 course, opens each launch URL as a browser would (player session, state), then
//! every session commits in a loop (`seq` 1, 2, …, five SetValues each: location, suspend data,
//! score, status, session time) for the duration. Prints commits/s and p50/p99 latency per
//! concurrency level, and the size of the shim the browser downloads (gzipped as served).
//!
//! By default each session commits again as soon as its last commit is answered (a closed
//! loop): the run finds the most commits/s the server sustains, and its latencies are mostly
//! time spent queued behind the other sessions (512 sessions at 11,000 commits/s wait 46 ms
//! on average, whatever the server). With `--rate`, the sessions instead commit on a
//! schedule, together `rate` commits/s (an open loop, as real learners whose SCOs commit
//! every few seconds): the latencies then say how fast a commit is answered at that load.
//! Each is measured from the commit's scheduled time, not from when it was sent, so a
//! commit held up behind a slow one counts the hold-up too (no coordinated omission).

use clap::Args as ClapArgs;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::schedule::{self, Clock, Schedule};

/// Where and how hard to push.
#[derive(Debug, Clone, ClapArgs)]
pub struct RuntimeArgs {
    /// The API origin, e.g. `http://127.0.0.1:8080`.
    #[arg(long, env = "LARCH_URL")]
    pub url: String,
    /// An API key of the environment holding the course.
    #[arg(long, env = "LARCH_API_KEY")]
    pub key: String,
    /// An imported course with a SCORM/AICC run-time.
    #[arg(long)]
    pub course: String,
    /// Concurrent sessions, one run per value (comma-separated). By default, 8,64,512.
    #[arg(long, value_delimiter = ',', default_value = "8,64,512")]
    pub sessions: Vec<usize>,
    /// Seconds per run. By default, 10.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Commits per second, all sessions together, on a schedule (an open loop; see above).
    /// By default none: each session commits as soon as its last commit is answered.
    #[arg(long, value_parser = schedule::parse_rate)]
    pub rate: Option<f64>,
    /// CPU time per commit (`--server-pid`).
    #[command(flatten)]
    pub cpu: super::cpu::CpuArgs,
}

/// One opened player session.
struct Session {
    commit_url: String,
    secret: String,
    runtime_session: Value,
    activity: Value,
}

/// Runs the benchmark for every concurrency level.
pub(super) async fn bench(args: RuntimeArgs) -> anyhow::Result<std::process::ExitCode> {
    let client = Client::builder().pool_max_idle_per_host(1024).build()?;
    let js = larch_server::player_js();
    println!(
        "player.js: {} bytes, {} bytes gzipped (budget 15,000)",
        js.len(),
        gzipped_len(js.as_bytes())?
    );
    println!(
        "{:<10} {:>9} {:>7} {:>12} {:>9} {:>9}",
        "sessions", "commits", "errors", "commits/s", "p50 ms", "p99 ms"
    );
    let run = format!(
        "{:x}",
        std::process::id() ^ (Instant::now().elapsed().subsec_nanos())
    );
    let (mut failed, probe) = (false, args.cpu.probe());
    for &count in &args.sessions {
        let (sessions, launches) = open_sessions(&client, &args, &run, count).await?;
        let before = probe.as_ref().map(super::cpu::CpuProbe::sample);
        let duration = Duration::from_secs(args.duration);
        let report = measure(&client, sessions, duration, args.rate).await;
        failed |= report.errors > 0;
        report.print(&match args.rate {
            Some(rate) => format!("{count}@{rate}/s"),
            None => format!("{count}"),
        });
        super::cpu::print_since(probe.as_ref(), before, report.latencies.len());
        print_launches(&launches);
    }
    Ok(if failed {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// The gzipped size at the default level, as `tower-http` compression serves it.
fn gzipped_len(bytes: &[u8]) -> std::io::Result<usize> {
    use std::io::Write as _;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes)?;
    Ok(gz.finish()?.len())
}

/// Registers and launches `count` learners, a few at a time; with how long each took
/// (registration, launch, player page, first state).
async fn open_sessions(
    client: &Client,
    args: &RuntimeArgs,
    run: &str,
    count: usize,
) -> anyhow::Result<(Vec<Arc<Session>>, Vec<Duration>)> {
    let mut sessions = Vec::with_capacity(count);
    let mut took = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(16) {
        let opened = chunk.iter().map(|i| {
            let open = open_one(client, args, format!("bench-{run}-{count}-{i}"));
            async move {
                let start = Instant::now();
                open.await.map(|session| (session, start.elapsed()))
            }
        });
        for opened in futures_join(opened).await {
            let (session, elapsed) = opened?;
            sessions.push(Arc::new(session));
            took.push(elapsed);
        }
    }
    Ok((sessions, took))
}

/// How long opening the sessions took, indented under the run's line: a launch writes
/// (learner, registration, launch token) beside the commits of the runs before it.
fn print_launches(took: &[Duration]) {
    let mut took = took.to_vec();
    took.sort_unstable();
    let took = &took;
    println!(
        "{:<10} launches p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        "",
        super::percentile(took, 0.50),
        super::percentile(took, 0.99),
        super::percentile(took, 1.0),
    );
}

async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}

fn open_one(
    client: &Client,
    args: &RuntimeArgs,
    id: String,
) -> impl Future<Output = anyhow::Result<Session>> + Send + 'static {
    let (client, args) = (client.clone(), args.clone());
    async move {
        let body = json!({"id": id, "course_id": args.course,
            "learner": {"id": id, "first_name": "Bench", "last_name": "Learner"}});
        api(&client, &args, "/v1/registrations", &body).await?;
        let launch = api(
            &client,
            &args,
            &format!("/v1/registrations/{id}/launch"),
            &json!({}),
        )
        .await?;
        let url = launch["url"].as_str().unwrap_or_default().to_owned();
        let html = client
            .get(&url)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        let (pid, secret) = (
            attribute(&html, "data-pid")?,
            attribute(&html, "data-secret")?,
        );
        let origin = url.split("/launch/").next().unwrap_or_default().to_owned();
        let state: Value = client
            .get(format!("{origin}/p/{pid}/api/state"))
            .header("x-larch-session", &secret)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let next = &state["step"]["next"];
        anyhow::ensure!(
            next["next"] == "deliver",
            "the course delivered nothing: {next}"
        );
        Ok(Session {
            commit_url: format!("{origin}/p/{pid}/api/commit"),
            secret,
            runtime_session: next["session"].clone(),
            activity: next["activity"].clone(),
        })
    }
}

/// A POST to the API, waiting out rate limits.
async fn api(
    client: &Client,
    args: &RuntimeArgs,
    path: &str,
    body: &Value,
) -> anyhow::Result<Value> {
    loop {
        let res = client
            .post(format!("{}{path}", args.url.trim_end_matches('/')))
            .bearer_auth(&args.key)
            .json(body)
            .send()
            .await?;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        return Ok(res.error_for_status()?.json().await?);
    }
}

fn attribute(html: &str, name: &str) -> anyhow::Result<String> {
    let marker = format!("{name}=\"");
    let start = html
        .find(&marker)
        .ok_or_else(|| anyhow::anyhow!("no {name} in the player page"))?;
    let rest = &html[start + marker.len()..];
    Ok(rest[..rest.find('"').unwrap_or(0)].to_owned())
}

/// What one run measured.
struct Report {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

impl Report {
    fn percentile(&self, p: f64) -> f64 {
        super::percentile(&self.latencies, p)
    }

    fn print(&self, label: &str) {
        #[expect(
            clippy::cast_precision_loss,
            reason = "commit counts are far below 2^52"
        )]
        let rate = self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9);
        println!(
            "{label:<10} {:>9} {:>7} {rate:>12.1} {:>9.2} {:>9.2}",
            self.latencies.len(),
            self.errors,
            self.percentile(0.50),
            self.percentile(0.99),
        );
    }
}

/// Every session commits in a loop until the duration is up: at once after each answer, or
/// on its schedule when `rate` is set.
async fn measure(
    client: &Client,
    sessions: Vec<Arc<Session>>,
    duration: Duration,
    rate: Option<f64>,
) -> Report {
    let start = Instant::now();
    let deadline = start + duration;
    let count = sessions.len();
    let workers: Vec<_> = sessions
        .into_iter()
        .enumerate()
        .map(|(index, session)| {
            let client = client.clone();
            let schedule = rate.map(|rate| Schedule::of(index, count, rate));
            let clock = Clock {
                start,
                deadline,
                schedule,
            };
            tokio::spawn(async move { commit_loop(&client, &session, clock).await })
        })
        .collect();
    let mut report = Report {
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for worker in workers {
        if let Ok((latencies, errors)) = worker.await {
            report.latencies.extend(latencies);
            report.errors += errors;
        }
    }
    report.elapsed = start.elapsed();
    report.latencies.sort();
    report
}

async fn commit_loop(client: &Client, s: &Session, clock: Clock) -> (Vec<Duration>, usize) {
    let (mut latencies, mut errors) = (Vec::new(), 0);
    let (head, tail) = body_parts(s);
    let mut seq = 0_u64;
    while let Some(began) = clock.begin(seq).await {
        seq += 1;
        let body = commit_body(&head, &tail, seq);
        let sent = client
            .post(&s.commit_url)
            .header("x-larch-session", &s.secret)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        match sent {
            Ok(res) if res.status().is_success() => {
                // Read the answer whole, so the connection goes back to the pool at once.
                let _ = res.bytes().await;
                latencies.push(began.elapsed());
            }
            _ => errors += 1,
        }
    }
    (latencies, errors)
}

/// What every commit body of `s` shares, before and after the changing part, serialized once:
/// the client shares the server's two cores, so it must cost little per commit.
fn body_parts(s: &Session) -> (String, String) {
    let head = json!({"session": s.runtime_session, "activity": s.activity, "terminate": false,
        "nav_request": null});
    let head = head.to_string();
    let head = format!("{},", &head[..head.len() - 1]);
    let tail = r#"{"element":"cmi.core.lesson_status","value":"incomplete"},{"element":"cmi.core.session_time","value":"00:00:01"}]}"#;
    (head, tail.to_owned())
}

/// Commit `seq`: five SetValues (location, suspend data, score, status, session time).
fn commit_body(head: &str, tail: &str, seq: u64) -> String {
    format!(
        r#"{head}"seq":{seq},"changes":[{{"element":"cmi.core.lesson_location","value":"page-{seq}"}},{{"element":"cmi.suspend_data","value":"{seq:0>200}"}},{{"element":"cmi.core.score.raw","value":"{}"}},{tail}"#,
        seq % 100
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prebuilt_commit_bodies_are_the_commits_the_shim_sends() {
        let session = Session {
            commit_url: String::new(),
            secret: String::new(),
            runtime_session: json!(3),
            activity: json!("sco-1"),
        };
        let (head, tail) = body_parts(&session);
        let body: Value = serde_json::from_str(&commit_body(&head, &tail, 42)).unwrap();
        assert_eq!(
            (&body["session"], &body["seq"], &body["activity"]),
            (&json!(3), &json!(42), &json!("sco-1"))
        );
        assert_eq!(
            (&body["terminate"], &body["nav_request"]),
            (&json!(false), &Value::Null)
        );
        let changes: Vec<_> = body["changes"].as_array().unwrap().iter().collect();
        assert_eq!(changes.len(), 5);
        assert_eq!(changes[0]["value"], "page-42");
        assert_eq!(changes[1]["value"].as_str().unwrap().len(), 200);
        assert_eq!(changes[2]["value"], "42");
    }
}
