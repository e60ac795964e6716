"""Files people take away: .xlsx tables and the administrative Word layout, registers and the overview."""
