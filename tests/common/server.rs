//! The real portal binary as a child process, on a database of the test cluster.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_remediation-portal");

/// A running portal; stopped (SIGTERM, then killed) when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    pub log: std::path::PathBuf,
    dir: tempfile::TempDir,
}

impl Server {
    /// Starts the portal on `database` of the test cluster with the given extra environment,
    /// and waits until it prints its address.
    pub fn start(database: &str, env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("server.log");
        let mut command = Command::new(BINARY);
        for (var, _) in std::env::vars() {
            if var.starts_with("PORTAL_") {
                command.env_remove(var);
            }
        }
        command
            .env("DATABASE_URL", super::cluster().url(database))
            .env("PORTAL_DATA_DIR", dir.path())
            .env("PORTAL_BIND", "127.0.0.1:0")
            // Stopped at once unless a test asks for the drain.
            .env("PORTAL_DRAIN_SECS", "0");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(dir.path().join("server.err")).unwrap())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let url = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(at) = text.find("http://127.0.0.1:") {
                let rest = &text[at..];
                break rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())].to_owned();
            }
            let errors = std::fs::read_to_string(dir.path().join("server.err")).unwrap_or_default();
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "server did not start: {text}\n{errors}"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        Server {
            child,
            url,
            log,
            dir,
        }
    }

    /// Asks the portal to stop (SIGTERM) and waits for it.
    pub fn stop(mut self) -> std::process::ExitStatus {
        self.terminate()
    }

    /// The portal's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the portal logged (its standard error) so far.
    pub fn logged(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.err")).unwrap_or_default()
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = self.child.kill();
                return self.child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.terminate();
        }
    }
}
