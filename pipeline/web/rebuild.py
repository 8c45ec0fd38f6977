"""The planner's "rebuild now" button: launch the ``laporan_bulanan`` job for one month.

Through the Dagster GraphQL API of the local webserver (``dagster-graphql``'s
client, which comes with ``dagster-webserver``): the run goes through the
instance's run queue like a scheduled or sensor run, so the queue's limits
(one run per month at a time) hold, the daemon launches it, and it shows in the
Dagster UI.  Submitting to the webserver, rather than building the run in this
process, keeps the page free of the code location (the webserver already
loaded it) and works the same when the instance moves to PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

JOB_NAME = "laporan_bulanan"


class RebuildError(RuntimeError):
    """The run could not be submitted; the message is Indonesian."""


@dataclass(frozen=True)
class GraphQLLauncher:
    host: str = "127.0.0.1"
    port: int = 3000
    timeout: int = 30

    def __call__(self, period: str, requested_by: str, opd: str = "-") -> str:
        """Submit the run; return its id."""
        import socket

        from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

        try:
            socket.create_connection((self.host, self.port), timeout=min(self.timeout, 10)).close()
        except OSError as exc:
            raise RebuildError(f"Dagster di {self.host}:{self.port} tidak dapat dihubungi ({exc.strerror or exc}); "
                               "pastikan lkjip serve berjalan") from None
        try:
            client = DagsterGraphQLClient(self.host, port_number=self.port, timeout=self.timeout)
            return client.submit_job_execution(
                JOB_NAME,
                # the OPD-month partition (a single office is the OPD "-"), as pipeline.defs.partitions keys it
                tags={"dagster/partition": f"{period}|{opd}", "dagster/partition/bulan": period,
                      "dagster/partition/opd": opd, "lkjip/pemicu": "halaman", "lkjip/periode": period,
                      "lkjip/oleh": requested_by},
            )
        except DagsterGraphQLClientError as exc:
            text = str(exc).strip().splitlines()
            raise RebuildError(f"Dagster menolak run: {text[0] if text else type(exc).__name__}") from None
        except Exception as exc:  # connection refused, timeout: the webserver is not up
            raise RebuildError(f"Dagster di {self.host}:{self.port} tidak dapat dihubungi ({type(exc).__name__}); "
                               "pastikan lkjip serve berjalan") from None
