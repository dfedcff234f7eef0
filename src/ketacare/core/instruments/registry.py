"""Every instrument ketacare scores, by code (the codes are a stable API: issue 3)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ketacare.core.instruments import (
    bprs_positive,
    cadss,
    cssrs,
    gad7,
    madrs,
    nrs_pain,
    pcl5,
    peg,
    phq9,
    qids_sr16,
)
from ketacare.core.instruments.model import Instrument

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {
        module.INSTRUMENT.code: module.INSTRUMENT
        for module in (
            phq9,
            gad7,
            pcl5,
            qids_sr16,
            cssrs,
            nrs_pain,
            peg,
            madrs,
            cadss,
            bprs_positive,
        )
    }
)
