//! The deployment files say what the worker reads, and the worker reads
//! what they say: the ConfigMap is `config/`, the settings the manifests
//! and the compose file set load through the worker's own loader, the
//! broker definitions are the topology the worker declares (and RabbitMQ
//! accepts both together), and the operations guide names only settings,
//! metrics and log fields that exist.
//!
//! YAML is read through the deploy validators' Python (PyYAML, and
//! `kubectl kustomize` when kubectl is installed), which
//! `scripts/validate-deploy --setup` installs; see
//! `scripts/validate_kubernetes.py`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use fraudstat::amqp::Names;
use fraudstat::amqp::topology::declared_queues;
use fraudstat::configuration::Settings;
use lapin::types::AMQPValue;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The validators' Python, installed on first use.
fn venv_python() -> PathBuf {
    let status = Command::new(root().join("scripts/validate-deploy"))
        .arg("--setup")
        .status()
        .expect("scripts/validate-deploy");
    assert!(status.success(), "scripts/validate-deploy --setup failed");
    let venv = std::env::var_os("FRAUDSTAT_DEPLOY_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"));
            cache.join("fraudstat/deploy-venv")
        });
    venv.join("bin/python")
}

fn python_json(args: &[&str]) -> Value {
    let out = Command::new(venv_python())
        .arg(root().join("scripts/validate_kubernetes.py"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The documents of one YAML file.
fn yaml(rel: &str) -> Vec<Value> {
    let docs = python_json(&["--yaml", root().join(rel).to_str().unwrap()]);
    docs[0].as_array().unwrap().clone()
}

/// What a kustomization renders.
fn render(rel: &str) -> Vec<Value> {
    python_json(&["--render", rel]).as_array().unwrap().clone()
}

/// A Kubernetes memory quantity (`1Gi`, `512Mi`, `1000M`), in bytes.
fn quantity_bytes(q: &str) -> u64 {
    let (n, unit) = q.split_at(q.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(q.len()));
    let n: u64 = n.parse().unwrap();
    n * match unit {
        "" => 1,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "K" | "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        other => panic!("unknown unit {other}"),
    }
}

fn object<'a>(objects: &'a [Value], kind: &str, name_prefix: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| {
            o["kind"] == kind
                && o["metadata"]["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with(name_prefix))
        })
        .unwrap_or_else(|| panic!("no {kind} {name_prefix}"))
}

/// `section.key` for every setting in config/default.toml.
fn setting_keys() -> BTreeSet<String> {
    let table: toml::Table = read("config/default.toml").parse().unwrap();
    let mut keys = BTreeSet::new();
    for (section, value) in &table {
        for key in value.as_table().unwrap().keys() {
            keys.insert(format!("{section}.{key}"));
        }
    }
    keys
}

/// `FRAUDSTAT_WORKER__CONCURRENCY` → `worker.concurrency`.
fn env_to_key(var: &str) -> Option<String> {
    let rest = var.strip_prefix("FRAUDSTAT_")?;
    let (section, key) = rest.split_once("__")?;
    Some(format!(
        "{}.{}",
        section.to_ascii_lowercase(),
        key.to_ascii_lowercase()
    ))
}

/// The Secret the manifests read the broker's credentials from (created at
/// deploy time by `deploy/kubernetes/make-secrets.sh`, never in the
/// repository), the key of the workers' broker URL in it, and a URL of the
/// form that script writes there.
const SECRET: &str = "fraudstat-rabbitmq";
const WORKER_URL_KEY: &str = "worker-url";
const STAND_IN_URL: &str = "amqp://fraudstat:stand-in-password@rabbitmq:5672/%2f";

/// A compose value as compose makes it: each `${NAME:?message}` (a variable
/// that must be set, from deploy/.env) replaced by a stand-in.
fn compose_interpolated(value: &str) -> String {
    let re = regex::Regex::new(r"\$\{[A-Za-z0-9_]+:\?[^}]*\}").unwrap();
    re.replace_all(value, "stand-in-password").into_owned()
}

/// The command line's own variable (where the config directory is), not a
/// setting: the loader skips names without `__`.
const CONFIG_DIR_VAR: &str = "FRAUDSTAT_CONFIG_DIR";

/// The OpenTelemetry variables the worker honours (`telemetry::otel`), and
/// the downward-API names the Deployment builds `OTEL_RESOURCE_ATTRIBUTES`
/// from.
const OTHER_VARS: &[&str] = &[
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_TRACES_EXPORTER",
    "OTEL_SDK_DISABLED",
    "POD_NAME",
    "POD_NAMESPACE",
];

/// The tracing variables of a deployment file ask for export, in a form
/// the worker accepts.
fn assert_traces_exported(env: &[(String, String)], whence: &str) {
    let plan = fraudstat::telemetry::otel::plan(|k| {
        env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    })
    .unwrap_or_else(|e| panic!("{whence}: {e}"));
    assert!(
        matches!(plan, fraudstat::telemetry::Plan::Export { .. }),
        "{whence}: {plan:?}"
    );
}

fn assert_is_setting(var: &str, whence: &str) {
    if var == CONFIG_DIR_VAR || OTHER_VARS.contains(&var) {
        return;
    }
    let key = env_to_key(var)
        .unwrap_or_else(|| panic!("{whence}: {var} is not FRAUDSTAT_<SECTION>__<KEY>"));
    assert!(
        setting_keys().contains(&key),
        "{whence}: {var} names no setting ({key} is not in config/default.toml)"
    );
}

fn fraudstat_vars(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"FRAUDSTAT_[A-Z0-9_]*[A-Z0-9]").unwrap();
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

#[test]
fn every_kustomization_lists_its_files_and_the_configmap_is_all_of_config() {
    let mut dirs = vec![PathBuf::from("config")];
    for entry in std::fs::read_dir(root().join("deploy/kubernetes")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            dirs.push(path.strip_prefix(root()).unwrap().to_path_buf());
        }
    }
    dirs.push(PathBuf::from("deploy/kubernetes"));
    for dir in &dirs {
        let k = &yaml(dir.join("kustomization.yaml").to_str().unwrap())[0];
        let mut listed = BTreeSet::new();
        for r in k["resources"].as_array().into_iter().flatten() {
            let r = r.as_str().unwrap();
            assert!(
                root().join(dir).join(r).exists(),
                "{}: lists {r}, which does not exist",
                dir.display()
            );
            listed.insert(r.to_string());
        }
        for generator in k["configMapGenerator"].as_array().into_iter().flatten() {
            for f in generator["files"].as_array().unwrap() {
                let f = f.as_str().unwrap();
                assert!(root().join(dir).join(f).is_file(), "{}: {f}", dir.display());
                listed.insert(f.to_string());
            }
        }
        // Every manifest and config file here is used: nothing is left
        // behind that a reader would think applies.
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let manifest = name.ends_with(".yaml") && name != "kustomization.yaml";
            let rules = name.ends_with(".toml") || name.ends_with(".tsv");
            if manifest || (dir == Path::new("config") && rules) {
                assert!(
                    listed.contains(&name),
                    "{}: {name} is not listed",
                    dir.display()
                );
            }
            if path.is_dir() && dir == Path::new("deploy/kubernetes") {
                // Subdirectories are kustomizations of their own, listed
                // or not; each is checked in its turn.
                assert!(
                    path.join("kustomization.yaml").is_file(),
                    "{}",
                    path.display()
                );
            }
        }
    }

    // The ConfigMap that reaches the pods holds config/ byte for byte.
    let objects = render("deploy/kubernetes/base");
    let cm = object(&objects, "ConfigMap", "fraudstat-config");
    let data = cm["data"].as_object().unwrap();
    let mut tomls = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("config")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".toml") || name.ends_with(".tsv") {
            assert_eq!(
                data[&name].as_str().unwrap(),
                read(&format!("config/{name}")),
                "{name}"
            );
            tomls.insert(name);
        }
    }
    assert_eq!(data.keys().cloned().collect::<BTreeSet<_>>(), tomls);

    // Both autoscalers exist, never in one kustomization.
    let top = render("deploy/kubernetes");
    assert!(top.iter().any(|o| o["kind"] == "ScaledObject"));
    assert!(!top.iter().any(|o| o["kind"] == "HorizontalPodAutoscaler"));
    let hpa = render("deploy/kubernetes/hpa");
    assert!(hpa.iter().any(|o| o["kind"] == "HorizontalPodAutoscaler"));
    assert!(!hpa.iter().any(|o| o["kind"] == "ScaledObject"));
}

