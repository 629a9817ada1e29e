//! A lossy HTTP/1.1 proxy on 127.0.0.1 between the browser and the content origin: the
//! network failing a third of the run-time requests as the browser sees it. Every request
//! passes through unchanged on its own upstream connection, except that every third
//! run-time request (`POST /p/{pid}/api/commit` or `/navigate`) meets a fault picked by a
//! seeded generator, so a run is reproducible:
//!
//! - [`Fault::Refuse`]: the connection is closed without an answer; the server never sees it;
//! - [`Fault::LoseAnswer`]: the server gets and applies it, the answer is lost on the way back;
//! - [`Fault::Unavailable`]: a `503` from "the load balancer", the server never sees it;
//! - [`Fault::Delay`]: held 0.5–3 s, then forwarded (also when the browser gave up meanwhile).
//!
//! Every answer carries `Connection: close` (the request is forwarded with it), so each
//! request has its own connection and a fault is never hidden by a browser's retry on a
//! reused keep-alive socket.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to every third run-time request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Refuse, lose the answer or answer 503 (picked by the seed).
    Drop,
    /// Delay by 0.5–3 s (picked by the seed).
    Delay,
}

/// A fault done to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Closed without an answer, not forwarded.
    Refuse,
    /// Forwarded; the answer is not passed back.
    LoseAnswer,
    /// Answered 503, not forwarded.
    Unavailable,
    /// Forwarded after this long.
    Delay(Duration),
}

/// Counts of what the proxy did.
#[derive(Debug, Default)]
pub struct Stats {
    /// Run-time requests seen.
    pub runtime: AtomicUsize,
    /// Closed unanswered before the server saw them.
    pub refused: AtomicUsize,
    /// Applied by the server, answer lost.
    pub lost_answers: AtomicUsize,
    /// Answered 503 by the proxy.
    pub unavailable: AtomicUsize,
    /// Forwarded late.
    pub delayed: AtomicUsize,
}

impl Stats {
    /// Requests that failed from the browser's point of view.
    pub fn failed(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
            + self.lost_answers.load(Ordering::SeqCst)
            + self.unavailable.load(Ordering::SeqCst)
    }

    /// One line for the test's output.
    pub fn summary(&self) -> String {
        let n = |a: &AtomicUsize| a.load(Ordering::SeqCst);
        format!(
            "run-time requests {}, dropped {} (refused {}, answer lost {}, 503 {}), delayed {}",
            n(&self.runtime),
            self.failed(),
            n(&self.refused),
            n(&self.lost_answers),
            n(&self.unavailable),
            n(&self.delayed)
        )
    }
}

/// A running proxy; dropping it stops accepting.
pub struct LossyProxy {
    /// `http://127.0.0.1:<port>`: use it instead of the content origin.
    pub url: String,
    /// What it did so far.
    pub stats: Arc<Stats>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LossyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The seeded plan: every third run-time request is faulted.
struct Plan {
    mode: Mode,
    count: usize,
    rng: u64,
}

impl Plan {
    fn next(&mut self) -> Option<Fault> {
        self.count += 1;
        if !self.count.is_multiple_of(3) {
            return None;
        }
        // xorshift64*: a reproducible choice without a dependency.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let r = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33;
        Some(match self.mode {
            Mode::Drop => [Fault::Refuse, Fault::LoseAnswer, Fault::Unavailable][(r % 3) as usize],
            Mode::Delay => Fault::Delay(Duration::from_millis(500 + r % 2500)),
        })
    }
}

impl LossyProxy {
    /// Starts a proxy to `upstream` (`http://127.0.0.1:<port>`).
    pub async fn start(upstream: &str, mode: Mode, seed: u64) -> Self {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let stats = Arc::new(Stats::default());
        let plan = Arc::new(Mutex::new(Plan {
            mode,
            count: 0,
            rng: seed | 1,
        }));
        let counts = stats.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (up, plan, counts) = (upstream.clone(), plan.clone(), counts.clone());
                tokio::spawn(async move { relay(client, &up, &plan, &counts).await });
            }
        });
        Self { url, stats, task }
    }
}

/// One request on one connection: read it, fault it or forward it, pass the answer back.
async fn relay(mut client: TcpStream, upstream: &str, plan: &Mutex<Plan>, stats: &Stats) {
    let Some((head, body)) = read_request(&mut client).await else {
        return;
    };
    let fault = if is_runtime(&head) {
        stats.runtime.fetch_add(1, Ordering::SeqCst);
        plan.lock().expect("plan").next()
    } else {
        None
    };
    match fault {
        Some(Fault::Refuse) => {
            stats.refused.fetch_add(1, Ordering::SeqCst);
            return; // dropping `client` closes the connection unanswered
        }
        Some(Fault::Unavailable) => {
            stats.unavailable.fetch_add(1, Ordering::SeqCst);
            let _ = client
                .write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await;
            return;
        }
        Some(Fault::Delay(d)) => {
            stats.delayed.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(d).await;
        }
        Some(Fault::LoseAnswer) | None => {}
    }
    let answer = forward(upstream, &head, &body).await;
    if fault == Some(Fault::LoseAnswer) {
        stats.lost_answers.fetch_add(1, Ordering::SeqCst);
        return;
    }
    if let Some(answer) = answer {
        let _ = client.write_all(&answer).await;
    }
}

/// `POST /p/{pid}/api/commit` or `/navigate`.
fn is_runtime(head: &str) -> bool {
    let line = head.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (method, path) = (parts.next(), parts.next().unwrap_or_default());
    method == Some("POST")
        && path.starts_with("/p/")
        && (path.ends_with("/api/commit") || path.ends_with("/api/navigate"))
}

/// The request head (up to the blank line) and its `Content-Length` body; `None` when the
/// browser closed the connection first.
async fn read_request(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 8192];
    let end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = client.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let lower = head.to_ascii_lowercase();
    assert!(
        !lower.contains("transfer-encoding: chunked"),
        "the proxy reads Content-Length bodies only: {head}"
    );
    let len = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse::<usize>().expect("Content-Length"));
    let mut body = buf.split_off(end);
    while body.len() < len {
        let n = client.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

/// Sends the request upstream with `Connection: close` and reads the answer to its end.
async fn forward(upstream: &str, head: &str, body: &[u8]) -> Option<Vec<u8>> {
    let mut lines: Vec<&str> = head
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("Connection: close");
    let mut request = (lines.join("\r\n") + "\r\n\r\n").into_bytes();
    request.extend_from_slice(body);
    let mut server = TcpStream::connect(upstream).await.ok()?;
    server.write_all(&request).await.ok()?;
    let mut answer = Vec::new();
    let read = server.read_to_end(&mut answer);
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .ok()?
        .ok()?;
    Some(answer)
}
