"""Parsing monitor messages: ORU^R01 parse rate on one core, the listener's per-message hot path.

Target: at least 10,000 messages per second per core (issue 6). Each message is a realistic
IHE PCD-01 ORU^R01 of about 2 KB from a bedside monitor (MSH, PID, PV1, OBR and 16 OBX rows:
device rows, SpO2, pulse, heart rate, respiratory rate, cuff pressures, temperature, with
equipment EUI-64s and times with fractions and zone offsets), values varied from a seeded random
source. Timed in CPU seconds of one process: ``parse_oru`` alone, ``parse_oru`` +
``readings_of`` (what the listener does per message), MLLP frame decoding, and python-hl7's
``hl7.parse`` for comparison.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from time import process_time
from zoneinfo import ZoneInfo

from ketacare.interop.hl7v2 import FrameDecoder, frame, parse_oru, readings_of

TARGET_PER_S = 10_000
SEED = 20261102
MESSAGES = 1_000
ROUNDS = 5
ZONE = ZoneInfo("America/Chicago")
GATEWAY, MONITOR = "0012A4FFFE3B9C10", "0012A4FFFE3B9C11"
PERCENT, PER_MIN = "262688^MDC_DIM_PERCENT^MDC", "264864^MDC_DIM_BEAT_PER_MIN^MDC"
BREATHS, MMHG = "264928^MDC_DIM_RESP_PER_MIN^MDC", "266016^MDC_DIM_MMHG^MDC"
TEMP = "150344^MDC_TEMP^MDC"
# (OBX-2, OBX-3, OBX-4, value range or text, OBX-6) for each row, in PCD-01 containment order.
# Temperatures are drawn in tenths of a degree.
ROWS = (
    ("", "69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC", "1.0.0.0", None, ""),
    ("ST", "68220^MDC_ATTR_SYS_TYPE^MDC", "1.0.0.68220", "PATIENT MONITOR", ""),
    ("", "69642^MDC_DEV_ANALY_SAT_O2_VMD^MDC", "1.3.0.0", None, ""),
    ("NM", "150456^MDC_PULS_OXIM_SAT_O2^MDC", "1.3.1.150456", (88, 100), PERCENT),
    ("NM", "149530^MDC_PULS_OXIM_PULS_RATE^MDC", "1.3.1.149530", (50, 120), PER_MIN),
    ("", "69798^MDC_DEV_ECG_VMD^MDC", "1.7.0.0", None, ""),
    ("NM", "147842^MDC_ECG_HEART_RATE^MDC", "1.7.1.147842", (50, 120), PER_MIN),
    ("NM", "151562^MDC_RESP_RATE^MDC", "1.7.2.151562", (8, 24), BREATHS),
    ("", "69854^MDC_DEV_PRESS_BLD_NONINV_VMD^MDC", "1.1.0.0", None, ""),
    ("NM", "150301^MDC_PRESS_CUFF_SYS^MDC", "1.1.9.150301", (95, 185), MMHG),
    ("NM", "150302^MDC_PRESS_CUFF_DIA^MDC", "1.1.9.150302", (55, 110), MMHG),
    ("NM", "150303^MDC_PRESS_CUFF_MEAN^MDC", "1.1.9.150303", (65, 135), MMHG),
    ("", "69902^MDC_DEV_TEMP_VMD^MDC", "1.13.0.0", None, ""),
    ("NM", TEMP, "1.13.1.150344", (360, 380), "268192^MDC_DIM_DEGC^MDC"),
)


@dataclass(frozen=True)
class Rate:
    what: str
    per_s: float


@dataclass(frozen=True)
class ParseRun:
    mean_bytes: int
    rows_per_message: int
    rates: list[Rate]


def _dtm(at: datetime) -> str:
    local = at.astimezone(ZONE)
    return f"{local:%Y%m%d%H%M%S}.{local.microsecond // 100:04d}{local:%z}"


def _row(n: int, row: tuple[str, str, str, object, str], rng: random.Random, at: str) -> str:
    kind, code, sub_id, values, units = row
    value = ""
    if isinstance(values, tuple):
        low, high = values
        value = (
            str(rng.randint(low, high))
            if code != "150344^MDC_TEMP^MDC"
            else f"{rng.randint(low, high) / 10}"
        )
    elif isinstance(values, str):
        value = values
    status = "R" if kind else "X"
    device = f"{MONITOR}^^{MONITOR}^EUI-64" if sub_id.endswith(".0.0") else ""
    return f"OBX|{n}|{kind}|{code}|{sub_id}|{value}|{units}|||||{status}|||{at}||||{device}"


def message(rng: random.Random, number: int, at: datetime) -> bytes:
    """One PCD-01 ORU^R01 from chair ``number % 8``'s monitor, sent at ``at``."""
    sent = _dtm(at)
    control = f"NW-{number:08d}"
    segments = [
        f"MSH|^~\\&|NORTHWIND_GW^{GATEWAY}^EUI-64|NORTHWIND|KETACARE|CLINIC|{sent}||"
        f"ORU^R01^ORU_R01|{control}|P|2.6|||AL|NE||UNICODE UTF-8|||"
        "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO",
        f"PID|||MRN-{rng.randint(1, 99999):06d}^^^CLINIC^MR||DOE^JANE^^^^^L|||||unknownrace",
        f"PV1||O|INF^^CHAIR-{number % 8 + 1:02d}^MAINSITE^^^^^{GATEWAY}",
        f"OBR|1|{control}^NORTHWIND_GW^{GATEWAY}^EUI-64|{control}^NORTHWIND_GW^{GATEWAY}^EUI-64"
        f"|182777000^monitoring of patient^SCT|||{sent}",
        *(_row(n, row, rng, sent) for n, row in enumerate(ROWS, start=1)),
    ]
    return ("\r".join(segments) + "\r").encode()


