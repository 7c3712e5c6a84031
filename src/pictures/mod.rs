//! Product pictures made safe to keep and serve: an upload decoded within limits set
//! before any pixel is allocated ([`decode`]), then re-encoded from its pixels alone (so
//! no metadata, such as a GPS position or a camera's serial, survives) at the widths the
//! pages use ([`encode`]); the work runs on a bounded, idle-priority queue ([`Pictures`]).

mod decode;
mod demo;
mod encode;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::idle_worker::{IdleWorker, WorkerGone};

pub use decode::{decode, MAX_PIXELS, MAX_UPLOAD_BYTES};
pub use demo::{demo_alt, demo_variants};
pub use encode::{encode, Encoded};

/// Why an upload is not kept.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// Not a JPEG, PNG or WebP file (415).
    #[error("That file is not a JPEG, PNG or WebP picture.")]
    NotAPicture,
    /// A picture of a kind Trolley takes, that does not decode (422).
    #[error("That picture could not be read: the file may be damaged.")]
    Unreadable,
    /// More pixels than [`MAX_PIXELS`] (422), found from the header, before decoding.
    #[error("That picture is {width} × {height} pixels; at most 40 megapixels are taken.")]
    TooManyPixels { width: u32, height: u32 },
    /// No turn on the queue within [`PICTURE_WAIT`] (503).
    #[error("pictures are busy")]
    Busy,
    #[error(transparent)]
    WorkerGone(#[from] WorkerGone),
    #[error("the picture could not be encoded: {0}")]
    Encode(String),
}

/// How long an upload waits for its turn before it is answered 503.
pub const PICTURE_WAIT: Duration = Duration::from_secs(30);

/// The instance's picture work: one picture at a time, on a thread at the lowest
/// scheduling priority, so that uploads queue and shoppers keep the cores. Cloning shares
/// it.
#[derive(Clone, Debug)]
pub struct Pictures {
    permits: Arc<Semaphore>,
    worker: IdleWorker,
}

impl Pictures {
    pub fn start() -> std::io::Result<Self> {
        Ok(Self {
            permits: Arc::new(Semaphore::new(1)),
            worker: IdleWorker::start("pictures")?,
        })
    }

    /// Decodes `bytes` and encodes its variants, waiting its turn first.
    pub async fn prepare(&self, bytes: Vec<u8>) -> Result<Vec<Encoded>, PictureError> {
        let _permit =
            actix_rt::time::timeout(PICTURE_WAIT, Arc::clone(&self.permits).acquire_owned())
                .await
                .map_err(|_| PictureError::Busy)?
                .map_err(|_| PictureError::Busy)?;
        self.worker
            .run(move || decode(&bytes).and_then(|image| encode(&image)))
            .await?
    }
}
