"""The broker and the databases on Kubernetes, each run by its operator (issue #20):

    python -m deploy.k8s.manifests     # also rewrites deploy/k8s/stateful/*.yaml
    kubectl apply -f deploy/k8s/stateful/   # after 00-namespace.yaml, before the services

- ``stateful/rabbitmq.yaml``: a ``RabbitmqCluster`` of the RabbitMQ Cluster
  Operator (rabbitmq.com/v1beta1): three nodes (a StatefulSet ``rabbitmq-server``
  the operator makes, peer discovery through the Kubernetes API, one pod per
  Kubernetes node by anti-affinity, a persistent volume each), quorum queues
  (SKILLCERT_QUEUE_TYPE=quorum in the ConfigMap: three replicas each),
  ``pause_minority`` (a node cut off from the other two stops serving rather
  than taking messages the majority never sees) and leaders spread over the
  nodes. The services connect to the three pods in turn (kombu's failover list in
  each ``skillcert-broker`` URI: ``rabbitmq-server-N.rabbitmq-nodes``).
- ``stateful/postgres.yaml``: a CloudNativePG ``Cluster`` (postgresql.cnpg.io/v1):
  one primary and two standbys with synchronous replication to at least one of
  them (a commit the services were told about survives the primary's loss), the
  operator promoting a standby when the primary goes; the services reach the
  primary at ``postgres-rw`` (the Secret ``skillcert-connections``). One
  ``Database`` object per service (``skillcert_<service>``, owned by ``skillcert``).

The operators themselves (their CRDs and controllers) are installed once per
Kubernetes cluster by their own manifests or Helm charts (docs/operations.md,
"On three machines"); a managed RabbitMQ or PostgreSQL service replaces either
file (then point the two Secrets at it). tests/ops/test_ops_cluster_manifests.py
checks deploy/k8s/stateful/ is what this module builds and validates each object against
the fields of its CRD that it uses (tests/ops/crd_schemas.json, offline).
"""
from deploy.services import SERVICES

NAMESPACE = "skillcert"
RABBITMQ = "rabbitmq"                       # the operator names its pods <name>-server-N
RABBITMQ_IMAGE = "rabbitmq:3.13-management"  # quorum queues with message TTL: 3.10 or later
RABBITMQ_NODES = 3
POSTGRES = "postgres"                       # the operator's services: <name>-rw, -ro, -r
POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:16"
POSTGRES_INSTANCES = 3
PART_OF = {"app.kubernetes.io/part-of": "skillcert"}


def broker_hosts():
    """host:port of each RabbitMQ pod (the operator's headless service <name>-nodes)."""
    return [f"{RABBITMQ}-server-{n}.{RABBITMQ}-nodes.{NAMESPACE}.svc:5672"
            for n in range(RABBITMQ_NODES)]


def database_name(service):
    return f"skillcert_{service}"


def rabbitmq_cluster():
    return {
        "apiVersion": "rabbitmq.com/v1beta1", "kind": "RabbitmqCluster",
        "metadata": {"name": RABBITMQ, "namespace": NAMESPACE, "labels": dict(PART_OF)},
        "spec": {
            "replicas": RABBITMQ_NODES,
            "image": RABBITMQ_IMAGE,
            "resources": {"requests": {"cpu": "1", "memory": "2Gi"},
                          "limits": {"memory": "2Gi"}},
            "persistence": {"storage": "20Gi"},
            "rabbitmq": {
                "additionalConfig": "\n".join([
                    "cluster_partition_handling = pause_minority",
                    "queue_leader_locator = balanced",
                    "default_queue_type = quorum",
                    "vm_memory_high_watermark.relative = 0.6",
                    "disk_free_limit.absolute = 2GB",
                ]) + "\n",
            },
            # one node per Kubernetes node: a machine's loss takes one of three
            "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app.kubernetes.io/name": RABBITMQ}},
                 "topologyKey": "kubernetes.io/hostname"}]}},
            "terminationGracePeriodSeconds": 604800,   # the operator's default: drains
        }}


def postgres_cluster():
    return {
        "apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
        "metadata": {"name": POSTGRES, "namespace": NAMESPACE, "labels": dict(PART_OF)},
        "spec": {
            "instances": POSTGRES_INSTANCES,
            "imageName": POSTGRES_IMAGE,
            "primaryUpdateStrategy": "unsupervised",
            "postgresql": {
                "parameters": {"max_connections": "300"},
                # a commit waits for one standby: the primary's loss loses nothing
                # the services were told was written
                "synchronous": {"method": "any", "number": 1},
            },
            "bootstrap": {"initdb": {"database": database_name("gateway"),
                                     "owner": "skillcert",
                                     "secret": {"name": "skillcert-postgres"}}},
            "storage": {"size": "20Gi"},
            "affinity": {"enablePodAntiAffinity": True,
                         "topologyKey": "kubernetes.io/hostname",
                         "podAntiAffinityType": "required"},
            "resources": {"requests": {"cpu": "1", "memory": "2Gi"},
                          "limits": {"memory": "2Gi"}},
        }}


def databases():
    """One Database per service (the bootstrap one too: `ensure: present` keeps it)."""
    return [{"apiVersion": "postgresql.cnpg.io/v1", "kind": "Database",
             "metadata": {"name": f"{POSTGRES}-{s.name.replace('_', '-')}",
                          "namespace": NAMESPACE, "labels": dict(PART_OF)},
             "spec": {"name": database_name(s.name), "owner": "skillcert",
                      "cluster": {"name": POSTGRES}, "ensure": "present"}}
            for s in SERVICES]


def postgres_secret():
    return {"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "skillcert-postgres", "namespace": NAMESPACE,
                         "labels": dict(PART_OF),
                         "annotations": {"skillcert.io/note": "the skillcert role's password: "
                                         "replace CHANGE-ME (the same one in "
                                         "skillcert-connections) before applying"}},
            "type": "kubernetes.io/basic-auth",
            "stringData": {"username": "skillcert", "password": "CHANGE-ME"}}


def files():
    """{file name under deploy/k8s/stateful/: [objects]}."""
    return {"rabbitmq.yaml": [rabbitmq_cluster()],
            "postgres.yaml": [postgres_secret(), postgres_cluster(), *databases()]}
