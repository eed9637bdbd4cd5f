"""The evidence list (docs/specification.md §7), numbered as in the source summary."""

REFERENCES = {
    1: "Repeat vertebroplasty for unrelieved pain at previously treated levels "
    "(immediate failure, 4–32 days; VAS 8.6 → 1.67; leakage 13–22%).",
    2: "Repeat vertebroplasty for recurrent pain at previously treated levels "
    "(cleft sign; cement 6.8 vs 4.2 mL; VAS 2.8 at 3 months).",
    3: "Mechanisms of vertebroplasty failure (incomplete filling, missed fracture, clefts, "
    "fluid at the bone–cement interface).",
    4: "Practice parameter for vertebral augmentation (selection: MRI edema, point tenderness, "
    "≥ 6 weeks of conservative therapy, baseline neurological examination; major "
    "complications < 1%; counselling and prevention).",
    5: "New fractures after vertebroplasty (58.8–63.8% adjacent; 72 vs 287 days).",
    6: "Risk factors for new fractures after vertebroplasty (1-year fracture-free rate 92.2%).",
    7: "Medical prevention of further osteoporotic fractures.",
}
