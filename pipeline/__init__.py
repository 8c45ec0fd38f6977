"""lkjip: turns an OPD's Excel files into its annual performance report (LKjIP)."""
