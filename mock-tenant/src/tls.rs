//! Certificates: the CA a user trusts (generated at start or loaded), the `localhost` leaf the
//! tenant serves, and the self-signed certificate Auth0 puts in each JWK's `x5c`.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SerialNumber, date_time_ymd,
};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

/// The certificate authority that signs the tenant's TLS certificate.
///
/// Trust its PEM ([`CertificateAuthority::cert_pem`]) through `SSL_CERT_FILE` (Python) or
/// `NODE_EXTRA_CA_CERTS` (Node). Generated fresh at each start unless loaded, so a long-lived
/// CA can be trusted once and reused.
#[derive(Clone)]
pub struct CertificateAuthority {
    cert_pem: String,
    key_pem: String,
}

impl std::fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateAuthority")
            .finish_non_exhaustive()
    }
}

impl CertificateAuthority {
    /// A new CA with an ECDSA P-256 key (fast to generate, accepted by every TLS client).
    ///
    /// ```
    /// let ca = mock_tenant::CertificateAuthority::generate();
    /// assert!(ca.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    /// ```
    pub fn generate() -> Self {
        let key = KeyPair::generate().expect("P-256 key generation");
        let mut params = CertificateParams::default();
        params.distinguished_name = name("mock-tenant TEST-ONLY CA (mints tokens for anyone)");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = date_time_ymd(2024, 1, 1);
        params.not_after = date_time_ymd(2045, 1, 1);
        let cert = params.self_signed(&key).expect("self-signing the CA");
        Self {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// Loads a CA from its certificate and PKCS#8 private key, both PEM.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, crate::Error> {
        let key =
            KeyPair::from_pem(key_pem).map_err(|e| crate::Error::Tls(format!("CA key: {e}")))?;
        Issuer::from_ca_cert_pem(cert_pem, key)
            .map_err(|e| crate::Error::Tls(format!("CA certificate: {e}")))?;
        Ok(Self {
            cert_pem: cert_pem.to_owned(),
            key_pem: key_pem.to_owned(),
        })
    }

    /// The CA certificate, PEM: what clients trust.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA private key, PEM (TEST-ONLY: write it with `--ca-key-out` to reuse the CA).
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// A rustls server configuration with a fresh leaf for `localhost`, `127.0.0.1`, `::1` and
    /// `extra_hosts` (the issuer's host and the custom domains).
    pub(crate) fn server_config(
        &self,
        extra_hosts: &[String],
    ) -> Result<rustls::ServerConfig, String> {
        let ca_key = KeyPair::from_pem(&self.key_pem).map_err(|e| e.to_string())?;
        let issuer = Issuer::from_ca_cert_pem(&self.cert_pem, ca_key).map_err(|e| e.to_string())?;
        let mut names = vec!["localhost".to_owned(), "127.0.0.1".into(), "::1".into()];
        for extra in extra_hosts {
            if !names.iter().any(|n| n == extra) {
                names.push(extra.clone());
            }
        }
        let mut params = CertificateParams::new(names).map_err(|e| e.to_string())?;
        params.distinguished_name = name("localhost");
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        params.not_before = date_time_ymd(2024, 1, 1);
        params.not_after = date_time_ymd(2045, 1, 1);
        let leaf_key = KeyPair::generate().map_err(|e| e.to_string())?;
        let leaf = params
            .signed_by(&leaf_key, &issuer)
            .map_err(|e| e.to_string())?;
        let chain = vec![leaf.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| e.to_string())?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn
}

/// The self-signed certificate Auth0 publishes in a JWK's `x5c`: CN = tenant host, `CA:TRUE`,
/// about 14 years of validity. Deterministic for a given key and host, so snapshots stay stable.
pub(crate) fn jwk_certificate(pkcs8_der: &[u8], host: &str) -> Result<Vec<u8>, String> {
    let key = KeyPair::from_pkcs8_der_and_sign_algo(
        &PrivatePkcs8KeyDer::from(pkcs8_der),
        &rcgen::PKCS_RSA_SHA256,
    )
    .map_err(|e| format!("RSA key for x5c: {e}"))?;
    let mut params = CertificateParams::default();
    params.distinguished_name = name(host);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.not_before = date_time_ymd(2024, 1, 1);
    params.not_after = date_time_ymd(2038, 1, 1);
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, key.public_key_raw());
    let mut serial = digest.as_ref()[..8].to_vec();
    serial[0] &= 0x7f; // a positive INTEGER
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    Ok(cert.der().to_vec())
}
