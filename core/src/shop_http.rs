//! The HTTP/1.1 client that carries calls to the shop's API: one
//! connection per request (a shop call every few seconds at most), TLS by
//! rustls with the Mozilla roots built in (no OpenSSL, no system store to
//! go stale), plain HTTP only to this machine (`exchange::shop_api::
//! check_base_url` refuses the rest before a request is built). Built on
//! hyper and tokio-rustls, both already in the build (axum's server and
//! lettre's TLS).

use crate::exchange::shop_api::ShopRequest;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// What sending a secret to an address would mean: TLS, the clear to this
/// machine only (a proxy or a test), or the clear across a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tls,
    LoopbackHttp,
    PlainHttp,
    /// Another scheme (ftp://...).
    Other,
}

/// How `url` ("scheme://host[:port]/path") would be reached; None when it
/// is not such an address (no host; a query, fragment or space in it).
/// The one check of the shop's and the cash register's addresses.
pub fn transport(url: &str) -> Option<Transport> {
    let (scheme, rest) = url.split_once("://")?;
    let host_port = rest.split('/').next().unwrap_or("");
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host_port,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || url.contains(['?', '#', ' ']) {
        return None;
    }
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    Some(match scheme.to_ascii_lowercase().as_str() {
        "https" => Transport::Tls,
        "http" if loopback => Transport::LoopbackHttp,
        "http" => Transport::PlainHttp,
        _ => Transport::Other,
    })
}

/// What the shop answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopResponse {
    pub status: u16,
    /// The Retry-After header, when the shop sent one.
    pub retry_after: Option<String>,
    /// The body, up to [`BODY_LIMIT`].
    pub body: Vec<u8>,
}

/// The most of an answer that is read (a fulfillment order list is a few
/// kilobytes).
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

fn tls() -> Result<Arc<rustls::ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map(|b| Arc::new(b.with_root_certificates(roots).with_no_client_auth()))
                .map_err(|e| format!("TLS cannot be set up: {e}"))
        })
        .clone()
}

/// Sends one request and reads the answer, all within `timeout`. An `Err`
/// is a failure before an HTTP answer (the address cannot be resolved, the
/// connection is refused, TLS fails, the time ran out): worth trying
/// again.
pub async fn send(request: &ShopRequest, timeout: Duration) -> Result<ShopResponse, String> {
    match tokio::time::timeout(timeout, exchange(request)).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "the shop did not answer within {} s",
            timeout.as_secs()
        )),
    }
}

async fn exchange(request: &ShopRequest) -> Result<ShopResponse, String> {
    let uri: hyper::Uri = request
        .url
        .parse()
        .map_err(|e| format!("{} is not a URL: {e}", shown(&request.url)))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(format!("{} is not an http(s) URL", shown(&request.url))),
    };
    let host = uri
        .host()
        .ok_or_else(|| format!("{} has no host", shown(&request.url)))?
        .to_string();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let bare_host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let tcp = tokio::net::TcpStream::connect((bare_host.as_str(), port))
        .await
        .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    let _ = tcp.set_nodelay(true);
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let authority = uri
        .authority()
        .map(|a| a.as_str().to_string())
        .unwrap_or(host.clone());
    let mut builder = hyper::Request::builder()
        .method(request.method)
        .uri(path)
        .header("Host", authority)
        .header(
            "User-Agent",
            concat!("Packbench/", env!("CARGO_PKG_VERSION")),
        )
        .header("Connection", "close");
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let body = Full::new(Bytes::from(request.body.clone().unwrap_or_default()));
    let req = builder
        .body(body)
        .map_err(|e| format!("the request cannot be made: {e}"))?;
    if https {
        let name = rustls::pki_types::ServerName::try_from(bare_host.clone())
            .map_err(|e| format!("{host} is not a name TLS can check: {e}"))?;
        let stream = tokio_rustls::TlsConnector::from(tls()?)
            .connect(name, tcp)
            .await
            .map_err(|e| format!("the TLS handshake with {host} failed: {e}"))?;
        round_trip(TokioIo::new(stream), req).await
    } else {
        round_trip(TokioIo::new(tcp), req).await
    }
}

async fn round_trip<T>(io: T, req: hyper::Request<Full<Bytes>>) -> Result<ShopResponse, String>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| format!("the HTTP connection failed: {e}"))?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let result = async {
        let response = sender
            .send_request(req)
            .await
            .map_err(|e| format!("the request failed: {e}"))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("Retry-After")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let mut body = Vec::new();
        let mut incoming = response.into_body();
        while let Some(frame) = incoming.frame().await {
            let frame = frame.map_err(|e| format!("the answer broke off: {e}"))?;
            if let Ok(data) = frame.into_data() {
                let room = BODY_LIMIT.saturating_sub(body.len());
                body.extend_from_slice(&data[..data.len().min(room)]);
                if room <= data.len() {
                    break;
                }
            }
        }
        Ok(ShopResponse {
            status,
            retry_after,
            body,
        })
    }
    .await;
    driver.abort();
    result
}

/// A URL as it may be shown: without a query (WooCommerce keys may be in
/// one).
fn shown(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}
