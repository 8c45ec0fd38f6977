"""Monthly partitions in Bali's time: one partition per reporting month."""

import dagster as dg

from pipeline.domain.periods import PARTITION_FMT, TIMEZONE

# Realisation is cumulative from January, so every month's report stands alone
# and any earlier month can be re-run (backfilled).  end_offset=1 includes the
# current month, so a bidang's early file can be checked before the month ends.
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date="2020-01",
    fmt=PARTITION_FMT,  # partition keys are periods: "2024-12" (pipeline.domain.periods.partition_key)
    timezone=TIMEZONE,
    end_offset=1,
)
