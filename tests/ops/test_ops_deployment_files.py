"""deploy/docker, deploy/compose.yaml and deploy/k8s, checked statically (this
machine has no container engine and no cluster): the image builds from files
that exist and runs deploy.docker.run; compose runs every service of
deploy/services.py with RabbitMQ, PostgreSQL (a database per service) and
Prometheus; the Kubernetes manifests are what deploy/k8s/manifests.py builds
and pass the Kubernetes schemas (kubernetes-validate, offline)."""
import os
import re
import stat
import subprocess
import sys

import kubernetes_validate
import pytest
import yaml

from deploy.docker import run as image_entry
from deploy.k8s import manifests
from deploy.services import SERVICES
from opskit import ROOT

DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")


def dockerfile_instructions():
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    return [tuple(line.split(None, 1)) for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_the_image_is_built_from_files_that_exist_and_runs_the_entry_module():
    steps = dockerfile_instructions()
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.11")
    for op, arg in steps:
        if op == "COPY":
            *sources, _dest = arg.split()
            for source in sources:
                assert (ROOT / source).exists(), source
    entry = [a for op, a in steps if op == "ENTRYPOINT"]
    assert entry == ['["python", "-m", "deploy.docker.run"]']
    assert ("CMD", '["serve"]') in steps and ("USER", "skillcert") in steps
    installs = " ".join(a for op, a in steps if op == "RUN")
    assert "pip install -r requirements.txt" in installs
    assert "services/*/pyproject.toml" in installs          # every service, present or new
    ignore = (DEPLOY / "docker" / "Dockerfile.dockerignore").read_text().split()
    for kept in ("!requirements.txt", "!shared/**", "!services/**", "!deploy/**"):
        assert kept in ignore


def test_the_entry_module_knows_every_service_and_refuses_others(tmp_path):
    def entry(*args, **env):
        return subprocess.run([sys.executable, "-m", "deploy.docker.run", *args], cwd=ROOT,
                              env=dict(os.environ, **env), capture_output=True, text=True,
                              timeout=60)
    bad = entry("migrate", SERVICE="billing")
    assert bad.returncode != 0 and "SERVICE must be one of" in bad.stderr
    done = entry("migrate", SERVICE="exam", EXAM_DATABASE_URL=f"sqlite:///{tmp_path}/exam.db")
    assert done.returncode == 0, done.stderr
    assert "exam: database migrated to head" in done.stdout
    assert (tmp_path / "exam.db").exists()


def test_signing_keys_from_a_secret_are_installed_without_overwriting(tmp_path):
    secret, keys = tmp_path / "secret", tmp_path / "keys"
    secret.mkdir()
    (secret / "k1.pem").write_bytes(b"one")
    (secret / "k2.pem").write_bytes(b"two")
    (secret / "notes.txt").write_text("not a key")
    keys.mkdir()
    (keys / "k1.pem").write_bytes(b"already here")
    assert image_entry.install_keys(secret, keys) == ["k2.pem"]
    assert (keys / "k1.pem").read_bytes() == b"already here"
    assert (keys / "k2.pem").read_bytes() == b"two"
    assert not (keys / "notes.txt").exists()
    assert stat.S_IMODE((keys / "k2.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert image_entry.install_keys(secret, keys) == []


def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_runs_every_service_with_rabbitmq_postgres_and_prometheus():
    spec = compose()
    services = spec["services"]
    for infra in ("rabbitmq", "postgres", "prometheus", "grafana"):
        assert infra in services
    for service in SERVICES:
        entry = services[manifests.k8s_name(service)]
        assert entry["environment"]["SERVICE"] == service.name
        assert entry["build"] == {"context": "..", "dockerfile": "deploy/docker/Dockerfile"}
        assert (DEPLOY / entry["build"]["context"] / entry["build"]["dockerfile"]).is_file()
        # one database per service, on the compose PostgreSQL
        url = entry["environment"]["SKILLCERT_DATABASE_URL"]
        assert "@postgres:5432/skillcert_{service}" in url
        assert "@rabbitmq:5672/" in entry["environment"]["AMQP_URI"]
        assert entry["depends_on"] == {"rabbitmq": {"condition": "service_healthy"},
                                       "postgres": {"condition": "service_healthy"}}
        assert entry["healthcheck"]["test"][:5] == ["CMD", "python", "-m",
                                                   "deploy.docker.run", "probe"]
        assert entry["command"] == ["serve", "--migrate"]
        assert entry["environment"]["METRICS_PORT"] == "9100"
    assert services["gateway"]["ports"] == ["${GATEWAY_PORT:-8000}:8000"]


def test_compose_mounts_files_that_exist_and_declares_its_volumes():
    spec = compose()
    for name, entry in spec["services"].items():
        for mount in entry.get("volumes", ()):
            source = mount.split(":", 1)[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), (name, source)
            else:
                assert source in spec["volumes"], (name, source)
    prometheus = spec["services"]["prometheus"]
    assert "./prometheus/prometheus-compose.yml:/etc/prometheus/prometheus.yml:ro" in \
        prometheus["volumes"]
    assert "./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in prometheus["volumes"]


def k8s_files():
    return manifests.files()


def test_the_kubernetes_manifests_are_what_the_generator_builds():
    built = k8s_files()
    on_disk = {p.name for p in (DEPLOY / "k8s").glob("*.yaml")}
    assert on_disk == set(built), "stale deploy/k8s: python -m deploy.k8s.manifests"
    for name, objects in built.items():
        assert (DEPLOY / "k8s" / name).read_text() == manifests.render(objects), \
            f"deploy/k8s/{name} is stale: python -m deploy.k8s.manifests"


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_kubernetes_object_passes_the_schemas(version):
    count = 0
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for obj in yaml.safe_load_all(path.read_text()):
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                pytest.fail(f"{path.name}: {obj['kind']}/{obj['metadata']['name']}: "
                            f"{exc.message} at {'.'.join(map(str, exc.path))}")
            count += 1
    assert count == 6 + 4 * len(SERVICES)      # namespace, config map, 4 secrets


def by_kind(objects, kind):
    return [o for o in objects if o["kind"] == kind]


def test_each_service_has_a_deployment_an_autoscaler_probes_and_a_metrics_service():
    built = k8s_files()
    config = built["01-config.yaml"]
    assert {o["metadata"]["name"] for o in by_kind(config, "Secret")} == \
        {"skillcert-connections", "skillcert-broker", "skillcert-signing-keys",
         "skillcert-gateway"}
    for service in SERVICES:
        objects = built[f"{manifests.k8s_name(service)}.yaml"]
        deployment, = by_kind(objects, "Deployment")
        autoscaler, = by_kind(objects, "HorizontalPodAutoscaler")
        assert autoscaler["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
        assert autoscaler["spec"]["minReplicas"] >= 2
        pod = deployment["spec"]["template"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= \
            pod["metadata"]["labels"].items()
        assert pod["metadata"]["labels"]["skillcert.io/service"] == service.name
        main, = pod["spec"]["containers"]
        assert {"name": "SERVICE", "value": service.name} in main["env"]
        ports = {p["name"] for p in main["ports"]}
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            check = main[probe]
            port = (check.get("httpGet") or check.get("tcpSocket") or {}).get("port")
            assert port is None or port in ports, (service.name, probe)
        assert main["livenessProbe"]["httpGet"]["path"] == "/metrics"
        headless = [o for o in by_kind(objects, "Service")
                    if o["spec"].get("clusterIP") == "None"]
        assert [h["metadata"]["name"] for h in headless] == \
            [f"{manifests.k8s_name(service)}-metrics"]
        assert pod["spec"]["initContainers"][0]["args"] == ["migrate"]    # before the code
        if service.name == "gateway":
            assert main["readinessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
        else:
            assert main["readinessProbe"]["exec"]["command"][-2:] == ["probe", "ready"]


def test_the_certificate_pods_install_the_signing_keys_from_the_secret():
    deployment, = by_kind(k8s_files()["certificate.yaml"], "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    secret_volumes = {v["name"]: v["secret"]["secretName"] for v in pod["volumes"]
                      if "secret" in v}
    assert secret_volumes == {"signing-keys": "skillcert-signing-keys"}
    step, = [c for c in pod["initContainers"] if c["name"] == "signing-keys"]
    assert step["args"][0] == "install-keys"
    mounts = {m["name"]: m["mountPath"] for m in step["volumeMounts"]}
    assert step["args"][1:] == [mounts["signing-keys"],
                                f"{mounts['data']}/certificate/keys"]   # keys_dir's default
    others = [d for name, objects in k8s_files().items()
              if name not in ("certificate.yaml", "gateway.yaml")
              for d in by_kind(objects, "Deployment")]
    assert not any(re.search("signing", str(d)) for d in others)


def test_the_gateway_takes_its_token_key_and_first_password_from_secrets():
    deployment, = by_kind(k8s_files()["gateway.yaml"], "Deployment")
    main, = deployment["spec"]["template"]["spec"]["containers"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in main["env"] if "valueFrom" in e}
    assert refs == {
        "AMQP_URI": {"name": "skillcert-broker", "key": "gateway"},
        "GATEWAY_SECRET": {"name": "skillcert-signing-keys", "key": "GATEWAY_SECRET",
                           "optional": True},
        "GATEWAY_ADMIN_PASSWORD": {"name": "skillcert-gateway",
                                   "key": "GATEWAY_ADMIN_PASSWORD"}}


def test_every_pod_connects_to_the_broker_as_its_own_user():
    """Issue 13: one broker user per service (deploy/rabbitmq/definitions.json); a pod
    sees only its own service's AMQP URI, and no shared one is left."""
    from deploy import broker
    built = k8s_files()
    config = built["01-config.yaml"]
    assert "AMQP_URI" not in str(by_kind(config, "Secret")[0])      # skillcert-connections
    [secret] = [o for o in by_kind(config, "Secret") if o["metadata"]["name"] == "skillcert-broker"]
    assert set(secret["stringData"]) == {s.name for s in SERVICES} | {"ops"}
    for name, uri in secret["stringData"].items():
        assert uri.startswith(f"pyamqp://{broker.user_name('skillcert', name)}:CHANGE-ME@")
        assert broker.vhost_of(uri) == "skillcert"
    for service in SERVICES:
        deployment, = by_kind(built[f"{manifests.k8s_name(service)}.yaml"], "Deployment")
        pod = deployment["spec"]["template"]["spec"]
        for container in pod["containers"] + pod["initContainers"]:
            amqp = [e for e in container["env"] if e["name"] == "AMQP_URI"]
            assert amqp == [{"name": "AMQP_URI", "valueFrom": {"secretKeyRef": {
                "name": "skillcert-broker", "key": service.name}}}], (service.name, container)
            assert "skillcert-broker" not in str(container.get("envFrom"))


def test_compose_connects_each_service_as_its_own_user_and_loads_the_definitions():
    from deploy import broker
    spec = compose()
    services = spec["services"]
    for service in SERVICES:
        uri = services[manifests.k8s_name(service)]["environment"]["AMQP_URI"]
        password = f"RABBITMQ_PASSWORD_{service.name.upper()}"
        assert uri.startswith(f"pyamqp://{broker.user_name('skillcert', service.name)}:"
                              f"${{{password}:?")
        assert uri.endswith("@rabbitmq:5672/skillcert")
    init = services["broker-definitions"]
    assert init["entrypoint"] == ["python", "-m", "deploy.broker"]
    assert init["command"][:3] == ["definitions", "--vhost", "skillcert"]
    for name in broker.definitions()["users"]:
        assert f"RABBITMQ_PASSWORD_{name.upper()}" in init["environment"]
    rabbit = services["rabbitmq"]
    assert rabbit["depends_on"] == {"broker-definitions": {
        "condition": "service_completed_successfully"}}
    conf = [m for m in rabbit["volumes"] if m.startswith("./rabbitmq/")]
    assert conf and "load_definitions" in (DEPLOY / conf[0].split(":")[0]).read_text()
    assert "RABBITMQ_DEFAULT_USER" not in rabbit.get("environment", {})
