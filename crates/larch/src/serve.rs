//! `larch serve`: configuration, logging, bootstrap, and the two listeners.
//! Every setting is documented in docs/configuration.md.

mod config;
mod logging;

use larch_store::{ApiKeySecret, Blobs, Store};
use std::process::ExitCode;

pub use config::Args;

/// Runs `larch serve` until SIGINT or SIGTERM, then shuts down gracefully.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let settings = config::Settings::resolve(args)?;
    logging::init(settings.log_format);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(serve(settings))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(settings: config::Settings) -> anyhow::Result<()> {
    let store = Store::open(&settings.database).await?;
    let blobs = match &settings.blob_url {
        Some(url) => Blobs::from_url(url)?,
        None => Blobs::local(&settings.data_dir.join("blobs"))?,
    };
    bootstrap(&store, settings.bootstrap_key.clone()).await?;
    let api = tokio::net::TcpListener::bind(settings.listen).await?;
    let content = tokio::net::TcpListener::bind(settings.content_listen).await?;
    let mut server = settings.server;
    // With port 0 (tests, ephemeral setups) the URLs name the port actually bound.
    if !settings.public_url_explicit {
        server.public_url = config::origin_of(api.local_addr()?);
    }
    if !settings.content_url_explicit {
        server.content_url = config::origin_of(content.local_addr()?);
    }
    tracing::info!(
        api = %server.public_url,
        content = %server.content_url,
        database = store.kind(),
        "larch is listening"
    );
    let listeners = larch_server::Listeners { api, content };
    larch_server::serve(store, blobs, server, listeners, shutdown_signal()).await?;
    tracing::info!("larch stopped");
    Ok(())
}

/// On an empty database: creates the default tenant and application and prints their test key,
/// once, on standard output (never into the logs).
async fn bootstrap(store: &Store, configured: Option<ApiKeySecret>) -> anyhow::Result<()> {
    match store.tenants().bootstrap(configured.clone()).await? {
        Some(done) if configured.is_some() => {
            tracing::info!(api_key.id = %done.key.key.id, "bootstrapped with LARCH_BOOTSTRAP_API_KEY");
        }
        Some(done) => {
            tracing::info!(api_key.id = %done.key.key.id, "bootstrapped; the test API key is printed on stdout");
            println!(
                "\nLarch created the default tenant and application.\n\
                 Your test API key (shown once, store it now):\n\n    {}\n",
                done.key.secret.expose()
            );
        }
        None => {
            if let Some(key) = configured
                && store.api_keys().authenticate(&key).await?.is_none()
            {
                tracing::warn!(
                    "LARCH_BOOTSTRAP_API_KEY is set but the database was bootstrapped before without it"
                );
            }
        }
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM (what orchestrators send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
