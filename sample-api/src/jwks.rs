//! The tenant's signing keys, cached: fetched once, kept as long as `Cache-Control` says (within
//! bounds), refetched on an unknown `kid` at most once per cooldown, never more than one fetch
//! at a time, and served stale when the tenant is down.

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// Shortest time a fetched key set is trusted, whatever `Cache-Control` says (so `max-age=0`
/// cannot turn into a fetch per request).
const MIN_TTL: Duration = Duration::from_secs(1);
/// Used when the JWKS response has no usable `max-age` (and capped by the configured maximum).
const DEFAULT_TTL: Duration = Duration::from_secs(600);
/// JWKS bodies larger than this are refused.
const MAX_JWKS_BYTES: usize = 512 * 1024;

/// Why no key could be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyError {
    /// The key set was fetched (or recently tried) and has no usable key with this `kid`.
    Unknown,
    /// The key set cannot be fetched, and nothing usable is cached.
    Unavailable,
}

#[derive(Default)]
struct Cached {
    keys: HashMap<String, Arc<DecodingKey>>,
    /// When the keys must be refetched.
    fresh_until: Option<Instant>,
    /// The last fetch attempt, successful or not.
    last_attempt: Option<Instant>,
    /// Whether any fetch ever succeeded.
    loaded: bool,
    /// Bumped at every successful fetch: results verified under an older generation are stale.
    generation: u64,
}

/// A JWKS cache for one tenant.
pub(crate) struct JwksCache {
    url: String,
    client: reqwest::Client,
    cooldown: Duration,
    max_ttl: Duration,
    cached: RwLock<Cached>,
    /// Held while fetching, so concurrent misses wait for one fetch instead of each starting one.
    fetching: tokio::sync::Mutex<()>,
}

