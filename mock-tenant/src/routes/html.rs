//! The tenant's few HTML pages: Auth0-style error pages, the login page and the `form_post`
//! response. Plain HTML with inline style: no scripts but the one `form_post` needs.

use super::reply;
use http::StatusCode;
use warp::reply::Response;

/// Text made safe inside HTML and XML elements and quoted attributes: `& < > " '` escaped, and
/// the control characters XML 1.0 forbids (all of C0 but tab, newline and carriage return) shown
/// as U+FFFD, so a JUnit file stays well-formed whatever bytes an API answered. The one escape
/// the tenant's pages and conformance's HTML and JUnit reports share.
///
/// ```
/// assert_eq!(mock_tenant::escape_markup("a<'b'>\u{7}"), "a&lt;&#39;b&#39;&gt;\u{FFFD}");
/// ```
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub(crate) use escape_markup as escape;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;\
padding:0 1rem;color:#222}.warn{background:#fff3cd;border:1px solid #e0c36c;padding:.6rem;\
border-radius:6px;font-size:.9rem}button{display:block;width:100%;text-align:left;padding:.7rem;\
margin:.4rem 0;border:1px solid #bbb;border-radius:6px;background:#f8f8f8;font-size:1rem;\
cursor:pointer}button:hover{background:#eef}input{width:100%;padding:.5rem;margin:.2rem 0 .6rem;\
box-sizing:border-box}small{color:#666}code{background:#f2f2f2;padding:0 .2rem}";

/// A whole page.
pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title>\
         <style>{STYLE}</style></head><body>{body}</body></html>",
        escape(title)
    );
    reply::body(status, "text/html; charset=utf-8", html)
}

/// Auth0's generic error page: "Oops!, something went wrong", then `error: description`.
pub(crate) fn error_page(status: StatusCode, error: &str, description: &str) -> Response {
    let body = format!(
        "<h1>Oops!, something went wrong</h1><p id=\"error\"><code>{}</code>: \
         <span id=\"error_description\">{}</span></p>",
        escape(error),
        escape(description)
    );
    page(status, "Error", &body)
}

/// The `form_post` response mode: a form that posts itself to `action` (OAuth 2.0 Form Post
/// Response Mode), with a button for browsers without scripts.
pub(crate) fn form_post(action: &str, fields: &[(&str, &str)]) -> Response {
    let inputs: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let body = format!(
        "<form method=\"post\" action=\"{}\">{inputs}<noscript><button type=\"submit\">\
         Continue</button></noscript></form><script>document.forms[0].submit()</script>",
        escape(action)
    );
    let mut res = page(StatusCode::OK, "Submit This Form", &body);
    res.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    res
}

/// The `web_message` response mode, as Auth0 answers it: a page whose script posts
/// `{type: "authorization_response", response: {..fields}}` to the opener (a popup) or the
/// parent (an iframe), for `target_origin` only.
pub(crate) fn web_message(target_origin: &str, fields: &[(&str, &str)]) -> Response {
    let response: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
        .collect();
    let message = serde_json::json!({"type": "authorization_response", "response": response});
    let script = format!(
        "(function(window){{var targetOrigin={};var authorizationResponse={};\
         var mainWin=window.opener?window.opener:window.parent;\
         mainWin.postMessage(authorizationResponse,targetOrigin);}})(this);",
        script_json(&serde_json::Value::from(target_origin)),
        script_json(&message)
    );
    let html = format!(
        "<!DOCTYPE html><html><head><title>Authorization Response</title></head><body>\
         <script type=\"text/javascript\">{script}</script></body></html>"
    );
    let mut res = reply::body(StatusCode::OK, "text/html; charset=utf-8", html);
    res.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    res
}

/// JSON that is safe inside a `<script>` element: no `<`, `>`, `&` or line separators that
/// could end the element or the string.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::script_json;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let text = script_json(
            &serde_json::json!({"state": "</script><script>alert(1)</script>&\u{2028}"}),
        );
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["state"], "</script><script>alert(1)</script>&\u{2028}");
    }
}