#[test]
fn the_pods_settings_load_through_the_workers_loader() {
    let objects = render("deploy/kubernetes/keda");
    let cm = object(&objects, "ConfigMap", "fraudstat-config");
    let deployment = object(&objects, "Deployment", "fraudstat-worker");
    // No credentials in the manifests: the Secret is made at deploy time.
    assert!(
        !objects.iter().any(|o| o["kind"] == "Secret"),
        "a Secret in the manifests"
    );
    let pod = &deployment["spec"]["template"]["spec"];
    let container = &pod["containers"][0];

    // Lay the ConfigMap out as the pod sees it.
    let dir = std::env::temp_dir().join(format!("fraudstat-deploy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in cm["data"].as_object().unwrap() {
        std::fs::write(dir.join(name), text.as_str().unwrap()).unwrap();
    }
    let mut env = Vec::new();
    for var in container["env"].as_array().unwrap() {
        let name = var["name"].as_str().unwrap().to_string();
        assert_is_setting(&name, "deployment.yaml");
        let value = if let Some(v) = var["value"].as_str() {
            v.to_string()
        } else if var["valueFrom"]["fieldRef"].is_object() {
            continue;
        } else {
            let r = &var["valueFrom"]["secretKeyRef"];
            assert_eq!(r["name"], SECRET, "{name}");
            assert_eq!(r["key"], WORKER_URL_KEY, "{name}");
            STAND_IN_URL.to_string()
        };
        env.push((name, value));
    }
    assert_traces_exported(&env, "deployment.yaml");
    let settings = Settings::load_with_env(Some(&dir), None, env.clone()).unwrap();
    // The worker built from these files finds its rule files too.
    fraudstat::pipeline::Pipeline::load(&settings).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(settings.queues.prefix, "fraudstat");
    assert_eq!(settings.amqp.url, STAND_IN_URL);
    assert!(!settings.fetch.allow_private_addresses);

    // The mount, the variable the binary reads it from, and the image agree.
    let env: HashMap<_, _> = env.into_iter().collect();
    let mount = &container["volumeMounts"][0];
    assert_eq!(mount["mountPath"], env[CONFIG_DIR_VAR].as_str());
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.contains(&format!("ENV {CONFIG_DIR_VAR}={}", env[CONFIG_DIR_VAR])));
    let volume = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == mount["name"])
        .unwrap();
    assert_eq!(volume["configMap"]["name"], cm["metadata"]["name"]);

    // Probes and the metrics port are the listener's; the image exposes it.
    let port = settings.metrics.listen.rsplit(':').next().unwrap();
    assert_eq!(container["ports"][0]["containerPort"].to_string(), port);
    assert!(dockerfile.contains(&format!("EXPOSE {port}")));
    let default_port = read("config/default.toml");
    assert!(default_port.contains(&format!("listen = \"0.0.0.0:{port}\"")));
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
    for probe in ["livenessProbe", "readinessProbe"] {
        assert_eq!(
            container[probe]["httpGet"]["port"],
            container["ports"][0]["name"]
        );
    }
    let service = object(&objects, "Service", "fraudstat-worker");
    assert_eq!(service["spec"]["ports"][0]["name"], "metrics");

    // SIGTERM, the drain, then up to 5 s to cancel the consumer and 5 s to
    // close each of the two connections (src/worker/mod.rs) before exit.
    let grace = pod["terminationGracePeriodSeconds"].as_u64().unwrap();
    assert!(grace >= settings.worker.shutdown_grace_secs + 15, "{grace}");

    // Privileges dropped.
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    let sc = &container["securityContext"];
    assert_eq!(sc["allowPrivilegeEscalation"], false);
    assert_eq!(sc["readOnlyRootFilesystem"], true);
    assert_eq!(sc["capabilities"]["drop"][0], "ALL");
    assert!(dockerfile.contains(&format!("USER {}", pod["securityContext"]["runAsUser"])));
    for r in ["requests", "limits"] {
        assert!(container["resources"][r]["memory"].is_string(), "{r}");
    }
    // The memory limit covers the worker's bound for these settings, with
    // one CPU thread per core of the CPU limit (std reads the cgroup quota).
    let limit = quantity_bytes(container["resources"]["limits"]["memory"].as_str().unwrap());
    let cores = container["resources"]["limits"]["cpu"]
        .as_str()
        .and_then(|c| c.parse::<f64>().ok())
        .unwrap()
        .ceil() as usize;
    let threads = if settings.worker.cpu_threads > 0 {
        settings.worker.cpu_threads
    } else {
        cores
    };
    let bound = fraudstat::worker::memory::MemoryBound::new(&settings, threads);
    assert!(
        bound.total() <= limit,
        "memory limit {} MiB below the bound {} MiB ({bound:?})",
        limit >> 20,
        bound.total() >> 20
    );

    // KEDA watches the queue the worker consumes, with the worker's URL.
    let names = Names::new(&settings);
    let scaled = object(&objects, "ScaledObject", "fraudstat-worker");
    let trigger = &scaled["spec"]["triggers"][0];
    assert_eq!(trigger["type"], "rabbitmq");
    assert_eq!(trigger["metadata"]["queueName"], names.urls.as_str());
    assert_eq!(
        scaled["spec"]["scaleTargetRef"]["name"],
        deployment["metadata"]["name"]
    );
    let auth = object(&objects, "TriggerAuthentication", "fraudstat-rabbitmq");
    assert_eq!(
        trigger["authenticationRef"]["name"],
        auth["metadata"]["name"]
    );
    assert_eq!(auth["spec"]["secretTargetRef"][0]["name"], SECRET);
    assert_eq!(auth["spec"]["secretTargetRef"][0]["key"], WORKER_URL_KEY);
}

