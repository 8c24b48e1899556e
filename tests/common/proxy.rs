//! A TCP proxy in front of the test cluster, so a test can make the database disappear (every
//! connection cut, new ones refused) and come back, without touching the shared cluster.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;

use sqlx::postgres::PgConnectOptions;
use tokio::net::{TcpListener, TcpStream, UnixStream};
use tokio::task::{JoinHandle, JoinSet};

/// Where the proxy forwards to: the cluster's socket, or its TCP address.
#[derive(Clone)]
enum Target {
    Unix(PathBuf),
    Tcp(String, u16),
}

pub struct DbProxy {
    address: SocketAddr,
    target: Target,
    username: String,
    running: Mutex<Option<JoinHandle<()>>>,
}

impl DbProxy {
    /// A proxy to the test cluster, forwarding.
    pub async fn start() -> DbProxy {
        let base = super::cluster().options("postgres");
        let target = match base.get_socket() {
            Some(dir) => Target::Unix(dir.join(format!(".s.PGSQL.{}", base.get_port()))),
            None => Target::Tcp(base.get_host().to_owned(), base.get_port()),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = DbProxy {
            address: listener.local_addr().unwrap(),
            target,
            username: base.get_username().to_owned(),
            running: Mutex::new(None),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let target = self.target.clone();
        let task = tokio::spawn(async move {
            // Dropped with this task: every forwarded connection is cut at once.
            let mut connections = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                let target = target.clone();
                connections.spawn(async move {
                    match target {
                        Target::Unix(path) => {
                            if let Ok(mut server) = UnixStream::connect(path).await {
                                let _ =
                                    tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            }
                        }
                        Target::Tcp(host, port) => {
                            if let Ok(mut server) = TcpStream::connect((host.as_str(), port)).await
                            {
                                let _ =
                                    tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            }
                        }
                    }
                });
            }
        });
        *self.running.lock().unwrap() = Some(task);
    }

    /// The database goes away: open connections are cut, new ones refused.
    pub async fn cut(&self) {
        let task = self.running.lock().unwrap().take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }

    /// The database is back, at the same address.
    pub async fn restore(&self) {
        let listener = TcpListener::bind(self.address).await.unwrap();
        self.serve(listener);
    }

    pub fn options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.address.port())
            .username(&self.username)
            .database(database)
    }

    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{}@127.0.0.1:{}/{database}",
            self.username,
            self.address.port()
        )
    }
}
