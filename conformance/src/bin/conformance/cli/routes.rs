//! `--openapi` and `--routes`: the operations to audit.

use super::Cli;
use conformance::routes::{Operation, RouteFilter, from_openapi, from_table};

/// Where the operations come from.
pub(super) enum Source {
    /// A file, read before anything starts.
    File(Vec<Operation>),
    /// A URL (or a path on the API), read once the API answers.
    Url(String),
    /// No routes: the catalogue alone.
    None,
}

/// The routes source of the command line; a file is read and checked now.
pub(super) fn source(cli: &Cli) -> Result<Source, String> {
    let filter = filter(cli);
    if let Some(table) = &cli.routes {
        let text = std::fs::read_to_string(table)
            .map_err(|e| format!("cannot read {}: {e}", table.display()))?;
        let ops = from_table(&text, &table.display().to_string()).map_err(|e| e.to_string())?;
        return Ok(Source::File(filtered(ops, &filter)?));
    }
    match cli.openapi.as_deref() {
        None => Ok(Source::None),
        // A path on the API (`/openapi.json`) unless a file has that name.
        Some(at)
            if at.starts_with("http://")
                || at.starts_with("https://")
                || (at.starts_with('/') && !std::path::Path::new(at).is_file()) =>
        {
            Ok(Source::Url(at.to_owned()))
        }
        Some(file) => {
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
            let ops = from_openapi(&text, file).map_err(|e| e.to_string())?;
            Ok(Source::File(filtered(ops, &filter)?))
        }
    }
}

/// The operations of a document served at `at` (a URL, or a path on `api`).
pub(super) async fn fetch(cli: &Cli, at: &str, api: &str) -> Result<Vec<Operation>, String> {
    let url = if at.starts_with('/') {
        format!("{}{at}", api.trim_end_matches('/'))
    } else {
        at.to_owned()
    };
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let res = client
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("cannot read the OpenAPI document at {url}: {e}"))?;
    if !res.status().is_success() {
        return Err(format!(
            "the OpenAPI document at {url} answered {}",
            res.status()
        ));
    }
    let text = res.text().await.map_err(|e| format!("{url}: {e}"))?;
    let ops = from_openapi(&text, &url).map_err(|e| e.to_string())?;
    filtered(ops, &filter(cli))
}

fn filter(cli: &Cli) -> RouteFilter {
    RouteFilter {
        paths: cli.route_path.clone(),
        tags: cli.tag.clone(),
        methods: cli.method.clone(),
    }
}

fn filtered(ops: Vec<Operation>, filter: &RouteFilter) -> Result<Vec<Operation>, String> {
    let total = ops.len();
    let kept: Vec<Operation> = ops.into_iter().filter(|op| filter.matches(op)).collect();
    if kept.is_empty() {
        return Err(format!(
            "no operation to audit: the filters keep none of the {total} operations"
        ));
    }
    Ok(kept)
}