#[test]
fn the_compose_file_sets_only_real_settings_and_serves_real_pages() {
    let compose = &yaml("deploy/compose.yaml")[0];
    let worker = &compose["services"]["worker"];
    assert_eq!(worker["deploy"]["replicas"], 3);
    assert_eq!(worker["command"][0], "worker");
    let env: Vec<(String, String)> = worker["environment"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), compose_interpolated(v.as_str().unwrap())))
        .collect();
    for (k, _) in &env {
        assert_is_setting(k, "compose.yaml");
    }
    // The workers' password is a variable compose requires (deploy/.env).
    let raw_url = worker["environment"]["FRAUDSTAT_AMQP__URL"]
        .as_str()
        .unwrap();
    assert!(
        raw_url.starts_with("amqp://fraudstat:${RABBITMQ_WORKER_PASSWORD:?"),
        "{raw_url}"
    );
    assert_traces_exported(&env, "compose.yaml");
    let settings = Settings::load_with_env(Some(&root().join("config")), None, env).unwrap();
    assert!(settings.amqp.url.contains("@rabbitmq:5672"));
    let grace: u64 = worker["stop_grace_period"]
        .as_str()
        .unwrap()
        .trim_end_matches('s')
        .parse()
        .unwrap();
    assert!(grace > settings.worker.shutdown_grace_secs);
    assert_eq!(compose["services"]["enqueue"]["command"][0], "enqueue");

    // Every sample URL is a page the page server has (tests/fixtures), but
    // the two deliberate failures at the end.
    let urls = read("deploy/sample-urls.txt");
    let mut pages = 0;
    for line in urls.lines().filter(|l| !l.starts_with('#')) {
        if let Some(path) = line.strip_prefix("http://pages:8000/") {
            if path.contains("no-such-page") {
                continue;
            }
            assert!(root().join("tests/fixtures").join(path).is_file(), "{line}");
            pages += 1;
        }
    }
    assert!(pages >= 40, "{pages}");

    // Dockerfile: its defaults are what the worker needs.
    let dockerfile = read("Dockerfile");
    for must in [
        "ENTRYPOINT [\"/usr/local/bin/fraudstat\"]",
        "CMD [\"worker\"]",
        "STOPSIGNAL SIGTERM",
        "COPY config/ /app/config/",
        "ca-certificates",
    ] {
        assert!(dockerfile.contains(must), "Dockerfile lacks {must}");
    }
    for var in fraudstat_vars(&dockerfile) {
        assert_is_setting(&var, "Dockerfile");
    }
}

