//! The `fraudstat` binary: parses arguments and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use fraudstat::configuration::Settings;

/// mimalloc: a page allocates and frees tens of thousands of small strings
/// and vectors, and glibc's allocator was a tenth of the pipeline's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Statistics from Chinese police press releases on telecom and online fraud.
#[derive(Parser)]
#[command(version, about, after_help = AFTER_HELP)]
struct Cli {
    /// Directory of settings (default.toml) and rule files overriding the
    /// built-in ones; a file it lacks is the built-in one.
    #[arg(long, global = true, env = "FRAUDSTAT_CONFIG_DIR", value_name = "DIR")]
    config_dir: Option<PathBuf>,
    /// A settings file read over the defaults (environment variables and
    /// flags still win).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Log lines: auto (readable at a terminal, JSON otherwise), json or pretty.
    #[arg(long, global = true, value_name = "FORMAT")]
    log_format: Option<LogFormatArg>,
    /// The broker [amqp.url].
    #[arg(long, global = true, value_name = "URL")]
    amqp_url: Option<String>,
    /// Prefix of every queue and exchange name [queues.prefix].
    #[arg(long, global = true, value_name = "PREFIX")]
    prefix: Option<String>,
    /// Fetch loopback, private and link-local addresses too (a local test
    /// server); off by default, since URLs come from outside
    /// [fetch.allow_private_addresses].
    #[arg(long, global = true)]
    allow_private_addresses: bool,
    /// Address of the metrics and health listener; 127.0.0.1:0 for any
    /// free port, empty for none [metrics.listen].
    #[arg(long, global = true, value_name = "ADDR")]
    metrics_listen: Option<String>,
    /// PostgreSQL URL of `fraudstat sink` [sink.database_url].
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

const AFTER_HELP: &str = "\
Examples:
  fraudstat extract page.html https://www.example.gov.cn/news/1.html
  fraudstat --prefix fraudstat worker
  fraudstat enqueue urls.txt
  fraudstat --database-url postgres://user@db/fraudstat sink
  fraudstat settings
  fraudstat --database-url postgres://user@db/fraudstat report --out report

Settings: built-in defaults, then DIR/default.toml (--config-dir), then
--config FILE, then environment variables, then the flags above. Every
setting has a variable: [section] key becomes FRAUDSTAT_SECTION__KEY
(two underscores), e.g. FRAUDSTAT_FETCH__TIMEOUT_SECS=10. Unknown names
are refused. `fraudstat settings` prints what is in force.";

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormatArg {
    Auto,
    Json,
    Pretty,
}

impl Cli {
    /// The flags that set a setting, as the variables that would.
    fn overrides(&self) -> Vec<(String, String)> {
        let mut v = Vec::new();
        let mut set = |name: &str, value: String| v.push((format!("FRAUDSTAT_{name}"), value));
        if let Some(url) = &self.amqp_url {
            set("AMQP__URL", url.clone());
        }
        if let Some(prefix) = &self.prefix {
            set("QUEUES__PREFIX", prefix.clone());
        }
        if self.allow_private_addresses {
            set("FETCH__ALLOW_PRIVATE_ADDRESSES", "true".into());
        }
        if let Some(listen) = &self.metrics_listen {
            set("METRICS__LISTEN", listen.clone());
        }
        if let Some(url) = &self.database_url {
            set("SINK__DATABASE_URL", url.clone());
        }
        if let Some(format) = self.log_format {
            let name = match format {
                LogFormatArg::Auto => "auto",
                LogFormatArg::Json => "json",
                LogFormatArg::Pretty => "pretty",
            };
            set("LOG__FORMAT", name.into());
        }
        v
    }
}

#[derive(Subcommand)]
enum Command {
    /// Runs the pipeline on local files (HTML or text, `-` for stdin) or URLs,
    /// printing one result JSON per line.
    Extract {
        /// Files, `-`, or http(s) URLs.
        #[arg(required = true)]
        inputs: Vec<String>,
    },
    /// Consumes URLs from RabbitMQ and publishes one result (or failure
    /// record) per URL, until SIGTERM/SIGINT; then drains and exits 0.
    Worker,
    /// Stores results in PostgreSQL (tables articles and statistics, views
    /// facts and conflicts; docs/dataset.md), from a queue of its own bound
    /// to the results exchange, until SIGTERM/SIGINT.
    Sink,
    /// Publishes URLs, one a line, from FILE (or stdin) to the input queue,
    /// with publisher confirms.
    Enqueue {
        /// File of URLs (or JSON messages), one a line; `-` or absent for stdin.
        file: Option<PathBuf>,
    },
    /// Prints the settings in force (the broker password masked) and where
    /// each rule file comes from.
    Settings {
        /// Write the built-in settings and rule files into DIR (an empty or
        /// new directory) to edit them, then use `--config-dir DIR`.
        #[arg(long, value_name = "DIR")]
        export: Option<PathBuf>,
    },
    /// Declares (or deletes) every queue and the exchange of the prefix.
    Topology {
        /// `declare` or `delete` (delete drops queued messages too).
        #[arg(value_enum)]
        action: TopologyAction,
    },
    /// Moves failure records from the failure queue back to the input
    /// queue (after their cause is fixed); what does not match stays.
    /// Prints one JSON line per moved input.
    ReplayFailures {
        /// Move at most N inputs.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Only failures of this kind (repeatable): `http_status`,
        /// `timeout`, …, or `delivery_limit` for inputs the broker
        /// dead-lettered.
        #[arg(long = "kind", value_name = "KIND")]
        kinds: Vec<String>,
        /// Print what would move; move nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Writes a static HTML report of the sink's database into DIR
    /// (DIR/index.html, self-contained): a time-series chart per metric,
    /// span and region, the facts with their sources, the conflicts and
    /// what was left out. Prints the path of index.html. The database is
    /// the sink's: --database-url or FRAUDSTAT_SINK__DATABASE_URL
    /// [sink.database_url].
    Report {
        /// Directory to write index.html into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Rows shown in one table at most; the page says how many were cut.
        #[arg(long, value_name = "N", default_value_t = fraudstat::report::DEFAULT_MAX_ROWS)]
        max_rows: usize,
        /// Facts and conflicts read from the database at most.
        #[arg(long, value_name = "N", default_value_t = fraudstat::report::DEFAULT_MAX_FACTS)]
        max_facts: i64,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TopologyAction {
    Declare,
    Delete,
}

// `mi_option_set` and the index of `mi_option_purge_delay` in mimalloc's
// `mi_option_e` (15 in both the v2 and the v3 headers the `libmimalloc-sys`
// 0.1.49 we link builds from; its Rust constants predate v3, so they are
// not used).
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

#[tokio::main]
async fn main() -> ExitCode {
    // Return freed memory to the OS at once instead of after 10 ms: pages
    // are allocated on the fetching threads and freed on the CPU pool's, and
    // with the delay a worker at concurrency 64 peaked at 163 MiB instead of
    // 128 MiB, with no throughput difference measured (`scripts/load`).
    // `MIMALLOC_PURGE_DELAY` in the environment is overridden.
    // SAFETY: sets one integer option; mimalloc allows it at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    match run().await {
        Ok(code) => code,
        // `fraudstat extract … | head`: the reader had what it wanted.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fraudstat: {}", describe(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, each said once: most of our
/// errors already quote their cause, and `{:#}` would repeat it.
fn describe(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

async fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let env = std::env::vars().chain(cli.overrides());
    let settings = Settings::load_with_env(cli.config_dir.as_deref(), cli.config.as_deref(), env)
        .context("loading settings")?;
    let telemetry =
        fraudstat::telemetry::init(&settings.log, std::io::stderr).context("setting up tracing")?;
    let code = run_command(cli.command, settings, &telemetry).await;
    // What a one-off command traced leaves before the process does.
    telemetry.shutdown(SPAN_FLUSH).await;
    code
}

/// sysexits' "temporary failure": the command may succeed if run again.
const EX_TEMPFAIL: u8 = 75;

/// How long a one-off command waits for its spans to be sent at exit.
const SPAN_FLUSH: std::time::Duration = std::time::Duration::from_secs(5);

async fn run_command(
    command: Command,
    settings: Settings,
    telemetry: &fraudstat::telemetry::Telemetry,
) -> anyhow::Result<ExitCode> {
    match command {
        Command::Extract { inputs } => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let failed = fraudstat::commands::extract::run(&settings, &inputs, &mut out).await?;
            Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Settings { export: None } => {
            print!("{}", settings.describe());
            Ok(ExitCode::SUCCESS)
        }
        Command::Settings { export: Some(dir) } => {
            let written = fraudstat::configuration::built_in::export(&dir)
                .with_context(|| format!("writing the built-in files into {}", dir.display()))?;
            eprintln!(
                "fraudstat: wrote {written} files into {}; edit them and run with --config-dir {}",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker => {
            fraudstat::commands::worker::run(settings, telemetry).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sink => {
            fraudstat::commands::sink::run(settings, telemetry).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Topology { action } => {
            let action = match action {
                TopologyAction::Declare => fraudstat::commands::topology::Action::Declare,
                TopologyAction::Delete => fraudstat::commands::topology::Action::Delete,
            };
            let names = fraudstat::commands::topology::run(&settings, action).await?;
            tracing::info!(queues = ?names.all_queues(), exchange = %names.results_exchange, "topology done");
            Ok(ExitCode::SUCCESS)
        }
        Command::ReplayFailures {
            limit,
            kinds,
            dry_run,
        } => {
            let options = fraudstat::commands::replay::ReplayOptions {
                limit,
                kinds,
                dry_run,
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let report = match fraudstat::commands::replay::run(&settings, &options, &mut out).await
            {
                Ok(report) => report,
                // A scheduler that runs replays can tell "try later" from
                // "needs an operator" by the exit status alone.
                Err(error) if error.is_transient() => {
                    eprintln!("fraudstat: {error}; run it again once the broker is back");
                    return Ok(ExitCode::from(EX_TEMPFAIL));
                }
                Err(error) => return Err(error.into()),
            };
            std::io::Write::flush(&mut out)?;
            tracing::info!(report = ?report, "replay done");
            eprintln!(
                "fraudstat: {} of {} failure-queue messages {}, {} left in place ({} unreadable), {} refused by the broker",
                report.moved,
                report.queued_at_start,
                if dry_run { "would move" } else { "moved" },
                report.left,
                report.unreadable,
                report.refused
            );
            Ok(if report.refused == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Report {
            out,
            max_rows,
            max_facts,
        } => {
            let options = fraudstat::report::ReportOptions {
                database_url: settings.sink.database_url.clone(),
                out_dir: out,
                max_rows,
                max_facts,
            };
            let (path, summary) = fraudstat::report::run(&options).await?;
            tracing::info!(?summary, path = %path.display(), "report written");
            eprintln!(
                "fraudstat: report of {} facts ({} charted in {} charts, {} left out) and {} conflicts",
                summary.facts, summary.points, summary.charts, summary.left_out, summary.conflicts
            );
            println!("{}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Enqueue { file } => {
            let report = fraudstat::commands::enqueue::run(&settings, file.as_deref()).await?;
            tracing::info!(
                confirmed = report.confirmed,
                refused = report.refused,
                "enqueued"
            );
            eprintln!(
                "fraudstat: {} URLs enqueued, {} refused by the broker",
                report.confirmed, report.refused
            );
            Ok(if report.refused == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
