"""Prometheus metrics: requests, request and job durations, queue depth.

Each app has its own registry, so several apps (tests) never clash on metric names.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

JOB_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800)


class Metrics:
    """The service's Prometheus metrics, in a registry of their own: requests, request and job
    durations, and jobs by status."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("allocator_http_requests", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("allocator_http_request_duration_seconds",
                                 "Time to answer an HTTP request", ["method", "route"],
                                 registry=self.registry)
        self.jobs = Histogram("allocator_job_duration_seconds",
                              "Wall time of a solve job's process", ["backend", "status"],
                              buckets=JOB_BUCKETS, registry=self.registry)
        self.queue = Gauge("allocator_jobs", "Jobs by status", ["status"],
                           registry=self.registry)

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def job_finished(self, backend: str, status: str, seconds: float) -> None:
        self.jobs.labels(backend, status).observe(seconds)

    def render(self, depth: dict[str, int]) -> bytes:
        for status in ("queued", "running", "done", "failed", "cancelled"):
            self.queue.labels(status).set(depth.get(status, 0))
        return generate_latest(self.registry)
