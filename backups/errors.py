class BackupError(Exception):
    """A backup or restore that cannot go on, with the message for the operator."""
