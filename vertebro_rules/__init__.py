"""Vertebro's clinical core: the specification's inputs, validation and rules.

Plain Python with no Django, database, request or clock (docs/specification.md).
What the rest of the project imports:

- `vertebro_rules.vocabulary` — the spec's codes as `enum.StrEnum` with labels;
- `vertebro_rules.inputs` — the one definition of the inputs (`FIELDS`, field
  kinds as classes, `Inputs`);
- `vertebro_rules.validation` — `validate_case`, `validate_values`,
  `cross_field_errors`, `missing_inputs`, `to_inputs`, `InvalidInput`;
- `vertebro_rules.rules` — `evaluate`, `RULES_VERSION`, the scenario, rule and
  note tables;
- `vertebro_rules.guidance` — the `Guidance` value and its JSON;
- `vertebro_rules.references` — the evidence list.
- `vertebro_rules.dates` — `in_words`, the one way its messages and reasons write a
  date ("10 Mar 2026").
"""
