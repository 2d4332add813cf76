"""Controlling: leadership's key figures, on top of all four apps.

It reads the apps' metrics (`<app>/metrics.py`, aggregate queries scoped by a set of districts and a
period) and composes them into sections; it writes nothing and nothing imports it. A figure never
names a person: dashboards and exports carry counts, shares, means and sums only.

- `scope.py`    – what the figures are about (office, social centre, team, district) and for whom;
- `period.py`   – the period, its reference date and the two comparison periods;
- `figures.py`  – Figure, Table, Chart, Section: what a section returns;
- `sections/`   – one module per subject (cases, help, money, prevention, protection, staffing);
- `suppression.py` – small-number suppression for the committee report and published exports.
"""
