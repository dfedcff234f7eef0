"""Vital signs: the codes we speak, readings, the clinic's threshold profiles and the alert rules.

Modules: ``codes`` (vital codes with LOINC and UCUM), ``model`` (a reading and when it is usable),
``thresholds`` (hold / warn / act limits per vital, built from the protocol and clinic settings),
``alerts`` (what a reading raises or clears; the pre-dose hold), ``timing`` (silent monitors and
escalation), ``symptoms`` (the emergency pathway) and ``discharge`` (modified Aldrete and PADSS).
"""
