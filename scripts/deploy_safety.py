"""Checks that deploy/ is safe by default, run by scripts/validate_kubernetes.py
(and so by scripts/validate-deploy):

- secrets: no secret value in any file under deploy/ (no CHANGE-ME
  placeholder, no password in a URL, no password or password_hash in the
  broker's users file), no Secret among the rendered objects; every
  environment variable named like a password, cookie, secret or token, in
  every container the kustomizations render, comes from a secretKeyRef to
  the Secret that deploy/kubernetes/make-secrets.sh creates, with a key it
  creates; in deploy/compose.yaml such variables, and the passwords of URLs,
  are required variables (`${NAME:?message}`), and published ports listen
  on loopback only;
- network policies: in every kustomization each pod is isolated (selected
  by a policy for both ingress and egress); the whole deployment has a
  default deny; who reaches whom on which port is exactly the table
  EXPECTED_INGRESS / EXPECTED_EGRESS below: the management port 15672 is
  open to no one, the workers' and the collector's internet egress leaves
  out the private, shared, link-local (metadata) and loopback ranges;
- the broker's users: the workers' user (the one in the URLs that
  make-secrets.sh and the compose file build) has no tag (not an
  administrator) and permissions that reach the prefix's queues and
  exchange and `amq.default` (for writing), nothing else; users.sh fills the
  template; the broker imports the result at boot, in Kubernetes and in
  compose.

`python scripts/validate_kubernetes.py --self-test` runs these checks on
mutated copies of deploy/ (a literal password, the management port opened,
a private range let through...) and fails unless each mutation is caught.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import yaml

SECRET = "fraudstat-rabbitmq"
# Environment variable names that hold secrets.
SECRET_NAME = re.compile(r"PASS(WORD)?($|_)|COOKIE|SECRET|TOKEN|API_?KEY|CREDENTIAL", re.I)
PLACEHOLDER = re.compile(r"\bCHANGE[-_ ]?ME\b", re.I)
# scheme://user:password@ (the password part, whatever it is).
URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:([^@\s'\"]*)@", re.I)
# What may stand in a URL's password place: a reference, a format, a gap.
PASSWORD_STANDS_IN = re.compile(r"^(\$\{[A-Z0-9_]+:?\?[^}]*\}|\$\([A-Z0-9_]+\)|%s|<[^>]*>|…|\.\.\.)$")
COMPOSE_REQUIRED = re.compile(r"^\$\{[A-Za-z0-9_]+:?\?[^}]*\}$")
USERS_PLACEHOLDER = re.compile(r"^\$[A-Z][A-Z0-9_]*$")


def references_folded(text: str) -> str:
    """`${NAME:?any message}` as `${NAME:?}` (and `${NAME:-x y}` as
    `${NAME:-}`), so that a message with spaces or slashes does not hide
    the URL around it."""
    return re.sub(r"\$\{([A-Za-z0-9_]+)(:?[?+=-]?)[^}]*\}", r"${\1\2}", text)


# Never reachable from the workers' and the collector's internet egress.
PRIVATE_RANGES = [
    ipaddress.ip_network(n)
    for n in [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
    ]
]

WORKER = "fraudstat-worker"
BROKER = "rabbitmq"
COLLECTOR = "otel-collector"
MANAGEMENT_PORT = 15672
# Who may reach a workload, on which port: (peer, port). A peer is a
# workload of the render, or `ns:<name>` for the pods of another namespace.
EXPECTED_INGRESS = {
    BROKER: {
        (WORKER, 5672),
        (BROKER, 5672),
        (BROKER, 4369),
        (BROKER, 25672),
        ("ns:keda", 5672),
        ("ns:monitoring", 15692),
    },
    WORKER: {("ns:monitoring", 9464)},
    COLLECTOR: {(WORKER, 4317), (WORKER, 4318)},
}
# What a workload may reach, besides addresses by ipBlock (checked apart:
# INTERNET_PORTS, and the private ranges left out where PRIVATE_EXCLUDED).
EXPECTED_EGRESS = {
    WORKER: {("ns:kube-system", 53), (BROKER, 5672), (COLLECTOR, 4317), (COLLECTOR, 4318)},
    BROKER: {("ns:kube-system", 53), (BROKER, 5672), (BROKER, 4369), (BROKER, 25672)},
    COLLECTOR: {("ns:kube-system", 53), ("ns:observability", 4317)},
}
# Ports reachable by ipBlock; None: any port (the workers fetch sites on
# any port, hence the private ranges left out).
INTERNET_PORTS = {WORKER: None, BROKER: {443, 6443}, COLLECTOR: {443}}
# The broker reaches the API server, at a private address.
PRIVATE_EXCLUDED = {WORKER, COLLECTOR}
# Required as well as allowed: what the workloads need to work at all.
NEEDED_INGRESS = {
    BROKER: {(WORKER, 5672), (BROKER, 4369), (BROKER, 25672), ("ns:monitoring", 15692)},
    WORKER: {("ns:monitoring", 9464)},
    COLLECTOR: {(WORKER, 4318)},
}
NEEDED_EGRESS = {
    WORKER: {("ns:kube-system", 53), (BROKER, 5672), (COLLECTOR, 4318)},
    BROKER: {("ns:kube-system", 53), (BROKER, 4369), (BROKER, 25672)},
    COLLECTOR: {("ns:kube-system", 53)},
}

# Names the workers' user must not reach.
OUTSIDE_NAMES = [
    "amq.topic",
    "amq.direct",
    "amq.fanout",
    "amq.headers",
    "amq.rabbitmq.trace",
    "other.urls",
    "fraudstat",
    "fraudstatx.urls",
    "x.fraudstat.urls",
]


# The kustomizations rendered for these checks: the whole deployment, and
# each part that can be applied alone and has pods of its own (keda/ is
# base/ and a scaler; monitoring/ has no pods and is in the whole).
KUSTOMIZATIONS = [
    "deploy/kubernetes",
    "deploy/kubernetes/base",
    "deploy/kubernetes/hpa",
    "deploy/kubernetes/rabbitmq",
    "deploy/kubernetes/tracing",
]


class Snapshot:
    """What the checks read: the rendered kustomizations and the files of a
    checkout (the real one, or a mutated copy)."""

    def __init__(
        self, root: pathlib.Path, render: Callable[[pathlib.Path], list[dict]], kustomizations=KUSTOMIZATIONS
    ):
        self.root = root
        self._secrets = None
        with ThreadPoolExecutor(4) as pool:
            rendered = list(pool.map(lambda rel: render(root / rel), kustomizations))
        self.renders = dict(zip(kustomizations, rendered))
        self.top = self.renders["deploy/kubernetes"]
        self.compose = yaml.safe_load((root / "deploy/compose.yaml").read_text())

    def text(self, rel: str) -> str:
        return (self.root / rel).read_text()

    def deploy_files(self) -> list[str]:
        out = []
        for path in sorted((self.root / "deploy").rglob("*")):
            if path.is_file() and path.name != ".env":
                out.append(str(path.relative_to(self.root)))
        return out


def pod_templates(objects: list[dict]) -> list[tuple[str, dict]]:
    out = []
    for o in objects:
        if o.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"):
            out.append((o["metadata"]["name"], o["spec"]["template"]))
        elif o.get("kind") == "CronJob":
            out.append((o["metadata"]["name"], o["spec"]["jobTemplate"]["spec"]["template"]))
    return out


def containers(template: dict) -> list[dict]:
    spec = template.get("spec", {})
    return spec.get("initContainers", []) + spec.get("containers", [])


# --------------------------------------------------------------- secrets


def make_secrets_keys(snap: Snapshot) -> tuple[set[str], str | None, list[str]]:
    """The keys make-secrets.sh creates and the workers' URL it builds (from
    `--print` when kubectl is there, else read off the script)."""
    if snap._secrets is None:
        snap._secrets = _make_secrets_keys(snap)
    return snap._secrets


def _make_secrets_keys(snap: Snapshot) -> tuple[set[str], str | None, list[str]]:
    errors = []
    script = snap.root / "deploy/kubernetes/make-secrets.sh"
    if not script.is_file():
        return set(), None, ["deploy/kubernetes/make-secrets.sh: missing"]
    text = script.read_text()
    keys = set(re.findall(r"--from-file=([a-z0-9-]+)=", text))
    url = None
    if shutil.which("kubectl"):
        out = subprocess.run(["sh", str(script), "--print"], capture_output=True, text=True)
        if out.returncode != 0:
            return keys, None, [f"make-secrets.sh --print: {out.stderr.strip()}"]
        secret = yaml.safe_load(out.stdout)
        data = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
        keys = set(data)
        if secret["metadata"]["name"] != SECRET:
            errors.append(f"make-secrets.sh: makes {secret['metadata']['name']}, not {SECRET}")
        for k, v in data.items():
            if len(v) < 32 and k != "worker-url":
                errors.append(f"make-secrets.sh: {k} is {len(v)} characters, fewer than 32")
        url = data.get("worker-url")
        if url and data.get("worker-password") and f":{data['worker-password']}@" not in url:
            errors.append("make-secrets.sh: worker-url does not carry worker-password")
        if len(set(data.values())) != len(data):
            errors.append("make-secrets.sh: two keys have the same value")
    else:
        m = re.search(r"'(amqp://[^']*)'", text)
        url = m.group(1) if m else None
    return keys, url, errors


def secret_errors(snap: Snapshot) -> list[str]:
    errors = []
    for rel in snap.deploy_files():
        try:
            text = snap.text(rel)
        except UnicodeDecodeError:
            continue
        if rel.endswith("kustomization.yaml") and "secretGenerator" in (yaml.safe_load(text) or {}):
            errors.append(f"{rel}: a secretGenerator: secret values do not belong in the repository")
        for n, line in enumerate(references_folded(text).splitlines(), 1):
            if PLACEHOLDER.search(line):
                errors.append(f"{rel}:{n}: a placeholder secret ({PLACEHOLDER.search(line).group(0)})")
            for m in URL_PASSWORD.finditer(line):
                if not PASSWORD_STANDS_IN.match(m.group(1)):
                    errors.append(f"{rel}:{n}: a password in a URL ({m.group(0)}…)")
        if rel.endswith(".json"):
            errors.extend(f"{rel}: {e}" for e in json_password_errors(json.loads(text)))

    keys, _, errs = make_secrets_keys(snap)
    errors.extend(errs)
    for rel, objects in snap.renders.items():
        for o in objects:
            if o.get("kind") == "Secret":
                errors.append(
                    f"{rel}: renders Secret/{o['metadata']['name']}: secret values do not belong "
                    f"in the manifests (deploy/kubernetes/make-secrets.sh creates {SECRET})"
                )
            if o.get("kind") == "TriggerAuthentication":
                for ref in o["spec"].get("secretTargetRef", []):
                    if ref.get("name") != SECRET or ref.get("key") not in keys:
                        errors.append(
                            f"{rel}: TriggerAuthentication/{o['metadata']['name']}: reads "
                            f"{ref.get('name')}/{ref.get('key')}, not a key make-secrets.sh creates in {SECRET}"
                        )
        for name, template in pod_templates(objects):
            for c in containers(template):
                for var in c.get("env", []):
                    where = f"{rel}: {name}/{c['name']}: {var['name']}"
                    ref = (var.get("valueFrom") or {}).get("secretKeyRef")
                    if ref is not None:
                        if ref.get("name") != SECRET or ref.get("key") not in keys:
                            errors.append(
                                f"{where}: reads {ref.get('name')}/{ref.get('key')}, "
                                f"not a key make-secrets.sh creates in {SECRET} ({sorted(keys)})"
                            )
                    elif SECRET_NAME.search(var["name"]):
                        errors.append(f"{where}: a secret not read from a Secret (secretKeyRef)")
                    if "value" in var and URL_PASSWORD.search(str(var["value"])):
                        errors.append(f"{where}: a password in a URL; read it from {SECRET}")
                for src in c.get("envFrom", []):
                    if "secretRef" in src and src["secretRef"].get("name") != SECRET:
                        errors.append(f"{rel}: {name}/{c['name']}: envFrom {src['secretRef'].get('name')}")

    for service, spec in (snap.compose.get("services") or {}).items():
        env = spec.get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
        for name, value in env.items():
            value = references_folded("" if value is None else str(value))
            where = f"deploy/compose.yaml: {service}: {name}"
            if SECRET_NAME.search(name) and not COMPOSE_REQUIRED.match(value):
                errors.append(
                    f"{where}: a secret must be a required variable (${{{name}:?…}}), not {value!r}"
                )
            m = URL_PASSWORD.search(value)
            if m and not COMPOSE_REQUIRED.match(m.group(1)):
                errors.append(f"{where}: the URL's password must be a required variable (${{NAME:?…}})")
        for port in spec.get("ports") or []:
            text = port if isinstance(port, str) else f"{port.get('host_ip', '')}:{port.get('published', '')}"
            if not str(text).startswith("127.0.0.1:"):
                errors.append(
                    f"deploy/compose.yaml: {service}: publishes {text} beyond this machine's loopback"
                )
    return errors


def json_password_errors(doc) -> list[str]:
    errors = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in ("password_hash", "passwordHash"):
                errors.append(f"{k}: a hash of a password in the repository (a known password)")
            elif k == "password" and not (isinstance(v, str) and USERS_PLACEHOLDER.match(v)):
                errors.append(f"password: {v!r} is not a placeholder ($NAME) that users.sh fills")
            else:
                errors.extend(json_password_errors(v))
    elif isinstance(doc, list):
        for v in doc:
            errors.extend(json_password_errors(v))
    return errors


# ------------------------------------------------------ network policies


def matches(selector: dict, labels: dict) -> bool:
    if selector.get("matchExpressions"):
        raise ValueError("matchExpressions: only matchLabels are understood here")
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def workloads(objects: list[dict]) -> dict[str, dict]:
    return {name: t.get("metadata", {}).get("labels", {}) for name, t in pod_templates(objects)}


def container_ports(objects: list[dict]) -> dict[str, dict[str, int]]:
    out = {}
    for name, template in pod_templates(objects):
        ports = {}
        for c in containers(template):
            for p in c.get("ports", []):
                if "name" in p:
                    ports[p["name"]] = p["containerPort"]
        out[name] = ports
    return out


def peer_names(peer: dict, pods: dict[str, dict]) -> list[str]:
    """A `from`/`to` entry as the workloads (or `ns:<name>`) it stands for."""
    if "ipBlock" in peer:
        return [f"ip:{peer['ipBlock']['cidr']}"]
    if "namespaceSelector" in peer:
        labels = peer["namespaceSelector"].get("matchLabels") or {}
        name = labels.get("kubernetes.io/metadata.name")
        if not name or peer["namespaceSelector"].get("matchExpressions"):
            return ["ns:*"]
        return [f"ns:{name}"]
    selector = peer.get("podSelector") or {}
    if not (selector.get("matchLabels") or selector.get("matchExpressions")):
        return ["pods:*"]
    named = [w for w, labels in pods.items() if matches(selector, labels)]
    return named or [f"pods:{selector.get('matchLabels')}"]


def port_numbers(rule: dict, named: dict[str, int]) -> list[int] | None:
    """The ports of a rule; None for every port."""
    if not rule.get("ports"):
        return None
    out = []
    for p in rule["ports"]:
        if "port" not in p:
            return None
        port = p["port"]
        if isinstance(port, str):
            port = named.get(port, -1)
        out.extend(range(port, p.get("endPort", port) + 1))
    return out


def excluded(block: dict) -> list[str]:
    """The private ranges an ipBlock lets through."""
    cidr = ipaddress.ip_network(block["cidr"], strict=False)
    excepts = [ipaddress.ip_network(e, strict=False) for e in block.get("except", [])]
    leaks = []
    for r in PRIVATE_RANGES:
        if r.version != cidr.version or not r.overlaps(cidr):
            continue
        if not any(e.version == r.version and r.subnet_of(e) for e in excepts):
            leaks.append(str(r))
    return leaks


def network_errors(snap: Snapshot) -> list[str]:
    errors = []
    for rel, objects in snap.renders.items():
        policies = [o for o in objects if o.get("kind") == "NetworkPolicy"]
        for name, labels in workloads(objects).items():
            types = set()
            for p in policies:
                if matches(p["spec"].get("podSelector") or {}, labels):
                    types |= set(p["spec"].get("policyTypes", ["Ingress"]))
            for t in ("Ingress", "Egress"):
                if t not in types:
                    errors.append(
                        f"{rel}: {name} is not isolated for {t.lower()}: no NetworkPolicy selects it for {t}"
                    )

    objects = snap.top
    policies = [o for o in objects if o.get("kind") == "NetworkPolicy"]
    if not any(
        p["spec"].get("podSelector") in ({}, None)
        and {"Ingress", "Egress"} <= set(p["spec"].get("policyTypes", []))
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
        for p in policies
    ):
        errors.append("deploy/kubernetes: no default deny (podSelector {}, Ingress and Egress, no rules)")

    pods = workloads(objects)
    ports = container_ports(objects)
    has_keda = any(o.get("kind") == "ScaledObject" for o in objects)
    for name, labels in pods.items():
        where = f"deploy/kubernetes: {name}"
        if name not in EXPECTED_INGRESS:
            continue  # isolated above; nothing is expected to reach it
        ingress, egress, internet = set(), set(), []
        for p in policies:
            if not matches(p["spec"].get("podSelector") or {}, labels):
                continue
            pname = f"NetworkPolicy/{p['metadata']['name']}"
            for rule in p["spec"].get("ingress") or []:
                nums = port_numbers(rule, ports[name])
                if not rule.get("from"):
                    errors.append(f"{where}: {pname}: an ingress rule from anywhere")
                    continue
                if nums is None:
                    errors.append(f"{where}: {pname}: an ingress rule on every port (from {rule['from']})")
                    continue
                for peer in rule["from"]:
                    for peer_name in peer_names(peer, pods):
                        ingress |= {(peer_name, n) for n in nums}
            for rule in p["spec"].get("egress") or []:
                if not rule.get("to"):
                    errors.append(f"{where}: {pname}: an egress rule to anywhere")
                    continue
                for peer in rule["to"]:
                    if "ipBlock" in peer:
                        internet.append((pname, peer["ipBlock"], rule))
                        continue
                    for peer_name in peer_names(peer, pods):
                        # Named ports of a destination are its own.
                        nums = port_numbers(rule, ports.get(peer_name, {}))
                        if nums is None:
                            errors.append(f"{where}: {pname}: egress on every port to {peer_name}")
                        else:
                            egress |= {(peer_name, n) for n in nums}

        allowed_in = EXPECTED_INGRESS[name]
        if not has_keda:
            allowed_in = {a for a in allowed_in if a[0] != "ns:keda"}
        for peer, port in sorted(ingress - allowed_in, key=str):
            what = " (the management UI: closed, use kubectl port-forward)" if port == MANAGEMENT_PORT else ""
            errors.append(f"{where}: ingress from {peer} on {port}{what} is not in the expected table")
        for peer, port in sorted(NEEDED_INGRESS[name] - ingress, key=str):
            errors.append(f"{where}: ingress from {peer} on {port} is needed and not allowed")
        for peer, port in sorted(egress - EXPECTED_EGRESS[name], key=str):
            errors.append(f"{where}: egress to {peer} on {port} is not in the expected table")
        for peer, port in sorted(NEEDED_EGRESS[name] - egress, key=str):
            errors.append(f"{where}: egress to {peer} on {port} is needed and not allowed")
        for pname, block, rule in internet:
            nums = port_numbers(rule, {})
            want = INTERNET_PORTS[name]
            if want is not None and (nums is None or not set(nums) <= want):
                errors.append(
                    f"{where}: {pname}: egress to {block['cidr']} on {nums or 'every port'}, only {sorted(want)} expected"
                )
            if name in PRIVATE_EXCLUDED:
                for leak in excluded(block):
                    errors.append(
                        f"{where}: {pname}: egress to {block['cidr']} reaches {leak} (add it to except)"
                    )
        if name == WORKER and not any(
            ipaddress.ip_network(b["cidr"]) == ipaddress.ip_network("0.0.0.0/0") for _, b, _ in internet
        ):
            errors.append(f"{where}: no egress to the internet (ipBlock 0.0.0.0/0): it cannot fetch pages")
    return errors


# ----------------------------------------------------- the broker's users


def regex_reaches(pattern: str, name: str) -> bool:
    # RabbitMQ matches permissions with re:run, unanchored, like re.search.
    return re.search(pattern, name) is not None


def users_errors(snap: Snapshot) -> list[str]:
    errors = []
    users_rel = "deploy/kubernetes/rabbitmq/users.json"
    users = json.loads(snap.text(users_rel))
    defs = json.loads(snap.text("deploy/kubernetes/rabbitmq/definitions.json"))
    names = [q["name"] for q in defs.get("queues", [])] + [e["name"] for e in defs.get("exchanges", [])]
    prefixes = {n.split(".", 1)[0] for n in names}
    if len(prefixes) != 1:
        return [f"definitions.json: names of several prefixes {sorted(prefixes)}"]

    # The workers' user: the one in the URLs the workers get.
    _, k8s_url, _ = make_secrets_keys(snap)
    urls = {"make-secrets.sh": k8s_url}
    for service in ("worker", "enqueue"):
        env = (snap.compose.get("services", {}).get(service) or {}).get("environment") or {}
        urls[f"compose.yaml {service}"] = env.get("FRAUDSTAT_AMQP__URL") or (
            snap.compose.get("x-fraudstat", {}).get("environment", {}).get("FRAUDSTAT_AMQP__URL")
        )
    worker_users = set()
    for whence, url in urls.items():
        m = re.match(r"amqps?://([^:@/]+):", url or "")
        if not m:
            errors.append(f"{whence}: no amqp://user:password@ URL for the workers")
            continue
        worker_users.add(m.group(1))
    if len(worker_users) > 1:
        errors.append(f"the workers' URLs name different users: {sorted(worker_users)}")

    by_name = {u["name"]: u for u in users.get("users", [])}
    for user in worker_users:
        where = f"{users_rel}: {user} (the workers' user)"
        if user not in by_name:
            errors.append(f"{where}: not defined")
            continue
        tags = by_name[user].get("tags", [])
        tags = [t for t in (tags.split(",") if isinstance(tags, str) else tags) if t.strip()]
        if tags:
            errors.append(f"{where}: tags {tags}; the workers' user needs none (not administrator)")
        perms = [p for p in users.get("permissions", []) if p["user"] == user]
        if [p["vhost"] for p in perms] != ["/"]:
            errors.append(f"{where}: permissions on {[p['vhost'] for p in perms]}, expected on / only")
        if users.get("topic_permissions"):
            errors.append(f"{users_rel}: topic_permissions are not expected")
        for p in perms:
            for kind in ("configure", "write", "read"):
                pattern = p.get(kind, "")
                needed = names + (["amq.default"] if kind == "write" else [])
                outside = OUTSIDE_NAMES + ([] if kind == "write" else ["amq.default"])
                for n in needed:
                    if not regex_reaches(pattern, n):
                        errors.append(
                            f"{where}: {kind} {pattern!r} does not reach {n}, which the worker needs"
                        )
                for n in outside:
                    if regex_reaches(pattern, n):
                        errors.append(f"{where}: {kind} {pattern!r} reaches {n}, outside the prefix")

    # users.sh fills the template, and refuses a password it cannot put in.
    script = snap.root / "deploy/kubernetes/rabbitmq/users.sh"
    with tempfile.TemporaryDirectory() as tmp:
        good = {"RABBITMQ_ADMIN_PASSWORD": "a" * 32, "RABBITMQ_WORKER_PASSWORD": "b" * 32}
        out = pathlib.Path(tmp, "users.json")
        run = subprocess.run(
            ["sh", str(script), str(snap.root / users_rel), str(out)],
            env={**os.environ, **good},
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            errors.append(f"users.sh: {run.stderr.strip()}")
        else:
            filled = json.loads(out.read_text())
            passwords = {u["name"]: u.get("password") for u in filled["users"]}
            if set(passwords.values()) - set(good.values()):
                errors.append(f"users.sh: left passwords unfilled: {passwords}")
        bad = {**good, "RABBITMQ_WORKER_PASSWORD": 'x"' * 10}
        run = subprocess.run(
            ["sh", str(script), str(snap.root / users_rel), str(out)],
            env={**os.environ, **bad},
            capture_output=True,
        )
        if run.returncode == 0:
            errors.append("users.sh: accepted a password with a quote")

    # The broker imports what users.sh writes, at boot.
    path = None
    for conf in ("deploy/kubernetes/rabbitmq/rabbitmq.conf", "deploy/rabbitmq/20-fraudstat.conf"):
        m = re.search(r"^load_definitions\s*=\s*(\S+)", snap.text(conf), re.M)
        if not m:
            errors.append(f"{conf}: no load_definitions: the users are not created")
            continue
        path = m.group(1)
        directory = path.rsplit("/", 1)[0]
        if conf.startswith("deploy/kubernetes"):
            sts = next((t for n, t in pod_templates(snap.top) if n == BROKER), None)
            if sts is None:
                errors.append("deploy/kubernetes: no StatefulSet rabbitmq")
                continue
            init = sts["spec"].get("initContainers", [])
            if not any(
                path in c.get("command", []) + c.get("args", [])
                and "users.sh" in " ".join(c.get("command", []))
                for c in init
            ):
                errors.append(f"statefulset.yaml: no init container runs users.sh to write {path}")
            main = sts["spec"]["containers"][0]
            if not any(m["mountPath"] == directory for m in main.get("volumeMounts", [])):
                errors.append(f"statefulset.yaml: the broker does not mount {directory}")
            for c in sts["spec"]["containers"]:
                for var in c.get("env", []):
                    if var["name"] in ("RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS"):
                        errors.append(f"statefulset.yaml: {var['name']}: the users come from users.json")
        else:
            broker = snap.compose["services"]["rabbitmq"]
            command = " ".join(broker.get("command") or [])
            if "users.sh" not in command or path not in command:
                errors.append(f"deploy/compose.yaml: rabbitmq does not run users.sh to write {path}")
            if directory not in (broker.get("tmpfs") or []):
                errors.append(f"deploy/compose.yaml: rabbitmq has no tmpfs at {directory}")
    return errors


def check(snap: Snapshot) -> list[str]:
    return secret_errors(snap) + network_errors(snap) + users_errors(snap)


# -------------------------------------------------------------- self-test

# (file, text in it, replacement, part of the error that must follow)
MUTATIONS = [
    (
        "deploy/kubernetes/base/deployment.yaml",
        "              valueFrom:\n                secretKeyRef:\n                  name: fraudstat-rabbitmq\n                  key: worker-url\n",
        "              value: amqp://fraudstat:hunter2hunter2@rabbitmq:5672/%2f\n",
        "a password in a URL",
    ),
    (
        "deploy/kubernetes/rabbitmq/statefulset.yaml",
        "              valueFrom:\n                secretKeyRef:\n                  name: fraudstat-rabbitmq\n                  key: erlang-cookie\n",
        "              value: a-known-cookie-is-code-execution\n",
        "RABBITMQ_ERLANG_COOKIE: a secret not read from a Secret",
    ),
    (
        "deploy/kubernetes/keda/triggerauthentication.yaml",
        "key: worker-url",
        "key: url",
        "TriggerAuthentication/fraudstat-rabbitmq: reads fraudstat-rabbitmq/url",
    ),
    (
        "deploy/kubernetes/base/deployment.yaml",
        "                  key: worker-url\n",
        "                  key: admin-url\n",
        "reads fraudstat-rabbitmq/admin-url",
    ),
    (
        "deploy/kubernetes/rabbitmq/services.yaml",
        "---\n",
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: rabbitmq\nstringData:\n  erlang-cookie: abc\n---\n",
        "renders Secret/rabbitmq",
    ),
    (
        "deploy/kubernetes/rabbitmq/kustomization.yaml",
        "configMapGenerator:",
        "secretGenerator:\n  - name: fraudstat-rabbitmq\n    literals:\n      - admin-password=abc\nconfigMapGenerator:",
        "a secretGenerator",
    ),
    (
        "deploy/kubernetes/rabbitmq/rabbitmq.conf",
        "# Quorum queue",
        "# CHANGE-ME\n# Quorum queue",
        "placeholder secret",
    ),
    (
        "deploy/compose.yaml",
        "amqp://fraudstat:${RABBITMQ_WORKER_PASSWORD:?run deploy/make-env.sh and pass --env-file deploy/.env}@",
        "amqp://fraudstat:fraudstat@",
        "a password in a URL",
    ),
    (
        "deploy/compose.yaml",
        "RABBITMQ_ADMIN_PASSWORD: ${RABBITMQ_ADMIN_PASSWORD:?run deploy/make-env.sh and pass --env-file deploy/.env}",
        "RABBITMQ_ADMIN_PASSWORD: ${RABBITMQ_ADMIN_PASSWORD:-admin}",
        "a secret must be a required variable",
    ),
    ("deploy/compose.yaml", '"127.0.0.1:15672:15672"', '"15672:15672"', "publishes 15672:15672 beyond"),
    (
        "deploy/kubernetes/rabbitmq/users.json",
        '"password": "$RABBITMQ_WORKER_PASSWORD"',
        '"password": "fraudstat"',
        "is not a placeholder",
    ),
    (
        "deploy/kubernetes/rabbitmq/users.json",
        '"password": "$RABBITMQ_WORKER_PASSWORD"',
        '"password_hash": "kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR"',
        "a hash of a password",
    ),
    (
        "deploy/kubernetes/rabbitmq/users.json",
        '"password": "$RABBITMQ_WORKER_PASSWORD", "tags": []',
        '"password": "$RABBITMQ_WORKER_PASSWORD", "tags": ["administrator"]',
        "tags ['administrator']",
    ),
    (
        "deploy/kubernetes/rabbitmq/users.json",
        '"write": "^(fraudstat\\\\..*|amq\\\\.default)$"',
        '"write": ".*"',
        "reaches amq.topic, outside the prefix",
    ),
    (
        "deploy/kubernetes/rabbitmq/users.json",
        '"write": "^(fraudstat\\\\..*|amq\\\\.default)$"',
        '"write": "^fraudstat\\\\."',
        "does not reach amq.default",
    ),
    (
        "deploy/kubernetes/rabbitmq/users.json",
        '"configure": "^fraudstat\\\\."',
        '"configure": "fraudstat"',
        "reaches x.fraudstat.urls",
    ),
    (
        "deploy/rabbitmq/20-fraudstat.conf",
        "load_definitions = ",
        "# load_definitions = ",
        "no load_definitions",
    ),
    (
        "deploy/kubernetes/rabbitmq/networkpolicy.yaml",
        "        - port: 15692\n",
        "        - port: 15692\n          protocol: TCP\n        - port: 15672\n",
        "ingress from ns:monitoring on 15672 (the management UI",
    ),
    (
        "deploy/kubernetes/rabbitmq/networkpolicy.yaml",
        "              kubernetes.io/metadata.name: monitoring\n",
        "              kubernetes.io/metadata.name: monitoring\n        - namespaceSelector: {}\n",
        "ingress from ns:* on 15692",
    ),
    (
        "deploy/kubernetes/rabbitmq/networkpolicy.yaml",
        "      ports:\n        - port: 5672\n          protocol: TCP\n    - from:\n",
        "    - from:\n",
        "an ingress rule on every port",
    ),
    (
        "deploy/kubernetes/base/networkpolicy.yaml",
        "              - 169.254.0.0/16    # link-local: cloud metadata endpoints\n",
        "",
        "reaches 169.254.0.0/16",
    ),
    (
        "deploy/kubernetes/base/networkpolicy.yaml",
        "              - fc00::/7          # unique local (private; fd00:ec2::254 is AWS' metadata)\n",
        "",
        "reaches fc00::/7",
    ),
    (
        "deploy/kubernetes/base/networkpolicy.yaml",
        "    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: monitoring\n",
        "    - from:\n        - namespaceSelector: {}\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: monitoring\n",
        "fraudstat-worker: ingress from ns:* on 9464",
    ),
    (
        "deploy/kubernetes/base/kustomization.yaml",
        "  - networkpolicy.yaml\n",
        "",
        "fraudstat-worker is not isolated",
    ),
    ("deploy/kubernetes/kustomization.yaml", "  - networkpolicy.yaml\n", "", "no default deny"),
    (
        "deploy/kubernetes/tracing/networkpolicy.yaml",
        "      ports:\n        - port: 443\n",
        "      ports:\n        - port: 443\n          protocol: TCP\n        - port: 80\n",
        "on [443, 80], only [443] expected",
    ),
]


def self_test(render: Callable[[pathlib.Path], list[dict]], root: pathlib.Path) -> int:
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp)
        for part in ("deploy", "config"):
            shutil.copytree(root / part, copy / part, ignore=shutil.ignore_patterns(".env"))
        errors = check(Snapshot(copy, render))
        if errors:
            print("FAIL self-test: the unchanged copy fails:")
            for e in errors:
                print(f"  {e}")
            return 1
        print("ok self-test: the unchanged copy passes")
        for rel, old, new, expected in MUTATIONS:
            path = copy / rel
            text = path.read_text()
            if old not in text:
                print(f"FAIL self-test: {rel} no longer holds {old!r}; update MUTATIONS")
                failed += 1
                continue
            path.write_text(text.replace(old, new, 1))
            try:
                errors = check(Snapshot(copy, render))
            except Exception as e:  # a broken copy must fail, not crash silently
                errors = [f"{type(e).__name__}: {e}"]
            finally:
                path.write_text(text)
            hit = [e for e in errors if expected in e]
            if hit:
                print(f"ok self-test: {rel}: {new.strip()[:60]!r} caught: {hit[0]}")
            else:
                failed += 1
                print(
                    f"FAIL self-test: {rel}: {new.strip()[:60]!r} not caught (wanted {expected!r}); got {errors}"
                )
    print(f"self-test: {len(MUTATIONS) - failed} of {len(MUTATIONS)} broken copies caught")
    return 1 if failed else 0
