"""Validates every object the kustomizations in deploy/kubernetes render
(and, with --render or --yaml, prints them as JSON for tests/deploy.rs).

Run by scripts/validate-deploy, inside the validators' venv. Each
kustomization is rendered with `kubectl kustomize` (kustomize built into
kubectl) when kubectl is installed, else by the small renderer below, which
understands the subset these kustomizations use (resources,
configMapGenerator, namespace, labels). Every object must then pass:

- core kinds: Kubernetes' own JSON schemas (kubernetes-validate), strict
  (unknown fields are errors), for the oldest and newest versions the
  package knows, so the manifests hold across that whole range;
- KEDA and Prometheus Operator kinds: schemas made from the CRD models of
  the cloudcoil packages, with unknown fields made errors too;
- any other kind: an error, so nothing slips through unchecked.

The OpenTelemetry Collector configurations (deploy/otel-collector.yaml for
compose, deploy/kubernetes/tracing/otel-collector.yaml for the cluster)
have no published schema; they are checked for what a typo breaks: every
extension and pipeline component they name is configured, memory_limiter
comes first, and the receivers and health check do not listen on
localhost only (the collector's default since 0.110), which would leave
them unreachable from the workers and the probes.

Then the deployment must be safe by default (scripts/deploy_safety.py): no
secret value in deploy/, NetworkPolicies that isolate every pod and open
exactly the expected ports (never the management UI's), and a
least-privilege broker user for the workers. `--self-test` runs those
checks on mutated copies of deploy/ and fails unless each one is caught;
scripts/validate-deploy runs it after the checks.
"""

from __future__ import annotations

import copy
import pathlib
import shutil
import subprocess
import sys

import jsonschema
import yaml
from kubernetes_validate import utils as kv

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import deploy_safety  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
KUSTOMIZATIONS = [
    "deploy/kubernetes",
    "deploy/kubernetes/base",
    "deploy/kubernetes/keda",
    "deploy/kubernetes/hpa",
    "deploy/kubernetes/rabbitmq",
    "deploy/kubernetes/monitoring",
    "deploy/kubernetes/tracing",
]
# The oldest Kubernetes the manifests promise to work on, and the newest
# the validator knows.
VERSIONS = ["1.29.0", kv.latest_version()]


def crd_schemas() -> dict[tuple[str, str], dict]:
    from cloudcoil.models.keda import v1alpha1 as keda
    from cloudcoil.models.prometheus_operator import v1 as prom

    models = {
        ("keda.sh/v1alpha1", "ScaledObject"): keda.ScaledObject,
        ("keda.sh/v1alpha1", "TriggerAuthentication"): keda.TriggerAuthentication,
        ("monitoring.coreos.com/v1", "ServiceMonitor"): prom.ServiceMonitor,
        ("monitoring.coreos.com/v1", "PrometheusRule"): prom.PrometheusRule,
    }
    return {key: closed(m.model_json_schema(by_alias=True)) for key, m in models.items()}


def closed(schema):
    """The models accept unknown fields; a typo must not pass."""
    if isinstance(schema, dict):
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        # Go regexes put inline flags after the anchor; Python wants them first.
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and pattern.startswith("^(?i)"):
            schema["pattern"] = "(?i)^" + pattern[len("^(?i)") :]
        for value in schema.values():
            closed(value)
    elif isinstance(schema, list):
        for value in schema:
            closed(value)
    return schema


def render(directory: pathlib.Path) -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl:
        out = subprocess.run(
            [kubectl, "kustomize", str(directory)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [d for d in yaml.safe_load_all(out) if d]
    return render_minimal(directory)


def render_minimal(directory: pathlib.Path) -> list[dict]:
    k = yaml.safe_load((directory / "kustomization.yaml").read_text())
    objects: list[dict] = []
    for resource in k.get("resources", []):
        path = (directory / resource).resolve()
        if path.is_dir():
            objects.extend(render_minimal(path))
        else:
            objects.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    for gen in k.get("configMapGenerator", []):
        data = {name: (directory / name).read_text() for name in gen.get("files", [])}
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": gen["name"]},
                "data": data,
            }
        )
    for obj in objects:
        meta = obj.setdefault("metadata", {})
        if "namespace" in k and obj["kind"] != "Namespace":
            meta["namespace"] = k["namespace"]
        for entry in k.get("labels", []):
            meta.setdefault("labels", {}).update(entry.get("pairs", {}))
    return objects


COLLECTOR_CONFIGS = [
    "deploy/otel-collector.yaml",
    "deploy/kubernetes/tracing/otel-collector.yaml",
]


