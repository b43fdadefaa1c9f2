//! The writer of operation-log records no command carried (ADR 0017), as a group commit: a
//! request hands its record over and waits until it is durable; meanwhile the records of other
//! requests queue, and the next write takes all of them in one statement. A request alone waits
//! one insert; a burst of refused requests costs one insert per batch, not one each. A batch the
//! database refuses is retried, then written record by record, so one bad record cannot take
//! others with it.

use std::time::Duration;

use commands::{CommandMetadata, EventStore};
use domain::operation_log::OperationRecord;
use prometheus::IntCounterVec;
use tokio::sync::{mpsc, oneshot};

/// Most records one write takes.
const BATCH: usize = 256;
/// Records that may wait for a write before requests wait to hand theirs over.
const QUEUE: usize = 4096;
/// Tries of a batch before it is written record by record.
const ATTEMPTS: u32 = 3;

struct Entry {
    record: OperationRecord,
    metadata: CommandMetadata,
    done: oneshot::Sender<bool>,
}

/// Hands records to the writer task.
#[derive(Clone)]
pub struct OperationLogWriter {
    sender: mpsc::Sender<Entry>,
}

impl OperationLogWriter {
    /// Starts the writer task on the current runtime.
    pub fn start(store: EventStore, records: IntCounterVec) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(store, receiver, records));
        Self { sender }
    }

    /// Appends `record` as a `RequestLogged` event; true once it is durable, false when it could
    /// not be written (logged, and counted as `lost`).
    pub async fn log(&self, record: OperationRecord, metadata: CommandMetadata) -> bool {
        let (done, written) = oneshot::channel();
        let entry = Entry {
            record,
            metadata,
            done,
        };
        if self.sender.send(entry).await.is_err() {
            return false;
        }
        written.await.unwrap_or(false)
    }
}

async fn run(store: EventStore, mut receiver: mpsc::Receiver<Entry>, records: IntCounterVec) {
    let mut batch = Vec::with_capacity(BATCH);
    while receiver.recv_many(&mut batch, BATCH).await > 0 {
        let outcomes = write(&store, &batch).await;
        for (entry, written) in batch.drain(..).zip(outcomes) {
            let outcome = if written { "logged" } else { "lost" };
            records.with_label_values(&[outcome]).inc();
            let _ = entry.done.send(written);
        }
    }
}

/// Writes `batch`; says for each record whether it was written.
async fn write(store: &EventStore, batch: &[Entry]) -> Vec<bool> {
    let rows: Vec<(OperationRecord, CommandMetadata)> = batch
        .iter()
        .map(|e| (e.record.clone(), e.metadata.clone()))
        .collect();
    for attempt in 0..ATTEMPTS {
        match store.append_request_logs(&rows).await {
            Ok(()) => return vec![true; rows.len()],
            Err(error) => {
                tracing::warn!(
                    ?error,
                    records = rows.len(),
                    attempt,
                    "writing operation-log records failed"
                );
                tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
            }
        }
    }
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in rows {
        let operation_id = row.0.operation_id;
        let written = store.append_request_logs(std::slice::from_ref(&row)).await;
        if let Err(error) = &written {
            tracing::error!(?error, %operation_id, "an operation-log record is lost");
        }
        outcomes.push(written.is_ok());
    }
    outcomes
}