fn amqp_to_json(v: &AMQPValue) -> Value {
    match v {
        AMQPValue::LongString(s) => Value::String(String::from_utf8_lossy(s.as_bytes()).into()),
        AMQPValue::ShortString(s) => Value::String(s.as_str().into()),
        AMQPValue::LongLongInt(n) => Value::from(*n),
        AMQPValue::LongInt(n) => Value::from(*n),
        AMQPValue::Boolean(b) => Value::from(*b),
        other => panic!("no JSON form for {other:?}"),
    }
}

fn default_names() -> Names {
    let settings = Settings::load_with_env(
        Some(&root().join("config")),
        None,
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    Names::new(&settings)
}

#[test]
fn the_broker_definitions_are_the_topology_the_worker_declares() {
    let defs: Value =
        serde_json::from_str(&read("deploy/kubernetes/rabbitmq/definitions.json")).unwrap();
    let names = default_names();
    let declared: BTreeMap<String, Value> = declared_queues(&names)
        .into_iter()
        .map(|(name, args)| {
            let args: serde_json::Map<String, Value> = args
                .inner()
                .iter()
                .map(|(k, v)| (k.to_string(), amqp_to_json(v)))
                .collect();
            (name, Value::Object(args))
        })
        .collect();
    let in_file: BTreeMap<String, Value> = defs["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            assert_eq!(q["durable"], true);
            assert_eq!(q["auto_delete"], false);
            assert_eq!(q["vhost"], "/");
            (
                q["name"].as_str().unwrap().to_string(),
                q["arguments"].clone(),
            )
        })
        .collect();
    assert_eq!(in_file, declared);

    assert_eq!(
        defs["exchanges"][0]["name"],
        names.results_exchange.as_str()
    );
    assert_eq!(defs["exchanges"][0]["type"], "topic");
    let binding = &defs["bindings"][0];
    assert_eq!(binding["source"], names.results_exchange.as_str());
    assert_eq!(binding["destination"], names.results_queue.as_str());
    assert_eq!(
        binding["routing_key"],
        fraudstat::amqp::topology::RESULT_ROUTING_KEY
    );

    // Each policy says what the arguments of the queues it matches say.
    for policy in defs["policies"].as_array().unwrap() {
        let pattern = regex::Regex::new(policy["pattern"].as_str().unwrap()).unwrap();
        let matched: Vec<_> = declared
            .iter()
            .filter(|(n, _)| pattern.is_match(n))
            .collect();
        assert!(!matched.is_empty(), "{policy}");
        for (queue, args) in matched {
            for (key, value) in policy["definition"].as_object().unwrap() {
                assert_eq!(&args[format!("x-{key}")], value, "{queue}: {key}");
            }
        }
    }
}

