"""Editor and ``check --fix`` backups: never read as content, never published."""

from handler.engine.reader import is_backup

__all__ = ["is_backup"]
