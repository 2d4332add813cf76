"""Aggregate reads of the case file for controlling: counts, shares and means by districts and period.

One module per part (casefile, contracts, protection). Each function takes the districts' ids and dates
and aggregates in SQL; none returns anything that names a person.
"""
