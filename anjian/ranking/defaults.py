"""The default indicator set of a year's scheme (`services.ensure_scheme` copies it).

Modelled on published Zhejiang practice (14 indicators on 100 points, with a veto), adapted to the
data the platform records: accidents weigh most, then what the town finds by itself against what
others find in its territory, how it rectifies, how it inspects and how it reports. Counts that grow
with a town's size are per 100 enterprises. The numbers are data, not code: indicators.REGISTRY
reads its defaults from here, and the office changes a year's copy on the scheme page.

Each row: (code, direction, normalisation, weight, target). Weights sum to TOTAL_WEIGHT.
"""

from decimal import Decimal

TOTAL_WEIGHT = Decimal("100")
TIE_RULE = "weights"  # equal scores: the heaviest indicator's points decide, then the next, …
# A 较大 or worse accident in the month puts the town last whatever its score (一票否决).
VETOES = {"larger_accident": True}
BOTTOM_N = 3

D = Decimal

DEFAULT_INDICATORS = (
    ("accidents", "lower", "minmax", D("10"), None),
    ("deaths", "lower", "minmax", D("14"), None),
    ("deaths_yoy", "lower", "minmax", D("4"), None),
    ("active_share", "higher", "target", D("12"), D("0.9")),
    ("active_per_100", "higher", "minmax", D("8"), None),
    ("passive_per_100", "lower", "minmax", D("6"), None),
    ("on_time_rate", "higher", "target", D("10"), D("1")),
    ("overdue_major", "lower", "minmax", D("10"), None),
    ("inspections_done_rate", "higher", "target", D("8"), D("1")),
    ("hazards_per_inspection", "higher", "minmax", D("6"), None),
    ("self_check_rate", "higher", "target", D("6"), D("0.95")),
    ("plan_reports_on_time", "higher", "target", D("6"), D("1")),
)

DEFAULTS = {
    code: (direction, norm, weight, target) for code, direction, norm, weight, target in DEFAULT_INDICATORS
}

assert sum(row[3] for row in DEFAULT_INDICATORS) == TOTAL_WEIGHT, "default weights must sum to 100"
