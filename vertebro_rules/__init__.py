"""Vertebro's clinical core: the specification's inputs, validation and rules.

Plain Python with no Django, database, request or clock (docs/specification.md).
Every rules version the project has used stays runnable (§9):

- `vertebro_rules.versions` — the one entry point: `get(version)` gives a
  version's inputs (`FIELDS`…), validation (`validate_case`, `validate_values`,
  `cross_field_errors`, `missing_inputs`, `red_flag_lines`), `evaluate`,
  `progress` and vocabulary; `evaluate_case` validates then evaluates;
  `VERSIONS`, `ACTIVE_DEFAULT`, `list_versions()`;
- `vertebro_rules.versions.v2026_2`, `...v2026_3` — the versions themselves;
- `vertebro_rules.errors` — `InvalidInput` (with the red-flag lines of a refused
  case) and `error_lines`, shared by every version;
- `vertebro_rules.dates` — `in_words`, the one way its messages and reasons write a
  date ("10 Mar 2026").

`vertebro_rules.inputs`, `.validation`, `.rules`, `.guidance`, `.progress`,
`.references` and `.vocabulary` are rules version 2026.2, where the project has
always imported it.
"""
