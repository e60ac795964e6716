"""The quality system's evidence (hồ sơ): publication, internal audits, corrective actions, management reviews,
objectives and the yearly confirmation of effectiveness; one module per kind of record."""
