"""Running the installation: schema, backup and restore, health, request log, dated transitions."""