def messages() -> list[bytes]:
    rng = random.Random(SEED)
    start = datetime(2026, 11, 2, 14, tzinfo=UTC)
    return [
        message(rng, n, start + timedelta(seconds=n, microseconds=137_500 * (n % 8)))
        for n in range(MESSAGES)
    ]


def _rate(what: str, batch: list[bytes], work: Callable[[bytes], object]) -> Rate:
    """Messages per CPU second: the median of ``ROUNDS`` passes over the batch after a warm-up.
    CPU time, not wall time, so other work on a shared machine does not count against it."""
    for raw in batch[:100]:
        work(raw)
    rates = []
    for _ in range(ROUNDS):
        began = process_time()
        for raw in batch:
            work(raw)
        rates.append(len(batch) / (process_time() - began))
    return Rate(what, statistics.median(rates))


def _decode_all(stream: bytes) -> int:
    decoder = FrameDecoder(64 * 1024)
    return sum(len(decoder.feed(stream[i : i + 4096])) for i in range(0, len(stream), 4096))


def run() -> ParseRun:
    batch = messages()
    sample = readings_of(parse_oru(batch[0], ZONE))
    assert (len(sample.readings), sample.problems) == (8, ()), sample  # the work is real
    rates = [
        _rate("`parse_oru`", batch, lambda raw: parse_oru(raw, ZONE)),
        _rate(
            "`parse_oru` + `readings_of` (the hot path)",
            batch,
            lambda raw: readings_of(parse_oru(raw, ZONE)),
        ),
    ]
    stream = b"".join(frame(raw) for raw in batch)
    began = process_time()
    assert _decode_all(stream) == len(batch)
    rates.append(Rate("MLLP frame decoding (4 KB reads)", len(batch) / (process_time() - began)))
    rates.extend(_python_hl7(batch))
    return ParseRun(sum(map(len, batch)) // len(batch), len(ROWS), rates)


def _python_hl7(batch: list[bytes]) -> list[Rate]:
    """python-hl7 is a test dependency: compared when installed."""
    try:
        import hl7
    except ImportError:
        return []
    return [
        _rate(
            "python-hl7 `hl7.parse` (reference)", batch[:200], lambda raw: hl7.parse(raw.decode())
        )
    ]


def report(result: ParseRun, machine: str) -> str:
    """The markdown section for docs/benchmarks.md; ``machine`` says where and when it ran."""
    hot = result.rates[1].per_s
    met = "yes" if hot >= TARGET_PER_S else "**no**"
    lines = [
        "## HL7 parse rate",
        "",
        machine,
        "",
        f"{MESSAGES:,} IHE PCD-01 ORU^R01 messages from bedside monitors, {result.mean_bytes:,} "
        f"bytes each on average ({result.rows_per_message} OBX rows: device and string rows, SpO2, "
        "pulse, heart rate, respiratory rate, cuff pressures, temperature), parsed in one "
        f"process, so on one core, in CPU time; median of {ROUNDS} passes. Target: at least "
        f"{TARGET_PER_S:,} messages per second per core on the hot path. Target met: {met}.",
        "",
        "| What | Messages per second | Microseconds per message |",
        "|---|---:|---:|",
    ]
    lines += [f"| {r.what} | {r.per_s:,.0f} | {1e6 / r.per_s:,.1f} |" for r in result.rates]
    return "\n".join(lines)
