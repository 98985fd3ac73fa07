"""Issue #20: the broker and the databases on Kubernetes are clusters run by their
operators (deploy/k8s/clusters.py writes deploy/k8s/stateful/), and the services
are wired to them: a failover list of the three RabbitMQ pods in every broker URI,
quorum queues, the PostgreSQL primary's service, one database per service.
Validated offline: the Secret against the Kubernetes schemas, the operators'
objects against the fields of their CRDs the generator uses (crd_schemas.json)."""
import json
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from deploy.k8s import clusters, manifests
from deploy.services import SERVICES

HERE = Path(__file__).resolve().parent
STATEFUL = HERE.parents[1] / "deploy" / "k8s" / "stateful"
SCHEMAS = json.loads((HERE / "crd_schemas.json").read_text())


def on_disk():
    return {p.name: list(yaml.safe_load_all(p.read_text()))
            for p in sorted(STATEFUL.glob("*.yaml"))}


def test_the_stateful_manifests_are_what_the_generator_builds():
    built = clusters.files()
    assert set(on_disk()) == set(built), "stale deploy/k8s/stateful: python -m deploy.k8s.manifests"
    for name, objects in built.items():
        assert (STATEFUL / name).read_text() == manifests.render(objects), \
            f"deploy/k8s/stateful/{name} is stale: python -m deploy.k8s.manifests"


def test_every_operator_object_fits_its_crd_and_every_other_the_kubernetes_schemas():
    kinds = []
    for name, objects in on_disk().items():
        for obj in objects:
            key = f"{obj['apiVersion']}/{obj['kind']}"
            kinds.append(key)
            if key in SCHEMAS:
                schema = dict(SCHEMAS[key], **{"$defs": SCHEMAS["$defs"]})
                jsonschema.validate(obj, schema)
            else:
                kubernetes_validate.validate(obj, "1.30", strict=True)
    assert sorted(set(kinds)) == ["postgresql.cnpg.io/v1/Cluster",
                                  "postgresql.cnpg.io/v1/Database",
                                  "rabbitmq.com/v1beta1/RabbitmqCluster", "v1/Secret"]


def test_a_schema_refuses_a_field_the_crd_does_not_have():
    cluster = clusters.rabbitmq_cluster()
    cluster["spec"]["replica"] = 3                      # a typo of replicas
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(cluster, dict(SCHEMAS["rabbitmq.com/v1beta1/RabbitmqCluster"],
                                          **{"$defs": SCHEMAS["$defs"]}))


def test_three_rabbitmq_nodes_one_per_machine_with_quorum_queues():
    [rabbit] = on_disk()["rabbitmq.yaml"]
    spec = rabbit["spec"]
    assert spec["replicas"] == 3
    config = spec["rabbitmq"]["additionalConfig"]
    assert "cluster_partition_handling = pause_minority" in config
    anti = spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert anti[0]["topologyKey"] == "kubernetes.io/hostname"
    major, minor = (int(x) for x in spec["image"].split(":")[1].split("-")[0].split(".")[:2])
    assert (major, minor) >= (3, 10)        # quorum queues with message TTL (retry queues)
    [config_map] = [o for o in manifests.files()["01-config.yaml"] if o["kind"] == "ConfigMap"]
    assert config_map["data"]["SKILLCERT_QUEUE_TYPE"] == "quorum"


def test_every_broker_uri_lists_the_three_pods_the_operator_makes():
    from deploy import broker
    [secret] = [o for o in manifests.files()["01-config.yaml"]
                if o["metadata"]["name"] == "skillcert-broker"]
    pods = [f"rabbitmq-server-{n}.rabbitmq-nodes.skillcert.svc:5672" for n in range(3)]
    for name, uri in secret["stringData"].items():
        nodes = broker.nodes_of(uri)
        assert [n.split("@", 1)[1].split("/", 1)[0] for n in nodes] == pods, name
        assert all(n.startswith(f"pyamqp://{broker.user_name('skillcert', name)}:CHANGE-ME@")
                   for n in nodes)
        assert broker.vhost_of(uri) == "skillcert"


def test_postgresql_has_a_synchronous_standby_and_a_database_per_service():
    objects = on_disk()["postgres.yaml"]
    [cluster] = [o for o in objects if o["kind"] == "Cluster"]
    assert cluster["spec"]["instances"] == 3
    assert cluster["spec"]["postgresql"]["synchronous"]["number"] >= 1
    names = {o["spec"]["name"] for o in objects if o["kind"] == "Database"}
    assert names == {f"skillcert_{s.name}" for s in SERVICES}
    assert all(o["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
               for o in objects if o["kind"] == "Database")
    [connections] = [o for o in manifests.files()["01-config.yaml"]
                     if o["metadata"]["name"] == "skillcert-connections"]
    url = connections["stringData"]["SKILLCERT_DATABASE_URL"]
    assert f"@{cluster['metadata']['name']}-rw.skillcert.svc:5432/skillcert_{{service}}" in url
