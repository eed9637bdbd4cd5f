"""The record-keeping of each assessment: its access log (who opened which record, when, from
where: `access`), its amendments, and the impact of a new rules version on finalized ones.

Not the department audit of clinical outcomes, which is `outcomes.audit`.
"""
