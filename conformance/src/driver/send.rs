//! Sending: one request per exchange, and every failure to answer turned into data.

use super::Ctx;
use crate::case::{Endpoint, Transport};
use crate::profile::Dpop;
use crate::verdict::Exchange;
use mock_tenant::forge::DpopProof;
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

    /// Sends one GET with these `Authorization` values; any failure becomes data. Under
    /// `--dpop required`, a `Bearer` value goes as `DPoP`, with a fresh proof for this request.
    pub(super) async fn send(&self, endpoint: Endpoint, authorization: &[String]) -> Exchange {
        self.send_headers(endpoint, authorization, &[]).await
    }

    /// [`send`](Self::send) with extra headers (a spoofed `Host`).
    pub(super) async fn send_headers(
        &self,
        endpoint: Endpoint,
        authorization: &[String],
        extra: &[(&str, String)],
    ) -> Exchange {
        let path = self.path(endpoint);
        let url = format!("{}{path}", self.api);
        let request = self.http.get(&url);
        let line = format!("GET {path}");
        if self.profile.dpop != Dpop::Required {
            return self.send_built(request, &line, authorization, extra).await;
        }
        // A proof goes with a value the suite turned from Bearer into DPoP, never with one the
        // case wrote as DPoP itself (`scheme-other-dpop`: the DPoP scheme without a proof).
        let converted = authorization
            .first()
            .is_some_and(|v| v.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("bearer")));
        let authorization: Vec<String> = authorization.iter().map(|v| as_dpop(v)).collect();
        // `htu` is the URL without its query (RFC 9449 §4.2).
        let htu = url.split(['?', '#']).next().unwrap_or(&url);
        let proof = authorization
            .first()
            .filter(|_| converted)
            .map(|value| self.proof("GET", htu, credential(value)));
        self.send_proved(request, &line, &authorization, extra, proof.as_ref())
            .await
    }

    /// Sends one request to an operation of the route audit: its method, its filled path and
    /// query (`target`), its JSON body. Under `--dpop required`, a `Bearer` value goes as
    /// `DPoP` with a fresh proof for this method and URL (without the query, RFC 9449 §4.2).
    pub(super) async fn send_operation(
        &self,
        method: &str,
        target: &str,
        body: Option<&serde_json::Value>,
        authorization: &[String],
    ) -> Exchange {
        let url = format!("{}{target}", self.api);
        let line = format!("{method} {target}");
        let Ok(verb) = reqwest::Method::from_bytes(method.as_bytes()) else {
            return Exchange {
                request: line,
                error: Some(format!("{method:?} is no HTTP method")),
                ..Exchange::default()
            };
        };
        let mut request = self.http.request(verb, &url);
        if let Some(body) = body {
            request = request.json(body);
        }
        if self.profile.dpop != Dpop::Required || authorization.is_empty() {
            return self.send_built(request, &line, authorization, &[]).await;
        }
        let authorization: Vec<String> = authorization.iter().map(|v| as_dpop(v)).collect();
        let htu = url.split(['?', '#']).next().unwrap_or(&url).to_owned();
        let proof = self.proof(method, &htu, credential(&authorization[0]));
        self.send_proved(request, &line, &authorization, &[], Some(&proof))
            .await
    }

    /// A valid proof of the suite's key for `method` and `url`, with `ath` of `token`.
    pub(super) fn proof(&self, method: &str, url: &str, token: &str) -> DpopProof {
        DpopProof::new(&self.dpop_key, method, url).ath(token)
    }

    /// The URL a GET to `endpoint` goes to.
    pub(super) fn url(&self, endpoint: Endpoint) -> String {
        format!("{}{}", self.api, self.path(endpoint))
    }

    /// Sends one GET with these `Authorization` values, extra headers (`Host`, a pre-signed
    /// `DPoP`) and a proof to sign for it, none converted.
    pub(super) async fn send_with(
        &self,
        endpoint: Endpoint,
        authorization: &[String],
        extra: &[(&str, String)],
        proof: Option<&DpopProof>,
    ) -> Exchange {
        let path = self.path(endpoint);
        let request = self.http.get(format!("{}{path}", self.api));
        self.send_proved(request, &format!("GET {path}"), authorization, extra, proof)
            .await
    }

    /// `proof` signed with the nonce the API demanded last, if it demanded one.
    pub(super) fn sign(&self, proof: &DpopProof) -> String {
        match self.api_nonce() {
            Some(nonce) => proof.clone().nonce(&nonce).sign(),
            None => proof.sign(),
        }
    }

    /// The nonce the API demanded last (RFC 9449 §9), if any.
    pub(super) fn api_nonce(&self) -> Option<String> {
        self.api_nonce
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Sends with `proof` signed (with the API's nonce, if it demanded one); when the answer
    /// demands a new nonce (`use_dpop_nonce` and `DPoP-Nonce`, RFC 9449 §9), signs again with
    /// it and sends once more, as a client does. The nonce is kept for later proofs.
    async fn send_proved(
        &self,
        request: reqwest::RequestBuilder,
        line: &str,
        authorization: &[String],
        extra: &[(&str, String)],
        proof: Option<&DpopProof>,
    ) -> Exchange {
        let Some(proof) = proof else {
            return self.send_built(request, line, authorization, extra).await;
        };
        let retry = request.try_clone();
        let with_proof = |signed: String| {
            let mut all: Vec<(&str, String)> = extra.to_vec();
            all.insert(0, ("dpop", signed));
            all
        };
        let first = self
            .send_built(request, line, authorization, &with_proof(self.sign(proof)))
            .await;
        let demanded = first.status.is_some_and(|s| s == 400 || s == 401)
            && first
                .challenge
                .as_deref()
                .is_some_and(|c| c.contains("use_dpop_nonce"));
        let Some(nonce) = first.nonce.clone() else {
            return first;
        };
        let fresh = self.api_nonce().as_deref() != Some(nonce.as_str());
        *self
            .api_nonce
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(nonce);
        match retry {
            Some(again) if demanded && fresh => {
                self.send_built(again, line, authorization, &with_proof(self.sign(proof)))
                    .await
            }
            _ => first,
        }
    }

    /// Sends the valid token another way than (or besides) the header.
    pub(super) async fn send_transport(&self, transport: Transport, token: &str) -> Exchange {
        let path = self.path(Endpoint::Private).to_owned();
        let url = format!("{}{path}", self.api);
        // A path of the route audit may carry its own query already.
        let sep = if path.contains('?') { '&' } else { '?' };
        let query = format!("access_token={token}");
        let (request, shown, auth) = match transport {
            Transport::Query => (
                self.http.get(format!("{url}{sep}{query}")),
                format!("GET {path}{sep}access_token=T0"),
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
                self.http.get(format!("{url}{sep}{query}")),
                format!("GET {path}{sep}access_token=T0"),
                vec![format!("Bearer {token}")],
            ),
        };
        self.send_built(request, &shown, &auth, &[]).await
    }

    async fn send_built(
        &self,
        mut request: reqwest::RequestBuilder,
        line: &str,
        authorization: &[String],
        extra: &[(&str, String)],
    ) -> Exchange {
        let path = line;
        let mut shown = Vec::new();
        let mut dpop = authorization
            .iter()
            .any(|v| v.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("dpop ")));
        let mut extra_shown = Vec::new();
        for (name, value) in extra {
            let Ok(value_ok) = http::HeaderValue::from_str(value) else {
                return Exchange {
                    request: path.to_owned(),
                    error: Some(format!("the {name} header value cannot be sent")),
                    ..Exchange::default()
                };
            };
            request = request.header(*name, value_ok);
            dpop |= name.eq_ignore_ascii_case("dpop");
            extra_shown.push(format!("{name}: {}", shorten(value)));
        }
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
        let mut request_text = if shown.is_empty() {
            path.to_owned()
        } else {
            format!("{path} Authorization: {}", shown.join(" | "))
        };
        for header in extra_shown {
            request_text = format!("{request_text}; {header}");
        }
        let header_bytes = authorization.iter().map(String::len).sum::<usize>()
            + extra.iter().map(|(_, v)| v.len()).sum::<usize>();
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
                // Several challenges (Bearer and DPoP) may come as several headers.
                let challenges: Vec<&str> = res
                    .headers()
                    .get_all(http::header::WWW_AUTHENTICATE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .collect();
                let challenge = (!challenges.is_empty()).then(|| challenges.join(", "));
                let content_type = header(http::header::CONTENT_TYPE);
                let nonce = header(http::header::HeaderName::from_static("dpop-nonce"));
                let header_names = res.headers().keys().map(|k| k.to_string()).collect();
                let body = res.text().await.unwrap_or_default();
                Exchange {
                    request: request_text,
                    status: Some(status),
                    challenge,
                    content_type,
                    body: body.chars().take(2048).collect(),
                    elapsed_ms: started.elapsed().as_millis() as u64,
                    error: None,
                    dpop,
                    nonce,
                    header_names,
                    header_bytes,
                }
            }
            Err(e) => Exchange {
                request: request_text,
                elapsed_ms: started.elapsed().as_millis() as u64,
                dpop,
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

/// A `Bearer` value (any case) as the same value under the `DPoP` scheme, its case kept in
/// kind (`bearer` → `dpop`, `BEARER` → `DPOP`, `bEaReR` → `dPoP`); other values unchanged.
fn as_dpop(value: &str) -> String {
    let Some(scheme) = value.get(..6).filter(|s| s.eq_ignore_ascii_case("bearer")) else {
        return value.to_owned();
    };
    let dpop = if scheme == "Bearer" {
        "DPoP"
    } else if scheme == "bearer" {
        "dpop"
    } else if scheme == "BEARER" {
        "DPOP"
    } else {
        "dPoP"
    };
    format!("{dpop}{}", &value[6..])
}

/// The credential of an `Authorization` value: what follows the scheme and its whitespace.
fn credential(value: &str) -> &str {
    value
        .split_once([' ', '\t'])
        .map_or("", |(_, rest)| rest.trim_start_matches([' ', '\t']))
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
