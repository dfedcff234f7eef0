"""Booking a course's treatments into real chairs: opening hours, closed days, chairs already
taken, nurses and prescribers on duty. Pure: the calendar comes in as data, slots come out."""
