//! Request bodies of bounded size, with or without `Content-Length`: a chunked body is read as
//! it comes, and one past the limit is refused with 413 whatever its headers say.

use bytes::Buf;
use futures_util::StreamExt;
use warp::Filter;

/// Why a body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// More bytes than the route takes: 413.
    TooLarge,
    /// The connection failed while the body was read: 400.
    Unreadable,
}

impl warp::reject::Reject for BodyError {}

/// Collects `body`, refusing more than `max` bytes.
pub(crate) async fn collect(
    body: impl futures_util::Stream<Item = Result<impl Buf, warp::Error>>,
    max: usize,
) -> Result<Vec<u8>, BodyError> {
    futures_util::pin_mut!(body);
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let mut chunk = chunk.map_err(|_| BodyError::Unreadable)?;
        if bytes.len() + chunk.remaining() > max {
            return Err(BodyError::TooLarge);
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            let n = part.len();
            bytes.extend_from_slice(part);
            chunk.advance(n);
        }
    }
    Ok(bytes)
}

/// The request body, at most `max` bytes; a [`BodyError`] rejection otherwise, which the
/// router's `recover` answers with 413 or 400.
pub(crate) fn at_most(
    max: usize,
) -> impl Filter<Extract = (bytes::Bytes,), Error = warp::Rejection> + Clone {
    warp::body::stream().and_then(move |stream| async move {
        collect(stream, max)
            .await
            .map(bytes::Bytes::from)
            .map_err(warp::reject::custom)
    })
}
