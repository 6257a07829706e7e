//! A TCP proxy between the worker and the broker, for the network faults a
//! broker command cannot make:
//!
//! - **black hole**: stop forwarding in both directions without closing
//!   anything (no FIN, no RST), as a dead switch or a dropped route would;
//!   only heartbeats can tell the worker its peer is gone;
//! - **cut before the confirm**: parse the broker's AMQP frames and, when a
//!   publisher confirm (`basic.ack` from the broker) is about to pass, drop
//!   the connection instead: the publish reached the broker, its confirm
//!   never reaches the worker.
//!
//! It also remembers the local port of each upstream connection, so a test
//! can have the broker force-close exactly the worker's connections
//! (`rabbitmqctl close_connection`) without touching anyone else's.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct AmqpProxy {
    pub port: u16,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    /// New connections are black-holed too while this is set.
    blackhole: AtomicBool,
    /// Bumped by `blackhole()`: connections opened before are dead for good.
    epoch: AtomicUsize,
    /// Cut the connection at every n-th broker confirm (0: never).
    cut_every: AtomicUsize,
    /// Cuts still allowed.
    cuts_left: AtomicUsize,
    confirms_seen: AtomicUsize,
    cuts: AtomicUsize,
    accepted: AtomicUsize,
    upstream_ports: Mutex<HashSet<u16>>,
}

impl AmqpProxy {
    pub async fn start() -> AmqpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        let s = state.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                s.accepted.fetch_add(1, Ordering::SeqCst);
                let s = s.clone();
                tokio::spawn(async move {
                    let Ok(upstream) = TcpStream::connect("127.0.0.1:5672").await else {
                        return;
                    };
                    if let Ok(a) = upstream.local_addr() {
                        s.upstream_ports.lock().unwrap().insert(a.port());
                    }
                    pipe(client, upstream, s).await;
                });
            }
        });
        AmqpProxy { port, state }
    }

    /// The broker URL to give the worker.
    pub fn url(&self) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}/%2f", self.port)
    }

    /// Stops all forwarding, of open and of new connections, silently.
    pub fn blackhole(&self) {
        self.state.epoch.fetch_add(1, Ordering::SeqCst);
        self.state.blackhole.store(true, Ordering::SeqCst);
    }

    /// New connections are forwarded again; black-holed ones stay dead,
    /// as both ends have given up on them by then.
    pub fn heal(&self) {
        self.state.blackhole.store(false, Ordering::SeqCst);
    }

    /// Drops the connection instead of passing on every `every`-th
    /// publisher confirm, `times` times in all.
    pub fn cut_before_confirms(&self, every: usize, times: usize) {
        self.state.cuts_left.store(times, Ordering::SeqCst);
        self.state.cut_every.store(every, Ordering::SeqCst);
    }

    pub fn cuts(&self) -> usize {
        self.state.cuts.load(Ordering::SeqCst)
    }

    pub fn accepted(&self) -> usize {
        self.state.accepted.load(Ordering::SeqCst)
    }

    pub fn upstream_ports(&self) -> HashSet<u16> {
        self.state.upstream_ports.lock().unwrap().clone()
    }
}

async fn pipe(client: TcpStream, upstream: TcpStream, state: Arc<State>) {
    let epoch = state.epoch.load(Ordering::SeqCst);
    let born_dark = state.blackhole.load(Ordering::SeqCst);
    let (mut cr, mut cw) = client.into_split();
    let (mut ur, mut uw) = upstream.into_split();
    let dark = {
        let state = state.clone();
        move || born_dark || state.epoch.load(Ordering::SeqCst) != epoch
    };
    let dark_up = dark.clone();
    // Worker → broker: bytes as they come, unless dark.
    let up = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if dark_up() {
                continue;
            }
            if uw.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        // A dark link passes no FIN either.
        if !dark_up() {
            let _ = uw.shutdown().await;
        }
    };
    // Broker → worker: whole frames, so a confirm can be held back.
    let down_state = state.clone();
    let down = async move {
        let mut buf: Vec<u8> = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match ur.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if dark() {
                continue;
            }
            buf.extend_from_slice(&chunk[..n]);
            let mut pass = 0;
            let mut cut = false;
            while let Some(len) = frame_len(&buf[pass..]) {
                if is_broker_confirm(&buf[pass..pass + len]) && should_cut(&down_state) {
                    cut = true;
                    break;
                }
                pass += len;
            }
            if pass > 0 && cw.write_all(&buf[..pass]).await.is_err() {
                return;
            }
            buf.drain(..pass);
            if cut {
                down_state.cuts.fetch_add(1, Ordering::SeqCst);
                // Dropping both halves (returning) resets the connection.
                return;
            }
        }
        if !dark() {
            let _ = cw.shutdown().await;
        }
    };
    // Either direction ending ends the connection (both sockets drop), except
    // on a dark link: there the other side learns nothing and must find out
    // for itself (heartbeats), so its socket stays open until it gives up.
    let dark_end = {
        let state = state.clone();
        move || born_dark || state.epoch.load(Ordering::SeqCst) != epoch
    };
    let mut up = tokio::spawn(up);
    let mut down = tokio::spawn(down);
    tokio::select! {
        _ = &mut up => {
            if dark_end() { let _ = down.await; } else { down.abort(); }
        }
        _ = &mut down => {
            if dark_end() { let _ = up.await; } else { up.abort(); }
        }
    }
}

/// Length of the first complete AMQP frame in `buf` (type, channel, size,
/// payload, frame-end), or `None` until it has all arrived.
fn frame_len(buf: &[u8]) -> Option<usize> {
    if buf.len() < 7 {
        return None;
    }
    let size = u32::from_be_bytes([buf[3], buf[4], buf[5], buf[6]]) as usize;
    let len = 7 + size + 1;
    (buf.len() >= len).then_some(len)
}

/// A method frame `basic.ack` (class 60, method 80): from the broker, that
/// is a publisher confirm.
fn is_broker_confirm(frame: &[u8]) -> bool {
    frame.len() >= 11 && frame[0] == 1 && frame[7..11] == [0, 60, 0, 80]
}

fn should_cut(state: &State) -> bool {
    let every = state.cut_every.load(Ordering::SeqCst);
    if every == 0 {
        return false;
    }
    let n = state.confirms_seen.fetch_add(1, Ordering::SeqCst) + 1;
    if !n.is_multiple_of(every) {
        return false;
    }
    state
        .cuts_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |c| c.checked_sub(1))
        .is_ok()
}

/// Has the broker force-close (`CONNECTION_FORCED`) every connection that
/// came through `proxy`, and only those. Returns how many it closed.
pub fn broker_close_connections(proxy: &AmqpProxy, reason: &str) -> usize {
    let ports = proxy.upstream_ports();
    let out = std::process::Command::new("rabbitmqctl")
        .args([
            "list_connections",
            "pid",
            "peer_port",
            "-q",
            "--no-table-headers",
        ])
        .output()
        .expect("rabbitmqctl");
    assert!(out.status.success(), "{out:?}");
    let mut closed = 0;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut cols = line.split_whitespace();
        let (Some(pid), Some(port)) = (cols.next(), cols.next()) else {
            continue;
        };
        if port.parse::<u16>().is_ok_and(|p| ports.contains(&p)) {
            let st = std::process::Command::new("rabbitmqctl")
                .args(["close_connection", pid, reason])
                .output()
                .expect("rabbitmqctl");
            if st.status.success() {
                closed += 1;
            } else {
                eprintln!("close_connection {pid}: {st:?}");
            }
        }
    }
    closed
}
