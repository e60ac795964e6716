"""What inspectors and secretaries read: overview, registers, the dossier and its check, dashboard, workspace."""
