"""What inspectors and secretaries read: overview, registers and their files, the dossier and its check, control
histories, dashboard, workspace."""
