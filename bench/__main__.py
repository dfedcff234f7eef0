"""``python -m bench``: run every benchmark on every available database and update the report."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime

from bench import (
    alert_latency,
    course_planning,
    course_planning_db,
    hl7_ingest,
    hl7_parse,
    patient_search,
)
from bench.databases import Target, postgres_target, postgres_version, sqlite_target
from bench.machine import describe
from bench.report import REPORT, machine_lines, update_section


@contextmanager
def targets(postgres: str | None) -> Iterator[list[Target]]:
    with ExitStack() as stack:
        found = [stack.enter_context(sqlite_target())]
        if postgres is not None:
            found.append(stack.enter_context(postgres_target(postgres)))
        yield found


BENCHMARKS = ("patient-search", "course-planning", "hl7-parse", "hl7-ingest", "alert-latency")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000, help="synthetic patients")
    parser.add_argument("--only", choices=BENCHMARKS, help="run this benchmark alone")
    args = parser.parse_args()
    postgres = postgres_version()
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    machine = "\n".join([f"Run on {when} on:", "", *machine_lines(describe(), postgres)])
    if args.only in (None, "patient-search"):
        search_patients(args.patients, postgres, machine)
    if args.only in (None, "course-planning"):
        plan_courses(postgres, machine)
    if args.only in (None, "hl7-parse"):
        parse_hl7(machine)
    if args.only in (None, "hl7-ingest"):
        ingest_hl7(postgres, machine)
    if args.only in (None, "alert-latency"):
        time_alerts(postgres, machine)
    print(f"wrote {REPORT}")


def search_patients(patients: int, postgres: str | None, machine: str) -> None:
    runs = []
    with targets(postgres) as found:
        for target in found:
            print(f"patient search on {target.label}: building {patients:,} patients…")
            result = patient_search.run(target, patients)
            print(
                f"  synth {result.synth_seconds:.1f} s; search median "
                f"{result.overall.median_ms:.2f} ms, p95 {result.overall.p95_ms:.2f} ms, "
                f"max {result.overall.max_ms:.2f} ms"
            )
            runs.append(result)
    update_section("patient-search", patient_search.report(runs, machine))


def plan_courses(postgres: str | None, machine: str) -> None:
    print(
        f"course planning: {course_planning.EXISTING} bookings on {course_planning.CHAIRS} chairs…"
    )
    planned = course_planning.in_memory()
    core = planned.proposals
    runs = [course_planning.summary("In memory", planned.in_memory)]
    with targets(postgres) as found:
        for target in found:
            print(f"  on {target.label}: setting up the site through the services…")
            timed = course_planning_db.through_service(target, planned)
            label = f"{target.label} {target.version.split()[0]}"
            runs.append(course_planning.summary(label, timed, core))
    for run in runs:
        t = run.timings
        print(
            f"  {run.label}: median {t.median_ms:.2f} ms, p95 {t.p95_ms:.2f} ms, "
            f"max {t.max_ms:.2f} ms; {run.refused} of {t.count} refused"
        )
    update_section("course-planning", course_planning.report(runs, machine))


def parse_hl7(machine: str) -> None:
    print(f"hl7 parse: {hl7_parse.MESSAGES:,} ORU^R01 messages on one core…")
    result = hl7_parse.run()
    for rate in result.rates:
        print(f"  {rate.what}: {rate.per_s:,.0f} messages/s")
    update_section("hl7-parse", hl7_parse.report(result, machine))


def ingest_hl7(postgres: str | None, machine: str) -> None:
    runs = []
    with targets(postgres) as found:
        for target in found:
            print(f"hl7 ingest over MLLP to committed readings, {target.label}…")
            run = hl7_ingest.run(target)
            print(
                f"  1 connection {run.single.per_s:,.0f} msg/s; 30 connections "
                f"{run.many.per_s:,.0f} msg/s; at {run.paced.offered_per_s}/s offered ACK p50 "
                f"{run.paced.p50_ms:.1f} ms, p99 {run.paced.p99_ms:.1f} ms"
            )
            runs.append(run)
    update_section("hl7-ingest", hl7_ingest.report(runs, machine))


def time_alerts(postgres: str | None, machine: str) -> None:
    runs = []
    with targets(postgres) as found:
        for target in found:
            print(f"reading to alert on {alert_latency.PAGES} pages, {target.label}…")
            result = alert_latency.run(target)
            for lat in result.latencies:
                print(f"  {lat.path}: p50 {lat.p50_ms:.1f} ms, p99 {lat.p99_ms:.1f} ms")
            runs.append(result)
    update_section("alert-latency", alert_latency.report(runs, machine))


if __name__ == "__main__":
    main()