/// Imports the definitions (under a prefix of this test's own) into the
/// local RabbitMQ, then has the worker's `topology declare` run against
/// them: the broker refuses a redeclaration with other arguments, so this
/// passes only if the two agree exactly.
#[test]
fn rabbitmq_imports_the_definitions_and_the_worker_declares_over_them() {
    let prefix = format!("fstest.defs.{}", std::process::id());
    let text = read("deploy/kubernetes/rabbitmq/definitions.json")
        .replace("fraudstat.", &format!("{prefix}."))
        .replace(
            "^fraudstat\\\\.",
            &format!("^{}\\\\.", prefix.replace('.', "\\\\.")),
        )
        .replace("\"fraudstat-", &format!("\"{prefix}-"));
    let defs: Value = serde_json::from_str(&text).unwrap();
    let policies: Vec<String> = defs["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert!(policies.iter().all(|p| p.starts_with(&prefix)));
    let file = std::env::temp_dir().join(format!("{prefix}.json"));
    std::fs::write(&file, &text).unwrap();

    struct Cleanup(String, Vec<String>);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = Command::new(env!("CARGO_BIN_EXE_fraudstat"))
                .args(["--config-dir", root().join("config").to_str().unwrap()])
                .args(["topology", "delete"])
                .env("FRAUDSTAT_QUEUES__PREFIX", &self.0)
                .stderr(std::process::Stdio::null())
                .status();
            for p in &self.1 {
                let _ = Command::new("rabbitmqctl")
                    .args(["-q", "clear_policy", p])
                    .status();
            }
        }
    }
    let _cleanup = Cleanup(prefix.clone(), policies.clone());

    let out = Command::new("rabbitmqctl")
        .args(["-q", "import_definitions", file.to_str().unwrap()])
        .output()
        .expect("rabbitmqctl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_file(&file);

    let declare = Command::new(env!("CARGO_BIN_EXE_fraudstat"))
        .args(["--config-dir", root().join("config").to_str().unwrap()])
        .args(["topology", "declare"])
        .env("FRAUDSTAT_QUEUES__PREFIX", &prefix)
        .env("FRAUDSTAT_LOG__FORMAT", "json")
        .output()
        .unwrap();
    assert!(
        declare.status.success(),
        "the worker's declaration disagrees with the imported definitions: {}",
        String::from_utf8_lossy(&declare.stderr)
    );

    // The policies apply to the queues they are meant for.
    let out = Command::new("rabbitmqctl")
        .args(["-q", "list_queues", "name", "policy", "--no-table-headers"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    let policy_of = |queue: &str| {
        listing
            .lines()
            .find_map(|l| {
                let (n, p) = l.split_once('\t')?;
                (n == queue).then(|| p.trim().to_string())
            })
            .unwrap_or_else(|| panic!("{queue} not in {listing}"))
    };
    assert_eq!(
        policy_of(&format!("{prefix}.urls")),
        format!("{prefix}-input")
    );
    assert_eq!(
        policy_of(&format!("{prefix}.retry.5s")),
        format!("{prefix}-retry")
    );
}

/// Every metric the alert rules and the guide use is one the worker
/// exports, and the guide covers every metric, setting and log field.
#[test]
fn the_guide_and_the_alerts_name_only_what_exists_and_all_of_it() {
    let events = read("src/events.rs");
    let metric_re = regex::Regex::new(r"fraudstat_[a-z_]+[a-z]").unwrap();
    let exported: BTreeSet<String> =
        regex::Regex::new(r#"(?:counter|gauge|histogram)!\(\s*"(fraudstat_[a-z_]+)""#)
            .unwrap()
            .captures_iter(&events)
            .map(|c| c[1].to_string())
            .collect();
    assert!(exported.len() >= 10, "{exported:?}");
    let base = |m: &str| {
        ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| m.strip_suffix(s).filter(|b| exported.contains(*b)))
            .unwrap_or(m)
            .to_string()
    };
    let guide = read("docs/operations.md");
    let rules = read("deploy/kubernetes/monitoring/prometheusrule.yaml");
    for (what, text) in [
        ("docs/operations.md", &guide),
        ("prometheusrule.yaml", &rules),
    ] {
        for m in metric_re.find_iter(text) {
            let name = base(m.as_str());
            // Queue and service names share the prefix; metrics do not end
            // in a dot or sit inside a name.
            if text[m.end()..].starts_with(['.', '-']) || text[..m.start()].ends_with(['.', '-']) {
                continue;
            }
            assert!(
                exported.contains(&name),
                "{what} names {name}, which the worker does not export"
            );
        }
    }
    for m in &exported {
        assert!(
            guide.contains(m.as_str()),
            "docs/operations.md does not explain {m}"
        );
    }
    // The alerts' queue names are the default prefix's.
    let names = default_names();
    for q in [&names.urls, &names.failed] {
        assert!(rules.contains(&format!("queue=\"{q}\"")), "{q}");
    }

    // Settings: every key of default.toml is in the guide, and every
    // variable the guide names is one.
    for key in setting_keys() {
        assert!(
            guide.contains(&format!("`{key}`")),
            "docs/operations.md lacks `{key}`"
        );
    }
    for var in fraudstat_vars(&guide) {
        assert_is_setting(&var, "docs/operations.md");
    }

    // Log fields: those the guide's table lists exist in the code, and
    // every field the code logs is in the table.
    let section = guide
        .split("<!-- log-fields -->")
        .nth(1)
        .expect("docs/operations.md: log fields table between <!-- log-fields --> markers");
    let documented: BTreeSet<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let sources: String = [
        "src/events.rs",
        "src/worker/mod.rs",
        "src/worker/process.rs",
        "src/worker/record.rs",
        "src/commands/worker.rs",
        "src/commands/extract.rs",
        "src/amqp/mod.rs",
        "src/status_server.rs",
        "src/main.rs",
    ]
    .iter()
    .map(|f| read(f))
    .collect();
    // tracing-subscriber's JSON lines wrap the fields: these are its own.
    let formatter = [
        // The OpenTelemetry ids of the span a line was logged in
        // (`telemetry::init`).
        "trace_id",
        "span_id",
        "timestamp",
        "level",
        "target",
        "fields",
        "span",
        "message",
        "name",
    ];
    let logged = logged_fields(&sources);
    for f in &documented {
        assert!(
            formatter.contains(&f.as_str()) || logged.contains(f),
            "docs/operations.md documents log field {f}, which the code never logs"
        );
    }
    for f in &logged {
        assert!(
            documented.contains(f),
            "docs/operations.md does not explain log field {f}"
        );
    }
}

/// Field names in `tracing` macros and the `message` span.
fn logged_fields(source: &str) -> BTreeSet<String> {
    let mut fields = BTreeSet::new();
    let open_re = regex::Regex::new(r"tracing::(?:info|warn|error|debug|info_span)!\(").unwrap();
    // `name = value` or the shorthand `name` (`tracing::warn!(connection, …)`).
    let field_re = regex::Regex::new(r"^([a-z_]+)\s*(?:=[^=>]|$)").unwrap();
    for open in open_re.find_iter(source) {
        // The macro's arguments: up to the parenthesis that closes it,
        // skipping string literals.
        let rest = &source[open.end()..];
        let (mut depth, mut in_str, mut escaped, mut end) = (1, false, false, rest.len());
        for (i, c) in rest.char_indices() {
            match (in_str, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_str = false,
                (true, false, _) => {}
                (false, _, '"') => in_str = true,
                (false, _, '(') => depth += 1,
                (false, _, ')') => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &rest[..end];
        for piece in body.split(',') {
            if let Some(c) = field_re.captures(piece.trim()) {
                fields.insert(c[1].to_string());
            }
        }
    }
    fields
}
