//! Only this machine's pages: a studio listening on loopback answers a request
//! only if its `Host` names this machine (`localhost`, a loopback address), so that
//! a site whose name is made to point at 127.0.0.1 (DNS rebinding) cannot read the
//! history or run anything through a visitor's browser. Requests without a `Host`
//! (not from a browser) pass. A studio started with another `--host` has been told
//! to answer other machines, and does not check.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Whether `host` (a `Host` header: a name or address and maybe a port) names this
/// machine.
fn is_local(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses (403) a request whose `Host` is not this machine, when `local_only`.
pub async fn local_host(State(local_only): State<bool>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).map(|h| h.to_str().unwrap_or(""));
    match host {
        Some(host) if local_only && !is_local(host) => ApiError::new(
            StatusCode::FORBIDDEN,
            format!("the studio answers pages of this machine only, not of `{host}`: open http://localhost or http://127.0.0.1"),
        )
        .into_response(),
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn names_of_this_machine_are_local_and_others_are_not() {
        for host in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.8.9.1:1",
            "[::1]:8080",
            "[::1]",
        ] {
            assert!(is_local(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "192.168.1.2:8080",
            "[2001:db8::1]:80",
            "",
            "localhost.evil.example",
        ] {
            assert!(!is_local(host), "{host}");
        }
    }
}
