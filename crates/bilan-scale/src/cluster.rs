//! A Ballista cluster in this process: a scheduler and its executors, each on an ephemeral
//! port of 127.0.0.1, for tests and for trying the distributed path on one machine. A real
//! cluster runs Ballista's own `ballista-scheduler` and `ballista-executor` (docs/scale.md).

use ballista_core::serde::BallistaCodec;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;

/// A scheduler and executors, served by a runtime of their own until dropped.
#[derive(Debug)]
pub struct LocalCluster {
    url: String,
    executors: usize,
    /// Serves them; dropping it stops them.
    _runtime: tokio::runtime::Runtime,
}

impl LocalCluster {
    /// Starts a scheduler and `executors` executors, each running up to `tasks` tasks at
    /// once.
    pub fn start(executors: usize, tasks: usize) -> Result<LocalCluster, String> {
        let runtime = crate::runtime().map_err(|p| {
            p.into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let url = runtime.block_on(async {
            let addr = ballista_scheduler::standalone::new_standalone_scheduler()
                .await
                .map_err(|e| format!("cannot start a Ballista scheduler: {e}"))?;
            let scheduler_url = format!("http://localhost:{}", addr.port());
            let mut tries = 0;
            let scheduler = loop {
                match SchedulerGrpcClient::connect(scheduler_url.clone()).await {
                    Ok(client) => break client,
                    Err(e) if tries >= 50 => {
                        return Err(format!(
                            "cannot reach the Ballista scheduler at {scheduler_url}: {e}"
                        ));
                    }
                    Err(_) => {
                        tries += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                }
            };
            for _ in 0..executors {
                ballista_executor::new_standalone_executor(
                    scheduler.clone(),
                    tasks,
                    BallistaCodec::default(),
                )
                .await
                .map_err(|e| format!("cannot start a Ballista executor: {e}"))?;
            }
            Ok(format!("df://localhost:{}", addr.port()))
        })?;
        Ok(LocalCluster {
            url,
            executors,
            _runtime: runtime,
        })
    }

    /// The scheduler's address, `df://localhost:PORT`, for [`crate::Engine::Ballista`].
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many executors it has.
    pub fn executors(&self) -> usize {
        self.executors
    }
}
