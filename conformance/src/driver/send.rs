//! Sending: one request per exchange, and every failure to answer turned into data.

use super::Ctx;
use crate::case::{Endpoint, Transport};
use crate::verdict::Exchange;
use std::time::{Duration, Instant};

impl Ctx<'_> {
    /// The declared refetch cooldown, capped at what a run waits.
    pub(super) fn cooldown(&self) -> Duration {
        Duration::from_secs(
            self.profile
                .jwks_cooldown_secs
                .min(super::MAX_TTL_WAIT_SECS),
        )
    }

    pub(super) fn path(&self, endpoint: Endpoint) -> &str {
        match endpoint {
            Endpoint::Public => &self.profile.public_path,
            Endpoint::Private => &self.profile.private_path,
            Endpoint::Scoped => &self.profile.scoped_path,
        }
    }

    /// Sends one GET with these `Authorization` values; any failure becomes data.
    pub(super) async fn send(&self, endpoint: Endpoint, authorization: &[String]) -> Exchange {
        let path = self.path(endpoint);
        let request = self.http.get(format!("{}{path}", self.api));
        self.send_built(request, &format!("GET {path}"), authorization)
            .await
    }

    /// Sends the valid token another way than (or besides) the header.
    pub(super) async fn send_transport(&self, transport: Transport, token: &str) -> Exchange {
        let path = self.path(Endpoint::Private).to_owned();
        let url = format!("{}{path}", self.api);
        let query = format!("access_token={token}");
        let (request, shown, auth) = match transport {
            Transport::Query => (
                self.http.get(format!("{url}?{query}")),
                format!("GET {path}?access_token=T0"),
                vec![],
            ),
            Transport::Form => (
                self.http
                    .post(&url)
                    .header(
                        http::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(query),
                format!("POST {path} (form access_token=T0)"),
                vec![],
            ),
            Transport::Cookie => (
                self.http.get(&url).header(http::header::COOKIE, query),
                format!("GET {path} Cookie: access_token=T0"),
                vec![],
            ),
            Transport::HeaderAndQuery => (
                self.http.get(format!("{url}?{query}")),
                format!("GET {path}?access_token=T0"),
                vec![format!("Bearer {token}")],
            ),
        };
        self.send_built(request, &shown, &auth).await
    }

    async fn send_built(
        &self,
        mut request: reqwest::RequestBuilder,
        line: &str,
        authorization: &[String],
    ) -> Exchange {
        let path = line;
        let mut shown = Vec::new();
        for value in authorization {
            match http::HeaderValue::from_str(value) {
                Ok(v) => request = request.header(http::header::AUTHORIZATION, v),
                Err(_) => {
                    return Exchange {
                        request: path.to_owned(),
                        error: Some("the header value cannot be sent".into()),
                        ..Exchange::default()
                    };
                }
            }
            shown.push(shorten(value));
        }
        let request_text = if shown.is_empty() {
            path.to_owned()
        } else {
            format!("{path} Authorization: {}", shown.join(" | "))
        };
        let started = Instant::now();
        match request.send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                let header = |name| {
                    res.headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let challenge = header(http::header::WWW_AUTHENTICATE);
                let content_type = header(http::header::CONTENT_TYPE);
                let body = res.text().await.unwrap_or_default();
                Exchange {
                    request: request_text,
                    status: Some(status),
                    challenge,
                    content_type,
                    body: body.chars().take(2048).collect(),
                    elapsed_ms: started.elapsed().as_millis() as u64,
                    error: None,
                }
            }
            Err(e) => Exchange {
                request: request_text,
                elapsed_ms: started.elapsed().as_millis() as u64,
                error: Some(if e.is_timeout() {
                    format!("no answer within {} s", self.profile.timeout_secs)
                } else {
                    format!("connection failed: {e}")
                }),
                ..Exchange::default()
            },
        }
    }

    pub(super) async fn wait(&mut self, d: Duration) {
        tokio::time::sleep(d).await;
        self.waited += d;
        (self.observer)(super::RunEvent::Waiting {
            index: self.position.index,
            total: self.position.total,
            id: &self.position.id,
            waited: self.waited,
        });
    }
}

fn shorten(value: &str) -> String {
    if value.len() <= 60 {
        value.to_owned()
    } else {
        format!(
            "{}…{} ({} bytes)",
            &value[..40],
            &value[value.len() - 12..],
            value.len()
        )
    }
}
