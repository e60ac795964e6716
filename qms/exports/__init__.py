"""Files people take away: .xlsx tables and the administrative Word layout (Nghị định 30/2020), pure layouts."""
