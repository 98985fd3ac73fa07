"""The baseline for benchmarks: a bare nameko RPC that returns its argument,
run the same way as the real services (its own process, same broker)."""
from nameko.rpc import rpc


class EchoService:
    name = "bench_echo"

    @rpc
    def echo(self, value):
        return value
