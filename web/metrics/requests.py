"""Request counters and latency, per process or summed over processes (prometheus multiprocess mode)."""

from __future__ import annotations

import os
import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector

__all__ = ["RequestMetrics"]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class RequestMetrics:
    """``fews_http_requests_total{method,route,status}`` and ``fews_http_request_duration_seconds{route}``.

    Labels use the route template (``/api/v1/substances/<ident>``), never the path, so ids and
    tokens in URLs (feed tokens) never become label values.
    """

    def __init__(self) -> None:
        self.multiprocess = bool(os.environ.get(MULTIPROC_ENV))
        # in multiprocess mode the values live in files; otherwise in this private registry
        self._registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "fews_http_requests",
            "HTTP requests by method, route and status.",
            ["method", "route", "status"],
            registry=self._registry,
        )
        self.latency = Histogram(
            "fews_http_request_duration_seconds",
            "HTTP request latency by route.",
            ["route"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=self._registry,
        )

    def install(self, app: Flask) -> None:
        @app.before_request
        def _start() -> None:
            g.metrics_started = time.perf_counter()

        @app.after_request
        def _count(response):  # type: ignore[no-untyped-def]
            started = g.pop("metrics_started", None)
            route = request.url_rule.rule if request.url_rule is not None else "unmatched"
            self.requests.labels(request.method, route, str(response.status_code)).inc()
            if started is not None:
                self.latency.labels(route).observe(time.perf_counter() - started)
            return response

    def collect_into(self, registry: CollectorRegistry) -> None:
        """Add the request metrics (this process's, or every worker's in multiprocess mode)."""
        if self.multiprocess:
            MultiProcessCollector(registry)
        else:
            registry.register(_Forward(self._registry))


class _Forward:
    """Expose another registry's metrics through a scrape registry."""

    def __init__(self, source: CollectorRegistry):
        self.source = source

    def collect(self):  # type: ignore[no-untyped-def]
        return self.source.collect()