impl JwksCache {
    pub(crate) fn new(
        url: String,
        client: reqwest::Client,
        cooldown: Duration,
        max_ttl: Duration,
    ) -> Self {
        Self {
            url,
            client,
            cooldown,
            max_ttl: max_ttl.max(MIN_TTL),
            cached: RwLock::new(Cached::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// Changes whenever the key set is replaced by a fetch.
    pub(crate) fn generation(&self) -> u64 {
        self.cached
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .generation
    }

    /// The generation, if the key set is still fresh (not due for a refetch).
    pub(crate) fn fresh_generation(&self) -> Option<u64> {
        let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
        let fresh = cached.fresh_until.is_some_and(|t| Instant::now() < t);
        fresh.then_some(cached.generation)
    }

    /// The verification key for `kid`.
    pub(crate) async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, KeyError> {
        let now = Instant::now();
        let (hit, fresh, may_fetch) = self.look(kid, now);
        match (hit, fresh) {
            (Some(key), true) => return Ok(key),
            // Expired: refresh if allowed; on failure keep using what we have (stale-if-error).
            (Some(key), false) => {
                self.refresh(now, false).await;
                return Ok(self.look(kid, Instant::now()).0.unwrap_or(key));
            }
            (None, _) if !may_fetch => {}
            (None, _) => self.refresh(now, true).await,
        }
        let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
        match cached.keys.get(kid) {
            Some(key) => Ok(key.clone()),
            None if cached.loaded => Err(KeyError::Unknown),
            None => Err(KeyError::Unavailable),
        }
    }

    /// (the cached key, whether the cache is fresh, whether an unknown kid may trigger a fetch)
    fn look(&self, kid: &str, now: Instant) -> (Option<Arc<DecodingKey>>, bool, bool) {
        let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
        let fresh = cached.fresh_until.is_some_and(|t| now < t);
        let may_fetch = cached
            .last_attempt
            .is_none_or(|t| now.duration_since(t) >= self.cooldown);
        (cached.keys.get(kid).cloned(), fresh, may_fetch)
    }

    /// Fetches the key set unless another task just did. `miss` fetches are rate-limited by the
    /// cooldown; expiry refreshes only by the TTL.
    async fn refresh(&self, asked_at: Instant, miss: bool) {
        let _guard = self.fetching.lock().await;
        {
            let cached = self.cached.read().unwrap_or_else(PoisonError::into_inner);
            // Someone fetched while we waited for the lock: use their result.
            if cached.last_attempt.is_some_and(|t| t >= asked_at) {
                return;
            }
            if miss
                && cached
                    .last_attempt
                    .is_some_and(|t| asked_at.duration_since(t) < self.cooldown)
            {
                return;
            }
        }
        let fetched = self.fetch().await;
        let mut cached = self.cached.write().unwrap_or_else(PoisonError::into_inner);
        cached.last_attempt = Some(Instant::now());
        if let Some((keys, ttl)) = fetched {
            cached.generation += 1;
            cached.keys = keys;
            cached.fresh_until = Some(Instant::now() + ttl);
            cached.loaded = true;
        }
    }

    async fn fetch(&self) -> Option<(HashMap<String, Arc<DecodingKey>>, Duration)> {
        let res = self.client.get(&self.url).send().await.ok()?;
        if !res.status().is_success() {
            return None;
        }
        let ttl = res
            .headers()
            .get(http::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(max_age)
            .unwrap_or(DEFAULT_TTL)
            .clamp(MIN_TTL, self.max_ttl);
        if res
            .content_length()
            .is_some_and(|n| n > MAX_JWKS_BYTES as u64)
        {
            return None;
        }
        let body = res.bytes().await.ok()?;
        if body.len() > MAX_JWKS_BYTES {
            return None;
        }
        // Key by key: a key of a type jsonwebtoken does not know (`AKP`, a new `kty`) is
        // skipped like any unusable key, not a reason to drop the whole set.
        let set: KeySetJson = serde_json::from_slice(&body).ok()?;
        let keys = set
            .keys
            .into_iter()
            .filter_map(|value| serde_json::from_value::<Jwk>(value).ok())
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, Arc::new(usable(&jwk)?))))
            .collect();
        Some((keys, ttl))
    }
}

/// `{"keys": [...]}`, each key left as JSON until it is parsed on its own.
#[derive(serde::Deserialize)]
struct KeySetJson {
    keys: Vec<serde_json::Value>,
}

/// A key this API verifies with: RSA, for signatures, RS256 or no `alg`, at least 2048 bits,
/// and an exponent of at least 3. Anything else in the set is ignored.
fn usable(jwk: &Jwk) -> Option<DecodingKey> {
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        return None;
    };
    if !matches!(
        jwk.common.public_key_use,
        None | Some(PublicKeyUse::Signature)
    ) {
        return None;
    }
    if !matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256)) {
        return None;
    }
    use base64::Engine;
    let decode = |s: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .ok()
    };
    let n = decode(&rsa.n)?;
    let e = decode(&rsa.e)?;
    let bits = |b: &[u8]| {
        let b = &b[b.iter().position(|x| *x != 0).unwrap_or(b.len())..];
        b.len() * 8 - b.first().map_or(8, |x| x.leading_zeros() as usize)
    };
    if bits(&n) < 2048 || bits(&e) < 2 || e.last().is_none_or(|x| x % 2 == 0) {
        return None;
    }
    DecodingKey::from_jwk(jwk).ok()
}

/// `max-age=N` from a `Cache-Control` value (`no-store`/`no-cache` mean 0).
fn max_age(value: &str) -> Option<Duration> {
    value.split(',').map(str::trim).find_map(|d| {
        let lower = d.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(Duration::ZERO);
        }
        let secs = lower
            .strip_prefix("max-age=")?
            .trim_matches('"')
            .parse()
            .ok()?;
        Some(Duration::from_secs(secs))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_enc_ec_and_exponent_one_keys_are_never_used() {
        use mock_tenant::BadKey;
        for bad in [
            BadKey::WeakRsa,
            BadKey::Enc,
            BadKey::Ec,
            BadKey::RsaExponentOne,
        ] {
            let jwk: Jwk = serde_json::from_value(bad.jwk()).unwrap();
            assert!(usable(&jwk).is_none(), "{bad:?} was accepted");
        }
        let mut good = BadKey::Enc.jwk();
        good["use"] = "sig".into();
        assert!(usable(&serde_json::from_value(good).unwrap()).is_some());
    }

    #[test]
    fn max_age_is_read_from_cache_control() {
        assert_eq!(
            max_age("public, max-age=15, stale-while-revalidate=15"),
            Some(Duration::from_secs(15))
        );
        assert_eq!(max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(max_age("public"), None);
    }
}
