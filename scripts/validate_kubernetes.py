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

ROOT = pathlib.Path(__file__).resolve().parent.parent
KUSTOMIZATIONS = [
    "deploy/kubernetes",
    "deploy/kubernetes/base",
    "deploy/kubernetes/keda",
    "deploy/kubernetes/hpa",
    "deploy/kubernetes/rabbitmq",
    "deploy/kubernetes/monitoring",
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
    return 1 if failed else 0


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
    sys.exit(dump() if len(sys.argv) > 2 and sys.argv[1] in ("--render", "--yaml") else main())