def collector_config_errors(config: dict) -> list[str]:
    errors = []
    service = config.get("service") or {}
    for name in service.get("extensions", []):
        if name not in (config.get("extensions") or {}):
            errors.append(f"service.extensions: {name} is not configured")
    pipelines = service.get("pipelines") or {}
    if not pipelines:
        errors.append("service.pipelines: none")
    for pipeline, spec in pipelines.items():
        for section in ("receivers", "processors", "exporters"):
            for name in spec.get(section, []):
                if name not in (config.get(section) or {}):
                    errors.append(f"{pipeline}.{section}: {name} is not configured")
        if spec.get("processors", [None])[0] != "memory_limiter":
            errors.append(f"{pipeline}.processors: memory_limiter must come first")
    endpoints = [("extensions.health_check", (config.get("extensions") or {}).get("health_check"))]
    for receiver, spec in (config.get("receivers") or {}).items():
        for protocol, p in ((spec or {}).get("protocols") or {}).items():
            endpoints.append((f"receivers.{receiver}.{protocol}", p))
    for where, spec in endpoints:
        endpoint = str((spec or {}).get("endpoint", "localhost"))
        if endpoint.startswith(("localhost", "127.")):
            errors.append(f"{where}: listens on {endpoint}, unreachable from other pods")
    return errors


def main() -> int:
    if not shutil.which("kubectl"):
        print(
            "note: kubectl not found; kustomizations rendered by the minimal "
            "renderer in scripts/validate_kubernetes.py (no name hashing of "
            "generated ConfigMaps, no name references)"
        )
    crds = crd_schemas()
    passed = failed = 0
    for rel in KUSTOMIZATIONS:
        try:
            objects = render(ROOT / rel)
        except subprocess.CalledProcessError as e:
            print(f"FAIL {rel}: kustomize: {e.stderr.strip()}")
            failed += 1
            continue
        if not objects:
            print(f"FAIL {rel}: renders nothing")
            failed += 1
            continue
        for obj in objects:
            what = f"{rel}: {obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
            key = (obj.get("apiVersion"), obj.get("kind"))
            errors = []
            if key in crds:
                try:
                    jsonschema.validate(copy.deepcopy(obj), crds[key])
                except jsonschema.ValidationError as e:
                    path = ".".join(str(p) for p in e.absolute_path)
                    errors.append(f"{path}: {e.message}")
                checked = "CRD schema"
            else:
                for version in VERSIONS:
                    try:
                        kv.validate(copy.deepcopy(obj), version, strict=True)
                    except kv.ValidationError as e:
                        path = ".".join(str(p) for p in e.path)
                        errors.append(f"Kubernetes {version}: {path}: {e.message}")
                    except kv.SchemaNotFoundError as e:
                        errors.append(f"no schema to check it against: {e.message}")
                        break
                checked = "Kubernetes " + " and ".join(VERSIONS)
            if errors:
                failed += 1
                for err in errors:
                    print(f"FAIL {what}: {err}")
            else:
                passed += 1
                print(f"ok {what} ({checked})")
    print(f"deploy/kubernetes: {passed} objects valid, {failed} invalid")
    bad_configs = 0
    for rel in COLLECTOR_CONFIGS:
        errors = collector_config_errors(yaml.safe_load((ROOT / rel).read_text()))
        for err in errors:
            print(f"FAIL {rel}: {err}")
        if errors:
            bad_configs += 1
        else:
            print(f"ok {rel} (OpenTelemetry Collector configuration)")
    unsafe = deploy_safety.check(deploy_safety.Snapshot(ROOT, render))
    for err in unsafe:
        print(f"FAIL safe by default: {err}")
    if not unsafe:
        print(
            "ok safe by default: no secret values in deploy/, every pod isolated by "
            "NetworkPolicies with the expected rules, a least-privilege broker user for the workers"
        )
    return 1 if failed or bad_configs or unsafe else 0


def dump() -> int:
    """For tests/deploy.rs, which has no YAML parser of its own: prints as
    JSON what a kustomization renders (`--render DIR`) or what YAML files
    hold (`--yaml FILE...`, one list of documents per file)."""
    import json

    if sys.argv[1] == "--render":
        json.dump(render(ROOT / sys.argv[2]), sys.stdout)
    else:
        docs = [
            [d for d in yaml.safe_load_all(pathlib.Path(f).read_text()) if d is not None]
            for f in sys.argv[2:]
        ]
        json.dump(docs, sys.stdout)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(deploy_safety.self_test(render, ROOT))
    sys.exit(dump() if len(sys.argv) > 2 and sys.argv[1] in ("--render", "--yaml") else main())
