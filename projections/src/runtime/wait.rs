//! How a consumer loop (the projector group loop, the chainer) waits before its next step: until
//! a commit wakes it or a timeout passes, or for the timeout alone when events wait behind the
//! horizon (a commit would only make the loop spin).

use std::time::Duration;

use tokio::sync::watch;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Wait {
    /// Until a commit wakes the loop, at most this long.
    WakeOr(Duration),
    /// This long, whatever commits meanwhile.
    Sleep(Duration),
}

impl Wait {
    /// A sleep of at most `limit`, whatever this wait was.
    pub(crate) fn sleep_at_most(self, limit: Duration) -> Wait {
        let (Wait::WakeOr(d) | Wait::Sleep(d)) = self;
        Wait::Sleep(d.min(limit))
    }

    /// Waits; a shutdown always ends the wait.
    pub(crate) async fn wait(
        self,
        wake: &mut watch::Receiver<u64>,
        shutdown: &mut watch::Receiver<bool>,
    ) {
        match self {
            Wait::WakeOr(pause) => tokio::select! {
                _ = wake.changed() => {}
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            },
            Wait::Sleep(pause) => tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            },
        }
    }
}
